"""Reductions and scans: the adjoints of ``np.sum``, ``np.mean``, ``np.max``/``np.min``,
``np.cumsum`` and ``np.var``, and the reductions themselves with ``axis=None`` accepted in
compiled code.

The Numba implementations see an array as ``(before, along, after)`` around the reduced axis
and loop over it, as Numba lacks the ``axis`` arguments these need.
"""

from __future__ import annotations

import numpy as np
from numba import types

from . import sums
from ._cache import overload, register_jitable
from ._common import (
    _flat,
    _is_array,
    _item,
    _nb_array,
    _nb_complex,
    _nb_int,
    _nb_none,
    _nb_scalar,
    _norm_axis,
    _split3,
)
from .shares import accumulate_into

__all__ = [
    "item",
    "sum_adjoint",
    "mean_adjoint",
    "extremum_adjoint",
    "add_extremum_adjoint",
    "cumsum_adjoint",
    "var_adjoint",
    "sum_along",
    "mean_along",
    "cumsum_along",
]


# -- a reduced value spread back along its axis --------------------------------------------
def _py_spread(v, shape, axis):
    """``v`` (the result of reducing along ``axis``) repeated along ``axis`` to ``shape``."""
    axis = _norm_axis(axis, len(shape))
    v = np.expand_dims(np.asarray(v, dtype=np.float64), axis)
    return np.broadcast_to(v, shape).copy()


@register_jitable
def _spread(v, shape, axis):
    """Numba twin of ``_py_spread``; ``axis`` is non-negative."""
    pre, n, post = _split3(shape, axis)
    vf = _flat(v)
    out = np.empty((pre, n, post))
    for i in range(pre):
        for k in range(post):
            t = vf[i * post + k]
            for j in range(n):
                out[i, j, k] = t
    return out.reshape(shape)


# -- reductions and scans --------------------------------------------------------------------
def sum_adjoint(g, x, axis):
    """Adjoint of ``np.sum(x, axis)``: ``g`` repeated over the summed positions."""
    if not _is_array(x):
        return _item(g)
    if axis is None:
        return np.full(x.shape, _item(g))
    return _py_spread(g, x.shape, axis)


@overload(sum_adjoint)
def _sum_adjoint_nb(g, x, axis):
    if _nb_scalar(x) or isinstance(x, (types.BaseTuple, types.List)):
        return lambda g, x, axis: _item(g)  # (each number of sum([a, b]) takes all of g)
    if not _nb_array(x):
        return None
    if _nb_none(axis):
        return lambda g, x, axis: np.full(x.shape, _item(g))
    if _nb_int(axis):
        return lambda g, x, axis: _spread(g, x.shape, _norm_axis(axis, x.ndim))


def mean_adjoint(g, x, axis):
    """Adjoint of ``np.mean(x, axis)``: the sum's, divided by the number of values averaged."""
    if not _is_array(x):
        return _item(g)
    if axis is None:
        return np.full(x.shape, _item(g) / x.size)
    return _py_spread(g, x.shape, axis) / x.shape[axis]


@overload(mean_adjoint)
def _mean_adjoint_nb(g, x, axis):
    if _nb_scalar(x):
        return lambda g, x, axis: _item(g)
    if not _nb_array(x):
        return None
    if _nb_none(axis):
        return lambda g, x, axis: np.full(x.shape, _item(g) / x.size)
    if _nb_int(axis):

        def impl(g, x, axis):
            ax = _norm_axis(axis, x.ndim)
            return _spread(g, x.shape, ax) / x.shape[ax]

        return impl


def extremum_adjoint(g, x, y, axis):
    """Adjoint of ``np.max``/``np.min`` (output ``y``): ``g`` shared equally among the ties."""
    if not _is_array(x):
        return _item(g)
    if axis is None:
        mask = x == _item(y)
        return mask * (_item(g) / max(int(mask.sum()), 1))
    ax = _norm_axis(axis, x.ndim)
    mask = x == np.expand_dims(np.asarray(y), ax)
    count = np.maximum(mask.sum(axis=ax, keepdims=True), 1)
    out = np.expand_dims(np.asarray(g, dtype=np.float64), ax) * mask / count
    return np.ascontiguousarray(out)


