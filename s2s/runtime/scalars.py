"""NumPy ufuncs of one number, for GPU device code.

numba-cuda compiles Python's operators and the ``math`` functions, but kernels of few NumPy
ufuncs; device code spells the others with these helpers (``transforms/device_spelling.py``).
Each computes what NumPy computes, in the same steps where NumPy's are short.
"""

from __future__ import annotations

import math

import numpy as np
from numba import types

from ._cache import overload, register_jitable

__all__ = [
    "cbrt",
    "fmod",
    "logaddexp",
    "logaddexp2",
    "nan_to_num",
    "floor",
    "ceil",
    "trunc",
    "rint",
]

LN2 = 0.6931471805599453
LOG2E = 1.4426950408889634
WHOLE = 4503599627370496.0  # 2**52: every float64 this large is a whole number


@register_jitable
def cbrt(x):
    """The real cube root: ``|x| ** (1/3)`` with the sign of ``x``, refined by a Newton step
    (``1/3`` is not exact in binary)."""
    size = abs(x)
    if size == 0.0 or size == math.inf or x != x:
        return x * 1.0  # keeps the sign of zero
    root = size ** (1.0 / 3.0)
    root -= (root * root * root - size) / (3.0 * root * root)
    return math.copysign(root, x)


@register_jitable
def fmod(x1, x2):
    """C's ``fmod``, exact: the remainder of ``|x1| / |x2|`` (Python's ``%``, which agrees with
    it on positive numbers) with the sign of ``x1``."""
    return math.copysign(abs(x1) % abs(x2), x1)


@register_jitable
def logaddexp(x1, x2):
    """``log(exp(x1) + exp(x2))`` without overflow, as NumPy computes it."""
    if x1 == x2:  # equal infinities too
        return x1 + LN2
    d = x1 - x2
    if d > 0.0:
        return x1 + math.log1p(math.exp(-d))
    if d <= 0.0:
        return x2 + math.log1p(math.exp(d))
    return d  # NaN


@register_jitable
def logaddexp2(x1, x2):
    """``log2(2 ** x1 + 2 ** x2)`` without overflow, as NumPy computes it."""
    if x1 == x2:
        return x1 + 1.0
    d = x1 - x2
    if d > 0.0:
        return x1 + LOG2E * math.log1p(2.0**-d)
    if d <= 0.0:
        return x2 + LOG2E * math.log1p(2.0**d)
    return d


def nan_to_num(x):
    """``np.nan_to_num`` of a number: NaN as 0, infinities as the type's largest finite
    values."""
    return np.nan_to_num(x)


@overload(nan_to_num)
def _nan_to_num(x):
    if not isinstance(x, types.Float):
        return lambda x: x
    dtype = np.dtype(x.name)
    zero, largest = dtype.type(0.0), dtype.type(np.finfo(dtype).max)

    def impl(x):
        if x != x:
            return zero
        if x == math.inf:
            return largest
        if x == -math.inf:
            return -largest
        return x

    return impl


# -- rounding to whole numbers, in the float type of the argument -------------------------------
# ``math.floor`` and ``round`` give Python ints (int64 in Numba, which overflows past 2**63);
# NumPy's floats keep their type and the sign of a zero result (``np.ceil(-0.5)`` is -0.0).
def floor(x):
    return np.floor(x)


def ceil(x):
    return np.ceil(x)


def trunc(x):
    return np.trunc(x)


def rint(x):
    """Half to even, as ``np.rint`` and ``np.round`` (and Python's ``round``)."""
    return np.rint(x)


def _whole(to_whole):
    """The overload of a rounding helper that rounds with ``to_whole`` (an int) where the
    float is not whole already."""

    def typer(x):
        if isinstance(x, types.Integer):
            return lambda x: float(x)
        if not isinstance(x, types.Float):
            return None
        cast = np.float32 if x.bitwidth == 32 else np.float64

        def impl(x):
            if not abs(x) < WHOLE:  # whole already, infinite or NaN
                return x
            return cast(math.copysign(to_whole(x), x))

        return impl

    return typer


for _helper, _to_whole in ((floor, math.floor), (ceil, math.ceil), (trunc, math.trunc)):
    overload(_helper)(_whole(_to_whole))
overload(rint)(_whole(round))
