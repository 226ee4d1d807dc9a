"""Derivative rules as short source templates, one table per family of functions.

Importing this package fills the registries in :mod:`s2s.rules.registry`.
"""

from . import creation, elementwise, linalg, reductions, runtime_helpers, shapes  # noqa: F401
from .registry import (
    ACCUMULATE_INTO,
    JVP_RULES,
    VJP_RULES,
    ZERO_FOR_REAL,
    ZERO_GRADIENT,
    defjvp,
    deflinear,
    defvjp,
    nondifferentiable,
)
from .registry import (
    elementwise as defelementwise,
)

__all__ = [
    "ACCUMULATE_INTO",
    "JVP_RULES",
    "VJP_RULES",
    "ZERO_FOR_REAL",
    "ZERO_GRADIENT",
    "defelementwise",
    "defjvp",
    "deflinear",
    "defvjp",
    "nondifferentiable",
]
