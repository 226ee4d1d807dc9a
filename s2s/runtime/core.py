"""Helpers that generated derivative code calls: zeros, broadcasting, saving, checks."""

from __future__ import annotations

import numba
import numpy as np
from numba import types
from numba.extending import overload, register_jitable

__all__ = [
    "zeros_like",
    "unbroadcast",
    "save",
    "scalar_output",
    "cast_like",
    "ones_like",
    "in_range",
    "grad_seed",
    "accumulate",
    "norm_adjoint",
    "scatter_add",
    "extent",
    "rows",
    "cols",
    "lower_triangle_adjoint",
    "sum_along",
    "mean_along",
    "cholesky_tangent",
    "norm_adjoint_tangent",
    "size",
    "basis",
    "jacobian_like",
    "set_column",
    "set_row",
    "jacobian_result",
    "cumsum_along",
    "unit_tangent",
]


def _is_array(x) -> bool:
    return isinstance(x, np.ndarray)


# -- zeros_like: the zero adjoint of a value ---------------------------------------------------
def zeros_like(x):
    """0.0 for a scalar, a float64 array of zeros for an array (adjoints are float64)."""
    if _is_array(x):
        return np.zeros(x.shape)
    if isinstance(x, tuple):
        return tuple(zeros_like(v) for v in x)
    return 0.0


@overload(zeros_like)
def _zeros_like(x):
    if isinstance(x, types.Array):
        return lambda x: np.zeros(x.shape)
    if isinstance(x, types.Number) or isinstance(x, types.Boolean):
        return lambda x: 0.0


def ones_like(x):
    """1.0 for a scalar, an array of ones for an array."""
    if _is_array(x):
        return np.ones(x.shape)
    return 1.0


@overload(ones_like)
def _ones_like(x):
    if isinstance(x, types.Array):
        return lambda x: np.ones(x.shape)
    if isinstance(x, types.Number):
        return lambda x: 1.0


# -- unbroadcast: sum a contribution back to the shape of its operand --------------------------
def unbroadcast(g, x):
    """Sum ``g`` over the axes along which ``x`` was broadcast, giving ``x``'s shape."""
    if not _is_array(x):
        return float(np.sum(g)) if _is_array(g) else g
    if not _is_array(g):
        return np.full(x.shape, g, dtype=np.float64)
    if g.shape == x.shape:
        return g
    lead = g.ndim - x.ndim
    g = g.sum(axis=tuple(range(lead))) if lead else g
    axes = tuple(k for k, n in enumerate(x.shape) if n == 1 and g.shape[k] != 1)
    return g.sum(axis=axes, keepdims=True) if axes else g


@register_jitable
def _unbroadcast_array(g, x):
    out = np.zeros(x.shape)
    gshape = np.array(g.shape)
    xshape = np.array(x.shape)
    lead = g.ndim - x.ndim
    ostride = np.zeros(g.ndim, dtype=np.int64)
    stride = 1
    for k in range(x.ndim - 1, -1, -1):
        if xshape[k] != 1:
            ostride[lead + k] = stride
        stride *= xshape[k]
    flat_g = np.ascontiguousarray(g).reshape(-1)
    flat_out = out.reshape(-1)
    for p in range(flat_g.size):
        rest, q = p, 0
        for k in range(g.ndim - 1, -1, -1):
            digit = rest % gshape[k]
            rest //= gshape[k]
            q += digit * ostride[k]
        flat_out[q] += flat_g[p]
    return out


@overload(unbroadcast)
def _unbroadcast(g, x):
    if isinstance(x, types.Array):
        if isinstance(g, types.Array) and g.ndim == x.ndim:

            def same_rank(g, x):
                if g.shape == x.shape:
                    return np.ascontiguousarray(g) * 1.0
                return _unbroadcast_array(g, x)

            return same_rank
        if isinstance(g, types.Array):
            return lambda g, x: _unbroadcast_array(g, x)
        return lambda g, x: np.full(x.shape, g)
    if isinstance(g, types.Array):
        return lambda g, x: np.sum(g)
    return lambda g, x: g


def accumulate(total, share):
    """``total + share``, with ``share`` first summed to ``total``'s shape (broadcasting)."""
    return total + unbroadcast(share, total)


@overload(accumulate)
def _accumulate(total, share):
    if isinstance(total, types.Array):
        if isinstance(share, types.Array) and share.ndim == total.ndim:

            def same_rank(total, share):
                if share.shape == total.shape:
                    return total + share
                return total + _unbroadcast_array(share, total)

            return same_rank
        if isinstance(share, types.Array):
            return lambda total, share: total + _unbroadcast_array(share, total)
        return lambda total, share: total + share
    if isinstance(share, types.Array):
        return lambda total, share: total + np.sum(share)
    return lambda total, share: total + share


