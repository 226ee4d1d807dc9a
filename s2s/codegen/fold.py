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

import gast

from ..analysis.definitions import PURE_BUILTINS, written_by_call
from ..gastutil import attr_path, child_fields, clone, is_negation, rebuilt, walked_fields
from ..rules.runtime_helpers import WRITES_FIRST

# ANF temporaries, and the adjoints (``b_t1``) and tangents (``d_t1``) of temporaries.
_TEMPORARY = re.compile(r"[bd]*_t\d+$")
_IMPURE = ("np.random.",)
_ARITHMETIC = (gast.Add, gast.Sub, gast.Mult, gast.Div)
_EFFECTS = frozenset((gast.NamedExpr, gast.Yield, gast.YieldFrom, gast.Await))


def fold_temporaries(fn: gast.FunctionDef) -> gast.FunctionDef:
    """A copy of ``fn`` (sharing unchanged subtrees) with single-use temporaries folded in."""
    survey = _Survey(fn)
    loads, stores, in_arithmetic = survey.loads, survey.stores, survey.in_arithmetic
    foldable = {name: 1 for name, n in stores.items() if n == 1 and loads.get(name) == 1}
    # Negated adjoints read more than once, every read an operand of arithmetic.
    foldable.update(
        (name, loads[name])
        for name in survey.negations
        if stores.get(name) == 1
        and loads.get(name, 0) > 1
        and in_arithmetic.get(name, 0) == loads[name]
    )
    # Copies read more than once (`b_t3 = b_t1`, a sum's adjoint handed to both operands), into
    # all their reads or none: `b_t1` in one line and `b_t3` in the next reads as two values.
    copies = {name for name in survey.copies if stores.get(name) == 1 and loads.get(name, 0) > 1}
    foldable.update((name, loads[name]) for name in copies)
    # Such a fold repeats its name, not the value folded into it: a copy or negation of a
    # single-use temporary keeps its line, the value folded into it (`b_t3 = b_t1 * 0.5 / r`
    # once, not at both reads of `b_t3 = b_t2`).
    for name, reads in list(foldable.items()):
        source = survey.sources.get(name)
        if reads > 1 and foldable.get(source) == 1 and survey.folds_a_value(source):
            del foldable[name]
    if not foldable:
        return fn
    partly = _Partly(copies)
    body = _block(fn.body, foldable, partly, survey)
    if partly.names:  # fold again without them: the other folds come out the same
        foldable = {name: n for name, n in foldable.items() if name not in partly.names}
        body = _block(fn.body, foldable, _Partly(set()), survey)
    return gast.FunctionDef(
        fn.name, fn.args, body, fn.decorator_list, fn.returns, fn.type_comment, []
    )


class _Scan:
    """What a walk over an expression finds: the names it reads, the calls it makes, whether it
    has an effect of its own (``:=``, ``yield``, ``await``); whether it is ``pure``, evaluating
    it having no effect beyond its result, is worked out when asked."""

    __slots__ = ("reads", "calls", "effects", "_pure")

    def __init__(self, reads=None, calls=None, effects: bool = False):
        self.reads: set[str] = set() if reads is None else reads
        self.calls: list[gast.Call] = [] if calls is None else calls
        self.effects = effects
        self._pure: bool | None = None

    @property
    def pure(self) -> bool:
        if self._pure is None:
            self._pure = not self.effects and all(_pure_call(call) for call in self.calls)
        return self._pure


