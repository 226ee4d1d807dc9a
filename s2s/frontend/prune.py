"""Drop the code that never runs: branches on constants, and statements after a jump.

Numba compiles only the branch a constant test takes (``if 2 > 1:``, ``if not False:``) and
nothing after a ``break``, ``continue``, ``return`` or ``raise`` in the same block; the other
code is never typed. The transformations must agree, or derivative code would read values that
the compiled program never computes. After this pass an ``if`` on a constant is the branch it
takes, a ``while`` on a false constant is gone, and every block ends at its first jump.
"""

from __future__ import annotations

import operator

import gast

from ..gastutil import rebuilt

_JUMPS = (gast.Break, gast.Continue, gast.Return, gast.Raise)
_BODIES = ("body", "orelse")
_UNARY = {gast.Not: operator.not_, gast.USub: operator.neg, gast.UAdd: operator.pos}
_BINARY = {
    gast.Add: operator.add,
    gast.Sub: operator.sub,
    gast.Mult: operator.mul,
    gast.Div: operator.truediv,
    gast.FloorDiv: operator.floordiv,
    gast.Mod: operator.mod,
    gast.Pow: operator.pow,
}
_COMPARE = {
    gast.Eq: operator.eq,
    gast.NotEq: operator.ne,
    gast.Lt: operator.lt,
    gast.LtE: operator.le,
    gast.Gt: operator.gt,
    gast.GtE: operator.ge,
    gast.Is: operator.is_,
    gast.IsNot: operator.is_not,
}
_UNKNOWN = object()


def prune(fn: gast.FunctionDef) -> gast.FunctionDef:
    """A copy of ``fn`` (sharing unchanged subtrees) without the code that never runs."""
    return rebuilt(fn, lambda field, value: _block(value) if field in _BODIES else value)


def _block(stmts: list[gast.stmt]) -> list[gast.stmt]:
    out: list[gast.stmt] = []
    for stmt in stmts:
        test = constant_value(stmt.test) if isinstance(stmt, (gast.If, gast.While)) else _UNKNOWN
        if isinstance(stmt, gast.If) and test is not _UNKNOWN:
            out += _block(stmt.body if test else stmt.orelse)
        elif isinstance(stmt, gast.While) and test is not _UNKNOWN and not test:
            out += _block(stmt.orelse)
        elif isinstance(stmt, (gast.If, gast.For, gast.While)):
            out.append(rebuilt(stmt, lambda f, v: _block(v) if f in _BODIES else v))
        else:
            out.append(stmt)
        if out and isinstance(out[-1], _JUMPS):
            break
    if not out and stmts:
        out.append(gast.copy_location(gast.Pass(), stmts[0]))
    return out


def constant_value(node: gast.AST):
    """The value of an expression of literal constants (``2.0 > 1.0``, ``not True``), or
    ``_UNKNOWN`` when it reads anything else."""
    try:
        return _value(node)
    except (ArithmeticError, TypeError, ValueError):
        return _UNKNOWN


def _value(node: gast.AST):
    if isinstance(node, gast.Constant) and isinstance(node.value, (bool, int, float, type(None))):
        return node.value
    if isinstance(node, gast.UnaryOp) and type(node.op) in _UNARY:
        operand = _value(node.operand)
        return _UNKNOWN if operand is _UNKNOWN else _UNARY[type(node.op)](operand)
    if isinstance(node, gast.BinOp) and type(node.op) in _BINARY:
        left, right = _value(node.left), _value(node.right)
        if _UNKNOWN in (left, right):
            return _UNKNOWN
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, gast.Compare) and all(type(op) in _COMPARE for op in node.ops):
        values = [_value(node.left)] + [_value(c) for c in node.comparators]
        if any(v is _UNKNOWN for v in values):
            return _UNKNOWN
        return all(_COMPARE[type(op)](a, b) for op, a, b in zip(node.ops, values, values[1:]))
    if isinstance(node, gast.BoolOp):
        values = [_value(v) for v in node.values]
        if any(v is _UNKNOWN for v in values):
            return _UNKNOWN
        return all(values) if isinstance(node.op, gast.And) else any(values)
    return _UNKNOWN
