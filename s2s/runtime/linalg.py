"""Linear algebra: the adjoints of ``@``, ``np.dot``, ``np.inner``, ``np.linalg.solve`` and
``np.linalg.cholesky`` (with the Cholesky factor's tangents for forward mode over reverse
mode), and the shares of ``np.kron`` and ``np.correlate``. Norms and decompositions have
modules of their own.
"""

from __future__ import annotations

import numpy as np
from numba import types

from ._cache import overload, register_jitable
from ._common import _f64, _flat, _is_array, _nb_any_complex, _nb_array, _nb_f64, _nb_scalar
from .shares import accumulate_into

__all__ = [
    "matmul_adjoint_a",
    "matmul_adjoint_b",
    "add_matmul_adjoint_a",
    "add_matmul_adjoint_b",
    "inner_adjoint_a",
    "inner_adjoint_b",
    "solve_adjoint_a",
    "cholesky_adjoint",
    "cholesky_adjoint_tangent",
    "cholesky_tangent",
    "lower_triangle_adjoint",
    "correlate_share_a",
    "correlate_share_v",
    "kron_share_a",
    "kron_share_b",
]


# -- linear algebra --------------------------------------------------------------------------
# Products of float64 arrays go to BLAS (Numba's np.dot, through SciPy); others, such as
# float32 operands, take plain loops.
def _mm(a, b):
    """``a @ b`` for 2-D arrays of any layout."""
    return _f64(np.dot(a, b))


@overload(_mm)
def _mm_nb(a, b):
    if a.dtype == types.float64 and b.dtype == types.float64:
        return lambda a, b: np.dot(np.ascontiguousarray(a), np.ascontiguousarray(b))
    if _nb_any_complex(a, b):  # BLAS, once both are complex128
        return lambda a, b: np.dot(_complex128(a), _complex128(b))

    def loops(a, b):
        m, p = a.shape
        n = b.shape[1]
        out = np.zeros((m, n))
        for i in range(m):
            for k in range(p):
                t = a[i, k]
                for j in range(n):
                    out[i, j] += t * b[k, j]
        return out

    return loops


@register_jitable
def _complex128(a):
    return np.ascontiguousarray(a).astype(np.complex128)


def _mv(a, v):
    """``a @ v`` for a 2-D ``a`` and a 1-D ``v``."""
    return _f64(np.dot(a, v))


@overload(_mv)
def _mv_nb(a, v):
    if a.dtype == types.float64 and v.dtype == types.float64:
        return lambda a, v: np.dot(np.ascontiguousarray(a), np.ascontiguousarray(v))
    if _nb_any_complex(a, v):
        return lambda a, v: np.dot(_complex128(a), _complex128(v))

    def loops(a, v):
        m, p = a.shape
        out = np.zeros(m)
        for i in range(m):
            acc = 0.0
            for k in range(p):
                acc += a[i, k] * v[k]
            out[i] = acc
        return out

    return loops


def _outer(u, v):
    """``u v^T`` for vectors."""
    return _f64(np.outer(u, v))


@overload(_outer)
def _outer_nb(u, v):
    if _nb_any_complex(u, v):
        return lambda u, v: _outer_of(u, v, np.complex128)
    return lambda u, v: _outer_of(u, v, np.float64)


@register_jitable
def _outer_of(u, v, dtype):
    out = np.empty((u.shape[0], v.shape[0]), dtype)  # allocated here: loops that vectorise
    for i in range(u.shape[0]):
        for j in range(v.shape[0]):
            out[i, j] = u[i] * v[j]
    return out


def matmul_adjoint_a(g, a, b):
    """Share of ``a`` in the adjoint of ``a @ b`` or ``np.dot(a, b)`` (1-D or 2-D, or scalar)."""
    if not _is_array(a):
        return float(np.sum(g * b))
    if not _is_array(b):
        return _f64(g * b)
    if a.ndim == 1 and b.ndim == 1:
        return _f64(g * b)
    if a.ndim == 2 and b.ndim == 1:
        return _f64(np.outer(g, b))
    if a.ndim == 1:
        return _f64(b @ g)
    return _f64(g @ b.T)