class _Survey:
    """One walk over a function, for what the folds need to know of it: how often each
    temporary is stored and loaded, which adjoint temporaries negate a name and which
    temporaries copy one, how often each name is an operand of arithmetic; and for each
    statement (by ``id``), the temporaries its header reads (name -> loads) and the ``_Scan`` of
    its value (an assignment's) or test (an ``if``'s), else None.

    A statement's header is what a fold may substitute into: an ``if``'s test, a ``for``'s
    iterable, nothing of a ``while``, all of any other statement.
    """

    def __init__(self, fn: gast.FunctionDef):
        self.loads: dict[str, int] = {}
        self.stores: dict[str, int] = {}
        self.negations: set[str] = set()
        self.copies: set[str] = set()
        self.sources: dict[str, str] = {}  # the name each negation or copy reads
        self.values: dict[str, tuple[gast.AST, _Scan]] = {}  # a name's value, if assigned once
        self.in_arithmetic: dict[str, int] = {}
        self.statements: dict[int, tuple[dict[str, int], _Scan | None]] = {}
        self._temporary: dict[str, bool] = {}  # whether a name is a temporary's, by name
        for field in child_fields(type(fn)):
            if field != "body":
                for value in _as_list(getattr(fn, field, None)):
                    self._visit(value, {})
        self._block(fn.body)

    def _block(self, stmts: list[gast.stmt]) -> None:
        for stmt in stmts:
            kind = type(stmt)
            header: dict[str, int] = {}
            scan = None
            if kind is gast.Assign:
                self._assignment(stmt)
                for target in stmt.targets:
                    if type(target) is gast.Name and type(target.ctx) is gast.Store:  # no walk
                        self._store(target.id)
                    else:
                        self._visit(target, header)
                scan = self._visit(stmt.value, header, _Scan())
                if len(stmt.targets) == 1 and type(stmt.targets[0]) is gast.Name:
                    self.values[stmt.targets[0].id] = (stmt.value, scan)
            elif kind is gast.If:
                scan = self._visit(stmt.test, header, _Scan())
            elif kind is gast.For:
                self._visit(stmt.target, {})
                self._visit(stmt.iter, header)
            elif kind is gast.While:
                self._visit(stmt.test, {})
            else:
                self._visit(stmt, header)
            if kind is gast.If or kind is gast.For or kind is gast.While:
                self._block(stmt.body)
                self._block(stmt.orelse)
            self.statements[id(stmt)] = (header, scan)

    def folds_a_value(self, name: str) -> bool:
        """Whether ``name``'s value, if it is folded, is an expression to compute, not a name
        or a constant, that ``_folds_as_value``."""
        value, scan = self.values.get(name, (None, None))
        return (
            scan is not None
            and not isinstance(value, (gast.Name, gast.Constant))
            and _folds_as_value(name, scan)
        )

    def _assignment(self, stmt: gast.Assign) -> None:
        kind = type(stmt.value)  # (most values are neither)
        if kind is gast.UnaryOp and _negates_a_name(stmt):
            self.negations.add(stmt.targets[0].id)
            self.sources[stmt.targets[0].id] = stmt.value.operand.id
        elif kind is gast.Name and _copies_a_name(stmt):
            self.copies.add(stmt.targets[0].id)
            self.sources[stmt.targets[0].id] = stmt.value.id

    def _store(self, name: str) -> None:
        is_temporary = self._temporary.get(name)
        if is_temporary is None:
            is_temporary = self._temporary[name] = _TEMPORARY.match(name) is not None
        if is_temporary:
            self.stores[name] = self.stores.get(name, 0) + 1

    def _visit(self, root: gast.AST, header: dict[str, int], scan: _Scan | None = None):
        """Count what is under ``root``, the temporaries it loads into ``header`` too; fill in
        ``scan`` (returned) if given."""
        loads, stores, in_arithmetic, temporary = (
            self.loads,
            self.stores,
            self.in_arithmetic,
            self._temporary,
        )
        reads = None if scan is None else scan.reads
        stack = [root]
        pop, push, node_type = stack.pop, stack.append, gast.AST
        while stack:
            node = pop()
            kind = type(node)
            if kind is gast.Name:
                name = node.id
                if reads is not None:
                    reads.add(name)
                is_temporary = temporary.get(name)
                if is_temporary is None:
                    is_temporary = temporary[name] = _TEMPORARY.match(name) is not None
                if is_temporary:
                    if type(node.ctx) is gast.Load:
                        loads[name] = loads.get(name, 0) + 1
                        header[name] = header.get(name, 0) + 1
                    else:
                        stores[name] = stores.get(name, 0) + 1
                continue
            if kind is gast.Constant:
                continue
            if kind is gast.BinOp:  # (its operator holds nothing to count)
                left, right = node.left, node.right
                if isinstance(node.op, _ARITHMETIC):
                    for operand in (left, right):
                        if type(operand) is gast.Name:
                            in_arithmetic[operand.id] = in_arithmetic.get(operand.id, 0) + 1
                push(right)
                push(left)
                continue
            if kind is gast.UnaryOp:
                operand = node.operand
                if type(operand) is gast.Name:
                    in_arithmetic[operand.id] = in_arithmetic.get(operand.id, 0) + 1
                push(operand)
                continue
            if kind is gast.Call:
                if scan is not None:
                    scan.calls.append(node)
            elif kind is gast.Assign:  # in a nested function
                self._assignment(node)
            elif scan is not None and kind in _EFFECTS:
                scan.effects = True
            for field in walked_fields(kind):
                value = getattr(node, field, None)
                if type(value) is list:
                    for item in value:
                        if isinstance(item, node_type):
                            push(item)
                elif isinstance(value, node_type):
                    push(value)
        return scan


def _as_list(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _pure_call(call: gast.Call) -> bool:
    """Whether the call has no effect beyond its result (NumPy, ``math``, s2s's pure helpers;
    no random numbers, nothing written into an argument)."""
    name = attr_path(call.func)
    if name is None or name in WRITES_FIRST or name.startswith(_IMPURE):
        return False
    if written_by_call(call):  # a ufunc's out, x.fill(v), np.fill_diagonal(x, v)
        return False
    return name.startswith(("np.", "math.", "_s2s.")) or name in PURE_BUILTINS


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
        type(target) is gast.Name
        and _TEMPORARY.match(target.id) is not None
        and type(stmt.value) is gast.Name
    )


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


