"""Elementwise helpers and their adjoints: ``where``, guarded logs, ``np.clip``, ``np.array``
and ``sqrt``.

``g`` is the adjoint (cotangent) of a function's output. Each adjoint helper returns the share
of one input with exactly that input's shape: a float64 array for an array input, a float for
a scalar one (before unbroadcasting, where the helper says so).
"""

from __future__ import annotations

import math

import numpy as np
from numba import types

from ._cache import overload, register_jitable
from ._common import _SHAPE_OF, _f64, _is_array, _item, _nb_array, _nb_none, _nb_scalar

__all__ = [
    "where",
    "log_or_zero",
    "log_adjoint",
    "clip_adjoint",
    "array_adjoint",
    "cast_share",
    "cast_tangent",
    "vander_derivative",
    "select_share",
    "select_default_share",
    "half_over",
    "sinc_derivative",
    "polygamma",
    "interp_slope",
    "interp_weight_share",
    "interp_gap_share",
]


# -- broadcasting in Numba, by flat loops ----------------------------------------------------
# Numba's own broadcasting np.where takes seconds to compile for each signature; these loops,
# used by ``where`` and ``clip_adjoint``, compile in a fraction of that.
def _operand(x, nd):
    """Python stand-in; only the Numba version below is used."""
    raise NotImplementedError


@overload(_operand)
def _operand_nb(x, nd):
    """An operand of a broadcast to ``nd`` dimensions: its values flat in C order, its shape
    right-aligned in ``nd`` extents, and the element strides that read it broadcast (0 along
    the axes it is repeated on)."""
    if _nb_array(x) and x.ndim > 0:

        def array(x, nd):
            shape = np.ones(nd, np.int64)
            strides = np.zeros(nd, np.int64)
            lead = nd - x.ndim
            stride = 1
            for k in range(x.ndim - 1, -1, -1):
                n = x.shape[k]
                shape[lead + k] = n
                if n != 1:
                    strides[lead + k] = stride
                stride *= n
            return np.ascontiguousarray(x).reshape(-1), shape, strides

        return array
    if _nb_array(x):
        return lambda x, nd: (np.full(1, x[()]), np.ones(nd, np.int64), np.zeros(nd, np.int64))
    if _nb_scalar(x):
        return lambda x, nd: (np.full(1, x), np.ones(nd, np.int64), np.zeros(nd, np.int64))


@register_jitable
def _merge_dims(dims, shape):
    """Broadcast the extents ``dims`` with ``shape`` (both of the output's length), in place."""
    for k in range(dims.size):
        n = shape[k]
        if dims[k] == 1:
            dims[k] = n
        elif n != 1 and n != dims[k]:
            raise ValueError("operands could not be broadcast together")


def _broadcast_ndim(*tys):
    """The number of dimensions of the broadcast of these Numba types (None: too many)."""
    nd = max((t.ndim for t in tys if _nb_array(t)), default=0)
    return nd if nd in _SHAPE_OF else None


@register_jitable
def _source_index(p, dims, strides):
    """The flat index, in an operand with these read ``strides``, of output element ``p``."""
    q = 0
    for k in range(dims.size - 1, -1, -1):
        q += (p % dims[k]) * strides[k]
        p //= dims[k]
    return q


@register_jitable
def _step(values, n):
    """1 where an operand's flat values line up with the output's (same size), else 0."""
    return 1 if values.size == n else 0


# -- elementwise -----------------------------------------------------------------------------
def where(cond, a, b):
    """``a if cond else b``: a float for scalars, else ``np.where`` broadcast, as float64."""
    if not (_is_array(cond) or _is_array(a) or _is_array(b)):
        return float(a if cond else b)
    return np.where(cond, a, b).astype(np.float64, copy=False)


@overload(where)
def _where_nb(cond, a, b):
    if not any(_nb_array(t) for t in (cond, a, b)):

        def scalar(cond, a, b):
            if cond:
                return float(a)
            return float(b)

        return scalar
    nd = _broadcast_ndim(cond, a, b)
    if nd is None:
        return None
    shape_of = _SHAPE_OF[nd]

    def array(cond, a, b):
        cv, dims, cs = _operand(cond, nd)
        av, ashape, as_ = _operand(a, nd)
        bv, bshape, bs = _operand(b, nd)
        _merge_dims(dims, ashape)
        _merge_dims(dims, bshape)
        out = np.empty(shape_of(dims))
        flat = out.reshape(-1)
        n = flat.size
        kc, ka, kb = _step(cv, n), _step(av, n), _step(bv, n)
        if (kc or cv.size == 1) and (ka or av.size == 1) and (kb or bv.size == 1):
            for p in range(n):
                flat[p] = av[p * ka] if cv[p * kc] else bv[p * kb]
            return out
        for p in range(n):
            if cv[_source_index(p, dims, cs)]:
                flat[p] = av[_source_index(p, dims, as_)]
            else:
                flat[p] = bv[_source_index(p, dims, bs)]
        return out

    return array


