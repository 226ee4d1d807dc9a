"""Helpers of Jacobians, assembled column by column (forward mode) or row by row (reverse
mode), and the unit tangent that seeds a forward-mode gradient.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import types

from ._cache import overload, register_jitable
from ._common import _is_array, _nb_any_complex, _nb_complex
from .batching import copy_into

__all__ = [
    "size",
    "basis",
    "jacobian_like",
    "real_rows",
    "real_columns",
    "set_column",
    "set_row",
    "jacobian_result",
    "group_seed",
    "set_group",
    "unit_tangent",
]


# -- Jacobians assembled from columns (forward mode) or rows (reverse mode) --------------------
def size(x):
    """Number of entries of ``x`` (1 for a scalar)."""
    return int(np.size(x))


@overload(size)
def _size(x):
    if isinstance(x, types.Array):
        return lambda x: x.size
    return lambda x: 1


def basis(x, k):
    """The ``k``-th unit vector shaped like ``x`` (1.0 for a scalar)."""
    if _is_array(x):
        e = np.zeros(x.shape)
        e.reshape(-1)[k] = 1.0
        return e
    return 1.0


@overload(basis)
def _basis(x, k):
    if isinstance(x, types.Array):

        def impl(x, k):
            e = np.zeros(x.shape)
            e.reshape(-1)[k] = 1.0
            return e

        return impl
    return lambda x, k: 1.0


def jacobian_like(out, x):
    """Zeros of shape ``out.shape + x.shape``, as a 2-D view ``(out.size, x.size)`` and the
    full array: complex where ``out`` (a column's tangent) or ``x`` (whose adjoints are the
    rows) is, float64 otherwise."""
    dtype = np.complex128 if np.iscomplexobj(out) or np.iscomplexobj(x) else np.float64
    full = np.zeros(np.shape(out) + np.shape(x), dtype)
    return full.reshape(size(out), size(x)), full


@overload(jacobian_like)
def _jacobian_like(out, x):
    dtype = np.complex128 if _nb_any_complex(out, x) else np.float64

    def impl(out, x):
        full = np.zeros(np.shape(out) + np.shape(x), dtype)
        return full.reshape((size(out), size(x))), full

    return impl


_COMPLEX_ROWS = (
    "jacrev requires a function with a real output, but it returns complex values: the rows "
    "it computes, adjoints of real inputs, would keep their real parts only; use jacfwd, or "
    "take the output's real and imaginary parts (np.real, np.imag)"
)
_COMPLEX_COLUMNS = (
    "jacfwd and hessian take real arguments, as in JAX: forward mode along the real "
    "directions of a complex one would leave out the imaginary ones; use grad, jacrev or vjp "
    "(complex arguments get conjugate gradients), or pass real and imaginary parts apart"
)


def real_rows(out):
    """Nothing for a real output; for a complex one, ``jacrev``'s error (as in JAX)."""
    if np.iscomplexobj(out):
        raise TypeError(_COMPLEX_ROWS)


def real_columns(x):
    """Nothing for a real argument; for a complex one, the error of a Jacobian by forward
    mode, whose columns are the argument's real directions only (as in JAX)."""
    if np.iscomplexobj(x):
        raise TypeError(_COMPLEX_COLUMNS)


def _refusing_complex(message: str):
    """The overload of a check that ``x`` is real: nothing, or a raise of ``message``."""

    def overloaded(x):
        if not _nb_complex(x):
            return lambda x: None

        def fail(x):
            if x is not None:  # always: a raise the typer cannot see through
                raise TypeError(message)

        return fail

    return overloaded


overload(real_rows)(_refusing_complex(_COMPLEX_ROWS))
overload(real_columns)(_refusing_complex(_COMPLEX_COLUMNS))


_SIZE = "s2s: a derivative has another size than its row or column of the Jacobian"


def set_column(flat, k, tangent):
    """Column ``k`` of a Jacobian: the tangent along the ``k``-th input direction."""
    flat[:, k] = np.ravel(tangent)


@overload(set_column)
def _set_column(flat, k, tangent):
    if isinstance(tangent, types.Array):
        return lambda flat, k, tangent: _fill(flat[:, k], tangent)

    def scalar(flat, k, tangent):
        flat[0, k] = tangent

    return scalar


def set_row(flat, k, adjoint):
    """Row ``k`` of a Jacobian: the adjoint of the ``k``-th output."""
    flat[k, :] = np.ravel(adjoint)


