"""Fold the single-use temporaries of the A-normal form back into the expressions that read them.

The passes work on A-normal form, one operation per statement (``_t2 = x @ w``,
``_t1 = _t2 + b``, ``h = np.tanh(_t1)``). The code handed to Numba reads better, and runs
faster, with those expressions whole again (``h = np.tanh(x @ w + b)``): Numba fuses a chain
of elementwise array operations written as one expression into one loop without temporaries,
but not when each intermediate result is a named variable.

A temporary ``_tN`` assigned once and read once is folded into the statement that reads it when
that statement comes later in the same block and nothing in between can change what its value
reads; so are the adjoints ``b_tN`` and tangents ``d_tN`` of temporaries whose value is
arithmetic without calls. Only plain assignments to other names may sit between; anything that
writes into an array, a call made for its effect, or a compound statement stops the fold. The
value must be free of effects itself (NumPy, ``math`` and s2s's pure helpers; no random numbers).

A negated adjoint read several times (``b_t3 = -b_t1``, where the sum rule hands ``-g`` to an
operand whose own rule reads its adjoint twice) folds into every read when each is an operand of
arithmetic: ``-b_t1 * z`` costs nothing over ``b_t3 * z`` inside a fused expression, while
``b_t3`` on a line of its own is a pass over an array and an allocation. So does a temporary
that copies a name (``b_t3 = b_t1``: a sum hands its adjoint to both operands), wherever it is
read: one name fewer to follow, for the reader and for Numba.
"""

from __future__ import annotations

import re
from collections import Counter

import gast

from ..analysis.definitions import PURE_BUILTINS, written_by_call
from ..gastutil import attr_path, clone, is_negation, rebuilt, substituted, walk
from ..rules.runtime_helpers import WRITES_FIRST

# ANF temporaries, and the adjoints (``b_t1``) and tangents (``d_t1``) of temporaries.
_TEMPORARY = re.compile(r"[bd]*_t\d+$")
_IMPURE = ("np.random.",)


def fold_temporaries(fn: gast.FunctionDef) -> gast.FunctionDef:
    """A copy of ``fn`` (sharing unchanged subtrees) with single-use temporaries folded in."""
    loads: Counter = Counter()
    stores: Counter = Counter()
    negations = set()  # adjoint temporaries assigned `-name`
    copies = set()  # temporaries assigned another name
    in_arithmetic: Counter = Counter()  # reads as an operand of arithmetic, by name
    for node in walk(fn):
        kind = type(node)
        if kind is gast.Name:
            if _TEMPORARY.match(node.id):
                (loads if type(node.ctx) is gast.Load else stores)[node.id] += 1
        elif kind is gast.BinOp:
            if isinstance(node.op, _ARITHMETIC):
                in_arithmetic.update(o.id for o in (node.left, node.right) if type(o) is gast.Name)
        elif kind is gast.UnaryOp:
            if type(node.operand) is gast.Name:
                in_arithmetic[node.operand.id] += 1
        elif kind is gast.Assign:
            if _negates_a_name(node):
                negations.add(node.targets[0].id)
            elif _copies_a_name(node):
                copies.add(node.targets[0].id)
    foldable = {name: 1 for name, n in stores.items() if n == 1 and loads[name] == 1}
    # Negated adjoints read more than once, every read an operand of arithmetic.
    foldable.update(
        (name, loads[name])
        for name in negations
        if stores[name] == 1 and loads[name] > 1 and in_arithmetic[name] == loads[name]
    )
    # Copies read more than once (`b_t3 = b_t1`, a sum's adjoint handed to both operands), into
    # all their reads or none: `b_t1` in one line and `b_t3` in the next reads as two values.
    copies = {name for name in copies if stores[name] == 1 and loads[name] > 1}
    foldable.update((name, loads[name]) for name in copies)
    if not foldable:
        return fn
    partly = _Partly(copies)
    body = _block(fn.body, foldable, partly)
    if partly.names:  # fold again without them: the other folds come out the same
        foldable = {name: n for name, n in foldable.items() if name not in partly.names}
        body = _block(fn.body, foldable, _Partly(set()))
    return gast.FunctionDef(
        fn.name, fn.args, body, fn.decorator_list, fn.returns, fn.type_comment, []
    )


def _negates_a_name(stmt: gast.Assign) -> bool:
    """``b_tN = -name``."""
    target, value = stmt.targets[0], stmt.value
    return (
        isinstance(target, gast.Name)
        and target.id.startswith("b_t")
        and is_negation(value)
        and isinstance(value.operand, gast.Name)
    )


def _copies_a_name(stmt: gast.Assign) -> bool:
    """``_tN = name``, ``b_tN = name``."""
    target = stmt.targets[0]
    return (
        type(target) is gast.Name and _TEMPORARY.match(target.id) and type(stmt.value) is gast.Name
    )


_ARITHMETIC = (gast.Add, gast.Sub, gast.Mult, gast.Div)


class _Partly:
    """The ``copies`` whose fold stopped after some of their reads, but not all."""

    def __init__(self, copies: set[str]):
        self.copies = copies
        self.names: set[str] = set()

    def dropped(self, pending: dict, names, foldable: dict[str, int]) -> None:
        for name in names:
            if name in self.copies and pending[name][3] < foldable[name]:
                self.names.add(name)
            del pending[name]


