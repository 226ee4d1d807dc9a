"""``A[i][j] = v`` written ``A[i, j] = v``, where that is the same write.

A chained index writes through the view ``A[i]``, which derivatives refuse (a write through a
second name of ``A``'s memory). Where ``A`` is surely an array (each of its bindings makes a
new one: ``np.zeros``, ``np.empty_like``, ``x.copy()``...) and ``i`` surely an integer (a
constant, or the counter of a ``range`` loop that nothing else binds), ``A[i]`` is a view of
row ``i`` and ``A[i][j]`` is ``A[i, j]``: the one index says the same. Any other chain stays
as written: an index array gathers a copy, a slice shifts the positions, and a list of arrays
takes no tuple index.
"""

from __future__ import annotations

import gast

from ..gastutil import Transformer, attr_path, target_names

# Calls that make a new array, and methods of an array that do.
_MAKERS = frozenset(
    """np.zeros np.empty np.ones np.full np.zeros_like np.empty_like np.ones_like
    np.full_like np.eye np.identity np.copy""".split()
)
_MAKING_METHODS = frozenset({"copy"})


def merged_chains(tree: gast.FunctionDef) -> gast.FunctionDef:
    """``tree`` with the chained writes ``A[i][j] = v`` that are ``A[i, j] = v`` merged."""
    arrays, counters = _arrays_and_counters(tree)
    if not arrays:
        return tree
    return _Merge(arrays, counters).visit(tree)


def _arrays_and_counters(tree: gast.FunctionDef) -> tuple[set[str], set[str]]:
    """The names every binding of which makes a new array, and those bound only as the
    counters of ``range`` loops."""
    makes: dict[str, bool] = {a.id: False for a in tree.args.args}
    counts: dict[str, bool] = {a.id: False for a in tree.args.args}
    for node in gast.walk(tree):
        if isinstance(node, (gast.Assign, gast.AugAssign, gast.AnnAssign)):
            targets = node.targets if isinstance(node, gast.Assign) else [node.target]
            for target in targets:
                made = isinstance(target, gast.Name) and isinstance(node, gast.Assign)
                for name in target_names(target):
                    makes[name] = makes.get(name, True) and made and _makes_array(node.value)
                    counts[name] = False
        elif isinstance(node, gast.For):
            counted = isinstance(node.target, gast.Name) and _is_range(node.iter)
            for name in target_names(node.target):
                counts[name] = counts.get(name, True) and counted
                makes[name] = False
        elif isinstance(node, (gast.With, gast.comprehension, gast.NamedExpr)):
            bound = node.items if isinstance(node, gast.With) else [node]
            for item in bound:
                target = getattr(item, "optional_vars", None) or getattr(item, "target", None)
                for name in target_names(target) if target is not None else ():
                    makes[name] = counts[name] = False
    return {n for n, ok in makes.items() if ok}, {n for n, ok in counts.items() if ok}


def _makes_array(value: gast.AST) -> bool:
    if not isinstance(value, gast.Call):
        return False
    if attr_path(value.func) in _MAKERS:
        return True
    func = value.func
    return isinstance(func, gast.Attribute) and func.attr in _MAKING_METHODS and not value.args


def _is_range(iterated: gast.AST) -> bool:
    return isinstance(iterated, gast.Call) and attr_path(iterated.func) in (
        "range",
        "numba.prange",
        "_s2s.prange",
    )


class _Merge(Transformer):
    def __init__(self, arrays: set[str], counters: set[str]):
        self.arrays = arrays
        self.counters = counters

    def visit_Subscript(self, node: gast.Subscript) -> gast.AST:
        self.generic_visit(node)
        if not isinstance(node.ctx, gast.Store):
            return node
        parts = node.slice.elts if isinstance(node.slice, gast.Tuple) else [node.slice]
        base = node.value
        while isinstance(base, gast.Subscript) and self._integer(base.slice):
            parts = [base.slice, *parts]  # A[i][j][k]: each index but the last an integer
            base = base.value
        if base is node.value or not (isinstance(base, gast.Name) and base.id in self.arrays):
            return node
        merged = gast.Subscript(base, gast.Tuple(parts, gast.Load()), gast.Store())
        return gast.copy_location(merged, node)

    def _integer(self, index: gast.AST) -> bool:
        if isinstance(index, gast.Constant):
            return type(index.value) is int
        return isinstance(index, gast.Name) and index.id in self.counters
