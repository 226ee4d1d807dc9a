"""Nested functions as functions of their own: ``def g(v): return v * a`` inside ``f`` becomes
``def f_g(v, a): return v * a`` beside ``f``, and each call ``g(w)`` the call ``f_g(w, a)``.

Numba compiles a nested function, or a lambda bound to a name, that its function only calls.
So does s2s, by passing the enclosing function's variables that the nested one reads as
arguments of each call: a closure reads them when it is called, and the call passes the values
they have then. Nested functions calling each other pass on what the callee reads; nested
functions of nested functions are lifted the same way. A nested function used otherwise
(returned, passed on, stored), defined twice, or with default values is refused.
"""

from __future__ import annotations

from collections.abc import Callable

import gast

from ..codegen.naming import names_in
from ..errors import UnsupportedSyntaxError
from ..gastutil import load, located
from .source import ParsedFunction

_SCOPES = (gast.FunctionDef, gast.Lambda)


def lift_nested_functions(
    parsed: ParsedFunction, tree: gast.FunctionDef, reserve: Callable[[str, set[str]], str]
) -> tuple[gast.FunctionDef, list[gast.FunctionDef]]:
    """``tree`` without its nested functions, and those functions lifted (each named by
    ``reserve`` from ``<outer>_<inner>``, avoiding the names the code reads), calls rewritten
    in both. ``tree`` is changed."""
    nested = _nested_definitions(parsed, tree)
    if not nested:
        return tree, []
    used = names_in(tree)  # (a lifted name must not be one the code already reads)
    names = {name: reserve(f"{tree.name}_{name}", used) for name in nested}
    outer_locals = _own_locals(tree)
    reads = {name: _free(fn) & (outer_locals | set(nested)) for name, fn in nested.items()}
    calls = {name: reads[name] & set(nested) for name in nested}
    passed = {name: reads[name] - set(nested) for name in nested}
    changed = True
    while changed:  # a nested function passes on what those it calls read
        changed = False
        for name in nested:
            for callee in calls[name]:
                extra = passed[callee] - passed[name]
                if extra:
                    passed[name] |= extra
                    changed = True
    for name, fn in nested.items():
        for callee in sorted(calls[name] - {name}):
            hidden = passed[callee] & _own_locals(fn)
            if hidden:
                raise UnsupportedSyntaxError(
                    f"nested functions that call one another with a variable of the same "
                    f"name in two scopes are not supported by s2s: `{callee}` reads the "
                    f"enclosing function's `{min(hidden)}`, `{name}` has its own",
                    parsed.location(fn),
                    "give one of the two variables another name",
                )
    free = {name: sorted(passed[name]) for name in nested}
    _remove_definitions(tree.body, nested)
    _rewrite_calls(parsed, tree, names, free)
    lifted = []
    for name, fn in nested.items():
        params = [*fn.args.args, *(gast.Name(v, gast.Param(), None, None) for v in free[name])]
        arguments = gast.arguments(params, [], None, [], [], None, [])
        new = gast.FunctionDef(names[name], arguments, fn.body, [], None, None, [])
        new = located(new, fn)
        _rewrite_calls(parsed, new, names, free)
        inner, deeper = lift_nested_functions(parsed, new, reserve)
        lifted += [inner, *deeper]
    return tree, lifted


def _nested_definitions(parsed: ParsedFunction, tree: gast.FunctionDef) -> dict:
    """The function's own nested functions by name (lambdas bound to a name as ``def``s)."""
    found: dict[str, gast.FunctionDef] = {}
    others: list[gast.stmt] = []  # the other statements, at every depth

    def visit(stmts: list[gast.stmt]) -> None:
        for stmt in stmts:
            definition = None
            if isinstance(stmt, gast.FunctionDef):
                definition = stmt
            elif _binds_lambda(stmt):
                value = stmt.value
                body = [located(gast.Return(value.body), value.body)]
                definition = located(
                    gast.FunctionDef(stmt.targets[0].id, value.args, body, [], None, None, []),
                    value,
                )
            if definition is not None:
                _check_definition(parsed, definition, stmt, found)
                found[definition.name] = definition
                continue
            others.append(stmt)
            for field in ("body", "orelse"):
                visit(getattr(stmt, field, None) or [])

    visit(tree.body)
    visit = None  # (a recursive closure is a reference cycle: broken, freed now)
    if not found:
        return found
    stored = set()
    for stmt in others:  # (a compound statement's blocks are among the others)
        if isinstance(stmt, gast.For):
            stored |= _stores(stmt.target)
        elif not isinstance(stmt, (gast.If, gast.While)):
            stored |= _stores(stmt)
    for name, definition in found.items():
        if name in stored:
            raise UnsupportedSyntaxError(
                f"nested functions whose names are also assigned to (here `{name}`) are not "
                "supported by s2s",
                parsed.location(definition),
                "give the function or the variable another name",
            )
    return found


