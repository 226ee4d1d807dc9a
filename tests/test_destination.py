"""Destination passing in ``vmap``: an element's result array is built in its row of the
batched output (``transforms/destination.py``, ``runtime/destinations.py``).

Each test checks the values against a plain loop over the elements, under Numba and in
Python, and, where it matters, that the generated source builds in place (or does not)."""

import math

import numpy as np
import pytest

import s2s
from s2s.codegen.printer import program_source
from s2s.runtime import destinations
from s2s.runtime.batching import borrowed

# -- functions under test (module level: s2s reads their source) -------------------------------


def logistic(w, x, y):
    z = y * np.dot(w, x)
    if z > 0.0:
        return math.log1p(math.exp(-z))
    return math.log1p(math.exp(z)) - z


def affine_loss(W, x):
    h = np.tanh(W @ x)
    return np.sum(h * h)


def running(x):
    out = np.zeros(x.shape[0])
    for j in range(x.shape[0]):
        out[j] += x[j] * (j + 1)  # reads the zeros: a row left unfilled would show
    return out


def two_and_a_number(x):
    first = np.zeros_like(x)
    second = np.empty(x.shape[0] + 1)
    total = 0.0
    for j in range(x.shape[0]):
        first[j] = 2 * x[j]
        second[j] = x[j] - 1
        total += x[j]
    second[x.shape[0]] = total
    return first, total, second


def aliased(x):
    out = np.zeros(3)
    alias = out
    alias[0] = x[0]
    alias[1] = out[0] + x[1]
    return out


def twice(x):
    out = np.zeros(2)
    out[0] = x[0]
    out[1] = x[1] * x[0]
    return out, out


def fresh_each_iteration(x):
    out = np.zeros(2)
    for k in range(3):
        out = np.zeros(2)
        out[k % 2] = x[k]
    return out


def typed_zeros(x):
    out = np.zeros(x.shape[0], dtype=np.int64)
    for j in range(x.shape[0]):
        out[j] = int(x[j])
    return out


def as_given(x):
    return x


def by_count(n):
    return np.zeros(n)


def _loop(f, *args, in_axes):
    """The outputs of ``f`` element by element, stacked (tuples leaf by leaf)."""
    size = next(a.shape[0] for a, axis in zip(args, in_axes) if axis is not None)
    results = [
        f(*(a if axis is None else a[b] for a, axis in zip(args, in_axes))) for b in range(size)
    ]
    if isinstance(results[0], tuple):
        return tuple(np.array(leaf) for leaf in zip(*results))
    return np.array(results)


def _check(f, *args, in_axes=0, jit=True):
    axes = in_axes if isinstance(in_axes, tuple) else (in_axes,) * len(args)
    expected = _loop(f, *args, in_axes=axes)
    got = s2s.vmap(f, in_axes=in_axes, jit=jit)(*args)
    if isinstance(expected, tuple):
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-12)
            assert np.asarray(g).dtype == e.dtype
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
        assert got.dtype == expected.dtype
    return got


def _rng():
    return np.random.default_rng(7)


# -- what is built in place ---------------------------------------------------------------------
def test_per_example_gradients_are_built_in_their_rows():
    batched = s2s.vmap(s2s.grad(logistic), in_axes=(None, 0, 0))
    source = s2s.show(batched)  # the batch loop has the element function's body
    loops = source.split("for _b in range(1, _n):")  # rows fit; else the plain function
    loop = loops[1]
    assert "_s2s.matmul_adjoint_a_into(bw, " in loop and "logistic_grad_into" not in source
    parallel = program_source(batched._batched_program(True))  # calls it, in a parallel loop
    assert "def logistic_grad_into(" in parallel
    rng = _rng()
    w, X, Y = rng.normal(size=5), rng.normal(size=(9, 5)), np.sign(rng.normal(size=9))
    for jit in (True, False):
        _check(s2s.grad(logistic, jit=False), w, X, Y, in_axes=(None, 0, 0))
        got = s2s.vmap(s2s.grad(logistic), in_axes=(None, 0, 0), jit=jit)(w, X, Y)
        for b in range(X.shape[0]):
            z = Y[b] * w @ X[b]
            np.testing.assert_allclose(got[b], -Y[b] * X[b] / (1.0 + math.exp(z)), rtol=1e-12)


def test_a_matrix_gradient_is_built_in_its_row():
    source = s2s.show(s2s.vmap(s2s.grad(affine_loss), in_axes=(None, 0)))
    assert "_into(" in source
    rng = _rng()
    W, X = rng.normal(size=(3, 4)), rng.normal(size=(6, 4))
    expected = _loop(s2s.grad(affine_loss, jit=False), W, X, in_axes=(None, 0))
    for jit in (True, False):
        got = s2s.vmap(s2s.grad(affine_loss), in_axes=(None, 0), jit=jit)(W, X)
        np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("jit", [True, False])
def test_zeros_built_in_a_row_are_zeros(jit):
    assert "_s2s.zeros_into_shape(" in s2s.show(s2s.vmap(running))
    _check(running, _rng().normal(size=(7, 5)), jit=jit)


@pytest.mark.parametrize("jit", [True, False])
def test_outputs_of_a_tuple_each_in_their_rows(jit):
    source = s2s.show(s2s.vmap(two_and_a_number))
    assert "_s2s.zeros_into(first, " in source and "_s2s.fits_shape(second, " in source
    assert "_s2s.rows_fit(_out0, None) and _s2s.rows_fit(_out2, np.float64)" in source
    _check(two_and_a_number, _rng().normal(size=(6, 4)), jit=jit)
    _check(two_and_a_number, np.arange(12).reshape(3, 4), jit=jit)  # int rows: zeros_like's


