"""``functools.partial`` of a function: transformed as the ``def`` of the parameters it leaves,
calling the function with the values it binds (JAX's idiom for fixing data)."""

import functools

import numpy as np
import pytest

import s2s


def loss(w, data, scale=1.0):
    return np.sum((w * data) ** 2) * scale


def euler(rate, y, h):
    return y + h * (-rate * y)


step = functools.partial(euler, h=0.1)  # a partial as a helper, called in a loop


def decay(y0, rate):
    y = y0
    for _ in range(5):
        y = step(rate, y)
    return y


DATA, W = np.array([1.0, 2.0]), np.array([0.5, -1.0])


@pytest.mark.parametrize("jit", [True, False], ids=["numba", "python"])
def test_a_partial_is_differentiated_in_the_parameters_it_leaves(jit):
    fixed_data = functools.partial(loss, data=DATA)
    np.testing.assert_allclose(s2s.grad(fixed_data, jit=jit)(W), 2.0 * W * DATA**2)
    # a parameter it leaves, with its default, may be passed by keyword
    np.testing.assert_allclose(s2s.grad(fixed_data, jit=jit)(W, scale=2.0), 4.0 * W * DATA**2)
    fixed_w = functools.partial(loss, W)  # bound by position: d/d data
    np.testing.assert_allclose(s2s.grad(fixed_w, jit=jit)(DATA), 2.0 * DATA * W**2)
    np.testing.assert_allclose(s2s.hessian(fixed_data, jit=jit)(W), np.diag(2.0 * DATA**2))
    batched = s2s.vmap(fixed_data)(np.stack([W, 2.0 * W]))
    np.testing.assert_allclose(batched, [loss(W, DATA), loss(2.0 * W, DATA)])
    assert s2s.jit(fixed_data)(W) == pytest.approx(loss(W, DATA))


def test_a_partial_called_as_a_helper():
    expected = 5 * (1 - 0.1 * 0.5) ** 4 * -0.1  # d/d rate of (1 - h rate)^5
    assert s2s.grad(decay, argnums=1)(1.0, 0.5) == pytest.approx(expected)


def test_a_partial_is_shown_as_the_def_it_becomes():
    source = s2s.show(functools.partial(loss, data=DATA))
    assert source.startswith("def loss_partial(w, scale=1.0):\n")
    assert "loss(w, scale=scale, data=data_bound)" in source


def test_a_keyword_the_partial_binds_is_not_a_parameter_of_its_transformation():
    gradient = s2s.grad(functools.partial(loss, data=DATA))
    with pytest.raises(TypeError, match=r"grad\(partial\(loss\)\): .*keyword argument 'data'"):
        gradient(W, data=DATA)
