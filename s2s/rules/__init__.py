"""Derivative rules as short source templates, one table per family of functions.

Importing this package fills the registries in :mod:`s2s.rules.registry`.
"""

from . import vjp_elementwise, vjp_linalg, vjp_reductions, vjp_shapes  # noqa: F401
from .registry import VJP_RULES, ZERO_GRADIENT, defvjp, nondifferentiable

__all__ = ["VJP_RULES", "ZERO_GRADIENT", "defvjp", "nondifferentiable"]
