"""Piecewise functions: the helpers of ``np.interp`` and the shares of ``np.select``."""

from __future__ import annotations

import numpy as np

from ._cache import overload, register_jitable
from ._common import (
    _nb_array,
    _nb_scalar,
)

__all__ = [
    "select_share",
    "select_default_share",
    "interp_slope",
    "interp_weight_share",
    "interp_gap_share",
]


# -- np.interp ----------------------------------------------------------------------------------
# y = fp[j] + t (fp[j + 1] - fp[j]), t = (x - xp[j]) / h, h = xp[j + 1] - xp[j], for x in the
# segment j; outside [xp[0], xp[-1]], fp's end value. Three helpers, each with tangent rules
# in terms of the three (rules/runtime_helpers.py), so that every order is right:
# the slope along x; the weights 1 - t and t that fp's entries get; and the weights -1/h and
# 1/h by which those move with t.
def interp_slope(x, xp, fp):
    """The slope of ``np.interp(x, xp, fp)`` along ``x``: 0 outside ``xp``'s range."""
    out = _interp_slopes(np.atleast_1d(np.asarray(x, dtype=np.float64)).ravel(), xp, fp)
    return float(out[0]) if np.ndim(x) == 0 else out.reshape(np.shape(x))


def interp_weight_share(g, x, xp):
    """The share of ``fp`` in ``np.interp(x, xp, fp)`` for the adjoint ``g``."""
    return _interp_shares(*_points(g, x), xp, False)


def interp_gap_share(c, x, xp):
    """How ``interp_weight_share(c, x, xp)`` moves as each ``t`` grows by one."""
    return _interp_shares(*_points(c, x), xp, True)


def _points(g, x):
    """``g`` and the points ``x``, flat and float64, ``g`` spread over the points."""
    g = np.broadcast_to(np.asarray(g, dtype=np.float64), np.shape(x)).ravel()
    return g, np.atleast_1d(np.asarray(x, dtype=np.float64)).ravel()


@overload(interp_slope)
def _interp_slope_nb(x, xp, fp):
    if _nb_scalar(x):
        return lambda x, xp, fp: _interp_slopes(np.array([float(x)]), xp, fp)[0]
    if _nb_array(x):
        return lambda x, xp, fp: _interp_slopes(
            np.ascontiguousarray(x).reshape(-1).astype(np.float64), xp, fp
        ).reshape(x.shape)


@overload(_points)
def _points_nb(g, x):
    if _nb_scalar(x):
        return lambda g, x: (np.array([float(g)]), np.array([float(x)]))
    if _nb_array(x) and _nb_scalar(g):
        return lambda g, x: (
            np.full(x.size, float(g)),
            np.ascontiguousarray(x).reshape(-1).astype(np.float64),
        )
    if _nb_array(x):
        return lambda g, x: (
            np.ascontiguousarray(g).reshape(-1).astype(np.float64),
            np.ascontiguousarray(x).reshape(-1).astype(np.float64),
        )


def _shares_nb(gaps):
    def impl(g, x, xp):
        gf, xf = _points(g, x)
        return _interp_shares(gf, xf, xp, gaps)

    return impl


overload(interp_weight_share)(lambda g, x, xp: _shares_nb(False))
overload(interp_gap_share)(lambda c, x, xp: _shares_nb(True))


@register_jitable
def _segment(v, xp):
    """The segment ``j`` of the point ``v``, its ``t``, and whether it is inside."""
    n = xp.shape[0]
    if n < 2 or v < xp[0]:
        return 0, 0.0, False
    if v > xp[n - 1]:
        return n - 2, 1.0, False
    j = min(np.searchsorted(xp, v, side="right") - 1, n - 2)
    return j, (v - xp[j]) / (xp[j + 1] - xp[j]), True


@register_jitable
def _interp_slopes(x, xp, fp):
    out = np.zeros(x.size)
    for i in range(x.size):
        j, t, inside = _segment(x[i], xp)
        if inside:
            out[i] = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j])
    return out


@register_jitable
def _interp_shares(g, x, xp, gaps):
    n = xp.shape[0]
    out = np.zeros(n)
    for i in range(x.size):
        j, t, inside = _segment(x[i], xp)
        if gaps:
            if inside:
                step = g[i] / (xp[j + 1] - xp[j])
                out[j] -= step
                out[j + 1] += step
        else:
            out[j] += (1.0 - t) * g[i]
            if t != 0.0:
                out[j + 1] += t * g[i]
    return out


# -- np.select --------------------------------------------------------------------------------
def select_share(g, condlist, k):
    """Share of choice ``k`` in ``np.select(condlist, choicelist, default)``: ``g`` where
    condition ``k`` is the first one true."""
    g = np.asarray(g, dtype=np.float64)
    taken = np.zeros(g.shape, dtype=bool)
    for i, cond in enumerate(condlist):
        chosen = np.broadcast_to(cond, g.shape) & ~taken
        if i == k:
            return np.where(chosen, g, 0.0)
        taken |= chosen
    return np.zeros(g.shape)


def select_default_share(g, condlist):
    """Share of ``default`` in ``np.select``: ``g`` where no condition is true."""
    g = np.asarray(g, dtype=np.float64)
    taken = np.zeros(g.shape, dtype=bool)
    for cond in condlist:
        taken |= np.broadcast_to(cond, g.shape)
    return np.where(taken, 0.0, g)


@overload(select_share)
def _select_share_nb(g, condlist, k):
    def impl(g, condlist, k):
        flat = np.ascontiguousarray(g).reshape(-1)
        taken = np.zeros(flat.size, dtype=np.bool_)
        out = np.zeros(flat.size)
        i = 0
        for cond in condlist:
            c = np.ascontiguousarray(cond).reshape(-1)
            for j in range(flat.size):
                if c[j] and not taken[j]:
                    taken[j] = True
                    if i == k:
                        out[j] = flat[j]
            i += 1
        return out.reshape(g.shape)

    return impl


@overload(select_default_share)
def _select_default_share_nb(g, condlist):
    def impl(g, condlist):
        flat = np.ascontiguousarray(g).reshape(-1)
        out = flat.astype(np.float64)
        for cond in condlist:
            c = np.ascontiguousarray(cond).reshape(-1)
            for j in range(flat.size):
                if c[j]:
                    out[j] = 0.0
        return out.reshape(g.shape)

    return impl
