"""Tuple arguments differentiated entry by entry: ``f(params, x)`` as ``f(params_0, params_1, x)``.

A JAX user passes parameters as a tuple, ``grad(loss)((W, b), x)``, or a tuple of them,
``((W1, b1), (W2, b2))``, and unpacks them in the function (``W, b = params``, which the normal
form writes ``W = params[0]``). For a call with such tuples, the entry takes one parameter per
leaf instead, and reads them where it read ``params[0]`` (``params[1][0]`` through the name the
normal form binds to ``params[1]``): every transformation then sees plain arguments. A helper
the tuple is passed to whole (``predict(params, x)``) gets a version of its own that takes the
leaves alike (``predict_of_leaves(params_0, params_1, x)``). Any other use of a tuple than
these and reads by constant indices (``len(params)``, returning it) is refused.
"""

from __future__ import annotations

from typing import Any, Union

import gast
import numpy as np

from ..codegen.naming import Namer, names_in
from ..errors import BatchingError, DifferentiationError, S2SError
from ..frontend.unpacking import length_checked
from ..gastutil import Transformer, clone, load, walk
from ..program import Program, Unit

# The structure of a tuple argument: a tuple holding None for each leaf (a float or a float
# array) and a structure for each tuple inside.
Structure = tuple
Names = tuple  # the same, holding the leaves' parameter names
_Part = Union[str, Names]  # noqa: UP007


def structure_of(value: Any, of_floats: bool = True) -> Structure | None:
    """``value``'s structure if it is a non-empty tuple whose leaves are all floats and float
    arrays (with ``of_floats`` false: numbers and arrays of any kind), else None."""
    if type(value) is not tuple or not value:
        return None
    parts = []
    for entry in value:
        if _is_leaf(entry, of_floats):
            parts.append(None)
        else:
            inner = structure_of(entry, of_floats)
            if inner is None:
                return None
            parts.append(inner)
    return tuple(parts)


def _is_leaf(entry: Any, of_floats: bool) -> bool:
    if of_floats:
        floating = isinstance(entry, np.ndarray) and entry.dtype.kind == "f"
        return floating or isinstance(entry, (float, np.floating))
    return isinstance(entry, (np.ndarray, np.generic, int, float, complex))


def leaf_count(structure: Structure | None) -> int:
    return 1 if structure is None else sum(leaf_count(s) for s in structure)


def leaves(value: Any, structure: Structure | None) -> list:
    """The leaves of ``value``, depth first."""
    if structure is None:
        return [value]
    return [leaf for v, s in zip(value, structure) for leaf in leaves(v, s)]


def rebuilt(flat: list, structure: Structure | None) -> Any:
    """``flat``'s values in ``structure`` (the inverse of ``leaves``)."""
    items = iter(flat)

    def build(s):
        return next(items) if s is None else tuple(build(p) for p in s)

    return build(structure)


def split_tuple_arguments(
    program: Program, structures: dict[int, Structure], error: type[S2SError] = DifferentiationError
) -> Program:
    """``program`` whose entry takes the leaves of its arguments ``structures`` (position ->
    the tuple's structure) as arguments of their own, in their place; a helper it passes such
    a tuple to whole (``predict(params, x)``) is split alike, as a new helper. A use of a tuple
    that cannot be read so raises ``error`` (for ``vmap``: ``BatchingError``)."""
    splitter = _Splitter(program, error)
    entry = program.entry_unit
    units = dict(program.units)
    units[program.entry] = Unit(entry.parsed, splitter.split(program.entry, structures))
    if splitter.made:  # the helpers' versions in, those no longer called out
        units.update(splitter.made)
        kept = _reached(units, program.entry, program.custom_vjps)
        units = {name: unit for name, unit in units.items() if name in kept}
    return Program(program.entry, units, dict(program.bindings), dict(program.custom_vjps))


def _reached(units: dict[str, Unit], entry: str, custom_vjps: dict) -> set[str]:
    """The functions ``entry`` calls, and those they call... (with their custom rules)."""
    reached, todo = set(), [entry]
    while todo:
        name = todo.pop()
        if name in reached or name not in units:
            continue
        reached.add(name)
        todo += [n.id for n in walk(units[name].tree) if isinstance(n, gast.Name)]
        todo += list(custom_vjps.get(name, ()))
    return reached


