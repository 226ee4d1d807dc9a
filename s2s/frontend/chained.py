"""``A[i][j] = v`` written ``A[i, j] = v``, where that is the same write.

A chained index writes through the view ``A[i]``, which derivatives refuse (a write through a
second name of ``A``'s memory). Where ``A`` is surely an array (each of its bindings makes a
new one: ``np.zeros``, ``np.empty_like``, ``x.copy()``...) and ``i`` surely an integer (a
constant, or the counter of a ``range`` loop that nothing else binds), ``A[i]`` is a view of
row ``i`` and ``A[i][j]`` is ``A[i, j]``: the one index says the same. Any other chain stays
as written: an index array gathers a copy, a slice shifts the positions, and a list of arrays
takes no tuple index.

A row named first (``row = A[i]``, then ``row[j] = v``) is the same view: where ``A`` surely
has two dimensions or more (a new array of such a shape, bound once) and ``row`` is bound
once, written through and used only after, in the same block (a loop's body, for a counter
``i``), ``row`` is replaced by ``A[i]`` and its writes merged as above. A loop ``for row in A``
written through is first ``for k in range(A.shape[0]): row = A[k]``.
"""

from __future__ import annotations

from collections import Counter

import gast

from ..gastutil import (
    Transformer,
    assign,
    attr_path,
    call,
    clone,
    load,
    placed_at,
    substituted,
    target_names,
)

# Calls that make a new array (desugaring has made `x.copy()` `np.copy(x)`).
_MAKERS = frozenset(
    """np.zeros np.empty np.ones np.full np.zeros_like np.empty_like np.ones_like
    np.full_like np.eye np.identity np.copy""".split()
)


def merged_chains(tree: gast.FunctionDef) -> gast.FunctionDef:
    """``tree`` with the chained writes ``A[i][j] = v`` that are ``A[i, j] = v`` merged, and
    the rows named first (``row = A[i]``) read and written as ``A[i]``."""
    arrays, counters = _arrays_and_counters(tree)
    if not arrays:
        return tree
    _inline_rows(tree, arrays, counters)
    return _Merge(arrays, counters).visit(tree)


def _inline_rows(tree: gast.FunctionDef, arrays: set[str], counters: set[str]) -> None:
    """Replace each ``row`` bound once to ``A[i]`` (see the module's doc) by ``A[i]``; a
    loop ``for row in A`` first becomes ``for k in range(A.shape[0]): row = A[k]``."""
    bound, _, planar = _facts(tree, arrays)
    taken = {n.id for n in gast.walk(tree) if isinstance(n, gast.Name)}
    for loop in [n for n in gast.walk(tree) if isinstance(n, gast.For)]:
        row, rows_of = loop.target, loop.iter
        if not (isinstance(row, gast.Name) and isinstance(rows_of, gast.Name)):
            continue
        if rows_of.id not in planar or bound[row.id] != 1:
            continue
        if not _written_through(loop.body, row.id):
            continue
        k = next(f"_{row.id}{n}" for n in range(1, 1000) if f"_{row.id}{n}" not in taken)
        taken.add(k)
        counters.add(k)
        rows = gast.Subscript(load(rows_of.id), gast.Constant(0, None), gast.Load())
        extent = gast.Subscript(
            gast.Attribute(rows.value, "shape", gast.Load()), rows.slice, gast.Load()
        )
        loop.target = placed_at(gast.Name(k, gast.Store(), None, None), loop.target)
        loop.iter = placed_at(call("range", extent), loop.iter)
        picked = gast.Subscript(load(rows_of.id), load(k), gast.Load())
        loop.body.insert(
            0, placed_at(assign(gast.Name(row.id, gast.Store(), None, None), picked), loop)
        )
    while _inline_one_row(tree, arrays, counters):
        pass


def _facts(tree: gast.FunctionDef, arrays: set[str]) -> tuple[Counter, Counter, set[str]]:
    """How many times each name is bound, and used (read, or updated as ``row *= s``); the
    arrays of ``arrays`` with two dimensions or more, bound once."""
    bound = Counter(a.id for a in tree.args.args)
    uses: Counter = Counter()
    values: dict[str, gast.AST] = {}
    nodes = list(gast.walk(tree))
    updated = {id(n.target) for n in nodes if isinstance(n, gast.AugAssign)}  # `row *= s`
    for node in nodes:
        if isinstance(node, gast.Name):
            used = isinstance(node.ctx, gast.Load) or id(node) in updated
            (uses if used else bound)[node.id] += 1
        elif isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name):
            values[node.targets[0].id] = node.value
    planar = {a for a in arrays if bound[a] == 1 and _planar(values.get(a))}
    return bound, uses, planar


