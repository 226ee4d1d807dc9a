"""Shape helpers: the adjoints of reshapes, ``np.transpose`` and ``np.diag``, and the parts of
joined arrays (``np.concatenate``, ``np.stack``, ``np.vstack``, ``np.hstack``): each input's
share of the adjoint and the extent it fills; ``np.diagflat`` and ``np.column_stack`` too.
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.np.unsafe.ndarray import to_fixed_tuple

from ._cache import overload, register_jitable
from ._common import (
    _SHAPE_OF,
    _f64,
    _is_array,
    _item,
    _nb_array,
    _nb_complex,
    _nb_f64,
    _nb_int,
    _nb_none,
    _nb_scalar,
    _norm_axis,
    _split3,
)

__all__ = [
    "reshape_like",
    "flip",
    "transpose_adjoint",
    "diag_adjoint",
    "slice_along",
    "take_along",
    "vstack_part",
    "hstack_part",
    "extent",
    "rows",
    "cols",
    "column_stack_part",
    "diagflat_share",
    "stacked_cols",
    "dstack_part",
    "stacked_depth",
    "shape_size",
    "index_of",
    "split_count",
    "split_bound",
]


# -- shapes ----------------------------------------------------------------------------------
def reshape_like(g, x):
    """``g`` reshaped to ``x``'s shape, as a fresh array (a number for a scalar ``x``): float,
    or complex where both are (a real ``x`` takes the real part of a complex ``g``)."""
    if np.iscomplexobj(g) and not np.iscomplexobj(x):
        g = np.real(g)
    if not _is_array(x):
        return _item(g)
    return np.array(g, dtype=np.result_type(g, np.float64), order="C").reshape(x.shape)


@overload(reshape_like)
def _reshape_like_nb(g, x):
    if _nb_complex(g) and not _nb_complex(x):
        return lambda g, x: reshape_like(np.real(g), x)
    if _nb_scalar(x):
        return lambda g, x: _item(g)
    if not _nb_array(x):
        return None
    if _nb_complex(g):
        if _nb_scalar(g):
            return lambda g, x: np.full(x.shape, g)
        return lambda g, x: np.ascontiguousarray(g).astype(np.complex128).reshape(x.shape)
    if _nb_scalar(g):
        return lambda g, x: np.full(x.shape, float(g))
    if _nb_f64(g):
        return lambda g, x: g.copy().reshape(x.shape)
    return lambda g, x: np.ascontiguousarray(g).astype(np.float64).reshape(x.shape)


def flip(x, axis):
    """``np.flip(x, axis)``, which Numba has only without ``axis``: the tangent and the adjoint
    of ``np.flip`` (a permutation that is its own inverse)."""
    return np.flip(x, axis)


@register_jitable
def _flipped_along(x, axis):
    pre, n, post = _split3(x.shape, axis)
    x3 = np.ascontiguousarray(x).reshape((pre, n, post))
    out = np.empty((pre, n, post), x.dtype)
    for i in range(pre):
        for j in range(n):
            out[i, n - 1 - j, :] = x3[i, j, :]
    return out.reshape(x.shape)


@overload(flip)
def _flip_nb(x, axis):
    if not _nb_array(x):
        return None
    if _nb_none(axis):
        return lambda x, axis: np.flip(x)
    if _nb_int(axis):
        return lambda x, axis: _flipped_along(x, _norm_axis(axis, x.ndim))
    return None


def transpose_adjoint(g, axes):
    """Adjoint of ``np.transpose(x, axes)``: ``g`` transposed by the inverse permutation."""
    dtype = np.result_type(g, np.float64)  # complex stays complex
    if axes is None:
        return np.transpose(g).astype(dtype, order="C")
    inv = np.argsort([a % len(axes) for a in axes])
    return np.transpose(g, inv).astype(dtype, order="C")


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
    if g.ndim in _SHAPE_OF:
        shape_of = _SHAPE_OF[g.ndim]

        def along_any(g, axis, start, stop):
            ax = _norm_axis(axis, g.ndim)
            pre, n, post = _split3(g.shape, ax)
            part = np.ascontiguousarray(g).reshape((pre, n, post))[:, start:stop, :]
            return part.astype(np.float64).reshape(shape_of(_dims_with(g.shape, ax, part.shape[1])))

        return along_any


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
    if g.ndim - 1 in _SHAPE_OF:
        shape_of = _SHAPE_OF[g.ndim - 1]

        def take_any(g, axis, k):
            ax = _norm_axis(axis, g.ndim)
            pre, n, post = _split3(g.shape, ax)
            part = np.ascontiguousarray(g).reshape((pre, n, post))[:, k, :]
            return part.astype(np.float64).reshape(shape_of(_dims_with(g.shape, ax, -1)))

        return take_any


@register_jitable
def _dims_with(shape, axis, n):
    """``shape`` with extent ``n`` along ``axis``, or without that axis for ``n == -1``."""
    dims = np.empty(len(shape) - (n == -1), np.int64)
    j = 0
    for k in range(len(shape)):
        if k != axis:
            dims[j] = shape[k]
            j += 1
        elif n != -1:
            dims[j] = n
            j += 1
    return dims


def vstack_part(g, start, stop, x):
    """The share of input ``x`` of ``np.vstack``: row ``start`` for a 1-D ``x`` (whose row it
    was), rows ``start:stop`` for one of 2 dimensions or more."""
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
    return lambda g, start, stop, x: g[start:stop].astype(np.float64)  # rows, any ndim


def hstack_part(g, start, stop, x):
    """The share of input ``x`` of ``np.hstack``: ``g[start:stop]`` for 1-D inputs,
    ``g[:, start:stop]`` for inputs of 2 dimensions or more."""
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
    return lambda g, start, stop, x: g[:, start:stop].astype(np.float64)  # columns, any ndim


# -- extents of the parts of joined arrays -----------------------------------------------------
def extent(item, axis):
    """``item.shape[axis]``: how much of ``np.concatenate``'s output ``item`` fills."""
    return item.shape[axis]