def log_or_zero(x):
    """``log(x)`` where ``x > 0``, else 0.0 (the log in the adjoint of ``x1 ** x2`` wrt ``x2``)."""
    if not _is_array(x):
        return math.log(x) if x > 0 else 0.0
    out = np.zeros(x.shape)
    pos = x > 0
    out[pos] = np.log(x[pos])
    return out


@overload(log_or_zero)
def _log_or_zero_nb(x):
    if _nb_scalar(x):

        def scalar(x):
            if x > 0:
                return math.log(x)
            return 0.0

        return scalar
    if _nb_array(x):

        def array(x):
            out = np.zeros(x.shape)
            xf = np.ascontiguousarray(x).reshape(-1)
            of = out.reshape(-1)
            for i in range(xf.size):
                if xf[i] > 0:
                    of[i] = math.log(xf[i])
            return out

        return array


def log_adjoint(g, x, base):
    """Adjoint of ``math.log(x, base)`` wrt ``x``; ``base == 0.0`` means the natural log."""
    if base == 0.0:
        return _f64(g / x)
    return _f64(g / (x * math.log(base)))


@overload(log_adjoint)
def _log_adjoint_nb(g, x, base):
    def impl(g, x, base):
        if base == 0.0:
            return g / x
        return g / (x * math.log(base))

    return impl


def _bound(v, default):
    """A bound of ``np.clip``, with ``None`` (no bound) as ``default``."""
    return default if v is None else v


@overload(_bound)
def _bound_nb(v, default):
    if _nb_none(v):
        return lambda v, default: default
    return lambda v, default: v


def clip_adjoint(g, a, lo, hi, part=0):
    """Adjoint of ``np.clip(a, lo, hi)``, before unbroadcasting: ``g`` where the output is
    ``a`` (``part`` 0: ``lo <= a <= hi``), the lower bound (1: ``a < lo <= hi``) or the upper
    one (2: ``a > hi`` or ``lo > hi``, as NumPy takes the upper bound then), else 0."""
    lo, hi = _bound(lo, -np.inf), _bound(hi, np.inf)
    if part == 0:
        takes = np.logical_and(a >= lo, a <= hi)
    elif part == 1:
        takes = np.logical_and(a < lo, lo <= hi)
    else:
        takes = np.logical_or(a > hi, lo > hi)
    return where(takes, g, 0.0)


@register_jitable
def _clip_takes(x, lo, hi, part):
    """Whether the entry of ``np.clip``'s output with operand ``x`` is ``part`` (see
    ``clip_adjoint``)."""
    if part == 0:
        return lo <= x <= hi
    if part == 1:
        return x < lo and lo <= hi
    return x > hi or lo > hi


@overload(clip_adjoint)
def _clip_adjoint_nb(g, a, lo, hi, part=0):
    if not any(_nb_array(t) for t in (g, a, lo, hi)):

        def scalar(g, a, lo, hi, part=0):
            if _clip_takes(a, _bound(lo, -np.inf), _bound(hi, np.inf), part):
                return float(g)
            return 0.0

        return scalar
    nd = _broadcast_ndim(g, a, lo, hi)
    if nd is None:
        return None
    shape_of = _SHAPE_OF[nd]

    def array(g, a, lo, hi, part=0):
        gv, dims, gs = _operand(g, nd)
        av, ashape, as_ = _operand(a, nd)
        lv, lshape, ls = _operand(_bound(lo, -np.inf), nd)
        hv, hshape, hs = _operand(_bound(hi, np.inf), nd)
        _merge_dims(dims, ashape)
        _merge_dims(dims, lshape)
        _merge_dims(dims, hshape)
        out = np.empty(shape_of(dims))
        flat = out.reshape(-1)
        for p in range(flat.size):
            x = av[_source_index(p, dims, as_)]
            low, high = lv[_source_index(p, dims, ls)], hv[_source_index(p, dims, hs)]
            flat[p] = gv[_source_index(p, dims, gs)] if _clip_takes(x, low, high, part) else 0.0
        return out

    return array


def array_adjoint(g, x):
    """Adjoint of ``np.array(x)`` for an array (or scalar) ``x``: a float copy of ``g``."""
    if _is_array(x):
        out = np.array(g, dtype=np.float64)
        return out if out.shape == x.shape else np.broadcast_to(out, x.shape).copy()
    return _item(g)