@overload(set_row)
def _set_row(flat, k, adjoint):
    if isinstance(adjoint, types.Array):
        return lambda flat, k, adjoint: _fill(flat[k], adjoint)

    def scalar(flat, k, adjoint):
        flat[k, 0] = adjoint

    return scalar


@register_jitable
def _fill(part, derivative):
    """A row or column of the Jacobian set to a derivative's values, one at a time (see
    ``batching.put``)."""
    values = np.ravel(derivative)
    if values.shape != part.shape:
        raise ValueError(_SIZE)
    copy_into(part, values)


# -- sparse Jacobians: groups of columns (rows) that share no row (column), see s2s.sparsity --
_PATTERN_SHAPE = "s2s: the sparsity pattern's shape is not the Jacobian's (output size, input size)"
_OUTSIDE = "s2s: the Jacobian has a non-zero entry where the sparsity pattern says it is zero"


def group_seed(x, seeds, g):
    """The seed of group ``g`` (a row of ``seeds``) shaped like ``x``: the sum of the unit
    vectors of the group's columns (1.0 or 0.0 for a scalar)."""
    if np.size(x) != seeds.shape[1]:
        raise ValueError(_PATTERN_SHAPE)
    if _is_array(x):
        return seeds[g].reshape(np.shape(x)).copy()
    return float(seeds[g, 0])


@overload(group_seed)
def _group_seed(x, seeds, g):
    if isinstance(x, types.Array):

        def impl(x, seeds, g):
            if x.size != seeds.shape[1]:
                raise ValueError(_PATTERN_SHAPE)
            return seeds[g].copy().reshape(x.shape)

        return impl

    def scalar(x, seeds, g):
        if seeds.shape[1] != 1:
            raise ValueError(_PATTERN_SHAPE)
        return seeds[g, 0]

    return scalar


def set_group(flat, g, derivative, entries, starts, reached):
    """Put the entries of group ``g`` from one pass's ``derivative`` (the sum of the group's
    columns, or rows) into the Jacobian; a non-zero anywhere the group cannot reach is an
    error in the pattern."""
    _set_group(flat, g, np.ravel(np.asarray(derivative)), entries, starts, reached)


@overload(set_group)
def _set_group_overload(flat, g, derivative, entries, starts, reached):
    if isinstance(derivative, types.Array):
        return lambda flat, g, derivative, entries, starts, reached: _set_group(
            flat, g, derivative.ravel(), entries, starts, reached
        )
    return lambda flat, g, derivative, entries, starts, reached: _set_group(
        flat, g, np.full(1, derivative), entries, starts, reached
    )


# A pass sums its group's columns in another order than one column at a time: an entry zero
# for each column alone (0.1 - 0.1) may come out as rounding ((0.1 + 0.2) - 0.1 - 0.2).
_ROUNDING = 1e-12


@register_jitable
def _set_group(flat, g, values, entries, starts, reached):
    if values.shape[0] != reached.shape[1]:
        raise ValueError(_PATTERN_SHAPE)
    largest = 0.0
    for i in range(values.shape[0]):
        if abs(values[i]) > largest:  # (not a NaN)
            largest = abs(values[i])
    for i in range(values.shape[0]):
        if not reached[g, i] and not abs(values[i]) <= _ROUNDING * largest:
            raise ValueError(_OUTSIDE)
    for e in range(starts[g], starts[g + 1]):
        flat[entries[0, e], entries[1, e]] = values[entries[2, e]]


def jacobian_result(full):
    """The Jacobian: a number (float, or complex) when both the input and the output are
    scalars."""
    return full[()].item() if full.ndim == 0 else full


@overload(jacobian_result)
def _jacobian_result(full):
    if full.ndim == 0:
        return lambda full: full[()]
    return lambda full: full


def unit_tangent(x):
    """1.0: the tangent of a scalar argument in a forward-mode gradient (arrays: an error)."""
    if _is_array(x):
        raise TypeError("s2s: on the GPU, gradients are taken with respect to scalar arguments")
    return np.float32(1.0) if isinstance(x, np.float32) else 1.0


@overload(unit_tangent)
def _unit_tangent(x):
    if isinstance(x, types.Array):
        raise numba.core.errors.TypingError(
            "s2s: on the GPU, gradients are taken with respect to scalar arguments"
        )
    if x == types.float32:  # keep single precision single
        return lambda x: np.float32(1.0)
    return lambda x: 1.0
