"""Adjoint helpers of the reverse-mode rules: the share of one input in an output's adjoint.

``g`` is the adjoint (cotangent) of a function's output ``y``. Each helper returns the share of
one input, with exactly that input's shape: a float64 array for an array input, a float for a
scalar one. As in :mod:`s2s.runtime.core`, each helper is a plain NumPy function for generated
code that runs uncompiled, paired with an ``overload`` that picks a specialised implementation
at Numba typing time from the argument types (array or scalar, number of dimensions, ``axis``
``None`` or an integer). The Numba implementations use explicit loops where NumPy would need a
feature Numba lacks (index tuples built at run time, ``axis`` arguments, BLAS and LAPACK).
"""

from __future__ import annotations

import math

import numpy as np
from numba import types
from numba.extending import overload, register_jitable

__all__ = [
    "where",
    "log_or_zero",
    "log_adjoint",
    "clip_adjoint",
    "array_adjoint",
    "sum_adjoint",
    "mean_adjoint",
    "extremum_adjoint",
    "cumsum_adjoint",
    "var_adjoint",
    "half_over",
    "reshape_like",
    "transpose_adjoint",
    "diag_adjoint",
    "slice_along",
    "take_along",
    "vstack_part",
    "hstack_part",
    "matmul_adjoint_a",
    "matmul_adjoint_b",
    "inner_adjoint_a",
    "inner_adjoint_b",
    "solve_adjoint_a",
    "cholesky_adjoint",
]


# -- type tests, in Python and at Numba typing time -----------------------------------------
def _is_array(x) -> bool:
    return isinstance(x, np.ndarray)


def _nb_none(t) -> bool:
    """Whether the Numba type ``t`` stands for ``None`` (a literal ``None`` or an omitted one)."""
    if t is None or isinstance(t, types.NoneType):
        return True
    return isinstance(t, types.Omitted) and t.value is None


def _nb_int(t) -> bool:
    return isinstance(t, types.Integer)


def _nb_array(t) -> bool:
    return isinstance(t, types.Array)


def _nb_scalar(t) -> bool:
    return isinstance(t, (types.Number, types.Boolean))


def _nb_f64(t) -> bool:
    """Whether values of type ``t`` (array or scalar) are already float64."""
    t = t.dtype if isinstance(t, types.Array) else types.unliteral(t)
    return t == types.float64


def _f64(x):
    """A float64 array or a Python float: what a helper hands back in Python."""
    if _is_array(x):
        return np.asarray(x, dtype=np.float64)
    return float(x)


# -- shared pieces -------------------------------------------------------------------------
@register_jitable
def _norm_axis(axis, ndim):
    """``axis`` as a non-negative axis of an array of ``ndim`` dimensions."""
    if axis < -ndim or axis >= ndim:
        raise ValueError("axis is out of bounds for the array")
    return axis + ndim if axis < 0 else axis


@register_jitable
def _split3(shape, axis):
    """``shape`` seen as ``(before, along, after)`` around ``axis``: products of extents."""
    pre = 1
    for k in range(axis):
        pre *= shape[k]
    post = 1
    for k in range(axis + 1, len(shape)):
        post *= shape[k]
    return pre, shape[axis], post


def _flat(v):
    """The values of ``v`` (a scalar or an array) as a 1-D float array, in C order."""
    return np.ravel(np.asarray(v, dtype=np.float64))


@overload(_flat)
def _flat_nb(v):
    if _nb_array(v):
        return lambda v: np.ascontiguousarray(v).reshape(-1)
    if _nb_scalar(v):
        return lambda v: np.full(1, float(v))


def _item(v):
    """The one value of a scalar or of a size-1 array, as a float."""
    return float(np.asarray(v, dtype=np.float64).reshape(()))


@overload(_item)
def _item_nb(v):
    if _nb_array(v):
        return lambda v: float(np.ascontiguousarray(v).reshape(-1)[0])
    if _nb_scalar(v):
        return lambda v: float(v)


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


_SHAPE_OF = {
    0: register_jitable(lambda d: ()),
    1: register_jitable(lambda d: (d[0],)),
    2: register_jitable(lambda d: (d[0], d[1])),
    3: register_jitable(lambda d: (d[0], d[1], d[2])),
    4: register_jitable(lambda d: (d[0], d[1], d[2], d[3])),
}


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


