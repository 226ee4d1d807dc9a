"""s2s's ``np.sum`` and ``np.mean`` against NumPy's and Numba's: values to the last bit, shapes,
layouts, types."""

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


@numba.njit
def whole_sum(a):
    return _s2s.sum(a)


@numba.njit
def whole_mean(a):
    return _s2s.mean(a)


@numba.njit
def numba_whole_sum(a):
    return np.sum(a)


SIZES = [0, 1, 7, 8, 9, 127, 128, 129, 136, 255, 256, 257, 1000, 4099, 8192, 8193, 100_003]


@pytest.mark.parametrize("n", SIZES)
def test_whole_sums_and_means_are_numpys_to_the_last_bit(n):
    rng = np.random.default_rng(n)
    x = rng.normal(size=n) * 10.0 ** rng.uniform(-6, 6, size=n)  # rounding shows the order
    assert whole_sum(x) == np.sum(x)
    if n:
        assert whole_mean(x) == np.mean(x)
    if n % 4 == 0 and n:
        assert whole_sum(x.reshape(4, -1)) == np.sum(x.reshape(4, -1))


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, st.integers(0, 3000), elements=st.floats(-1e9, 1e9)))
def test_whole_sums_of_any_values_are_numpys(x):
    assert whole_sum(x) == np.sum(x)


def test_whole_sums_keep_numpys_signed_zeros_and_infinities():
    assert str(whole_sum(np.array([-0.0] * 300))) == str(np.sum(np.array([-0.0] * 300)))
    x = np.ones(500)
    x[300] = np.inf
    assert whole_sum(x) == np.inf
    x[10] = -np.inf
    assert np.isnan(whole_sum(x))


def test_other_layouts_and_types_are_numbas():
    x = np.random.default_rng(0).normal(size=(40, 30))
    assert whole_sum(x[:, ::2]) == numba_whole_sum(x[:, ::2])  # not contiguous
    ints = np.arange(12).reshape(3, 4)
    assert whole_sum(ints) == 66
    assert whole_mean(ints) == 5.5
    assert np.isnan(whole_mean(np.ones(0)))  # as NumPy's and Numba's


def test_keyword_axis_and_other_types_are_numpys():
    x = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(runtime_sum_keyword(x, 1), x.sum(axis=1))
    ints = np.arange(12).reshape(3, 4)
    np.testing.assert_array_equal(runtime_sum(ints, 0), ints.sum(axis=0))
    np.testing.assert_array_equal(runtime_sum(np.arange(5.0), 0), 10.0)

    @numba.njit
    def with_dtype(a):
        return _s2s.sum(a, dtype=np.float64)

    assert with_dtype(x) == x.sum()


def test_an_axis_out_of_bounds_is_an_error():
    with pytest.raises(ValueError, match="axis"):
        runtime_sum(np.ones((2, 3)), 2)
    with pytest.raises(ValueError, match="axis"):
        runtime_sum(np.ones((2, 3)), -3)


def test_python_versions_are_numpys():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(_s2s.sum(x, 1), x.sum(axis=1))
    assert _s2s.sum(x) == x.sum()
    assert _s2s.mean(x) == x.mean()


def test_generated_code_sums_with_the_runtime():
    def f(x):
        return np.sum(np.sum(x * x, axis=1)) + np.mean(x)

    assert "_s2s.sum(_s2s.sum(x * x, axis=1)) + _s2s.mean(x)" in s2s.show(f)
    assert "np.sum" not in s2s.show(s2s.grad(f))
    x = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    assert s2s.jit(f)(x) == f(x)
    np.testing.assert_allclose(s2s.grad(f)(x), 2.0 * x + 1.0 / 12)
