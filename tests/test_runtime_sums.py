"""s2s's ``np.sum`` along an axis against Numba's and NumPy's: values, shapes, layouts, types."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import s2s
from s2s import runtime as _s2s


@numba.njit
def runtime_sum(a, axis):
    return _s2s.sum(a, axis)


@numba.njit
def runtime_sum_keyword(a, axis):
    return _s2s.sum(a, axis=axis)


@numba.njit
def numba_sum(a, axis):
    return np.sum(a, axis=axis)


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=5, min_side=0, max_side=5),
        elements=st.floats(-1e6, 1e6),
    ),
    st.data(),
)
def test_sums_as_numba_does_in_every_layout(a, data):
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    for view in (a, a.T, a[::2]):
        if axis >= view.ndim:
            continue
        got = runtime_sum(view, axis)
        assert got.shape == np.sum(view, axis=axis).shape
        np.testing.assert_array_equal(got, numba_sum(view, axis))  # the same order of sums
        np.testing.assert_allclose(got, np.sum(view, axis=axis), rtol=1e-12, atol=1e-6)


def test_keyword_axis_and_other_types_and_whole_sums_are_numpys():
    x = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(runtime_sum_keyword(x, 1), x.sum(axis=1))
    ints = np.arange(12).reshape(3, 4)
    np.testing.assert_array_equal(runtime_sum(ints, 0), ints.sum(axis=0))
    np.testing.assert_array_equal(runtime_sum(np.arange(5.0), 0), 10.0)

    @numba.njit
    def whole(a):
        return _s2s.sum(a), _s2s.sum(a, dtype=np.float64)

    assert whole(x) == (x.sum(), x.sum())


def test_an_axis_out_of_bounds_is_an_error():
    with pytest.raises(ValueError, match="axis"):
        runtime_sum(np.ones((2, 3)), 2)
    with pytest.raises(ValueError, match="axis"):
        runtime_sum(np.ones((2, 3)), -3)


def test_python_version_is_numpys():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(_s2s.sum(x, 1), x.sum(axis=1))
    assert _s2s.sum(x) == x.sum()


def test_generated_code_sums_along_axes_with_the_runtime():
    def f(x):
        return np.sum(np.sum(x * x, axis=1))

    assert "np.sum(_s2s.sum(x * x, axis=1))" in s2s.show(f)  # whole sums stay Numba's
    assert "= _s2s.sum(_t3, axis=1)" in s2s.show(s2s.grad(f))
    x = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    np.testing.assert_allclose(s2s.jit(f)(x), f(x))
    np.testing.assert_allclose(s2s.grad(f)(x), 2.0 * x)
