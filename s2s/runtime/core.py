"""Generic helpers of generated derivative code: zeros and ones, saving, scalar-output checks,
casts, loop bounds and tapes (how shares reach adjoints: ``shares.py``).
"""

from __future__ import annotations

import operator

import numpy as np
from numba import types
from numba.core.errors import TypingError
from numba.extending import intrinsic
from numba.np.unsafe.ndarray import to_fixed_tuple

from ._cache import overload, register_jitable
from ._common import _is_array, _nb_complex

__all__ = [
    "zeros_like",
    "cleared",
    "cleared_like",
    "fitted",
    "updated_alone",
    "require_real",
    "require_length",
    "ones_like",
    "save",
    "grad_seed",
    "cast_like",
    "in_range",
    "sign",
    "tape_alloc",
    "element_like",
    "tape_put",
]


# -- zeros_like: the zero adjoint of a value ---------------------------------------------------
def zeros_like(x):
    """0.0 for a scalar, a float64 array of zeros for an array (adjoints are float64; complex
    for complex values), a tuple of zeros for a tuple; 0.0 too for a value that is not a
    number (``None`` for an axis, a string), whose derivative is zero."""
    if np.iscomplexobj(x):
        return np.zeros(np.shape(x), np.complex128) if _is_array(x) else 0j
    if _is_array(x):
        return np.zeros(x.shape)
    if isinstance(x, tuple):
        return tuple(zeros_like(v) for v in x)
    return np.float32(0.0) if isinstance(x, np.float32) else 0.0


@overload(zeros_like)
def _zeros_like(x):
    if _nb_complex(x):
        if isinstance(x, types.Array):
            return lambda x: np.zeros(x.shape, np.complex128)
        return lambda x: 0j
    if isinstance(x, types.Array):
        return lambda x: np.zeros(x.shape)
    if x == types.float32:  # keep single precision single (GPU kernels)
        return lambda x: np.float32(0.0)
    if isinstance(x, types.Number) or isinstance(x, types.Boolean):
        return lambda x: 0.0
    if isinstance(x, types.BaseTuple):
        if all(isinstance(t, (types.Number, types.Boolean)) for t in x):
            n = len(x)
            return lambda x: to_fixed_tuple(np.zeros(n), n)
        return None
    if isinstance(x, (types.NoneType, types.Omitted, types.UnicodeType)):
        return lambda x: 0.0


def cleared(x):
    """Zero again: an array adjoint the code owns is filled with zeros in place (no new
    allocation per loop iteration); a scalar becomes 0.0."""
    if _is_array(x):
        x[...] = 0.0
        return x
    return np.float32(0.0) if isinstance(x, np.float32) else 0.0


def fill_zeros(x):
    """Zeros into array ``x``, in place (C-ordered)."""
    x[...] = 0


@overload(fill_zeros)
def _fill_zeros(x):
    if x.ndim == 1:

        def fill_vector(x):  # no reshaped view to count
            for k in range(x.shape[0]):
                x[k] = 0

        return fill_vector

    def fill(x):
        flat = x.reshape(-1)
        for k in range(flat.size):
            flat[k] = 0

    return fill


@overload(cleared)
def _cleared(x):
    if isinstance(x, types.Array):

        def fill(x):
            fill_zeros(x)
            return x

        return fill
    if x == types.float32:
        return lambda x: np.float32(0.0)
    if isinstance(x, types.Number) or isinstance(x, types.Boolean):
        return lambda x: 0.0


def fitted(x, like):
    """The adjoint ``x`` as it is if it has ``like``'s shape, else zeros of that shape (an
    array variable's shape changed since the adjoint was last used)."""
    if _is_array(x) and np.shape(x) != np.shape(like):
        return np.zeros(np.shape(like))
    return x


@overload(fitted)
def _fitted(x, like):
    if isinstance(x, types.Array):

        def same_or_fresh(x, like):
            if x.shape != like.shape:
                return np.zeros(like.shape)
            return x

        return same_or_fresh
    return lambda x, like: x


def cleared_like(x, like):
    """:func:`cleared`, for an adjoint whose variable may change shape: zeros of ``like``'s
    shape, in place when that is ``x``'s."""
    return cleared(fitted(x, like))


@overload(cleared_like)
def _cleared_like(x, like):
    return lambda x, like: cleared(fitted(x, like))


