"""Derivatives of ``np.cov`` and ``np.corrcoef``.

Both stack their inputs into ``X``, variables by observations (``m``, then ``y`` where given;
a 1-D input is one variable, a 2-D one is transposed where ``rowvar`` is false), and centre
each row: ``Xc``. The covariance is ``s Xc Xc^T`` with ``s = 1 / (observations - ddof)``, so
its tangent is ``s (A Xc^T + Xc A^T)`` for ``A`` the inputs' tangents stacked the same way
(``cov_embed``; centring ``A`` changes nothing, ``Xc``'s rows summing to zero), and an input's
share of the adjoint ``G`` is its block of ``s (G + G^T) Xc``. Every helper is linear in each
argument that moves, so each has a tangent rule of the same helpers: right to every order.

One variable gives a 0-d array, as NumPy and Numba return (Numba takes a single variable
only as a 1-D ``m`` without ``y``).
"""

from __future__ import annotations

import numpy as np
from numba import types

from ._cache import overload, register_jitable
from ._common import _nb_none

__all__ = [
    "cov_centered",
    "cov_center",
    "cov_embed",
    "cov_product",
    "cov_share",
    "cov_share_other",
    "corrcoef_adjoint",
    "corrcoef_tangent",
]


def _rows_of(a, rowvar):
    """``a`` as variables by observations, float64."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 1:
        return a.reshape(1, -1)
    return np.ascontiguousarray(a if rowvar else a.T)


@overload(_rows_of)
def _rows_of_nb(a, rowvar):
    if a.ndim == 1:
        return lambda a, rowvar: np.ascontiguousarray(a).astype(np.float64).reshape(1, a.size)

    def matrix(a, rowvar):
        b = np.asarray(a).astype(np.float64)
        return np.ascontiguousarray(b) if rowvar else np.ascontiguousarray(b.T)

    return matrix


def _as_matrix(g):
    """The adjoint of a covariance as a matrix (a number for one variable)."""
    g = np.asarray(g, dtype=np.float64)
    return g.reshape(1, 1) if g.ndim == 0 else g


@overload(_as_matrix)
def _as_matrix_nb(g):
    if isinstance(g, types.Array) and g.ndim == 2:
        return lambda g: g.astype(np.float64)
    if isinstance(g, types.Array):
        return lambda g: np.full((1, 1), g[()], np.float64)
    return lambda g: np.full((1, 1), float(g))


def _like_output(c, m, y):
    """The covariance matrix ``c`` as ``np.cov`` returns it: 0-d for one variable."""
    return np.asarray(c[0, 0]) if c.shape == (1, 1) else c


@overload(_like_output)
def _like_output_nb(c, m, y):
    if m.ndim == 1 and _nb_none(y):
        return lambda c, m, y: np.array(c[0, 0])
    return lambda c, m, y: c


def _variables(a, rowvar):
    """How many variables (rows of ``X``) input ``a`` holds."""
    a = np.asarray(a)
    return 1 if a.ndim == 1 else a.shape[0 if rowvar else 1]


@overload(_variables)
def _variables_nb(a, rowvar):
    if a.ndim == 1:
        return lambda a, rowvar: 1
    return lambda a, rowvar: a.shape[0] if rowvar else a.shape[1]


@register_jitable
def _stacked(m, y, rowvar):
    top = _rows_of(m, rowvar)
    if y is None:
        return top
    return np.concatenate((top, _rows_of(y, rowvar)))


@register_jitable
def _scale(observations, bias, ddof):
    if ddof is None:
        return 1.0 / (observations - (0 if bias else 1))
    return 1.0 / (observations - ddof)


@register_jitable
def cov_center(x):
    """Each row of ``x`` less its mean."""
    out = x.copy()
    for i in range(out.shape[0]):
        out[i] -= out[i].mean()
    return out


@register_jitable
def cov_centered(m, y, rowvar):
    """``Xc``: the inputs stacked as variables by observations, each row centred."""
    return cov_center(_stacked(m, y, rowvar))


@register_jitable
def cov_embed(d, m, y, rowvar, which):
    """``d`` (shaped like ``m`` for ``which`` 0, like ``y`` for 1) in its rows of ``X``, zero
    elsewhere."""
    part = _rows_of(d, rowvar)
    above = _variables(m, rowvar)
    below = 0 if y is None else _variables(y, rowvar)
    out = np.zeros((above + below, part.shape[1]))
    start = 0 if which == 0 else above
    out[start : start + part.shape[0]] = part
    return out


@register_jitable
def cov_product(a, b, bias, ddof, m, y):
    """``s (a b^T + b a^T)``, shaped as ``np.cov(m, y)``."""
    product = a @ b.T
    return _like_output((product + product.T) * _scale(a.shape[1], bias, ddof), m, y)


@register_jitable
def cov_share(g, b, m, rowvar, bias, ddof):
    """``m``'s share of the covariance's adjoint ``g``, where ``b`` is ``Xc``: its rows of
    ``s (g + g^T) b``, shaped like ``m``."""
    return _unstacked(_spread(g, b, bias, ddof), m, 0, rowvar)


@register_jitable
def cov_share_other(g, b, m, y, rowvar, bias, ddof):
    """``y``'s share, from the rows after ``m``'s."""
    return _unstacked(_spread(g, b, bias, ddof), y, _variables(m, rowvar), rowvar)


@register_jitable
def _spread(g, b, bias, ddof):
    matrix = _as_matrix(g)
    return (matrix + matrix.T) @ b * _scale(b.shape[1], bias, ddof)


def _unstacked(full, like, start, rowvar):
    """The rows of ``full`` from ``start`` that stand for ``like``, shaped like it."""
    part = full[start : start + _variables(like, rowvar)]
    if np.ndim(like) == 1:
        return part.reshape(-1)
    return np.ascontiguousarray(part if rowvar else part.T)


@overload(_unstacked)
def _unstacked_nb(full, like, start, rowvar):
    if like.ndim == 1:
        return lambda full, like, start, rowvar: np.ascontiguousarray(full[start]).copy()

    def matrix(full, like, start, rowvar):
        part = full[start : start + _variables(like, rowvar)]
        return np.ascontiguousarray(part) if rowvar else np.ascontiguousarray(part.T)

    return matrix


# -- np.corrcoef: R = C / (sd sd^T), sd the square roots of C's diagonal ----------------------
@register_jitable
def _deviations(c):
    matrix = _as_matrix(c)
    return np.sqrt(np.diag(matrix).copy()), matrix


@register_jitable
def corrcoef_tangent(c, dc, m, y):
    """The tangent of the correlations of covariance ``c`` moving by ``dc``:
    ``dR_ij = dC_ij / (sd_i sd_j) - R_ij (dC_ii / C_ii + dC_jj / C_jj) / 2``."""
    sd, matrix = _deviations(c)
    moving = _as_matrix(dc)
    n = sd.shape[0]
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            r = matrix[i, j] / (sd[i] * sd[j])
            rate = moving[i, i] / matrix[i, i] + moving[j, j] / matrix[j, j]
            out[i, j] = moving[i, j] / (sd[i] * sd[j]) - 0.5 * r * rate
    return _like_output(out, m, y)


@register_jitable
def corrcoef_adjoint(g, c):
    """The covariance's share of the correlations' adjoint ``g``: ``g / (sd sd^T)`` less, on
    the diagonal, ``sum_j (g_ij + g_ji) R_ij / (2 C_ii)``."""
    sd, matrix = _deviations(c)
    upstream = _as_matrix(g)
    n = sd.shape[0]
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            out[i, j] = upstream[i, j] / (sd[i] * sd[j])
    for i in range(n):
        total = 0.0
        for j in range(n):
            total += (upstream[i, j] + upstream[j, i]) * matrix[i, j] / (sd[i] * sd[j])
        out[i, i] -= 0.5 * total / matrix[i, i]
    return out