@overload(matmul_adjoint_a)
def _matmul_adjoint_a_nb(g, a, b):
    complex_ = _nb_any_complex(g, a, b)  # no casts to float64
    if _nb_scalar(a):
        if _nb_scalar(b):
            return (lambda g, a, b: g * b) if complex_ else (lambda g, a, b: float(g * b))
        if complex_:
            return lambda g, a, b: np.sum(g * b)
        return lambda g, a, b: float(np.sum(g * b))
    if _nb_scalar(b) or (_nb_array(a) and _nb_array(b) and a.ndim == 1 and b.ndim == 1):
        if complex_ or _nb_f64(g) and _nb_f64(b):
            return lambda g, a, b: g * b  # a fresh array already
        return lambda g, a, b: (g * b).astype(np.float64)
    if not (_nb_array(a) and _nb_array(b)):
        return None
    if a.ndim == 2 and b.ndim == 1:
        return lambda g, a, b: _outer(g, b)
    if a.ndim == 1 and b.ndim == 2:
        return lambda g, a, b: _mv(b, g)
    if a.ndim == 2 and b.ndim == 2:
        return lambda g, a, b: _mm(g, b.T)


def matmul_adjoint_b(g, a, b):
    """Share of ``b`` in the adjoint of ``a @ b`` or ``np.dot(a, b)`` (1-D or 2-D, or scalar)."""
    if not _is_array(b):
        return float(np.sum(g * a))
    if not _is_array(a):
        return _f64(g * a)
    if a.ndim == 1 and b.ndim == 1:
        return _f64(g * a)
    if a.ndim == 2 and b.ndim == 1:
        return _f64(a.T @ g)
    if a.ndim == 1:
        return _f64(np.outer(a, g))
    return _f64(a.T @ g)


@overload(matmul_adjoint_b)
def _matmul_adjoint_b_nb(g, a, b):
    complex_ = _nb_any_complex(g, a, b)  # no casts to float64
    if _nb_scalar(b):
        if _nb_scalar(a):
            return (lambda g, a, b: g * a) if complex_ else (lambda g, a, b: float(g * a))
        if complex_:
            return lambda g, a, b: np.sum(g * a)
        return lambda g, a, b: float(np.sum(g * a))
    if _nb_scalar(a) or (_nb_array(a) and _nb_array(b) and a.ndim == 1 and b.ndim == 1):
        if complex_ or _nb_f64(g) and _nb_f64(a):
            return lambda g, a, b: g * a  # a fresh array already
        return lambda g, a, b: (g * a).astype(np.float64)
    if not (_nb_array(a) and _nb_array(b)):
        return None
    if a.ndim == 2 and b.ndim == 1:
        return lambda g, a, b: _mv(a.T, g)
    if a.ndim == 1 and b.ndim == 2:
        return lambda g, a, b: _outer(a, g)
    if a.ndim == 2 and b.ndim == 2:
        return lambda g, a, b: _mm(a.T, g)


@register_jitable
def _add_scaled(total, g, a, b):
    """``total += g * b`` for vectors (the share of ``a`` in ``a @ b``), a scalar ``g``."""
    if total.shape[0] != b.shape[0]:
        return accumulate_into(total, g * b)
    for i in range(b.shape[0]):
        total[i] += g * b[i]
    return total


@register_jitable
def _add_outer(total, u, v):
    """``total += u v^T``, a rank-one update in place (the outer product never built)."""
    if total.shape != (u.shape[0], v.shape[0]):
        return accumulate_into(total, _outer(u, v))
    for i in range(u.shape[0]):
        ui = u[i]
        for j in range(v.shape[0]):
            total[i, j] += ui * v[j]
    return total


def add_matmul_adjoint_a(total, g, a, b):
    """``total`` plus :func:`matmul_adjoint_a`, added in place into an array ``total``."""
    return accumulate_into(total, matmul_adjoint_a(g, a, b))


@overload(add_matmul_adjoint_a)
def _add_matmul_adjoint_a_nb(total, g, a, b):
    if _nb_any_complex(total, g, a, b):
        return lambda total, g, a, b: accumulate_into(total, matmul_adjoint_a(g, a, b))
    if _nb_array(total) and total.ndim == 2 and _nb_array(b) and b.ndim == 1:
        return lambda total, g, a, b: _add_outer(total, g, b)  # (m, n) matrix times a vector
    if _nb_array(total) and total.ndim == 1 and _nb_array(a) and a.ndim == 1:
        if _nb_array(b) and b.ndim == 1:
            return _add_scaled
    return lambda total, g, a, b: accumulate_into(total, matmul_adjoint_a(g, a, b))


def add_matmul_adjoint_b(total, g, a, b):
    """``total`` plus :func:`matmul_adjoint_b`, added in place into an array ``total``."""
    return accumulate_into(total, matmul_adjoint_b(g, a, b))


