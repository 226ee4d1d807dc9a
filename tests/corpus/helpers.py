"""Calls to module-level helper functions, module globals, closures, import styles."""

import math
from math import exp

import numba
import numpy as np
from numpy import sin

from .registry import array, case, scalar

SCALE = 0.75
OFFSET = -0.125
WEIGHTS = np.array([0.5, -0.25, 1.0])
MIXING = np.array([[0.9, 0.1, 0.0], [-0.2, 0.8, 0.3], [0.0, 0.4, 0.6]])


def _square(x):
    return x * x


def _sum_of_squares(x, y):
    return _square(x) + _square(y)


def _polar(x, y):
    r = math.sqrt(x * x + y * y)
    return r, math.atan2(y, x)


def _affine(a, w, b):
    return w * a + b


def _smooth_abs(v):
    return math.sqrt(v * v + 0.01)


def _normalize(a):
    return a / np.sqrt(np.sum(a * a) + 1.0)


def _running_sum(a):
    out = np.zeros_like(a)
    acc = 0.0
    for i in range(a.shape[0]):
        acc = acc + a[i]
        out[i] = acc
    return out


def _scaled(x):
    return SCALE * x + OFFSET


@case(array(5), tags={"helper", "reduction"})
def call_helper(a):
    return np.sum(_square(a)) + _square(a[0])


@case(scalar(), scalar(), tags={"helper"})
def helper_calls_helper(x, y):
    return _sum_of_squares(x, y) * _square(x - y)


@case(scalar(0.5, 1.5), scalar(), tags={"helper", "tuple", "math"})
def helper_tuple_return(x, y):
    r, t = _polar(x, y)
    return r * math.cos(t) + r * r * t


@case(scalar(0.5, 1.5), scalar(), output="tuple", tags={"helper", "tuple"})
def helper_tuple_passthrough(x, y):
    return _polar(x + y * y, y)


@case(array(4), array(4), output="array", tags={"helper"})
def helper_several_args(a, b):
    return _affine(a, 2.0, b) * _affine(b, a, 1.0)


@case(array(6), tags={"helper", "loop"})
def helper_in_loop(a):
    s = 0.0
    for i in range(a.shape[0]):
        s += _smooth_abs(a[i]) * _square(a[i])
    return s


@case(array(5), output="array", tags={"helper"})
def helper_returns_array(a):
    return _normalize(a) * 3.0 + _normalize(a * a)


def _wave(amplitude, frequency, offset):
    return amplitude * np.sin(frequency) + offset


@case(array(3), tags={"helper"})
def helper_called_with_unpacked_tuples(a):
    params = (a[0], a[1] * 2.0, 0.5)
    again = (a[2], a[0], a[1])
    return _wave(*params) * _wave(*again) + _wave(*(a[1], a[2], a[0]))


@case(array(5), tags={"helper", "loop", "inplace", "reduction"})
def helper_with_inplace_loop(a):
    c = _running_sum(a)
    return np.sum(c * c)


@case(scalar(), tags={"global"})
def global_float_constants(x):
    return SCALE * x * x + OFFSET * x + SCALE


@case(array(3), tags={"global", "reduction"})
def global_array(x):
    return np.sum(WEIGHTS * x * x) + np.sum(x * WEIGHTS[::-1])


@case(array(3), output="array", tags={"global", "loop", "nested", "inplace", "index"})
def global_matrix_loops(x):
    out = np.zeros(3)
    for i in range(3):
        for j in range(3):
            out[i] += MIXING[i, j] * np.tanh(x[j])
    return out


@case(array(4), tags={"helper", "global", "reduction"})
def helper_reading_global(x):
    return np.sum(_scaled(x) ** 2) + _scaled(x[0])


@case(scalar(), tags={"math", "ufunc"})
def from_imports(x):
    return sin(x) * exp(-x) + math.log(2.0 + sin(x))


@case(array(5), tags={"ufunc", "reduction"})
def from_import_on_array(a):
    return np.sum(sin(a) * np.exp(-a))


