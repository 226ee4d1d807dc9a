"""Arrays that share memory: ``x += y`` writes in place, as in NumPy and Numba."""

from __future__ import annotations

import numpy as np
import pytest

import s2s
from s2s.testing import check_grads


def add_to_tail(x):
    b = x * 1.0
    tail = b[1:]
    tail += x[:-1]
    return b


def scale_columns(m):
    out = m * 1.0
    t = out.T
    t *= 2.0
    return np.sum(out * m)


def add_to_rows(m):
    out = m * 1.0
    for i in range(m.shape[0]):
        row = out[i]
        row += m[i]
    return np.sum(out * out)


def keep_the_old_name(x):
    b = x * 1.0
    old = b
    b += x
    return np.sum(old * old)


def accumulate_from_an_element(x):
    s = x[0]
    for i in range(1, x.shape[0]):
        s += x[i] * x[i]
    return s


def shares_later_in_the_loop(x):
    b = x * 1.0
    keep = x * 0.0
    for i in range(2):
        b += x  # in the second iteration `keep` is `b`: it sees this update
        if i == 0:
            keep = b
    return np.sum(keep * keep)


def update_then_read(x):
    y = np.exp(-x * x)
    y *= x[0]  # no other name sees `y` yet: `first` is bound after the update
    first = y[0]
    return first + np.sum(y * y)


def update_after_taking_an_element(x):
    y = np.tanh(x * x)
    last = y[x.shape[0] - 1]  # a number if `y` is one-dimensional, else a row that sees `y *=`
    y *= x[0]
    return np.sum(last * last) + np.sum(y * y)


def _same(a):
    return a


def _tail_of(a):
    t = a[1:]
    return t


def add_through_a_helpers_result(x):
    b = x * 1.0
    same = _same(b)  # the helper hands back `b` itself
    same += x
    tail = _tail_of(b)  # and a view of it
    tail *= 2.0
    return b


def add_to_each_of_a_pair(x):
    b = x * 1.0
    c = x * 2.0
    for v in (b, c):  # `v` is `b`, then `c`
        v += 1.0
    return b * c


FUNCTIONS = [
    (add_to_tail, np.arange(4.0)),
    (add_to_each_of_a_pair, np.arange(4.0)),
    (add_through_a_helpers_result, np.arange(4.0)),
    (scale_columns, np.ones((2, 3))),
    (add_to_rows, np.arange(6.0).reshape(2, 3)),
    (keep_the_old_name, np.arange(3.0)),
    (accumulate_from_an_element, np.arange(4.0)),
    (shares_later_in_the_loop, np.arange(3.0)),
    (update_then_read, np.linspace(0.1, 1.0, 4)),
    (update_after_taking_an_element, np.linspace(0.1, 1.0, 4)),
    (update_after_taking_an_element, np.linspace(0.1, 1.0, 6).reshape(3, 2)),
]


@pytest.mark.parametrize(
    "fn, arg", FUNCTIONS, ids=[f"{f.__name__}-{a.ndim}d" for f, a in FUNCTIONS]
)
def test_augmented_assignment_writes_in_place(fn, arg):
    expected = fn(arg.copy())
    np.testing.assert_allclose(s2s.jit(fn)(arg.copy()), expected)
    batch = np.stack([arg, 2.0 * arg])
    np.testing.assert_allclose(s2s.vmap(fn)(batch), np.stack([fn(a) for a in batch]))


def sum_through_a_helpers_result(x):
    return np.sum(add_through_a_helpers_result(x))


def test_augmented_assignment_through_a_view_is_refused_by_derivatives():
    with pytest.raises(s2s.DifferentiationError, match="may share its memory with 'out'"):
        s2s.grad(scale_columns)(np.ones((2, 3)))


@pytest.mark.parametrize(
    "fn", [add_to_rows, keep_the_old_name, sum_through_a_helpers_result], ids=lambda f: f.__name__
)
def test_augmented_assignment_of_an_array_another_name_may_see_stops_derivatives(fn):
    # Statically these names may as well be numbers: the derivative code checks at run time.
    arg = np.arange(6.0).reshape(2, 3) if fn is add_to_rows else np.arange(3.0)
    with pytest.raises(ValueError, match="writes into an array that another name also sees"):
        s2s.grad(fn)(arg)


def test_augmented_assignment_of_a_number_is_differentiated():
    x = np.arange(1.0, 5.0)
    expected = np.concatenate([[1.0], 2.0 * x[1:]])
    np.testing.assert_allclose(s2s.grad(accumulate_from_an_element)(x), expected)


