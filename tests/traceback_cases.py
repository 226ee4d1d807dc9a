"""A function whose derivative fails at run time (for the traceback test; lines matter)."""

import numpy as np


def out_of_bounds(x):
    y = np.zeros(3)
    for i in range(4):
        y[i] = x[i] * 2.0  # fails when i == 3
    return np.sum(y)
