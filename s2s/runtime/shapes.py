"""Shape helpers: the adjoints of reshapes, ``np.transpose`` and ``np.diag``, and the parts of
joined arrays (``np.concatenate``, ``np.stack``, ``np.vstack``, ``np.hstack``): each input's
share of the adjoint and the extent it fills.
"""

from __future__ import annotations

import numpy as np
from numba import types

from ._cache import overload, register_jitable
from ._common import (
    _SHAPE_OF,
    _f64,
    _is_array,
    _item,
    _nb_array,
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
    "roll",
    "roll_back",
    "diff",
    "diff_adjoint",
    "sort_adjoint",
    "sort_tangent",
    "repeat",
    "repeat_adjoint",
    "take",
    "take_adjoint",
    "append_head",
    "append_tail",
    "column_stack_part",
    "diagflat_share",
    "stacked_cols",
]


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


# -- np.roll, np.diff, np.sort -----------------------------------------------------------------
def roll(x, shift, axis):
    """``np.roll(x, shift, axis)``; Numba's takes no ``axis`` (the tangent of ``np.roll``)."""
    return np.roll(x, shift, axis)


@overload(roll)
def _roll_nb(x, shift, axis):
    if _nb_none(axis):
        return lambda x, shift, axis: np.roll(x, shift)


def roll_back(g, shift, axis):
    """``np.roll`` by ``-shift``: the adjoint of ``np.roll(x, shift, axis)``."""
    back = tuple(-s for s in shift) if isinstance(shift, tuple) else -shift
    return np.roll(g, back, axis)


@overload(roll_back)
def _roll_back_nb(g, shift, axis):
    if _nb_none(axis):
        return lambda g, shift, axis: np.roll(g, -shift)


def diff(x, n, axis):
    """``np.diff(x, n, axis)``; Numba's takes no ``axis`` (the tangent of ``np.diff``)."""
    return np.diff(x, n, axis)


@overload(diff)
def _diff_nb(x, n, axis):
    def impl(x, n, axis):
        if _norm_axis(axis, x.ndim) != x.ndim - 1:
            raise NotImplementedError("np.diff along an axis but the last in compiled code")
        return np.diff(x, n)

    return impl


def diff_adjoint(g, x, n, axis):
    """Share of ``x`` in ``np.diff(x, n, axis)``: each first difference ``x[j + 1] - x[j]``
    gives its adjoint to ``x[j + 1]`` and takes it from ``x[j]``, ``n`` times over."""
    g = np.asarray(g, dtype=np.float64)
    ax = _norm_axis(axis, x.ndim)
    return _diff_adjoint3(g, ax, n).reshape(x.shape)


@overload(diff_adjoint)
def _diff_adjoint_nb(g, x, n, axis):
    return lambda g, x, n, axis: _diff_adjoint3(g, _norm_axis(axis, x.ndim), n).reshape(x.shape)


@register_jitable
def _diff_adjoint3(g, axis, n):
    pre, m, post = _split3(g.shape, axis)
    out = np.ascontiguousarray(g).astype(np.float64).reshape((pre, m, post))
    for _ in range(n):
        m = out.shape[1]
        back = np.zeros((pre, m + 1, post))
        for i in range(pre):
            for j in range(m):
                for k in range(post):
                    back[i, j + 1, k] += out[i, j, k]
                    back[i, j, k] -= out[i, j, k]
        out = back
    return out


def sort_adjoint(g, x, axis):
    """Share of ``x`` in ``np.sort(x, axis)``: entry ``j`` of the sorted order gives its
    adjoint back to the entry of ``x`` it came from (ties in the order np.argsort gives)."""
    g = np.asarray(g, dtype=np.float64)
    if axis is None:
        out = np.zeros(x.size)
        out[np.argsort(x, axis=None, kind="stable")] = g
        return out.reshape(np.shape(x))
    ax = _norm_axis(axis, x.ndim)
    return _sort_moved(g, x, ax, False)


