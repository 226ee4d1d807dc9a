"""Functions that ``s2s.grad`` must refuse, with an error that points into them (test data for
``test_grad_errors.py``).

The line an error should point at ends with ``# error``; the tests find it there, so
functions can be added or moved without editing line numbers in the tests.
"""

import numpy as np


def shared_values_then_weight(x):
    values = np.intersect1d(x * 2.0, x)  # error
    return np.sum(values * np.arange(1.0, values.shape[0] + 1.0))


def eigenvalues_of(x):
    return np.sum(np.linalg.eig(np.outer(x, x) + np.eye(x.shape[0]))[0])  # error


def singular_values_of_a_constant(x):
    values = np.linalg.svd(np.diag(np.array([3.0, 1.0, 2.0])))[1]
    return np.sum(x * values)


def _shared_helper(v):
    return np.intersect1d(v + 1.0, v)  # error


def calls_a_shared_helper(x):
    return np.sum(_shared_helper(x) * 2.0)


def try_statement(x):
    try:  # error
        y = np.log(x)
    except ValueError:
        y = x
    return np.sum(y)


def _fenced_helper(v):
    return sum(e * 2.0 for e in v)  # error


def calls_a_fenced_helper(x):
    return _fenced_helper(x)


def sums_a_list(x):
    values = [e * 2.0 for e in x]
    return np.sum(values)  # error


def uses_an_undefined_name(x):
    return np.sum(x * UNDEFINED_SCALE)  # error  # noqa: F821


def product(x, n):
    return x**n


def vector_output(x):
    return np.sin(x) * 2.0


def tuple_output(x):
    return np.sum(x), x * 2.0


def complex_output(x):
    total = 0.0
    for k in range(x.shape[0]):
        total = total + x[k] * 1j
    return total


def complex_zero_d_output(x):
    return np.asarray(np.sum(x) * (1.0 + 2.0j))


def two_args(x, y):
    return np.sum(x * y)


def scalar_output(x):
    return np.sum(x * x)  # error


def three_outputs(x):
    return np.sum(x), x, 2.0 * x  # error


def writes_into_its_argument(x):
    y = np.sum(x * x)
    x[0] = 0.0  # error
    return y + np.sum(x)


def writes_before_rebinding_in_a_loop(x):
    for _ in range(2):
        x[0] = 0.0  # error
        x = x * 2.0  # (on the first pass, the write above is into the argument)
    return np.sum(x)


def rebinds_in_a_branch_then_writes(x):
    if x[1] > 0.0:
        x = x * 2.0
    x[0] = 0.0  # error
    return np.sum(x * x)


def rebinds_to_a_view_then_writes(x):
    x = x[1:]
    x[0] = 0.0  # error
    return np.sum(x * x)


def fills_its_argument(x):
    y = np.sum(x)
    x.fill(1.0)  # error
    return y + np.sum(x * x)


def _zero_first(v):
    v[0] = 0.0


def has_a_helper_write_into_its_argument(x):
    y = np.sum(x)
    _zero_first(x)  # error
    return y + np.sum(x * x)


def writes_through_another_name(x):
    b = x * 2.0
    c = b
    c[0] = c[0] * 3.0  # error
    return np.sum(b * b)


def writes_through_a_slice(x):
    b = x * 2.0
    v = b[1:]
    v[0] = v[0] * 3.0  # error
    return np.sum(b * b)


def writes_into_rows_it_iterates(m):
    out = m * 1.0
    for row in out:
        row[0] = row[0] * row[1]  # error
    return np.sum(out * out)


def writes_through_a_transpose(m):
    out = m * 1.0
    t = out.T
    t[0, 0] = 5.0  # error
    return np.sum(out * m)


def _handed_back(v):
    return v


def writes_through_what_a_helper_hands_back(x):
    b = x * 2.0
    c = _handed_back(b)
    c[0] = c[0] * 3.0  # error
    return np.sum(b * b)


def writes_through_an_alias_of_its_argument(x):
    b = x
    b[0] = 0.0  # error
    return np.sum(b * b)


def writes_into_a_row_of_its_argument(a):
    total = 0.0
    for i in range(a.shape[0]):
        a[i, 0] = a[i, 0] * 2.0  # error
        total += np.sum(a[i])
    return total


def writes_into_an_array_an_alias_reads_later(x):
    b = x * 2.0
    c = b
    b[0] = 3.0 * x[1]  # error
    return np.sum(c * x)


def writes_into_an_array_a_slice_reads_later(x):
    y = x * 1.0
    first = y[:2]
    y[0] = x[2] * x[2]  # error
    return np.sum(first * x[:2])


def writes_into_a_copy(x):
    y = x.copy()
    y[0] = 0.0
    return np.sum(y * x)


def _fill_squares(out, v):
    for i in range(out.shape[0]):
        out[i] = v[i] * v[i]


def helper_fills_rows(x):
    m = np.zeros((2, x.shape[0]))
    for k in range(2):
        _fill_squares(m[k], x * (k + 1.0))  # error
    return np.sum(m)


def helper_fills_an_array(x):
    out = np.zeros(x.shape[0])
    _fill_squares(out, x)
    return np.sum(out)


def fills_an_array_that_carries_derivatives(x):
    h = x * 2.0
    s = np.sum(h * h)
    h.fill(1.0)  # h[:] = 1.0
    return s + np.sum(h * x)


def fills_the_diagonal_of_an_array_that_carries_derivatives(x):
    h = np.outer(x, x)
    s = np.sum(h * h)
    np.fill_diagonal(h, 1.0)  # error
    return s + np.sum(h)


def sorts_an_array_that_carries_derivatives(x):
    h = x * 2.0
    h.sort()
    return np.sum(h * np.arange(3.0))


def _value_and_pair(x):
    return np.sum(x), (x[0] * 2.0, x[1])


def unpacks_a_nested_result(x):
    t = _value_and_pair(x)  # error
    return _scale_pair(t)


def _scale_pair(t):
    return t[0] * t[1][0]
