"""The semantics of ``s2s.vmap``: ``in_axes`` (int, None, tuple, negative), ``out_axes`` per
output, tuple outputs, ``axis_size``, nesting, ``vmap(grad)``, per-element control flow,
``jit=True`` against ``jit=False``, ``parallel``, and the errors, each an
``s2s.BatchingError`` that names the argument.

Most tests run the generated Python (``jit=False``); a few compile, since a Numba compile
takes seconds."""

import math
import warnings

import numba
import numpy as np
import pytest
from numba.core.errors import NumbaPerformanceWarning

import s2s

# -- functions under test (module level: s2s reads their source) -------------------------------


def rbf(x, center, width):
    d2 = 0.0
    for j in range(x.shape[0]):
        d2 += (x[j] - center[j]) ** 2
    return math.exp(-d2 / (2.0 * width * width))


def normalize(v):
    norm = 0.0
    for j in range(v.shape[0]):
        norm += v[j] * v[j]
    norm = math.sqrt(norm)
    return v / norm, norm


def newton_sqrt(a):
    x = a
    steps = 0
    while abs(x * x - a) > 1e-12 * a:
        x = 0.5 * (x + a / x)
        steps += 1
    return x, steps


def halvings(x):
    n = 0
    while x > 1.0:
        x = x / 2.0
        n += 1
    return n


def row_op(M, s):
    out = np.zeros(M.shape[1])
    for j in range(M.shape[1]):
        if M[0, j] > 0.0:
            out[j] = s * M[0, j] + M[1, j]
        else:
            out[j] = M[1, j] - s
    return out


def offset(s, k):
    return s * k + 1.0


def mul(a, b):
    return a * b


def loss(w, x, y):
    z = w[0]
    for j in range(x.shape[0]):
        z += w[j + 1] * x[j]
    m = -y * z
    if m > 0.0:
        return m + math.log1p(math.exp(-m))
    return math.log1p(math.exp(m))


POINTS = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
CENTER = np.array([0.5, -0.5])
CENTERS = np.array([[0.0, 0.0], [1.0, 1.0]])


def _stack(f, args, axes, axis=0):
    """``f`` over the slices of the batched arguments, stacked along ``axis`` (the reference)."""
    size = next(np.shape(a)[ax] for a, ax in zip(args, axes) if ax is not None)
    results = []
    for b in range(size):
        element = [a if ax is None else np.take(a, b, axis=ax) for a, ax in zip(args, axes)]
        results.append(f(*element))
    if isinstance(results[0], tuple):
        return tuple(np.stack([r[k] for r in results], axis=axis) for k in range(len(results[0])))
    return np.stack(results, axis=axis)


# -- in_axes ------------------------------------------------------------------------------------


def test_in_axes_tuple_with_none():
    got = s2s.vmap(rbf, in_axes=(0, None, None), jit=False)(POINTS, CENTER, 1.5)
    np.testing.assert_allclose(got, _stack(rbf, (POINTS, CENTER, 1.5), (0, None, None)))


def test_in_axes_int_batches_every_argument():
    widths = np.array([0.5, 1.0, 2.0])
    centers = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]])
    got = s2s.vmap(rbf, in_axes=0, jit=False)(POINTS, centers, widths)
    np.testing.assert_allclose(got, _stack(rbf, (POINTS, centers, widths), (0, 0, 0)))
    default = s2s.vmap(rbf, jit=False)(POINTS, centers, widths)
    np.testing.assert_allclose(default, got)


def test_in_axes_batches_a_scalar_parameter():
    widths = np.array([0.5, 1.0, 2.0])
    got = s2s.vmap(rbf, in_axes=(None, None, 0), jit=False)(POINTS[1], CENTER, widths)
    np.testing.assert_allclose(got, [rbf(POINTS[1], CENTER, w) for w in widths])