def sort_tangent(dx, x, axis):
    """Tangent of ``np.sort(x, axis)``: ``dx`` in ``x``'s sorted order."""
    dx = np.asarray(dx, dtype=np.float64)
    if axis is None:
        return np.ravel(np.broadcast_to(dx, np.shape(x)))[np.argsort(x, axis=None, kind="stable")]
    ax = _norm_axis(axis, x.ndim)
    return _sort_moved(np.broadcast_to(dx, np.shape(x)), x, ax, True)


def _sort_moved(v, x, axis, gather):
    pre, n, post = _split3(x.shape, axis)
    return _sorted_rows(v.reshape((pre, n, post)), x.reshape((pre, n, post)), gather).reshape(
        x.shape
    )


@overload(sort_adjoint)
def _sort_adjoint_nb(g, x, axis):
    def impl(g, x, axis):
        if _norm_axis(axis, x.ndim) != x.ndim - 1:
            raise NotImplementedError("np.sort along an axis but the last in compiled code")
        pre, n, post = _split3(x.shape, x.ndim - 1)
        v = np.ascontiguousarray(g).reshape((pre, n, post))
        x3 = np.ascontiguousarray(x).reshape((pre, n, post))
        return _sorted_rows(v, x3, False).reshape(x.shape)

    return impl


@overload(sort_tangent)
def _sort_tangent_nb(dx, x, axis):
    def impl(dx, x, axis):
        if _norm_axis(axis, x.ndim) != x.ndim - 1:
            raise NotImplementedError("np.sort along an axis but the last in compiled code")
        pre, n, post = _split3(x.shape, x.ndim - 1)
        v = np.ascontiguousarray(dx).reshape((pre, n, post))
        x3 = np.ascontiguousarray(x).reshape((pre, n, post))
        return _sorted_rows(v, x3, True).reshape(x.shape)

    return impl


@register_jitable
def _sorted_rows(v, x3, gather):
    """``v`` taken into (``gather``) or given back from each row's sorted order of ``x3``
    (both ``(pre, n, post)``, sorted along the middle axis)."""
    pre, n, post = x3.shape
    out = np.zeros((pre, n, post))
    for i in range(pre):
        for k in range(post):
            order = np.argsort(x3[i, :, k])
            for j in range(n):
                if gather:
                    out[i, j, k] = v[i, order[j], k]
                else:
                    out[i, order[j], k] = v[i, j, k]
    return out


# -- np.repeat, np.take, np.append ---------------------------------------------------------------
# Numba's np.repeat and np.take work on the flattened array and take no axis; in Python the
# axis is NumPy's. An entry repeated or taken several times gets the sum of its adjoints.
def repeat(x, repeats, axis):
    """``np.repeat(x, repeats, axis)`` (the tangent of ``np.repeat``)."""
    return np.repeat(x, repeats, axis)


@overload(repeat)
def _repeat_nb(x, repeats, axis):
    if _nb_none(axis):
        return lambda x, repeats, axis: np.repeat(x, repeats)


def repeat_adjoint(g, x, repeats, axis):
    """Share of ``x`` in ``np.repeat(x, repeats, axis)``."""
    g = np.asarray(g, dtype=np.float64)
    if axis is None:
        index = np.repeat(np.arange(np.size(x)), repeats)
        return _added_at(g, index, np.shape(x))
    ax = _norm_axis(axis, np.ndim(x))
    index = np.repeat(np.arange(np.shape(x)[ax]), repeats)
    out = np.zeros(np.shape(x))
    np.add.at(out, (slice(None),) * ax + (index,), g)
    return out


def _added_at(g, index, shape):
    out = np.zeros(int(np.prod(shape)))
    np.add.at(out, np.ravel(index), np.ravel(g))
    return out.reshape(shape) if shape else float(out[0])


@overload(repeat_adjoint)
def _repeat_adjoint_nb(g, x, repeats, axis):
    if not _nb_none(axis):
        return None
    if _nb_scalar(x):
        return lambda g, x, repeats, axis: np.sum(g)

    def impl(g, x, repeats, axis):
        index = np.repeat(np.arange(x.size), repeats)
        return _scatter_flat(g, index, x.size).reshape(x.shape)

    return impl


