"""Resolve every free name a function uses; follow calls into the user's helpers.

NumPy and ``math`` are rewritten to canonical ``np.name`` / ``math.name`` whatever alias the
user imported them under; constants and closure cells become bindings of the generated module;
calls to undecorated helpers (and Numba-jitted ones) pull the helper into the program.
"""

from __future__ import annotations

import builtins
import cmath
import inspect
import math
import os
import types
from collections.abc import Callable
from typing import Any

import gast
import numpy as np
from numba import prange as _PRANGE

from ..custom import custom_vjp
from ..errors import NameResolutionError
from ..gastutil import Transformer, clone, placed_at, walk
from ..program import Program, Unit
from .closures import lift_nested_functions
from .source import (
    ParsedFunction,
    is_function,
    is_vectorized,
    original_function,
    parse_function,
)
from .specialize import functions_passed_specialized

BUILTINS = frozenset(
    """range len abs min max sum float int bool round enumerate zip print pow divmod complex
    sorted True False None ValueError RuntimeError ZeroDivisionError IndexError AssertionError
    Exception""".split()
)

_SUPPORTED_FUNCTIONS = sorted(n for n in BUILTINS if n[0].islower())

RUNTIME_ALIAS = "_s2s"
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # s2s's own code

_CONSTANT_TYPES = (int, float, bool, complex, str, np.ndarray, np.generic, type(None))


def _module_paths() -> dict[int, str]:
    """Canonical dotted names of NumPy and math callables, by object id."""
    paths: dict[int, str] = {}
    for prefix, module in (("np.linalg", np.linalg), ("np", np), ("math", math)):
        for name in dir(module):
            if not name.startswith("_"):
                value = getattr(module, name)
                if callable(value) and not isinstance(value, type):
                    paths[id(value)] = f"{prefix}.{name}"
                elif _is_scalar_type(value) and getattr(np, value.__name__, None) is value:
                    paths[id(value)] = f"np.{value.__name__}"  # np.float64, not np.double
    for name in CMATH_FUNCTIONS:  # (desugar.py writes them as NumPy calls)
        paths[id(getattr(cmath, name))] = f"cmath.{name}"
    return paths


# cmath's functions that s2s takes -> the NumPy function each is, on complex numbers
CMATH_FUNCTIONS = {
    **{
        name: name
        for name in "exp log10 sqrt sin cos tan sinh cosh tanh isnan isinf isfinite".split()
    },
    **{name: "arc" + name[1:] for name in "asin acos atan asinh acosh atanh".split()},
    "log": "log",
    "phase": "angle",
}


def _is_scalar_type(value: Any) -> bool:
    """NumPy's scalar types (``np.float64``...): usable as functions and as dtypes."""
    return isinstance(value, type) and issubclass(value, np.generic)


_PATHS: dict[int, str] | None = None


def canonical_path(value: Any) -> str | None:
    """``'np.sin'`` for ``numpy.sin``, ``'np.linalg'`` for the module, and so on."""
    global _PATHS
    if isinstance(value, types.ModuleType):
        name = value.__name__
        if name == "numpy" or name.startswith("numpy."):
            return "np" + name[len("numpy") :]
        if name == "math":
            return "math"
        if name == "s2s.runtime":
            return RUNTIME_ALIAS
        return None
    if value is _PRANGE:  # Numba's parallel range, a loop like ``range``'s (anf_loops.py)
        return f"{RUNTIME_ALIAS}.prange"
    if _PATHS is None:
        _PATHS = _module_paths()
    return _PATHS.get(id(value))


def _dotted(path: str, like: gast.AST) -> gast.AST:
    parts = path.split(".")
    node: gast.AST = gast.Name(parts[0], gast.Load(), None, None)
    for part in parts[1:]:
        node = gast.Attribute(node, part, gast.Load())
    return placed_at(node, like)


def local_names(tree: gast.FunctionDef) -> set[str]:
    """Names bound inside the function: parameters and assignment targets."""
    names = set()
    for node in walk(tree):
        if isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Param)):
            names.add(node.id)
    return names


