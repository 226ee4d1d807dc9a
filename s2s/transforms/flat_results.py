"""Nested results of helpers flattened, for reverse mode.

Reverse mode keeps one adjoint per variable and builds no tuple of adjoints, so a helper that
returns ``a, (b, c)`` is rewritten to return ``a, b, c``, and each call ``v, t = h(x)`` binds
the leaves to names of their own, ``v, t_0, t_1 = h(x)``, that the reads ``t[0]`` and ``t[1]``
become; where such a name is returned, the tuple is written out, ``return v, (t_0, t_1)``. A
helper is rewritten only where every call to it can be: its result bound to a name that is
only returned, or unpacked into names, each name holding a tuple bound there alone and read
only by constant indices, directly or through one copy (``u = t``, as ``t[1][0]``
normalises), or returned. Otherwise it stays as it is, and reverse mode refuses its nested
results where they carry derivatives.
"""

from __future__ import annotations

import gast

from ..analysis.activity import call_name
from ..analysis.definitions import statements
from ..codegen.naming import Namer, names_in
from ..frontend.unpacking import display_checked, length_checked
from ..gastutil import Transformer, clone, load, store, walk
from ..program import Program
from .outputs import output_structure


def flat_results(program: Program) -> Program:
    """``program`` with the nested results of its helpers flattened where every call allows
    (again where that writes out a nested result: ``return h(x)`` returns one after it)."""
    for _ in program.units:
        flattened = _flattened_once(program)
        if flattened is program:
            break
        program = flattened
    return program


def _flattened_once(program: Program) -> Program:
    nested = {
        name: structure
        for name in program.units
        if name != program.entry
        and name not in program.custom_vjps
        and (structure := _one_level(output_structure(program, name))) is not None
        and _returns_displays(program.units[name].tree, structure)
    }
    if not nested:
        return program
    sites = {name: _call_sites(unit.tree, nested) for name, unit in program.units.items()}
    refused = {helper for found in sites.values() for helper, site in found if site is None}
    nested = {name: s for name, s in nested.items() if name not in refused}
    if not nested:
        return program

    def one(unit):
        if unit.name not in nested and not any(h in nested for h, _ in sites[unit.name]):
            return unit.tree
        tree = clone(unit.tree)  # the sites again, in the copy
        calls = [site for helper, site in _call_sites(tree, nested) if helper in nested]
        if unit.name in nested:
            _Returns().visit(tree)
        if calls:
            _Sites(_leaf_names(tree, calls)).visit(tree)
        return tree

    return program.map(one)


Structure = tuple  # of None (a leaf) and ints (a tuple of that many leaves)


def _one_level(structure) -> Structure | None:
    """``(None, 2)`` for ``(a, (b, c))``: where the result is a tuple holding tuples of leaves
    (and leaves); None for any other structure."""
    if not isinstance(structure, tuple):
        return None
    flat = []
    for part in structure:
        if part is None:
            flat.append(None)
        elif all(p is None for p in part):
            flat.append(len(part))
        else:
            return None
    return tuple(flat) if any(flat) else None


def _returns_displays(tree: gast.FunctionDef, structure: Structure) -> bool:
    """Whether every ``return`` of ``tree`` writes its nested tuple out in full."""
    for node in statements(tree):
        if isinstance(node, gast.Return):
            value = node.value
            if not isinstance(value, gast.Tuple) or len(value.elts) != len(structure):
                return False
            for part, size in zip(value.elts, structure):
                if size is not None and not (
                    isinstance(part, gast.Tuple) and len(part.elts) == size
                ):
                    return False
    return True


class _Site:
    """A call ``v, t = h(x)`` (or ``t = h(x)``) to flatten, and the copies of its tuples."""

    def __init__(self, stmt: gast.Assign, structure: Structure, copies: dict[str, str]):
        self.stmt = stmt
        self.structure = structure
        self.copies = copies  # copy -> the name it copies


def _call_sites(tree: gast.FunctionDef, nested: dict[str, Structure]) -> list:
    """``(helper, site)`` for each call in ``tree`` to a helper of ``nested``: site None where
    the call cannot be flattened."""
    calls = [
        node for node in walk(tree) if isinstance(node, gast.Call) and call_name(node) in nested
    ]
    if not calls:
        return []
    bindings: dict[str, int] = {}
    for node in walk(tree):
        if isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Param)):
            bindings[node.id] = bindings.get(node.id, 0) + 1
    uses = _Uses(tree)
    assigns = {
        id(node.value): node
        for node in statements(tree)
        if isinstance(node, gast.Assign) and isinstance(node.value, gast.Call)
    }
    found = []
    for node in calls:
        helper = call_name(node)
        structure = nested[helper]
        stmt = assigns.get(id(node))
        target = stmt.targets[0] if stmt is not None else None
        if isinstance(target, gast.Name):  # `t = h(x)`: fine where `t` is only returned
            fine = bindings[target.id] == 1 and uses.only_returned(target.id)
            found.append((helper, _Site(stmt, structure, {}) if fine else None))
            continue
        if not (
            isinstance(target, gast.Tuple)
            and len(target.elts) == len(structure)
            and all(isinstance(e, gast.Name) for e in target.elts)
        ):
            found.append((helper, None))
            continue
        copies: dict[str, str] = {}
        fine = True
        for element, size in zip(target.elts, structure):
            if size is None:
                continue
            names = [element.id, *uses.copied.get(element.id, [])]
            copies.update((copy, element.id) for copy in names[1:])
            fine &= all(bindings[n] == 1 and uses.only_indexed(n, size) for n in names)
            fine &= not any(n in uses.copied for n in names[1:])
        found.append((helper, _Site(stmt, structure, copies) if fine else None))
    return found


