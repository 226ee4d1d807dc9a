"""Operations that reorder, repeat or pick entries: ``np.roll``, ``np.diff``, ``np.sort``,
``np.repeat``, ``np.take`` and ``np.append``, as Numba lacks their ``axis``, and their adjoints.
"""

from __future__ import annotations

import numpy as np

from ._cache import overload, register_jitable
from ._common import (
    _flat,
    _nb_none,
    _nb_scalar,
    _norm_axis,
    _split3,
)
from .shapes import slice_along
from .shares import scatter_add

__all__ = [
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
    "unique_firsts",
    "append_head",
    "append_tail",
    "resize_adjoint",
    "extract_adjoint",
    "ediff1d_share",
    "ediff1d_end_share",
    "ediff1d_begin_share",
    "zeros_or_none",
]


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
    """Share of ``x`` in ``np.repeat(x, repeats, axis)``: that of ``np.take`` with each index
    repeated."""
    n = np.size(x) if axis is None else np.shape(x)[_norm_axis(axis, np.ndim(x))]
    return take_adjoint(g, x, np.repeat(np.arange(n), repeats), axis)


@overload(repeat_adjoint)
def _repeat_adjoint_nb(g, x, repeats, axis):
    if _nb_none(axis) and _nb_scalar(x):
        return lambda g, x, repeats, axis: np.sum(g)
    if _nb_none(axis):
        return lambda g, x, repeats, axis: take_adjoint(
            g, x, np.repeat(np.arange(x.size), repeats), axis
        )


def take(x, indices, axis):
    """``np.take(x, indices, axis)`` (the tangent of ``np.take``)."""
    return np.take(x, indices, axis)


@overload(take)
def _take_nb(x, indices, axis):
    if _nb_none(axis):
        return lambda x, indices, axis: np.take(x, indices)


def unique_firsts(ar):
    """Where ``np.unique(ar)`` takes its values from: for each, in sorted order, the flat
    position of its first occurrence in ``ar``, which gets the value's derivative."""
    return np.unique(ar, return_index=True)[1]


@overload(unique_firsts)
def _unique_firsts_nb(ar):
    def impl(ar):
        flat = ar.ravel()
        order = np.argsort(flat, kind="mergesort")  # stable: the first occurrence leads
        firsts = np.empty(flat.size, np.intp)
        count = 0
        for k in range(flat.size):
            if k == 0 or flat[order[k]] != flat[order[k - 1]]:
                firsts[count] = order[k]
                count += 1
        return firsts[:count]

    return impl


def take_adjoint(g, x, indices, axis):
    """Share of ``x`` in ``np.take(x, indices, axis)``: each entry gets the adjoints of the
    places it was taken to, added up."""
    g = np.asarray(g, dtype=np.float64)
    out = np.zeros(np.shape(x))
    if axis is None:
        scatter_add(out.reshape(-1), np.ravel(indices), np.ravel(g))
        return out if np.ndim(x) else float(out)
    ax = _norm_axis(axis, np.ndim(x))
    np.add.at(out, (slice(None),) * ax + (np.asarray(indices),), g)
    return out


@overload(take_adjoint)
def _take_adjoint_nb(g, x, indices, axis):
    if not _nb_none(axis):
        return None

    def impl(g, x, indices, axis):
        out = np.zeros(x.size)
        flat_g = np.ascontiguousarray(np.asarray(g)).reshape(-1).astype(np.float64)
        flat_i = np.ascontiguousarray(np.asarray(indices)).reshape(-1)
        scatter_add(out, flat_i, flat_g)
        return out.reshape(x.shape)

    return impl


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


# -- np.resize, np.extract: np.take of chosen entries ------------------------------------------
@register_jitable
def resize_adjoint(g, a):
    """``a``'s share of ``np.resize(a, shape)``, which takes ``a``'s entries in order, round and
    round: ``np.take``'s with those indices."""
    return take_adjoint(g, a, np.arange(_flat_size(g)) % _flat_size(a), None)


@register_jitable
def extract_adjoint(g, condition, arr):
    """``arr``'s share of ``np.extract(condition, arr)``: ``np.take``'s at the entries taken."""
    return take_adjoint(g, arr, np.flatnonzero(condition), None)


# -- np.ediff1d: to_begin, the differences of ary's entries, to_end -------------------------------
def _count(x):
    """How many entries an optional ``to_begin``/``to_end`` adds: 0 for None."""
    return 0 if x is None else np.size(x)


@overload(_count)
def _count_nb(x):
    if _nb_none(x):
        return lambda x: 0
    return lambda x: _flat_size(x)


@register_jitable
def ediff1d_share(g, ary, to_begin):
    """``ary``'s share: the adjoint of its entries' differences, after ``to_begin``'s."""
    start = _count(to_begin)
    differences = g[start : start + _flat_size(ary) - 1]
    return _shaped_like(diff_adjoint(differences, _flat(ary), 1, 0), ary)


@register_jitable
def ediff1d_begin_share(g, to_begin):
    return _shaped_like(np.ascontiguousarray(g[: _count(to_begin)]).copy(), to_begin)


@register_jitable
def ediff1d_end_share(g, to_end):
    return _shaped_like(np.ascontiguousarray(g[g.size - _count(to_end) :]).copy(), to_end)


def zeros_or_none(x):
    """Zeros in place of an optional argument that is given; None stays None."""
    return None if x is None else np.zeros_like(x, dtype=np.float64) + 0.0


@overload(zeros_or_none)
def _zeros_or_none_nb(x):
    if _nb_none(x):
        return lambda x: None
    if _nb_scalar(x):
        return lambda x: 0.0
    return lambda x: np.zeros(x.shape)
