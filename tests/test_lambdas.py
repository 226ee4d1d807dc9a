"""Lambdas: every transformation takes one as the ``def`` returning its expression."""

import sys

import numpy as np
import pytest

import s2s


def loss(p, data):
    return np.sum(np.sin(p * data) ** 2)


square_plus_one = lambda x: x * x + 1.0  # noqa: E731 (what is tested)


def _numeric(f, x, h=1e-6):
    g = np.zeros_like(x)
    for k in range(x.size):
        e = np.zeros_like(x)
        e.flat[k] = h
        g.flat[k] = (f(x + e) - f(x - e)) / (2 * h)
    return g


@pytest.mark.parametrize("jit", [True, False], ids=["numba", "python"])
def test_a_lambda_fixing_the_data_is_differentiated_in_its_parameters(jit):
    data, p = np.array([0.5, 2.0, -1.0]), np.array([0.3, -0.7, 1.1])
    gradient = s2s.grad(lambda q: loss(q, data), jit=jit)(p)
    np.testing.assert_allclose(gradient, _numeric(lambda q: loss(q, data), p), rtol=1e-6)
    # what the lambda reads around it is bound when it is transformed, as for a closure
    other = np.array([1.0, 1.0, 1.0])
    np.testing.assert_allclose(
        s2s.grad(lambda q: loss(q, other), jit=jit)(p), _numeric(lambda q: loss(q, other), p)
    )


@pytest.mark.skipif(sys.version_info < (3, 11), reason="code positions: Python 3.11")
def test_lambdas_on_one_line_are_told_apart():
    double, triple = (lambda y: 2.0 * y * y), (lambda y: 3.0 * y * y)
    assert s2s.grad(double)(1.0) == 4.0
    assert s2s.grad(triple)(1.0) == 6.0
    twice = lambda y: (lambda z: z)(y) * 2.0  # noqa: E731 (the outer one, holding the inner)
    with pytest.raises(s2s.UnsupportedSyntaxError, match="lambda expressions other than"):
        s2s.grad(twice)(1.0)


def test_a_lambda_is_named_after_its_assignment_or_lambda_fn():
    assert s2s.show(s2s.grad(square_plus_one)).startswith("def square_plus_one_grad(x):")
    assert s2s.show(lambda x: x + 1.0).startswith("def lambda_fn(x):\n    return x + 1.0")


def test_every_transformation_takes_a_lambda():
    x = np.array([0.5, -1.0])
    np.testing.assert_allclose(s2s.jit(lambda a, k=2.0: a * k)(x), 2.0 * x)
    np.testing.assert_allclose(s2s.vmap(lambda r: np.sum(r * r))(np.ones((3, 2))), [2.0] * 3)
    np.testing.assert_allclose(s2s.jacfwd(lambda a: np.sin(a))(x), np.diag(np.cos(x)))
    np.testing.assert_allclose(s2s.hessian(lambda a: np.sum(a**3))(x), np.diag(6.0 * x))
    _, tangent = s2s.jvp(lambda a: np.sum(a * a), (x,), (np.ones(2),))
    assert tangent == pytest.approx(2.0 * x.sum())


def test_an_error_in_a_lambda_points_at_its_place_in_the_file():
    with pytest.raises(s2s.UnsupportedSyntaxError) as info:
        s2s.grad(lambda a: {a: 1.0}[a])(1.0)
    location = info.value.location
    assert location.filename == __file__ and location.function == "<lambda>"
    line = open(__file__).read().splitlines()[location.lineno - 1]
    assert line[location.col :].startswith("{a: 1.0}")


def test_a_lambda_without_source_is_refused_with_a_hint():
    made = eval("lambda a: a * 2.0")
    with pytest.raises(s2s.UnsupportedSyntaxError, match="cannot read the source") as info:
        s2s.grad(made)(1.0)
    assert "define the function in a file" in str(info.value)