class _Uses:
    """How each name is read: by constant indices (``t[1]``), copied (``u = t``), returned
    (``return t``, ``return v, t``), or any other way."""

    def __init__(self, tree: gast.FunctionDef):
        self.indexed: dict[str, list[int]] = {}
        self.copied: dict[str, list[str]] = {}
        self.returned: set[str] = set()
        self.other: set[str] = set()
        seen: set[int] = set()
        for node in walk(tree):
            if _constant_index(node):
                self.indexed.setdefault(node.value.id, []).append(node.slice.value)
                seen.add(id(node.value))
            elif isinstance(node, gast.Assign) and _names(node.targets[0], node.value):
                self.copied.setdefault(node.value.id, []).append(node.targets[0].id)
                seen.add(id(node.value))
            elif length_checked(node) is not None:  # `_s2s.require_length(t, 2)`
                seen.add(id(node.value.args[0]))
            elif isinstance(node, gast.Return) and node.value is not None:
                value = node.value
                for part in value.elts if isinstance(value, gast.Tuple) else [value]:
                    if isinstance(part, gast.Name):
                        self.returned.add(part.id)
                        seen.add(id(part))
            elif isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
                if id(node) not in seen:
                    self.other.add(node.id)

    def only_indexed(self, name: str, size: int) -> bool:
        """Read only by indices below ``size``, copied, or returned."""
        return name not in self.other and all(k < size for k in self.indexed.get(name, ()))

    def only_returned(self, name: str) -> bool:
        return name not in self.other and name not in self.indexed and name not in self.copied


def _constant_index(node: gast.AST) -> bool:
    return (
        isinstance(node, gast.Subscript)
        and isinstance(node.value, gast.Name)
        and isinstance(node.slice, gast.Constant)
        and type(node.slice.value) is int
        and node.slice.value >= 0
    )


def _names(target: gast.AST, value: gast.AST) -> bool:
    return isinstance(target, gast.Name) and isinstance(value, gast.Name)


def _leaf_names(tree: gast.FunctionDef, calls: list[_Site]) -> tuple[dict, dict]:
    """The new names: for each site's statement, its flat targets; for each name holding a
    tuple (and each copy of one), the tuple of names it is now, as a display."""
    namer = Namer(names_in(tree))
    targets: dict[int, list[str]] = {}
    displays: dict[str, gast.Tuple] = {}
    for site in calls:
        target = site.stmt.targets[0]
        if isinstance(target, gast.Name):  # the whole result: every leaf a name of its own
            base = target.id
            parts = [None if size is None else [None] * size for size in site.structure]
            elements = [gast.Name(base, gast.Store(), None, None)] * len(parts)
        else:
            base = None
            parts = site.structure
            elements = target.elts
        flat, whole = [], []
        for k, (element, size) in enumerate(zip(elements, parts)):
            stem = f"{base}_{k}" if base is not None else element.id
            if size is None and base is None:
                flat.append(element.id)
                whole.append(load(element.id))
                continue
            if size is None:
                name = namer.fresh(stem)
                flat.append(name)
                whole.append(load(name))
                continue
            count = size if isinstance(size, int) else len(size)
            leaves = [namer.fresh(f"{stem}_{j}") for j in range(count)]
            flat += leaves
            display = gast.Tuple([load(n) for n in leaves], gast.Load())
            whole.append(display)
            if base is None:
                displays[element.id] = display
        if base is not None:
            displays[base] = gast.Tuple(whole, gast.Load())
        targets[id(site.stmt)] = flat
        for copy, name in site.copies.items():
            displays[copy] = displays[name]
    return targets, displays


class _Returns(Transformer):
    """``return a, (b, c)`` as ``return a, b, c``."""

    def visit_Return(self, node: gast.Return):
        elts = []
        for part in node.value.elts:
            elts += part.elts if isinstance(part, gast.Tuple) else [part]
        node.value = gast.Tuple(elts, gast.Load())
        return node


class _Sites(Transformer):
    """Calls bound to their flat targets; reads of the tuples' entries made reads of leaves,
    the tuples returned written out."""

    def __init__(self, names: tuple[dict, dict]):
        self.targets, self.displays = names

    def visit_Assign(self, node: gast.Assign):
        flat = self.targets.get(id(node))
        target, value = node.targets[0], node.value
        if flat is not None:
            unpacked = gast.Tuple([store(n) for n in flat], gast.Store())
            node.targets = [gast.copy_location(unpacked, target)]
            return node
        if isinstance(target, gast.Name) and target.id in self.displays and _names(target, value):
            return None  # a copy of a tuple: its reads read the leaves
        self.generic_visit(node)
        return node

    def visit_Expr(self, node: gast.Expr):
        checked = length_checked(node)
        if checked is not None and checked[0] in self.displays:
            return display_checked(node, len(self.displays[checked[0]].elts))
        self.generic_visit(node)
        return node

    def visit_Subscript(self, node: gast.Subscript):
        base = node.value
        if isinstance(base, gast.Name) and base.id in self.displays:
            leaf = self.displays[base.id].elts[node.slice.value]
            return gast.copy_location(clone(leaf), node)
        self.generic_visit(node)
        return node

    def visit_Return(self, node: gast.Return):
        value = node.value
        if isinstance(value, gast.Name) and value.id in self.displays:
            node.value = gast.copy_location(clone(self.displays[value.id]), value)
        elif isinstance(value, gast.Tuple):
            value.elts = [
                gast.copy_location(clone(self.displays[e.id]), e)
                if isinstance(e, gast.Name) and e.id in self.displays
                else e
                for e in value.elts
            ]
        return node