def clip_adjoint(g, a, lo, hi):
    """Adjoint of ``np.clip(a, lo, hi)`` wrt ``a``, before unbroadcasting: ``g`` where
    ``lo <= a <= hi``, else 0."""
    inside = np.logical_and(a >= _bound(lo, -np.inf), a <= _bound(hi, np.inf))
    return where(inside, g, 0.0)


@overload(clip_adjoint)
def _clip_adjoint_nb(g, a, lo, hi):
    if not any(_nb_array(t) for t in (g, a, lo, hi)):

        def scalar(g, a, lo, hi):
            if a >= _bound(lo, -np.inf) and a <= _bound(hi, np.inf):
                return float(g)
            return 0.0

        return scalar
    nd = _broadcast_ndim(g, a, lo, hi)
    if nd is None:
        return None
    shape_of = _SHAPE_OF[nd]

    def array(g, a, lo, hi):
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
            inside = lv[_source_index(p, dims, ls)] <= x <= hv[_source_index(p, dims, hs)]
            flat[p] = gv[_source_index(p, dims, gs)] if inside else 0.0
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
    if _nb_scalar(x):
        return lambda g, x, axis: _item(g)
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


def half_over(g, y):
    """``g / (2 * y)``: the adjoint of ``sqrt`` given its output ``y``."""
    return _f64(g / (2.0 * y))


@overload(half_over)
def _half_over_nb(g, y):
    return lambda g, y: g / (2.0 * y)


# -- shapes ----------------------------------------------------------------------------------
def reshape_like(g, x):
    """``g`` reshaped to ``x``'s shape, as a fresh float array (a float for a scalar ``x``)."""
    if not _is_array(x):
        return _item(g)
    return np.array(g, dtype=np.float64, order="C").reshape(x.shape)


@overload(reshape_like)
def _reshape_like_nb(g, x):
    if _nb_scalar(x):
        return lambda g, x: _item(g)
    if not _nb_array(x):
        return None
    if _nb_scalar(g):
        return lambda g, x: np.full(x.shape, float(g))
    if _nb_f64(g):
        return lambda g, x: g.copy().reshape(x.shape)
    return lambda g, x: np.ascontiguousarray(g).astype(np.float64).reshape(x.shape)


def transpose_adjoint(g, axes):
    """Adjoint of ``np.transpose(x, axes)``: ``g`` transposed by the inverse permutation."""
    if axes is None:
        return np.transpose(g).astype(np.float64, order="C")
    inv = np.argsort([a % len(axes) for a in axes])
    return np.transpose(g, inv).astype(np.float64, order="C")


@register_jitable
def _inverse_perm(axes):
    n = len(axes)
    inv = np.empty(n, np.int64)
    for k in range(n):
        inv[axes[k] % n] = k
    return inv


@register_jitable
def _permuted_dims(g, inv):
    """The extents of ``np.transpose(g, inv)``."""
    dims = np.empty(inv.size, np.int64)
    for k in range(inv.size):
        dims[k] = g.shape[inv[k]]
    return dims


@register_jitable
def _transpose_into(g, inv, out):
    """``out[...] = np.transpose(g, inv)`` for a fresh C-contiguous ``out``, by a flat loop."""
    n = inv.size
    src = np.ascontiguousarray(g).reshape(-1)
    gstrides = np.empty(n, np.int64)
    stride = 1
    for k in range(n - 1, -1, -1):
        gstrides[k] = stride
        stride *= g.shape[k]
    dims = np.empty(n, np.int64)
    strides = np.empty(n, np.int64)
    for k in range(n):
        dims[k] = g.shape[inv[k]]
        strides[k] = gstrides[inv[k]]
    flat = out.reshape(-1)
    for p in range(flat.size):
        q = 0
        r = p
        for k in range(n - 1, -1, -1):
            q += (r % dims[k]) * strides[k]
            r //= dims[k]
        flat[p] = src[q]


