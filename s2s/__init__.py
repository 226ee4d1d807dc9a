"""s2s: differentiate, batch and compile imperative NumPy code by source transformation."""

from .errors import (
    BatchingError,
    DifferentiationError,
    NameResolutionError,
    S2SError,
    UnsupportedSyntaxError,
)
from .jit import jit
from .show import show

__version__ = "0.1.0"

__all__ = [
    "jit",
    "show",
    "S2SError",
    "UnsupportedSyntaxError",
    "NameResolutionError",
    "DifferentiationError",
    "BatchingError",
]