@pytest.mark.parametrize("axis", [1, -1])
def test_in_axes_other_and_negative_axes(axis):
    columns = POINTS.T  # (2, 3): the batch is the last axis, a non-contiguous view
    got = s2s.vmap(rbf, in_axes=(axis, None, None), jit=False)(columns, CENTER, 1.0)
    np.testing.assert_allclose(got, _stack(rbf, (POINTS, CENTER, 1.0), (0, None, None)))


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -2, -3])
def test_in_axes_of_a_three_dimensional_argument(axis):
    rng = np.random.default_rng(0)
    M = rng.standard_normal((4, 2, 3))
    M = np.moveaxis(M, 0, axis)  # put the batch (4) at `axis`
    got = s2s.vmap(row_op, in_axes=(axis, None), jit=False)(M, 0.5)
    np.testing.assert_allclose(got, _stack(row_op, (M, 0.5), (axis % 3, None)))


# -- out_axes and tuple outputs -----------------------------------------------------------------


def test_tuple_outputs():
    vectors = np.array([[3.0, 4.0], [0.0, 2.0], [1.0, 0.0]])
    units, norms = s2s.vmap(normalize, jit=False)(vectors)
    np.testing.assert_allclose(units, [[0.6, 0.8], [0.0, 1.0], [1.0, 0.0]])
    np.testing.assert_allclose(norms, [5.0, 2.0, 1.0])


@pytest.mark.parametrize("out_axes", [(1, 0), (-1, -1), (0, 0), (1, -1), 0, -1])
def test_out_axes_per_output(out_axes):
    vectors = np.array([[3.0, 4.0], [0.0, 2.0], [1.0, 0.0]])
    units, norms = s2s.vmap(normalize, out_axes=out_axes, jit=False)(vectors)
    u_axis, n_axis = out_axes if isinstance(out_axes, tuple) else (out_axes, out_axes)
    expected_units, expected_norms = _stack(normalize, (vectors,), (0,))
    np.testing.assert_allclose(units, np.moveaxis(expected_units, 0, u_axis))
    np.testing.assert_allclose(norms, np.moveaxis(expected_norms, 0, n_axis))


def test_out_axes_single_output():
    got = s2s.vmap(row_op, in_axes=(0, None), out_axes=1, jit=False)(np.ones((4, 2, 3)), 0.5)
    assert got.shape == (3, 4)


def test_integer_outputs_keep_their_dtype():
    roots, steps = s2s.vmap(newton_sqrt, jit=False)(np.array([1.0, 2.0, 9.0, 1e4]))
    np.testing.assert_allclose(roots, [1.0, math.sqrt(2.0), 3.0, 100.0])
    assert steps.dtype.kind == "i"
    assert list(steps) == [newton_sqrt(a)[1] for a in (1.0, 2.0, 9.0, 1e4)]


# -- per-element control flow, axis_size, nesting -----------------------------------------------


def test_each_element_runs_its_own_while_loop():
    xs = np.array([0.5, 3.0, 100.0, 1.0, 1e9])
    got = s2s.vmap(halvings, jit=False)(xs)
    assert list(got) == [halvings(x) for x in xs] == [0, 2, 7, 0, 30]


def test_axis_size_with_no_batched_argument():
    got = s2s.vmap(offset, in_axes=None, axis_size=3, jit=False)(2.0, 0.5)
    np.testing.assert_allclose(got, [2.0, 2.0, 2.0])
    got = s2s.vmap(offset, in_axes=(None, None), axis_size=2, jit=False)(2.0, 0.5)
    assert got.shape == (2,)


def test_axis_size_compiled_small_batch_has_no_parallel_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", NumbaPerformanceWarning)
        got = s2s.vmap(offset, in_axes=None, axis_size=4)(2.0, 0.5)
    np.testing.assert_allclose(got, [2.0] * 4)


def test_nested_vmap():
    over_points = s2s.vmap(rbf, in_axes=(0, None, None), jit=False)
    kernel = s2s.vmap(over_points, in_axes=(None, 0, None), jit=False)
    got = kernel(POINTS, CENTERS, 1.0)
    expected = np.array([[rbf(p, c, 1.0) for p in POINTS] for c in CENTERS])
    assert got.shape == (2, 3)
    np.testing.assert_allclose(got, expected)
    transposed = s2s.vmap(over_points, in_axes=(None, 0, None), out_axes=1, jit=False)
    np.testing.assert_allclose(transposed(POINTS, CENTERS, 1.0), expected.T)


def test_nested_vmap_outer_product():
    outer = s2s.vmap(s2s.vmap(mul, in_axes=(0, None)), in_axes=(None, 0), jit=False)
    a, b = np.arange(3.0), np.array([1.0, -2.0])
    np.testing.assert_allclose(outer(a, b), np.outer(b, a))