# -- updated_alone: after an update that derivative code takes as a new binding ---------------
def updated_alone(x, ndim):
    """Nothing if no other name saw ``x op= y`` update ``x``: ``x`` is a number, or an array of
    at most ``ndim`` dimensions whose elements (numbers) were all other names took of it.
    Otherwise an error: the update wrote into memory another name sees, which derivative code
    cannot follow."""
    if _is_array(x) and x.ndim > ndim:
        raise ValueError(_SHARED_UPDATE)


_SHARED_UPDATE = (
    "s2s: an update writes into an array that another name also sees (x += ... on an array "
    "another name holds, or a write into a matrix whose row another name holds); derivatives "
    "cannot follow it: write `x = x + ...`, update a copy, or take the row after the write"
)


@overload(updated_alone)
def _updated_alone(x, ndim):
    if isinstance(x, types.Array):

        def checked(x, ndim):
            if x.ndim > ndim:
                raise ValueError(_SHARED_UPDATE)

        return checked
    return lambda x, ndim: None


# -- require_real: before a call whose derivative s2s takes as zero for real numbers only -------
def require_real(x, name):
    """Nothing for real ``x``; an error for complex ``x``, of which the derivative of ``name``
    (``np.sign``: ``z / |z|``) is not zero, as derivative code takes it to be."""
    if np.iscomplexobj(x):
        raise TypeError(_complex_message(name))


def _complex_message(name: str) -> str:
    return (
        f"s2s differentiates `{name}` of real values only: of complex values its derivative "
        "is not zero; write it out (`z / np.abs(z)` for `np.sign(z)`)"
    )


@overload(require_real, prefer_literal=True)
def _require_real(x, name):
    if _nb_complex(x):  # refused as Numba types the call, which locates it
        raise TypingError(_complex_message(getattr(name, "literal_value", "this function")))
    return lambda x, name: None


# -- require_length: before `a, b = v` for a parameter `v`, which the normal form indexes ------
def require_length(x, n):
    """Nothing if ``x`` has ``n`` entries; Python's error for unpacking it into ``n`` names
    otherwise (the normal form reads ``a, b = v`` as ``a = v[0]; b = v[1]``)."""
    if len(x) != n:
        raise ValueError(unpacking_message(n, len(x)))


def unpacking_message(n: int, got: int | None) -> str:
    """Python's words (``got``: None where compiled code cannot say)."""
    if got is None:
        return f"the wrong number of values to unpack (expected {n})"
    if got < n:
        return f"not enough values to unpack (expected {n}, got {got})"
    return f"too many values to unpack (expected {n})"


@overload(require_length, prefer_literal=True)
def _require_length(x, n):
    count = getattr(n, "literal_value", None)
    if isinstance(x, types.BaseTuple) and count is not None:  # its length is its type's
        if len(x) == count:
            return lambda x, n: None
        message = unpacking_message(count, len(x))
    else:
        message = unpacking_message(count, None) if count is not None else "wrong length"

    def checked(x, n):
        if len(x) != n:
            raise ValueError(message)

    return checked


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
def cast_like(g, x):
    """The gradient ``g`` with the dtype of its argument ``x`` (a NumPy float scalar's too).
    A real argument takes the real part of a complex gradient: values that pass through
    complex numbers vary along the real line only."""
    if _is_array(x):
        if x.dtype.kind == "f":
            return np.asarray(np.real(g), dtype=x.dtype)
        return np.asarray(g)
    if np.iscomplexobj(g) and isinstance(x, (float, np.floating)):
        g = x.dtype.type(np.real(g)) if isinstance(x, np.floating) else float(np.real(g))
    if isinstance(x, np.float32) and not _is_array(g):
        return np.float32(g)
    return g


@overload(cast_like)
def _cast_like(g, x):
    if isinstance(x, types.Array) and isinstance(x.dtype, types.Float):
        if isinstance(g, types.Array) and g.dtype == x.dtype:
            return lambda g, x: g  # already in the argument's dtype: no copy
        dtype = x.dtype
        if isinstance(g, types.Array) and isinstance(g.dtype, types.Complex):
            return lambda g, x: np.real(g).astype(dtype)
        return lambda g, x: np.asarray(g).astype(dtype)
    if isinstance(x, types.Float) and isinstance(g, types.Complex):
        if x == types.float32:
            return lambda g, x: np.float32(g.real)
        return lambda g, x: g.real
    if x == types.float32 and isinstance(g, types.Number):
        return lambda g, x: np.float32(g)
    return lambda g, x: g


