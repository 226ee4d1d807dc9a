"""Bad input to ``s2s.grad`` gets an s2s error that names the problem and, when the problem is
in the user's code, points at it (``exc.location``: file, line, function).

The functions live in ``grad_error_cases.py``; the line each error should point at is marked
there with ``# error``.
"""

import inspect
import re

import grad_error_cases as cases
import numpy as np
import pytest

import s2s
from s2s.testing import check_grads

JIT = pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
X = np.array([0.5, 2.0, 1.5])


def marked_line(fn) -> int:
    """The line of ``fn`` (in ``grad_error_cases.py``) that ends with ``# error``."""
    lines, first = inspect.getsourcelines(fn)
    marked = [first + k for k, line in enumerate(lines) if "# error" in line]
    assert len(marked) == 1, f"{fn.__name__} should have one line marked '# error'"
    return marked[0]


def function_lines(fn) -> range:
    lines, first = inspect.getsourcelines(fn)
    return range(first, first + len(lines))


def assert_points_at(exc: s2s.S2SError, fn, exact: bool = True) -> None:
    """``exc.location`` is in ``fn``'s file: on its marked line, or (``exact=False``) in it."""
    location = exc.location
    assert location is not None, f"no location in: {exc}"
    assert location.filename == inspect.getsourcefile(cases)
    assert location.function == fn.__name__
    if exact:
        assert location.lineno == marked_line(fn), str(exc)
    else:
        assert location.lineno in function_lines(fn), str(exc)
    assert f'File "{location.filename}", line {location.lineno}' in str(exc)


# -- functions without a derivative rule ---------------------------------------------------------
@JIT
@pytest.mark.parametrize(
    "fn, name",
    [
        (cases.shared_values_then_weight, "np.intersect1d"),
        (cases.eigenvalues_of, "np.linalg.eig"),
    ],
    ids=["intersect1d", "eig"],
)
def test_call_without_a_rule_is_named_and_located(fn, name, jit):
    with pytest.raises(s2s.DifferentiationError, match=re.escape(f"`{name}`")) as info:
        s2s.grad(fn, jit=jit)(X)
    assert "no derivative rule" in info.value.message
    assert "defvjp" in info.value.hint
    assert_points_at(info.value, fn)


def test_call_without_a_rule_in_a_helper_points_into_the_helper():
    with pytest.raises(s2s.DifferentiationError, match="np.intersect1d") as info:
        s2s.grad(cases.calls_a_shared_helper, jit=False)(X)
    assert_points_at(info.value, cases._shared_helper)


@JIT
def test_call_without_a_rule_on_constants_is_fine(jit):
    g = s2s.grad(cases.singular_values_of_a_constant, jit=jit)(X)
    np.testing.assert_allclose(g, [3.0, 2.0, 1.0])


# -- constructs outside the subset, unresolvable names --------------------------------------------
@JIT
def test_unsupported_construct_is_fenced(jit):
    with pytest.raises(s2s.UnsupportedSyntaxError, match="`try` statements") as info:
        s2s.grad(cases.try_statement, jit=jit)(X)
    assert_points_at(info.value, cases.try_statement)


def test_unsupported_construct_in_a_helper_points_into_the_helper():
    with pytest.raises(s2s.UnsupportedSyntaxError, match="generator expressions") as info:
        s2s.grad(cases.calls_a_fenced_helper, jit=False)(X)
    assert_points_at(info.value, cases._fenced_helper)


def test_unsupported_use_of_a_list_of_active_values_points_at_it():
    with pytest.raises(s2s.DifferentiationError, match="this use of `values`, a list") as info:
        s2s.grad(cases.sums_a_list, jit=False)(X)
    assert_points_at(info.value, cases.sums_a_list)
    assert "np.array(L)" in info.value.hint


def test_undefined_name_is_reported():
    with pytest.raises(s2s.NameResolutionError, match="UNDEFINED_SCALE") as info:
        s2s.grad(cases.uses_an_undefined_name, jit=False)(X)
    assert_points_at(info.value, cases.uses_an_undefined_name)


# -- arguments -----------------------------------------------------------------------------------
@JIT
@pytest.mark.parametrize(
    "value, kind",
    [(3, "int"), (np.int64(3), "int64"), (True, "bool"), (np.arange(3), "ndarray")],
    ids=["int", "np.int64", "bool", "int-array"],
)
def test_integer_argument_in_argnums(value, kind, jit):
    with pytest.raises(s2s.DifferentiationError, match=r"argument 1 of product is an integer") as e:
        s2s.grad(cases.product, 1, jit=jit)(2.0, value)
    assert f"({kind})" in e.value.message
    assert "float" in e.value.hint


@JIT
def test_integer_argument_outside_argnums_is_fine(jit):
    assert s2s.grad(cases.product, 0, jit=jit)(2.0, 3) == pytest.approx(12.0)


def test_argument_that_is_not_a_number():
    with pytest.raises(s2s.DifferentiationError, match="argument 0 of two_args is a list"):
        s2s.grad(cases.two_args, jit=False)([1.0, 2.0], X[:2])


