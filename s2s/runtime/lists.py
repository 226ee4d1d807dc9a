"""Helpers of the adjoint stacks of lists (``transforms/reverse_lists.py``)."""

from __future__ import annotations

import numpy as np

from ._cache import register_jitable
from .shares import accumulate_into

__all__ = ["from_end", "stack_add", "array_of", "list_total", "stack_spread"]


@register_jitable
def from_end(i, n):
    """Index ``i`` of a list of length ``n``, counted from the end (negative)."""
    return i - n if i >= 0 else i


@register_jitable
def stack_add(stack, g):
    """Add the rows of ``g`` into the last ``len(g)`` entries of ``stack`` (an adjoint stack)."""
    n = len(g)
    for k in range(n):
        stack[k - n] = accumulate_into(stack[k - n], g[k])


@register_jitable
def array_of(items):
    """``np.array(items)``, out of sight of Numba's rewrite of ``np.array`` of a list filled in
    a loop (see ``transforms/reverse_lists.py``, ``arrays_of_lists``)."""
    return np.array(items)


@register_jitable
def list_total(items, n):
    """``sum(items)``, of a list of ``n`` entries (``n`` is for its adjoint)."""
    return sum(items)


@register_jitable
def stack_spread(stack, g, n):
    """Add ``g`` into each of the last ``n`` entries of ``stack`` (the adjoint of a sum)."""
    for k in range(n):
        stack[k - n] = accumulate_into(stack[k - n], g)