@overload(extent)
def _extent(item, axis):
    return lambda item, axis: item.shape[axis]


def rows(item):
    """Rows ``item`` fills in ``np.vstack``'s output."""
    return 1 if item.ndim == 1 else item.shape[0]


@overload(rows)
def _rows(item):
    if item.ndim == 1:
        return lambda item: 1
    return lambda item: item.shape[0]


def cols(item):
    """Columns ``item`` fills in ``np.hstack``'s output."""
    return item.shape[0] if item.ndim == 1 else item.shape[1]


@overload(cols)
def _cols(item):
    if item.ndim == 1:
        return lambda item: item.shape[0]
    return lambda item: item.shape[1]


def diagflat_share(g, v, k):
    """Share of ``v`` in ``np.diagflat(v, k)``: diagonal ``k`` of ``g``, in ``v``'s shape."""
    return np.array(np.diag(g, k), dtype=np.float64).reshape(np.shape(v))


@overload(diagflat_share)
def _diagflat_share_nb(g, v, k):
    if _nb_scalar(v):
        return lambda g, v, k: float(np.diag(g, k)[0])
    return lambda g, v, k: np.diag(g, k).astype(np.float64).reshape(v.shape)


def column_stack_part(g, start, stop, x):
    """The share of input ``x`` of ``np.column_stack``: column ``start`` for a 1-D input (a
    number: its one entry), ``g[:, start:stop]`` for a 2-D one."""
    if not _is_array(x) or x.ndim == 0:
        return float(g[0, start]) if not _is_array(x) else np.array(g[0, start])
    if x.ndim == 1:
        return np.array(g[:, start], dtype=np.float64)
    return np.array(g[:, start:stop], dtype=np.float64, order="C")


@overload(column_stack_part)
def _column_stack_part_nb(g, start, stop, x):
    if _nb_scalar(x):
        return lambda g, start, stop, x: float(g[0, start])
    if not _nb_array(x):
        return None
    if x.ndim == 1:
        return lambda g, start, stop, x: g[:, start].astype(np.float64)
    return lambda g, start, stop, x: g[:, start:stop].astype(np.float64)


def stacked_cols(item):
    """Columns ``item`` fills in ``np.column_stack``'s output: one for a 1-D input."""
    return 1 if np.ndim(item) < 2 else np.shape(item)[1]


@overload(stacked_cols)
def _stacked_cols(item):
    if _nb_scalar(item) or item.ndim < 2:
        return lambda item: 1
    return lambda item: item.shape[1]