@overload(array_adjoint)
def _array_adjoint_nb(g, x):
    if _nb_array(x):
        if _nb_array(g):
            return lambda g, x: g.astype(np.float64)
        return lambda g, x: np.full(x.shape, float(g))
    if _nb_scalar(x):
        return lambda g, x: _item(g)


def _float_dtype(dtype) -> bool:
    """Whether casting to ``dtype`` (None: keeping the type) keeps derivatives: a float or
    complex type does; an integer or boolean one truncates, and has none."""
    return dtype is None or np.dtype(dtype).kind in "fc"


def _nb_float_dtype(dtype) -> bool | None:
    """``_float_dtype`` at Numba typing time (None where the type does not say)."""
    if _nb_none(dtype):
        return True
    if isinstance(dtype, (types.NumberClass, types.DType)):
        kind = dtype.instance_type if isinstance(dtype, types.NumberClass) else dtype.dtype
        return isinstance(kind, (types.Float, types.Complex))
    if isinstance(dtype, types.StringLiteral):
        return _float_dtype(dtype.literal_value)
    return None


def cast_share(g, dtype):
    """The share through a cast to ``dtype`` (``x.astype(dtype)``, ``np.asarray(x, dtype)``):
    ``g`` itself, or zeros for an integer type."""
    return g if _float_dtype(dtype) else g * 0.0


@overload(cast_share)
def _cast_share_nb(g, dtype):
    keeps = _nb_float_dtype(dtype)
    if keeps is True:
        return lambda g, dtype: g
    if keeps is False:
        return lambda g, dtype: g * 0.0


def cast_tangent(t, dtype):
    """The tangent through a cast to ``dtype``: ``t`` cast too (``np.asarray(t)`` for no
    dtype), or zeros (as float64) for an integer type."""
    if not _float_dtype(dtype):
        return np.zeros(np.shape(t)) if _is_array(t) else 0.0
    return np.asarray(t) if dtype is None else np.asarray(t, dtype)


@overload(cast_tangent)
def _cast_tangent_nb(t, dtype):
    keeps = _nb_float_dtype(dtype)
    if keeps is True and _nb_none(dtype):
        return lambda t, dtype: np.asarray(t)
    if keeps is True:
        return lambda t, dtype: np.asarray(t, dtype)
    if keeps is False and _nb_array(t):
        return lambda t, dtype: np.zeros(t.shape)
    if keeps is False:
        return lambda t, dtype: 0.0


def half_over(g, y):
    """``g / (2 * y)``: the adjoint of ``sqrt`` given its output ``y``."""
    return _f64(g / (2.0 * y))


@overload(half_over)
def _half_over_nb(g, y):
    return lambda g, y: g / (2.0 * y)


# -- np.sinc ----------------------------------------------------------------------------------
def sinc_derivative(x, n):
    """The ``n``-th derivative of ``np.sinc`` at ``x`` (entry by entry), well-defined at 0,
    where the quotient formulas divide 0 by 0: its tangent is the next derivative, so any
    order of forward mode over it is right."""
    if not _is_array(x):
        return _sinc_derivative_of(float(x), n)
    flat = [_sinc_derivative_of(float(v), n) for v in np.ravel(x)]
    return np.array(flat, dtype=np.float64).reshape(np.shape(x))


@overload(sinc_derivative)
def _sinc_derivative_nb(x, n):
    if _nb_scalar(x):
        return lambda x, n: _sinc_derivative_of(float(x), n)
    if _nb_array(x):

        def array(x, n):
            out = np.empty(x.shape)
            xf = np.ascontiguousarray(x).reshape(-1)
            of = out.reshape(-1)
            for i in range(xf.size):
                of[i] = _sinc_derivative_of(float(xf[i]), n)
            return out

        return array


@register_jitable
def _sinc_derivative_of(x, n):
    # x sinc(x) = sin(pi x) / pi, differentiated n times:
    # x s_n + n s_(n-1) = pi^(n-1) sin(pi x + n pi / 2).
    # Near 0, where that recursion divides by a small x, the Taylor series of
    # sinc(x) = sum_k (-1)^k (pi x)^(2k) / (2k + 1)!, differentiated n times, instead.
    if abs(x) < 0.25:
        total = 0.0
        first = (n + 1) // 2  # the first power with 2k >= n
        for k in range(first, first + 20):
            p = 2 * k - n
            fact = 1.0
            for j in range(2, p + 1):
                fact *= j
            sign = -1.0 if k % 2 else 1.0
            total += sign * math.pi ** (2 * k) * x**p / ((2 * k + 1) * fact)
        return total
    value = math.sin(math.pi * x) / (math.pi * x)
    for m in range(1, n + 1):
        value = (math.pi ** (m - 1) * math.sin(math.pi * x + m * math.pi / 2) - m * value) / x
    return value


