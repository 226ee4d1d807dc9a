"""Helpers that write into an array they are given, put in place of their calls before
differentiation.

Numba code often fills an array it is given: ``fill(out, x)``, the out-parameter idiom. The
derivative code follows writes by name within one function, and a helper's write into its
caller's array is beyond its reach. So, for derivatives, a call to a helper of the program
that writes into an argument, made as a statement or assigned (if the helper returns only at
its end, one value), is replaced by the helper's body
(:func:`~s2s.transforms.inline.inlined`): its writes become the caller's own, which both modes
differentiate. The body takes the call's position, so errors inside it point at the call.
Helpers that return early, or that leave a parameter to its default, stay calls.
"""

from __future__ import annotations

import gast

from ..analysis.activity import call_name
from ..analysis.aliases import helper_returns
from ..analysis.definitions import helper_writes
from ..codegen.naming import Namer, names_in
from ..gastutil import assign, clone, const, load, placed_at, rebuilt, walk
from ..program import Program
from .inline import inlined

_BLOCKS = ("body", "orelse")
_DEPTH = 8  # helpers that fill arrays through helpers that do: inlined this deep


def inline_effects(program: Program) -> Program:
    """``program`` with each call to a helper that writes into an argument, made as a
    statement or assigned, replaced by that helper's body (see the module docstring);
    unchanged if there is none."""
    trees = {name: unit.tree for name, unit in program.units.items() if name != program.entry}
    if not trees:
        return program
    writes = helper_writes(trees, helper_returns(trees))
    callees = {name: tree for name, tree in trees.items() if name in writes and _inlinable(tree)}
    if not callees:
        return program

    def one(unit):
        tree = unit.tree
        for _ in range(_DEPTH):
            body = _block(tree.body, callees, tree)
            if body is tree.body:
                break
            tree = rebuilt(tree, lambda field, value, body=body: body if field == "body" else value)
        return tree

    # The helpers stay in the program: other code built on it (the primal a Jacobian calls)
    # still calls them.
    return program.map(one)


def _inlinable(tree: gast.FunctionDef) -> bool:
    """Whether ``tree`` returns nothing, or one value at its end (one ``return``, last; not a
    tuple, which stays a helper's result)."""
    returns = [node for node in walk(tree) if isinstance(node, (gast.Return, gast.Yield))]
    if not returns:
        return True
    last = returns[0]
    return len(returns) == 1 and last is tree.body[-1] and not isinstance(last.value, gast.Tuple)


def _block(stmts: list[gast.stmt], callees: dict, caller: gast.FunctionDef) -> list[gast.stmt]:
    """``stmts`` with the calls to ``callees`` inlined (the same list if there was none)."""
    out: list[gast.stmt] = []
    changed = False
    for stmt in stmts:
        single = isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
        call = stmt.value if isinstance(stmt, gast.Expr) or single else None
        callee = callees.get(call_name(call)) if isinstance(call, gast.Call) else None
        positional = _positional(call, callee) if callee is not None else None
        if positional is not None and callee.name != caller.name:
            body, result = _body(callee, caller, single)
            out += [placed_at(s, stmt) for s in inlined(positional, body, caller)]
            if single:  # `y = fill(out, x)`: `y` takes what the helper returned
                out.append(placed_at(assign(clone(stmt.targets[0]), load(result)), stmt))
            changed = True
            continue
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            blocks = {f: _block(getattr(stmt, f), callees, caller) for f in _BLOCKS}
            if any(blocks[f] is not getattr(stmt, f) for f in _BLOCKS):
                stmt = rebuilt(stmt, lambda field, value, b=blocks: b.get(field, value))
                changed = True
        out.append(stmt)
    return out if changed else stmts


def _positional(call: gast.Call, callee: gast.FunctionDef) -> gast.Call | None:
    """``call`` with every parameter of ``callee`` passed by position (keywords put in their
    place), or None if it does not pass each exactly once (defaults, ``*args``)."""
    args = callee.args
    if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
        return None
    params = [a.id for a in args.args]
    bound = dict(zip(params, call.args))
    for keyword in call.keywords:
        if keyword.arg not in params or keyword.arg in bound:
            return None
        bound[keyword.arg] = keyword.value
    if len(bound) != len(params) or len(call.args) > len(params):
        return None
    return gast.Call(call.func, [bound[p] for p in params], [])


def _body(
    callee: gast.FunctionDef, caller: gast.FunctionDef, wanted: bool
) -> tuple[gast.FunctionDef, str]:
    """``callee`` as the inliner takes it: without its docstring (a statement in the caller)
    and with its final ``return v`` as ``result = v`` (``result = None`` if it has none and
    the result is ``wanted``), ``result`` a name neither function uses (so the inliner keeps
    it); and that name."""
    result = Namer(names_in(caller) | names_in(callee)).fresh("_result")
    body = list(callee.body)
    if body and isinstance(body[0], gast.Expr) and isinstance(body[0].value, gast.Constant):
        body = body[1:]
    if body and isinstance(body[-1], gast.Return):
        value = body[-1].value if body[-1].value is not None else const(None)
        body[-1] = gast.copy_location(assign(result, value), body[-1])
    elif wanted:
        body.append(assign(result, const(None)))
    return rebuilt(callee, lambda field, value: body if field == "body" else value), result
