"""Rows of a batched output that an element builds its result in: destination passing for
``vmap``.

Where the rows of a batched output have the type of the array an element allocates and returns
(``rows_fit``, known when Numba compiles the batch loop), the loop calls ``f_into(k, out, ...)``:
the element function with that allocation replaced by row ``k`` of the output, ``v = out[k]``,
and a helper here that gives the row what the allocation would have held (zeros, a product's
adjoint, nothing for ``np.empty``) and says whether it has the allocation's shape. None of them
hands back an array: a compiled helper that returns one costs a reference count in and out per
call, more than writing a short row (per-example gradients, 1024 rows of 100: 87 -> 75 us).
"""

from __future__ import annotations

import numpy as np
from numba import types

from ._cache import overload, register_jitable
from ._common import _is_array, _nb_array, _nb_scalar
from .batching import copy_into
from .core import fill_zeros
from .linalg import matmul_adjoint_a, matmul_adjoint_b

__all__ = [
    "rows_fit",
    "zeros_into",
    "zeros_into_shape",
    "fits_like",
    "fits_shape",
    "matmul_adjoint_a_into",
    "matmul_adjoint_b_into",
]


def rows_fit(out, dtype) -> bool:
    """Whether the rows of ``out`` are arrays, C-ordered, of ``dtype`` (any, if None): the
    type of what the allocations built in place give."""
    return (
        isinstance(out, np.ndarray)
        and out.ndim >= 2
        and out.flags.c_contiguous
        and (dtype is None or out.dtype == dtype)
    )


@overload(rows_fit)
def _rows_fit(out, dtype):
    wanted = None if isinstance(dtype, (types.NoneType, types.Omitted)) else dtype
    if isinstance(wanted, types.NumberClass):
        wanted = wanted.instance_type
    fits = (
        isinstance(out, types.Array)
        and out.ndim >= 2
        and out.layout == "C"
        and (wanted is None or out.dtype == wanted)
    )
    return lambda out, dtype: fits


# -- zeros and empty arrays ------------------------------------------------------------------
def fits_like(row, like) -> bool:
    """Whether ``row`` has ``like``'s shape (what ``np.empty_like(like)`` would have)."""
    return _is_array(row) and np.shape(row) == np.shape(like)


def fits_shape(row, shape) -> bool:
    """Whether ``row`` has ``shape`` (an integer or a tuple, as ``np.empty`` takes)."""
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return _is_array(row) and np.shape(row) == shape


def zeros_into(row, like) -> bool:
    """``row`` as ``np.zeros_like(like)`` would be (zeroed), if it has ``like``'s shape."""
    return _zeroed_if(fits_like(row, like), row)


def zeros_into_shape(row, shape) -> bool:
    """``row`` as ``np.zeros(shape)`` would be (zeroed), if it has that shape."""
    return _zeroed_if(fits_shape(row, shape), row)


def _zeroed_if(fits: bool, row) -> bool:
    if fits:
        row[...] = 0
    return fits


@overload(fits_like)
def _fits_like(row, like):
    if not (_nb_array(row) and _nb_array(like) and row.ndim == like.ndim):
        return lambda row, like: False
    return lambda row, like: row.shape == like.shape


@overload(fits_shape)
def _fits_shape(row, shape):
    if isinstance(shape, types.Integer) and _nb_array(row) and row.ndim == 1:
        return lambda row, shape: row.shape == (shape,)
    if isinstance(shape, types.UniTuple) and isinstance(shape.dtype, types.Integer):
        if _nb_array(row) and row.ndim == shape.count:
            return lambda row, shape: row.shape == shape
    return lambda row, shape: False


def _zeroed_where(fits):
    """The overload of a zeroing form: ``fits(row, arg)`` tells whether to zero ``row``."""

    def typer(row, arg):
        if not _nb_array(row):
            return lambda row, arg: False

        def zeroed(row, arg):
            if not fits(row, arg):
                return False
            fill_zeros(row)
            return True

        return zeroed

    return typer


