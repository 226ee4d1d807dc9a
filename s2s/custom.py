"""``s2s.custom_vjp``: a function whose reverse-mode derivative the user supplies.

As in JAX::

    @s2s.custom_vjp
    def clipped_sqrt(x):
        return math.sqrt(max(x, 1e-12))

    def clipped_sqrt_fwd(x):
        y = clipped_sqrt(x)
        return y, y                       # output, and what the backward pass needs

    def clipped_sqrt_bwd(y, g):
        return (0.5 * g / y,)             # one share per argument

    clipped_sqrt.defvjp(clipped_sqrt_fwd, clipped_sqrt_bwd)

Wherever a function that s2s differentiates calls ``clipped_sqrt``, the forward sweep calls
``clipped_sqrt_fwd`` and the reverse sweep ``clipped_sqrt_bwd``; all three are compiled with
the rest. It is also the way to give a derivative to a function s2s cannot differentiate
itself (one that calls code with no rule).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any


class custom_vjp:  # noqa: N801  (named like the decorator it is, as in JAX)
    """Decorate a function to give it a user-defined vector-Jacobian product."""

    def __init__(self, fn: Callable):
        self.fn = fn
        self.fwd: Callable | None = None
        self.bwd: Callable | None = None
        functools.update_wrapper(self, fn)

    def defvjp(self, fwd: Callable, bwd: Callable) -> custom_vjp:
        """``fwd(*args) -> (out, residuals)``; ``bwd(residuals, g) -> tuple of shares``."""
        if not callable(fwd) or not callable(bwd):
            raise TypeError("defvjp expects two functions: fwd(*args) and bwd(residuals, g)")
        self.fwd, self.bwd = fwd, bwd
        return self

    def __call__(self, *args: Any) -> Any:
        return self.fn(*args)
