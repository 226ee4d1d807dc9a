"""How a share reaches its adjoint: summed back to its operand's shape (``unbroadcast``), added
(``accumulate``; in place, ``accumulate_into`` and ``subtract_into``), added at an index
(``scatter_add``); and, in forward mode, a tangent spread to the shape an operand without one
broadcasts it to (``spread``).
"""

from __future__ import annotations

import numpy as np
from numba import types

from ._cache import overload, register_jitable
from ._common import _is_array, _nb_complex
from .core import save

__all__ = [
    "unbroadcast",
    "spread",
    "accumulate",
    "accumulate_into",
    "subtract_into",
    "scatter_add",
    "scatter_add_part",
    "stored_share",
    "kept_by",
    "dtype_zero",
]


# -- unbroadcast: sum a contribution back to the shape of its operand --------------------------
def _real_for(share, target):
    """``share``, or its real part where it is complex and ``target`` is real."""
    return np.real(share) if np.iscomplexobj(share) and not np.iscomplexobj(target) else share


def unbroadcast(g, x):
    """Sum ``g`` over the axes along which ``x`` was broadcast, giving ``x``'s shape. A real
    ``x`` takes the real part of a complex ``g``: it varies along the real line only."""
    g = _real_for(g, x)
    if not _is_array(x):
        return np.sum(g).item() if _is_array(g) else g
    if not _is_array(g):
        return np.full(x.shape, g, dtype=np.result_type(x.dtype, np.float64))
    if g.shape == x.shape:
        return g
    if g.ndim < x.ndim:
        return np.broadcast_to(g, x.shape).astype(np.float64)
    lead = g.ndim - x.ndim
    g = g.sum(axis=tuple(range(lead))) if lead else g
    axes = tuple(k for k, n in enumerate(x.shape) if n == 1 and g.shape[k] != 1)
    return g.sum(axis=axes, keepdims=True) if axes else g


def _add_unbroadcast(out, g):
    """Python stand-in; only the Numba version below is used."""
    raise NotImplementedError


@overload(_add_unbroadcast)
def _add_unbroadcast_nb(out, g):
    if out.ndim == 2 and g.ndim == 2:

        def matrix(out, g):  # a row (1, n) or a column (m, 1) summed from (m, n): one pass
            m, n = g.shape
            if out.shape[0] == 1 and out.shape[1] == n:
                # Four rows at a time: a quarter of the dependent updates of the row, which
                # bound the loop when n is small (1000 x 5: 5.1 -> 2.8 us).
                row = out[0]
                i = 0
                while i + 4 <= m:
                    for j in range(n):
                        row[j] += (g[i, j] + g[i + 1, j]) + (g[i + 2, j] + g[i + 3, j])
                    i += 4
                for rest in range(i, m):
                    for j in range(n):
                        row[j] += g[rest, j]
            elif out.shape[1] == 1 and out.shape[0] == m:
                for i in range(m):
                    total = 0.0
                    for j in range(n):
                        total += g[i, j]
                    out[i, 0] += total
            else:
                _add_unbroadcast_any(out, g)

        return matrix
    return lambda out, g: _add_unbroadcast_any(out, g)


@register_jitable
def _add_unbroadcast_any(out, g):
    """``out += g`` summed over the axes along which ``out``'s shape was broadcast to ``g``'s,
    and spread along those along which ``g``'s was broadcast to ``out``'s (as NumPy's
    ``out += unbroadcast(g, out)``: ``(3,) += (1,)`` adds the one entry to each)."""
    shape = np.broadcast_shapes(out.shape, g.shape)
    if shape == g.shape:
        _add_summed(out, g)
    else:
        _add_summed(out, np.broadcast_to(g, shape))


@register_jitable
def _add_summed(out, g):
    """``out += g`` summed over the axes along which ``out``'s shape was broadcast to ``g``'s.

    Written as loops over ``np.ndindex``: Numba compiles this several times faster than the
    equivalent array expressions, and derivative code calls it for every shape it meets.
    """
    flat = out.reshape(-1)
    lead = g.ndim - out.ndim
    for idx in np.ndindex(g.shape):
        q = 0
        for k in range(out.ndim):
            q *= out.shape[k]
            if out.shape[k] != 1:
                q += idx[lead + k]
        flat[q] += g[idx]