def test_vmap_of_grad_gives_per_example_gradients():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((6, 3))
    y = np.where(rng.standard_normal(6) > 0.0, 1.0, -1.0)
    w = np.array([0.1, -0.3, 0.2, 0.4])
    per_example = s2s.vmap(s2s.grad(loss, jit=False), in_axes=(None, 0, 0), jit=False)
    G = per_example(w, X, y)
    assert G.shape == (6, 4)
    grad_loss = s2s.grad(loss, jit=False)
    for b in range(6):
        np.testing.assert_allclose(G[b], grad_loss(w, X[b], y[b]), rtol=1e-12)


def test_vmap_of_grad_with_respect_to_batched_argument():
    per_point = s2s.vmap(s2s.grad(rbf, argnums=0, jit=False), in_axes=(0, None, None), jit=False)
    got = per_point(POINTS, CENTER, 1.0)
    for b in range(3):
        np.testing.assert_allclose(got[b], s2s.grad(rbf, jit=False)(POINTS[b], CENTER, 1.0))


# -- compiled: jit=True against jit=False, parallel ---------------------------------------------


def test_jit_true_matches_jit_false():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((7, 3))
    y = np.where(rng.standard_normal(7) > 0.0, 1.0, -1.0)
    w = np.array([0.1, -0.3, 0.2, 0.4])
    # parallel=False: a parallel loop around a derivative takes Numba many seconds to compile
    compiled = s2s.vmap(s2s.grad(loss), in_axes=(None, 0, 0), parallel=False)(w, X, y)
    python = s2s.vmap(s2s.grad(loss, jit=False), in_axes=(None, 0, 0), jit=False)(w, X, y)
    np.testing.assert_allclose(compiled, python, rtol=1e-12)


def test_parallel_settings_give_equal_results():
    a = np.linspace(0.5, 1e6, 5000)
    results = {p: s2s.vmap(newton_sqrt, parallel=p)(a) for p in (True, False, None)}
    expected = _stack(newton_sqrt, (a[:50],), (0,))
    np.testing.assert_allclose(results[False][0][:50], expected[0])
    for p in (True, None):
        np.testing.assert_array_equal(results[p][0], results[False][0])
        np.testing.assert_array_equal(results[p][1], results[False][1])


def test_one_thread_runs_large_batches_in_the_plain_loop():
    a = np.linspace(0.5, 1e6, 2048)
    batched = s2s.vmap(newton_sqrt)
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        got = batched(a)
    finally:
        numba.set_num_threads(threads)
    assert "_parallel_compiled" not in batched.__dict__  # (the parallel version never built)
    np.testing.assert_array_equal(got[0], s2s.vmap(newton_sqrt, parallel=False)(a)[0])
    if threads > 1:
        batched(a)
        assert "_parallel_compiled" in batched.__dict__


def fill(work, x):
    for i in range(work.shape[0]):
        work[i] = x * (i + 1)


def with_workspace(x, work):
    """Writes into ``work`` (through a helper), then reads it back."""
    fill(work, x)
    total = 0.0
    for i in range(work.shape[0]):
        total += work[i]
    return total


def reads_weights(x, work):
    return x * np.sum(work)


def test_a_shared_workspace_keeps_large_batches_in_the_plain_loop():
    """Elements writing into one unbatched array would overwrite each other's values in a
    parallel loop (most of 20000 were wrong): the batch runs one element after another."""
    x, work = np.arange(3000.0), np.zeros(200)
    batched = s2s.vmap(with_workspace, in_axes=(0, None))
    np.testing.assert_allclose(batched(x, work), x * 200 * 201 / 2)
    assert "_parallel_compiled" not in batched.__dict__