@overload(add_matmul_adjoint_b)
def _add_matmul_adjoint_b_nb(total, g, a, b):
    if _nb_any_complex(total, g, a, b):
        return lambda total, g, a, b: accumulate_into(total, matmul_adjoint_b(g, a, b))
    if _nb_array(total) and total.ndim == 1 and _nb_array(a) and a.ndim == 2:
        if _nb_array(b) and b.ndim == 1:

            def transposed(total, g, a, b):  # a^T g, row by row
                if total.shape[0] != a.shape[1]:
                    return accumulate_into(total, _mv(a.T, g))
                for i in range(a.shape[0]):
                    gi = g[i]
                    for j in range(a.shape[1]):
                        total[j] += a[i, j] * gi
                return total

            return transposed
    if _nb_array(total) and total.ndim == 2 and _nb_array(a) and a.ndim == 1:
        return lambda total, g, a, b: _add_outer(total, a, g)  # a vector times a matrix
    if _nb_array(total) and total.ndim == 1 and _nb_array(b) and b.ndim == 1:
        if _nb_array(a) and a.ndim == 1:
            return lambda total, g, a, b: _add_scaled(total, g, b, a)
    return lambda total, g, a, b: accumulate_into(total, matmul_adjoint_b(g, a, b))


def _inner_share(g, x, other, x_first):
    """Share of ``x`` in ``np.inner`` of ``x`` and ``other`` (``x`` first if ``x_first``), for
    arrays of at least one dimension: ``inner`` contracts their last axes, so with ``x`` seen as
    ``(nx, k)`` and ``other`` as ``(no, k)`` the share is ``G @ other``, ``G`` the adjoint
    ``g`` as an ``(nx, no)`` matrix."""
    k = x.shape[-1]
    nx, no = x.size // k, other.size // k
    gm = np.asarray(g, dtype=np.float64).reshape((nx, no) if x_first else (no, nx))
    gm = gm if x_first else gm.T
    return np.ascontiguousarray((gm @ np.reshape(other, (no, k))).reshape(x.shape))


@register_jitable
def _inner_share_nb(g, x, other, x_first):
    k = x.shape[x.ndim - 1]
    nx = x.size // k
    no = other.size // k
    gf = _flat(g)
    om = np.ascontiguousarray(other).reshape((no, k))
    out = np.zeros((nx, k))
    for i in range(nx):
        for j in range(no):
            t = gf[i * no + j] if x_first else gf[j * nx + i]
            for c in range(k):
                out[i, c] += t * om[j, c]
    return out.reshape(x.shape)


def _inner_adjoint(g, x, other, x_first):
    """Share of ``x`` in ``np.inner`` of ``x`` and ``other`` (``x`` first if ``x_first``)."""
    if np.ndim(x) == 0:
        return float(np.sum(g * other))
    if np.ndim(other) == 0:
        return _f64(g * other)
    return _inner_share(g, x, other, x_first)


@overload(_inner_adjoint)
def _inner_adjoint_nb(g, x, other, x_first):
    if _nb_scalar(x):
        if _nb_scalar(other):
            return lambda g, x, other, x_first: float(g * other)
        return lambda g, x, other, x_first: float(np.sum(g * other))
    if _nb_scalar(other):
        return lambda g, x, other, x_first: (g * other).astype(np.float64)
    if _nb_array(x) and _nb_array(other):
        return lambda g, x, other, x_first: _inner_share_nb(g, x, other, x_first)


def inner_adjoint_a(g, a, b):
    """Share of ``a`` in the adjoint of ``np.inner(a, b)`` (scalars, or arrays of any ndim)."""
    return _inner_adjoint(g, a, b, True)


@overload(inner_adjoint_a)
def _inner_adjoint_a_nb(g, a, b):
    return lambda g, a, b: _inner_adjoint(g, a, b, True)


def inner_adjoint_b(g, a, b):
    """Share of ``b`` in the adjoint of ``np.inner(a, b)`` (scalars, or arrays of any ndim)."""
    return _inner_adjoint(g, b, a, False)


@overload(inner_adjoint_b)
def _inner_adjoint_b_nb(g, a, b):
    return lambda g, a, b: _inner_adjoint(g, b, a, False)


