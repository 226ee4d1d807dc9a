"""The runtime's NumPy ufuncs of one number (GPU device code spells NumPy's with them) give
NumPy's values, edge cases included, in Python and compiled."""

import math

import numba
import numpy as np
import pytest

from s2s.runtime import scalars

EDGES = [0.0, -0.0, 1e-300, 0.5, -0.5, 2.5, -2.5, 3.0, 1e20, -1e20, 2.0**52 + 1.0]
EDGES += [4503599627370495.5, 1e300, -1e300, math.inf, -math.inf, math.nan]
RANDOM = list(np.random.default_rng(0).uniform(-20.0, 20.0, 40))
VALUES = EDGES + RANDOM
PAIRS = [(a, b) for a in EDGES for b in EDGES] + list(zip(RANDOM, RANDOM[::-1]))

UNARY = [
    (scalars.cbrt, np.cbrt),
    (scalars.nan_to_num, np.nan_to_num),
    (scalars.floor, np.floor),
    (scalars.ceil, np.ceil),
    (scalars.trunc, np.trunc),
    (scalars.rint, np.rint),
]
BINARY = [
    (scalars.fmod, np.fmod),
    (scalars.logaddexp, np.logaddexp),
    (scalars.logaddexp2, np.logaddexp2),
]


def _compiled(helper, nargs):
    if nargs == 1:
        return numba.njit(lambda x: helper(x))
    return numba.njit(lambda x1, x2: helper(x1, x2))


@pytest.mark.parametrize("helper, reference", UNARY, ids=lambda f: getattr(f, "__name__", ""))
def test_unary(helper, reference):
    compiled = _compiled(helper, 1)
    for x in VALUES:
        expected = reference(np.float64(x))
        for got in (helper(x), compiled(x)):
            np.testing.assert_allclose(got, expected, rtol=4e-16, err_msg=str(x))
            assert math.copysign(1.0, got) == math.copysign(1.0, expected) or math.isnan(got)


@pytest.mark.parametrize("helper, reference", BINARY, ids=lambda f: getattr(f, "__name__", ""))
def test_binary(helper, reference):
    compiled = _compiled(helper, 2)
    for x1, x2 in PAIRS:
        with np.errstate(all="ignore"):
            expected = reference(np.float64(x1), np.float64(x2))
        if x2 == 0.0 and helper is scalars.fmod:
            continue  # NumPy's NaN; Python's % raises, as it does for the user's own x % 0.0
        for got in (helper(x1, x2), compiled(x1, x2)):
            np.testing.assert_allclose(got, expected, rtol=4e-16, err_msg=f"{x1}, {x2}")


@pytest.mark.parametrize("helper, reference", UNARY[2:], ids=lambda f: getattr(f, "__name__", ""))
def test_rounding_keeps_float32(helper, reference):
    compiled = numba.njit(lambda x: helper(x) * np.float32(1.0))  # float64 would stay float64
    for x in (np.float32(2.5), np.float32(-0.4), np.float32(3e9)):
        assert compiled(x) == reference(x)
    assert numba.typeof(compiled(np.float32(1.5))) is numba.float64  # boxed, as any float
    assert compiled.nopython_signatures[0].return_type == numba.float32


def test_nan_to_num_keeps_float32():
    compiled = _compiled(scalars.nan_to_num, 1)
    got = compiled(np.float32(math.inf))
    assert got == float(np.finfo(np.float32).max)  # (returned as a Python float)
