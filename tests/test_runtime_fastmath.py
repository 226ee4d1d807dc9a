"""s2s's vectorisable tanh and exp against NumPy's: units in the last place, edge values, types."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from s2s import runtime as _s2s

MAX_ULPS = {"tanh": 3, "exp": 1}


@numba.njit
def compiled_tanh(x):
    return _s2s.tanh(x)


@numba.njit
def compiled_exp(x):
    return _s2s.exp(x)


COMPILED = {"tanh": compiled_tanh, "exp": compiled_exp}
NUMPY = {"tanh": np.tanh, "exp": np.exp}


def ulps(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Distance in units in the last place; where NumPy's result is 0 or infinite, 0 when
    both agree exactly and infinity when not."""
    finite = np.isfinite(want) & (want != 0)
    distance = np.where(got == want, 0.0, np.inf)
    distance[finite] = np.abs(got[finite] - want[finite]) / np.spacing(np.abs(want[finite]))
    return distance


RNG = np.random.default_rng(0)


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("tanh", RNG.normal(scale=3.0, size=200_000)),
        ("tanh", RNG.uniform(-0.4, 0.4, size=200_000)),  # the reduction's k = 0, 1
        ("tanh", RNG.uniform(-1e-6, 1e-6, size=10_000)),  # tanh x = x
        ("tanh", np.linspace(-25.0, 25.0, 100_001)),  # across saturation at |x| ~ 19
        ("tanh", np.geomspace(1e-308, 1e-3, 10_000)),  # tiny and subnormal magnitudes
        ("exp", RNG.normal(scale=30.0, size=200_000)),
        ("exp", RNG.uniform(-0.4, 0.4, size=200_000)),  # k = -1, 0, 1
        ("exp", np.linspace(-760.0, 720.0, 200_001)),  # the whole range, and past both ends
        ("exp", RNG.uniform(-745.2, -708.0, size=100_000)),  # subnormal results
        ("exp", RNG.uniform(700.0, 709.8, size=100_000)),  # up to overflow
        ("exp", np.geomspace(1e-308, 1e-3, 10_000)),  # exp x = 1 + x
    ],
    ids=[
        *("tanh-" + s for s in ("normal", "reduction", "tiny", "saturation", "magnitudes")),
        *("exp-" + s for s in ("normal", "reduction", "range", "subnormal", "overflow", "tiny")),
    ],
)
def test_within_a_few_ulps_of_numpy(name, values):
    with np.errstate(over="ignore"):
        want = NUMPY[name](values)
    assert ulps(COMPILED[name](values), want).max() <= MAX_ULPS[name]


def test_tanh_edge_values():
    values = np.array([0.0, -0.0, 5e-324, -5e-324, 19.0625, 1e300, -1e300, np.inf, -np.inf])
    got = compiled_tanh(values)
    np.testing.assert_array_equal(got, np.tanh(values))
    assert np.array_equal(np.signbit(got), np.signbit(values))  # -0.0 stays -0.0
    assert np.isnan(compiled_tanh(np.array([np.nan]))).all()


def test_exp_edge_values():
    values = np.array(
        [0.0, -0.0, 5e-324, -5e-324, 709.782712893384, 709.7827128933841, -745.1332191019411]
        + [-745.1332191019412, -708.4, 1e300, -1e300, np.inf, -np.inf]
    )
    with np.errstate(over="ignore"):
        np.testing.assert_array_equal(compiled_exp(values), np.exp(values))
    assert np.isnan(compiled_exp(np.array([np.nan, -np.nan]))).all()


@pytest.mark.parametrize("name", ["tanh", "exp"])
@settings(max_examples=60, deadline=None)
@given(
    values=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=0, max_dims=3, max_side=5),
        elements=st.floats(allow_nan=False, allow_infinity=True),
    )
)
def test_any_shape_and_value(name, values):
    got = COMPILED[name](values)
    assert got.shape == values.shape
    with np.errstate(over="ignore"):
        want = NUMPY[name](values)
    assert ulps(got, want).max(initial=0.0) <= MAX_ULPS[name]


@pytest.mark.parametrize("name", ["tanh", "exp"])
def test_views_other_dtypes_and_scalars(name):
    compiled, numpy = COMPILED[name], NUMPY[name]
    grid = np.random.default_rng(3).normal(size=(6, 8))
    np.testing.assert_allclose(compiled(grid.T[::2]), numpy(grid.T[::2]), rtol=1e-15)
    single = grid.astype(np.float32)
    assert compiled(single).dtype == np.float32  # float32 keeps Numba's NumPy function
    np.testing.assert_allclose(compiled(single), numpy(single), rtol=1e-6)
    assert compiled(0.5) == numpy(0.5)  # scalars keep NumPy's too


@pytest.mark.parametrize("name", ["tanh", "exp"])
def test_python_version_is_numpys(name):
    values = np.linspace(-3.0, 3.0, 11)
    np.testing.assert_array_equal(getattr(_s2s, name)(values), NUMPY[name](values))


def into_positional(x):
    y, z = np.empty_like(x), np.empty_like(x)
    np.tanh(x, y)
    np.exp(x, z)
    return y, z


def into_keyword(x):
    y, z = np.empty_like(x), np.empty_like(x)
    np.tanh(x, out=y)
    np.exp(x, out=z)
    return y, z


@pytest.mark.parametrize("fn", [into_positional, into_keyword])
def test_out_argument_through_jit(fn):
    import s2s

    x = np.linspace(-2.0, 2.0, 7)
    y, z = s2s.jit(fn)(x)
    np.testing.assert_allclose(y, np.tanh(x), rtol=1e-15)
    np.testing.assert_allclose(z, np.exp(x), rtol=1e-15)


def test_printer_respells_exactly_the_runtime_versions():
    from s2s.codegen.printer import RUNTIME_VERSIONS
    from s2s.runtime import fastmath, sums

    assert set(RUNTIME_VERSIONS) == set(fastmath.__all__) | set(sums.__all__)


_CACHED_USER = """
import numba
import s2s.runtime as rt


@numba.njit(cache=True)
def f(x):
    s = 0.0
    for i in range(3):
        s += rt.{name}(x + i).sum()
    return s
"""

_RUN_WITH_COUNTER = """
import itertools, sys
import numpy as np
from numba.core import bytecode

# Each process starts Numba's function counter at the same place, as sibling processes do.
bytecode.FunctionIdentity._unique_ids = itertools.count(5000)
x = np.linspace(-1.0, 1.0, 5)
for name in sys.argv[1:]:
    module = __import__("uses_" + name)
    want = sum(getattr(np, name)(x + i).sum() for i in range(3))
    print(name, abs(module.f(x) - want) < 1e-12 * abs(want))
"""


def test_cached_code_using_tanh_and_exp_keeps_each_function(tmp_path):
    """Compiled in two processes and loaded from the cache by a third, a function calling
    ``tanh`` and one calling ``exp`` each get the function they call (their implementations
    once shared a name, and the loaded code of one ran the other's: numba/numba#10486)."""
    import os
    import subprocess
    import sys

    for name in ("tanh", "exp"):
        (tmp_path / f"uses_{name}.py").write_text(_CACHED_USER.format(name=name))
    (tmp_path / "run.py").write_text(_RUN_WITH_COUNTER)
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}

    def run(*names):
        done = subprocess.run(
            [sys.executable, "run.py", *names],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.split()

    assert run("exp") == ["exp", "True"]
    assert run("tanh") == ["tanh", "True"]
    assert run("exp", "tanh") == ["exp", "True", "tanh", "True"]
