"""``A[i][j] = v`` written ``A[i, j] = v``, where that is the same write.

A chained index writes through the view ``A[i]``, which derivatives refuse (a write through a
second name of ``A``'s memory). Where ``A`` is surely an array (each of its bindings makes a
new one: ``np.zeros``, ``np.empty_like``, ``x.copy()``...) and ``i`` surely an integer (a
constant, or the counter of a ``range`` loop that nothing else binds), ``A[i]`` is a view of
row ``i`` and ``A[i][j]`` is ``A[i, j]``: the one index says the same. A slice without a step
shifts the positions: ``A[2:][j]`` is ``A[2 + j]`` for a ``j`` surely not negative (a constant,
or the counter of a ``range`` that starts at zero or above), ``A[1:-1][:2]`` is ``A[1:3]``, and
``A[1:-1][-1]`` is ``A[-2]``; where the result would hang on ``A``'s length (``A[:4][-1]``,
``A[-3:][0]``) or on the sign of an index, the chain stays as written. So does any other: an
index array gathers a copy, ``...`` and ``None`` move the axes, and a list of arrays takes no
tuple index.

A row named first (``row = A[i]``, then ``row[j] = v``) is the same view: where ``A`` surely
has two dimensions or more (a new array of such a shape, bound once) and ``row`` is bound
once, written through and used only after, in the same block (a loop's body, for a counter
``i``), ``row`` is replaced by ``A[i]`` and its writes merged as above. A loop ``for row in A``
written through is first ``for k in range(A.shape[0]): row = A[k]``. A part named first
(``inner = u[1:-1]``, ``block = A[1:3, 1:3]``, of a new array bound once) is replaced alike,
where each write through it merges into one index of ``A``.
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
    walk,
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
    return _Merge(arrays, counters, _from_zero(tree, counters)).visit(tree)


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
    once = {a for a in arrays if bound[a] == 1}
    if not once:
        return False
    merge = _Merge(arrays, counters, _from_zero(tree, counters))
    for block, loop in _blocks(tree):
        for k, stmt in enumerate(block):
            view = _row(stmt, planar, counters, loop, bound) or _part(
                stmt, once, counters, loop, bound
            )
            rest = block[k + 1 :]
            if view is None or _uses_in(rest, view[0]) != uses[view[0]]:
                continue
            if _rebinds(rest, view[1]) or not _written_through(rest, view[0]):
                continue  # (a view only read is like any other)
            if any(merge.composed(view[1].slice, j) is None for j in _written(rest, view[0])):
                continue  # a write through it that no one index of the array says
            block[k:] = _replaced(rest, *view)
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


def _view_of(stmt, arrays: set[str], bound: Counter) -> tuple[str, gast.Subscript] | None:
    """``(name, A[...])`` where ``stmt`` is ``name = A[...]``, ``name`` bound once and ``A``
    one of ``arrays``; else None."""
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
        return None
    name, view = stmt.targets[0].id, stmt.value
    if bound[name] != 1 or not isinstance(view, gast.Subscript):
        return None
    if not (isinstance(view.value, gast.Name) and view.value.id in arrays):
        return None
    return name, view


def _row(stmt, planar: set[str], counters: set[str], loop, bound: Counter):
    """``(row, A[i])`` where ``stmt`` is ``row = A[i]``, ``row`` bound once, ``A`` planar and
    ``i`` a constant or the counter of ``loop``; else None."""
    row = _view_of(stmt, planar, bound)
    if row is None:
        return None
    index = row[1].slice
    if isinstance(index, gast.Constant) and type(index.value) is int:
        return row
    return row if _counted(index, counters, loop) else None


def _counted(index: gast.AST, counters: set[str], loop) -> bool:
    """Whether ``index`` is the counter of ``loop``."""
    counted = isinstance(index, gast.Name) and index.id in counters
    return counted and loop is not None and getattr(loop.target, "id", None) == index.id


def _part(stmt, once: set[str], counters: set[str], loop, bound: Counter):
    """``(part, A[lo:hi])`` where ``stmt`` is ``part = A[lo:hi]`` (or ``A[i, 1:3]``...),
    ``part`` bound once, ``A`` a new array bound once, and each index a slice without a step,
    a constant or the counter of ``loop``; else None."""
    part = _view_of(stmt, once, bound)
    if part is None:
        return None
    items = _items(part[1].slice)
    if not any(isinstance(item, gast.Slice) for item in items):
        return None
    for item in items:
        if isinstance(item, gast.Slice):
            if not _unit_step(item):
                return None
        elif not (_int_constant(item) is not None or _counted(item, counters, loop)):
            return None
    return part


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


def _written(stmts: list[gast.stmt], name: str) -> list[gast.AST]:
    """The indices of the writes ``name[j] = v`` (and ``name[j] += v``) in ``stmts``."""
    return [
        node.slice
        for node in (n for s in stmts for n in gast.walk(s))
        if isinstance(node, gast.Subscript)
        and isinstance(node.ctx, gast.Store)
        and isinstance(node.value, gast.Name)
        and node.value.id == name
    ]


def _rebinds(stmts: list[gast.stmt], view: gast.Subscript) -> bool:
    """Whether ``stmts`` bind the array or the index of ``view`` again (a nested loop); the
    array's own ``A *= s`` writes in place."""
    names = {n.id for n in gast.walk(view) if isinstance(n, gast.Name)}
    nodes = [n for s in stmts for n in gast.walk(s)]
    in_place = {id(n.target) for n in nodes if isinstance(n, gast.AugAssign)}
    return any(
        isinstance(n, gast.Name)
        and not isinstance(n.ctx, gast.Load)
        and n.id in names
        and not (id(n) in in_place and n.id == view.value.id)
        for n in nodes
    )