def _block(stmts: list[gast.stmt], foldable: dict[str, int], partly: _Partly) -> list[gast.stmt]:
    """``stmts`` with the ``foldable`` temporaries (name -> reads) folded into their reads."""
    out: list[gast.stmt | None] = []
    # name -> (out index, value, names it reads, reads of it still to come)
    pending: dict[str, tuple[int, gast.AST, set[str], int]] = {}
    for stmt in stmts:
        stmt = _substitute(stmt, pending, out)
        target = stmt.targets[0] if isinstance(stmt, gast.Assign) else None
        folds = isinstance(target, gast.Name) and target.id in foldable
        # (a statement's value is scanned only where a fold may start or stop at it)
        value = _scan(stmt.value) if target is not None and (folds or pending) else None
        if pending:
            changed = _changes(stmt, value)
            if changed is None:
                partly.dropped(pending, list(pending), foldable)
            else:
                stale = [n for n, (_, _, reads, _) in pending.items() if reads & changed]
                partly.dropped(pending, stale, foldable)
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            stmt = _with_bodies(stmt, foldable, partly)
        if folds:
            pure, calls, reads = value
            # Adjoints and tangents fold only as arithmetic: helper calls keep lines of their
            # own, where they stay readable.
            if pure and (target.id.startswith("_t") or not calls):
                pending[target.id] = (len(out), stmt.value, reads, foldable[target.id])
        out.append(stmt)
    partly.dropped(pending, list(pending), foldable)  # reads left outside this block
    return [s for s in out if s is not None]


def _changes(stmt: gast.stmt, value: tuple | None = None) -> set[str] | None:
    """The names ``stmt`` assigns or whose arrays it writes into (a tape), when that is all it
    does; None when it may change more (an array write, a call for its effect, a loop).
    ``value``: the ``_scan`` of an assignment's value, if already made."""
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and (value or _scan(stmt.value))[0]:
        target = stmt.targets[0]
        elements = target.elts if isinstance(target, gast.Tuple) else [target]
        if all(isinstance(e, gast.Name) for e in elements):
            return {e.id for e in elements}
        return None
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
        call = stmt.value
        name = attr_path(call.func)
        if name == "_s2s.tape_put" and isinstance(call.args[0], gast.Name):
            return {call.args[0].id}  # writes into the tape only
        if name is not None and name.startswith("_tape") and name.endswith(".append"):
            return {name.split(".")[0]}
        return None
    if isinstance(stmt, gast.If) and _scan(stmt.test)[0]:  # such as a tape's allocation
        changed: set[str] = set()
        for inner in stmt.body + stmt.orelse:
            more = _changes(inner)
            if more is None:
                return None
            changed |= more
        return changed
    return None


def _substitute(stmt: gast.stmt, pending: dict, out: list) -> gast.stmt:
    """``stmt`` with the pending temporaries it reads (outside nested blocks) replaced by their
    values; the statement of a temporary whose last read this is is dropped from ``out``."""
    if not pending:
        return stmt
    if isinstance(stmt, gast.If):
        header = {"test": stmt.test}
    elif isinstance(stmt, gast.For):
        header = {"iter": stmt.iter}
    elif isinstance(stmt, gast.While):
        return stmt  # its test runs again on every iteration
    else:
        header = {field: getattr(stmt, field) for field in stmt._fields}
    used = Counter(
        n.id
        for value in header.values()
        for n in _walk_values(value)
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and n.id in pending
    )
    if not used:
        return stmt
    values, shared = {}, set()
    for name, reads_here in used.items():
        index, value, reads, remaining = pending[name]
        if remaining > reads_here:
            pending[name] = (index, value, reads, remaining - reads_here)
        else:
            del pending[name]
            out[index] = None
        values[name] = value
        if remaining > 1:
            shared.add(name)

    def replace(node: gast.Name) -> gast.AST | None:
        if not isinstance(node.ctx, gast.Load) or node.id not in values:
            return None
        return clone(values[node.id]) if node.id in shared else values[node.id]

    def change(field: str, value):
        return substituted(value, replace) if field in header else value

    return rebuilt(stmt, change)


def _walk_values(value):
    if isinstance(value, list):
        for item in value:
            yield from _walk_values(item)
    elif isinstance(value, gast.AST):
        yield from walk(value)


def _with_bodies(stmt: gast.stmt, foldable: dict[str, int], partly: _Partly) -> gast.stmt:
    def change(field: str, value):
        return _block(value, foldable, partly) if field in ("body", "orelse") else value

    return rebuilt(stmt, change)


def _scan(value: gast.AST) -> tuple[bool, bool, set[str]]:
    """One walk over an expression: whether evaluating it has no effect beyond its result,
    whether it calls anything, and the names it reads."""
    pure, calls, reads = True, False, set()
    for node in walk(value):
        if isinstance(node, gast.Name):
            reads.add(node.id)
        elif isinstance(node, gast.Call):
            calls = True
            name = attr_path(node.func)
            if name is None or name in WRITES_FIRST or name.startswith(_IMPURE):
                pure = False
            elif written_by_call(node):  # a ufunc's out, x.fill(v), np.fill_diagonal(x, v)
                pure = False
            elif not (name.startswith(("np.", "math.", "_s2s.")) or name in PURE_BUILTINS):
                pure = False
        elif isinstance(node, (gast.NamedExpr, gast.Yield, gast.YieldFrom, gast.Await)):
            pure = False
    return pure, calls, reads