@overload(unbroadcast)
def _unbroadcast(g, x):
    if _nb_complex(g) and not _nb_complex(x):
        if isinstance(g, types.Array):  # the real parts as an array of their own, not a view
            return lambda g, x: unbroadcast(np.ascontiguousarray(np.real(g)), x)
        return lambda g, x: unbroadcast(np.real(g), x)
    if isinstance(x, types.Array):
        dtype = types.complex128 if _nb_complex(x) else types.float64
        if isinstance(g, types.Array) and g.ndim < x.ndim:

            def spread(g, x):
                out = np.zeros(x.shape, dtype)
                _add_unbroadcast(out, np.broadcast_to(g, x.shape))
                return out

            return spread
        if isinstance(g, types.Array) and g.ndim == x.ndim and g.dtype == dtype:

            def same_or_summed(g, x):  # as in Python: ``g`` itself when nothing was broadcast
                if g.shape == x.shape:
                    return g
                out = np.zeros(x.shape, dtype)
                _add_unbroadcast(out, g)
                return out

            return same_or_summed
        if isinstance(g, types.Array):

            def summed(g, x):
                out = np.zeros(x.shape, dtype)
                _add_unbroadcast(out, g)
                return out

            return summed

        def filled(g, x):
            out = np.empty(x.shape, dtype)
            out.reshape(-1)[:] = g
            return out

        return filled
    if isinstance(g, types.Array):
        return lambda g, x: np.sum(g)
    return lambda g, x: g


# -- spread: a tangent broadcast against an operand that has none ------------------------------
def spread(t, other):
    """The tangent ``t`` broadcast against ``other``, an operand without a tangent: in
    ``a + b`` with only ``a`` moving, ``da`` alone has ``a``'s shape, the sum ``b``'s too."""
    shape = np.broadcast_shapes(np.shape(t), np.shape(other))
    if shape == np.shape(t):
        return t
    return np.array(
        np.broadcast_to(t, shape), dtype=np.result_type(np.asarray(t).dtype, np.float32)
    )


@overload(spread)
def _spread(t, other):
    if not isinstance(other, types.Array):
        return lambda t, other: t
    if not isinstance(t, types.Array):
        return lambda t, other: np.full(other.shape, t)
    if other.ndim > t.ndim:
        return lambda t, other: np.broadcast_to(t, np.broadcast_shapes(t.shape, other.shape)).copy()

    def same_rank(t, other):
        shape = np.broadcast_shapes(t.shape, other.shape)
        if shape == t.shape:
            return t
        return np.broadcast_to(t, shape).copy()

    return same_rank


def accumulate(total, share):
    """``total + share``, with ``share`` first summed to ``total``'s shape (broadcasting)."""
    return total + unbroadcast(share, total)


@overload(accumulate)
def _accumulate(total, share):
    if isinstance(total, types.Array):  # a new array: accumulate_into on a copy
        return lambda total, share: accumulate_into(total.copy(), share)
    return lambda total, share: accumulate_into(total, share)


def accumulate_into(total, share):
    """:func:`accumulate`, adding into ``total`` in place when it is an array.

    Derivative code calls it on the adjoints it owns (allocated by ``zeros_like`` and never
    shared with another variable), so no other value sees the update.
    """
    if _is_array(total):
        total += unbroadcast(share, total)
        return total
    return total + unbroadcast(share, total)


@overload(accumulate_into)
def _accumulate_into(total, share):
    if _nb_complex(share) and not _nb_complex(total):
        return lambda total, share: accumulate_into(total, np.real(share))
    if isinstance(total, types.Array):
        if isinstance(share, types.Array) and share.ndim < total.ndim:

            def spread(total, share):
                _add_unbroadcast(total, np.broadcast_to(share, total.shape))
                return total

            return spread
        if isinstance(share, types.Array) and share.ndim == total.ndim and share.layout == "C":
            if total.ndim == 1:

                def added_vector(total, share):  # the commonest: no reshaped views to count
                    n = total.shape[0]
                    if share.shape[0] != n:
                        _add_unbroadcast(total, share)
                        return total
                    for k in range(n):
                        total[k] += share[k]
                    return total

                return added_vector

            def added(total, share):
                if share.shape != total.shape:
                    _add_unbroadcast(total, share)
                    return total
                flat, source = total.reshape(-1), share.reshape(-1)  # the common case
                for k in range(flat.size):
                    flat[k] += source[k]
                return total

            return added
        if isinstance(share, types.Array):

            def summed(total, share):
                _add_unbroadcast(total, share)
                return total

            return summed

        def shifted(total, share):
            flat = total.reshape(-1)
            for k in range(flat.size):
                flat[k] += share
            return total

        return shifted
    if isinstance(share, types.Array):
        return lambda total, share: total + np.sum(share)
    return lambda total, share: total + share