def test_augmented_assignment_before_any_sharing_is_differentiated():
    x = np.linspace(0.1, 1.0, 4)
    check_grads(update_then_read, (x,), jit=False)


@pytest.mark.parametrize("jit", [False, True])
def test_augmented_assignment_after_other_names_took_numbers_is_differentiated(jit):
    check_grads(update_after_taking_an_element, (np.linspace(0.1, 1.0, 4),), jit=jit)
    with pytest.raises(ValueError, match="writes into an array that another name also sees"):
        s2s.grad(update_after_taking_an_element, jit=jit)(np.ones((3, 2)))  # `last` is a row


def scale_in_place(x, s):
    x *= s  # the caller's array: Python and Numba write into it
    s += 1.0  # a number: a new binding
    return np.sum(x) * s


def test_augmented_assignment_of_an_argument_writes_into_the_callers_array():
    expected_x = np.arange(3.0)
    expected = scale_in_place(expected_x, 2.0)
    x = np.arange(3.0)
    assert s2s.jit(scale_in_place)(x, 2.0) == expected
    np.testing.assert_array_equal(x, expected_x)
    batch = np.arange(6.0).reshape(2, 3)
    out = s2s.vmap(scale_in_place, in_axes=(0, None))(batch, 2.0)
    np.testing.assert_array_equal(out, [3.0 * 6.0, 3.0 * 24.0])
    np.testing.assert_array_equal(batch, 2.0 * np.arange(6.0).reshape(2, 3))


def test_derivatives_of_an_update_of_an_argument_leave_the_callers_array_alone():
    x = np.arange(3.0)
    gx, gs = s2s.grad(scale_in_place, argnums=(0, 1))(x, 2.0)
    np.testing.assert_array_equal(x, np.arange(3.0))
    np.testing.assert_allclose(gx, [6.0, 6.0, 6.0])  # d/dx of sum(x * s) * (s + 1)
    assert gs == 3.0 * 3.0 + 3.0 * 2.0  # sum(x) * (s + 1) + sum(x * s)


def write_after_taking_an_element(a, s):
    b = a * 1.0
    first = b[0]  # a number if `b` is one-dimensional; else a row, which sees the write below
    b[0, ...] = s * b[0, ...]
    return np.sum(first * a[-1]) + np.sum(b)


@pytest.mark.parametrize("jit", [False, True])
def test_write_into_an_array_whose_element_another_name_reads_later(jit):
    check_grads(write_after_taking_an_element, (np.linspace(0.1, 1.0, 3), 0.7), jit=jit)
    with pytest.raises(ValueError, match="writes into an array that another name also sees"):
        s2s.grad(write_after_taking_an_element, jit=jit)(np.ones((2, 3)), 0.7)


# Buffers that trade names (`u, v = v, u`) are differentiated where they surely hold two
# different arrays (the corpus's `heat_double_buffer` and `relaxation_swap_through_a_name`);
# not where they may hold one.
def swap_arguments(u, v):
    for _ in range(2):
        for i in range(u.shape[0]):
            v[i] = 2.0 * u[i]
        u, v = v, u
    return np.sum(u)


def swap_with_another_name_on_one(u0):
    u = u0 * 1.0
    v = np.zeros(u0.shape[0])
    w = u
    for _ in range(2):
        for i in range(u.shape[0]):
            v[i] = 2.0 * u[i]
        u, v = v, u
    return np.sum(u) + np.sum(w)


def swap_with_one_bound_to_the_other(u0):
    u = u0 * 1.0
    v = u
    for _ in range(2):
        for i in range(u.shape[0]):
            v[i] = 2.0 * u[i]
        u, v = v, u
    return np.sum(u)


@pytest.mark.parametrize(
    "fn", [swap_arguments, swap_with_another_name_on_one, swap_with_one_bound_to_the_other]
)
def test_swapped_buffers_that_may_be_one_array_are_refused(fn):
    # `swap_arguments(x, x)` writes into the array it reads; `w` sees the writes into `v`.
    args = (np.ones(3), np.ones(3))[: fn.__code__.co_argcount]
    with pytest.raises(s2s.DifferentiationError, match="may share its memory"):
        s2s.grad(fn)(*args)


def swap_with_rows_of_a_matrix(m):
    v = np.zeros(m.shape[1])
    s = 0.0
    for u in m:
        for i in range(u.shape[0]):
            v[i] = 2.0 * u[i]
        u, v = v, u
        s += np.sum(u)
    return s


def test_a_swapped_name_that_a_loop_binds_to_rows_is_refused():
    with pytest.raises(s2s.DifferentiationError, match="may share its memory"):
        s2s.grad(swap_with_rows_of_a_matrix)(np.ones((2, 3)))