class _Splitter:
    """Splits the tuple parameters of the program's functions, each function and structure
    once (the helpers' new versions in ``made``)."""

    def __init__(self, program: Program, error: type[S2SError]):
        self.program = program
        self.error = error
        self.doing = "batches" if error is BatchingError else "differentiates"
        taken = set(program.units) | set(program.bindings)
        self.namer = Namer(taken | {n for unit in program for n in names_in(unit.tree)})
        self.versions: dict[tuple, str] = {}  # (helper, structures) -> its version's name
        self.made: dict[str, Unit] = {}

    def split(self, name: str, structures: dict[int, Structure]) -> gast.FunctionDef:
        unit = self.program.units[name]
        tree = clone(unit.tree)
        args = tree.args
        names = [a.id for a in args.args]
        namer = Namer(names_in(tree))
        parts: dict[str, Names] = {}
        for k, structure in sorted(structures.items()):
            param = names[k] if k < len(names) else "*args"
            if k >= len(names) - len(args.defaults) or args.vararg is not None:
                raise self.error(
                    f"argument `{param}` is a tuple; s2s {self.doing} tuples only for "
                    "parameters without defaults, in a function without *args",
                    unit.parsed.location(tree),
                )
            parts[param] = _names(param, structure, namer)
        reads = _Reads(tree, parts)
        passed = self._passed_whole(tree, reads)
        reads.check(unit, self.error, self.doing, {id(arg) for _, arg, _ in passed})
        self._call_versions(passed, reads)
        flat = []
        for arg in args.args:
            if arg.id not in parts:
                flat.append(arg)
                continue
            for leaf in _flat(parts[arg.id]):
                flat.append(gast.copy_location(gast.Name(leaf, gast.Param(), None, None), arg))
        args.args = flat
        rewrite = _Leaves(reads)
        tree.body = [new for stmt in tree.body if (new := rewrite.visit(stmt)) is not None]
        return tree

    def _passed_whole(self, tree: gast.FunctionDef, reads: _Reads) -> list:
        """``(call, argument, position)`` for each tuple passed whole to a helper."""
        helpers = set(self.program.units) - set(self.program.custom_vjps)
        return [
            (node, arg, j)
            for node in walk(tree)
            if isinstance(node, gast.Call)
            and isinstance(node.func, gast.Name)
            and node.func.id in helpers
            for j, arg in enumerate(node.args)
            if isinstance(arg, gast.Name) and arg.id in reads.tuples
        ]

    def _call_versions(self, passed: list, reads: _Reads) -> None:
        """Each call passing tuples whole calls the helper's version taking their leaves."""
        by_call: dict[int, tuple] = {}
        for call, arg, j in passed:
            by_call.setdefault(id(call), (call, {}))[1][j] = reads.tuples[arg.id]
        for call, passing in by_call.values():
            helper = call.func.id
            structures = {j: _structure(names) for j, names in passing.items()}
            key = (helper, tuple(sorted(structures.items())))
            if key not in self.versions:
                version = self.versions[key] = self.namer.fresh(f"{helper}_of_leaves")
                tree = self.split(helper, structures)
                tree.name = version
                self.made[version] = Unit(self.program.units[helper].parsed, tree)
            call.func = gast.copy_location(load(self.versions[key]), call.func)
            call.args = [
                leaf
                for j, arg in enumerate(call.args)
                for leaf in ([load(n) for n in _flat(passing[j])] if j in passing else [arg])
            ]


def _structure(names: Names) -> Structure:
    return tuple(None if isinstance(part, str) else _structure(part) for part in names)


def _names(stem: str, structure: Structure, namer: Namer) -> Names:
    return tuple(
        namer.fresh(f"{stem}_{j}") if s is None else _names(f"{stem}_{j}", s, namer)
        for j, s in enumerate(structure)
    )


def _flat(names: Names) -> list[str]:
    return [leaf for part in names for leaf in ([part] if isinstance(part, str) else _flat(part))]