@overload(transpose_adjoint)
def _transpose_adjoint_nb(g, axes):
    if not _nb_array(g):
        return None
    if _nb_none(axes):
        return lambda g, axes: np.transpose(g).copy()
    if not isinstance(axes, types.BaseTuple) or len(axes) != g.ndim or g.ndim not in _SHAPE_OF:
        return None
    shape_of = _SHAPE_OF[g.ndim]
    if all(isinstance(t, types.IntegerLiteral) for t in axes):
        # Literal axes: the inverse permutation is known now.
        inv_const = tuple(int(k) for k in np.argsort([t.literal_value % len(axes) for t in axes]))

        def literal(g, axes):
            inv = np.array(inv_const)
            out = np.empty(shape_of(_permuted_dims(g, inv)))
            _transpose_into(g, inv, out)
            return out

        return literal
    if isinstance(axes, types.UniTuple) and _nb_int(axes.dtype):

        def runtime(g, axes):
            inv = _inverse_perm(axes)
            out = np.empty(shape_of(_permuted_dims(g, inv)))
            _transpose_into(g, inv, out)
            return out

        return runtime


def diag_adjoint(g, x):
    """Adjoint of ``np.diag(x)``: the diagonal of ``g`` (1-D ``x``), or ``g`` placed on the
    diagonal of a zero matrix of ``x``'s shape (2-D ``x``)."""
    if x.ndim == 1:
        return np.diag(g).astype(np.float64)
    out = np.zeros(x.shape)
    k = min(x.shape)
    out[np.arange(k), np.arange(k)] = g
    return out


@overload(diag_adjoint)
def _diag_adjoint_nb(g, x):
    if not (_nb_array(x) and _nb_array(g)):
        return None
    if x.ndim == 1:

        def take(g, x):
            out = np.empty(x.shape[0])
            for i in range(x.shape[0]):
                out[i] = g[i, i]
            return out

        return take
    if x.ndim == 2:

        def place(g, x):
            out = np.zeros(x.shape)
            for i in range(min(x.shape[0], x.shape[1])):
                out[i, i] = g[i]
            return out

        return place


def slice_along(g, axis, start, stop):
    """``g[start:stop]`` along ``axis``, as a copy: the share of one ``np.concatenate`` input."""
    index = [slice(None)] * g.ndim
    index[_norm_axis(axis, g.ndim)] = slice(start, stop)
    return np.array(g[tuple(index)], dtype=np.float64, order="C")


@overload(slice_along)
def _slice_along_nb(g, axis, start, stop):
    if not _nb_array(g):
        return None
    if g.ndim == 1:
        return lambda g, axis, start, stop: g[start:stop].astype(np.float64)
    if g.ndim == 2:

        def along2(g, axis, start, stop):
            if _norm_axis(axis, 2) == 0:
                return g[start:stop, :].astype(np.float64)
            return g[:, start:stop].astype(np.float64)

        return along2
    if g.ndim == 3:

        def along3(g, axis, start, stop):
            ax = _norm_axis(axis, 3)
            if ax == 0:
                return g[start:stop, :, :].astype(np.float64)
            if ax == 1:
                return g[:, start:stop, :].astype(np.float64)
            return g[:, :, start:stop].astype(np.float64)

        return along3


def take_along(g, axis, k):
    """``g`` at index ``k`` along ``axis`` (that axis removed): the share of one ``np.stack``
    input."""
    out = np.take(g, k, axis=_norm_axis(axis, g.ndim))
    return _f64(out) if g.ndim == 1 else np.array(out, dtype=np.float64, order="C")


@overload(take_along)
def _take_along_nb(g, axis, k):
    if not _nb_array(g):
        return None
    if g.ndim == 1:
        return lambda g, axis, k: float(g[k])
    if g.ndim == 2:

        def take2(g, axis, k):
            if _norm_axis(axis, 2) == 0:
                return g[k, :].astype(np.float64)
            return g[:, k].astype(np.float64)

        return take2
    if g.ndim == 3:

        def take3(g, axis, k):
            ax = _norm_axis(axis, 3)
            if ax == 0:
                return g[k, :, :].astype(np.float64)
            if ax == 1:
                return g[:, k, :].astype(np.float64)
            return g[:, :, k].astype(np.float64)

        return take3


def vstack_part(g, start, stop, x):
    """The share of input ``x`` of ``np.vstack``: row ``start`` for a 1-D ``x`` (whose row it
    was), rows ``start:stop`` for a 2-D one."""
    if not _is_array(x):
        return float(g[start, 0])
    if x.ndim == 1:
        return np.array(g[start], dtype=np.float64)
    return np.array(g[start:stop], dtype=np.float64, order="C")


@overload(vstack_part)
def _vstack_part_nb(g, start, stop, x):
    if _nb_scalar(x):
        return lambda g, start, stop, x: float(g[start, 0])
    if not _nb_array(x):
        return None
    if x.ndim == 1:
        return lambda g, start, stop, x: g[start].astype(np.float64)
    if x.ndim == 2:
        return lambda g, start, stop, x: g[start:stop].astype(np.float64)


