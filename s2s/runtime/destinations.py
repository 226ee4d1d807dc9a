"""Allocations that hand back a row of a batched output: destination passing for ``vmap``.

The batch loop of ``vmap`` calls ``f_into(k, out, ...)``: the per-element function with the
allocation of the array it returns spelled as one of the helpers here, which take the batched
output ``out`` and the element ``k`` in front of the allocation's own arguments. Where row
``k`` of ``out`` has the type the allocation would give (checked at typing time) and its shape
(checked when it runs), the row is filled and handed back, so the element's result is built
where it belongs and ``put`` finds nothing to copy; otherwise the helper allocates as before.
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from ._common import _is_array, _nb_array, _nb_scalar
from .core import cleared, zeros_like
from .linalg import matmul_adjoint_a, matmul_adjoint_b

__all__ = [
    "zeros_like_at",
    "zeros_at",
    "empty_at",
    "np_zeros_like_at",
    "np_empty_like_at",
    "matmul_adjoint_a_at",
    "matmul_adjoint_b_at",
]


def _row(out, k, shape, dtype):
    """Row ``k`` of ``out`` if it is a C-ordered row of ``dtype`` and ``shape``, else None."""
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    fits = isinstance(out, np.ndarray) and out.flags.c_contiguous and out.dtype == dtype
    if fits and len(shape) >= 1 and out.shape[1:] == shape:
        return out[k]
    return None


def _fits(out, ndim: int, dtype) -> bool:
    """At typing time: whether a row of ``out`` has the type of a fresh C array of ``ndim``
    dimensions and ``dtype`` (what the allocations here give)."""
    return (
        isinstance(out, types.Array)
        and out.layout == "C"
        and ndim >= 1
        and out.ndim == ndim + 1
        and out.dtype == dtype
    )


# -- zeros and empty arrays ------------------------------------------------------------------
def zeros_like_at(out, k, x):
    """``_s2s.zeros_like(x)`` (float64 zeros of ``x``'s shape), in row ``k`` of ``out``."""
    if not _is_array(x):
        return zeros_like(x)
    return _in_row(out, k, x.shape, np.float64, lambda: zeros_like(x), True)


def zeros_at(out, k, shape):
    """``np.zeros(shape)``, in row ``k`` of ``out``."""
    return _in_row(out, k, shape, np.float64, lambda: np.zeros(shape), True)


def empty_at(out, k, shape):
    """``np.empty(shape)``, in row ``k`` of ``out``."""
    return _in_row(out, k, shape, np.float64, lambda: np.empty(shape), False)


def np_zeros_like_at(out, k, x):
    """``np.zeros_like(x)`` (``x``'s dtype), in row ``k`` of ``out``."""
    if not _is_array(x):
        return np.zeros_like(x)
    return _in_row(out, k, x.shape, x.dtype, lambda: np.zeros_like(x), True)


def np_empty_like_at(out, k, x):
    """``np.empty_like(x)``, in row ``k`` of ``out``."""
    if not _is_array(x):
        return np.empty_like(x)
    return _in_row(out, k, x.shape, x.dtype, lambda: np.empty_like(x), False)


def _in_row(out, k, shape, dtype, fresh, zeroed: bool):
    """Row ``k`` of ``out`` (zeroed if asked) where it is a row of ``shape`` and ``dtype``;
    else ``fresh()``."""
    row = _row(out, k, shape, dtype)
    if row is None:
        return fresh()
    return cleared(row) if zeroed else row


def _allocation_at(fresh, zeroed: bool, made):
    """The overload of an allocation's row-taking form: ``fresh(arg)`` allocates, zeroed
    or not; ``made(arg)`` says at typing time the dimensions and dtype of what it makes and
    the jitted function of ``arg`` that gives its shape (None: never a row)."""

    def typer(out, k, arg):
        found = made(arg)
        if found is None or not _fits(out, found[0], found[1]):
            return lambda out, k, arg: fresh(arg)
        shape_of = found[2]

        def at(out, k, arg):
            row = out[k]
            if row.shape != shape_of(arg):
                return fresh(arg)
            if zeroed:
                cleared(row)
            return row

        return at

    return typer


_shape_of_array = register_jitable(lambda x: x.shape)
_shape_of_count = register_jitable(lambda n: (n,))
_shape_of_tuple = register_jitable(lambda shape: shape)


def _array_of(dtype):
    """``made`` for an allocation like an array: its dimensions, ``dtype`` (None: its own)."""
    return lambda x: (x.ndim, dtype or x.dtype, _shape_of_array) if _nb_array(x) else None


def _of_shape(shape):
    """``made`` for an allocation of float64 of a shape: an integer or a tuple of them."""
    if isinstance(shape, types.Integer):
        return 1, types.float64, _shape_of_count
    if isinstance(shape, types.UniTuple) and isinstance(shape.dtype, types.Integer):
        return shape.count, types.float64, _shape_of_tuple
    return None


overload(zeros_like_at)(_allocation_at(zeros_like, True, _array_of(types.float64)))
overload(zeros_at)(_allocation_at(np.zeros, True, _of_shape))
overload(empty_at)(_allocation_at(np.empty, False, _of_shape))
overload(np_zeros_like_at)(_allocation_at(np.zeros_like, True, _array_of(None)))
overload(np_empty_like_at)(_allocation_at(np.empty_like, False, _array_of(None)))


# -- adjoints of products --------------------------------------------------------------------
# The shares of a vector operand of a vector product (``g * other``, ``g`` a number) and of
# a matrix operand of a matrix-vector product (an outer product) are written into the row
# directly; the other products keep their own allocation (BLAS), then ``put`` copies.
def matmul_adjoint_a_at(out, k, g, a, b):
    """:func:`matmul_adjoint_a` (the share of ``a`` in ``a @ b``), in row ``k`` of ``out``."""
    return _share_at(out, k, a, matmul_adjoint_a(g, a, b))


def matmul_adjoint_b_at(out, k, g, a, b):
    """:func:`matmul_adjoint_b` (the share of ``b`` in ``a @ b``), in row ``k`` of ``out``."""
    return _share_at(out, k, b, matmul_adjoint_b(g, a, b))


def _share_at(out, k, operand, share):
    """``share`` (of ``operand``) copied into row ``k`` of ``out`` where it fits."""
    row = _row(out, k, np.shape(operand), np.float64) if _is_array(operand) else None
    if row is None:
        return share
    row[...] = share
    return row


@register_jitable
def _scaled_into(row, g, v):
    """``row = g * v``: a number times a vector."""
    for i in range(v.shape[0]):
        row[i] = g * v[i]


@register_jitable
def _outer_into(row, u, v):
    """``row = u v^T``."""
    for i in range(u.shape[0]):
        ui = u[i]
        for j in range(v.shape[0]):
            row[i, j] = ui * v[j]


def _product_at_nb(fresh, operand_of, other_of, outer_of):
    """The overload of a product adjoint's row-taking form: ``fresh(g, a, b)`` allocates the
    share; the share is of ``operand_of(a, b)``, ``g`` times ``other_of(a, b)`` for vectors,
    the outer product of ``outer_of(g, a, b)`` for a matrix and a vector."""

    def typer(out, k, g, a, b):
        operand, other = operand_of(a, b), other_of(a, b)
        if not (_nb_array(a) and _nb_array(b) and _fits(out, operand.ndim, types.float64)):
            return lambda out, k, g, a, b: fresh(g, a, b)
        if operand.ndim == 1 and other.ndim == 1 and _nb_scalar(g):

            def scaled(out, k, g, a, b):
                row, vector = out[k], other_of(a, b)
                if row.shape != operand_of(a, b).shape or vector.shape != row.shape:
                    return fresh(g, a, b)
                _scaled_into(row, g, vector)
                return row

            return scaled
        if operand.ndim == 2 and other.ndim == 1 and _nb_array(g) and g.ndim == 1:

            def outer(out, k, g, a, b):
                row, (u, v) = out[k], outer_of(g, a, b)
                if row.shape != operand_of(a, b).shape or row.shape != (u.shape[0], v.shape[0]):
                    return fresh(g, a, b)
                _outer_into(row, u, v)
                return row

            return outer
        return lambda out, k, g, a, b: fresh(g, a, b)

    return typer


_first, _second = register_jitable(lambda a, b: a), register_jitable(lambda a, b: b)
overload(matmul_adjoint_a_at)(
    _product_at_nb(matmul_adjoint_a, _first, _second, register_jitable(lambda g, a, b: (g, b)))
)
overload(matmul_adjoint_b_at)(
    _product_at_nb(matmul_adjoint_b, _second, _first, register_jitable(lambda g, a, b: (a, g)))
)
