"""Helpers of batched (``vmap``) code: slicing batch elements, allocating and moving axes.

Axes arrive as integer literals in the generated source; the overloads read them at typing
time (``prefer_literal``) so that every index tuple is built statically.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from ._cache import overload, register_jitable
from ._common import _is_array

__all__ = [
    "prange",
    "shape_of",
    "batch_empty",
    "put",
    "same_data",
    "borrowed",
    "element",
    "move_axis",
]

prange = numba.prange


def shape_of(x):
    """``x.shape``, and ``()`` for a scalar."""
    return np.shape(x)


@overload(shape_of)
def _shape_of(x):
    if isinstance(x, types.Array):
        return lambda x: x.shape
    return lambda x: ()


_TUPLE_OUTPUT = (
    "s2s.vmap: the function returns a tuple held in a variable; return a tuple literal "
    "instead (`a, b = ...` then `return a, b`) so that each output is batched"
)


def batch_empty(like, shape):
    """An uninitialised array of ``shape`` with the dtype of ``like`` (a batch element)."""
    if isinstance(like, tuple):
        from ..errors import BatchingError

        raise BatchingError(_TUPLE_OUTPUT)
    return np.empty(shape, dtype=np.asarray(like).dtype)


@overload(batch_empty)
def _batch_empty(like, shape):
    if isinstance(like, types.BaseTuple):
        raise numba.core.errors.TypingError(_TUPLE_OUTPUT)
    dtype = like.dtype if isinstance(like, types.Array) else like
    if isinstance(dtype, types.Boolean):
        dtype = types.bool_
    return lambda like, shape: np.empty(shape, dtype)


_SHAPES_DISAGREE = "s2s.vmap: batch elements return arrays of different shapes"


def put(out, b, value):
    """``out[b] = value``: one batch element's output at its place in the batch."""
    if np.shape(value) != out.shape[1:]:
        raise ValueError(_SHAPES_DISAGREE)
    out[b] = value


@overload(put)
def _put(out, b, value):
    if isinstance(value, types.Array) and value.ndim == 0:  # `np.array(s)`: its number
        return lambda out, b, value: _set(out, b, value[()])
    if isinstance(value, types.Array):
        # Element by element: Numba's slice assignment compiles seconds of string formatting
        # for the error it may raise.
        def copied(out, b, value):
            part = out[b]
            if part.shape != value.shape:
                raise ValueError(_SHAPES_DISAGREE)
            copy_into(part, value)

        return copied
    return lambda out, b, value: _set(out, b, value)


def same_data(a, b) -> bool:
    """Whether ``a`` and ``b`` are arrays whose data start at the same place: an element's
    result built in its row (``destinations.py``) is that row; a fresh array never is."""
    if not (_is_array(a) and _is_array(b)):
        return False
    return a.__array_interface__["data"][0] == b.__array_interface__["data"][0]


@intrinsic
def _same_data(typingctx, a, b):
    def never(context, builder, signature, args):
        return context.get_constant(types.boolean, False)

    def codegen(context, builder, signature, args):
        first = context.make_array(signature.args[0])(context, builder, args[0]).data
        second = context.make_array(signature.args[1])(context, builder, args[1]).data
        return builder.icmp_unsigned("==", first, builder.bitcast(second, first.type))

    arrays = isinstance(a, types.Array) and isinstance(b, types.Array)
    return types.boolean(a, b), codegen if arrays else never


@overload(same_data)
def _same_data_nb(a, b):
    return lambda a, b: _same_data(a, b)


def borrowed(part):
    """``part`` (an element or a row of an array the batched function holds), handed on
    without a reference of its own: in Numba, a view that counts no reference to its
    array's memory, as a parallel loop's body gets them. Each view made and dropped per
    batch element otherwise costs two atomic updates of the count (per-example gradients,
    1024 rows: 97 -> 82 us). The array outlives every use: the batch loop holds it, and what
    an element returns is copied into the output before the next element."""
    return part


@intrinsic
def _borrowed(typingctx, part):
    def codegen(context, builder, signature, args):
        view = context.make_array(signature.args[0])(context, builder, args[0])
        view.meminfo = cgutils.get_null_value(view.meminfo.type)
        view.parent = cgutils.get_null_value(view.parent.type)
        return view._getvalue()

    return part(part), codegen


@overload(borrowed)
def _borrowed_nb(part):
    if isinstance(part, types.Array):
        return lambda part: _borrowed(part)
    return lambda part: part


@register_jitable
def _set(out, b, value):
    out[b] = value


@register_jitable
def copy_into(part, value):
    """``part[...] = value`` for arrays of one shape, one element at a time."""
    for index in np.ndindex(value.shape):
        part[index] = value[index]


def _literal(axis):
    if isinstance(axis, types.IntegerLiteral):
        return axis.literal_value
    if isinstance(axis, int):
        return axis
    raise numba.core.errors.TypingError("s2s: batch axes must be integer constants")


def element(x, b, axis):
    """``x`` indexed by ``b`` along ``axis`` (the batch element ``b``)."""
    axis = axis % x.ndim
    return x[(slice(None),) * axis + (b,)]


@overload(element, prefer_literal=True)
def _element(x, b, axis):
    k = _literal(axis) % x.ndim
    if k == 0:
        return lambda x, b, axis: x[b]
    if k == 1:
        return lambda x, b, axis: x[:, b]
    if k == 2:
        return lambda x, b, axis: x[:, :, b]
    if k == 3:
        return lambda x, b, axis: x[:, :, :, b]
    raise numba.core.errors.TypingError("s2s: batch axes beyond the fourth are not supported")


def _out_axis_error(axis, ndim):
    return (
        f"s2s.vmap: out_axes={axis} is out of range for an output with {ndim} axes "
        f"(the batch axis included)"
    )


def move_axis(x, axis):
    """``x`` with its first axis moved to position ``axis`` (a view)."""
    if not -x.ndim <= axis < x.ndim:
        from ..errors import BatchingError

        raise BatchingError(_out_axis_error(axis, x.ndim))
    return np.moveaxis(x, 0, axis)


@overload(move_axis, prefer_literal=True)
def _move_axis(x, axis):
    if not -x.ndim <= _literal(axis) < x.ndim:
        raise numba.core.errors.TypingError(_out_axis_error(_literal(axis), x.ndim))
    k = _literal(axis) % x.ndim
    order = list(range(1, x.ndim))
    order.insert(k, 0)
    perm = tuple(order)
    return lambda x, axis: np.transpose(x, perm)