@register_jitable
def _solve(a, b):
    """``np.linalg.solve(a, b)`` for a 2-D ``b``: Gaussian elimination, partial pivoting."""
    n = a.shape[0]
    nr = b.shape[1]
    m = np.empty((n, n))
    r = np.empty((n, nr))
    for i in range(n):
        for j in range(n):
            m[i, j] = a[i, j]
        for j in range(nr):
            r[i, j] = b[i, j]
    for k in range(n):
        p = k
        best = abs(m[k, k])
        for i in range(k + 1, n):
            if abs(m[i, k]) > best:
                p = i
                best = abs(m[i, k])
        if best == 0.0:
            raise np.linalg.LinAlgError("Singular matrix")
        if p != k:
            for j in range(n):
                m[k, j], m[p, j] = m[p, j], m[k, j]
            for j in range(nr):
                r[k, j], r[p, j] = r[p, j], r[k, j]
        for i in range(k + 1, n):
            f = m[i, k] / m[k, k]
            if f != 0.0:
                for j in range(k, n):
                    m[i, j] -= f * m[k, j]
                for j in range(nr):
                    r[i, j] -= f * r[k, j]
    for k in range(n - 1, -1, -1):
        for j in range(nr):
            s = r[k, j]
            for i in range(k + 1, n):
                s -= m[k, i] * r[i, j]
            r[k, j] = s / m[k, k]
    return r


def solve_adjoint_a(g, a, y):
    """Share of ``a`` in the adjoint of ``y = np.linalg.solve(a, b)``."""
    gb = np.linalg.solve(a.T, g)
    if np.ndim(y) == 1:
        return _f64(-np.outer(gb, y))
    return _f64(-(gb @ y.T))


@overload(solve_adjoint_a)
def _solve_adjoint_a_nb(g, a, y):
    if not (_nb_array(g) and _nb_array(a) and _nb_array(y)):
        return None
    if y.ndim == 1:

        def vector(g, a, y):
            col = np.empty((g.shape[0], 1))
            for i in range(g.shape[0]):
                col[i, 0] = g[i]
            gb = _solve(a.T, col)
            return -_outer(gb[:, 0], y)

        return vector
    if y.ndim == 2:
        return lambda g, a, y: -_mm(_solve(a.T, g), y.T)


@register_jitable
def _solve_lt(low, b):
    """``X`` with ``low.T @ X == b``, for a lower-triangular ``low`` and a 2-D ``b``."""
    n = low.shape[0]
    nr = b.shape[1]
    out = np.empty((n, nr))
    for j in range(nr):
        for i in range(n - 1, -1, -1):
            s = b[i, j]
            for k in range(i + 1, n):
                s -= low[k, i] * out[k, j]
            out[i, j] = s / low[i, i]
    return out


def _phi(m):
    """The lower triangle of ``m`` with its diagonal halved."""
    p = np.tril(m)
    p[np.diag_indices_from(p)] *= 0.5
    return p


def cholesky_adjoint(g, L):  # noqa: N803 - the usual name of the factor
    """Symmetric adjoint of ``A`` for ``L = np.linalg.cholesky(A)``:
    ``S = L^{-T} phi(L^T g) L^{-1}``, returned as ``(S + S^T) / 2``."""
    p = _phi(L.T @ g)
    s = np.linalg.solve(L.T, np.linalg.solve(L.T, p.T).T)
    return _f64(0.5 * (s + s.T))


@overload(cholesky_adjoint)
def _cholesky_adjoint_nb(g, L):  # noqa: N803
    if not (_nb_array(g) and _nb_array(L) and g.ndim == 2 and L.ndim == 2):
        return None

    def impl(g, L):  # noqa: N803
        n = L.shape[0]
        p = _mm(L.T, g)
        for i in range(n):
            p[i, i] *= 0.5
            for j in range(i + 1, n):
                p[i, j] = 0.0
        s = _solve_lt(L, _solve_lt(L, p.T).T)
        return 0.5 * (s + s.T)

    return impl


def cholesky_adjoint_tangent(g, L, dL):  # noqa: N803
    """Tangent of ``cholesky_adjoint(g, L)`` along ``dL`` (``g`` fixed): with
    ``S = L^{-T} P L^{-1}``, ``P = phi(L^T g)``, ``dS = L^{-T} (dP - dL^T S - S dL) L^{-1}``
    where ``dP = phi(dL^T g)``, symmetrised as the adjoint is."""
    inv = np.linalg.inv(L)
    s = inv.T @ _phi(L.T @ g) @ inv
    ds = inv.T @ (_phi(dL.T @ g) @ inv - dL.T @ s) - s @ dL @ inv
    return _f64(0.5 * (ds + ds.T))


@overload(cholesky_adjoint_tangent)
def _cholesky_adjoint_tangent_nb(g, L, dL):  # noqa: N803
    if not all(_nb_array(t) and t.ndim == 2 for t in (g, L, dL)):
        return None

    def impl(g, L, dL):  # noqa: N803
        inv = np.linalg.inv(np.ascontiguousarray(L).astype(np.float64))
        s = _mm(_mm(inv.T, _lower_halved(_mm(L.T, g))), inv)
        ds = _mm(inv.T, _mm(_lower_halved(_mm(dL.T, g)), inv) - _mm(dL.T, s)) - _mm(_mm(s, dL), inv)
        return 0.5 * (ds + ds.T)

    return impl


