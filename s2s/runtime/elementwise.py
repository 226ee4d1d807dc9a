"""Elementwise helpers and their adjoints: ``where``, guarded logs, ``np.clip``, ``np.array``,
casts and ``sqrt``.

``g`` is the adjoint (cotangent) of a function's output. Each adjoint helper returns the share
of one input with exactly that input's shape: a float64 array for an array input, a float for
a scalar one (before unbroadcasting, where the helper says so).
"""

from __future__ import annotations

import math

import numpy as np
from numba import types

from ._cache import overload, register_jitable
from ._common import (
    _SHAPE_OF,
    _f64,
    _is_array,
    _item,
    _nb_any_complex,
    _nb_array,
    _nb_none,
    _nb_scalar,
)

__all__ = [
    "where",
    "log_or_zero",
    "log_adjoint",
    "clip_adjoint",
    "array_adjoint",
    "cast_share",
    "cast_tangent",
    "half_over",
    "imag_share",
    "abs_tangent",
    "abs_slope",
    "abs_slope_tangent",
    "angle_slope",
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
    """``a if cond else b``: a float for scalars, else ``np.where`` broadcast, as float64
    (complex, where ``a`` or ``b`` is)."""
    number = complex if np.iscomplexobj(a) or np.iscomplexobj(b) else float
    if not (_is_array(cond) or _is_array(a) or _is_array(b)):
        return number(a if cond else b)
    dtype = np.complex128 if number is complex else np.float64
    return np.where(cond, a, b).astype(dtype, copy=False)


@overload(where)
def _where_nb(cond, a, b):
    complex_ = _nb_any_complex(a, b)
    if not any(_nb_array(t) for t in (cond, a, b)):
        if complex_:
            return lambda cond, a, b: complex(a) if cond else complex(b)

        def scalar(cond, a, b):
            if cond:
                return float(a)
            return float(b)

        return scalar
    nd = _broadcast_ndim(cond, a, b)
    if nd is None:
        return None
    shape_of = _SHAPE_OF[nd]
    dtype = np.complex128 if complex_ else np.float64

    def array(cond, a, b):
        cv, dims, cs = _operand(cond, nd)
        av, ashape, as_ = _operand(a, nd)
        bv, bshape, bs = _operand(b, nd)
        _merge_dims(dims, ashape)
        _merge_dims(dims, bshape)
        out = np.empty(shape_of(dims), dtype)
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


def abs_slope(x):
    """What the adjoint of ``np.abs(x)`` is multiplied by: ``sign(x)`` for real values,
    ``conj(sign(x))`` for complex ones (the transpose of ``Re(conj(sign(x)) * dx)``)."""
    return np.conj(np.sign(x)) if np.iscomplexobj(x) else np.sign(x)


@overload(abs_slope)
def _abs_slope_nb(x):
    kind = x.dtype if _nb_array(x) else x
    if isinstance(kind, types.Complex):
        return lambda x: np.conj(np.sign(x))
    return lambda x: np.sign(x)


def abs_slope_tangent(dx, x):
    """The tangent of :func:`abs_slope` along ``dx``: zero for real values (the sign is
    constant where it is defined); for complex ones ``conj(d(x / |x|))``, which is
    ``conj(dx / |x| - x * Re(conj(x) * dx) / |x|**3)`` (zero at zero)."""
    if not np.iscomplexobj(x):
        return np.zeros(np.shape(x)) if _is_array(x) else 0.0
    size = np.abs(x)
    safe = np.where(size == 0, 1.0, size)
    change = dx / safe - x * np.real(np.conj(x) * dx) / safe**3
    return np.conj(np.where(size == 0, 0.0, change))


@overload(abs_slope_tangent)
def _abs_slope_tangent_nb(dx, x):
    kind = x.dtype if _nb_array(x) else x
    if not isinstance(kind, types.Complex):
        if _nb_array(x):
            return lambda dx, x: np.zeros(x.shape)
        return lambda dx, x: 0.0
    if _nb_array(x):

        def along(dx, x):
            out = np.empty(x.shape, np.complex128)
            flat, dflat, x_flat = (
                out.reshape(-1),
                np.ascontiguousarray(dx).reshape(-1),
                x.reshape(-1),
            )
            for k in range(flat.size):
                flat[k] = _slope_change(dflat[k], x_flat[k])
            return out

        return along
    return lambda dx, x: _slope_change(dx, x)


@register_jitable
def _slope_change(dz, z):
    size = abs(z)
    if size == 0:
        return 0j
    return np.conj(dz / size - z * (np.conj(z) * dz).real / size**3)


def angle_slope(z):
    """``a`` such that the tangent of ``np.angle(z)`` is ``Re(a * dz)`` and its share is
    ``g * a``: ``-1j * conj(z) / |z|**2``, which is ``-1j / z`` (zero at zero; for real
    ``z``, imaginary: the angle of a real number does not vary along the real line)."""
    size2 = np.real(z * np.conj(z))
    return np.where(size2 == 0, 0.0, -1j * np.conj(z) / np.where(size2 == 0, 1.0, size2))[()]


@overload(angle_slope)
def _angle_slope_nb(z):
    if _nb_array(z):

        def along(z):
            out = np.empty(z.shape, np.complex128)
            flat, z_flat = out.reshape(-1), np.ascontiguousarray(z).reshape(-1)
            for k in range(flat.size):
                flat[k] = _angle_slope_at(z_flat[k])
            return out

        return along
    return lambda z: _angle_slope_at(z)


@register_jitable
def _angle_slope_at(z):
    size2 = (z * np.conj(z)).real
    if size2 == 0:
        return 0j
    return -1j * np.conj(z) / size2


def abs_tangent(dx, x):
    """The tangent of ``np.abs(x)`` along ``dx``: ``sign(x) * dx`` for real values, and for
    complex ones the real ``Re(conj(x) * dx) / |x|`` (zero at zero), as ``|x|`` is real."""
    if np.iscomplexobj(x):
        size = np.abs(x)
        return np.real(np.conj(x) * dx) / np.where(size == 0, 1.0, size)
    return dx * np.sign(x)


@overload(abs_tangent)
def _abs_tangent_nb(dx, x):
    kind = x.dtype if _nb_array(x) else x
    if not isinstance(kind, types.Complex):
        return lambda dx, x: dx * np.sign(x)
    if _nb_array(x):

        def along(dx, x):
            size = np.abs(x)
            return np.real(np.conj(x) * dx) / np.where(size == 0, 1.0, size)

        return along

    def at(dx, x):
        size = abs(x)
        return (np.conj(x) * dx).real / (size if size != 0 else 1.0)

    return at


def imag_share(g, val):
    """The share of ``val`` in ``np.imag(val)``: ``-1j * g`` for complex values (the transpose
    of taking the imaginary part), zero for real ones, whose imaginary part is constant."""
    if np.iscomplexobj(val):
        return -1j * g
    return np.zeros(np.shape(g)) if _is_array(g) else 0.0


@overload(imag_share)
def _imag_share_nb(g, val):
    kind = val.dtype if _nb_array(val) else val
    if isinstance(kind, types.Complex):
        return lambda g, val: -1j * g
    if _nb_array(g):
        return lambda g, val: np.zeros(g.shape)
    return lambda g, val: 0.0
