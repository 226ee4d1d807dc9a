"""The CPU backend: ``numba.njit`` every function of a generated module."""

from __future__ import annotations

import types
from collections.abc import Callable

import gast
import numba

from ..program import Program
from .cache import INSTALLED as _VARIANTS_APART  # noqa: F401  (see backends/cache.py)


def compile_module(
    module: types.ModuleType,
    program: Program,
    *,
    parallel: bool = False,
    fastmath: bool = False,
    cache: bool = True,
) -> Callable:
    """Replace each generated function by its Numba dispatcher; return the entry's.

    Helpers are bound in the module's namespace, so the entry's calls to them compile as
    calls between dispatchers, just as if the user had decorated each one with ``njit``.
    """
    dispatchers = {}
    for unit in program:
        py_func = getattr(module, unit.name)
        dispatchers[unit.name] = numba.njit(
            py_func,
            parallel=parallel and _uses_prange(unit.tree),
            fastmath=fastmath,
            cache=cache,
        )
    for name, dispatcher in dispatchers.items():
        setattr(module, name, dispatcher)
    return dispatchers[program.entry]


def _uses_prange(tree: gast.FunctionDef) -> bool:
    """Whether a function has a parallel loop (Numba warns when asked to parallelise none)."""
    return any(
        isinstance(node, gast.Attribute) and node.attr == "prange" for node in gast.walk(tree)
    )