@register_jitable
def _extremum_axis(g, x, y, axis):
    pre, n, post = _split3(x.shape, axis)
    x3 = np.ascontiguousarray(x).reshape((pre, n, post))
    gf = _flat(g)
    yf = _flat(y)
    out = np.zeros((pre, n, post))
    for i in range(pre):
        for k in range(post):
            t = yf[i * post + k]
            count = 0
            for j in range(n):
                if x3[i, j, k] == t:
                    count += 1
            if count:
                share = gf[i * post + k] / count
                for j in range(n):
                    if x3[i, j, k] == t:
                        out[i, j, k] = share
    return out.reshape(x.shape)


@overload(extremum_adjoint)
def _extremum_adjoint_nb(g, x, y, axis):
    if _nb_scalar(x):
        return lambda g, x, y, axis: _item(g)
    if not _nb_array(x):
        return None
    if x.ndim == 0:  # comparing a 0-d array gives a bool in Numba: its one entry is the extremum
        return lambda g, x, y, axis: np.full(x.shape, _item(g))
    if _nb_none(axis):

        def impl(g, x, y, axis):
            mask = (x == _item(y)).astype(np.float64)
            return mask * (_item(g) / max(mask.sum(), 1.0))

        return impl
    if _nb_int(axis):
        return lambda g, x, y, axis: _extremum_axis(g, x, y, _norm_axis(axis, x.ndim))


def add_extremum_adjoint(total, g, x, y, axis):
    """``total`` plus :func:`extremum_adjoint`, in place where ``total`` is an array (an
    adjoint derivative code owns): with ``axis=None``, one pass to count the ties and one to
    add, no mask or temporary of ``x``'s size."""
    return accumulate_into(total, extremum_adjoint(g, x, y, axis))


@register_jitable
def _add_extremum_all(total, g, x, y):
    flat, values = total.reshape(-1), x.reshape(-1)
    t = _item(y)
    count = 0
    for k in range(values.size):
        if values[k] == t:
            count += 1
    if count:
        share = _item(g) / count
        for k in range(values.size):
            if values[k] == t:
                flat[k] += share
    return total


@overload(add_extremum_adjoint)
def _add_extremum_adjoint_nb(total, g, x, y, axis):
    contiguous = (
        isinstance(total, types.Array)
        and _nb_array(x)
        and total.layout == "C"
        and x.layout == "C"
        and total.ndim == x.ndim
        and x.ndim > 0
    )
    if contiguous and _nb_none(axis):

        def all_at_once(total, g, x, y, axis):
            if total.shape != x.shape:  # never from derivative code; kept correct anyway
                return accumulate_into(total, extremum_adjoint(g, x, y, axis))
            return _add_extremum_all(total, g, x, y)

        return all_at_once
    return lambda total, g, x, y, axis: accumulate_into(total, extremum_adjoint(g, x, y, axis))


def cumsum_adjoint(g, x, axis):
    """Adjoint of ``np.cumsum(x, axis)``: the reversed cumulative sum of ``g`` (flattened for
    ``axis=None``), in ``x``'s shape."""
    if not _is_array(x):
        return float(np.sum(g))
    if axis is None:
        out = np.flip(np.cumsum(np.flip(np.ravel(g))))
        return np.ascontiguousarray(out.reshape(x.shape), dtype=np.float64)
    out = np.flip(np.cumsum(np.flip(g, axis), axis=axis), axis)
    return np.ascontiguousarray(out, dtype=np.float64)


@register_jitable
def _cumsum_axis(g, shape, axis):
    pre, n, post = _split3(shape, axis)
    g3 = np.ascontiguousarray(g).reshape((pre, n, post))
    out = np.empty((pre, n, post))
    for i in range(pre):
        for k in range(post):
            acc = 0.0
            for j in range(n - 1, -1, -1):
                acc += g3[i, j, k]
                out[i, j, k] = acc
    return out.reshape(shape)


@overload(cumsum_adjoint)
def _cumsum_adjoint_nb(g, x, axis):
    if _nb_scalar(x):
        return lambda g, x, axis: float(np.sum(_flat(g)))
    if not _nb_array(x):
        return None
    if _nb_none(axis):

        def flat(g, x, axis):
            gf = _flat(g)
            out = np.empty(gf.size)
            acc = 0.0
            for i in range(gf.size - 1, -1, -1):
                acc += gf[i]
                out[i] = acc
            return out.reshape(x.shape)

        return flat
    if _nb_int(axis):
        return lambda g, x, axis: _cumsum_axis(g, x.shape, _norm_axis(axis, x.ndim))


