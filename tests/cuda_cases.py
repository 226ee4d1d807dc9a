"""Per-element functions for the CUDA tests (module level, so s2s can read their source)."""

import math

import numba
import numpy as np

RATE = 0.05


def discount(t):
    return math.exp(-RATE * t)


def payoff(s, strike):
    if s > strike:
        return s - strike
    return 0.0


def square(x):
    return x * x


def looped(x, k):
    y = 0.0
    n = 0
    while x > 0.1 and n < 50:
        x = x * 0.7 + math.sin(x) * k
        y += x
        n += 1
    if y > 2.0:
        y = y * 0.5
    return y


def with_helpers(s, strike, t):
    total = 0.0
    for i in range(1, 4):
        total += payoff(s * (1.0 + 0.01 * i), strike)
    return total * discount(t)


def two_outputs(x, y):
    return x * y, x + np.sin(y)


def reads_row(row, w):
    acc = 0.0
    for j in range(row.shape[0]):
        acc += row[j] * w
    return acc


def allocates(x):
    tmp = np.zeros(3)
    tmp[0] = x
    return tmp[0] * 2.0


def scales_row(row, w):
    scaled = row * w  # a new array: not on the GPU
    return scaled[0] + scaled[-1]


def sine_of_row(row):
    return np.sin(row)[0]


def scale(v, w):
    return v * w


def scales_row_in_helper(row, w):
    return scale(row, w)[0] + scale(row[0], w)


def row_reductions_and_elements(row, w):
    total = np.sum(row) + max(row)
    for j in range(row.shape[0]):
        total += np.maximum(row[j], w) * scale(row[j], w)
    return total


def kinked(x, y):
    """``abs``, ``math.fabs`` and ``np.sign``: the GPU spells their derivatives with
    ``_s2s.sign``."""
    return np.abs(x - 1.0) * y + math.fabs(x * y) + np.sign(x - 2.0) * x


def writes_workspace(x, work):
    work[0] = x * x
    return work[0] + x


def parallel_loop_and_closure(x, k):
    def damped(v):
        return v * math.exp(-k * v)

    total = 0.0
    for i in numba.prange(4):
        total += damped(x + 0.1 * i)
    return total
