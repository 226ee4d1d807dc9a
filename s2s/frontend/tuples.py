"""Scalar replacement of tuples: ``p = (a, b); c = p[1]`` becomes ``p_0 = a; p_1 = b; c = p_1``.

Applies to a variable that is only ever assigned tuple literals of one length, or assigned
once the result of a call known to return a tuple (``s = np.linalg.slogdet(a)`` becomes
``s_0, s_1 = np.linalg.slogdet(a)``), and only read by constant indices, so each element
becomes a variable of its own that the derivative transforms treat like any other.
"""

from __future__ import annotations

import gast

from ..analysis.definitions import statements
from ..codegen.naming import Namer, names_in
from ..gastutil import Transformer, assign, clone, load, store, walk
from .unpacking import display_checked, length_checked


def _candidates(tree: gast.FunctionDef, tuple_length) -> dict[str, int]:
    lengths: dict[str, set[int]] = {}
    rejected: set[str] = {a.id for a in tree.args.args}
    for node in statements(tree):  # assignments are statements: no need to walk expressions
        if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name):
            name = node.targets[0].id
            returned = tuple_length(node.value) if isinstance(node.value, gast.Call) else None
            if isinstance(node.value, gast.Tuple):
                lengths.setdefault(name, set()).add(len(node.value.elts))
            elif returned:
                lengths.setdefault(name, set()).add(returned)
                lengths[name].add(-1)  # a call: one assignment at most (see below)
            else:
                rejected.add(name)
        elif isinstance(node, (gast.For,)) and isinstance(node.target, gast.Name):
            rejected.add(node.target.id)
        elif isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Tuple):
            rejected.update(e.id for e in node.targets[0].elts)
    if not lengths:
        return {}
    indexed: set[int] = set()  # names read by a constant index, or only for their length
    for node in walk(tree):
        checked = length_checked(node)
        if checked is not None:
            indexed.add(id(node.value.args[0]))
        elif (
            isinstance(node, gast.Subscript)
            and isinstance(node.value, gast.Name)
            and isinstance(node.slice, gast.Constant)
            and isinstance(node.slice.value, int)
        ):
            indexed.add(id(node.value))
        # A subscript comes before the name it indexes (the walk is in pre-order).
        elif isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            if id(node) not in indexed:
                rejected.add(node.id)
    found = {}
    for name, sizes in lengths.items():
        sizes = set(sizes)
        from_call = -1 in sizes
        sizes.discard(-1)
        if (
            len(sizes) == 1
            and name not in rejected
            and not (from_call and _assignments(tree, name) > 1)
        ):
            found[name] = next(iter(sizes))
    return found


def _assignments(tree: gast.FunctionDef, name: str) -> int:
    return sum(
        1
        for node in walk(tree)
        if isinstance(node, gast.Assign)
        and isinstance(node.targets[0], gast.Name)
        and node.targets[0].id == name
    )


class _Replace(Transformer):
    def __init__(self, parts: dict[str, list[str]]):
        self.parts = parts

    def visit_Assign(self, node: gast.Assign):
        target = node.targets[0]
        if isinstance(target, gast.Name) and target.id in self.parts:
            names = self.parts[target.id]
            if isinstance(node.value, gast.Call):  # `s_0, s_1 = f(...)`
                self.generic_visit(node)
                unpacked = gast.Tuple([store(n) for n in names], gast.Store())
                return gast.copy_location(assign(unpacked, node.value), node)
            return [
                gast.copy_location(assign(n, elt), node) for n, elt in zip(names, node.value.elts)
            ]
        self.generic_visit(node)
        return node

    def visit_Expr(self, node: gast.Expr):
        checked = length_checked(node)
        if checked is None or checked[0] not in self.parts:
            self.generic_visit(node)
            return node
        return display_checked(node, len(self.parts[checked[0]]))

    def visit_Subscript(self, node: gast.Subscript):
        if isinstance(node.value, gast.Name) and node.value.id in self.parts:
            names = self.parts[node.value.id]
            return gast.copy_location(load(names[node.slice.value]), node)
        self.generic_visit(node)
        return node


def scalarize_tuples(tree: gast.FunctionDef, tuple_length=lambda call: None) -> gast.FunctionDef:
    """The function with eligible tuple variables split into one variable per element;
    ``tuple_length(call)`` says how many values a call returns (None: not a tuple)."""
    candidates = _candidates(tree, tuple_length)
    if not candidates:
        return tree
    namer = Namer(names_in(tree))
    parts = {
        name: [namer.fresh(f"{name}_{k}") for k in range(size)]
        for name, size in sorted(candidates.items())
    }
    # (on a copy: the replacement rewrites statements in place, and other programs, such as
    # the primal function a Jacobian calls, may hold the same ones)
    return _Replace(parts).visit(clone(tree))