@pytest.mark.parametrize("jit", [True, False])
def test_a_row_seen_by_another_name_and_returned_twice(jit):
    _check(aliased, _rng().normal(size=(4, 2)), jit=jit)
    first, second = _check(twice, _rng().normal(size=(4, 2)), jit=jit)
    assert not np.shares_memory(first, second)


def test_float32_arguments_keep_their_gradients_dtype():
    """The adjoint is float64 and the gradient float32: the row does not fit, the element's
    own array is cast and copied."""
    rng = _rng()
    W, X = rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=(5, 4)).astype(np.float32)
    got = s2s.vmap(s2s.grad(affine_loss), in_axes=(None, 0))(W, X)
    expected = _loop(s2s.grad(affine_loss, jit=False), W, X, in_axes=(None, 0))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_what_is_not_built_in_place():
    """A result bound in a loop (an earlier array may still be seen), allocated with a dtype,
    or an argument: the loop copies it as before."""
    for f in (fresh_each_iteration, typed_zeros, as_given):
        assert "_into" not in s2s.show(s2s.vmap(f)), f.__name__
    x = _rng().normal(size=(5, 3)) * 4
    for f in (fresh_each_iteration, typed_zeros, as_given):
        _check(f, x)


@pytest.mark.parametrize("jit", [True, False])
def test_elements_of_different_shapes_are_still_refused(jit):
    with pytest.raises(ValueError, match="different shapes"):
        s2s.vmap(by_count, jit=jit)(np.array([3, 4]))


def test_in_parallel():
    x = _rng().normal(size=(40, 6))
    got = s2s.vmap(two_and_a_number, parallel=True)(x)
    for g, e in zip(got, _loop(two_and_a_number, x, in_axes=(0,))):
        np.testing.assert_allclose(g, e, rtol=1e-12)


# -- the row-filling helpers -------------------------------------------------------------------
def _jitted(helper, *args):
    import numba

    names = ", ".join(f"a{k}" for k in range(len(args)))
    namespace = {"helper": helper}
    exec(f"def call({names}):\n    return helper({names})", namespace)
    return numba.njit(namespace["call"])(*args)


@pytest.mark.parametrize("jit", [True, False])
def test_rows_fit_only_arrays_of_the_allocations_type(jit):
    call = (lambda helper, *args: _jitted(helper, *args)) if jit else (lambda h, *a: h(*a))
    assert call(destinations.rows_fit, np.zeros((3, 4)), np.float64)
    assert not call(destinations.rows_fit, np.zeros((3, 4), np.float32), np.float64)
    assert call(destinations.rows_fit, np.zeros((3, 4), np.float32), None)
    assert not call(destinations.rows_fit, np.zeros(3), None)  # rows that are numbers


@pytest.mark.parametrize("jit", [True, False])
def test_a_row_gets_what_the_allocation_would_hold(jit):
    call = (lambda helper, *args: _jitted(helper, *args)) if jit else (lambda h, *a: h(*a))
    out = np.full((3, 4), 7.0)
    assert call(destinations.zeros_into, out[1], np.ones(4))
    assert not out[1].any() and (out[[0, 2]] == 7).all()
    assert not call(destinations.zeros_into, out[0], np.ones(5))  # another shape: untouched
    assert not call(destinations.zeros_into_shape, out[0], 5) and (out[0] == 7).all()
    assert call(destinations.zeros_into_shape, out[0], 4) and not out[0].any()
    assert call(destinations.fits_shape, out[2], (4,)) and (out[2] == 7).all()
    assert not call(destinations.fits_like, out[2], np.ones((2, 2)))
    g, a, b = np.arange(3.0), np.ones((3, 4)), np.arange(4.0)
    rows = np.zeros((2, 3, 4))
    assert call(destinations.matmul_adjoint_a_into, rows[1], g, a, b)
    np.testing.assert_array_equal(rows[1], np.outer(g, b))
    assert not rows[0].any()
    row = np.zeros(4)
    assert call(destinations.matmul_adjoint_b_into, row, 2.0, np.arange(4.0), b)
    np.testing.assert_array_equal(row, 2.0 * np.arange(4.0))
    assert not call(destinations.matmul_adjoint_b_into, np.zeros(3), 2.0, np.arange(4.0), b)
    m = np.arange(6.0).reshape(2, 3)  # a vector times a matrix: the share of the matrix
    row = np.zeros((2, 3))
    assert call(destinations.matmul_adjoint_b_into, row, np.ones(3), np.array([1.0, 2.0]), m)
    np.testing.assert_array_equal(row, np.outer([1.0, 2.0], np.ones(3)))
    g, a, b = np.ones((2, 4)), np.ones((2, 3)), np.arange(12.0).reshape(3, 4)
    row = np.zeros((2, 3))  # matrix times matrix: computed as usual, copied in
    assert call(destinations.matmul_adjoint_a_into, row, g, a, b)
    np.testing.assert_array_equal(row, g @ b.T)


@pytest.mark.parametrize("jit", [True, False])
def test_a_borrowed_view_is_the_same_memory(jit):
    def write_through(a):
        row = borrowed(a[1])
        row[0] = 5.0
        return a, borrowed(a[1, 2])

    fn = write_through
    if jit:
        import numba

        fn = numba.njit(write_through)
    a, number = fn(np.zeros((3, 4)) + np.arange(4.0))
    assert a[1, 0] == 5.0 and (a[[0, 2], 0] == 0.0).all() and number == 2.0
