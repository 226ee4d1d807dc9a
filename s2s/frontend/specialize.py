"""Helpers called with functions as arguments, specialised to those functions.

Numba compiles a helper that takes a function and calls it (``rk4_step(rhs, y, h)``, the
pattern of integrators and solvers), compiling a version for each function it is given. s2s
does the same in the source: a call that passes functions of the program gets a copy of the
helper in which those parameters are the functions themselves (``rk4_step_rhs(y, h)``, whose
``f(y)`` reads ``rhs(y)``), so every transformation sees plain calls. A NumPy or ``math``
function passed to a parameter the helper calls is one too (``simpson(math.sin, a, b)`` calls
``simpson_sin(a, b)``, whose ``g(t)`` reads ``math.sin(t)``). The copies may pass the
functions on; helpers that no call reaches any more are dropped.
"""

from __future__ import annotations

from collections.abc import Callable

import gast

from ..gastutil import attr_path, clone, dotted, located, walk
from ..program import Unit

_MAX_COPIES = 256  # a helper passing itself new functions forever stops here


def functions_passed_specialized(
    units: dict[str, Unit], entry: str, keep: set[str], reserve: Callable[[str], str]
) -> dict[str, Unit]:
    """``units`` with each call that passes functions of the program to a helper calling a
    copy of the helper made for them. ``keep``: units used other than by calls (a custom
    rule's), kept whether or not a call reaches them; ``reserve`` gives a new unit a name."""
    copies: dict[tuple, str] = {}
    queue = list(units)
    while queue:
        tree = units[queue.pop(0)].tree
        local = None  # the caller's variables, which may share a function's name
        for node in walk(tree):
            if not isinstance(node, gast.Call) or not isinstance(node.func, gast.Name):
                continue
            callee = units.get(node.func.id)
            if callee is None or not any(_names_a_function(a, units) for a in _arguments(node)):
                continue  # (the common case: the caller's names are looked up only below)
            local = _bound_names(tree) if local is None else local
            passed = _functions_passed(node, callee, units, local)
            if not passed:
                continue
            key = (node.func.id, tuple(sorted(passed.items())))
            if key not in copies:
                if len(copies) == _MAX_COPIES:
                    return units  # (left as they are: what calls the functions says so)
                short = [fn.rsplit(".", 1)[-1] for fn in passed.values()]
                name = reserve("_".join([node.func.id, *short]))
                units[name] = Unit(callee.parsed, _specialized(callee.tree, passed, name))
                copies[key] = name
                queue.append(name)
            _call_specialized(node, copies[key], callee.tree, passed)
    if not copies:
        return units
    reached = _reached(units, {entry} | keep)
    return {name: unit for name, unit in units.items() if name in reached}


def _arguments(call: gast.Call) -> list[gast.AST]:
    return [*call.args, *(keyword.value for keyword in call.keywords)]


_LIBRARIES = ("np.", "math.")


def _names_a_function(node: gast.AST, units: dict[str, Unit], local=frozenset()) -> str | None:
    """The function ``node`` names: a unit (not one of the caller's variables, ``local``), or
    a NumPy or ``math`` one by its canonical path; else None."""
    if isinstance(node, gast.Name):
        return node.id if node.id in units and node.id not in local else None
    path = attr_path(node) if isinstance(node, gast.Attribute) else None
    return path if path is not None and path.startswith(_LIBRARIES) else None


def _functions_passed(
    call: gast.Call, callee: Unit, units: dict[str, Unit], local: set[str]
) -> dict[str, str]:
    """The parameters of ``callee`` to which ``call`` passes a function of the program (a
    name of ``units`` that is not one of the caller's variables, ``local``) or a NumPy or
    ``math`` function that the callee calls, and the functions' names (none where the
    callee rebinds the parameter)."""
    if any(isinstance(arg, gast.Starred) for arg in call.args):
        return {}
    params = [arg.id for arg in callee.tree.args.args]
    given = dict(zip(params, call.args))
    given.update((k.arg, k.value) for k in call.keywords if k.arg in params)
    passed = {}
    for param, arg in given.items():
        fn = _names_a_function(arg, units, local)
        if fn is not None:
            passed[param] = fn
    if passed:
        rebound = _bound_names(callee.tree) - set(params)
        called = _called_names(callee.tree, units)
        passed = {
            param: fn
            for param, fn in passed.items()
            if param not in rebound and (fn in units or param in called)
        }
    return passed


def _bound_names(tree: gast.FunctionDef) -> set[str]:
    """The names a function binds: its parameters and what it assigns."""
    return {
        node.id
        for node in walk(tree)
        if isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Param))
    }


def _called_names(tree: gast.FunctionDef, units: dict[str, Unit]) -> set[str]:
    """The names a function calls (``f`` of ``f(...)``) or passes to a unit."""
    called = set()
    for node in walk(tree):
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name):
            called.add(node.func.id)
            if node.func.id in units:
                called.update(a.id for a in _arguments(node) if isinstance(a, gast.Name))
    return called


class _Substituted(gast.NodeTransformer):
    """Reads of the parameters ``passed`` made reads of the functions passed."""

    def __init__(self, passed: dict[str, str]):
        self.passed = passed

    def visit_Name(self, node: gast.Name) -> gast.AST:
        fn = self.passed.get(node.id)
        if fn is None:
            return node
        return located(dotted(fn), node)


def _specialized(tree: gast.FunctionDef, passed: dict[str, str], name: str) -> gast.FunctionDef:
    """A copy of ``tree`` named ``name`` without the parameters ``passed``, whose reads are
    the functions passed."""
    new = clone(tree)
    new.name = name
    args = new.args
    defaults = dict(
        zip([a.id for a in args.args][len(args.args) - len(args.defaults) :], args.defaults)
    )
    args.args = [a for a in args.args if a.id not in passed]
    args.defaults = [defaults[a.id] for a in args.args if a.id in defaults]
    new.body = [_Substituted(passed).visit(stmt) for stmt in new.body]
    return new


def _call_specialized(call: gast.Call, name: str, callee: gast.FunctionDef, passed) -> None:
    """``call`` made a call of the copy ``name``, without the arguments it passes for good."""
    params = [arg.id for arg in callee.args.args]
    call.func = gast.copy_location(gast.Name(name, gast.Load(), None, None), call.func)
    call.args = [a for k, a in enumerate(call.args) if k >= len(params) or params[k] not in passed]
    call.keywords = [k for k in call.keywords if k.arg not in passed]


def _reached(units: dict[str, Unit], roots: set[str]) -> set[str]:
    """The units that ``roots`` name, directly or through one another."""
    reached, stack = set(), [name for name in roots if name in units]
    while stack:
        name = stack.pop()
        if name in reached:
            continue
        reached.add(name)
        for node in walk(units[name].tree):
            if isinstance(node, gast.Name) and node.id in units and node.id not in reached:
                stack.append(node.id)
    return reached