# -- save: a value as the adjoint will need it, safe from later in-place writes ------------------
def save(x):
    """A copy of an array (later writes must not change it); a scalar as it is."""
    return x.copy() if _is_array(x) else x


@overload(save)
def _save(x):
    if isinstance(x, types.Array):
        return lambda x: x.copy()
    return lambda x: x


# -- checks and casts ------------------------------------------------------------------------
def scalar_output(y):
    """``y`` if it is a scalar; otherwise the error that ``grad`` needs a scalar output."""
    if _is_array(y) and y.ndim > 0 or isinstance(y, tuple):
        raise TypeError(
            "grad requires a function with a scalar output; reduce the output to a scalar "
            "(e.g. with .sum()) or use vjp/jacrev"
        )
    return float(y)


@overload(scalar_output)
def _scalar_output(y):
    if isinstance(y, types.Number):
        return lambda y: y
    if isinstance(y, types.Array) and y.ndim == 0:
        return lambda y: y[()]

    def fail(y):
        raise TypeError(
            "grad requires a function with a scalar output; reduce the output to a scalar "
            "(e.g. with .sum()) or use vjp/jacrev"
        )

    return fail


def cast_like(g, x):
    """The gradient ``g`` with the dtype of its argument ``x``."""
    if _is_array(x):
        return np.asarray(g, dtype=x.dtype) if x.dtype.kind == "f" else np.asarray(g)
    return g


@overload(cast_like)
def _cast_like(g, x):
    if isinstance(x, types.Array) and isinstance(x.dtype, types.Float):
        dtype = x.dtype
        return lambda g, x: np.asarray(g).astype(dtype)
    return lambda g, x: g


@register_jitable
def in_range(k, stop, step):
    """Whether counter ``k`` is still inside ``range(..., stop, step)``."""
    return k < stop if step > 0 else k > stop


_NOT_SCALAR = (
    "grad requires a function with a scalar output; reduce the output to a scalar "
    "(e.g. with .sum()) or use vjp or jacrev"
)


def grad_seed(y):
    """1.0, the adjoint that starts ``grad``, once ``y`` is checked to be a scalar."""
    if _is_array(y) and y.ndim > 0 or isinstance(y, tuple):
        raise TypeError(_NOT_SCALAR)
    return 1.0


@overload(grad_seed)
def _grad_seed(y):
    if isinstance(y, (types.Number, types.Boolean)) or isinstance(y, types.Array) and y.ndim == 0:
        return lambda y: 1.0

    def fail(y):
        if len(y) >= 0:  # always: a raise the typer cannot see through keeps the float type
            raise TypeError(_NOT_SCALAR)
        return 1.0

    return fail


# -- norms -------------------------------------------------------------------------------------
def norm_adjoint(g, x, y, ord):
    """Share of ``x`` in ``np.linalg.norm(x, ord)``: 2-norm/Frobenius (None, 2) or 1-norm."""
    if ord is None or ord == 2 and x.ndim == 1 or ord == "fro":
        return g * x / y
    if ord == 1 and x.ndim == 1:
        return g * np.sign(x)
    raise NotImplementedError("s2s differentiates np.linalg.norm for ord None, 2 and 1 only")


@overload(norm_adjoint)
def _norm_adjoint(g, x, y, ord):
    if ord is None or isinstance(ord, (types.NoneType, types.Omitted)):
        return lambda g, x, y, ord: g * x / y

    def impl(g, x, y, ord):
        if ord == 2 and x.ndim == 1:
            return g * x / y
        if ord == 1 and x.ndim == 1:
            return g * np.sign(x)
        raise NotImplementedError("s2s differentiates np.linalg.norm for ord None, 2 and 1")

    return impl


# -- scatter_add: the adjoint of reading x[index] --------------------------------------------
def scatter_add(total, index, share):
    """``total[index] += share``, adding up repeated entries of an integer-array index."""
    if isinstance(index, np.ndarray) and index.dtype.kind in "iu":
        np.add.at(total, index, share)
    else:
        total[index] += share


@overload(scatter_add)
def _scatter_add(total, index, share):
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

    def plain(total, index, share):
        total[index] += share

    return plain


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


@register_jitable
def lower_triangle_adjoint(s):
    """For a function of ``tril(a)`` whose symmetric adjoint is ``s``: the adjoint of ``a``."""
    return np.tril(2.0 * s) - np.diag(np.diag(s))


# -- reductions that accept axis=None in compiled code too -------------------------------------
def sum_along(x, axis):
    """``np.sum(x, axis)``, with ``axis=None`` meaning all axes (for scalars too)."""
    return np.sum(x) if axis is None else np.sum(x, axis=axis)


