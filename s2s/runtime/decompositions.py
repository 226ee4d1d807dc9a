"""Decompositions and solvers of ``np.linalg`` beyond the products: the first derivatives of
``eigh``/``eigvalsh``, ``lstsq``, ``pinv``, ``matrix_power``, ``svd`` and ``qr``.
"""

from __future__ import annotations

import numpy as np

from ._cache import register_jitable
from .linalg import _mm

__all__ = [
    "eigh_adjoint",
    "eigh_tangent",
    "eigvalsh_adjoint",
    "eigvalsh_tangent",
    "eigvals_adjoint",
    "eigvals_tangent",
    "lstsq_share_a",
    "lstsq_share_b",
    "lstsq_tangent",
    "pinv_adjoint",
    "pinv_tangent",
    "matrix_power_adjoint",
    "matrix_power_tangent",
    "svd_share",
    "svd_tangent",
    "qr_share",
    "qr_tangent",
]


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


# -- np.linalg.eigvals ----------------------------------------------------------------------------
# A = V diag(w) V^{-1}: a simple eigenvalue moves by dw = diag(V^{-1} dA V), so A's share is
# V^{-T} diag(g) V^T. The eigenvectors are found again, in the order of the eigenvalues given.
@register_jitable
def _matched_vectors(a, w_given):
    """Right eigenvectors of ``A``, column ``i`` that of ``w_given[i]``."""
    w, v = np.linalg.eig(np.ascontiguousarray(a).astype(np.float64))
    n = w.shape[0]
    order = np.empty(n, np.intp)
    taken = np.zeros(n, np.bool_)
    for i in range(n):
        best, gap = 0, np.inf
        for j in range(n):
            if not taken[j] and abs(w[j] - w_given[i]) < gap:
                best, gap = j, abs(w[j] - w_given[i])
        order[i] = best
        taken[best] = True
    return np.ascontiguousarray(v[:, order])


@register_jitable
def eigvals_adjoint(g, a, w):
    """Share of ``A`` in ``w = np.linalg.eigvals(A)`` (simple eigenvalues)."""
    v = _matched_vectors(a, w)
    return np.dot(np.ascontiguousarray(np.linalg.inv(v).T * g), np.ascontiguousarray(v.T))


@register_jitable
def eigvals_tangent(da, a, w):
    """Tangent of ``np.linalg.eigvals(A)`` along ``da``: ``diag(V^{-1} dA V)``."""
    v = _matched_vectors(a, w)
    moved = np.dot(np.linalg.inv(v), np.ascontiguousarray(da).astype(v.dtype))
    return np.diag(np.dot(moved, v)).copy()


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
# Y = A^n: dY = S(dA) with S(X) = sum_k A^k X A^(n-1-k); the adjoint is S(G^T)^T, the same
# sum read backwards. A negative n is the power of B = inv(A), with dB = -B dA B.
@register_jitable
def _power_base(a, n):
    """The matrix whose ``|n|``-th power ``matrix_power(a, n)`` is: ``a``, or ``inv(a)``."""
    a = np.ascontiguousarray(a).astype(np.float64)
    return a if n >= 0 else np.linalg.inv(a)


@register_jitable
def _power_sum(base, m, x):
    """``S(x)`` for the power ``m`` of ``base``."""
    powers = np.empty((m + 1,) + base.shape)  # base^0 .. base^m
    powers[0] = np.eye(base.shape[0])
    for k in range(1, m + 1):
        powers[k] = _mm(powers[k - 1], base)
    x = np.ascontiguousarray(x).astype(np.float64)
    out = np.zeros(base.shape)
    for k in range(m):
        out += _mm(_mm(powers[k], x), powers[m - 1 - k])
    return out


@register_jitable
def matrix_power_adjoint(g, a, n):
    """Share of ``a`` in ``np.linalg.matrix_power(a, n)``."""
    base = _power_base(a, n)
    out = np.ascontiguousarray(_power_sum(base, abs(n), np.ascontiguousarray(g).T).T)
    if n < 0:  # through B = inv(A): the share of B, s, gives A -B^T s B^T
        out = -_mm(_mm(base.T, out), base.T)
    return out


@register_jitable
def matrix_power_tangent(da, a, n):
    """Tangent of ``np.linalg.matrix_power(a, n)`` along ``da``."""
    base = _power_base(a, n)
    da = np.ascontiguousarray(da).astype(np.float64)
    step = da if n >= 0 else -_mm(_mm(base, da), base)
    return _power_sum(base, abs(n), step)


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