def _binds_lambda(stmt: gast.stmt) -> bool:
    return (
        isinstance(stmt, gast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], gast.Name)
        and isinstance(stmt.value, gast.Lambda)
    )


def _check_definition(parsed, definition, stmt, found) -> None:
    args = definition.args
    if args.defaults or args.kw_defaults or args.vararg or args.kwarg or args.kwonlyargs:
        raise UnsupportedSyntaxError(
            "nested functions with default values or variadic parameters are not supported by s2s",
            parsed.location(stmt),
            "pass every argument explicitly",
        )
    if definition.decorator_list:
        raise UnsupportedSyntaxError(
            "decorated nested functions are not supported by s2s",
            parsed.location(stmt),
            "define the function at module level",
        )
    if definition.name in found:
        raise UnsupportedSyntaxError(
            f"nested functions defined twice (here `{definition.name}`) are not supported by s2s",
            parsed.location(stmt),
            "give each definition a name of its own",
        )


def _stores(node: gast.AST) -> set[str]:
    """Names ``node`` binds in its own scope (not inside nested functions)."""
    return {
        n.id
        for n in _own_nodes(node)
        if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Param))
    }


def _own_nodes(node: gast.AST):
    """The nodes under ``node`` outside nested functions and lambdas (those themselves too)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if current is not node and isinstance(current, _SCOPES):
            continue
        stack.extend(gast.iter_child_nodes(current))


def _own_locals(fn: gast.FunctionDef) -> set[str]:
    names = {a.id for a in fn.args.args}
    for stmt in fn.body:
        names |= _stores(stmt)
    return names


def _free(fn: gast.FunctionDef) -> set[str]:
    """Names ``fn`` (and what is nested in it) reads from enclosing scopes."""
    own = _own_locals(fn)
    read = set()
    for stmt in fn.body:
        for node in _own_nodes(stmt):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
                read.add(node.id)
            elif node is not stmt and isinstance(node, gast.FunctionDef):
                read |= _free(node)
            elif isinstance(node, gast.Lambda):
                inner = {a.id for a in node.args.args}
                body = {n.id for n in _own_nodes(node.body) if isinstance(n, gast.Name)}
                read |= body - inner
    return read - own


def _remove_definitions(stmts: list[gast.stmt], nested: dict) -> None:
    """Drop the definitions of ``nested`` from ``stmts`` and the blocks in them."""
    kept = []
    for stmt in stmts:
        if isinstance(stmt, gast.FunctionDef) or _binds_lambda(stmt):
            name = stmt.name if isinstance(stmt, gast.FunctionDef) else stmt.targets[0].id
            if name in nested:
                continue
        for field in ("body", "orelse"):
            block = getattr(stmt, field, None)
            if block:
                _remove_definitions(block, nested)
        kept.append(stmt)
    stmts[:] = kept or [located(gast.Pass(), stmts[0])]


def _rewrite_calls(parsed, fn: gast.FunctionDef, names: dict, free: dict) -> None:
    """Calls of nested functions in ``fn``'s own scope to calls of their lifted versions."""
    shadowed = _own_locals(fn) - {fn.name}
    for stmt in fn.body:
        for node in _own_nodes(stmt):
            if isinstance(node, gast.Call) and isinstance(node.func, gast.Name):
                callee = node.func.id
                if callee in names and callee not in shadowed:
                    node.func = located(load(names[callee]), node.func)
                    node.args = [*node.args, *(located(load(v), node) for v in free[callee])]
            elif (
                isinstance(node, gast.Name)
                and node.id in names
                and node.id not in shadowed
                and isinstance(node.ctx, gast.Load)
            ):
                raise UnsupportedSyntaxError(
                    f"nested functions used as values (here `{node.id}`: returned, passed on "
                    "or stored) are not supported by s2s, only calls of them",
                    parsed.location(node),
                    "call it where it is needed",
                )