@overload(sum_along)
def _sum_along(x, axis):
    if axis is None or isinstance(axis, (types.NoneType, types.Omitted)):
        return lambda x, axis: np.sum(x)
    return lambda x, axis: np.sum(x, axis=axis)


def mean_along(x, axis):
    """``np.mean(x, axis)``, with ``axis=None`` meaning all axes."""
    return np.mean(x) if axis is None else np.mean(x, axis=axis)


@overload(mean_along)
def _mean_along(x, axis):
    if axis is None or isinstance(axis, (types.NoneType, types.Omitted)):
        return lambda x, axis: np.mean(x)
    return lambda x, axis: np.sum(x, axis=axis) / x.shape[axis]


@register_jitable
def cholesky_tangent(L, dA):
    """Tangent of ``L = cholesky(A)``: ``L * Phi(L^-1 dA L^-T)``, Phi the lower triangle with
    the diagonal halved."""
    inv_l = np.linalg.inv(L)
    d_sym = np.tril(dA) + np.tril(dA, -1).T  # numpy reads only the lower triangle of A
    inner = np.dot(np.dot(inv_l, d_sym), inv_l.T)
    phi = np.tril(inner) - 0.5 * np.diag(np.diag(inner))
    return np.dot(L, phi)


def norm_adjoint_tangent(g, dx, y, ord):
    """Tangent of ``norm_adjoint(g, x, y, ord)`` along ``dx`` (with ``x`` moving, ``y`` fixed)."""
    if ord is None or ord == 2 or ord == "fro":
        return g * dx / y
    return 0.0 * dx  # ord == 1: g * sign(x) is piecewise constant


@overload(norm_adjoint_tangent)
def _norm_adjoint_tangent(g, dx, y, ord):
    if ord is None or isinstance(ord, (types.NoneType, types.Omitted)):
        return lambda g, dx, y, ord: g * dx / y

    def impl(g, dx, y, ord):
        if ord == 2:
            return g * dx / y
        return 0.0 * dx

    return impl


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
    full array."""
    full = np.zeros(np.shape(out) + np.shape(x))
    return full.reshape(size(out), size(x)), full


@overload(jacobian_like)
def _jacobian_like(out, x):
    def impl(out, x):
        full = np.zeros(np.shape(out) + np.shape(x))
        return full.reshape((size(out), size(x))), full

    return impl


def set_column(flat, k, tangent):
    """Column ``k`` of a Jacobian: the tangent along the ``k``-th input direction."""
    flat[:, k] = np.ravel(tangent)


@overload(set_column)
def _set_column(flat, k, tangent):
    if isinstance(tangent, types.Array):

        def impl(flat, k, tangent):
            flat[:, k] = np.ravel(tangent)

        return impl

    def scalar(flat, k, tangent):
        flat[0, k] = tangent

    return scalar


def set_row(flat, k, adjoint):
    """Row ``k`` of a Jacobian: the adjoint of the ``k``-th output."""
    flat[k, :] = np.ravel(adjoint)


@overload(set_row)
def _set_row(flat, k, adjoint):
    if isinstance(adjoint, types.Array):

        def impl(flat, k, adjoint):
            flat[k, :] = np.ravel(adjoint)

        return impl

    def scalar(flat, k, adjoint):
        flat[k, 0] = adjoint

    return scalar


def jacobian_result(full):
    """The Jacobian: a float when both the input and the output are scalars."""
    return float(full[()]) if full.ndim == 0 else full


@overload(jacobian_result)
def _jacobian_result(full):
    if full.ndim == 0:
        return lambda full: full[()]
    return lambda full: full


def cumsum_along(x, axis):
    """``np.cumsum(x, axis)``, with ``axis=None`` meaning the flattened array."""
    return np.cumsum(x) if axis is None else np.cumsum(x, axis=axis)


@overload(cumsum_along)
def _cumsum_along(x, axis):
    if axis is None or isinstance(axis, (types.NoneType, types.Omitted)):
        return lambda x, axis: np.cumsum(x)
    return lambda x, axis: np.cumsum(x, axis=axis)


def unit_tangent(x):
    """1.0: the tangent of a scalar argument in a forward-mode gradient (arrays: an error)."""
    if _is_array(x):
        raise TypeError("s2s: on the GPU, gradients are taken with respect to scalar arguments")
    return 1.0


@overload(unit_tangent)
def _unit_tangent(x):
    if isinstance(x, types.Array):
        raise numba.core.errors.TypingError(
            "s2s: on the GPU, gradients are taken with respect to scalar arguments"
        )
    return lambda x: 1.0
