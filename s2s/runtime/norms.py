"""The adjoint of ``np.linalg.norm`` for every order, and its tangent for forward mode over
reverse mode.
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.core.errors import TypingError

from ._cache import overload, register_jitable
from ._common import (
    _nb_complex,
    _nb_none,
)

__all__ = [
    "norm_adjoint",
    "norm_adjoint_tangent",
    "cond_adjoint",
]


# -- norms -------------------------------------------------------------------------------------
# np.linalg.norm(x, ord): the 2-norm (None, or 2 of a vector) and the Frobenius norm share
# g * x / y; vector p-norms g * sign(x) * (|x| / y) ** (p - 1), the max and min norms (inf,
# -inf) g * sign(x) at the entries that reach the norm, shared among ties like np.max's; the
# matrix 1/inf norms (largest column/row sum of |x|, -1/-inf the smallest) g * sign(x) in the
# columns/rows that reach it; the spectral norms (2, -2) g u v^T of the largest or smallest
# singular value's vectors, the nuclear norm g U V^T.
_SECOND_ORDER_SVD = "s2s has no second derivatives of the spectral and nuclear norms"


def norm_adjoint(g, x, y, ord):
    """Share of ``x`` in ``y = np.linalg.norm(x, ord)``; for complex ``x``, the conjugate of
    the real formula with ``sign(x) = x / |x|`` (vectors, and the Frobenius norm)."""
    if np.iscomplexobj(x):
        if not (ord is None or ord == "fro" or x.ndim == 1):
            raise NotImplementedError(_COMPLEX_MATRIX)
        return np.conj(_real_formula(g, x, y, ord))
    return _real_formula(g, x, y, ord)


def _real_formula(g, x, y, ord):
    if ord is None or ord == "fro":
        return g * x / y
    if ord == "nuc":
        return _nuclear_adjoint(g, x)
    if x.ndim == 1:
        return _vector_norm_adjoint(g, x, y, float(ord))
    return _matrix_norm_adjoint(g, x, y, float(ord))


_COMPLEX_MATRIX = (
    "s2s differentiates norms of complex matrices for ord=None and 'fro' only "
    "(vectors: every order)"
)
_COMPLEX_SECOND_ORDER = (
    "s2s has second derivatives of norms of complex values for ord=None, 2 (vectors) and 'fro' only"
)


def _nb_fro(ord) -> bool:
    """Whether the Numba type ``ord`` is the literal string ``"fro"``."""
    return getattr(ord, "literal_value", None) == "fro"


@overload(norm_adjoint, prefer_literal=True)
def _norm_adjoint(g, x, y, ord):
    if _nb_complex(x):
        if _nb_none(ord) or _nb_fro(ord):
            return lambda g, x, y, ord: g * np.conj(x) / y
        if x.ndim != 1 or not isinstance(ord, (types.Integer, types.Float)):
            raise TypingError(_COMPLEX_MATRIX)
        return lambda g, x, y, ord: np.conj(_vector_norm_adjoint(g, x, y, float(ord)))
    if _nb_none(ord):
        return lambda g, x, y, ord: g * x / y
    if isinstance(ord, (types.UnicodeType, types.StringLiteral)):

        def by_name(g, x, y, ord):
            if ord == "nuc":
                return _nuclear_adjoint(g, x)
            return g * x / y  # "fro"

        return by_name
    if x.ndim == 1:
        return lambda g, x, y, ord: _vector_norm_adjoint(g, x, y, float(ord))
    return lambda g, x, y, ord: _matrix_norm_adjoint(g, x, y, float(ord))


@register_jitable
def _vector_norm_adjoint(g, x, y, p):
    if p == 2.0:
        return g * x / y
    if p == 1.0:
        return g * np.sign(x)
    if p == 0.0:  # the count of nonzero entries: zeros (of the type of the other cases)
        return 0.0 * g * np.sign(x)
    if p == np.inf or p == -np.inf:
        reach = (np.abs(x) == y).astype(np.float64)
        return g * np.sign(x) * reach / max(reach.sum(), 1.0)
    return g * np.sign(x) * (np.abs(x) / y) ** (p - 1.0)


@register_jitable
def _matrix_norm_adjoint(g, x, y, p):
    if p == 2.0 or p == -2.0:
        u, s, vt = np.linalg.svd(np.ascontiguousarray(x).astype(np.float64))
        k = 0 if p == 2.0 else s.shape[0] - 1
        return g * np.outer(u[:, k], vt[k, :])
    if p != 1.0 and p != -1.0 and p != np.inf and p != -np.inf:
        raise ValueError("Invalid norm order for matrices.")
    m, n = x.shape
    along_rows = p == np.inf or p == -np.inf  # sums of rows; else of columns
    count = m if along_rows else n
    sums = np.zeros(count)
    for i in range(m):
        for j in range(n):
            sums[i if along_rows else j] += abs(x[i, j])
    reach = (sums == y).astype(np.float64)
    ties = max(reach.sum(), 1.0)
    out = np.zeros((m, n))
    for i in range(m):
        for j in range(n):
            out[i, j] = g * np.sign(x[i, j]) * reach[i if along_rows else j] / ties
    return out


@register_jitable
def _nuclear_adjoint(g, x):
    u, s, vt = np.linalg.svd(np.ascontiguousarray(x).astype(np.float64), False)
    return g * np.dot(u, vt)


def norm_adjoint_tangent(g, x, dx, y, ord):
    """Tangent of ``norm_adjoint(g, x, y, ord)`` along ``dx`` (``x`` moving, ``y`` fixed);
    with ``dx = x``, the factor that the adjoint's tangent along ``y`` takes as ``-dy / y``."""
    if np.iscomplexobj(x):
        if not (ord is None or ord == "fro" or x.ndim == 1 and ord == 2):
            raise NotImplementedError(_COMPLEX_SECOND_ORDER)
        return g * np.conj(dx) / y
    if ord is None or ord == "fro":
        return g * dx / y
    if ord == "nuc":
        raise NotImplementedError(_SECOND_ORDER_SVD)
    if x.ndim == 1:
        return _vector_norm_adjoint_tangent(g, x, dx, y, float(ord))
    return _matrix_norm_adjoint_tangent(dx, float(ord))


