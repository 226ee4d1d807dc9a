"""Linear algebra: the adjoints of ``@``, ``np.dot``, ``np.inner``, ``np.linalg.solve``,
``np.linalg.cholesky`` and ``np.linalg.norm``, and the tangents that forward mode over
reverse mode needs of the Cholesky factor and of the norm's adjoint.
"""

from __future__ import annotations

import numpy as np
from numba import types

from ._cache import overload, register_jitable
from ._common import _f64, _flat, _is_array, _nb_array, _nb_f64, _nb_none, _nb_scalar
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
    "norm_adjoint",
    "norm_adjoint_tangent",
    "correlate_share_a",
    "correlate_share_v",
    "eigh_adjoint",
    "eigh_tangent",
    "eigvalsh_adjoint",
    "eigvalsh_tangent",
    "lstsq_share_a",
    "lstsq_share_b",
    "lstsq_tangent",
    "pinv_adjoint",
    "pinv_tangent",
    "matrix_power_adjoint",
    "matrix_power_tangent",
    "kron_share_a",
    "kron_share_b",
    "svd_share",
    "svd_tangent",
    "qr_share",
    "qr_tangent",
]


# -- linear algebra --------------------------------------------------------------------------
# Products of float64 arrays go to BLAS (Numba's np.dot, through SciPy); others, such as
# float32 operands, take plain loops.
def _mm(a, b):
    """``a @ b`` for 2-D arrays of any layout."""
    return np.dot(a, b).astype(np.float64)


@overload(_mm)
def _mm_nb(a, b):
    if a.dtype == types.float64 and b.dtype == types.float64:
        return lambda a, b: np.dot(np.ascontiguousarray(a), np.ascontiguousarray(b))

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


def _mv(a, v):
    """``a @ v`` for a 2-D ``a`` and a 1-D ``v``."""
    return np.dot(a, v).astype(np.float64)


@overload(_mv)
def _mv_nb(a, v):
    if a.dtype == types.float64 and v.dtype == types.float64:
        return lambda a, v: np.dot(np.ascontiguousarray(a), np.ascontiguousarray(v))

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


@register_jitable
def _outer(u, v):
    out = np.empty((u.shape[0], v.shape[0]))
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
    if _nb_scalar(a):
        if _nb_scalar(b):
            return lambda g, a, b: float(g * b)
        return lambda g, a, b: float(np.sum(g * b))
    if _nb_scalar(b) or (_nb_array(a) and _nb_array(b) and a.ndim == 1 and b.ndim == 1):
        if _nb_f64(g) and _nb_f64(b):
            return lambda g, a, b: g * b  # a fresh float64 array already
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
    if _nb_scalar(b):
        if _nb_scalar(a):
            return lambda g, a, b: float(g * a)
        return lambda g, a, b: float(np.sum(g * a))
    if _nb_scalar(a) or (_nb_array(a) and _nb_array(b) and a.ndim == 1 and b.ndim == 1):
        if _nb_f64(g) and _nb_f64(a):
            return lambda g, a, b: g * a  # a fresh float64 array already
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


# -- np.linalg.eigh, np.linalg.eigvalsh -----------------------------------------------------------
# A = V diag(w) V^T, of the symmetric matrix NumPy reads from A's lower triangle. With
# F[i, j] = 1 / (w[j] - w[i]) off the diagonal (distinct eigenvalues), the tangent of
# M = V^T dA V gives dw = diag(M), dV = V (F * M); the adjoint, symmetric, is
# V (diag(gw) + F * (V^T gv)) V^T, symmetrised, then folded onto the lower triangle.
@register_jitable
def _gaps(w):
    n = w.shape[0]
    f = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                f[i, j] = 1.0 / (w[j] - w[i])
    return f


@register_jitable
def _symmetric_tangent(da):
    """The tangent of the symmetric matrix read from the lower triangle of ``A``."""
    low = np.tril(np.ascontiguousarray(da).astype(np.float64))
    return low + np.tril(low, -1).T


@register_jitable
def _lower_folded(s):
    s = 0.5 * (s + s.T)
    return np.tril(2.0 * s) - np.diag(np.diag(s))


