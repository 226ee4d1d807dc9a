"""Functions whose derivatives fail at run time, or whose lines are looked up (lines matter)."""

import numpy as np


def out_of_bounds(x):
    y = np.zeros(3)
    for i in range(4):
        y[i] = x[i] * 2.0  # fails when i == 3
    return np.sum(y)


def sine_then_product(x):
    s = np.sin(x)
    return s * x