@register_jitable
def in_range(k, stop, step):
    """Whether counter ``k`` is still inside ``range(..., stop, step)``."""
    return k < stop if step > 0 else k > stop


_NOT_SCALAR = (
    "grad requires a function with a scalar output; reduce the output to a scalar "
    "(e.g. with .sum()) or use vjp or jacrev"
)


_NOT_REAL = (
    "grad requires a function with a real output, but it returns a complex value; "
    "differentiate its real part (np.real), its imaginary part (np.imag) or its modulus "
    "(abs), or use vjp"
)


def grad_seed(y):
    """1.0, the adjoint that starts ``grad``, once ``y`` is checked to be a real scalar (as in
    JAX: the gradient of a complex output is not defined)."""
    if _is_array(y) and y.ndim > 0 or isinstance(y, tuple):
        raise TypeError(_NOT_SCALAR)
    if np.iscomplexobj(y):
        raise TypeError(_NOT_REAL)
    return 1.0


@overload(grad_seed)
def _grad_seed(y):
    scalar = isinstance(y, (types.Number, types.Boolean))
    if not (scalar or isinstance(y, types.Array) and y.ndim == 0):
        message = _NOT_SCALAR
    elif _nb_complex(y):
        message = _NOT_REAL
    else:
        return lambda y: 1.0

    def fail(y):
        if y is not None:  # always: a raise the typer cannot see through keeps the float type
            raise TypeError(message)
        return 1.0

    return fail


@register_jitable
def sign(x):
    """The sign of a scalar (-1.0, 0.0 or 1.0, NaN for NaN) without NumPy (for GPU device
    code)."""
    return 1.0 if x > 0 else (-1.0 if x < 0 else (0.0 if x == 0 else x))


# -- tapes of known length (range loops) ------------------------------------------------------
def tape_alloc(like, n):
    """Room for ``n`` values like ``like``: an array for scalars, a list for arrays and
    tuples (an index from ``np.ndindex``)."""
    if _is_array(like) or isinstance(like, tuple):
        return []
    return np.empty(n, dtype=np.asarray(like).dtype)


@overload(tape_alloc)
def _tape_alloc(like, n):
    if isinstance(like, types.Array):

        def listed(like, n):
            values = [like.copy()]
            values.pop()
            return values

        return listed
    dtype = types.bool_ if isinstance(like, types.Boolean) else like
    return lambda like, n: np.empty(n, dtype)


def element_like(container, index):
    """A value of the type ``container[index]`` has, read from nowhere (zero; an empty
    array for a view): what a tape allocated before the loop that reads the element is
    made like, even if that loop runs no iteration and the index is out of range."""
    if _is_array(container):
        count = len(index) if isinstance(index, tuple) else 1
        zero = np.zeros((0,) * (container.ndim - count), dtype=container.dtype)
        return zero if zero.ndim else zero[()]
    try:
        return container[index]
    except (IndexError, KeyError):  # then the loop reads no element either
        return 0.0


@intrinsic
def _element_like(typingctx, container, index):
    found = typingctx.resolve_function_type(operator.getitem, (container, index), {})
    if found is None:
        return None

    def codegen(context, builder, signature, args):
        return context.get_constant_null(signature.return_type)

    return found.return_type(container, index), codegen


@overload(element_like)
def _element_like_nb(container, index):
    return lambda container, index: _element_like(container, index)


def tape_put(tape, k, value):
    """Value number ``k`` onto a tape from :func:`tape_alloc` (filled in order)."""
    if isinstance(tape, list):
        tape.append(value)
    else:
        tape[k] = value


@overload(tape_put)
def _tape_put(tape, k, value):
    if isinstance(tape, types.List):
        if tape.dtype != value:  # a view of another layout: the tape holds C-ordered copies

            def appended_copy(tape, k, value):
                tape.append(np.ascontiguousarray(value))

            return appended_copy

        def appended(tape, k, value):
            tape.append(value)

        return appended

    def stored(tape, k, value):
        tape[k] = value

    return stored
