"""Shares of ``np.trapezoid`` (``np.trapz``): the trapezoidal rule along the last axis of ``y``,
with sample points ``x`` (1-D along that axis, or shaped like ``y``) or a uniform step.

Each works row by row on ``y`` seen as ``rows x n``. The step takes part only where ``x`` is
``None``; which case applies is settled when Numba types ``x``, so the helpers that stand for
the step's part are zero where points are given.
"""

from __future__ import annotations

import numpy as np

from ._cache import overload, register_jitable
from ._common import _flat

__all__ = [
    "trapezoid_share",
    "trapezoid_step_share",
    "trapezoid_points_share",
    "trapezoid_unit",
]


@register_jitable
def _rows(a, rows, n):
    return np.ascontiguousarray(a).reshape(rows, n).astype(np.float64)


@register_jitable
def _steps(y, x, spacing):
    """The steps of each row, ``rows x (n - 1)``: ``x``'s differences or ``spacing``."""
    n = y.shape[-1]
    rows = y.size // n
    out = np.empty((rows, n - 1))
    if x is None:
        out[:] = spacing
    else:
        points = _rows(x, rows if x.ndim > 1 else 1, n)
        for r in range(rows):
            p = r if x.ndim > 1 else 0
            for i in range(n - 1):
                out[r, i] = points[p, i + 1] - points[p, i]
    return out


@register_jitable
def trapezoid_share(g, y, x, spacing):
    """``y``'s share of ``g``: half of each step on both its ends, times ``g``."""
    n = y.shape[-1]
    rows = y.size // n
    steps = _steps(y, x, spacing)
    per_row = _flat(g)  # one value per row (a number for 1-D y)
    out = np.zeros((rows, n))
    for r in range(rows):
        for i in range(n - 1):
            half = 0.5 * per_row[r] * steps[r, i]
            out[r, i] += half
            out[r, i + 1] += half
    return out.reshape(y.shape)


@register_jitable
def trapezoid_step_share(g, y, x):
    """What ``y``'s share gains per unit of step where ``x`` is ``None``; zero otherwise."""
    if x is None:
        return trapezoid_share(g, y, None, 1.0)
    return np.zeros(y.shape)


@register_jitable
def trapezoid_points_share(g, y, x):
    """``x``'s share of ``g``: each interval's mean of ``y``, taken from its left end and
    given to its right; summed over the rows where ``x`` is 1-D."""
    n = y.shape[-1]
    rows = y.size // n
    values = _rows(y, rows, n)
    per_row = _flat(g)  # one value per row (a number for 1-D y)
    out = np.zeros((rows if x.ndim > 1 else 1, n))
    for r in range(rows):
        p = r if x.ndim > 1 else 0
        for i in range(n - 1):
            mean = 0.5 * per_row[r] * (values[r, i] + values[r, i + 1])
            out[p, i] -= mean
            out[p, i + 1] += mean
    return out.reshape(x.shape)


def trapezoid_unit(y, x):
    """The integral of ``y`` with unit steps where ``x`` is ``None``; zero otherwise."""
    if x is None:
        return np.sum((y[..., 1:] + y[..., :-1]) / 2.0, axis=-1)
    return np.zeros(np.shape(y)[:-1])[()]


@register_jitable
def _unit_rows(y, x):
    n = y.shape[-1]
    rows = y.size // n
    values = _rows(y, rows, n)
    out = np.zeros(rows)
    if x is None:
        for r in range(rows):
            for i in range(n - 1):
                out[r] += 0.5 * (values[r, i] + values[r, i + 1])
    return out


@overload(trapezoid_unit)
def _trapezoid_unit(y, x):
    if y.ndim == 1:
        return lambda y, x: _unit_rows(y, x)[0]
    return lambda y, x: _unit_rows(y, x).reshape(y.shape[:-1])
