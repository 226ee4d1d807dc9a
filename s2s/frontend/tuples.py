"""Scalar replacement of tuples: ``p = (a, b); c = p[1]`` becomes ``p_0 = a; p_1 = b; c = p_1``.

Applies to a variable that is only ever assigned tuple literals of one length and only read
by constant indices, so each element becomes a variable of its own that the derivative
transforms treat like any other.
"""

from __future__ import annotations

import gast

from ..codegen.naming import Namer, names_in
from ..gastutil import assign, load


def _candidates(tree: gast.FunctionDef) -> dict[str, int]:
    lengths: dict[str, set[int]] = {}
    rejected: set[str] = {a.id for a in tree.args.args}
    indexed: set[int] = set()
    for node in gast.walk(tree):
        if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name):
            name = node.targets[0].id
            if isinstance(node.value, gast.Tuple):
                lengths.setdefault(name, set()).add(len(node.value.elts))
            else:
                rejected.add(name)
        elif isinstance(node, (gast.For,)) and isinstance(node.target, gast.Name):
            rejected.add(node.target.id)
        elif isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Tuple):
            rejected.update(e.id for e in node.targets[0].elts)
        if (
            isinstance(node, gast.Subscript)
            and isinstance(node.value, gast.Name)
            and isinstance(node.slice, gast.Constant)
            and isinstance(node.slice.value, int)
        ):
            indexed.add(id(node.value))
    for node in gast.walk(tree):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            if id(node) not in indexed:
                rejected.add(node.id)
    return {
        name: next(iter(sizes))
        for name, sizes in lengths.items()
        if len(sizes) == 1 and name not in rejected
    }


class _Replace(gast.NodeTransformer):
    def __init__(self, parts: dict[str, list[str]]):
        self.parts = parts

    def visit_Assign(self, node: gast.Assign):
        target = node.targets[0]
        if isinstance(target, gast.Name) and target.id in self.parts:
            names = self.parts[target.id]
            return [
                gast.copy_location(assign(n, elt), node) for n, elt in zip(names, node.value.elts)
            ]
        self.generic_visit(node)
        return node

    def visit_Subscript(self, node: gast.Subscript):
        if isinstance(node.value, gast.Name) and node.value.id in self.parts:
            names = self.parts[node.value.id]
            return gast.copy_location(load(names[node.slice.value]), node)
        self.generic_visit(node)
        return node


def scalarize_tuples(tree: gast.FunctionDef) -> gast.FunctionDef:
    """The function with eligible tuple variables split into one variable per element."""
    candidates = _candidates(tree)
    if not candidates:
        return tree
    namer = Namer(names_in(tree))
    parts = {
        name: [namer.fresh(f"{name}_{k}") for k in range(size)]
        for name, size in sorted(candidates.items())
    }
    return _Replace(parts).visit(tree)