def _make_scaled_norm(c):
    def closure_scaled_norm(x):
        return c * np.sum(x * x) + c

    return closure_scaled_norm


def _make_decay(rate, steps):
    def closure_decay(x):
        y = x
        for _ in range(steps):
            y = y - rate * y * y
        return y

    return closure_decay


closure_scaled_norm = case(array(4), tags={"closure", "reduction"})(_make_scaled_norm(1.5))
closure_decay = case(scalar(), tags={"closure", "loop"})(_make_decay(0.25, 5))


def _decay(h, rate):
    for k in range(h.shape[0]):
        h[k] = h[k] * rate + 1.0


@case(array(3, 3), tags={"helper", "loop", "nested", "index"})
def helper_writes_into_array_in_loop(w):
    n = w.shape[0]
    h = np.ones(n)
    s = 0.0
    for i in range(n):
        for j in range(n):
            s += w[i, j] * h[j]
        _decay(h, 0.5)
    return s


def _same(a):
    return a


@case(array(3, 3), tags={"helper", "loop", "nested", "index", "inplace"})
def helper_hands_back_the_array_written_into(w):
    n = w.shape[0]
    h = np.ones(n)
    s = 0.0
    for i in range(n):
        for j in range(n):
            s += w[i, j] * h[j]
        v = _same(h)
        v[i] = 3.0 + i
    return s


@case(array(3, 3), tags={"helper", "loop", "index", "inplace", "linalg"})
def product_reads_an_array_written_through_a_helper(w):
    # Numba's clean-up after inlining a call sees no alias in `v = _same(h)`: an inlined
    # product adjoint once made it drop the write below, and the tape read 1.0 for h[i].
    h = np.ones(3)
    s = 0.0
    for i in range(3):
        s += np.dot(w[i], h)
        v = _same(h)
        v[i] = 3.0 + i
    return s


@case(array(3, 3), tags={"helper", "loop", "nested", "index"})
def helper_writes_into_array_passed_by_keyword(w):
    n = w.shape[0]
    h = np.ones(n)
    s = 0.0
    for i in range(n):
        for j in range(n):
            s += w[i, j] * h[j]
        _decay(rate=0.5, h=h)
    return s


def _fill_scaled(out, x, c):
    """Fills ``out``, an array its caller owns (the out-parameter idiom), and returns nothing."""
    for i in range(out.shape[0]):
        out[i] = math.tanh(x[i] * c)


def _fill_twice(out, x):
    _fill_scaled(out, x, 0.5)
    for i in range(out.shape[0]):
        out[i] = out[i] * x[i]


@case(array(5), tags={"helper", "loop", "inplace", "index"})
def helper_fills_an_array_that_carries_derivatives(x):
    work = np.empty_like(x)
    _fill_scaled(work, x, 2.0)
    s = np.sum(work * work)
    _fill_scaled(c=0.3, x=work, out=work)  # by keyword, reading what it overwrites
    return s + np.sum(work * x)


@case(array(4), output="array", tags={"helper", "loop", "inplace", "index"})
def helper_fills_through_a_helper_in_a_loop(x):
    out = np.zeros((3, x.shape[0]))
    row = np.empty_like(x)
    for k in range(3):
        _fill_twice(row, x * (k + 1.0))
        out[k] = row
    return out


def _fill_and_total(out, x, c):
    """Fills ``out`` and returns its total (one ``return``, at the end)."""
    total = 0.0
    for i in range(out.shape[0]):
        out[i] = math.sin(x[i] * c)
        total += out[i]
    return total


@case(array(5), tags={"helper", "loop", "inplace", "index"})
def helper_fills_an_array_and_returns_a_value(x):
    work = np.empty_like(x)
    t = _fill_and_total(work, x, 1.5)
    u = _fill_and_total(work, work, 0.5)
    return t * u + np.sum(work * x)