@overload(norm_adjoint_tangent, prefer_literal=True)
def _norm_adjoint_tangent(g, x, dx, y, ord):
    if _nb_complex(x):
        if _nb_none(ord) or _nb_fro(ord):
            return lambda g, x, dx, y, ord: g * np.conj(dx) / y
        if x.ndim != 1 or not isinstance(ord, (types.Integer, types.Float)):
            raise TypingError(_COMPLEX_SECOND_ORDER)

        def two_norm_only(g, x, dx, y, ord):
            if ord != 2:
                raise NotImplementedError(_COMPLEX_SECOND_ORDER)
            return g * np.conj(dx) / y

        return two_norm_only
    if _nb_none(ord):
        return lambda g, x, dx, y, ord: g * dx / y
    if isinstance(ord, (types.UnicodeType, types.StringLiteral)):

        def by_name(g, x, dx, y, ord):
            if ord == "nuc":
                raise NotImplementedError(_SECOND_ORDER_SVD)
            return g * dx / y

        return by_name
    if x.ndim == 1:
        return lambda g, x, dx, y, ord: _vector_norm_adjoint_tangent(g, x, dx, y, float(ord))
    return lambda g, x, dx, y, ord: _matrix_norm_adjoint_tangent(dx, float(ord))


@register_jitable
def _vector_norm_adjoint_tangent(g, x, dx, y, p):
    if p == 2.0:
        return g * dx / y
    if p == 1.0 or p == 0.0 or p == np.inf or p == -np.inf:  # piecewise constant in x
        return np.zeros(x.shape)
    return g * (p - 1.0) * (np.abs(x) / y) ** (p - 2.0) * dx / y


@register_jitable
def _matrix_norm_adjoint_tangent(dx, p):
    if p == 2.0 or p == -2.0:
        raise NotImplementedError(_SECOND_ORDER_SVD)
    return np.zeros(dx.shape)  # the row and column sums: piecewise constant in x


# -- np.linalg.cond(x, p): the ratio of the extreme singular values for None and 2 (-2: its
# inverse), else norm(x, p) * norm(inv(x), p), whose share is
# g (norm(inv(x)) N(x) - norm(x) inv(x)^T N(inv(x)) inv(x)^T) for N the norm's own adjoint.
def cond_adjoint(g, x, p):
    """Share of ``x`` in ``np.linalg.cond(x, p)``."""
    if p is None or p == 2 or p == -2:
        return g * _singular_ratio_adjoint(x, p != -2)
    return g * _norm_product_adjoint(x, p)


@overload(cond_adjoint)
def _cond_adjoint(g, x, p):
    if _nb_none(p):
        return lambda g, x, p: g * _singular_ratio_adjoint(x, True)

    def by_order(g, x, p):
        if p == 2 or p == -2:
            return g * _singular_ratio_adjoint(x, p == 2)
        return g * _norm_product_adjoint(x, p)

    return by_order


@register_jitable
def _singular_ratio_adjoint(x, largest_over_smallest):
    """The gradient of s_max / s_min (or of s_min / s_max): u v^T / s for each."""
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    k = s.size - 1
    top = np.outer(np.ascontiguousarray(u[:, 0]), np.ascontiguousarray(vh[0]))
    bottom = np.outer(np.ascontiguousarray(u[:, k]), np.ascontiguousarray(vh[k]))
    if largest_over_smallest:
        return top / s[k] - s[0] * bottom / (s[k] * s[k])
    return bottom / s[0] - s[k] * top / (s[0] * s[0])


@register_jitable
def _norm_product_adjoint(x, p):
    inverse = np.linalg.inv(x)
    own, theirs = np.linalg.norm(x, p), np.linalg.norm(inverse, p)
    through_inverse = inverse.T @ norm_adjoint(1.0, inverse, theirs, p) @ inverse.T
    return theirs * norm_adjoint(1.0, x, own, p) - own * through_inverse