def _arrays_and_counters(tree: gast.FunctionDef) -> tuple[set[str], set[str]]:
    """The names every binding of which makes a new array, and those bound only as the
    counters of ``range`` loops."""
    makes: dict[str, bool] = {a.id: False for a in tree.args.args}
    counts: dict[str, bool] = {a.id: False for a in tree.args.args}
    for node in walk(tree):
        if isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name):
            counts[node.target.id] = False  # (an array's `y *= s` writes in place)
        elif isinstance(node, (gast.Assign, gast.AugAssign, gast.AnnAssign)):
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


def _from_zero(tree: gast.FunctionDef, counters: set[str]) -> set[str]:
    """The ``counters`` no loop counts below zero: ``range(n)``, ``range(2, n)``..."""
    negative = set()
    for node in walk(tree):
        if isinstance(node, gast.For) and isinstance(node.target, gast.Name):
            args = node.iter.args if isinstance(node.iter, gast.Call) else []
            start = _int_constant(args[0]) if len(args) > 1 else 0
            step = _int_constant(args[2]) if len(args) > 2 else 1
            if start is None or start < 0 or step is None or step < 1:
                negative.add(node.target.id)
    return counters - negative


def _items(index: gast.AST) -> list[gast.AST]:
    return list(index.elts) if isinstance(index, gast.Tuple) else [index]


