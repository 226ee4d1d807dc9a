"""The rank analysis behind the GPU's check for arithmetic on arrays (``analysis/ranks.py``)."""

import inspect
import math

import numpy as np
import pytest

from s2s.analysis.ranks import array_operations
from s2s.transforms.device import device_program


def column_times(m, w):
    col = m[:, 0]  # a view: no new array
    return col * w  # reject


def element_of_a_slice(m, w):
    col = m[:, 0]
    return col[1] * w


def added_axis(x):
    return x[None] + 1.0  # reject


def looped_reduced(x, w):
    total = np.sum(x) + max(x) + len(x)
    for j in range(x.shape[0]):
        total += math.exp(x[j]) * np.maximum(x[j], w)
    return total


def loop_carried(x, w):
    acc = w
    for j in range(3):
        acc = acc * x[j]
    return acc


def pairwise_max(x, w):
    return max(x, w)  # reject


def _scaled(v, w):
    return v * w  # reject


def through_helper(x, w):
    return _scaled(x[0], w) + _scaled(x, w)[1]


def unknown_shapes(x, w):
    s = x.shape
    return w * s[0]


def rejected_lines(fn):
    lines, first = inspect.getsourcelines(fn)
    return [first + k for k, line in enumerate(lines) if line.rstrip().endswith("# reject")]


@pytest.mark.parametrize(
    "fn, ranks",
    [
        (column_times, [2, 0]),
        (element_of_a_slice, [2, 0]),
        (added_axis, [0]),
        (looped_reduced, [1, 0]),
        (loop_carried, [1, 0]),
        (pairwise_max, [1, 0]),
        (through_helper, [1, 0]),
        (unknown_shapes, [2, 0]),
    ],
)
def test_operations_that_make_arrays(fn, ranks):
    found = array_operations(device_program(fn), ranks)
    lines = sorted({op.unit.parsed.location(op.node).lineno for op in found})
    expected = rejected_lines(fn)
    if fn is through_helper:
        expected = rejected_lines(_scaled)
    assert lines == expected


def test_numbers_make_no_arrays():
    for fn in (_scaled, pairwise_max):
        assert array_operations(device_program(fn), [0, 0]) == []
