"""Differential tests on random programs (``random_programs.py``): each transformation against
the function run by Python, central differences, and the other transformations.

The corpus checks each construct alone; these check them mixed, in the combinations nobody
wrote by hand (a recurrence on an array also written through a slice, a scalar carried
through a loop with a branch, an argument rebound by ``+=``). A program s2s refuses fails the
test as much as a wrong derivative does: every generated program is in the accepted language.
"""

from __future__ import annotations

import contextlib
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from random_programs import SIZE, load, program_sources

import s2s
from s2s.testing import check_grads

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
TOLERANCES = {"rtol": 1e-4, "atol": 1e-6}  # against central differences


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    return tmp_path_factory.mktemp("random_programs")


def arguments(seed: int) -> tuple[np.ndarray, float]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal(SIZE), float(rng.standard_normal())


def sampled(directory, source: str, seed: int):
    """The program's function and arguments where its value is finite (else the example is
    skipped: differences of an overflowing program mean nothing)."""
    f = load(source, directory)
    x, s = arguments(seed)
    assume(bool(np.all(np.isfinite(f(x.copy(), s)))))
    return f, x, s


@contextlib.contextmanager
def refusing_shared_writes():
    """Derivatives may refuse a write into an array another name sees (``v = y`` then
    ``y[0] = ...`` then ``v`` read; a row ``r = m[0]`` at run time): loudly, never with a
    wrong answer."""
    try:
        yield
    except s2s.DifferentiationError as error:
        if "may share its memory" not in str(error):
            raise
    except ValueError as error:
        if "another name also sees" not in str(error):
            raise


@SETTINGS
@given(source=program_sources(), seed=st.integers(0, 2**16))
def test_derivatives_agree_with_differences_and_each_other(directory, source, seed):
    f, x, s = sampled(directory, source, seed)
    with refusing_shared_writes():
        check_grads(f, (x, s), (0, 1), **TOLERANCES, seed=seed, jit=False)
        value, (gx, gs) = s2s.value_and_grad(f, argnums=(0, 1), jit=False)(x.copy(), s)
        assert value == pytest.approx(f(x.copy(), s), rel=1e-12, abs=1e-12)
        assert gx.shape == x.shape and isinstance(gs, float)


@SETTINGS
@given(source=program_sources(), seed=st.integers(0, 2**16))
def test_hessian_is_symmetric_and_matches_differences_of_the_gradient(directory, source, seed):
    f, x, s = sampled(directory, source, seed)
    with refusing_shared_writes():
        check_grads(f, (x, s), (0,), order=2, **TOLERANCES, seed=seed, jit=False)
        h = s2s.hessian(f, jit=False)(x.copy(), s)
        np.testing.assert_allclose(h, h.T, rtol=1e-9, atol=1e-9)
        # its own pattern at this point: grouped passes, then read back one entry at a time
        sparse = s2s.hessian(f, sparsity=(h != 0) | (h.T != 0), jit=False)(x.copy(), s)
        np.testing.assert_allclose(sparse, h, rtol=1e-9, atol=1e-9)


@SETTINGS
@given(source=program_sources(output="array"), seed=st.integers(0, 2**16))
def test_jacobians_of_array_functions_agree(directory, source, seed):
    f, x, s = sampled(directory, source, seed)
    with refusing_shared_writes():
        check_grads(f, (x, s), (0, 1), **TOLERANCES, seed=seed, jit=False)
        forward = s2s.jacfwd(f, argnums=(0, 1), jit=False)(x.copy(), s)
        reverse = s2s.jacrev(f, argnums=(0, 1), jit=False)(x.copy(), s)
        assert forward[0].shape == (SIZE, SIZE) and forward[1].shape == (SIZE,)
        for a, b in zip(forward, reverse):
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


@SETTINGS
@given(source=program_sources(), seed=st.integers(0, 2**16))
def test_vmap_matches_a_loop(directory, source, seed):
    f = load(source, directory)
    rng = np.random.default_rng(seed)
    xs, ss = rng.standard_normal((3, SIZE)), rng.standard_normal(3)
    expected = np.array([f(xs[b].copy(), float(ss[b])) for b in range(3)])
    np.testing.assert_allclose(s2s.vmap(f, jit=False)(xs, ss), expected, rtol=1e-12)
    with refusing_shared_writes():
        by_example = s2s.vmap(s2s.grad(f, jit=False), in_axes=(0, None), jit=False)(xs, 0.5)
        for b in range(3):
            np.testing.assert_allclose(by_example[b], s2s.grad(f, jit=False)(xs[b].copy(), 0.5))
    columns = s2s.vmap(f, in_axes=(1, 0), jit=False)(xs.T.copy(), ss)  # the batch along axis 1
    np.testing.assert_allclose(columns, expected, rtol=1e-12)


@settings(SETTINGS, max_examples=3)
@given(source=program_sources(), seed=st.integers(0, 2**16))
def test_numba_runs_what_python_runs(directory, source, seed):
    """Compiled, the function and its gradient give what the generated Python gives."""
    f = load(source, directory)
    x, s = arguments(seed)
    expected = f(x.copy(), s)
    assert math.isclose(s2s.jit(f)(x.copy(), s), expected, rel_tol=1e-12, abs_tol=1e-12)
    with refusing_shared_writes():
        compiled = s2s.grad(f, argnums=(0, 1))(x.copy(), s)
        python = s2s.grad(f, argnums=(0, 1), jit=False)(x.copy(), s)
        np.testing.assert_allclose(compiled[0], python[0], rtol=1e-10, atol=1e-12)
        assert math.isclose(compiled[1], python[1], rel_tol=1e-10, abs_tol=1e-12)
