"""Write s2s's adjoint helpers as the arithmetic they are where their arguments are numbers.

``_s2s.unbroadcast(g, x)`` is ``g``, ``_s2s.accumulate_into(b, g)`` is ``b + g``,
``_s2s.subtract_into(b, g)`` is ``b - g``, ``_s2s.save(x)`` is ``x``, ``_s2s.spread(t, c)``
is ``t`` and ``_s2s.tape_put(tape, k, v)`` is ``tape[k] = v`` when ``g``, ``x``, ``b``, ``c``
and what the tape holds are numbers, which :mod:`s2s.analysis.numbers` proves from the code
where it can. The values are the same; the code reads like a hand-written adjoint, and Numba
compiles a long loop of scalar arithmetic several times faster without a typed helper call
per operation.
"""

from __future__ import annotations

import gast

from ..analysis.numbers import Numbers
from ..gastutil import child_fields, rebuilt

_REWRITES = {  # by the name of the helper ``_s2s.name``
    "save": lambda x: x,
    "unbroadcast": lambda g, x: g,
    "spread": lambda t, other: t,
    "accumulate_into": lambda total, share: gast.BinOp(total, gast.Add(), share),
    "subtract_into": lambda total, share: gast.BinOp(total, gast.Sub(), share),
}
_TAPE_PUT = "tape_put"
_COMPOUND = {gast.If: ("test",), gast.While: ("test",), gast.For: ("target", "iter")}


def on_numbers(fn: gast.FunctionDef) -> gast.FunctionDef:
    """A copy of ``fn`` (sharing unchanged statements) with helper calls on numbers rewritten."""
    numbers = Numbers(fn)
    calls: dict[int, str] = {}  # id(call) -> the helper's name, for the calls to rewrite
    statements: dict[int, list[int]] = {}  # id(statement) -> the calls in it to rewrite
    for key, (call, name, statement, _) in numbers.helper_calls.items():
        if _rewritable(numbers, call, name):
            calls[key] = name
            statements.setdefault(id(statement), []).append(key)
    if not calls:
        return fn
    body = _block(fn.body, statements, calls)
    return rebuilt(fn, lambda field, value: body if field == "body" else value)


def _rewritable(numbers: Numbers, call: gast.Call, name: str) -> bool:
    """``unbroadcast(g, x)`` is ``g`` for numbers, ``accumulate_into(b, g)`` is ``b + g`` for
    a number ``b`` and a number or 0-d array ``g``; a 0-d array in place of a number would
    change a variable's type (``zeros_like`` of a 0-d array is one)."""
    if name == _TAPE_PUT:
        return len(call.args) == 3 and numbers.tape_of_scalars(call)
    if name == "save":
        return len(call.args) == 1 and numbers.scalars(call, (0,))
    if name not in _REWRITES or len(call.args) != 2:
        return False
    if name == "unbroadcast":
        return numbers.scalars(call, (0, 1))
    if name == "spread":  # broadcast against a number: ``t`` itself, whatever it is
        return numbers.rank0(call, (1,))
    return numbers.scalars(call, (0,)) and numbers.rank0(call, (1,))


def _block(stmts: list[gast.stmt], statements: dict[int, list[int]], calls: dict[int, str]) -> list:
    out = []
    for stmt in stmts:
        header = _COMPOUND.get(type(stmt))
        if header is not None:
            changed = {
                field: _block(value, statements, calls)
                for field in ("body", "orelse")
                if (value := getattr(stmt, field))
            }
            if id(stmt) in statements:
                changed.update((f, _rewritten(getattr(stmt, f), calls)) for f in header)
            if any(value is not getattr(stmt, field) for field, value in changed.items()):
                stmt = _replaced(stmt, changed)
        elif id(stmt) not in statements:
            pass
        elif _assigns_call(stmt, statements):  # the commonest: ``name = _s2s.helper(...)``
            call = stmt.value
            stmt = _replaced(stmt, {"value": _REWRITES[calls[id(call)]](*call.args)})
        elif type(stmt) is gast.Expr and calls.get(id(stmt.value)) == _TAPE_PUT:
            tape, place, value = (_rewritten(a, calls) for a in stmt.value.args)
            entry = gast.Subscript(tape, place, gast.Store())
            stmt = gast.copy_location(gast.Assign([entry], value, None), stmt)
        else:
            stmt = _rewritten(stmt, calls)
        out.append(stmt)
    return stmts if out == stmts else out  # nodes compare by identity


def _assigns_call(stmt: gast.stmt, statements: dict[int, list[int]]) -> bool:
    """Whether ``stmt`` assigns to a name the one call in it to rewrite (nothing inside the
    call's arguments is then rewritten)."""
    return (
        type(stmt) is gast.Assign
        and statements[id(stmt)] == [id(stmt.value)]
        and len(stmt.targets) == 1
        and type(stmt.targets[0]) is gast.Name
    )


# Child values that hold no call (names, constants, operators): they are kept as they are.
_LEAVES = frozenset(
    {gast.Name, gast.Constant, type(None)}.union(
        *(op.__subclasses__() for op in (gast.operator, gast.unaryop, gast.cmpop, gast.boolop))
    )
)


def _rewritten(node: gast.AST, calls: dict[int, str]) -> gast.AST:
    """``node`` with the ``calls`` in it rewritten; unchanged subtrees are shared."""
    kind = type(node)
    if kind in _LEAVES:
        return node
    name = calls.get(id(node))
    if name is not None:
        return _REWRITES[name](*(_rewritten(a, calls) for a in node.args))
    changed = {}
    for field in child_fields(kind):
        value = getattr(node, field, None)
        if type(value) is list:
            new = [v if type(v) in _LEAVES else _rewritten(v, calls) for v in value]
            if new != value:  # nodes compare by identity
                changed[field] = new
        elif type(value) not in _LEAVES:
            new = _rewritten(value, calls)
            if new is not value:
                changed[field] = new
    return _replaced(node, changed) if changed else node


def _replaced(node: gast.AST, fields: dict) -> gast.AST:
    """A shallow copy of ``node`` with ``fields`` replaced."""
    return rebuilt(node, lambda field, value: fields.get(field, value))