def subtract_into(total, share):
    """``accumulate_into(total, -share)`` without the negated temporary: ``share`` is summed to
    ``total``'s shape first, then subtracted (in place when ``total`` is an array)."""
    if _is_array(total):
        total -= unbroadcast(share, total)
        return total
    return total - unbroadcast(share, total)


@overload(subtract_into)
def _subtract_into(total, share):
    if _nb_complex(share) and not _nb_complex(total):
        return lambda total, share: subtract_into(total, np.real(share))
    if isinstance(total, types.Array):
        if isinstance(share, types.Array) and share.ndim == total.ndim and share.layout == "C":
            if total.ndim == 1:

                def subtracted_vector(total, share):
                    n = total.shape[0]
                    if share.shape[0] != n:
                        return accumulate_into(total, -share)
                    for k in range(n):
                        total[k] -= share[k]
                    return total

                return subtracted_vector

            def subtracted(total, share):
                if share.shape != total.shape:
                    return accumulate_into(total, -share)
                flat, source = total.reshape(-1), share.reshape(-1)
                for k in range(flat.size):
                    flat[k] -= source[k]
                return total

            return subtracted
        return lambda total, share: accumulate_into(total, -share)
    if isinstance(share, types.Array):
        return lambda total, share: total - np.sum(share)
    return lambda total, share: total - share


# -- scatter_add: the adjoint of reading x[index] --------------------------------------------
def scatter_add(total, index, share):
    """``total[index] += share``, adding up repeated entries of an integer-array index.

    Under Numba, a part of ``total`` that basic indexing takes (slices, ``None`` and integers,
    ``total[None, :]``) is added into as a view: the same result, without Numba's
    slice-assignment code, whose error message alone takes seconds to compile."""
    share = _real_for(share, total)
    if isinstance(index, np.ndarray) and index.dtype.kind in "iu":
        np.add.at(total, index, share)
    else:
        total[index] += share


@overload(scatter_add)
def _scatter_add(total, index, share):
    if _nb_complex(share) and not _nb_complex(total):
        return lambda total, index, share: scatter_add(total, index, np.real(share))
    if isinstance(index, types.Array) and isinstance(index.dtype, types.Integer):
        if isinstance(share, types.Array):

            def impl(total, index, share):
                for k in range(index.shape[0]):
                    total[index[k]] += share[k]

            return impl

        def impl_scalar(total, index, share):
            for k in range(index.shape[0]):
                total[index[k]] += share

        return impl_scalar

    if _nb_view_index(index, total) and isinstance(share, types.Array):

        def view(total, index, share):
            part = total[index]
            part += share

        return view

    def plain(total, index, share):
        total[index] += share

    return plain


# -- scatter_add_part: the adjoint of reading x[part][index] -----------------------------------
def scatter_add_part(total, part, index, share):
    """``total[part][index] += share``: the share of a chained read ``x[part][index]`` (as in
    ``X[i][0]``) added into ``x``'s adjoint ``total`` through the view ``total[part]``, with no
    adjoint of the part itself. Where ``part`` is not basic indexing (an index array), its part
    is a copy: the share is added into a gathered part, then that part into ``total``."""
    if _basic(part) or not isinstance(total, np.ndarray):  # (a list's entry: its own array)
        scatter_add(total[part], index, share)
    else:
        gathered = np.zeros_like(total[part])
        scatter_add(gathered, index, share)
        scatter_add(total, part, gathered)


def _basic(part) -> bool:
    parts = part if isinstance(part, tuple) else (part,)
    return all(p is None or isinstance(p, (int, np.integer, slice, type(Ellipsis))) for p in parts)


@overload(scatter_add_part)
def _scatter_add_part(total, part, index, share):
    parts = part.types if isinstance(part, types.BaseTuple) else (part,)
    basic = (types.Integer, types.SliceType, types.NoneType, types.EllipsisType)
    if all(isinstance(p, basic) for p in parts) or not isinstance(total, types.Array):

        def through_view(total, part, index, share):
            scatter_add(total[part], index, share)

        return through_view

    def through_copy(total, part, index, share):
        gathered = np.zeros_like(total[part])
        scatter_add(gathered, index, share)
        scatter_add(total, part, gathered)

    return through_copy