def _is_typed_list(value: Any) -> bool:
    """Whether ``value`` is ``numba.typed.List`` (told without importing numba.typed)."""
    return (
        isinstance(value, type)
        and value.__name__ == "List"
        and value.__module__ == "numba.typed.typedlist"
    )


class _Resolver(Transformer):
    def __init__(
        self, builder: _ProgramBuilder, parsed: ParsedFunction, tree: gast.FunctionDef, units=()
    ):
        self.builder = builder
        self.parsed = parsed
        self.locals = local_names(tree) | set(units)  # (``units``: names of lifted functions)
        self.callee: gast.AST | None = None  # the function of the call being resolved
        self.new_lists: set[int] = set()  # ids of the functions of ``numba.typed.List()`` calls

    def _referenced(self, value: Any, name: str, node: gast.AST) -> gast.AST:
        if _is_typed_list(value):
            # In a function Numba compiles, `List()` is a list like `[]`: written as one.
            if node is not self.callee:
                raise NameResolutionError(
                    "`numba.typed.List` is supported only called, as `List()`",
                    self.parsed.location(node),
                )
            self.new_lists.add(id(node))
            return node
        return self.builder.reference(value, name, node, self.parsed)

    def visit_Call(self, node: gast.Call) -> gast.AST:
        self.callee = node.func
        self.generic_visit(node)
        if id(node.func) not in self.new_lists:
            return node
        if node.args or node.keywords:
            raise NameResolutionError(
                "`numba.typed.List` with arguments is not supported by s2s",
                self.parsed.location(node),
                hint="start from `List()` and append the items",
            )
        return placed_at(gast.List([], gast.Load()), node)

    def _lookup(self, name: str, node: gast.AST) -> tuple[bool, Any]:
        if name in self.parsed.namespace:
            return True, self.parsed.namespace[name]
        if name in BUILTINS and hasattr(builtins, name) or name in ("True", "False", "None"):
            return False, None
        if _is_exception_type(getattr(builtins, name, None)):
            return False, None  # `raise KeyError(...)`
        if hasattr(builtins, name):
            raise NameResolutionError(
                f"the builtin '{name}' is not supported by s2s",
                self.parsed.location(node),
                hint="supported builtins: " + ", ".join(_SUPPORTED_FUNCTIONS),
            )
        raise NameResolutionError(f"name '{name}' is not defined", self.parsed.location(node))

    def visit_Name(self, node: gast.Name) -> gast.AST:
        if not isinstance(node.ctx, gast.Load) or node.id in self.locals:
            return node
        found, value = self._lookup(node.id, node)
        if not found:
            return node
        return self._referenced(value, node.id, node)

    def visit_Attribute(self, node: gast.Attribute) -> gast.AST:
        # `mod.helper` for a user module `mod`: resolve the whole chain to its value.
        chain, root = [], node
        while isinstance(root, gast.Attribute):
            chain.append(root.attr)
            root = root.value
        if (
            isinstance(root, gast.Name)
            and isinstance(root.ctx, gast.Load)
            and root.id not in self.locals
            and root.id in self.parsed.namespace
        ):
            value = self.parsed.namespace[root.id]
            if isinstance(value, types.ModuleType) and canonical_path(value) is None:
                for attr in reversed(chain):
                    if not hasattr(value, attr):
                        raise NameResolutionError(
                            f"module '{value.__name__}' has no attribute '{attr}'",
                            self.parsed.location(node),
                        )
                    value = getattr(value, attr)
                return self._referenced(value, chain[0], node)
        self.generic_visit(node)
        return node


