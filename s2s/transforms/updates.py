"""Augmented assignments to names, as derivative code needs them: new bindings, guarded.

The normal form keeps ``x op= y`` where another name may see the update: on a name that may
share its array with another name (``r = m[i]``, ``c = b``), and on an argument (the caller's
array); for an array it writes in place. The derivative transformations follow values by name,
so they take it as ``x = x op y``: right for a number, for an argument (derivative code leaves
the caller's arrays as they were), and for an array whose elements (numbers) were all the other
names took (``a = x[0]``). ``_s2s.updated_alone(x, k)`` after it makes any other array there an
error rather than a wrong derivative; so does the same guard after a write into an array whose
elements another name took and reads afterwards (``r = m[0]; m[0, 1] = s; ... r``: a number,
or a row that saw the write). (Where the sharing is sure, a slice or a transpose, they refuse
the update outright: ``analysis.shared_writes``.)
"""

from __future__ import annotations

import gast

from ..analysis.aliases import Returns, SharingAt
from ..analysis.definitions import statements
from ..analysis.shared_writes import element_writes
from ..gastutil import assign, call, const, load, located, rebuilt

_BODIES = ("body", "orelse")


def plain_updates(fn: gast.FunctionDef, returns: Returns | None = None) -> gast.FunctionDef:
    """A copy of ``fn`` (sharing what is unchanged) without augmented assignments to names,
    and with a guard after each write into an array whose elements another name took and
    reads afterwards (a row, if the array has more dimensions: it sees the write).
    ``returns``: what helpers may hand back of their arguments (``aliases.helper_returns``)."""
    guarded = element_writes(fn, returns)
    if not guarded and not any(_updates_a_name(stmt) for stmt in statements(fn)):
        return fn
    sharing = SharingAt(fn, returns)

    def block(stmts: list[gast.stmt]) -> list[gast.stmt]:
        out: list[gast.stmt] = []
        for stmt in stmts:
            if id(stmt) in guarded:
                out += [stmt, _guard(*guarded[id(stmt)], stmt)]
            elif _updates_a_name(stmt):
                name = stmt.target.id
                update = assign(name, gast.BinOp(load(name), stmt.op, stmt.value))
                out.append(located(update, stmt))
                if name in sharing.names(stmt):  # not an argument only the caller sees
                    out.append(_guard(name, sharing.elements_taken(stmt, name), stmt))
            elif isinstance(stmt, (gast.If, gast.For, gast.While)):
                out.append(rebuilt(stmt, lambda f, v: block(v) if f in _BODIES else v))
            else:
                out.append(stmt)
        return out

    return rebuilt(fn, lambda field, value: block(value) if field in _BODIES else value)


def _updates_a_name(node: gast.AST) -> bool:
    return isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name)


def _guard(name: str, ndim: int, like: gast.stmt) -> gast.stmt:
    return located(gast.Expr(call("_s2s.updated_alone", load(name), const(ndim))), like)