@register_jitable
def eigh_adjoint(gw, gv, w, v):
    """Share of ``A`` in ``(w, v) = np.linalg.eigh(A)``, from the adjoints ``gw``, ``gv``."""
    v = np.ascontiguousarray(v).astype(np.float64)
    inner = _gaps(w) * _mm(v.T, np.ascontiguousarray(gv).astype(np.float64))
    for i in range(w.shape[0]):
        inner[i, i] += gw[i]
    return _lower_folded(_mm(_mm(v, inner), v.T))


@register_jitable
def eigh_tangent(da, w, v):
    """Tangent ``(dw, dv)`` of ``np.linalg.eigh(A)`` along ``da``."""
    v = np.ascontiguousarray(v).astype(np.float64)
    m = _mm(_mm(v.T, _symmetric_tangent(da)), v)
    return np.diag(m).copy(), _mm(v, _gaps(w) * m)


@register_jitable
def eigvalsh_adjoint(g, a):
    """Share of ``A`` in ``w = np.linalg.eigvalsh(A)``: ``V diag(g) V^T``, folded."""
    w, v = np.linalg.eigh(np.ascontiguousarray(a).astype(np.float64))
    return _lower_folded(_mm(v * np.asarray(g, dtype=np.float64), v.T))


@register_jitable
def eigvalsh_tangent(da, a):
    """Tangent of ``np.linalg.eigvalsh(A)`` along ``da``: ``diag(V^T dA V)``."""
    w, v = np.linalg.eigh(np.ascontiguousarray(a).astype(np.float64))
    return np.diag(_mm(_mm(v.T, _symmetric_tangent(da)), v)).copy()


# -- np.linalg.lstsq -------------------------------------------------------------------------------
# For A (m x n) of full column rank: x = M^{-1} A^T b, M = A^T A, r = b - A x, with A^T r = 0:
# dx = M^{-1} (dA^T r + A^T (db - dA x)); the residuals ||r_j||^2 (m > n) move by
# 2 r_j^T (db_j - dA x_j); the singular values s_i by u_i^T dA v_i. With z = M^{-1} gx, the
# shares: A gets r z^T - (A z) x^T - 2 (r * gres) x^T + U diag(gs) V^T; b gets A z + 2 r * gres.
_LSTSQ_RANK = "s2s differentiates np.linalg.lstsq where a has full column rank"


@register_jitable
def _lstsq_parts(a, b, x, rank):
    a = np.ascontiguousarray(a).astype(np.float64)
    if rank < a.shape[1]:
        raise NotImplementedError(_LSTSQ_RANK)
    b2 = np.ascontiguousarray(b).astype(np.float64).reshape((a.shape[0], -1))
    x2 = np.ascontiguousarray(x).astype(np.float64).reshape((a.shape[1], -1))
    return a, b2, x2, b2 - _mm(a, x2)


@register_jitable
def _lstsq_z(a, gx, k):
    gx2 = np.ascontiguousarray(gx).astype(np.float64).reshape((a.shape[1], k))
    return np.linalg.solve(_mm(a.T, a), gx2)


@register_jitable
def _residual_weights(r, gres):
    """``r * gres`` by column, where there are residuals (none: zeros)."""
    out = np.zeros(r.shape)
    if gres.size == r.shape[1]:
        for j in range(r.shape[1]):
            out[:, j] = r[:, j] * gres[j]
    return out


@register_jitable
def lstsq_share_a(gx, gres, gs, a, b, y):
    """Share of ``a`` in ``np.linalg.lstsq(a, b)`` (its output ``y``)."""
    a, b2, x2, r = _lstsq_parts(a, b, y[0], y[2])
    z = _lstsq_z(a, gx, x2.shape[1])
    share = _mm(r, z.T) - _mm(_mm(a, z), x2.T) - 2.0 * _mm(_residual_weights(r, gres), x2.T)
    u, s, vt = np.linalg.svd(a, False)
    g_s = np.ascontiguousarray(gs).astype(np.float64)
    return share + _mm(u * g_s, vt)


@register_jitable
def lstsq_share_b(gx, gres, a, b, y):
    """Share of ``b`` in ``np.linalg.lstsq(a, b)`` (its output ``y``)."""
    a, b2, x2, r = _lstsq_parts(a, b, y[0], y[2])
    z = _lstsq_z(a, gx, x2.shape[1])
    share = _mm(a, z) + 2.0 * _residual_weights(r, gres)
    return share.reshape(np.shape(b))