@JIT
@pytest.mark.parametrize("argnums", [2, -3, (0, 2), 5])
def test_argnums_out_of_range(argnums, jit):
    with pytest.raises(s2s.DifferentiationError, match="out of range"):
        s2s.grad(cases.two_args, argnums, jit=jit)(X, X)


def test_argnums_out_of_range_in_value_and_grad():
    with pytest.raises(s2s.DifferentiationError, match=r"argnums=1 is out of range"):
        s2s.value_and_grad(cases.vector_output, 1, jit=False)(X)


# -- outputs -------------------------------------------------------------------------------------
@JIT
def test_array_output_asks_for_a_scalar(jit):
    with pytest.raises((TypeError, s2s.S2SError), match="reduce the output to a scalar"):
        s2s.grad(cases.vector_output, jit=jit)(X)


@JIT
def test_array_output_of_value_and_grad_asks_for_a_scalar(jit):
    with pytest.raises((TypeError, s2s.S2SError), match="scalar output"):
        s2s.value_and_grad(cases.vector_output, jit=jit)(X)


@JIT
@pytest.mark.parametrize(
    "fn", [cases.complex_output, cases.complex_zero_d_output], ids=["number", "0-d array"]
)
def test_complex_output_asks_for_a_real_one(fn, jit):
    # as in JAX: the gradient of a complex output is not defined (not that of its real part)
    for derivative in (s2s.grad, s2s.value_and_grad, s2s.hessian):
        with pytest.raises((TypeError, s2s.S2SError), match=r"real output.*\(np\.real\)"):
            derivative(fn, jit=jit)(X)


def test_tuple_output_without_has_aux_asks_for_a_scalar():
    with pytest.raises((TypeError, s2s.S2SError), match="scalar"):
        s2s.grad(cases.tuple_output, jit=False)(X)


@JIT
@pytest.mark.parametrize(
    "fn", [cases.scalar_output, cases.three_outputs], ids=["scalar", "three-outputs"]
)
def test_has_aux_without_a_pair(fn, jit):
    with pytest.raises(s2s.DifferentiationError, match=r"has_aux=True needs .* a pair") as info:
        s2s.grad(fn, has_aux=True, jit=jit)(X)
    assert_points_at(info.value, fn, exact=False)


def test_has_aux_without_a_pair_in_value_and_grad():
    with pytest.raises(s2s.DifferentiationError, match="pair"):
        s2s.value_and_grad(cases.scalar_output, has_aux=True, jit=False)(X)


# -- in-place writes -------------------------------------------------------------------------------
@JIT
@pytest.mark.parametrize(
    "fn, arg",
    [
        (cases.writes_into_its_argument, X),
        (cases.writes_into_a_row_of_its_argument, np.ones((2, 3))),
        (cases.fills_its_argument, X),
        (cases.has_a_helper_write_into_its_argument, X),
        (cases.writes_before_rebinding_in_a_loop, X),
        (cases.rebinds_in_a_branch_then_writes, X),
        (cases.rebinds_to_a_view_then_writes, X),
    ],
    ids=[
        "element",
        "row-in-loop",
        "method",
        "helper",
        "before-rebinding",
        "rebound-in-a-branch",
        "rebound-to-a-view",
    ],
)
def test_in_place_write_into_an_argument(fn, arg, jit):
    name = next(iter(inspect.signature(fn).parameters))
    message = f"in-place write to the argument '{name}'"
    with pytest.raises(s2s.DifferentiationError, match=message) as info:
        s2s.grad(fn, jit=jit)(arg.copy())
    assert f"{name} = {name}.copy()" in info.value.hint
    assert_points_at(info.value, fn, exact=False)


@pytest.mark.parametrize(
    "fn",
    [
        cases.writes_into_its_argument,
        cases.fills_its_argument,
        cases.has_a_helper_write_into_its_argument,
    ],
    ids=["element", "method", "helper"],
)
def test_in_place_write_error_points_at_the_write(fn):
    with pytest.raises(s2s.DifferentiationError) as info:
        s2s.grad(fn, jit=False)(X.copy())
    assert_points_at(info.value, fn)


@JIT
def test_in_place_write_into_a_copy_is_fine(jit):
    x = X.copy()
    g = s2s.grad(cases.writes_into_a_copy, jit=jit)(x)
    np.testing.assert_allclose(g, [0.0, 2.0 * X[1], 2.0 * X[2]])
    np.testing.assert_array_equal(x, X)  # the argument itself is left alone


@pytest.mark.parametrize("transform", ["grad", "jacfwd"])
def test_call_writing_into_an_array_that_carries_derivatives_is_refused(transform):
    # Writes by name are followed; a call's write into its argument would be lost.
    fn = cases.fills_the_diagonal_of_an_array_that_carries_derivatives
    match = "`np.fill_diagonal` called for its effect"
    with pytest.raises(s2s.DifferentiationError, match=match) as info:
        getattr(s2s, transform)(fn, jit=False)(np.array([0.5, -1.0, 1.5]))
    assert_points_at(info.value, fn)