# -- math.lgamma, math.gamma --------------------------------------------------------------------
def polygamma(n, x):
    """The ``n``-th derivative of the digamma function (the derivative of ``lgamma``) at
    ``x``, entry by entry: the derivatives of ``math.lgamma`` and ``math.gamma``. Its
    tangent is ``polygamma(n + 1, x)``, so forward mode over it is right to every order."""
    if not _is_array(x):
        return _polygamma_of(n, float(x))
    flat = [_polygamma_of(n, float(v)) for v in np.ravel(x)]
    return np.array(flat, dtype=np.float64).reshape(np.shape(x))


@overload(polygamma)
def _polygamma_nb(n, x):
    if _nb_scalar(x):
        return lambda n, x: _polygamma_of(n, float(x))
    if _nb_array(x):

        def array(n, x):
            out = np.empty(x.shape)
            xf = np.ascontiguousarray(x).reshape(-1)
            of = out.reshape(-1)
            for i in range(xf.size):
                of[i] = _polygamma_of(n, float(xf[i]))
            return out

        return array


# The Bernoulli numbers B_2k, k = 1..7, of the polygamma functions' asymptotic series
_BERNOULLI = (
    1.0 / 6.0,
    -1.0 / 30.0,
    1.0 / 42.0,
    -1.0 / 30.0,
    5.0 / 66.0,
    -691.0 / 2730.0,
    7.0 / 6.0,
)


@register_jitable
def _polygamma_of(n, x):
    if x <= 0.0 and x == math.floor(x):
        return math.nan  # a pole of the gamma function
    # psi_n(x) = psi_n(x + 1) - (-1)^n n! / x^(n + 1), up to where the series is accurate
    factorial = 1.0
    for j in range(2, n + 1):
        factorial *= j
    sign = -1.0 if n % 2 else 1.0
    total = 0.0
    while x < 10.0 + n:
        total -= sign * factorial / x ** (n + 1)
        x += 1.0
    if n == 0:
        series = math.log(x) - 0.5 / x
        for k in range(1, 8):
            series -= _BERNOULLI[k - 1] / (2 * k * x ** (2 * k))
        return total + series
    # (-1)^(n+1) [(n-1)!/x^n + n!/(2 x^(n+1)) + sum_k B_2k (2k+n-1)!/((2k)! x^(2k+n))]
    series = factorial / n / x**n + factorial / (2.0 * x ** (n + 1))
    for k in range(1, 8):
        rising = 1.0  # (2k + n - 1)! / (2k)!
        for j in range(2 * k + 1, 2 * k + n):
            rising *= j
        series += _BERNOULLI[k - 1] * rising / x ** (2 * k + n)
    return total - sign * series


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


@overload(interp_weight_share)
def _interp_weight_share_nb(g, x, xp):
    def impl(g, x, xp):
        gf, xf = _points(g, x)
        return _interp_shares(gf, xf, xp, False)

    return impl


@overload(interp_gap_share)
def _interp_gap_share_nb(c, x, xp):
    def impl(c, x, xp):
        cf, xf = _points(c, x)
        return _interp_shares(cf, xf, xp, True)

    return impl


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


# -- np.vander ---------------------------------------------------------------------------------
def vander_derivative(x, n, increasing, order):
    """The ``order``-th derivative, entry by entry, of ``np.vander(x, n, increasing)``:
    column ``j`` holds ``p! / (p - order)! x^(p - order)`` for its power ``p``. Its tangent is
    the next order's, times ``dx``, so every order of forward mode over it is right."""
    x = np.asarray(x, dtype=np.float64)
    return _vander_derivative(x, x.size if n is None else n, increasing, order)


@overload(vander_derivative)
def _vander_derivative_nb(x, n, increasing, order):
    if _nb_none(n):
        return lambda x, n, increasing, order: _vander_derivative(x, x.size, increasing, order)
    return lambda x, n, increasing, order: _vander_derivative(x, n, increasing, order)


@register_jitable
def _vander_derivative(x, n, increasing, order):
    out = np.zeros((x.size, n))
    for j in range(n):
        power = j if increasing else n - 1 - j
        if power < order:
            continue
        factor = 1.0
        for k in range(order):
            factor *= power - k
        for i in range(x.size):
            out[i, j] = factor * x[i] ** (power - order)
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