overload(zeros_into)(_zeroed_where(fits_like))
overload(zeros_into_shape)(_zeroed_where(fits_shape))


# -- adjoints of products --------------------------------------------------------------------
# The shares of a vector operand of a vector product (``g * other``, ``g`` a number) and of a
# matrix operand of a matrix-vector product (an outer product) are written into the row
# directly; the other products are computed as usual and copied in.
def matmul_adjoint_a_into(row, g, a, b) -> bool:
    """``row`` as :func:`matmul_adjoint_a` (the share of ``a`` in ``a @ b``) would be, if it
    has that shape."""
    return _share_into(row, matmul_adjoint_a(g, a, b))


def matmul_adjoint_b_into(row, g, a, b) -> bool:
    """``row`` as :func:`matmul_adjoint_b` (the share of ``b`` in ``a @ b``) would be, if it
    has that shape."""
    return _share_into(row, matmul_adjoint_b(g, a, b))


def _share_into(row, share) -> bool:
    if not _is_array(row) or np.shape(row) != np.shape(share):
        return False
    row[...] = share
    return True


@register_jitable
def _scaled_into(row, g, v, n):
    """``row = g * v``: a number times a vector, both of length ``n``."""
    for i in range(n):
        row[i] = g * v[i]


@register_jitable
def _outer_into(row, u, v):
    """``row = u v^T``."""
    for i in range(u.shape[0]):
        ui = u[i]
        for j in range(v.shape[0]):
            row[i, j] = ui * v[j]


@register_jitable
def _copied_into(row, share):
    if row.shape != share.shape:
        return False
    copy_into(row, share)
    return True


def _product_into_nb(fresh, of_a: bool):
    """The overload of a product adjoint's row-filling form: ``fresh(g, a, b)`` computes the
    share of ``a`` (``of_a``) or ``b`` in ``a @ b``."""

    def typer(row, g, a, b):
        operand, other = (a, b) if of_a else (b, a)
        if not (_nb_array(row) and _nb_array(a) and _nb_array(b) and row.ndim == operand.ndim):
            return lambda row, g, a, b: False
        if operand.ndim == 1 and other.ndim == 1 and _nb_scalar(g):
            if of_a:
                return _scaled_a
            return _scaled_b
        if operand.ndim == 2 and other.ndim == 1 and _nb_array(g) and g.ndim == 1:
            if of_a:
                return _outer_a
            return _outer_b
        return lambda row, g, a, b: _copied_into(row, fresh(g, a, b))

    return typer


# Each of these is an overload's implementation itself: a lambda that reorders the arguments
# of one shared function adds a call Numba does not inline (per-example gradients: 80 -> 100 us).
# The lengths are compared as one number `n`, the loop's bound: compared as shapes, with the
# loop running to `b.shape[0]`, Numba's code for the row took 20 ns more per call (per-example
# gradients, 1024 rows of 100: 69 -> 50 us, the batch loop holding the element function).
def _scaled_a(row, g, a, b):
    n = a.shape[0]
    if row.shape[0] != n or b.shape[0] != n:
        return False
    _scaled_into(row, g, b, n)
    return True


def _scaled_b(row, g, a, b):
    n = b.shape[0]
    if row.shape[0] != n or a.shape[0] != n:
        return False
    _scaled_into(row, g, a, n)
    return True


def _outer_a(row, g, a, b):  # a @ b, a a matrix: its share is the outer product of g and b
    if row.shape != a.shape or row.shape != (g.shape[0], b.shape[0]):
        return False
    _outer_into(row, g, b)
    return True


def _outer_b(row, g, a, b):  # a @ b, b a matrix: its share is the outer product of a and g
    if row.shape != b.shape or row.shape != (a.shape[0], g.shape[0]):
        return False
    _outer_into(row, a, g)
    return True


overload(matmul_adjoint_a_into)(_product_into_nb(matmul_adjoint_a, True))
overload(matmul_adjoint_b_into)(_product_into_nb(matmul_adjoint_b, False))
