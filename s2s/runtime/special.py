"""Functions whose derivatives come from a helper of their own, at any order: ``np.sinc``,
``math.lgamma``/``math.gamma`` (the polygamma functions) and ``np.vander``.
"""

from __future__ import annotations

import math

import numpy as np

from ._cache import overload, register_jitable
from ._common import (
    _is_array,
    _nb_array,
    _nb_none,
    _nb_scalar,
)

__all__ = [
    "vander_derivative",
    "sinc_derivative",
    "digamma_derivative",
]


# -- np.sinc ----------------------------------------------------------------------------------
def sinc_derivative(x, n):
    """The ``n``-th derivative of ``np.sinc`` at ``x`` (entry by entry), well-defined at 0,
    where the quotient formulas divide 0 by 0: its tangent is the next derivative, so any
    order of forward mode over it is right."""
    return _entrywise(_sinc_derivative_of, x, n)


@overload(sinc_derivative)
def _sinc_derivative_nb(x, n):
    return _entrywise_nb(_sinc_derivative_of, x)


def _entrywise(kernel, x, n):
    """``kernel(v, n)`` at a number ``x``, or at each entry of an array (float64)."""
    if not _is_array(x):
        return kernel(float(x), n)
    flat = [kernel(float(v), n) for v in np.ravel(x)]
    return np.array(flat, dtype=np.float64).reshape(np.shape(x))


def _entrywise_nb(kernel, x):
    """The compiled ``_entrywise(kernel, x, n)`` for the type of ``x``."""
    if _nb_scalar(x):
        return lambda x, n: kernel(float(x), n)
    if _nb_array(x):

        def array(x, n):
            out = np.empty(x.shape)
            xf = np.ascontiguousarray(x).reshape(-1)
            of = out.reshape(-1)
            for i in range(xf.size):
                of[i] = kernel(float(xf[i]), n)
            return out

        return array


@register_jitable
def _sinc_derivative_of(x, n):
    # x sinc(x) = sin(pi x) / pi, differentiated n times:
    # x s_n + n s_(n-1) = pi^(n-1) sin(pi x + n pi / 2).
    # Near 0, where that recursion divides by a small x, the Taylor series of
    # sinc(x) = sum_k (-1)^k (pi x)^(2k) / (2k + 1)!, differentiated n times, instead.
    if abs(x) < 0.25:
        total = 0.0
        first = (n + 1) // 2  # the first power with 2k >= n
        for k in range(first, first + 20):
            p = 2 * k - n
            fact = 1.0
            for j in range(2, p + 1):
                fact *= j
            sign = -1.0 if k % 2 else 1.0
            total += sign * math.pi ** (2 * k) * x**p / ((2 * k + 1) * fact)
        return total
    value = math.sin(math.pi * x) / (math.pi * x)
    for m in range(1, n + 1):
        value = (math.pi ** (m - 1) * math.sin(math.pi * x + m * math.pi / 2) - m * value) / x
    return value


# -- math.lgamma, math.gamma --------------------------------------------------------------------
def digamma_derivative(x, n):
    """The ``n``-th derivative of the digamma function (the derivative of ``lgamma``) at
    ``x``, entry by entry: the polygamma function of order ``n``, for the derivatives of
    ``math.lgamma`` and ``math.gamma``. Its tangent is the next one, so forward mode over it
    is right to every order."""
    return _entrywise(_digamma_derivative_of, x, n)


@overload(digamma_derivative)
def _digamma_derivative_nb(x, n):
    return _entrywise_nb(_digamma_derivative_of, x)


# The Bernoulli numbers B_2k, k = 1..7, of the polygamma functions' asymptotic series
_BERNOULLI = (
    1.0 / 6.0,
    -1.0 / 30.0,
    1.0 / 42.0,
    -1.0 / 30.0,
    5.0 / 66.0,
    -691.0 / 2730.0,
    7.0 / 6.0,
)


@register_jitable
def _digamma_derivative_of(x, n):
    if x <= 0.0 and x == math.floor(x):
        return math.nan  # a pole of the gamma function
    # psi_n(x) = psi_n(x + 1) - (-1)^n n! / x^(n + 1), up to where the series is accurate
    factorial = 1.0
    for j in range(2, n + 1):
        factorial *= j
    sign = -1.0 if n % 2 else 1.0
    total = 0.0
    while x < 10.0 + n:
        total -= sign * factorial / x ** (n + 1)
        x += 1.0
    if n == 0:
        series = math.log(x) - 0.5 / x
        for k in range(1, 8):
            series -= _BERNOULLI[k - 1] / (2 * k * x ** (2 * k))
        return total + series
    # (-1)^(n+1) [(n-1)!/x^n + n!/(2 x^(n+1)) + sum_k B_2k (2k+n-1)!/((2k)! x^(2k+n))]
    series = factorial / n / x**n + factorial / (2.0 * x ** (n + 1))
    for k in range(1, 8):
        rising = 1.0  # (2k + n - 1)! / (2k)!
        for j in range(2 * k + 1, 2 * k + n):
            rising *= j
        series += _BERNOULLI[k - 1] * rising / x ** (2 * k + n)
    return total - sign * series


# -- np.vander ---------------------------------------------------------------------------------
def vander_derivative(x, n, increasing, order):
    """The ``order``-th derivative, entry by entry, of ``np.vander(x, n, increasing)``:
    column ``j`` holds ``p! / (p - order)! x^(p - order)`` for its power ``p``. Its tangent is
    the next order's, times ``dx``, so every order of forward mode over it is right."""
    x = np.asarray(x, dtype=np.float64)
    return _vander_derivative(x, x.size if n is None else n, increasing, order)


@overload(vander_derivative)
def _vander_derivative_nb(x, n, increasing, order):
    if _nb_none(n):
        return lambda x, n, increasing, order: _vander_derivative(x, x.size, increasing, order)
    return lambda x, n, increasing, order: _vander_derivative(x, n, increasing, order)


@register_jitable
def _vander_derivative(x, n, increasing, order):
    out = np.zeros((x.size, n))
    for j in range(n):
        power = j if increasing else n - 1 - j
        if power < order:
            continue
        factor = 1.0
        for k in range(order):
            factor *= power - k
        for i in range(x.size):
            out[i, j] = factor * x[i] ** (power - order)
    return out
