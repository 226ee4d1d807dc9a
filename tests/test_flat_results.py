"""Helpers' nested results flattened for reverse mode (``s2s/transforms/flat_results.py``)."""

import numpy as np
import pytest

import s2s


def _split(x):
    return x[0], (x[1] * 2.0, x[2] ** 2)


def unpacks(x):
    a, (b, c) = _split(x)
    return a * b + c


def indexes(x):
    t = _split(x)
    return t[0] * t[1][0] + t[1][1]


def returns(x):
    return _split(x)


def _scaled(t):
    return t[0] * t[1][0]


def passes_whole(x):
    t = _split(x)
    return _scaled(t)


X = np.array([0.5, -1.25, 2.0])


def test_a_helper_returns_its_leaves_and_its_callers_bind_them():
    text = s2s.show(s2s.grad(unpacks))
    assert "_t1, _t2_0, _t2_1 = _split(x)" in text
    assert "return x[0], x[1] * 2.0, x[2] ** 2" in text
    assert "_split_vjp(x, (b_t1, b_t2_0, b_t2_1))" in text
    text = s2s.show(s2s.grad(indexes))
    assert "t_0, t_1_0, t_1_1 = _split(x)" in text


@pytest.mark.parametrize("fn", [unpacks, indexes])
@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_gradients_through_nested_results(fn, jit):
    expected = np.array([2.0 * X[1], 2.0 * X[0], 2.0 * X[2]])
    np.testing.assert_allclose(s2s.grad(fn, jit=jit)(X), expected)


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_a_returned_nested_result_is_written_out(jit):
    out, vjp_fn = s2s.vjp(returns, X, jit=jit)
    assert out == (X[0], (pytest.approx(2.0 * X[1]), pytest.approx(X[2] ** 2)))
    (gx,) = vjp_fn((1.0, (0.5, -1.0)))
    np.testing.assert_allclose(gx, [1.0, 1.0, -2.0 * X[2]])
    text = s2s.show(vjp_fn)
    assert "b_t1_1_0 = b_out[1][0]" in text
    assert "return (_t1_0, (_t1_1_0, _t1_1_1)), " in text


def test_a_tuple_passed_on_whole_leaves_the_helper_as_it_is():
    with pytest.raises(s2s.DifferentiationError, match="tuple inside the tuple that `_split`"):
        s2s.grad(passes_whole)(X)
    # Forward mode takes tuples whole.
    np.testing.assert_allclose(s2s.jacfwd(passes_whole)(X), [2.0 * X[1], 2.0 * X[0], 0.0])
