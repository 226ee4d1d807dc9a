"""The derivatives of ``np.prod`` and ``np.cumprod`` by prefix and suffix products, without
dividing by entries that may be zero.
"""

from __future__ import annotations

import numpy as np

from ._cache import overload, register_jitable
from ._common import (
    _flat,
    _is_array,
    _nb_none,
    _nb_scalar,
    _norm_axis,
    _split3,
)

__all__ = [
    "exclusive_products",
    "exclusive_products_tangent",
    "cumprod_adjoint",
    "cumprod_adjoint_tangent",
    "cumprod_tangent",
]


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