# -- stored_share: the adjoint of the value written by x[index] = v -----------------------------
def stored_share(g, index):
    """``g[index]`` (a copy), the share of ``v`` in ``x[index] = v``. Where integer-array
    indices name a position twice, the last write is the one that stays (NumPy and Numba
    write in order): the earlier ones get zero."""
    part = save(g[index])
    parts = index if isinstance(index, tuple) else (index,)
    if any(_integer_array(p) for p in parts) and np.size(part) > 1:
        taken = np.arange(g.size).reshape(g.shape)[index].reshape(-1)
        _, last = np.unique(taken[::-1], return_index=True)
        overwritten = np.ones(taken.size, dtype=bool)
        overwritten[taken.size - 1 - last] = False
        part.reshape(-1)[overwritten] = 0
    return part


def _integer_array(p) -> bool:
    return isinstance(p, (np.ndarray, list)) and np.asarray(p).dtype.kind in "iu"


@overload(stored_share)
def _stored_share(g, index):
    parts = index.types if isinstance(index, types.BaseTuple) else (index,)
    arrays = [t for t in parts if isinstance(t, types.Array)]
    if not any(isinstance(t.dtype, types.Integer) for t in arrays):
        return lambda g, index: save(g[index])  # (positions cannot repeat)
    if len(parts) == 1 and index.ndim == 1:  # y[idx] = v: one pass, no array of positions
        return lambda g, index: _last_kept(g[index], index, g.shape[0])
    numbers = [isinstance(t, types.Integer) for t in parts]
    if len(arrays) == 1 and arrays[0].ndim == 1 and sum(numbers) == len(parts) - 1:
        # y[i, idx] = v, integers around one index array: the positions repeat where it does
        axis = numbers.index(False)
        return lambda g, index: _last_kept(g[index], index[axis], g.shape[axis])

    def last_written_anywhere(g, index):
        part = np.ascontiguousarray(g[index])
        taken = np.arange(g.size).reshape(g.shape)[index].ravel()
        flat = part.reshape(-1)
        seen = np.zeros(g.size, np.bool_)
        for k in range(taken.size - 1, -1, -1):
            if seen[taken[k]]:
                flat[k] = 0
            seen[taken[k]] = True
        return part

    return last_written_anywhere


# -- kept_by: what an array keeps of the derivative of a value written into it ---------------
def kept_by(a, g):
    """``g``, the share or tangent of a value written into ``a``, where ``a`` keeps it: zero
    where ``a`` holds integers or booleans, into which the write truncates the value. ``a``
    may be a zero of the array's dtype instead (``dtype_zero``)."""
    if isinstance(a, (np.ndarray, np.generic)) and a.dtype.kind in "biu":
        return np.zeros_like(g, dtype=np.float64) if _is_array(g) else 0.0
    return g  # (a Python list holds what it is given)


def dtype_zero(a):
    """A zero of ``a``'s dtype: what ``kept_by`` needs of an array that its name may no longer
    hold by the reverse sweep."""
    return a.dtype.type(0) if isinstance(a, np.ndarray) else 0.0  # (a Python list: any)


@overload(dtype_zero)
def _dtype_zero(a):
    kind = a.dtype if isinstance(a, (types.Array, types.List)) else None
    if isinstance(kind, (types.Integer, types.Boolean, types.Float, types.Complex)):
        return lambda a: kind(0)
    return lambda a: 0.0


@overload(kept_by)
def _kept_by(a, g):
    dtype = a.dtype if isinstance(a, (types.Array, types.List)) else a
    if not isinstance(dtype, (types.Integer, types.Boolean)):
        return lambda a, g: g
    if isinstance(g, types.Array):
        return lambda a, g: np.zeros(g.shape)
    return lambda a, g: 0.0


@register_jitable
def _last_kept(part, along, extent):
    """``part`` (a copy, one entry per entry of the index array ``along`` into an axis of
    ``extent``) with zeros where a later entry of ``along`` names the same position."""
    seen = np.zeros(extent, np.bool_)
    for k in range(along.shape[0] - 1, -1, -1):
        at = along[k] if along[k] >= 0 else along[k] + extent
        if seen[at]:
            part[k] = 0
        seen[at] = True
    return part


def _nb_view_index(index, total) -> bool:
    """Whether ``total[index]`` (Numba types) is a view: basic indexing with a slice or None,
    or integers fewer than ``total``'s dimensions (a row of a matrix)."""
    parts = index.types if isinstance(index, types.BaseTuple) else (index,)
    basic = all(isinstance(t, (types.Integer, types.SliceType, types.NoneType)) for t in parts)
    if not basic:
        return False
    if any(isinstance(t, (types.SliceType, types.NoneType)) for t in parts):
        return True
    return isinstance(total, types.Array) and len(parts) < total.ndim