@register_jitable
def _scatter_flat(g, index, size):
    out = np.zeros(size)
    flat = np.ascontiguousarray(g).reshape(-1)
    for i in range(index.size):
        out[index[i]] += flat[i]
    return out


def take(x, indices, axis):
    """``np.take(x, indices, axis)`` (the tangent of ``np.take``)."""
    return np.take(x, indices, axis)


@overload(take)
def _take_nb(x, indices, axis):
    if _nb_none(axis):
        return lambda x, indices, axis: np.take(x, indices)


def take_adjoint(g, x, indices, axis):
    """Share of ``x`` in ``np.take(x, indices, axis)``."""
    g = np.asarray(g, dtype=np.float64)
    if axis is None:
        return _added_at(g, indices, np.shape(x))
    ax = _norm_axis(axis, np.ndim(x))
    out = np.zeros(np.shape(x))
    np.add.at(out, (slice(None),) * ax + (np.asarray(indices),), g)
    return out


@overload(take_adjoint)
def _take_adjoint_nb(g, x, indices, axis):
    if not _nb_none(axis):
        return None
    if _nb_int(indices):
        return lambda g, x, indices, axis: _scatter_flat(
            np.array([g]), np.array([indices]), x.size
        ).reshape(x.shape)
    return lambda g, x, indices, axis: _scatter_flat(
        g, np.ascontiguousarray(indices).reshape(-1), x.size
    ).reshape(x.shape)


def append_head(g, arr, axis):
    """Share of ``arr`` in ``np.append(arr, values, axis)``: the adjoint up to where
    ``values`` starts (flat for ``axis=None``)."""
    return _append_part(g, arr, arr, axis, 0)


def append_tail(g, arr, values, axis):
    """Share of ``values`` in ``np.append(arr, values, axis)``: the rest of the adjoint."""
    return _append_part(g, arr, values, axis, 1)


def _append_part(g, arr, like, axis, part):
    g = np.asarray(g, dtype=np.float64)
    if axis is None:
        cut = np.size(arr)
        flat = g.ravel()
        return _reshaped(flat[:cut] if part == 0 else flat[cut:], like)
    ax = _norm_axis(axis, g.ndim)
    cut = np.shape(arr)[ax]
    index = (slice(None),) * ax + ((slice(None, cut) if part == 0 else slice(cut, None)),)
    return g[index].copy()


def _reshaped(flat, like):
    return flat.reshape(np.shape(like)) if np.ndim(like) else float(flat[0])


@overload(append_head)
def _append_head_nb(g, arr, axis):
    if not _nb_none(axis):
        return lambda g, arr, axis: _split_along(g, arr, axis, 0)
    return lambda g, arr, axis: _shaped_like(
        np.ascontiguousarray(g).reshape(-1)[: _flat_size(arr)].copy(), arr
    )


@overload(append_tail)
def _append_tail_nb(g, arr, values, axis):
    if not _nb_none(axis):
        return lambda g, arr, values, axis: _split_along(g, arr, axis, 1)
    return lambda g, arr, values, axis: _shaped_like(
        np.ascontiguousarray(g).reshape(-1)[_flat_size(arr) :].copy(), values
    )


def _flat_size(x):
    """``np.size(x)``, in compiled code too (a number counts one)."""
    return np.size(x)


@overload(_flat_size)
def _flat_size_nb(x):
    if _nb_scalar(x):
        return lambda x: 1
    return lambda x: x.size


def _shaped_like(flat, like):
    return _reshaped(flat, like)


@overload(_shaped_like)
def _shaped_like_nb(flat, like):
    if _nb_scalar(like):
        return lambda flat, like: flat[0]
    return lambda flat, like: flat.reshape(like.shape)


@register_jitable
def _split_along(g, arr, axis, part):
    ax = _norm_axis(axis, g.ndim)
    cut = arr.shape[ax]
    if part == 0:
        return slice_along(g, ax, 0, cut)
    return slice_along(g, ax, cut, g.shape[ax])
