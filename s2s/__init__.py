"""s2s: differentiate, batch and compile imperative NumPy code by source transformation."""

from . import rules as _rules  # noqa: F401  (fills the rule registries)
from .ad import grad, value_and_grad, vjp
from .custom import custom_vjp
from .errors import (
    BatchingError,
    DifferentiationError,
    NameResolutionError,
    S2SError,
    UnsupportedSyntaxError,
)
from .forward import hessian, jacfwd, jacrev, jvp, linearize
from .jit import jit
from .rules.registry import defjvp, defvjp
from .show import show
from .vmap import vmap

__version__ = "0.1.0"

__all__ = [
    "jit",
    "grad",
    "value_and_grad",
    "vjp",
    "jvp",
    "linearize",
    "jacfwd",
    "jacrev",
    "hessian",
    "vmap",
    "custom_vjp",
    "defvjp",
    "defjvp",
    "show",
    "S2SError",
    "UnsupportedSyntaxError",
    "NameResolutionError",
    "DifferentiationError",
    "BatchingError",
]