class _Reads:
    """Where the tuples are read: ``t[j]`` for a constant ``j``; a tuple inside bound to a name
    once (``_t1 = t[1]``, an alias read the same way)."""

    def __init__(self, tree: gast.FunctionDef, parts: dict[str, Names]):
        self.tree = tree
        self.tuples: dict[str, Names] = dict(parts)  # the arguments, then the aliases
        self.constants = _constant_names(tree)
        self.aliases: set[int] = set()  # the assignments binding them
        self.length_checks: set[int] = set()  # `_s2s.require_length(t, n)`, checked here
        bound: dict[str, int] = {}
        for node in walk(tree):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
                bound[node.id] = bound.get(node.id, 0) + 1
        for node in walk(tree):  # in order: the normal form binds an alias before reading it
            if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name):
                part = self.entry(node.value) if isinstance(node.value, gast.Subscript) else None
                target = node.targets[0].id
                if isinstance(part, tuple) and bound[target] == 1 and target not in parts:
                    self.tuples[target] = part
                    self.aliases.add(id(node))

    def entry(self, node: gast.Subscript) -> _Part | None:
        """What ``t[j]`` reads: a leaf's name, or the names of a tuple inside; None if ``node``
        is no such read."""
        base, index = node.value, node.slice
        if not (isinstance(base, gast.Name) and base.id in self.tuples):
            return None
        if not isinstance(node.ctx, gast.Load):
            return None
        j = self.constants.get(index.id) if isinstance(index, gast.Name) else _constant(index)
        names = self.tuples[base.id]
        return names[j] if j is not None and -len(names) <= j < len(names) else None

    def check(self, entry: Unit, error: type[S2SError], doing: str, passed: set[int]) -> None:
        """Refuse a use of a tuple other than a read of a leaf, an alias's binding, or being
        ``passed`` whole to a helper."""
        arguments = {a.id for a in entry.tree.args.args}
        allowed: set[int] = set(passed)
        for node in walk(self.tree):
            checked = length_checked(node)
            if checked is not None and checked[0] in self.tuples:  # `a, b = params`
                name, count = checked
                size = len(self.tuples[name])
                if count != size:
                    raise error(
                        f"`{name}` is a tuple of {size}, unpacked into {count} names",
                        entry.parsed.location(node),
                    )
                allowed.add(id(node.value.args[0]))
                self.length_checks.add(id(node))
            elif isinstance(node, gast.Assign) and id(node) in self.aliases:
                allowed.add(id(node.value.value))
            elif isinstance(node, gast.Subscript) and isinstance(self.entry(node), str):
                allowed.add(id(node.value))
            elif isinstance(node, gast.Name) and node.id in self.tuples:
                if isinstance(node.ctx, gast.Param) or id(node) in allowed:
                    continue
                if isinstance(node.ctx, gast.Store) and node.id not in arguments:
                    continue  # an alias's own binding
                size = len(self.tuples[node.id])
                raise error(
                    f"`{node.id}` is a tuple of {size}, and {entry.parsed.fn.__name__} uses it "
                    f"other than by a constant index (`{node.id}[0]`, or `a, b = {node.id}`) or "
                    f"as a helper's argument: s2s {doing} a tuple argument entry by entry",
                    entry.parsed.location(node),
                    hint=f"unpack it first, {', '.join(f'v{j}' for j in range(size))} = {node.id}",
                )


def _constant(node: gast.AST) -> int | None:
    """``2`` for ``2``, ``-1`` for ``-1``; None for anything else."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        inner = _constant(node.operand)
        return None if inner is None else -inner
    return node.value if isinstance(node, gast.Constant) and type(node.value) is int else None


def _constant_names(tree: gast.FunctionDef) -> dict[str, int]:
    """The names bound once, to an integer constant (``_t5 = -1``)."""
    bound: dict[str, list] = {}
    for node in walk(tree):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            bound.setdefault(node.id, []).append(node)
    constants = {}
    for node in walk(tree):
        if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name):
            name, value = node.targets[0].id, _constant(node.value)
            if value is not None and len(bound[name]) == 1:
                constants[name] = value
    return constants


class _Leaves(Transformer):
    """``t[j]`` read as ``t_j``; the bindings of aliases and the checks of their lengths
    dropped."""

    def __init__(self, reads: _Reads):
        self.reads = reads

    def visit_Expr(self, node: gast.Expr):
        if id(node) in self.reads.length_checks:
            return None
        self.generic_visit(node)
        return node

    def visit_Assign(self, node: gast.Assign):
        if id(node) in self.reads.aliases:
            return None
        self.generic_visit(node)
        return node

    def visit_Subscript(self, node: gast.Subscript):
        name = self.reads.entry(node)
        if isinstance(name, str):
            return gast.copy_location(load(name), node)
        self.generic_visit(node)
        return node
