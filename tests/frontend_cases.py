"""Functions for ``test_frontend.py``: name resolution and normalisation cases.

Every function here is plain Python; the tests run each one as written, as s2s's normalised
Python and compiled by ``s2s.jit``, and compare.
"""

import math
from math import exp

import frontend_other
import numba
import numpy
import numpy as np
import numpy as xp
import numpy.linalg as la
from frontend_other import cube
from frontend_other import helper as other_helper
from numpy import float64, sin

import s2s

SCALE = 3.0
SHAPE = (2, 3)
WEIGHTS = np.array([1.0, 2.0, 3.0])
MODE = "double"


# -- name resolution ---------------------------------------------------------------------------
def numpy_aliases(x):
    return xp.sin(x) + sin(x) + numpy.cos(x) + np.exp(x)


def linalg_alias(x):
    return la.norm(x) + np.linalg.norm(x)


def math_names(v):
    return math.sin(v) + exp(v) + math.pi


def module_constants(x):
    return x * SCALE + WEIGHTS + np.zeros(SHAPE)[0, 0]


def make_closure(k, offset):
    def scaled(x):
        return x * k + offset

    return scaled


closure = make_closure(2.0, 0.5)


def helper(v):
    return v * SCALE


def helper_twice(v):
    return helper(helper(v))


def calls_helpers(x):
    total = 0.0
    for v in x:
        total += helper(v) + helper_twice(v)
    return total


def calls_module_helper(x):
    return frontend_other.norm2(x) + frontend_other.helper(x[0])


def calls_helper_calling_helper(v):
    return cube(v)


def same_name_helpers(v):
    return helper(v) + other_helper(v)


def factorial(n):
    if n <= 1:
        return 1
    return n * factorial(n - 1)


def calls_recursive(n):
    return factorial(n) + 1


def numpy_scalar_type(v):
    return float64(v) + np.float64(1)


def annotated(x: np.ndarray, n: int) -> float:
    total: float = 0.0
    for k in range(n):
        total += x[k]
    return total


def strings(x, mode):
    assert x.shape[0] > 0, "empty input"
    if mode == MODE:
        return x * 2.0
    if mode == "negate":
        return -x
    raise ValueError("unknown mode")


def undefined_name(x):
    return x * not_defined_anywhere  # noqa: F821


def undefined_in_helper(x):
    return uses_undefined(x) + 1.0


def uses_undefined(x):
    return x + also_not_defined  # noqa: F821


def unsupported_builtin(x):
    return vars(x)


# -- normalisation: each must mean what it means in Python ---------------------------------------
def short_circuit_and(x, i):
    if i < x.shape[0] and x[i] > 0.0:
        return 1.0
    return 0.0


def short_circuit_or(x, i):
    if i >= x.shape[0] or x[i] < 0.0:
        return -1.0
    return x[i]


def counted(x, counter):
    counter[0] += 1
    return x


def chained_comparison(x, counter):
    return 0.0 <= counted(x, counter)[1] < 2.0


def chained_comparison_false_early(x, counter):
    return 5.0 <= x[0] < counted(x, counter)[1]


def ternaries(a, b):
    m = a if a > b else b
    return (m * 2.0 if m > 1.0 else m) + (1.0 if a == b else 0.0)


def swaps(a, b, c):
    a, b = b, a
    a, b, c = c, a, b
    return a * 100.0 + b * 10.0 + c


def index(i, n):
    return (i * 7 + 3) % n


def augmented_index(x, n):
    out = np.zeros(n)
    for i in range(x.shape[0]):
        out[index(i, n)] += x[i]
        out[i % n] *= 2.0
    return out


def iterate_array(x):
    total = 0.0
    for v in x:
        total = total * 0.5 + v
    return total


def iterate_rows(x):
    total = np.zeros(x.shape[1])
    for row in x:
        total += row
    return total


def loop_rebinds_sequence(x):
    total = 0.0
    for v in x:
        x = x * 2.0
        total += v
    return total


def enumerate_loop(x):
    total = 0.0
    for i, v in enumerate(x):
        total += i * v
    for i, v in enumerate(x, 1):
        total += i * v
    for i, v in enumerate(x, start=10):
        total += i * v
    return total


def zip_loop(x, y):
    total = 0.0
    for a, b in zip(x, y):
        total += a * b
    return total


def while_continue_break(n):
    k = 0
    total = 0
    while k < n:
        k += 1
        if k % 3 == 0:
            continue
        if k > 20:
            break
        total += k
    return total


def while_plain(x):
    k = 0
    while k < x.shape[0] and x[k] < 5.0:
        k += 1
    return k


def multiple_returns(v):
    if v < 0.0:
        return -1.0
    elif v == 0.0:
        return 0.0
    for k in range(10):
        if k * k > v:
            return float(k)
    return 10.0


def nested_loops(x):
    total = 0.0
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            if j > i:
                break
            total += x[i, j] * (i + 1)
    return total


def array_methods(x):
    y = x.reshape(2, 3)
    z = y.T
    s = y.sum(axis=0)
    c = x.copy()
    c[0] = 100.0
    return z[0, 1] + s[1] + c[0] + x[0] + y.shape[0]


def tuples_and_unpacking(x):
    n, m = x.shape
    pair = (n, m)
    p, q = pair
    lo, hi = divmod_like(n * m, 4)
    return p * 10 + q + lo + hi


def divmod_like(a, b):
    return a // b, a % b


def comparisons_is_in(v, k):
    flag = None
    if flag is None and k in (1, 2, 3):
        return v
    return -v


def boolean_values(a, b):
    return (a > 0 and b > 0) or (a < 0 and b < 0)


def nested_subscripts(x):
    x[1][2] = x[0][1] + x[1][0]
    x[0, :] += 1.0
    x[:, 1:] = 0.5
    return x


# -- helpers defined after their caller: compiled on first call ----------------------------------
@s2s.jit
def calls_late_helper(x):
    return late_helper(x) * 2.0


def late_helper(x):
    return x + 1.0


def ndenumerate_loop(m):
    total = 0.0
    for idx, v in np.ndenumerate(m):
        total += idx[0] * v
    for i, j in np.ndindex(m.shape):
        total += m[i, j]
    return total


def ndenumerate_without_unpacking(m):
    total = 0.0
    for pair in np.ndenumerate(m):
        total += pair[1]
    return total


def typed_list_with_items(x):
    values = numba.typed.List(x)
    return values[0]


def typed_list_as_a_value(x):
    make = numba.typed.List
    return make()


def _halved(v):
    return 0.5 * v


def _apply_twice(f, v):
    return f(f(v))


def passes_a_function(x):
    return _apply_twice(_halved, x) + _apply_twice(f=_halved, v=x)


def passes_library_functions(x):
    # Functions called through a parameter are specialised; a constant is an argument.
    return _apply_twice(xp.tanh, x) + _apply_twice(f=exp, v=x) + _scaled(math.pi, x)


def split_unequally(x):
    return np.sum(np.split(x, 4)[0])


def _scaled(v, w):
    return v * w


def _local_named_like_a_function(x):
    _halved = x * 3.0  # a variable with a function's name, passed as a value
    return _scaled(_halved, 2.0)


def passes_a_variable_named_like_a_function(x):
    return _apply_twice(_halved, x) + _local_named_like_a_function(x)
