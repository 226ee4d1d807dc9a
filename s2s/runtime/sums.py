"""``np.sum`` along an axis, as loops: Numba's version is slow, and four times slower again
when it comes from the on-disk cache.

Numba sums ``x`` along an axis by adding one slice of ``x`` after another into the result
(1000 x 5 along the last axis: about 4 us). Compiled code loaded from Numba's on-disk cache
runs that summation at about 17 us, though the machine code is the same, byte for byte. Of
the NumPy functions measured compiled and from the cache (whole sums, means, products,
maxima and arg-maxima, elementwise functions, ``where``, ``clip``, ``sort``, ``cumsum``,
``dot``, ``outer``, matrix products, broadcasting), it is the only one that did not keep its
speed. The version here is plain loops over the array seen as ``(before, along, after)``:
about 2 us, from the cache too. It adds in the same order as Numba's, so it gives the same
numbers.

The final stage of code generation spells ``np.sum`` along an axis as ``_s2s.sum``
(``s2s/codegen/printer.py``); sums of whole arrays, and of arrays of other types or of more
than five dimensions, are Numba's.
"""

from __future__ import annotations

import numpy as np
from numba import types

from ._cache import overload, register_jitable
from ._common import _SHAPE_OF, _nb_none, _norm_axis, _split3

__all__ = ["sum"]


def sum(a, axis=None, dtype=None):  # noqa: A001 -- spelled as NumPy's, which it stands for
    """``np.sum(a, axis, dtype)`` (in Python, NumPy's)."""
    return np.sum(a, axis=axis, dtype=dtype)


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
