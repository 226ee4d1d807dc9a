"""Vectorisable versions of NumPy functions whose library (libm) versions are slow on arrays.

``np.tanh`` and ``np.exp`` on a float64 array call the C library once per element, which no
compiler vectorises: about 15 and 5 ns an element, most of an MLP's or RNN's forward pass,
and of a mixture's likelihood. The versions here are straight-line arithmetic in loops that
LLVM vectorises. Both reduce the argument (``y = k ln 2 + r``, ``|r| <= ln 2 / 2``) with ``k``
rounded by adding ``1.5 * 2**52`` (no float-to-integer conversion, which AVX2 cannot
vectorise: the integer is read from the low bits in a loop of its own), evaluate a Taylor
polynomial in ``r`` with fused multiply-adds, and scale by powers of two built from exponent
bits:

* ``tanh |x| = e / (e + 2)`` with ``e = expm1(2 |x|)``: about 5 times faster than NumPy's,
  within 3 units in the last place of its result;
* ``exp x = 2**k (1 + r + r^2 q(r))``, ``2**k`` as two powers of two so that results near
  overflow and in the subnormal range come out of a single rounding: about 2.8 times faster,
  within 1 unit in the last place.

``tests/test_runtime_fastmath.py`` checks both over the whole range, signed zeros, infinities
and NaN. The final stage of code generation spells ``np.tanh`` and ``np.exp`` as ``_s2s.tanh``
and ``_s2s.exp`` (``s2s/codegen/printer.py``); float32 arrays and scalars keep NumPy's and
``math``'s, and GPU code spells them with ``math``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import types

from ._cache import overload, register_jitable

__all__ = ["exp", "tanh"]

_LN2_HI = 6.93147180369123816490e-01  # ln 2 in two parts: k * _LN2_HI is exact for |k| < 2**11
_LN2_LO = 1.90821492927058770002e-10
_LOG2_E = 1.4426950408889634
_SATURATES = 19.0625  # tanh is 1.0 in float64 from here on; keeps exp(2 |x|) finite
_ROUNDER = 6755399441055744.0  # 1.5 * 2**52: y + it is y rounded, the integer in the low bits
_ROUNDER_BITS = 0x4338000000000000  # the bits of _ROUNDER
_OVERFLOWS = 709.782712893384  # np.exp is inf above this
_UNDERFLOWS = -745.1332191019412  # and 0.0 below this


@register_jitable(fastmath={"contract"})
def _reduced(y):
    """``(y + _ROUNDER, r)`` with ``y = k ln 2 + r``, ``k`` rounded, ``|r| <= ln 2 / 2``: ``k``
    is in the low bits of the first (read by ``_exponent``), with no float-to-integer
    conversion."""
    shifted = y * _LOG2_E + _ROUNDER
    k = shifted - _ROUNDER
    return shifted, (y - k * _LN2_HI) - k * _LN2_LO


@register_jitable
def _exponent(shifted_bits):
    """``k`` from the bits of ``k + _ROUNDER``."""
    return shifted_bits - _ROUNDER_BITS


@register_jitable(fastmath={"contract"})
def _expm1_tail(r):
    """``q`` with ``expm1(r) = r + r^2 q``: ``1/2! + r/3! + ... + r^12/14!``, |r| <= ln 2 / 2."""
    q = 1.0 / 87178291200.0
    q = q * r + 1.0 / 6227020800.0
    q = q * r + 1.0 / 479001600.0
    q = q * r + 1.0 / 39916800.0
    q = q * r + 1.0 / 3628800.0
    q = q * r + 1.0 / 362880.0
    q = q * r + 1.0 / 40320.0
    q = q * r + 1.0 / 5040.0
    q = q * r + 1.0 / 720.0
    q = q * r + 1.0 / 120.0
    q = q * r + 1.0 / 24.0
    q = q * r + 1.0 / 6.0
    return q * r + 0.5


def _runtime_version(numpy_function, kernel):
    """``f(x, out=None)``, NumPy's ``numpy_function`` in Python; compiled, ``kernel(flat, out)``
    on float64 arrays and NumPy's function on anything else.

    Each compiled implementation is named after the function (``tanh.vectorised``): Numba names
    a compiled function by its qualified name, a counter and its argument types, and code loaded
    from its on-disk cache keeps the counter of the process that compiled it. Under one shared
    name, ``tanh``'s and ``exp``'s implementations could meet under one symbol in a process that
    loads both, and calls of one would run the other (numba/numba#10486)."""
    name = numpy_function.__name__

    def function(x, out=None):
        return numpy_function(x) if out is None else numpy_function(x, out)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``np.{name}(x)``, or into ``out`` (in Python, NumPy's)."

    def into(x, out=None):  # the values, then written into `out`
        out[...] = function(x)
        return out

    def vectorised(x, out=None):
        flat = np.ascontiguousarray(x).reshape(-1)
        values = np.empty(flat.size)
        kernel(flat, values)
        return values.reshape(x.shape)

    def numpy_version(x, out=None):
        return numpy_function(x)

    for implementation in (into, vectorised, numpy_version):
        implementation.__qualname__ = f"{name}.{implementation.__name__}"

    @overload(function)
    def _compiled(x, out=None):
        if out is not None and not isinstance(out, types.NoneType):
            return into
        if isinstance(x, types.Array) and x.dtype == types.float64:
            return vectorised
        return numpy_version

    return function


@register_jitable(fastmath={"contract"})
def _tanh_f64(flat, out):
    n = flat.size
    powers = np.empty(n)
    for i in range(n):
        powers[i], r = _reduced(2.0 * min(abs(flat[i]), _SATURATES))
        out[i] = r + r * r * _expm1_tail(r)
    bits = powers.view(np.int64)
    for i in range(n):
        bits[i] = (_exponent(bits[i]) + 1023) << 52  # 2**k, 0 <= k <= 55
    for i in range(n):
        s = powers[i]
        e = s * out[i] + (s - 1.0)  # expm1(2 |x|) = 2**k expm1(r) + (2**k - 1)
        out[i] = math.copysign(e / (e + 2.0), flat[i])


@register_jitable(fastmath={"contract"})
def _exp_f64(flat, out):
    n = flat.size
    low = np.empty(n)
    high = np.empty(n)
    for i in range(n):
        y = flat[i]
        y = y if y > -746.0 else -746.0  # keeps 2**k two normal numbers; NaN: set below
        y = y if y < 710.0 else 710.0
        low[i], r = _reduced(y)
        out[i] = 1.0 + (r + r * r * _expm1_tail(r))
    low_bits = low.view(np.int64)
    high_bits = high.view(np.int64)
    for i in range(n):  # 2**k = 2**h 2**(k - h), both normal for -1075 <= k <= 1024
        k = _exponent(low_bits[i])
        h = k >> 1
        low_bits[i] = (h + 1023) << 52
        high_bits[i] = (k - h + 1023) << 52
    for i in range(n):
        x = flat[i]
        e = out[i] * low[i] * high[i]  # exact, then one rounding (to a subnormal, or inf)
        if x > _OVERFLOWS:
            e = math.inf
        elif x < _UNDERFLOWS:
            e = 0.0
        elif x != x:
            e = x
        out[i] = e


tanh = _runtime_version(np.tanh, _tanh_f64)
exp = _runtime_version(np.exp, _exp_f64)
