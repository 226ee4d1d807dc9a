"""s2s's vectorisable tanh against NumPy's: units in the last place, edge values, types."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from s2s import runtime as _s2s

MAX_ULPS = 3


@numba.njit
def compiled_tanh(x):
    return _s2s.tanh(x)


def ulps(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    return np.abs(got - want) / np.spacing(np.abs(want))


@pytest.mark.parametrize(
    "values",
    [
        np.random.default_rng(0).normal(scale=3.0, size=200_000),
        np.random.default_rng(1).uniform(-0.4, 0.4, size=200_000),  # the reduction's k = 0, 1
        np.random.default_rng(2).uniform(-1e-6, 1e-6, size=10_000),  # tanh x = x
        np.linspace(-25.0, 25.0, 100_001),  # across saturation at |x| ~ 19
        np.geomspace(1e-308, 1e-3, 10_000),  # tiny and subnormal magnitudes
    ],
    ids=["normal", "reduction", "tiny", "saturation", "magnitudes"],
)
def test_within_a_few_ulps_of_numpy(values):
    got, want = compiled_tanh(values), np.tanh(values)
    assert ulps(got, want).max() <= MAX_ULPS


def test_edge_values():
    values = np.array([0.0, -0.0, 5e-324, -5e-324, 19.0625, 1e300, -1e300, np.inf, -np.inf])
    got = compiled_tanh(values)
    np.testing.assert_array_equal(got, np.tanh(values))
    assert np.array_equal(np.signbit(got), np.signbit(values))  # -0.0 stays -0.0
    assert np.isnan(compiled_tanh(np.array([np.nan]))).all()


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=0, max_dims=3, max_side=5),
        elements=st.floats(allow_nan=False, allow_infinity=True),
    )
)
def test_any_shape_and_value(values):
    got = compiled_tanh(values)
    assert got.shape == values.shape
    want = np.tanh(values)
    assert ulps(got, want).max(initial=0.0) <= MAX_ULPS


def test_views_other_dtypes_and_scalars():
    grid = np.random.default_rng(3).normal(size=(6, 8))
    np.testing.assert_allclose(compiled_tanh(grid.T[::2]), np.tanh(grid.T[::2]), rtol=1e-15)
    single = grid.astype(np.float32)
    assert compiled_tanh(single).dtype == np.float32  # float32 keeps Numba's np.tanh
    np.testing.assert_allclose(compiled_tanh(single), np.tanh(single), rtol=1e-6)
    assert compiled_tanh(0.5) == np.tanh(0.5)  # scalars keep NumPy's too


def test_python_version_is_numpys():
    values = np.linspace(-3.0, 3.0, 11)
    np.testing.assert_array_equal(_s2s.tanh(values), np.tanh(values))


def into_positional(x):
    y = np.empty_like(x)
    np.tanh(x, y)
    return y


def into_keyword(x):
    y = np.empty_like(x)
    np.tanh(x, out=y)
    return y


@pytest.mark.parametrize("fn", [into_positional, into_keyword])
def test_out_argument_through_jit(fn):
    import s2s

    x = np.linspace(-2.0, 2.0, 7)
    np.testing.assert_allclose(s2s.jit(fn)(x), np.tanh(x), rtol=1e-15)


def test_printer_respells_exactly_the_runtime_versions():
    from s2s.codegen.printer import RUNTIME_VERSIONS
    from s2s.runtime import fastmath

    assert RUNTIME_VERSIONS == set(fastmath.__all__)