@register_jitable
def _lower_halved(m):
    """``phi(m)`` of a fresh array ``m``, in place: its lower triangle, diagonal halved."""
    n = m.shape[0]
    for i in range(n):
        m[i, i] *= 0.5
        for j in range(i + 1, n):
            m[i, j] = 0.0
    return m


@register_jitable
def cholesky_tangent(L, dA):
    """Tangent of ``L = cholesky(A)``: ``L * Phi(L^-1 dA L^-T)``, Phi the lower triangle with
    the diagonal halved."""
    inv_l = np.linalg.inv(L)
    d_sym = np.tril(dA) + np.tril(dA, -1).T  # numpy reads only the lower triangle of A
    inner = np.dot(np.dot(inv_l, d_sym), inv_l.T)
    phi = np.tril(inner) - 0.5 * np.diag(np.diag(inner))
    return np.dot(L, phi)


@register_jitable
def lower_triangle_adjoint(s):
    """For a function of ``tril(a)`` whose symmetric adjoint is ``s``: the adjoint of ``a``."""
    return np.tril(2.0 * s) - np.diag(np.diag(s))


# -- np.kron ----------------------------------------------------------------------------------
# With 1-D operands read as one row, K[i p + k, j q + l] = a[i, j] b[k, l] (a: m x n, b: p x q):
# the adjoint G, seen as G4[i, k, j, l], gives a[i, j] the sum of G4[i, :, j, :] * b and b[k, l]
# the sum of G4[:, k, :, l] * a. Each share is linear in G and in the other operand.
@register_jitable
def _kron_share(g, a, b, of_a):
    a2 = np.ascontiguousarray(a).astype(np.float64)
    b2 = np.ascontiguousarray(b).astype(np.float64)
    a2 = a2.reshape((1, a2.size)) if a2.ndim == 1 else a2.reshape((a2.shape[0], a2.shape[1]))
    b2 = b2.reshape((1, b2.size)) if b2.ndim == 1 else b2.reshape((b2.shape[0], b2.shape[1]))
    m, n = a2.shape
    p, q = b2.shape
    g4 = np.ascontiguousarray(g).astype(np.float64).reshape((m, p, n, q))
    out = np.zeros((m, n) if of_a else (p, q))
    for i in range(m):
        for k in range(p):
            for j in range(n):
                for l in range(q):  # noqa: E741 - the usual name of the fourth index
                    if of_a:
                        out[i, j] += g4[i, k, j, l] * b2[k, l]
                    else:
                        out[k, l] += g4[i, k, j, l] * a2[i, j]
    return out


@register_jitable
def kron_share_a(g, a, b):
    """Share of ``a`` in ``np.kron(a, b)``."""
    return _kron_share(g, a, b, True).reshape(a.shape)


@register_jitable
def kron_share_b(g, a, b):
    """Share of ``b`` in ``np.kron(a, b)``."""
    return _kron_share(g, a, b, False).reshape(b.shape)


# -- np.correlate ------------------------------------------------------------------------------
# 'valid' mode: c[i] = sum_k a[i + k] v[k]; where v is the longer, the same with a and v
# swapped and c reversed. Each share is linear in g and in the other operand; the operand
# itself gives only its length.
@register_jitable
def correlate_share_a(g, a, v):
    """Share of ``a`` in ``np.correlate(a, v)``."""
    return _correlate_share(g, np.asarray(a).size, v, 0)


@register_jitable
def correlate_share_v(g, a, v):
    """Share of ``v`` in ``np.correlate(a, v)``."""
    return _correlate_share(g, np.asarray(v).size, a, 1)


@register_jitable
def _correlate_share(g, size, other, part):
    other = np.asarray(other, dtype=np.float64).ravel()
    g = np.asarray(g, dtype=np.float64).ravel()
    n, m = (size, other.size) if part == 0 else (other.size, size)
    out = np.zeros(size)
    for i in range(g.size):
        if n >= m:
            for k in range(m):
                if part == 0:
                    out[i + k] += g[i] * other[k]
                else:
                    out[k] += g[i] * other[i + k]
        else:
            start = m - n - i
            for k in range(n):
                if part == 0:
                    out[k] += g[i] * other[start + k]
                else:
                    out[start + k] += g[i] * other[k]
    return out