def test_a_shared_workspace_refuses_a_parallel_loop():
    with pytest.raises(s2s.BatchingError, match="with_workspace writes into `work`") as info:
        s2s.vmap(with_workspace, in_axes=(0, None), parallel=True)(np.ones(4), np.zeros(3))
    assert "parallel=False" in str(info.value)
    # batched, each element writes into its own row; read only, the array is shared safely
    rows = s2s.vmap(with_workspace, in_axes=(0, 0), parallel=True)(np.ones(4), np.zeros((4, 3)))
    np.testing.assert_allclose(rows, np.full(4, 6.0))
    shared = s2s.vmap(reads_weights, in_axes=(0, None), parallel=True)(np.ones(4), np.ones(3))
    np.testing.assert_allclose(shared, np.full(4, 3.0))


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("in_axes", [(0, None), (0, None, None, None)])
def test_in_axes_of_the_wrong_length(in_axes):
    with pytest.raises(s2s.BatchingError, match=f"in_axes has {len(in_axes)} entries") as info:
        s2s.vmap(rbf, in_axes=in_axes, jit=False)(POINTS, CENTER, 1.0)
    assert "takes 3 argument(s)" in str(info.value)


@pytest.mark.parametrize("axis", [2, -3])
def test_in_axes_out_of_range(axis):
    with pytest.raises(s2s.BatchingError, match=f"in_axes={axis} is out of range") as info:
        s2s.vmap(rbf, in_axes=(axis, None, None), jit=False)(POINTS, CENTER, 1.0)
    assert "argument 0 (`x`), which has 2 axes" in str(info.value)


def test_batched_scalar():
    with pytest.raises(s2s.BatchingError, match="argument 2 \\(`width`\\) is batched") as info:
        s2s.vmap(rbf, in_axes=(0, None, 0), jit=False)(POINTS, CENTER, 1.0)
    assert "scalar" in str(info.value)


def test_batch_sizes_disagree():
    with pytest.raises(s2s.BatchingError, match="batch sizes disagree") as info:
        s2s.vmap(rbf, in_axes=(0, 0, None), jit=False)(POINTS, CENTERS, 1.0)
    message = str(info.value)
    assert "argument 0 (`x`) has 3" in message
    assert "argument 1 (`center`) has 2" in message


def test_batch_sizes_disagree_compiled():
    # checked before the compiled code runs, with the same error
    batched = s2s.vmap(rbf, in_axes=(0, 0, None))
    with pytest.raises(s2s.BatchingError, match="batch sizes disagree"):
        batched(POINTS, CENTERS, 1.0)


def squared_norm_as_array(x):
    return np.array(np.sum(x * x))


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_outputs_that_are_0d_arrays_are_batched_as_numbers(jit):
    xs = np.arange(12.0).reshape(3, 4)
    got = s2s.vmap(squared_norm_as_array, jit=jit)(xs)
    np.testing.assert_array_equal(got, np.sum(xs * xs, axis=1))


def first_entries(x, k):
    """The first k entries of x: a different length for each k."""
    return x[:k] * 2.0


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_outputs_of_different_shapes_are_an_error(jit):
    batched = s2s.vmap(first_entries, in_axes=(None, 0), jit=jit)
    np.testing.assert_array_equal(batched(np.arange(4.0), np.array([2, 2])), [[0, 2], [0, 2]])
    with pytest.raises(ValueError, match="batch elements return arrays of different shapes"):
        batched(np.arange(4.0), np.array([2, 3]))


@pytest.mark.parametrize(
    "in_axes", ["x", 0.5, True, (0, 0.5, None), (0, "none", None), {0: 1}], ids=repr
)
def test_bad_in_axes_type(in_axes):
    with pytest.raises(s2s.BatchingError, match="in_axes must be an int, None or a tuple"):
        s2s.vmap(rbf, in_axes=in_axes, jit=False)


def test_bad_out_axes():
    with pytest.raises(s2s.BatchingError, match="out_axes must be ints"):
        s2s.vmap(rbf, out_axes=None)
    with pytest.raises(s2s.BatchingError, match="out_axes must be ints"):
        s2s.vmap(normalize, out_axes=(0, None))
    with pytest.raises(s2s.BatchingError, match="out_axes must be an int"):
        s2s.vmap(rbf, out_axes="0")


def test_out_axes_of_the_wrong_length():
    vectors = np.ones((3, 2))
    with pytest.raises(s2s.BatchingError, match="out_axes has 3 entries but normalize returns 2"):
        s2s.vmap(normalize, out_axes=(0, 0, 0), jit=False)(vectors)


def test_empty_batch():
    with pytest.raises(s2s.BatchingError, match="empty batch"):
        s2s.vmap(rbf, in_axes=(0, None, None), jit=False)(np.zeros((0, 2)), CENTER, 1.0)


