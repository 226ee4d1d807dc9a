"""The CUDA target, checked against the CPU results (under the simulator without a GPU)."""

import numpy as np
import pytest
from cuda_cases import (
    allocates,
    kinked,
    looped,
    parallel_loop_and_closure,
    reads_row,
    row_reductions_and_elements,
    scales_row,
    scales_row_in_helper,
    sine_of_row,
    square,
    two_outputs,
    with_helpers,
    writes_workspace,
)

import s2s

cuda = pytest.importorskip("numba.cuda")

X = np.linspace(0.05, 3.0, 200)


def gpu(fn, in_axes=0, **options):
    return s2s.jit(s2s.vmap(fn, in_axes=in_axes), target="cuda", **options)


def cpu(fn, in_axes=0):
    return s2s.vmap(fn, in_axes=in_axes)


def test_loops_branches_and_while_per_thread():
    np.testing.assert_allclose(gpu(looped, (0, None))(X, 0.1), cpu(looped, (0, None))(X, 0.1))


def test_a_prange_loop_and_a_nested_function_run_in_the_thread():
    fn = parallel_loop_and_closure
    for f in (fn, s2s.grad(fn)):
        np.testing.assert_allclose(gpu(f, (0, None))(X, 0.3), cpu(f, (0, None))(X, 0.3))


def test_helpers_become_device_functions():
    s = np.linspace(80.0, 120.0, 64)
    args = (s, 100.0, 1.0)
    axes = (0, None, None)
    np.testing.assert_allclose(gpu(with_helpers, axes)(*args), cpu(with_helpers, axes)(*args))


def test_gradients_per_thread():
    for transform in (s2s.grad, lambda f: s2s.grad(f, argnums=(0, 1))):
        fn = transform(looped)
        got = gpu(fn, (0, None))(X, 0.1)
        expected = cpu(fn, (0, None))(X, 0.1)
        for g, e in zip(
            got if isinstance(got, tuple) else (got,),
            expected if isinstance(expected, tuple) else (expected,),
        ):
            np.testing.assert_allclose(g, e, rtol=1e-12)


def test_value_and_grad_and_hessian_per_thread():
    value, grad = gpu(s2s.value_and_grad(looped), (0, None))(X, 0.1)
    np.testing.assert_allclose(value, cpu(looped, (0, None))(X, 0.1))
    np.testing.assert_allclose(grad, cpu(s2s.grad(looped), (0, None))(X, 0.1))
    hess = gpu(s2s.hessian(looped), (0, None))(X, 0.1)
    np.testing.assert_allclose(hess, cpu(s2s.hessian(looped), (0, None))(X, 0.1), rtol=1e-10)


def test_gradients_through_kinks_per_thread():
    y = np.linspace(-1.0, 1.0, X.size)
    for fn in (kinked, s2s.grad(kinked, argnums=(0, 1)), s2s.hessian(kinked)):
        got, expected = gpu(fn)(X + 0.013, y), cpu(fn)(X + 0.013, y)
        for g, e in zip(
            got if isinstance(got, tuple) else (got,),
            expected if isinstance(expected, tuple) else (expected,),
        ):
            np.testing.assert_allclose(g, e, rtol=1e-12)


def test_gradient_of_helpers_with_branches():
    s = np.linspace(80.0, 120.0, 64)
    fn = s2s.grad(with_helpers)
    axes = (0, None, None)
    np.testing.assert_allclose(gpu(fn, axes)(s, 100.0, 1.0), cpu(fn, axes)(s, 100.0, 1.0))


def test_tuple_outputs_and_rows():
    y = np.linspace(-1.0, 1.0, X.size)
    got = gpu(two_outputs)(X, y)
    expected = cpu(two_outputs)(X, y)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e)
    rows = np.arange(12.0).reshape(4, 3)
    np.testing.assert_allclose(
        gpu(reads_row, (0, None))(rows, 2.0), cpu(reads_row, (0, None))(rows, 2.0)
    )


def test_device_arrays_stay_on_the_device():
    device_x = cuda.to_device(X)
    out = gpu(looped, (0, None))(device_x, 0.1)
    assert hasattr(out, "copy_to_host")
    np.testing.assert_allclose(out.copy_to_host(), cpu(looped, (0, None))(X, 0.1))


