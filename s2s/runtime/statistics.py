"""Order statistics (quantiles, medians), ``np.histogram``'s bin edges and the NaN-skipping
variance: their weights and shares.
"""

from __future__ import annotations

import numpy as np
from numba import types

from ._cache import overload, register_jitable
from ._common import (
    _flat,
    _item,
    _nb_int,
    _nb_none,
    _nb_scalar,
)

__all__ = [
    "quantile_share",
    "quantile_gap_share",
    "quantile_tangent",
    "quantile_gap_tangent",
    "weights_or_ones",
    "histogram_share",
    "histogram_edges_tangent",
    "histogram_bins_share",
    "histogram_range_share",
    "histogram_range_tangent",
    "nanvar_adjoint",
]


# -- order statistics: np.quantile, np.percentile, np.median -----------------------------------
# NumPy's default (linear) quantile q of n entries sits at position (n - 1) q of the sorted
# entries s: y = s[lo] + f (s[lo + 1] - s[lo]), lo = floor((n - 1) q), f the fraction. For a
# fixed order it is linear in the entries, with weights 1 - f and f; along q it moves by
# (n - 1) (s[lo + 1] - s[lo]), linear in the entries too, with the gap weights (n - 1) and
# -(n - 1). The weights move with q by the gap weights, which are constant between kinks.
# ``q`` is one number or an array of them (one quantile each); NaNs, where skipped, sort last
# and weigh nothing.
def quantile_share(g, x, q, axis, skip_nan=False):
    """``x``'s share of the adjoint ``g`` of its quantiles ``q``: their weights, summed with
    ``g``'s entries (``g`` a number for one ``q``)."""
    return _share(g, x, q, axis, skip_nan, False)


def quantile_gap_share(g, x, q, axis, skip_nan=False):
    """The same with the gap weights: how the share moves along ``q``."""
    return _share(g, x, q, axis, skip_nan, True)


def quantile_tangent(dx, x, q, axis, skip_nan=False):
    """The quantiles' tangent as ``x`` moves by ``dx``: the weighted sums of ``dx``."""
    return _tangent(dx, x, q, axis, skip_nan, False)


def quantile_gap_tangent(dx, x, q, axis, skip_nan=False):
    """The same with the gap weights (with ``dx = x``: the quantiles' slope along ``q``)."""
    return _tangent(dx, x, q, axis, skip_nan, True)


def _share(g, x, q, axis, skip_nan, gap):
    _whole_quantile(axis)
    return _shared(np.asarray(g, dtype=np.float64), np.asarray(x), q, skip_nan, gap)


def _tangent(dx, x, q, axis, skip_nan, gap):
    _whole_quantile(axis)
    out = _weighted_sums(np.asarray(dx, dtype=np.float64), np.asarray(x), q, skip_nan, gap)
    return out[0] if np.ndim(q) == 0 else out.reshape(np.shape(q))


def _whole_quantile(axis):
    if axis is not None:
        raise NotImplementedError("s2s differentiates quantiles and medians of a whole array")


@overload(quantile_share)
def _quantile_share_nb(g, x, q, axis, skip_nan=False):
    if _nb_none(axis):
        return lambda g, x, q, axis, skip_nan=False: _shared(g, x, q, skip_nan, False)


@overload(quantile_gap_share)
def _quantile_gap_share_nb(g, x, q, axis, skip_nan=False):
    if _nb_none(axis):
        return lambda g, x, q, axis, skip_nan=False: _shared(g, x, q, skip_nan, True)


@overload(quantile_tangent)
def _quantile_tangent_nb(dx, x, q, axis, skip_nan=False):
    return _tangent_nb(q, axis, False)


@overload(quantile_gap_tangent)
def _quantile_gap_tangent_nb(dx, x, q, axis, skip_nan=False):
    return _tangent_nb(q, axis, True)


def _tangent_nb(q, axis, gap):
    if not _nb_none(axis):
        return None
    if _nb_scalar(q):
        return lambda dx, x, q, axis, skip_nan=False: _weighted_sums(dx, x, q, skip_nan, gap)[0]
    return lambda dx, x, q, axis, skip_nan=False: _weighted_sums(dx, x, q, skip_nan, gap)


@register_jitable
def _ordered(x, skip_nan):
    """``x``'s entries flat, their order, and how many count (NaNs sort last)."""
    flat = np.ascontiguousarray(x).reshape(-1).astype(np.float64)
    n = flat.size
    if skip_nan:
        n -= int(np.sum(np.isnan(flat)))
    return flat, np.argsort(flat), n


@register_jitable
def _add_weights(out, order, n, q, gap, scale):
    """Add ``scale`` times the (gap) weights of quantile ``q`` of ``n`` ordered entries."""
    position = (n - 1) * q
    lo = min(max(int(np.floor(position)), 0), n - 1)
    hi = min(lo + 1, n - 1)
    if gap:
        out[order[hi]] += scale * (n - 1.0)
        out[order[lo]] -= scale * (n - 1.0)
    else:
        frac = position - lo
        out[order[lo]] += scale * (1.0 - frac)
        out[order[hi]] += scale * frac


@register_jitable
def _shared(g, x, q, skip_nan, gap):
    flat, order, n = _ordered(x, skip_nan)
    out = np.zeros(flat.size)
    if n > 0:
        fractions, scales = _flat(q), _flat(g)
        for k in range(fractions.size):
            _add_weights(out, order, n, fractions[k], gap, scales[k])
    return out.reshape(np.shape(x))


@register_jitable
def _weighted_sums(dx, x, q, skip_nan, gap):
    """One weighted sum of ``dx`` per quantile; entries of weight 0 (NaNs) are left out."""
    flat, order, n = _ordered(x, skip_nan)
    moves = np.ascontiguousarray(dx).reshape(-1).astype(np.float64)
    fractions = _flat(q)
    out = np.zeros(fractions.size)
    if n > 0:
        weights = np.zeros(flat.size)
        for k in range(fractions.size):
            weights[:] = 0.0
            _add_weights(weights, order, n, fractions[k], gap, 1.0)
            for i in range(flat.size):
                if weights[i] != 0.0:
                    out[k] += weights[i] * moves[i]
    return out


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
