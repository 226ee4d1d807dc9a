"""Arrays that share memory: ``x += y`` through a slice writes in place, as in NumPy and Numba."""

from __future__ import annotations

import numpy as np
import pytest

import s2s


def add_to_tail(x):
    b = x * 1.0
    tail = b[1:]
    tail += x[:-1]
    return b


def scale_columns(m):
    out = m * 1.0
    t = out.T
    t *= 2.0
    return np.sum(out * m)


@pytest.mark.parametrize(
    "fn, arg", [(add_to_tail, np.arange(4.0)), (scale_columns, np.ones((2, 3)))]
)
def test_augmented_assignment_through_a_view_writes_in_place(fn, arg):
    expected = fn(arg.copy())
    np.testing.assert_allclose(s2s.jit(fn)(arg.copy()), expected)
    batch = np.stack([arg, 2.0 * arg])
    np.testing.assert_allclose(s2s.vmap(fn)(batch), np.stack([fn(a) for a in batch]))


def test_augmented_assignment_through_a_view_is_refused_by_derivatives():
    with pytest.raises(s2s.DifferentiationError, match="may share its memory with 'out'"):
        s2s.grad(scale_columns)(np.ones((2, 3)))
