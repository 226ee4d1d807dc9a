"""Ufuncs made with ``@numba.vectorize``: Numba compiles them as they are; their derivatives
are rules registered under the name the function calls them by."""

import math

import numba
import numpy as np
import pytest

import s2s
from s2s.testing import check_grads


@numba.vectorize(["float64(float64)"])
def softplus_ufunc(v):
    return math.log1p(math.exp(v))


@numba.vectorize
def affine_ufunc(v, w):
    return v * w + 1.0


def uses_ufuncs(x, c):
    return np.sum(softplus_ufunc(x) * affine_ufunc(x, c)) + softplus_ufunc(x[0])


X = np.array([0.3, -0.7, 1.1, 0.2])


def test_the_function_and_its_batches_call_the_ufuncs_as_numba_does():
    expected = numba.njit(uses_ufuncs)(X, 2.0)
    assert uses_ufuncs(X, 2.0) == pytest.approx(expected, rel=1e-12)
    assert s2s.jit(uses_ufuncs)(X, 2.0) == pytest.approx(expected, rel=1e-12)
    assert "softplus_ufunc(x)" in s2s.show(uses_ufuncs)
    batch = np.stack([X, -X, 2 * X])
    for jit in (False, True):
        np.testing.assert_allclose(
            s2s.vmap(uses_ufuncs, in_axes=(0, None), jit=jit)(batch, 2.0),
            [uses_ufuncs(row, 2.0) for row in batch],
            rtol=1e-12,
        )


def scaled_softplus(x):
    return np.sum(unruled_ufunc(x)) * 2.0


@numba.vectorize(["float64(float64)"])
def unruled_ufunc(v):
    return v * v


@pytest.mark.parametrize("transform", [s2s.grad, s2s.jacfwd, s2s.hessian])
def test_a_ufunc_without_a_rule_is_refused_by_name_where_it_is_called(transform):
    with pytest.raises(s2s.DifferentiationError, match="rule for `unruled_ufunc`") as info:
        transform(scaled_softplus)(X)
    assert info.value.location.function == "scaled_softplus"
    assert "unruled_ufunc(x)" in info.value.location.render()


def test_rules_registered_under_its_name_give_every_derivative():
    s2s.defvjp("softplus_ufunc", "v", v="g / (1.0 + np.exp(-v))")
    s2s.defjvp("softplus_ufunc", "v", v="dv / (1.0 + np.exp(-v))")
    s2s.defvjp("affine_ufunc", "v, w", broadcast=True, v="g * w", w="g * v")
    s2s.defjvp("affine_ufunc", "v, w", broadcast=True, v="dv * w", w="dw * v")
    for jit in (False, True):
        check_grads(uses_ufuncs, (X, 2.0), (0, 1), order=2, jit=jit)
    # d/dx of sum(softplus(x) * (c x + 1)) at c = 2, and of softplus(x[0])
    by_hand = (2.0 * X + 1.0) / (1.0 + np.exp(-X)) + 2.0 * np.log1p(np.exp(X))
    by_hand[0] += 1.0 / (1.0 + np.exp(-X[0]))
    np.testing.assert_allclose(s2s.grad(uses_ufuncs)(X, 2.0), by_hand, rtol=1e-12)
    per_example = s2s.vmap(s2s.grad(uses_ufuncs), in_axes=(0, None))(np.stack([X, -X]), 2.0)
    np.testing.assert_allclose(per_example[0], by_hand, rtol=1e-12)


def on_the_device(a, b):
    return unruled_ufunc(a) * b


def test_device_code_refuses_a_cpu_ufunc_by_name():
    pytest.importorskip("numba.cuda")
    with pytest.raises(s2s.S2SError, match="`unruled_ufunc` is a @numba.vectorize ufunc"):
        s2s.jit(s2s.vmap(on_the_device), target="cuda")(X, X)


def test_the_generated_module_names_the_ufunc_by_its_kernel_not_its_loops():
    """The module's name (and so Numba's cache of it) follows the kernel's code: a dynamic
    ufunc compiling a loop for a new type leaves it, an edited kernel changes it."""
    from s2s.compile import generate
    from s2s.jit import program_of

    before = generate(program_of(uses_ufuncs)).path
    affine_ufunc(np.ones(2, np.float32), np.float32(3.0))  # a new loop, float32
    assert generate(program_of(uses_ufuncs)).path == before

    namespace = {"numba": numba, "math": math, "np": np}
    exec(  # the same names, another kernel
        "@numba.vectorize\ndef affine_ufunc(v, w):\n    return v * w - 1.0\n", namespace
    )
    edited = {**uses_ufuncs.__globals__, "affine_ufunc": namespace["affine_ufunc"]}
    other = type(uses_ufuncs)(uses_ufuncs.__code__, edited, "uses_ufuncs")
    assert generate(program_of(other)).path != before
