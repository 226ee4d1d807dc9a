"""Calls of transformed functions with keyword arguments: each is put at its parameter's
position (the generated function takes its arguments by position), as the function's own call
would bind it."""

import numpy as np
import pytest

import s2s


def weighted(x, scale=2.0, shift=0.0, power=2.0):
    return np.sum((x * scale + shift) ** power)


X = np.array([0.5, -1.0, 2.0])


def _by_position(transform, *args):
    return transform(weighted, jit=False)(*args)


@pytest.mark.parametrize("jit", [True, False], ids=["numba", "python"])
def test_keyword_arguments_are_bound_as_the_function_binds_them(jit):
    grad = s2s.grad(weighted, jit=jit)
    # `shift` by keyword: `scale`, left out before it, takes its default
    np.testing.assert_allclose(grad(X, shift=1.0), _by_position(s2s.grad, X, 2.0, 1.0))
    np.testing.assert_allclose(grad(x=X, power=3.0), _by_position(s2s.grad, X, 2.0, 0.0, 3.0))
    # argnums counts a parameter at its position, however it is passed
    by_keyword = s2s.grad(weighted, argnums=(0, 1), jit=jit)(X, scale=0.5)
    for got, expected in zip(by_keyword, s2s.grad(weighted, argnums=(0, 1), jit=False)(X, 0.5)):
        np.testing.assert_allclose(got, expected)
    value, gradient = s2s.value_and_grad(weighted, jit=jit)(X, shift=1.0)
    assert value == pytest.approx(weighted(X, shift=1.0))
    np.testing.assert_allclose(s2s.hessian(weighted, jit=jit)(X, power=3.0), _hessian_of_cubes())
    np.testing.assert_allclose(
        s2s.jacfwd(weighted, jit=jit)(X, scale=1.0), s2s.jacrev(weighted, jit=jit)(X, scale=1.0)
    )


def _hessian_of_cubes():
    return np.diag(6.0 * 2.0 * (2.0 * X) * 2.0)


def test_keyword_arguments_of_vmap_are_mapped_as_in_axes_says_at_their_position():
    rows = np.stack([X, 2.0 * X])
    batched = s2s.vmap(weighted, in_axes=(0, None, 0))
    shifts = np.array([0.0, 1.0])
    expected = [weighted(r, 2.0, s) for r, s in zip(rows, shifts)]
    np.testing.assert_allclose(batched(rows, shift=shifts), expected)
    with pytest.raises(s2s.BatchingError, match=r"argument 1 \(`scale`\) is batched"):
        s2s.vmap(weighted)(rows, scale=1.0)


def test_arguments_that_do_not_fit_get_pythons_error_with_the_transformation():
    grad = s2s.grad(weighted, jit=False)
    with pytest.raises(TypeError, match=r"grad\(weighted\): got an unexpected keyword .*'width'"):
        grad(X, width=1.0)
    with pytest.raises(TypeError, match=r"grad\(weighted\): multiple values .*'scale'"):
        grad(X, 1.0, scale=1.0)


def scaled_square(x, scale=2.0):
    return x * x * scale


def test_keyword_arguments_of_compiled_batched_functions_on_the_gpu():
    # (under Numba's CUDA simulator where there is no GPU)
    kernel = s2s.jit(s2s.vmap(scaled_square, in_axes=(0, None)), target="cuda")
    xs = np.array([0.5, 1.0, -2.0])
    np.testing.assert_allclose(kernel(xs, scale=3.0), 3.0 * xs * xs)
    np.testing.assert_allclose(s2s.jit(s2s.grad(scaled_square))(1.5, scale=3.0), 9.0)
