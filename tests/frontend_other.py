"""A second module of helpers for ``frontend_cases.py`` (test data for ``test_frontend.py``)."""

import numpy as np

OFFSET = 100.0


def helper(v):
    """Same name as ``frontend_cases.helper``, different body: must stay distinct."""
    return v + OFFSET


def cube(v):
    return v * square(v)


def square(v):
    return v * v


def norm2(x):
    return np.sqrt(np.sum(x * x))