def _int_constant(node: gast.AST | None) -> int | None:
    if isinstance(node, gast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        value = _int_constant(node.operand)
        return -value if value is not None else None
    return None


def _unit_step(index: gast.Slice) -> bool:
    return index.step is None or _int_constant(index.step) == 1


def _whole(index: gast.AST) -> bool:
    """Whether ``index`` is ``:``."""
    if not isinstance(index, gast.Slice):
        return False
    return index.lower is None and index.upper is None and _unit_step(index)


def _plus(a: gast.AST, b: gast.AST) -> gast.AST:
    """``a + b``, folded where both are constants or one is zero."""
    x, y = _int_constant(a), _int_constant(b)
    if x is not None and y is not None:
        return gast.Constant(x + y, None)
    if x == 0 or y == 0:
        return clone(b if x == 0 else a)
    return gast.BinOp(clone(a), gast.Add(), clone(b))


class _Merge(Transformer):
    """Each write ``A[j][k] = v`` into an array of ``arrays`` that is one index of it, as it."""

    def __init__(self, arrays: set[str], counters: set[str], from_zero: set[str] = frozenset()):
        self.arrays = arrays
        self.counters = counters
        self.from_zero = from_zero

    def visit_Subscript(self, node: gast.Subscript) -> gast.AST:
        self.generic_visit(node)
        if not isinstance(node.ctx, gast.Store):
            return node
        indices = [node.slice]
        base = node.value
        while isinstance(base, gast.Subscript):
            indices.insert(0, base.slice)
            base = base.value
        if len(indices) < 2 or not (isinstance(base, gast.Name) and base.id in self.arrays):
            return node
        index = indices[0]
        for inner in indices[1:]:
            index = self.composed(index, inner)
            if index is None:
                return node
        merged = gast.Subscript(base, index, gast.Store())
        return gast.copy_location(merged, node)

    def composed(self, outer: gast.AST, inner: gast.AST) -> gast.AST | None:
        """The one index ``j`` with ``A[j]`` the place ``A[outer][inner]`` is (for every
        ``A``, in bounds), or None. ``outer``'s parts are integers (kept: they drop their
        axis), or slices without a step, which ``inner``'s parts index in turn."""
        picks = _items(inner)
        parts = []
        for part in _items(outer):
            if self._integer(part):
                parts.append(clone(part))
                continue
            if not (isinstance(part, gast.Slice) and _unit_step(part)):
                return None  # an index array gathers a copy; `...` and `None` move the axes
            if not picks:
                parts.append(clone(part))
                continue
            pick = picks.pop(0)
            if isinstance(pick, gast.Constant) and pick.value in (None, Ellipsis):
                return None
            on_axis = self._on_axis(part, pick)
            if on_axis is None:
                return None
            parts.append(on_axis)
        parts += [clone(pick) for pick in picks]  # the axes after those `outer` names
        return parts[0] if len(parts) == 1 else gast.Tuple(parts, gast.Load())

    def _on_axis(self, part: gast.Slice, pick: gast.AST) -> gast.AST | None:
        """The index into one axis of ``A`` that ``pick`` is into the axis ``part`` of it."""
        if _whole(part) or _whole(pick):
            return clone(pick if _whole(part) else part)
        lower = part.lower if part.lower is not None else gast.Constant(0, None)
        upper = _int_constant(part.upper) if part.upper is not None else None
        if not self._nonnegative(lower):
            return None  # `A[-3:]` of an array shorter than 3 starts at 0
        if isinstance(pick, gast.Slice):
            return self._sliced(part, lower, upper, pick)
        k = _int_constant(pick)
        if k is not None and k < 0:  # from the end of the part (`A[:2]` may end before 2)
            if part.upper is None:
                return gast.Constant(k, None)
            return gast.Constant(upper + k, None) if upper is not None and upper < 0 else None
        return _plus(lower, pick) if self._nonnegative(pick) else None

    def _sliced(self, part, lower, upper, pick: gast.Slice) -> gast.Slice | None:
        """``A[part][pick]`` as one slice; where ``pick`` reaches past ``part``, both stop
        where ``part`` does."""
        start = pick.lower if pick.lower is not None else gast.Constant(0, None)
        stop = _int_constant(pick.upper) if pick.upper is not None else None
        if not (_unit_step(pick) and self._nonnegative(start)):
            return None
        if pick.upper is None:
            end = clone(part.upper) if part.upper is not None else None
        elif stop is None:
            return None
        elif stop >= 0 and part.upper is None:
            end = _plus(lower, pick.upper)
        elif stop >= 0 and upper is not None and upper >= 0 and _int_constant(lower) is not None:
            end = gast.Constant(min(_int_constant(lower) + stop, upper), None)
        elif stop < 0 and part.upper is None:
            end = gast.Constant(stop, None)
        elif stop < 0 and upper is not None and upper < 0:
            end = gast.Constant(upper + stop, None)
        else:
            return None
        first = _plus(lower, start)
        first = None if _int_constant(first) == 0 else first
        return gast.Slice(first, end, None)

    def _integer(self, index: gast.AST) -> bool:
        if _int_constant(index) is not None:
            return True
        return isinstance(index, gast.Name) and index.id in self.counters

    def _nonnegative(self, index: gast.AST) -> bool:
        """Whether ``index`` is surely an integer of at least zero."""
        k = _int_constant(index)
        if k is not None:
            return k >= 0
        if isinstance(index, gast.Name):
            return index.id in self.from_zero
        if isinstance(index, gast.BinOp) and isinstance(index.op, (gast.Add, gast.Mult)):
            return self._nonnegative(index.left) and self._nonnegative(index.right)
        return False
