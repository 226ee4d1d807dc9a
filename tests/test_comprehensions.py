"""List comprehensions, which Numba compiles, as the loops that build their lists.

Every transformation takes them; the corpus (``corpus/control.py``) runs more through each.
Reverse mode keeps an adjoint stack per list (``transforms/reverse_lists.py``) and refuses the
uses of a list of values carrying derivatives other than appends, reads, ``len`` and
``np.array``, naming the use.
"""

import math

import numpy as np
import pytest

import s2s
from s2s.compile import generate
from s2s.pipeline import frontend


def squares_of_positives(x):
    return np.sum(np.array([math.sin(v) * v for v in x if v > 0.0]))


def nested_rows(x, n):
    rows = [[x[i] * j for j in range(i, n) if j % 2] for i in range(n)]
    return np.array(rows[1])


def two_generators(x):
    return np.array([v * k for k in range(3) for v in x])


def second_row_total(x):
    rows = [[v * k for v in x] for k in range(2)]  # a list of lists
    return np.sum(np.array(rows[1]))


def sines_of(v, w):
    return np.sum(np.array([math.sin(v * k) * w for k in range(3)]))


def calls_a_helper_with_a_comprehension(x, w):
    total = 0.0
    for i in range(x.shape[0]):
        total += sines_of(x[i], w)
    return total


def pairs_total(x):
    pairs = [(v, v * v) for v in x]  # a list of tuples
    total = 0.0
    for p in pairs:
        total += p[0] * p[1]
    return total


def rebinds_what_it_reads(x):
    x = [v * 2.0 for v in x]  # reads the argument, then rebinds its name
    v = 3.0  # the comprehension's variable is its own
    return x[0] * v + len(x)


X = np.linspace(-0.6, 0.9, 7)


def test_jit_and_normalised_python_equal_python():
    for fn, args in (
        (squares_of_positives, (X,)),
        (nested_rows, (X, 5)),
        (rebinds_what_it_reads, (X,)),
    ):
        expected = fn(*args)
        np.testing.assert_allclose(s2s.jit(fn)(*args), expected, rtol=1e-14)
        np.testing.assert_allclose(generate(frontend(fn)).py_func(*args), expected, rtol=1e-14)


def test_the_loop_reads_as_written():
    shown = s2s.show(rebinds_what_it_reads)
    assert "_list1 = []" in shown and "_list1.append(v_1 * 2.0)" in shown
    assert "x = _list1" in shown


def test_forward_mode_and_vmap():
    tangent = np.cos(np.arange(7.0))
    value, derivative = s2s.jvp(squares_of_positives, (X,), (tangent,))
    eps = 1e-6
    differences = (
        squares_of_positives(X + eps * tangent) - squares_of_positives(X - eps * tangent)
    ) / (2 * eps)
    assert value == pytest.approx(squares_of_positives(X), rel=1e-14)
    assert derivative == pytest.approx(differences, rel=1e-7)
    jacobian = s2s.jacfwd(nested_rows)(X, 5)
    assert jacobian.shape == (2, 7) and jacobian[0, 1] == 1.0 and jacobian[1, 1] == 3.0
    batch = np.stack([X, 2 * X])
    np.testing.assert_allclose(
        s2s.vmap(squares_of_positives)(batch), [squares_of_positives(b) for b in batch]
    )


def test_reverse_mode_against_forward_mode():
    direction = np.cos(np.arange(7.0))
    gradient = s2s.grad(squares_of_positives)(X)
    _, derivative = s2s.jvp(squares_of_positives, (X,), (direction,))
    assert float(np.dot(gradient, direction)) == pytest.approx(derivative, rel=1e-12)
    jacobian = s2s.jacrev(two_generators)(X)
    np.testing.assert_allclose(jacobian, s2s.jacfwd(two_generators)(X), rtol=1e-14)
    assert jacobian.shape == (21, 7) and jacobian[8, 1] == 1.0 and jacobian[15, 1] == 2.0


def test_reverse_mode_refuses_a_list_of_lists():
    with pytest.raises(s2s.DifferentiationError, match="a list that holds values"):
        s2s.grad(second_row_total)(X)


def test_reverse_mode_refuses_other_uses_of_a_list_of_active_values():
    def sorted_squares(x):
        squares = [v * v for v in x]
        squares.sort()
        return squares[0]

    with pytest.raises(s2s.DifferentiationError, match="this use of `squares`"):
        s2s.grad(sorted_squares)(X)


def test_numba_compiles_the_derivatives_of_a_list_made_for_np_array():
    # Numba rewrites `np.array(L)` of a list filled in a loop into an array filled there, and
    # took another list appended to in that loop (the adjoint stack, the tangent list) for
    # `L`: derivative code spells it `_s2s.array_of(L)`.
    for fn, args in ((calls_a_helper_with_a_comprehension, (X, 0.7)), (squares_of_positives, (X,))):
        for transform in (s2s.grad, s2s.hessian):
            np.testing.assert_allclose(
                transform(fn, jit=True)(*args), transform(fn, jit=False)(*args), rtol=1e-12
            )
        tangents = tuple(np.ones_like(a) for a in args)
        np.testing.assert_allclose(
            s2s.jvp(fn, args, tangents)[1], s2s.jvp(fn, args, tangents, jit=False)[1], rtol=1e-12
        )


def test_reverse_mode_refuses_a_list_of_tuples():
    with pytest.raises(s2s.DifferentiationError, match="this use of `pairs`"):
        s2s.grad(pairs_total)(X)
    np.testing.assert_allclose(s2s.jit(pairs_total)(X), pairs_total(X))