def _block(
    stmts: list[gast.stmt], foldable: dict[str, int], partly: _Partly, survey: _Survey
) -> list[gast.stmt]:
    """``stmts`` with the ``foldable`` temporaries (name -> reads) folded into their reads."""
    out: list[gast.stmt | None] = []
    # name -> (out index, value, its scan, reads of it still to come)
    pending: dict[str, tuple[int, gast.AST, _Scan, int]] = {}
    for stmt in stmts:
        header, scan = survey.statements[id(stmt)]
        if pending and header:
            stmt, scan = _substitute(stmt, header, scan, pending, out)
        target = stmt.targets[0] if isinstance(stmt, gast.Assign) else None
        folds = isinstance(target, gast.Name) and target.id in foldable
        if pending:
            changed = _changes(stmt, scan, survey)
            if changed is None:
                partly.dropped(pending, list(pending), foldable)
            else:
                stale = [n for n, (_, _, value, _) in pending.items() if value.reads & changed]
                partly.dropped(pending, stale, foldable)
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            stmt = _with_bodies(stmt, foldable, partly, survey)
        if folds:
            if _folds_as_value(target.id, scan):
                pending[target.id] = (len(out), stmt.value, scan, foldable[target.id])
        out.append(stmt)
    partly.dropped(pending, list(pending), foldable)  # reads left outside this block
    return [s for s in out if s is not None]


def _folds_as_value(name: str, scan: _Scan) -> bool:
    """Whether the value of a temporary ``name`` (its ``scan``) may be folded into its reads:
    pure; and arithmetic alone for an adjoint or tangent, as helper calls keep lines of their
    own, where they stay readable."""
    return scan.pure and (name.startswith("_t") or not scan.calls)


def _changes(stmt: gast.stmt, scan: _Scan | None, survey: _Survey) -> set[str] | None:
    """The names ``stmt`` assigns or whose arrays it writes into (a tape), when that is all it
    does; None when it may change more (an array write, a call for its effect, a loop).
    ``scan``: that of an assignment's value or an ``if``'s test."""
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and scan.pure:
        target = stmt.targets[0]
        if type(target) is gast.Name:  # (most are)
            return {target.id}
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
    if isinstance(stmt, gast.If) and scan.pure:  # such as a tape's allocation
        changed: set[str] = set()
        for inner in stmt.body + stmt.orelse:
            more = _changes(inner, survey.statements[id(inner)][1], survey)
            if more is None:
                return None
            changed |= more
        return changed
    return None


def _substitute(
    stmt: gast.stmt, header: dict[str, int], scan: _Scan | None, pending: dict, out: list
) -> tuple[gast.stmt, _Scan | None]:
    """``stmt`` with the pending temporaries its ``header`` reads replaced by their values, and
    its ``scan`` after that; the statement of a temporary whose last read this is is dropped
    from ``out``."""
    used = {name: n for name, n in header.items() if name in pending}
    if not used:
        return stmt, scan
    values, shared = {}, set()
    if scan is not None:  # each value replaces every read of its temporary
        after = _Scan(scan.reads - used.keys(), list(scan.calls), scan.effects)
        after._pure = scan._pure  # the values are pure
    for name, reads_here in used.items():
        index, value, value_scan, remaining = pending[name]
        if remaining > reads_here:
            pending[name] = (index, value, value_scan, remaining - reads_here)
        else:
            del pending[name]
            out[index] = None
        values[name] = value
        if remaining > 1:
            shared.add(name)
        if scan is not None and name in scan.reads:
            after.reads |= value_scan.reads
            after.calls += value_scan.calls

    field = _HEADER.get(type(stmt))
    if field is None:
        stmt = _replaced(stmt, values, shared)
    else:
        stmt = rebuilt(
            stmt, lambda name, value: _replaced(value, values, shared) if name == field else value
        )
    return stmt, None if scan is None else after


_HEADER = {gast.If: "test", gast.For: "iter"}  # the one field of these a fold may change


def _replaced(node, values: dict[str, gast.AST], shared: set[str]):
    """``node`` with the names it loads that ``values`` maps replaced by their values (by a copy
    for the ``shared`` ones). Only the nodes above a replaced name are copied (positions kept);
    the rest is shared with ``node``."""
    kind = type(node)
    if kind is gast.Name:
        name = node.id
        if name not in values or type(node.ctx) is not gast.Load:
            return node
        return clone(values[name]) if name in shared else values[name]
    if kind is list:
        items = None
        for i, item in enumerate(node):
            new = _replaced(item, values, shared)
            if new is not item:
                if items is None:
                    items = list(node)
                items[i] = new
        return node if items is None else items
    if not isinstance(node, gast.AST):
        return node
    fields = walked_fields(kind)
    changed = None
    attributes = node.__dict__
    for field in fields:
        value = attributes.get(field)
        if value is not None:
            new = _replaced(value, values, shared)
            if new is not value:
                if changed is None:
                    changed = {}
                changed[field] = new
    if changed is None:
        return node
    copy = kind.__new__(kind)
    copy.__dict__ = {**attributes, **changed}
    return copy


def _with_bodies(
    stmt: gast.stmt, foldable: dict[str, int], partly: _Partly, survey: _Survey
) -> gast.stmt:
    def change(field: str, value):
        if field in ("body", "orelse"):
            return _block(value, foldable, partly, survey)
        return value

    return rebuilt(stmt, change)