@register_jitable
def lstsq_tangent(da, db, a, b, y):
    """Tangent ``(dx, dresiduals, 0, ds)`` of ``np.linalg.lstsq(a, b)`` (output ``y``)."""
    a, b2, x2, r = _lstsq_parts(a, b, y[0], y[2])
    da = np.ascontiguousarray(da).astype(np.float64)
    db2 = np.ascontiguousarray(db).astype(np.float64).reshape(b2.shape)
    moved = db2 - _mm(da, x2)
    dx = np.linalg.solve(_mm(a.T, a), _mm(da.T, r) + _mm(a.T, moved))
    dres = np.zeros(y[1].size)
    if dres.size == r.shape[1]:
        for j in range(r.shape[1]):
            dres[j] = 2.0 * np.sum(r[:, j] * moved[:, j])
    u, s, vt = np.linalg.svd(a, False)
    ds = np.zeros(s.size)
    for i in range(s.size):
        ds[i] = np.sum(u[:, i] * _mm(da, vt[i : i + 1, :].T)[:, 0])
    return dx.reshape(np.shape(y[0])), dres, 0, ds


# -- np.linalg.pinv ----------------------------------------------------------------------------
# Where the rank stays the same, with P = I - A A+ and Q = I - A+ A:
# dA+ = -A+ dA A+ + A+ A+^T dA^T P + Q dA^T A+^T A+, whose adjoint is
# -A+^T G A+^T + P G^T A+ A+^T + A+^T A+ G^T Q.
@register_jitable
def _pinv_parts(a, y):
    a = np.ascontiguousarray(a).astype(np.float64)
    y = np.ascontiguousarray(y).astype(np.float64)
    p = np.eye(a.shape[0]) - _mm(a, y)
    q = np.eye(a.shape[1]) - _mm(y, a)
    return a, y, p, q


@register_jitable
def pinv_adjoint(g, a, y):
    """Share of ``a`` in ``y = np.linalg.pinv(a)``."""
    a, y, p, q = _pinv_parts(a, y)
    g = np.ascontiguousarray(g).astype(np.float64)
    gt = np.ascontiguousarray(g.T)
    return -_mm(_mm(y.T, g), y.T) + _mm(_mm(p, gt), _mm(y, y.T)) + _mm(_mm(y.T, y), _mm(gt, q))


@register_jitable
def pinv_tangent(da, a, y):
    """Tangent of ``y = np.linalg.pinv(a)`` along ``da``."""
    a, y, p, q = _pinv_parts(a, y)
    da = np.ascontiguousarray(da).astype(np.float64)
    dat = np.ascontiguousarray(da.T)
    return -_mm(_mm(y, da), y) + _mm(_mm(y, y.T), _mm(dat, p)) + _mm(_mm(q, dat), _mm(y.T, y))


# -- np.linalg.matrix_power ----------------------------------------------------------------------
# Y = A^n: dY = sum_k A^k dA A^(n-1-k), whose adjoint is sum_k (A^k)^T G (A^(n-1-k))^T. A
# negative n is the power of B = inv(A), with dB = -B dA B.
@register_jitable
def _powers(b, n):
    """``b^0 .. b^n`` stacked."""
    m = b.shape[0]
    out = np.empty((n + 1, m, m))
    out[0] = np.eye(m)
    for k in range(1, n + 1):
        out[k] = _mm(out[k - 1], b)
    return out


@register_jitable
def matrix_power_adjoint(g, a, n):
    """Share of ``a`` in ``np.linalg.matrix_power(a, n)``."""
    a = np.ascontiguousarray(a).astype(np.float64)
    g = np.ascontiguousarray(g).astype(np.float64)
    m = abs(n)
    base = a if n >= 0 else np.linalg.inv(a)
    powers = _powers(base, m)
    out = np.zeros(a.shape)
    for k in range(m):
        out += _mm(
            _mm(np.ascontiguousarray(powers[k].T), g), np.ascontiguousarray(powers[m - 1 - k].T)
        )
    if n < 0:  # through B = inv(A): the share of B, s, gives A -B^T s B^T
        out = -_mm(_mm(base.T, out), base.T)
    return out