class _ProgramBuilder:
    def __init__(self, check: Callable[[ParsedFunction, gast.FunctionDef], None] | None) -> None:
        self.check = check
        self.units: dict[str, Unit] = {}
        self.by_function: dict[Any, str] = {}
        self.bindings: dict[str, Any] = {}
        self.custom: dict[str, tuple[str, str]] = {}

    def add_custom(self, value: custom_vjp) -> str:
        """A ``custom_vjp`` function: the function, plus its fwd and bwd, as helpers."""
        name = self.add_function(value.fn)
        if value.fwd is not None and name not in self.custom:
            self.custom[name] = ("", "")  # reserved: fwd may call the function itself
            self.custom[name] = (self.add_function(value.fwd), self.add_function(value.bwd))
        return name

    def reference(self, value: Any, name: str, node: gast.AST, parsed: ParsedFunction):
        path = canonical_path(value)
        if path is not None:
            return _dotted(path, node)
        if isinstance(value, types.ModuleType):
            raise NameResolutionError(
                f"module '{value.__name__}' cannot be used by s2s (only numpy and math)",
                parsed.location(node),
            )
        if inspect.isfunction(value) and value.__code__.co_filename.startswith(_PACKAGE_DIR):
            raise NameResolutionError(
                f"'{name}' is an s2s transformation: it cannot be applied inside a function "
                "that s2s transforms",
                parsed.location(node),
                hint=f"apply it outside, e.g. `d{name} = s2s.{value.__name__}(f)` at module "
                f"level, and call `d{name}` here",
            )
        if _is_function(value):
            return gast.copy_location(
                gast.Name(self.add_function(value), gast.Load(), None, None), node
            )
        if isinstance(value, _CONSTANT_TYPES) or _is_constant_tuple(value) or is_vectorized(value):
            return gast.copy_location(
                gast.Name(self.bind(name, value), gast.Load(), None, None), node
            )
        raise NameResolutionError(
            f"name '{name}' refers to a {type(value).__name__}, which s2s cannot compile",
            parsed.location(node),
            hint="use numbers, NumPy arrays, tuples, numpy/math functions or Python functions",
        )

    def bind(self, name: str, value: Any) -> str:
        candidate, k = name, 0
        while (
            candidate in self.units
            or candidate in ("np", "math", RUNTIME_ALIAS)
            or candidate in self.bindings
            and not _same(self.bindings[candidate], value)
        ):
            k += 1
            candidate = f"{name}_{k}"
        self.bindings[candidate] = value
        return candidate

    def add_function(self, value: Any) -> str:
        if isinstance(value, custom_vjp):
            return self.add_custom(value)
        fn = original_function(value)
        if fn in self.by_function:
            return self.by_function[fn]
        parsed = parse_function(fn)
        if self.check is not None:
            self.check(parsed, parsed.tree)  # before resolving: report the construct, not a name
        name = self.reserve(parsed.name)  # (before resolving: a function may call itself)
        self.by_function[fn] = name
        tree, nested = lift_nested_functions(parsed, clone(parsed.tree), self.reserve)
        lifted = [function.name for function in nested]
        for function in [tree, *nested]:
            resolved = _Resolver(self, parsed, function, lifted).visit(function)
            if function is tree:
                resolved.name = name
            self.units[resolved.name] = Unit(parsed, resolved)
        return name

    def reserve(self, base: str, avoid: set[str] = frozenset()) -> str:
        """A name for a new unit: ``base``, or ``base_1``... where that is taken (or in
        ``avoid``)."""
        name, k = base, 0
        while (
            name in self.units
            or name in self.bindings
            or name in avoid
            or name in ("np", "math", RUNTIME_ALIAS)
        ):
            k += 1
            name = f"{base}_{k}"
        self.units[name] = None
        return name


def _is_function(value: Any) -> bool:
    return isinstance(value, custom_vjp) or is_function(value)


def _is_exception_type(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, Exception)


def _is_constant_tuple(value: Any) -> bool:
    return isinstance(value, tuple) and all(isinstance(v, _CONSTANT_TYPES) for v in value)


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return False
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:
        return False


def resolve(
    fn: Any, check: Callable[[ParsedFunction, gast.FunctionDef], None] | None = None
) -> Program:
    """Parse ``fn`` and every helper it calls into one program with resolved names.

    ``check`` (the fence) sees each function as parsed, before its names are resolved.
    """
    builder = _ProgramBuilder(check)
    entry = builder.add_function(fn)
    custom = {name for pair in builder.custom.values() for name in pair} | set(builder.custom)
    units = functions_passed_specialized(builder.units, entry, custom, builder.reserve)
    # Entry first, helpers after, in discovery order: deterministic.
    units = {entry: units.pop(entry), **units}
    return Program(entry, units, builder.bindings, builder.custom)