def test_no_batched_argument_needs_axis_size():
    with pytest.raises(s2s.BatchingError, match="no argument is batched"):
        s2s.vmap(rbf, in_axes=None, jit=False)(POINTS[0], CENTER, 1.0)


@pytest.mark.parametrize("size", [0, -2, 2.5, "3"])
def test_bad_axis_size(size):
    with pytest.raises(s2s.BatchingError, match="axis_size must be a positive int"):
        s2s.vmap(offset, in_axes=None, axis_size=size)


def test_wrong_number_of_call_arguments():
    with pytest.raises(TypeError, match="takes 3 argument\\(s\\), 2 given"):
        s2s.vmap(rbf, in_axes=0, jit=False)(POINTS, CENTER)


def test_errors_are_s2s_errors():
    assert issubclass(s2s.BatchingError, s2s.S2SError)


def scaled_norm(x, w=None, scale=2.0):
    if w is None:
        w = np.ones_like(x)
    return scale * np.sum(w * x * x)


def test_omitted_arguments_take_their_defaults_unbatched():
    xs = np.linspace(0.1, 1.2, 12).reshape(4, 3)
    expected = np.array([scaled_norm(x) for x in xs])
    np.testing.assert_allclose(s2s.vmap(scaled_norm)(xs), expected)
    w = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(
        s2s.vmap(scaled_norm, in_axes=(0, None))(xs, w), [scaled_norm(x, w) for x in xs]
    )
    np.testing.assert_allclose(s2s.vmap(scaled_norm, in_axes=(0, None, None))(xs), expected)
    with pytest.raises(s2s.BatchingError, match="`w`. is batched .in_axes. but not given"):
        s2s.vmap(scaled_norm, in_axes=(0, 0, None))(xs)
    with pytest.raises(TypeError, match="takes 3 argument"):
        s2s.vmap(scaled_norm)()


def test_jacobians_take_the_defaults_too():
    x = np.linspace(0.1, 1.2, 3)
    np.testing.assert_allclose(s2s.hessian(scaled_norm)(x), 4.0 * np.eye(3))
    np.testing.assert_allclose(s2s.jacrev(scaled_norm)(x), 4.0 * x)
    np.testing.assert_allclose(s2s.jacfwd(scaled_norm)(x), 4.0 * x)


def tuple_params_loss(params, x, y):
    W, b = params
    return (np.sum(np.tanh(W @ x) * b) - y) ** 2


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_per_example_gradients_of_tuple_parameters(jit):
    rng = np.random.default_rng(5)
    params = (rng.standard_normal((3, 4)), rng.standard_normal(3))
    xs, ys = rng.standard_normal((6, 4)), rng.standard_normal(6)
    grad = s2s.grad(tuple_params_loss, jit=jit)
    gW, gb = s2s.vmap(grad, in_axes=(None, 0, 0), jit=jit)(params, xs, ys)
    one_by_one = [grad(params, xs[k], ys[k]) for k in range(6)]
    np.testing.assert_allclose(gW, np.stack([g[0] for g in one_by_one]))
    np.testing.assert_allclose(gb, np.stack([g[1] for g in one_by_one]))
    values, (gW, gb) = s2s.vmap(
        s2s.value_and_grad(tuple_params_loss, jit=jit), in_axes=(None, 0, 0), jit=jit
    )(params, xs, ys)
    np.testing.assert_allclose(values, [tuple_params_loss(params, xs[k], ys[k]) for k in range(6)])
    np.testing.assert_allclose(gb, np.stack([g[1] for g in one_by_one]))


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_gradients_of_batched_tuples_of_parameters(jit):
    """One network per element (an ensemble), or its weights batched and its biases shared."""
    rng = np.random.default_rng(6)
    Ws, bs = rng.standard_normal((5, 3, 4)), rng.standard_normal((5, 3))
    xs, ys = rng.standard_normal((5, 4)), rng.standard_normal(5)
    grad = s2s.grad(tuple_params_loss, jit=jit)
    gW, gb = s2s.vmap(grad, jit=jit)((Ws, bs), xs, ys)
    one_by_one = [grad((Ws[k], bs[k]), xs[k], ys[k]) for k in range(5)]
    np.testing.assert_allclose(gW, np.stack([g[0] for g in one_by_one]))
    np.testing.assert_allclose(gb, np.stack([g[1] for g in one_by_one]))
    gW, gb = s2s.vmap(grad, in_axes=((0, None), 0, 0), out_axes=1, jit=jit)((Ws, bs[0]), xs, ys)
    one_by_one = [grad((Ws[k], bs[0]), xs[k], ys[k]) for k in range(5)]
    np.testing.assert_allclose(gW, np.stack([g[0] for g in one_by_one], axis=1))
    np.testing.assert_allclose(gb, np.stack([g[1] for g in one_by_one], axis=1))


