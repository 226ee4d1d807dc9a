"""Reject constructs outside the accepted subset, pointing at the user's line and column."""

from __future__ import annotations

import functools
from collections.abc import Callable

import gast

from ..errors import UnsupportedSyntaxError
from ..gastutil import walk
from .source import ParsedFunction
from .unpacking import tuple_names

# node type -> (what it is called, how to fix it)
_REJECTED: dict[type, tuple[str, str]] = {
    gast.Yield: ("generators (`yield`)", "return an array instead"),
    gast.YieldFrom: ("generators (`yield from`)", "return an array instead"),
    gast.Await: ("`await`", ""),
    gast.AsyncFunctionDef: ("async functions", ""),
    gast.AsyncFor: ("`async for`", ""),
    gast.AsyncWith: ("`async with`", ""),
    gast.Try: ("`try` statements", "check conditions explicitly instead of catching errors"),
    gast.With: ("`with` statements", ""),
    gast.Global: ("`global` statements", "pass the value as an argument"),
    gast.Nonlocal: ("`nonlocal` statements", "pass the value as an argument"),
    gast.ClassDef: ("class definitions", "define classes outside the function"),
    gast.Dict: ("dict literals", "use arrays or tuples"),
    gast.Set: ("set literals", "use arrays or tuples"),
    gast.DictComp: ("dict comprehensions", "use arrays or tuples"),
    gast.SetComp: ("set comprehensions", "use arrays or tuples"),
    gast.GeneratorExp: ("generator expressions", "write a loop"),
    gast.Delete: ("`del` statements", ""),
    gast.Import: ("imports inside the function", "import at module level"),
    gast.ImportFrom: ("imports inside the function", "import at module level"),
    gast.NamedExpr: ("assignment expressions (`:=`)", "assign on a separate line"),
    gast.Starred: (
        "starred expressions other than in a tuple (`(*shape, 3)`)",
        "pass arguments one by one",
    ),
}
if hasattr(gast, "Match"):
    _REJECTED[gast.Match] = ("`match` statements", "use `if`/`elif`")


def fence(parsed: ParsedFunction, tree: gast.FunctionDef) -> None:
    """Raise :class:`UnsupportedSyntaxError` for the first construct s2s does not accept."""
    args = tree.args
    if args.vararg is not None or args.kwarg is not None:
        node = args.vararg or args.kwarg
        _reject(parsed, node, "variadic parameters (`*args`, `**kwargs`)", "list the parameters")
    if args.kwonlyargs:
        _reject(
            parsed,
            args.kwonlyargs[0],
            "keyword-only parameters (after `*`)",
            "make them ordinary parameters (with a default if need be)",
        )
    defaults = [d for d in [*args.defaults, *args.kw_defaults] if d is not None]
    for default in defaults:
        for node in walk(default):
            if isinstance(node, gast.Lambda):
                _reject(parsed, node, *_LAMBDA)
            _check(parsed, node)
    # Nested functions and lambdas bound to a name become functions of their own
    # (frontend/closures.py); other lambdas are rejected.
    named = set()  # (an assignment comes before its value in the walk)
    unpacked = set()  # starred items desugar.py writes out: `(*shape, 3)`, `f(*(a, b))`
    tuples = functools.cache(lambda: tuple_names(tree))  # and `f(*t)` for `t = (a, b)`
    for stmt in tree.body:
        for node in walk(stmt):
            if isinstance(node, gast.Assign) and _names_lambda(node):
                named.add(id(node.value))
            elif isinstance(node, gast.Lambda) and id(node) not in named:
                _reject(parsed, node, *_LAMBDA)
            unpacked.update(_unpacked_items(node, tuples))
            if not (isinstance(node, gast.Starred) and id(node) in unpacked):
                _check(parsed, node)


_LAMBDA = ("lambda expressions other than `name = lambda ...`", "define the helper with `def`")


def _unpacked_items(node: gast.AST, tuples: Callable[[], dict[str, int]]) -> list[int]:
    """The ids of the starred items of ``node`` that s2s takes: those of a tuple display,
    which are joined to it, and a call's arguments unpacked from a tuple display or from a
    name of ``tuples()`` (bound only to such displays)."""
    if isinstance(node, gast.Tuple) and isinstance(node.ctx, gast.Load):
        return [id(elt) for elt in node.elts if isinstance(elt, gast.Starred)]
    if isinstance(node, gast.Call):
        return [
            id(arg)
            for arg in node.args
            if isinstance(arg, gast.Starred)
            and (
                isinstance(arg.value, gast.Tuple)
                and not any(isinstance(elt, gast.Starred) for elt in arg.value.elts)
                or isinstance(arg.value, gast.Name)
                and arg.value.id in tuples()
            )
        ]
    return []


def _names_lambda(stmt: gast.Assign) -> bool:
    return (
        len(stmt.targets) == 1
        and isinstance(stmt.targets[0], gast.Name)
        and isinstance(stmt.value, gast.Lambda)
    )


def _reject(parsed: ParsedFunction, node: gast.AST, what: str, hint: str = "") -> None:
    raise UnsupportedSyntaxError(
        f"{what} are not supported by s2s", parsed.location(node), hint or ""
    )


def _check(parsed: ParsedFunction, node: gast.AST) -> None:
    kind = type(node)
    if kind in _REJECTED:
        what, hint = _REJECTED[kind]
        _reject(parsed, node, what, hint)
    if isinstance(node, gast.Call):
        for k in node.keywords:
            if k.arg is None:
                _reject(parsed, k, "`**kwargs` in calls", "pass keyword arguments by name")
        if isinstance(node.func, gast.Name) and node.func.id == "print" and node.keywords:
            _reject(
                parsed,
                node.keywords[0],
                "keyword arguments to `print` (`sep`, `end`, `file`...)",
                "print the values only",
            )
    if isinstance(node, gast.Raise) and node.cause is not None:
        _reject(parsed, node, "`raise ... from` clauses", "raise the exception alone")
    if isinstance(node, (gast.Assign, gast.AugAssign, gast.AnnAssign)):
        targets = node.targets if isinstance(node, gast.Assign) else [node.target]
        for target in targets:
            _check_target(parsed, target)
    if isinstance(node, gast.For):
        _check_target(parsed, node.target)


def _check_target(parsed: ParsedFunction, target: gast.AST) -> None:
    if isinstance(target, gast.Attribute):
        _reject(parsed, target, "assignments to attributes", "assign to a variable or array")
    if isinstance(target, (gast.Tuple, gast.List)):
        for elt in target.elts:
            if isinstance(elt, gast.Starred):
                _reject(parsed, elt, *_REJECTED[gast.Starred])
            _check_target(parsed, elt)