@register_jitable
def matrix_power_tangent(da, a, n):
    """Tangent of ``np.linalg.matrix_power(a, n)`` along ``da``."""
    a = np.ascontiguousarray(a).astype(np.float64)
    da = np.ascontiguousarray(da).astype(np.float64)
    m = abs(n)
    base = a if n >= 0 else np.linalg.inv(a)
    step = da if n >= 0 else -_mm(_mm(base, da), base)
    powers = _powers(base, m)
    out = np.zeros(a.shape)
    for k in range(m):
        out += _mm(_mm(powers[k], step), powers[m - 1 - k])
    return out


# -- np.linalg.svd --------------------------------------------------------------------------------
# A = U S V^T with k = min(m, n) distinct, nonzero singular values; F[i, j] = 1 / (s_j^2 - s_i^2)
# off the diagonal. With dP = U^T dA V (Townsend, "Differentiating the singular value
# decomposition", 2016): dS = diag(dP), dU = U (F * (dP S + S dP^T)) + (I - U U^T) dA V / S,
# dV = V (F * (S dP + dP^T S)) + (I - V V^T) dA^T U / S; the adjoint is
# U ((F * (U^T gU - gU^T U)) S + diag(gS) + S (F * (V^T gV - gV^T V))) V^T
# + (I - U U^T) gU V^T / S + U (gV / S)^T (I - V V^T).
# With full_matrices, U (or V^T) has columns (rows) beyond the k, a basis of the rest that no
# derivative pins down: an adjoint on them is refused, their tangent is NaN.
_SVD_EXTRA = (
    "s2s differentiates the singular vectors of np.linalg.svd without the extra ones "
    "full_matrices=True adds: pass full_matrices=False"
)


@register_jitable
def _svd_thin(u, s, vt):
    k = s.size
    return np.ascontiguousarray(u[:, :k]), np.ascontiguousarray(vt[:k, :].T), _svd_gaps(s)


@register_jitable
def _svd_gaps(s):
    k = s.size
    f = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            if i != j:
                f[i, j] = 1.0 / (s[j] * s[j] - s[i] * s[i])
    return f


@register_jitable
def svd_share(gu, gs, gvt, a, y):
    """Share of ``a`` in ``(u, s, vt) = np.linalg.svd(a, full_matrices)``."""
    u, s, vt = y
    k = s.size
    gu = np.ascontiguousarray(gu).astype(np.float64)
    gvt = np.ascontiguousarray(gvt).astype(np.float64)
    if np.any(gu[:, k:] != 0.0) or np.any(gvt[k:, :] != 0.0):
        raise NotImplementedError(_SVD_EXTRA)
    uk, v, f = _svd_thin(u, s, vt)
    gu = np.ascontiguousarray(gu[:, :k])
    gv = np.ascontiguousarray(gvt[:k, :].T)
    left = f * (_mm(uk.T, gu) - _mm(gu.T, uk))
    right = f * (_mm(v.T, gv) - _mm(gv.T, v))
    inner = left * s.reshape((1, k)) + s.reshape((k, 1)) * right
    for i in range(k):
        inner[i, i] += gs[i]
    out = _mm(_mm(uk, inner), v.T)
    out += _mm(gu / s.reshape((1, k)) - _mm(uk, _mm(uk.T, gu) / s.reshape((1, k))), v.T)
    gv_scaled = np.ascontiguousarray((gv / s.reshape((1, k))).T)
    out += _mm(uk, gv_scaled - _mm(_mm(gv_scaled, v), v.T))
    return out


@register_jitable
def svd_tangent(da, a, y):
    """Tangent ``(du, ds, dvt)`` of ``np.linalg.svd(a, full_matrices)`` (its output ``y``)."""
    u, s, vt = y
    k = s.size
    uk, v, f = _svd_thin(u, s, vt)
    da = np.ascontiguousarray(da).astype(np.float64)
    dp = _mm(_mm(uk.T, da), v)
    ds = np.diag(dp).copy()
    srow, scol = s.reshape((1, k)), s.reshape((k, 1))
    dav = _mm(da, v)
    du_k = _mm(uk, f * (dp * srow + scol * dp.T)) + (dav - _mm(uk, _mm(uk.T, dav))) / srow
    datu = _mm(da.T, uk)
    dv = _mm(v, f * (scol * dp + dp.T * srow)) + (datu - _mm(v, _mm(v.T, datu))) / srow
    du = np.full(u.shape, np.nan)
    du[:, :k] = du_k
    dvt = np.full(vt.shape, np.nan)
    dvt[:k, :] = dv.T
    return du, ds, dvt