def data_loss(w, batch):
    x, y = batch
    return (np.dot(w, x) - y) ** 2


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_per_example_gradients_of_a_batch_passed_as_a_tuple(jit):
    rng = np.random.default_rng(7)
    w, xs, ys = rng.standard_normal(3), rng.standard_normal((6, 3)), rng.standard_normal(6)
    per_example = s2s.vmap(s2s.grad(data_loss, jit=jit), in_axes=(None, 0), jit=jit)
    expected = [2.0 * (np.dot(w, xs[k]) - ys[k]) * xs[k] for k in range(6)]
    np.testing.assert_allclose(per_example(w, (xs, ys)), expected)
    labels = np.arange(6)  # an integer entry, batched like the rest
    np.testing.assert_allclose(
        per_example(w, (xs, labels)),
        [2.0 * (np.dot(w, xs[k]) - labels[k]) * xs[k] for k in range(6)],
    )


def nested_tuple_model(params, x):
    (a, b), c = params
    return np.sum(a * x) * b + c, b * c


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_tuple_arguments_are_batched_entry_by_entry(jit):
    rng = np.random.default_rng(8)
    A, b, x = rng.standard_normal((4, 3)), rng.standard_normal(4), rng.standard_normal(3)
    c = 0.5
    for in_axes, params in [
        ((((0, 0), None), None), ((A, b), c)),
        ((0, None), ((A, b), np.full(4, c))),
        ((((0, None), None), None), ((A, b[0]), c)),
    ]:
        batched = s2s.vmap(nested_tuple_model, in_axes=in_axes, out_axes=(0, 0), jit=jit)
        flat_axes = [0, 0 if np.ndim(params[0][1]) else None, 0 if np.ndim(params[1]) else None]
        leaves = [params[0][0], params[0][1], params[1]]
        expected = _stack(lambda a, b_, c_: nested_tuple_model(((a, b_), c_), x), leaves, flat_axes)
        for got, want in zip(batched(params, x), expected):
            np.testing.assert_allclose(got, want)


def tuple_params_score(params, x):
    W, b = params
    return np.sum(np.tanh(W @ x) * b)


@pytest.mark.parametrize(
    ("in_axes", "params", "message"),
    [
        (((0, None), (0, 0)), "fitting", r"gives \(0, 0\) for argument 1 \(`x`\), which is not a"),
        (((0, None, 0), 0), "fitting", "which is a tuple of 2: give an int or None"),
        (0, "with a list", "holds other values than arrays, numbers and such tuples"),
        (0, "of two sizes", r"entry 0 of argument 0 \(`params`\) has 5 elements along"),
    ],
)
def test_tuple_arguments_that_cannot_be_batched_are_refused(in_axes, params, message):
    Ws, bs, xs = np.ones((5, 3, 4)), np.ones((5, 3)), np.ones((5, 4))
    params = {"fitting": (Ws, bs), "with a list": (Ws, [1.0]), "of two sizes": (Ws, bs[:4])}[params]
    with pytest.raises(s2s.BatchingError, match=message):
        s2s.vmap(tuple_params_score, in_axes=in_axes, jit=False)(params, xs)


def counted_loss(params, x):
    return len(params) * np.sum(x)


def test_a_batched_tuple_used_whole_is_named_and_located():
    with pytest.raises(s2s.BatchingError, match="uses it other than by a constant index") as info:
        s2s.vmap(counted_loss, jit=False)((np.ones((2, 3)), np.ones(2)), np.ones((2, 3)))
    assert "len(params)" in str(info.value) and "test_vmap_api.py" in str(info.value)