def var_adjoint(g, x, axis, ddof):
    """Adjoint of ``np.var(x, axis, ddof)``: ``g * 2 * (x - mean) / (N - ddof)``, conjugated
    for complex ``x`` (whose variance is the mean of ``|x - mean|**2``)."""
    if not _is_array(x):
        return 0.0
    if axis is None:
        return 2.0 * _item(g) / (x.size - ddof) * np.conj(x - np.mean(x))
    ax = _norm_axis(axis, x.ndim)
    gb = np.expand_dims(np.asarray(g, dtype=np.float64), ax)
    out = gb * (2.0 / (x.shape[ax] - ddof)) * np.conj(x - np.mean(x, axis=ax, keepdims=True))
    return np.ascontiguousarray(out, dtype=np.result_type(x.dtype, np.float64))


@register_jitable
def _var_axis(g, x, axis, ddof, dtype):
    """The adjoint along ``axis``, of ``dtype`` (float64, or complex128 for complex ``x``)."""
    pre, n, post = _split3(x.shape, axis)
    x3 = np.ascontiguousarray(x).reshape((pre, n, post))
    gf = _flat(g)
    scale = 2.0 / (n - ddof)
    out = np.empty((pre, n, post), dtype)
    for i in range(pre):
        for k in range(post):
            s = dtype(0)
            for j in range(n):
                s += x3[i, j, k]
            mean = s / n
            c = gf[i * post + k] * scale
            for j in range(n):
                out[i, j, k] = c * np.conj(x3[i, j, k] - mean)
    return out.reshape(x.shape)


@overload(var_adjoint)
def _var_adjoint_nb(g, x, axis, ddof):
    if _nb_scalar(x):
        return lambda g, x, axis, ddof: 0.0
    if not _nb_array(x):
        return None
    complex_ = _nb_complex(x)
    if _nb_none(axis) and complex_:
        return lambda g, x, axis, ddof: 2.0 * _item(g) / (x.size - ddof) * np.conj(x - np.mean(x))
    if _nb_none(axis):
        return lambda g, x, axis, ddof: 2.0 * _item(g) / (x.size - ddof) * (x - np.mean(x))
    if _nb_int(axis):
        dtype = np.complex128 if complex_ else np.float64
        return lambda g, x, axis, ddof: _var_axis(g, x, _norm_axis(axis, x.ndim), ddof, dtype)


# -- reductions that accept axis=None in compiled code too -------------------------------------
def item(x):
    """``x.item()``: the one entry of a one-entry array (an error for another), as a number;
    a number as it is."""
    return x.item() if isinstance(x, (np.ndarray, np.generic)) else x


@overload(item)
def _one_item(x):
    if isinstance(x, types.Array):
        return lambda x: x.item()
    return lambda x: x


def sum_along(x, axis):
    """``np.sum(x, axis)``, with ``axis=None`` meaning all axes (for scalars too)."""
    return np.sum(x) if axis is None else np.sum(x, axis=axis)


@overload(sum_along)
def _sum_along(x, axis):
    if isinstance(x, (types.BaseTuple, types.List)) and _nb_none(axis):
        return lambda x, axis: sum(x)  # the tangents of sum([a, b]), the builtin's
    return lambda x, axis: sums.sum(x, axis)  # along an axis: the runtime's loops


def mean_along(x, axis):
    """``np.mean(x, axis)``, with ``axis=None`` meaning all axes."""
    return np.mean(x) if axis is None else np.mean(x, axis=axis)


@overload(mean_along)
def _mean_along(x, axis):
    if axis is None or isinstance(axis, (types.NoneType, types.Omitted)):
        return lambda x, axis: np.mean(x)
    return lambda x, axis: sums.sum(x, axis) / x.shape[axis]


def cumsum_along(x, axis):
    """``np.cumsum(x, axis)``, with ``axis=None`` meaning the flattened array."""
    return np.cumsum(x) if axis is None else np.cumsum(x, axis=axis)


@overload(cumsum_along)
def _cumsum_along(x, axis):
    if axis is None or isinstance(axis, (types.NoneType, types.Omitted)):
        return lambda x, axis: np.cumsum(x)
    return lambda x, axis: np.cumsum(x, axis=axis)