def hstack_part(g, start, stop, x):
    """The share of input ``x`` of ``np.hstack``: ``g[start:stop]`` for 1-D inputs,
    ``g[:, start:stop]`` for 2-D ones."""
    if not _is_array(x):
        return float(g[start])
    if x.ndim == 1:
        return np.array(g[start:stop], dtype=np.float64)
    return np.array(g[:, start:stop], dtype=np.float64, order="C")


@overload(hstack_part)
def _hstack_part_nb(g, start, stop, x):
    if _nb_scalar(x):
        return lambda g, start, stop, x: float(g[start])
    if not _nb_array(x):
        return None
    if x.ndim == 1:
        return lambda g, start, stop, x: g[start:stop].astype(np.float64)
    if x.ndim == 2:
        return lambda g, start, stop, x: g[:, start:stop].astype(np.float64)


# -- linear algebra --------------------------------------------------------------------------
# Numba's own np.dot, @ and np.linalg need SciPy's BLAS and LAPACK; these loops do not.
@register_jitable
def _mm(a, b):
    """``a @ b`` for 2-D arrays of any layout."""
    m, p = a.shape
    n = b.shape[1]
    out = np.zeros((m, n))
    for i in range(m):
        for k in range(p):
            t = a[i, k]
            for j in range(n):
                out[i, j] += t * b[k, j]
    return out


@register_jitable
def _mv(a, v):
    """``a @ v`` for a 2-D ``a`` and a 1-D ``v``."""
    m, p = a.shape
    out = np.zeros(m)
    for i in range(m):
        acc = 0.0
        for k in range(p):
            acc += a[i, k] * v[k]
        out[i] = acc
    return out


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
    if _nb_scalar(b):
        return lambda g, a, b: (g * b).astype(np.float64)
    if not (_nb_array(a) and _nb_array(b)):
        return None
    if a.ndim == 1 and b.ndim == 1:
        return lambda g, a, b: (g * b).astype(np.float64)
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
    if _nb_scalar(a):
        return lambda g, a, b: (g * a).astype(np.float64)
    if not (_nb_array(a) and _nb_array(b)):
        return None
    if a.ndim == 1 and b.ndim == 1:
        return lambda g, a, b: (g * a).astype(np.float64)
    if a.ndim == 2 and b.ndim == 1:
        return lambda g, a, b: _mv(a.T, g)
    if a.ndim == 1 and b.ndim == 2:
        return lambda g, a, b: _outer(a, g)
    if a.ndim == 2 and b.ndim == 2:
        return lambda g, a, b: _mm(a.T, g)


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


def inner_adjoint_a(g, a, b):
    """Share of ``a`` in the adjoint of ``np.inner(a, b)`` (scalars, or arrays of any ndim)."""
    if np.ndim(a) == 0:
        return float(np.sum(g * b))
    if np.ndim(b) == 0:
        return _f64(g * b)
    return _inner_share(g, a, b, True)


@overload(inner_adjoint_a)
def _inner_adjoint_a_nb(g, a, b):
    if _nb_scalar(a):
        if _nb_scalar(b):
            return lambda g, a, b: float(g * b)
        return lambda g, a, b: float(np.sum(g * b))
    if _nb_scalar(b):
        return lambda g, a, b: (g * b).astype(np.float64)
    if _nb_array(a) and _nb_array(b):
        return lambda g, a, b: _inner_share_nb(g, a, b, True)


def inner_adjoint_b(g, a, b):
    """Share of ``b`` in the adjoint of ``np.inner(a, b)`` (scalars, or arrays of any ndim)."""
    if np.ndim(b) == 0:
        return float(np.sum(g * a))
    if np.ndim(a) == 0:
        return _f64(g * a)
    return _inner_share(g, b, a, False)


@overload(inner_adjoint_b)
def _inner_adjoint_b_nb(g, a, b):
    if _nb_scalar(b):
        if _nb_scalar(a):
            return lambda g, a, b: float(g * a)
        return lambda g, a, b: float(np.sum(g * a))
    if _nb_scalar(a):
        return lambda g, a, b: (g * a).astype(np.float64)
    if _nb_array(a) and _nb_array(b):
        return lambda g, a, b: _inner_share_nb(g, b, a, False)


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