@JIT
def test_filling_in_place_is_differentiated(jit):
    """Refused once: ``h.fill(v)`` is ``h[:] = v``, a write by name."""
    x = np.array([0.5, -1.0, 1.5])
    g = s2s.grad(cases.fills_an_array_that_carries_derivatives, jit=jit)(x)
    np.testing.assert_allclose(g, 8.0 * x + 1.0)


@JIT
def test_sorting_in_place_is_differentiated(jit):
    """Refused once: ``h.sort()`` is ``h[:] = np.sort(h)``, a write by name."""
    x = np.array([0.5, -1.0, 1.5])
    g = s2s.grad(cases.sorts_an_array_that_carries_derivatives, jit=jit)(x)
    np.testing.assert_allclose(g, [2.0, 0.0, 4.0])  # 2 * rank of each entry


@JIT
def test_helper_called_for_its_effect_on_an_array_is_differentiated(jit):
    """Refused once: the helper's body now takes the call's place, and its writes are the
    caller's (more such cases in tests/corpus/helpers.py)."""
    np.testing.assert_allclose(s2s.grad(cases.helper_fills_an_array, jit=jit)(X), 2.0 * X)


def test_a_helper_filling_a_row_names_the_row():
    """``fill(m[k], x)`` writes through a view of ``m``, which derivatives cannot follow: the
    error names ``m[k]`` as written, not the normal form's temporary for it."""
    with pytest.raises(s2s.DifferentiationError, match=r"writing into 'm\[k\]'") as info:
        s2s.grad(cases.helper_fills_rows, jit=False)(X)
    assert "_t" not in str(info.value).splitlines()[0]
    assert_points_at(info.value, cases.helper_fills_rows)


# -- every error is an S2SError ------------------------------------------------------------------
def test_errors_are_s2s_errors():
    for cls in (s2s.DifferentiationError, s2s.UnsupportedSyntaxError, s2s.NameResolutionError):
        assert issubclass(cls, s2s.S2SError)


# -- writes through views --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "fn, arg, viewed",
    [
        (cases.writes_through_another_name, X, "b"),
        (cases.writes_through_a_slice, X, "b"),
        (cases.writes_into_rows_it_iterates, np.ones((2, 3)), "out"),
        (cases.writes_through_a_transpose, np.ones((2, 3)), "out"),
        (cases.writes_through_what_a_helper_hands_back, X, "b"),
        (cases.writes_through_an_alias_of_its_argument, X, "x"),
        (cases.writes_into_an_array_an_alias_reads_later, X, "c"),
        (cases.writes_into_an_array_a_slice_reads_later, X, "first"),
    ],
    ids=["alias", "slice", "rows", "transpose", "helper", "argument", "read-alias", "read-slice"],
)
@pytest.mark.parametrize("transform", ["grad", "jacfwd"])
def test_writes_through_views_are_refused(fn, arg, viewed, transform):
    # The derivative code follows writes by name: the viewed array's derivative would miss it.
    with pytest.raises(
        s2s.DifferentiationError, match=f"may share its memory with .{viewed}."
    ) as info:
        getattr(s2s, transform)(fn)(arg.copy())
    assert ".copy()" in info.value.hint
    assert_points_at(info.value, fn)


def test_views_read_before_a_write_into_their_array_are_differentiated():
    # The reverse sweep reads `y[2:]` and `r` as they were, not after the writes.
    def slice_then_write(x):
        y = x * 1.0
        z = y[1:] * np.sum(x)
        y[2] = x[0] * x[0]
        return np.sum(z * z) + np.sum(y)

    def row_then_write(m):
        a = m * 1.0
        r = a[0]
        t = r * np.sum(m)
        a[0, 1] = m[1, 1] * m[1, 1]
        return np.sum(t * t) + np.sum(a * a)

    def shift_in_a_loop(x):
        y = x * 1.0
        for _ in range(3):
            y[1:] = y[:-1] * 0.5  # the slice is taken again after each write
        return np.sum(y * x)

    check_grads(slice_then_write, (X.copy(),), jit=False)
    check_grads(row_then_write, (np.arange(1.0, 7.0).reshape(2, 3) / 4.0,), jit=False)
    check_grads(shift_in_a_loop, (X.copy(),), jit=False)


def test_writes_into_fresh_arrays_and_copies_are_differentiated():
    def fresh(x):
        b = x.copy()
        c = b[1:].copy()
        c[0] = c[0] * 3.0
        b[0] = b[0] * 2.0
        return np.sum(b * b) + np.sum(c * c)

    x = X.copy()
    expected = 2 * x * np.array([4.0, 1.0, 1.0]) + 2 * x * np.array([0.0, 9.0, 1.0])
    np.testing.assert_allclose(s2s.grad(fresh)(x), expected)


@JIT
def test_a_nested_result_of_a_helper_is_named_and_located(jit):
    with pytest.raises(s2s.DifferentiationError, match="tuple inside the tuple") as info:
        s2s.grad(cases.unpacks_a_nested_result, jit=jit)(X)
    assert_points_at(info.value, cases.unpacks_a_nested_result)
    assert "`_value_and_pair`" in str(info.value)
