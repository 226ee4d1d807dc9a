"""Private pieces shared by the runtime modules: type tests (in Python and at Numba typing
time), axis arithmetic and flat views of scalars and arrays.
"""

from __future__ import annotations

import numpy as np
from numba import types

from ._cache import overload, register_jitable


# -- type tests, in Python and at Numba typing time -----------------------------------------
def _is_array(x) -> bool:
    return isinstance(x, np.ndarray)


def _nb_none(t) -> bool:
    """Whether the Numba type ``t`` stands for ``None`` (a literal ``None`` or an omitted one)."""
    if t is None or isinstance(t, types.NoneType):
        return True
    return isinstance(t, types.Omitted) and t.value is None


def _nb_int(t) -> bool:
    return isinstance(t, types.Integer)


def _nb_array(t) -> bool:
    return isinstance(t, types.Array)


def _nb_scalar(t) -> bool:
    return isinstance(t, (types.Number, types.Boolean))


def _nb_complex(t) -> bool:
    """Whether values of type ``t`` (array or scalar) are complex numbers."""
    t = t.dtype if isinstance(t, types.Array) else types.unliteral(t)
    return isinstance(t, types.Complex)


def _nb_any_complex(*ts) -> bool:
    """Whether values of any of the types ``ts`` are complex numbers."""
    return any(_nb_complex(t) for t in ts)


def _nb_f64(t) -> bool:
    """Whether values of type ``t`` (array or scalar) are already float64."""
    t = t.dtype if isinstance(t, types.Array) else types.unliteral(t)
    return t == types.float64


def _f64(x):
    """A float64 array or a Python float: what a helper hands back in Python (complex128 and
    complex for complex values, whose imaginary parts count as much)."""
    if np.iscomplexobj(x):
        return np.asarray(x, dtype=np.complex128) if _is_array(x) else complex(x)
    if _is_array(x):
        return np.asarray(x, dtype=np.float64)
    return float(x)


# -- shared pieces -------------------------------------------------------------------------
@register_jitable
def _norm_axis(axis, ndim):
    """``axis`` as a non-negative axis of an array of ``ndim`` dimensions."""
    if axis < -ndim or axis >= ndim:
        raise ValueError("axis is out of bounds for the array")
    return axis + ndim if axis < 0 else axis


@register_jitable
def _split3(shape, axis):
    """``shape`` seen as ``(before, along, after)`` around ``axis``: products of extents."""
    pre = 1
    for k in range(axis):
        pre *= shape[k]
    post = 1
    for k in range(axis + 1, len(shape)):
        post *= shape[k]
    return pre, shape[axis], post


def _flat(v):
    """The values of ``v`` (a scalar or an array) as a 1-D float array, in C order."""
    return np.ravel(np.asarray(v, dtype=np.float64))


@overload(_flat)
def _flat_nb(v):
    if _nb_array(v):
        return lambda v: np.ascontiguousarray(v).reshape(-1)
    if _nb_scalar(v):
        return lambda v: np.full(1, float(v))


def _item(v):
    """The one value of a scalar or of a size-1 array, as a float (a complex number stays
    one)."""
    if np.iscomplexobj(v):
        return complex(np.asarray(v).reshape(()))
    return float(np.asarray(v, dtype=np.float64).reshape(()))


@overload(_item)
def _item_nb(v):
    if _nb_complex(v):
        if _nb_array(v):
            return lambda v: np.ascontiguousarray(v).reshape(-1)[0]
        return lambda v: v
    if _nb_array(v):
        return lambda v: float(np.ascontiguousarray(v).reshape(-1)[0])
    if _nb_scalar(v):
        return lambda v: float(v)


# -- tuples of extents, by number of dimensions --------------------------------------------
_SHAPE_OF = {
    0: register_jitable(lambda d: ()),
    1: register_jitable(lambda d: (d[0],)),
    2: register_jitable(lambda d: (d[0], d[1])),
    3: register_jitable(lambda d: (d[0], d[1], d[2])),
    4: register_jitable(lambda d: (d[0], d[1], d[2], d[3])),
}
