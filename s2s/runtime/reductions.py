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
    _nb_int,
    _nb_none,
    _nb_scalar,
    _norm_axis,
    _split3,
)
from .shares import accumulate_into

__all__ = [
    "sum_adjoint",
    "mean_adjoint",
    "extremum_adjoint",
    "add_extremum_adjoint",
    "cumsum_adjoint",
    "var_adjoint",
    "sum_along",
    "mean_along",
    "cumsum_along",
    "quantile_weights",
    "quantile_gap_weights",
    "weights_or_ones",
    "histogram_share",
    "histogram_edges_tangent",
    "histogram_bins_share",
    "histogram_range_share",
    "histogram_range_tangent",
    "nanvar_adjoint",
    "exclusive_products",
    "exclusive_products_tangent",
    "cumprod_adjoint",
    "cumprod_adjoint_tangent",
    "cumprod_tangent",
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
    """Adjoint of ``np.var(x, axis, ddof)``: ``g * 2 * (x - mean) / (N - ddof)``."""
    if not _is_array(x):
        return 0.0
    if axis is None:
        return 2.0 * _item(g) / (x.size - ddof) * (x - np.mean(x))
    ax = _norm_axis(axis, x.ndim)
    gb = np.expand_dims(np.asarray(g, dtype=np.float64), ax)
    out = gb * (2.0 / (x.shape[ax] - ddof)) * (x - np.mean(x, axis=ax, keepdims=True))
    return np.ascontiguousarray(out, dtype=np.float64)


@register_jitable
def _var_axis(g, x, axis, ddof):
    pre, n, post = _split3(x.shape, axis)
    x3 = np.ascontiguousarray(x).reshape((pre, n, post))
    gf = _flat(g)
    scale = 2.0 / (n - ddof)
    out = np.empty((pre, n, post))
    for i in range(pre):
        for k in range(post):
            s = 0.0
            for j in range(n):
                s += x3[i, j, k]
            mean = s / n
            c = gf[i * post + k] * scale
            for j in range(n):
                out[i, j, k] = c * (x3[i, j, k] - mean)
    return out.reshape(x.shape)


@overload(var_adjoint)
def _var_adjoint_nb(g, x, axis, ddof):
    if _nb_scalar(x):
        return lambda g, x, axis, ddof: 0.0
    if not _nb_array(x):
        return None
    if _nb_none(axis):
        return lambda g, x, axis, ddof: 2.0 * _item(g) / (x.size - ddof) * (x - np.mean(x))
    if _nb_int(axis):
        return lambda g, x, axis, ddof: _var_axis(g, x, _norm_axis(axis, x.ndim), ddof)


# -- reductions that accept axis=None in compiled code too -------------------------------------
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


# -- order statistics: np.quantile, np.percentile, np.median -----------------------------------
# NumPy's default (linear) quantile q of n entries sits at position (n - 1) q of the sorted
# entries s: y = s[lo] + f (s[lo + 1] - s[lo]), lo = floor((n - 1) q), f the fraction. For a
# fixed order it is linear in the entries, with weights 1 - f and f; along q it moves by
# (n - 1) (s[lo + 1] - s[lo]), linear in the entries too, with the gap weights (n - 1) and
# -(n - 1). The weights move with q by the gap weights, which are constant between kinks.
def quantile_weights(x, q, axis):
    """The weight of each entry of ``x`` in its quantile ``q`` (one number, ``axis=None``)."""
    _whole_quantile(axis, q)
    return _quantile_weights(np.asarray(x, dtype=np.float64), float(q), False)


def quantile_gap_weights(x, q, axis):
    """Weights whose sum with ``x`` is the quantile's slope along ``q``."""
    _whole_quantile(axis, q)
    return _quantile_weights(np.asarray(x, dtype=np.float64), float(q), True)


def _whole_quantile(axis, q):
    if axis is not None or np.ndim(q) != 0:
        raise NotImplementedError(
            "s2s differentiates quantiles, percentiles and medians of a whole array, at one q"
        )


@overload(quantile_weights)
def _quantile_weights_nb(x, q, axis):
    if _nb_none(axis) and _nb_scalar(q):
        return lambda x, q, axis: _quantile_weights(x, float(q), False)


@overload(quantile_gap_weights)
def _quantile_gap_weights_nb(x, q, axis):
    if _nb_none(axis) and _nb_scalar(q):
        return lambda x, q, axis: _quantile_weights(x, float(q), True)


@register_jitable
def _quantile_weights(x, q, gap):
    flat = np.ascontiguousarray(x).reshape(-1)
    n = flat.size
    order = np.argsort(flat)
    position = (n - 1) * q
    lo = min(max(int(np.floor(position)), 0), n - 1)
    hi = min(lo + 1, n - 1)
    frac = position - lo
    out = np.zeros(n)
    if gap:
        out[order[hi]] += n - 1.0
        out[order[lo]] -= n - 1.0
    else:
        out[order[lo]] += 1.0 - frac
        out[order[hi]] += frac
    return out.reshape(np.shape(x))


def weights_or_ones(x, weights):
    """The weights of ``np.average(x, weights=weights)``: ones where there are none."""
    return np.ones(np.shape(x)) if weights is None else weights


@overload(weights_or_ones)
def _weights_or_ones_nb(x, weights):
    if _nb_none(weights):
        return lambda x, weights: np.ones(x.shape)
    return lambda x, weights: weights


# -- np.histogram's bin edges ---------------------------------------------------------------
# The counts are piecewise constant; the edges, where the bins are a number and no range is
# given, are linspace(min(a), max(a), bins + 1): they move with the smallest and the largest
# entries (ties sharing, as np.min's and np.max's adjoints do). Given edges or a range, they
# do not move with a.
def histogram_share(g, a, bins, range):  # noqa: A002 - NumPy's name
    """Share of ``a`` in the edges of ``np.histogram(a, bins, range)``, for their adjoint."""
    if range is not None or np.ndim(bins) > 0:
        return np.zeros(np.shape(a))
    return _histogram_share(np.asarray(g, dtype=np.float64), np.asarray(a, dtype=np.float64))


def histogram_edges_tangent(da, a, bins, range):  # noqa: A002
    """Tangent of the edges of ``np.histogram(a, bins, range)`` along ``da``."""
    if range is not None or np.ndim(bins) > 0:
        return np.zeros(np.size(bins) if np.ndim(bins) > 0 else bins + 1)
    return _histogram_edges_tangent(np.asarray(da, dtype=np.float64), a, bins)


@overload(histogram_share)
def _histogram_share_nb(g, a, bins, range):  # noqa: A002
    if _nb_none(range) and _nb_int(bins):
        return lambda g, a, bins, range: _histogram_share(g, a)
    return lambda g, a, bins, range: np.zeros(a.shape)


@overload(histogram_edges_tangent)
def _histogram_edges_tangent_nb(da, a, bins, range):  # noqa: A002
    if _nb_none(range) and _nb_int(bins):
        return lambda da, a, bins, range: _histogram_edges_tangent(da, a, bins)
    if _nb_int(bins):
        return lambda da, a, bins, range: np.zeros(bins + 1)
    return lambda da, a, bins, range: np.zeros(bins.size)


@register_jitable
def _histogram_share(g, a):
    n = g.size - 1
    low = 0.0
    high = 0.0
    for k in range(n + 1):
        low += g[k] * (n - k) / n
        high += g[k] * k / n
    flat = np.ascontiguousarray(a).reshape(-1)
    return (_ties(flat, np.min(flat)) * low + _ties(flat, np.max(flat)) * high).reshape(a.shape)


@register_jitable
def _histogram_edges_tangent(da, a, bins):
    flat = np.ascontiguousarray(a).reshape(-1)
    dflat = np.ascontiguousarray(da).reshape(-1)
    low = np.sum(_ties(flat, np.min(flat)) * dflat)
    high = np.sum(_ties(flat, np.max(flat)) * dflat)
    return low + (high - low) * np.arange(bins + 1) / bins


@register_jitable
def _ties(flat, value):
    """1 / count at the entries equal to ``value``, 0 elsewhere."""
    mask = (flat == value).astype(np.float64)
    return mask / mask.sum()


def histogram_bins_share(g, bins):
    """Share of the ``bins`` array in ``np.histogram(a, bins)``: the edges are ``bins``."""
    if isinstance(bins, (list, tuple)):
        raise NotImplementedError(
            "s2s differentiates np.histogram's bins given as an array, not as a list"
        )
    return g


@overload(histogram_bins_share)
def _histogram_bins_share_nb(g, bins):
    return lambda g, bins: g


def histogram_range_share(g, bins, k):
    """Share of ``range[k]`` in the edges ``linspace(range[0], range[1], bins + 1)``."""
    t = np.arange(bins + 1) / bins
    return float(np.sum(np.asarray(g) * (t if k == 1 else 1.0 - t)))


@overload(histogram_range_share)
def _histogram_range_share_nb(g, bins, k):
    def impl(g, bins, k):
        t = np.arange(bins + 1) / bins
        if k == 1:
            return np.sum(g * t)
        return np.sum(g * (1.0 - t))

    return impl


def histogram_range_tangent(drange, bins):
    """Tangent of the edges along the range ``(low, high)``'s tangents ``drange`` (a number,
    0.0, where the range carries none)."""
    if not isinstance(drange, tuple):
        return 0.0
    return drange[0] + (drange[1] - drange[0]) * np.arange(bins + 1) / bins


@overload(histogram_range_tangent)
def _histogram_range_tangent_nb(drange, bins):
    if isinstance(drange, types.BaseTuple):
        return lambda drange, bins: drange[0] + (drange[1] - drange[0]) * np.arange(bins + 1) / bins
    return lambda drange, bins: 0.0


# -- np.nanvar, np.nanstd -------------------------------------------------------------------------
def nanvar_adjoint(g, a, x):
    """``2 g (x - mean) / n`` over the entries where ``a`` is not NaN (``n`` of them, the
    mean theirs), 0 where it is: the share of ``a`` in ``np.nanvar(a)`` for ``x = a``, and
    linear in ``x`` for the NaNs of ``a``, which is its tangent along ``x``."""
    return _nanvar_adjoint(_item(g), np.asarray(a, dtype=np.float64), np.asarray(x))


@overload(nanvar_adjoint)
def _nanvar_adjoint_nb(g, a, x):
    return lambda g, a, x: _nanvar_adjoint(_item(g), a, x)


@register_jitable
def _nanvar_adjoint(g, a, x):
    flat = np.ascontiguousarray(a).reshape(-1)
    values = np.ascontiguousarray(x).astype(np.float64).reshape(-1)
    count = 0
    total = 0.0
    for i in range(flat.size):
        if not np.isnan(flat[i]):
            count += 1
            total += values[i]
    mean = total / max(count, 1)
    out = np.zeros(flat.size)
    for i in range(flat.size):
        if not np.isnan(flat[i]):
            out[i] = 2.0 * g * (values[i] - mean) / count
    return out.reshape(a.shape)


# -- np.prod, np.cumprod, without dividing by the entries -------------------------------------
# The share of x_j in a product is the product of the others, which y / x_j gives only where
# x_j is not zero. These helpers multiply instead: prefix and suffix products along the axis
# (the whole array flattened for axis=None), and their tangents by the product rule.
def _as3(v, shape, axis):
    """``v`` (of ``x``'s size) as ``(before, along, after)`` around ``axis``, float64."""
    v = np.ascontiguousarray(v, dtype=np.float64)
    if axis is None:
        return v.reshape((1, -1, 1))
    return v.reshape(_split3(shape, _norm_axis(axis, len(shape))))


def exclusive_products(x, axis):
    """The product of the other entries along ``axis``, at each entry of ``x``."""
    if not _is_array(x):
        return 1.0
    return _exclusive(_as3(x, x.shape, axis), None).reshape(x.shape)


def exclusive_products_tangent(x, dx, axis):
    """Tangent of ``exclusive_products(x, axis)`` along ``dx``."""
    if not _is_array(x):
        return 0.0 * dx
    return _exclusive(_as3(x, x.shape, axis), _as3(dx, x.shape, axis)).reshape(x.shape)


def cumprod_adjoint(g, x, axis):
    """Share of ``x`` in ``np.cumprod(x, axis)``: sum over i >= j of g_i prod_{k <= i, k != j}
    x_k, as (prefix product) * r_j with r_j = g_j + x_(j+1) r_(j+1)."""
    if not _is_array(x):
        return float(np.sum(g))
    return _cumprod_back(_as3(g, x.shape, axis), _as3(x, x.shape, axis), None).reshape(x.shape)


def cumprod_adjoint_tangent(g, x, dx, axis):
    """Tangent of ``cumprod_adjoint(g, x, axis)`` along ``dx``."""
    if not _is_array(x):
        return 0.0 * dx
    g3, x3, d3 = (_as3(v, x.shape, axis) for v in (g, x, dx))
    return _cumprod_back(g3, x3, d3).reshape(x.shape)


def cumprod_tangent(dx, x, axis):
    """Tangent of ``np.cumprod(x, axis)`` along ``dx``: dy_i = dy_(i-1) x_i + y_(i-1) dx_i."""
    if not _is_array(x):
        return np.atleast_1d(np.asarray(dx, dtype=np.float64))  # np.cumprod(2.0) is 1-D
    out = _cumprod_forward(_as3(dx, x.shape, axis), _as3(x, x.shape, axis))
    return out.reshape(-1) if axis is None else out.reshape(x.shape)


def _nb3(v, x, axis):
    """``_as3`` with ``x`` for its shape (compiled code calls this one)."""
    return _as3(v, np.shape(x), axis)


@overload(_nb3)
def _nb3_nb(v, x, axis):
    if _nb_none(axis):
        return lambda v, x, axis: np.ascontiguousarray(v).astype(np.float64).reshape((1, -1, 1))
    return lambda v, x, axis: (
        np.ascontiguousarray(v)
        .astype(np.float64)
        .reshape(_split3(x.shape, _norm_axis(axis, x.ndim)))
    )


@overload(exclusive_products)
def _exclusive_products_nb(x, axis):
    if _nb_scalar(x):
        return lambda x, axis: 1.0
    return lambda x, axis: _exclusive(_nb3(x, x, axis), None).reshape(x.shape)


@overload(exclusive_products_tangent)
def _exclusive_products_tangent_nb(x, dx, axis):
    if _nb_scalar(x):
        return lambda x, dx, axis: 0.0 * dx
    return lambda x, dx, axis: _exclusive(_nb3(x, x, axis), _nb3(dx, x, axis)).reshape(x.shape)


@overload(cumprod_adjoint)
def _cumprod_adjoint_nb(g, x, axis):
    if _nb_scalar(x):
        return lambda g, x, axis: float(np.sum(_flat(g)))
    return lambda g, x, axis: _cumprod_back(_nb3(g, x, axis), _nb3(x, x, axis), None).reshape(
        x.shape
    )


@overload(cumprod_adjoint_tangent)
def _cumprod_adjoint_tangent_nb(g, x, dx, axis):
    if _nb_scalar(x):
        return lambda g, x, dx, axis: 0.0 * dx
    return lambda g, x, dx, axis: _cumprod_back(
        _nb3(g, x, axis), _nb3(x, x, axis), _nb3(dx, x, axis)
    ).reshape(x.shape)


@overload(cumprod_tangent)
def _cumprod_tangent_nb(dx, x, axis):
    if _nb_scalar(x):
        return lambda dx, x, axis: dx
    if _nb_none(axis):
        return lambda dx, x, axis: _cumprod_forward(_nb3(dx, x, axis), _nb3(x, x, axis)).reshape(-1)
    return lambda dx, x, axis: _cumprod_forward(_nb3(dx, x, axis), _nb3(x, x, axis)).reshape(
        x.shape
    )


@register_jitable
def _exclusive(x3, d3):
    """Products of the other entries along the middle axis, or (``d3`` given) their tangents
    along ``d3``, from prefix and suffix products and their tangents."""
    pre, n, post = x3.shape
    out = np.empty((pre, n, post))
    for i in range(pre):
        for k in range(post):
            left = np.empty(n)  # product of the entries before j, and its tangent
            dleft = np.zeros(n)
            p, dp = 1.0, 0.0
            for j in range(n):
                left[j], dleft[j] = p, dp
                if d3 is not None:
                    dp = dp * x3[i, j, k] + p * d3[i, j, k]
                p *= x3[i, j, k]
            q, dq = 1.0, 0.0
            for j in range(n - 1, -1, -1):
                if d3 is None:
                    out[i, j, k] = left[j] * q
                else:
                    out[i, j, k] = dleft[j] * q + left[j] * dq
                    dq = dq * x3[i, j, k] + q * d3[i, j, k]
                q *= x3[i, j, k]
    return out


@register_jitable
def _cumprod_back(g3, x3, d3):
    """``prefix_j * r_j`` along the middle axis, or (``d3`` given) its tangent along ``d3``."""
    pre, n, post = x3.shape
    out = np.empty((pre, n, post))
    for i in range(pre):
        for k in range(post):
            r, dr = 0.0, 0.0  # r_j = g_j + x_(j+1) r_(j+1), and its tangent
            rs = np.empty(n)
            drs = np.empty(n)
            for j in range(n - 1, -1, -1):
                if j < n - 1:
                    if d3 is not None:
                        dr = d3[i, j + 1, k] * r + x3[i, j + 1, k] * dr
                    r = x3[i, j + 1, k] * r
                r += g3[i, j, k]
                rs[j], drs[j] = r, dr
            p, dp = 1.0, 0.0
            for j in range(n):
                if d3 is None:
                    out[i, j, k] = p * rs[j]
                else:
                    out[i, j, k] = dp * rs[j] + p * drs[j]
                    dp = dp * x3[i, j, k] + p * d3[i, j, k]
                p *= x3[i, j, k]
    return out


@register_jitable
def _cumprod_forward(d3, x3):
    pre, n, post = x3.shape
    out = np.empty((pre, n, post))
    for i in range(pre):
        for k in range(post):
            y, dy = 1.0, 0.0
            for j in range(n):
                dy = dy * x3[i, j, k] + y * d3[i, j, k]
                y *= x3[i, j, k]
                out[i, j, k] = dy
    return out
