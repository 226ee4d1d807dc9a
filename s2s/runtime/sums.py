"""``np.sum`` and ``np.mean`` as loops: Numba's are slower than they need be, and its sum along
an axis four times slower again when it comes from the on-disk cache.

* Whole arrays: Numba adds the elements one after another, each addition waiting for the one
  before (5000 elements: 4.3 us). NumPy sums a contiguous array pairwise: blocks of 128
  elements in eight running sums, blocks added in a binary tree. The version here is that
  algorithm, in NumPy's order, so it gives NumPy's numbers to the last bit (checked in
  ``tests/test_runtime_sums.py``) in about half Numba's time (5000 elements: 2.3 us), and
  with its accuracy (an error that grows with the logarithm of the length, not the length).
* Along an axis: Numba adds one slice of ``x`` after another into the result (1000 x 5
  along the last axis: about 4 us). Loaded from Numba's on-disk cache, that code runs at
  about 17 us, though the machine code is the same byte for byte; measured with full sums,
  maxima, elementwise functions, matrix products and broadcasting, only this kept not its
  speed through the cache. The version here loops over the array seen as ``(before,
  along, after)``: about 2 us, from the cache too, adding in Numba's order (Numba's numbers).

The final stage of code generation spells ``np.sum`` and ``np.mean`` as ``_s2s.sum`` and
``_s2s.mean`` (``s2s/codegen/printer.py``); arrays of other types, not contiguous (whole
sums), or of more than five dimensions (sums along an axis) get Numba's.
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from ._common import _SHAPE_OF, _nb_none, _norm_axis, _split3

__all__ = ["mean", "sum"]

_BLOCK = 128  # NumPy's pairwise summation adds blocks of this many elements in a loop


def sum(a, axis=None, dtype=None):  # noqa: A001 -- spelled as NumPy's, which it stands for
    """``np.sum(a, axis, dtype)`` (in Python, NumPy's)."""
    return np.sum(a, axis=axis, dtype=dtype)


def mean(a, axis=None, dtype=None):
    """``np.mean(a, axis, dtype)`` (in Python, NumPy's)."""
    return np.mean(a, axis=axis, dtype=dtype)


@register_jitable
def _block_sum(flat, start, n):
    """The sum of ``flat[start:start + n]``, ``n <= _BLOCK``, as NumPy adds it: eight running
    sums over groups of eight, added in pairs, then the rest one by one."""
    if n < 8:
        total = 0.0
        for i in range(start, start + n):
            total += flat[i]
        return total
    r0, r1, r2, r3 = flat[start], flat[start + 1], flat[start + 2], flat[start + 3]
    r4, r5, r6, r7 = flat[start + 4], flat[start + 5], flat[start + 6], flat[start + 7]
    end = start + n - n % 8
    for i in range(start + 8, end, 8):
        r0 += flat[i]
        r1 += flat[i + 1]
        r2 += flat[i + 2]
        r3 += flat[i + 3]
        r4 += flat[i + 4]
        r5 += flat[i + 5]
        r6 += flat[i + 6]
        r7 += flat[i + 7]
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for i in range(end, start + n):
        total += flat[i]
    return total


@register_jitable
def _pairwise_sum(flat):
    """NumPy's pairwise sum of a 1-D contiguous array: halves (rounded down to a multiple of
    eight) summed apart down to blocks of ``_BLOCK``, then added. Numba compiles no
    recursion here, so the halving walks a stack of (start, size, halves done) frames."""
    n = flat.size
    if n <= _BLOCK:
        return 0.0 + _block_sum(flat, 0, n)
    starts = np.empty(64, np.int64)  # deep enough for 2**70 elements
    sizes = np.empty(64, np.int64)
    done = np.empty(64, np.int64)
    sums = np.empty(64)  # of halves summed, waiting for their other half
    starts[0], sizes[0], done[0] = 0, n, 0
    top = 0
    held = 0
    while top >= 0:
        start, size = starts[top], sizes[top]
        if size <= _BLOCK:
            sums[held] = _block_sum(flat, start, size)
            held += 1
            top -= 1
        elif done[top] == 2:
            sums[held - 2] += sums[held - 1]
            held -= 1
            top -= 1
        else:
            half = size // 2
            half -= half % 8
            first = done[top] == 0
            done[top] += 1
            top += 1
            starts[top] = start if first else start + half
            sizes[top] = half if first else size - half
            done[top] = 0
    return 0.0 + sums[0]  # 0.0 + -0.0 is 0.0, as NumPy's sum of negative zeros


def _pairwise_ready(a) -> bool:
    """Whether Numba type ``a`` is a float64 array known contiguous when compiled."""
    return isinstance(a, types.Array) and a.dtype == types.float64 and a.layout == "C"


@overload(mean)
def _mean(a, axis=None, dtype=None):
    if not (_nb_none(axis) and _nb_none(dtype)):  # as far as Numba's goes
        return lambda a, axis=None, dtype=None: np.mean(a, axis=axis, dtype=dtype)
    if not _pairwise_ready(a):
        return lambda a, axis=None, dtype=None: np.mean(a)

    def pairwise(a, axis=None, dtype=None):
        if a.size == 0:
            return np.mean(a)  # NaN, as NumPy's and Numba's
        return _pairwise_sum(a.reshape(-1)) / a.size

    return pairwise


@register_jitable
def _sum_along(flat, before, along, after, out):
    """``out[i, k] = sum over j of flat[i, j, k]``, the arrays flat, in the order NumPy
    visits ``j``."""
    if after == 1:  # along the last axis: one running sum per row
        for i in range(before):
            total = 0.0
            for j in range(along):
                total += flat[i * along + j]
            out[i] = total
        return
    for i in range(before):
        row = i * after
        for j in range(along):
            start = (i * along + j) * after
            for k in range(after):
                out[row + k] += flat[start + k]


@overload(sum)
def _sum(a, axis=None, dtype=None):
    if not _nb_none(dtype):
        if _nb_none(axis):
            return lambda a, axis=None, dtype=None: np.sum(a, dtype=dtype)
        return lambda a, axis=None, dtype=None: np.sum(a, axis=axis, dtype=dtype)
    if _nb_none(axis):
        if _pairwise_ready(a):
            return lambda a, axis=None, dtype=None: _pairwise_sum(a.reshape(-1))
        return lambda a, axis=None, dtype=None: np.sum(a)
    loops = (
        isinstance(a, types.Array)
        and a.dtype == types.float64
        and 2 <= a.ndim <= 5
        and isinstance(axis, types.Integer)
    )
    if not loops:
        return lambda a, axis=None, dtype=None: np.sum(a, axis=axis)
    shape_of = _SHAPE_OF[a.ndim - 1]

    def along_axis(a, axis=None, dtype=None):
        k = _norm_axis(axis, a.ndim)
        before, along, after = _split3(a.shape, k)
        kept = np.empty(a.ndim - 1, np.int64)
        for d in range(a.ndim - 1):
            kept[d] = a.shape[d if d < k else d + 1]
        out = np.zeros(before * after)
        _sum_along(np.ascontiguousarray(a).reshape(-1), before, along, after, out)
        return out.reshape(shape_of(kept))

    return along_axis