# -- np.linalg.qr ---------------------------------------------------------------------------------
# A = Q R (reduced, m >= n, full column rank). With C = Q^T dA R^-1 and W = tril(C, -1) minus
# its transpose: dQ = Q W + (I - Q Q^T) dA R^-1 and dR = (C - W) R. The adjoint, with
# M = R gR^T - gQ^T Q and copyltu(M) its lower triangle mirrored: (gQ + Q copyltu(M)) R^-T.
_QR_WIDE = "s2s differentiates np.linalg.qr of matrices with at least as many rows as columns"


@register_jitable
def _qr_parts(y):
    q, r = y
    q = np.ascontiguousarray(q).astype(np.float64)
    r = np.ascontiguousarray(r).astype(np.float64)
    if r.shape[0] != r.shape[1]:
        raise NotImplementedError(_QR_WIDE)
    return q, r


@register_jitable
def qr_share(gq, gr, a, y):
    """Share of ``a`` in ``(q, r) = np.linalg.qr(a)``."""
    q, r = _qr_parts(y)
    gq = np.ascontiguousarray(gq).astype(np.float64)
    gr = np.ascontiguousarray(gr).astype(np.float64)
    m = _mm(r, gr.T) - _mm(gq.T, q)
    low = np.tril(m, -1)
    mirrored = low + low.T + np.diag(np.diag(m))
    b = gq + _mm(q, mirrored)
    # (b R^-T): solve R x^T = b^T
    return np.linalg.solve(r, np.ascontiguousarray(b.T)).T.copy()


@register_jitable
def qr_tangent(da, a, y):
    """Tangent ``(dq, dr)`` of ``np.linalg.qr(a)`` along ``da``."""
    q, r = _qr_parts(y)
    da = np.ascontiguousarray(da).astype(np.float64)
    dar = np.linalg.solve(r.T, np.ascontiguousarray(da.T)).T.copy()  # dA R^-1
    c = _mm(q.T, dar)
    low = np.tril(c, -1)
    w = low - low.T
    dq = _mm(q, w) + dar - _mm(q, _mm(q.T, dar))
    dr = _mm(c - w, r)
    return dq, dr


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


# -- norms -------------------------------------------------------------------------------------
# np.linalg.norm(x, ord): the 2-norm (None, or 2 of a vector) and the Frobenius norm share
# g * x / y; vector p-norms g * sign(x) * (|x| / y) ** (p - 1), the max and min norms (inf,
# -inf) g * sign(x) at the entries that reach the norm, shared among ties like np.max's; the
# matrix 1/inf norms (largest column/row sum of |x|, -1/-inf the smallest) g * sign(x) in the
# columns/rows that reach it; the spectral norms (2, -2) g u v^T of the largest or smallest
# singular value's vectors, the nuclear norm g U V^T.
_SECOND_ORDER_SVD = "s2s has no second derivatives of the spectral and nuclear norms"


def norm_adjoint(g, x, y, ord):
    """Share of ``x`` in ``y = np.linalg.norm(x, ord)``."""
    if ord is None or ord == "fro":
        return g * x / y
    if ord == "nuc":
        return _nuclear_adjoint(g, x)
    if x.ndim == 1:
        return _vector_norm_adjoint(g, x, y, float(ord))
    return _matrix_norm_adjoint(g, x, y, float(ord))


@overload(norm_adjoint)
def _norm_adjoint(g, x, y, ord):
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
    if p == 0.0:  # the count of nonzero entries
        return np.zeros(x.shape)
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
    if ord is None or ord == "fro":
        return g * dx / y
    if ord == "nuc":
        raise NotImplementedError(_SECOND_ORDER_SVD)
    if x.ndim == 1:
        return _vector_norm_adjoint_tangent(g, x, dx, y, float(ord))
    return _matrix_norm_adjoint_tangent(dx, float(ord))


@overload(norm_adjoint_tangent)
def _norm_adjoint_tangent(g, x, dx, y, ord):
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