def dstack_part(g, start, stop, x):
    """The share of input ``x`` of ``np.dstack``, whose 1-D and 2-D inputs become one layer
    (``(1, n, 1)``, ``(m, n, 1)``): layer ``start`` of ``g``, or ``g[:, :, start:stop]``."""
    if np.ndim(x) == 1:
        return np.array(g[0, :, start], dtype=np.float64)
    if np.ndim(x) == 2:
        return np.array(g[:, :, start], dtype=np.float64)
    return np.array(g[:, :, start:stop], dtype=np.float64, order="C")


@overload(dstack_part)
def _dstack_part_nb(g, start, stop, x):
    if not _nb_array(x) or x.ndim == 0:
        return None
    if x.ndim == 1:
        return lambda g, start, stop, x: np.ascontiguousarray(g[0, :, start]).astype(np.float64)
    if x.ndim == 2:
        return lambda g, start, stop, x: np.ascontiguousarray(g[:, :, start]).astype(np.float64)
    return lambda g, start, stop, x: np.ascontiguousarray(g[:, :, start:stop]).astype(np.float64)


def stacked_depth(item):
    """Layers ``item`` fills in ``np.dstack``'s output: one for a 1-D or 2-D input."""
    return 1 if np.ndim(item) < 3 else np.shape(item)[2]


@overload(stacked_depth)
def _stacked_depth(item):
    if item.ndim < 3:
        return lambda item: 1
    return lambda item: item.shape[2]


# -- np.ndindex and np.ndenumerate, as loops over flat positions ----------------------------
def shape_size(shape):
    """How many entries an array of ``shape`` holds (1 for ``()``; ``n`` for a number)."""
    return int(np.prod(shape, dtype=np.int64))


@overload(shape_size)
def _shape_size_nb(shape):
    if isinstance(shape, types.Integer):  # np.ndindex(n)
        return lambda shape: shape
    if len(shape) == 0:
        return lambda shape: 1

    def impl(shape):
        n = 1
        for extent in shape:
            n *= extent
        return n

    return impl


def index_of(k, shape):
    """The index tuple of flat position ``k`` in an array of ``shape``, in C order: the
    ``k``-th index that ``np.ndindex(shape)`` yields."""
    return tuple(int(i) for i in np.unravel_index(k, shape))


@overload(index_of)
def _index_of_nb(k, shape):
    if isinstance(shape, types.Integer):
        return lambda k, shape: (k,)
    ndim = len(shape)
    if ndim == 0:
        return lambda k, shape: ()

    def impl(k, shape):
        index = np.empty(ndim, np.intp)
        rest = k
        for axis in range(ndim - 1, -1, -1):
            index[axis] = rest % shape[axis]
            rest //= shape[axis]
        return to_fixed_tuple(index, ndim)

    return impl


# -- np.split and np.array_split, as lists of slices along the first axis ---------------------
def split_count(sections):
    """How many parts ``np.split(x, sections)`` makes: ``sections`` itself, or one more
    than the cut indices given."""
    return sections if isinstance(sections, (int, np.integer)) else len(sections) + 1


@overload(split_count)
def _split_count_nb(sections):
    if isinstance(sections, types.Integer):
        return lambda sections: sections
    return lambda sections: len(sections) + 1


def split_bound(length, sections, k, equal):
    """Where part ``k`` of ``np.split`` (``equal``) or ``np.array_split`` of ``length``
    entries starts (part ``k - 1`` ends): at the cut indices given, or for a number of
    parts, with the first ``length % sections`` parts one longer (``np.split`` raises
    NumPy's error unless the parts are equal)."""
    if not isinstance(sections, (int, np.integer)):
        cuts = [0, *sections, length]
        return min(max(cuts[k], 0), length) if k < len(cuts) - 1 else length
    if sections <= 0:
        raise ValueError("number sections must be larger than 0.")
    if equal and length % sections:
        raise ValueError("array split does not result in an equal division")
    size, extra = divmod(length, sections)
    return k * size + min(k, extra)


@overload(split_bound)
def _split_bound_nb(length, sections, k, equal):
    if isinstance(sections, types.Integer):

        def parts(length, sections, k, equal):
            if sections <= 0:
                raise ValueError("number sections must be larger than 0.")
            if equal and length % sections:
                raise ValueError("array split does not result in an equal division")
            size, extra = length // sections, length % sections
            return k * size + min(k, extra)

        return parts

    def cuts(length, sections, k, equal):
        if k == 0:
            return 0
        if k > len(sections):
            return length
        return min(max(sections[k - 1], 0), length)

    return cuts