@case(scalar(), scalar(0.2, 1.0), tags={"helper", "closure", "loop", "math"})
def nested_function_integrator(y0, k):
    h = 0.1

    def rhs(y):
        return -k * y + math.sin(y)

    y = y0
    for _ in range(8):
        a = rhs(y)
        b = rhs(y + 0.5 * h * a)
        y = y + h * b
    return y


@case(array(5), scalar(), tags={"helper", "closure", "loop"})
def lambdas_and_nested_calls(x, w):
    square = lambda v: v * v * w
    scale = 2.0

    def scaled(v):
        return square(v) * scale + math.cos(v)

    total = 0.0
    for i in range(x.shape[0]):
        total += scaled(x[i])
    return total


@case(scalar(), tags={"helper", "closure"})
def nested_twice(x):
    a = 1.5

    def outer(v):
        def inner(u):
            return u * a + math.exp(-u)

        return inner(v) + inner(2.0 * v)

    return outer(x) * x


def name_clash_g(v):
    return v * 100.0


@case(scalar(), tags={"helper", "closure"})
def name_clash(x):
    # `g` lifted out of `name_clash` would be `name_clash_g`, the name of a helper it calls.
    def g(v):
        return v * 2.0 + math.sin(v)

    return g(x) + name_clash_g(x)


@numba.njit
def _ode_decay(y, rate):
    return -rate * y + math.sin(y)


@numba.njit
def _ode_forcing(y, rate):
    return rate * math.cos(y) - 0.1 * y * y


@numba.njit
def _ode_rk4_step(f, y, h, rate):
    k1 = f(y, rate)
    k2 = f(y + 0.5 * h * k1, rate)
    k3 = f(y + 0.5 * h * k2, rate)
    k4 = f(y + h * k3, rate)
    return y + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)


@numba.njit
def _ode_repeated(f, y, rate, n):
    if n == 0:
        return y
    return _ode_repeated(f, _ode_rk4_step(f, y, 0.1, rate), rate, n - 1)


@case(scalar(-1.0, 1.0), scalar(0.2, 1.5), tags={"helper", "loop", "math", "program"})
def integrator_taking_functions(y0, rate):
    y = y0
    for _ in range(5):
        y = _ode_rk4_step(_ode_decay, y, 0.1, rate)
    return y * _ode_repeated(_ode_forcing, y0, rate, 3) + _ode_rk4_step(
        f=_ode_forcing, y=y, h=0.05, rate=rate
    )


def _trapezoid(g, a, b, n):
    h = (b - a) / n
    total = 0.5 * (g(a) + g(b))
    for i in range(1, n):
        total += g(a + i * h)
    return total * h


def _two_trapezoids(g, a, b):
    return _trapezoid(g, a, b, 6) + _trapezoid(g=g, a=a, b=0.5 * b, n=4)


@case(scalar(-1.0, 1.0), scalar(0.2, 1.5), tags={"helper", "loop", "math", "program"})
def quadrature_of_library_functions(a, b):
    # NumPy and math functions passed as values, under any import style, and passed on.
    return (
        _trapezoid(math.cos, a, b, 5) * b
        + _two_trapezoids(np.tanh, a, b)
        + _trapezoid(exp, 0.0, a * b, 3)
        + _two_trapezoids(sin, b, 1.0)
    )


def _moments(v):
    return np.sum(v), (np.sum(v * v), v[0] * v[-1])


def _largest_and_next(v):
    k = 0
    for i in range(v.shape[0]):
        if v[i] > v[k]:
            k = i
    return v[k], (k, (k + 1) % v.shape[0])


def _passed_on(v):
    return _moments(v * v)


@case(array(5), tags={"helper", "tuple"})
def nested_helper_results(x):
    # Helpers returning tuples inside tuples: unpacked, indexed, with integers, passed on.
    s, (q, e) = _moments(x)
    m = _moments(x * 2.0)
    top, (i, j) = _largest_and_next(x)
    p = _passed_on(x)
    return s * q - e + m[1][0] * 0.1 + top * x[j] + x[i] + p[1][1] * p[0]