def test_launch_configuration():
    f = gpu(looped, (0, None), threads_per_block=32)
    assert f.launch_config(100) == (4, 32)
    assert gpu(looped, (0, None)).launch_config(1) == (1, 128)
    np.testing.assert_allclose(f(X, 0.1), cpu(looped, (0, None))(X, 0.1))


def test_the_grid_is_capped_at_max_blocks():
    f = gpu(looped, (0, None), threads_per_block=32)
    f.max_blocks = 3
    assert f.launch_config(10**6) == (3, 32)
    assert f.launch_config(40) == (2, 32)


@pytest.mark.parametrize("n", [1, 63, 64, 65, 128, 129, 200])
def test_batches_larger_than_the_grid_are_strided(n):
    """64 threads over n elements: two per pass, then the odd one out, every element once."""
    x, k = X[:n], np.linspace(0.0, 0.2, n)
    for fn in (two_outputs, s2s.value_and_grad(looped, argnums=(0, 1))):
        f = gpu(fn, threads_per_block=32)
        f.max_blocks = 2
        for g, e in zip(leaves(f(x, k)), leaves(cpu(fn)(x, k))):
            np.testing.assert_allclose(g, e)
    rows = np.arange(3.0 * n).reshape(n, 3)
    by_rows = gpu(reads_row, (0, None), threads_per_block=32)
    by_rows.max_blocks = 1
    np.testing.assert_allclose(by_rows(rows, 2.0), cpu(reads_row, (0, None))(rows, 2.0))


def leaves(tree):
    """The arrays of a nested tuple of results, in order."""
    if isinstance(tree, tuple):
        return [leaf for t in tree for leaf in leaves(t)]
    return [tree]


def test_float32_inputs_give_float32_outputs():
    x = X.astype(np.float32)
    out = gpu(square)(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, x * x)


def test_show_prints_the_kernel():
    source = s2s.show(gpu(s2s.grad(looped), (0, None)))
    assert "cuda.grid(1)" in source and "def looped_grad(" in source


def test_allocation_in_the_body_is_rejected():
    with pytest.raises(s2s.S2SError, match="np.zeros") as info:
        gpu(allocates)(X)
    assert info.value.location.filename.endswith("cuda_cases.py")


ROWS = np.linspace(0.1, 2.0, 24).reshape(6, 4)


@pytest.mark.parametrize(
    "fn, construct, line",
    [
        (scales_row, r"array arithmetic \(`\*` on arrays\)", "scaled = row * w"),
        (sine_of_row, "`sin` of an array", "return np.sin(row)[0]"),
        (scales_row_in_helper, r"array arithmetic \(`\*` on arrays\)", "return v * w"),
    ],
)
def test_arithmetic_on_a_row_is_rejected_with_its_line(fn, construct, line):
    args = (ROWS,) if fn is sine_of_row else (ROWS, 2.0)
    with pytest.raises(s2s.S2SError, match=construct + " cannot run on the GPU") as info:
        gpu(fn, (0, None)[: len(args)])(*args)
    location = info.value.location
    assert location.filename.endswith("cuda_cases.py")
    assert line in location.render()


def test_rows_read_element_by_element_and_reduced_run():
    axes = (0, None)
    np.testing.assert_allclose(
        gpu(row_reductions_and_elements, axes)(ROWS, 0.5),
        cpu(row_reductions_and_elements, axes)(ROWS, 0.5),
    )


def test_only_batched_functions_compile_for_cuda():
    with pytest.raises(s2s.S2SError, match="batched functions"):
        s2s.jit(looped, target="cuda")


def test_batch_axis_must_come_first():
    with pytest.raises(s2s.BatchingError, match="batch axis first"):
        gpu(reads_row, (1, None))(np.ones((3, 4)), 2.0)


def test_a_shared_workspace_is_refused_on_the_gpu():
    with pytest.raises(s2s.BatchingError, match="on the GPU, writes_workspace writes into `work`"):
        gpu(writes_workspace, (0, None))(X, np.zeros(3))