def _inline_one_row(tree: gast.FunctionDef, arrays: set[str], counters: set[str]) -> bool:
    bound, uses, planar = _facts(tree, arrays)
    if not planar:
        return False
    for block, loop in _blocks(tree):
        for k, stmt in enumerate(block):
            row = _row(stmt, planar, counters, loop, bound)
            rest = block[k + 1 :]
            if row is None or _uses_in(rest, row[0]) != uses[row[0]] or _rebinds(rest, row[1]):
                continue
            if not _written_through(rest, row[0]):
                continue  # a row only read is a view like any other
            block[k:] = _replaced(rest, *row)
            return True
    return False


def _replaced(stmts: list[gast.stmt], name: str, view: gast.Subscript) -> list[gast.stmt]:
    """``stmts`` with each use of ``name`` a copy of ``view`` (``A[i] *= s`` for ``row *= s``)."""

    def replace(node: gast.Name) -> gast.AST | None:
        if node.id != name:
            return None
        new = clone(view)
        new.ctx = clone(node.ctx)
        return new

    return substituted(stmts, replace)


def _planar(value: gast.AST | None) -> bool:
    """Whether ``value`` makes an array of two dimensions or more."""
    if not isinstance(value, gast.Call) or not value.args:
        return False
    function = attr_path(value.func)
    if function in ("np.eye", "np.identity"):
        return True
    shape = value.args[0]
    made = function in ("np.zeros", "np.empty", "np.ones", "np.full")
    return made and isinstance(shape, (gast.Tuple, gast.List)) and len(shape.elts) >= 2


def _blocks(tree: gast.FunctionDef):
    """Each statement list of ``tree``, with the ``for`` loop it is the body of (or None)."""
    yield tree.body, None
    for node in gast.walk(tree):
        if isinstance(node, (gast.For, gast.While, gast.If)):
            yield node.body, node if isinstance(node, gast.For) else None
            yield node.orelse, None


def _row(stmt, planar: set[str], counters: set[str], loop, bound: Counter):
    """``(row, A[i])`` where ``stmt`` is ``row = A[i]``, ``row`` bound once, ``A`` planar and
    ``i`` a constant or the counter of ``loop``; else None."""
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
        return None
    row, view = stmt.targets[0].id, stmt.value
    if bound[row] != 1 or not isinstance(view, gast.Subscript):
        return None
    if not (isinstance(view.value, gast.Name) and view.value.id in planar):
        return None
    index = view.slice
    if isinstance(index, gast.Constant) and type(index.value) is int:
        return row, view
    counted = isinstance(index, gast.Name) and index.id in counters
    if counted and loop is not None and getattr(loop.target, "id", None) == index.id:
        return row, view
    return None


def _uses_in(stmts: list[gast.stmt], name: str) -> int:
    """How many times ``stmts`` read or update (``name *= s``) ``name``."""
    nodes = [n for s in stmts for n in gast.walk(s)]
    updated = {id(n.target) for n in nodes if isinstance(n, gast.AugAssign)}
    return sum(
        isinstance(n, gast.Name)
        and n.id == name
        and (isinstance(n.ctx, gast.Load) or id(n) in updated)
        for n in nodes
    )


def _written_through(stmts: list[gast.stmt], name: str) -> bool:
    """Whether ``stmts`` write through ``name`` (``name[j] = v``, ``name *= s``)."""
    for node in (n for s in stmts for n in gast.walk(s)):
        target = node.target if isinstance(node, gast.AugAssign) else None
        if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store):
            target = node.value
        if isinstance(target, gast.Name) and target.id == name:
            return True
    return False


def _rebinds(stmts: list[gast.stmt], view: gast.Subscript) -> bool:
    """Whether ``stmts`` bind the array or the index of ``view`` again (a nested loop)."""
    names = {n.id for n in gast.walk(view) if isinstance(n, gast.Name)}
    return any(
        isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load) and n.id in names
        for s in stmts
        for n in gast.walk(s)
    )


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
    return isinstance(value, gast.Call) and attr_path(value.func) in _MAKERS


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
