"""The semantics of ``s2s.grad``, ``s2s.value_and_grad`` and ``s2s.vjp``: ``argnums``,
``has_aux``, the structure, shape and dtype of what they return, ``jit=False`` against
``jit=True``, composing with ``s2s.jit`` and with ``s2s.grad`` itself, and ``s2s.show``."""

import inspect
import math

import numba
import numpy as np
import pytest
from corpus import arrays, programs

import s2s

# -- functions under test (module level: s2s reads their source) -------------------------------


def poly(x):
    return 3.0 * x**3 - 2.0 * x**2 + x - 5.0


def two_args(x, y):
    return np.sum(np.sin(x) * y) + np.sum(y * y)


def three_args(x, y, z):
    return x * y * y + math.sin(z)


def weighted_norm(x, w):
    return np.sum(w * x * x)


def with_aux(x):
    y = np.sum(x * x)
    return y, np.cos(x)


def with_scalar_aux(x, y):
    value = x * y + math.exp(x)
    return value, x - y


def ignores_y(x, y):
    return np.sum(x * x)


def uses_y_only_in_branch_condition(x, y):
    if y > 0.0:
        return np.sum(x)
    return np.sum(2.0 * x)


def constant_output(x):
    return 4.0


def elementwise(x):
    return np.exp(x) * x


def pair_output(x, y):
    return x * y, np.sum(x) + y


def scalar_and_array(x):
    return np.sum(x), 2.0 * x


def loop_and_branch(x):
    total = 0.0
    for i in range(x.shape[0]):
        if x[i] > 0.0:
            total += x[i] ** 2
        else:
            total += math.sin(x[i])
    return total


def float32_sum(x):
    return np.sum(x * x)


def scalar_square(x):
    return x * x


X = np.array([0.3, -1.2, 2.0])
Y = np.array([1.5, 0.5, -0.7])


def _numeric(f, x, h=1e-6):
    x = np.asarray(x, dtype=np.float64)
    out = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += h
        down[idx] -= h
        out[idx] = (f(up) - f(down)) / (2 * h)
    return out


# -- argnums -----------------------------------------------------------------------------------
@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_int_argnums_gives_one_gradient(jit):
    g = s2s.grad(two_args, jit=jit)(X, Y)
    assert isinstance(g, np.ndarray) and g.shape == X.shape
    np.testing.assert_allclose(g, np.cos(X) * Y)
    gy = s2s.grad(two_args, 1, jit=jit)(X, Y)
    np.testing.assert_allclose(gy, np.sin(X) + 2 * Y)


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_tuple_argnums_gives_a_tuple_in_that_order(jit):
    grads = s2s.grad(two_args, (1, 0), jit=jit)(X, Y)
    assert isinstance(grads, tuple) and len(grads) == 2
    np.testing.assert_allclose(grads[0], np.sin(X) + 2 * Y)
    np.testing.assert_allclose(grads[1], np.cos(X) * Y)


def test_one_element_tuple_argnums_gives_a_tuple():
    grads = s2s.grad(two_args, (0,), jit=False)(X, Y)
    assert isinstance(grads, tuple) and len(grads) == 1
    np.testing.assert_allclose(grads[0], np.cos(X) * Y)
    assert isinstance(s2s.grad(two_args, [1], jit=False)(X, Y), tuple)


def test_negative_argnums_count_from_the_end():
    np.testing.assert_allclose(
        s2s.grad(two_args, -1, jit=False)(X, Y), s2s.grad(two_args, 1, jit=False)(X, Y)
    )
    gz, gx = s2s.grad(three_args, (-1, -3), jit=False)(2.0, 3.0, 0.5)
    assert gz == pytest.approx(math.cos(0.5))
    assert gx == pytest.approx(9.0)


def test_scalar_arguments_give_float_gradients():
    gx, gy, gz = s2s.grad(three_args, (0, 1, 2), jit=False)(2.0, 3.0, 0.5)
    assert (gx, gy, gz) == pytest.approx((9.0, 12.0, math.cos(0.5)))
    assert all(isinstance(g, float) for g in (gx, gy, gz))


@pytest.mark.parametrize("argnums", [True, "0", (), [], 1.0, (0, "1"), None])
def test_malformed_argnums_is_a_type_error(argnums):
    with pytest.raises(TypeError, match="argnums"):
        s2s.grad(two_args, argnums)


# -- has_aux and value_and_grad ----------------------------------------------------------------
@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_grad_has_aux_returns_gradient_and_aux(jit):
    g, aux = s2s.grad(with_aux, has_aux=True, jit=jit)(X)
    np.testing.assert_allclose(g, 2 * X)
    np.testing.assert_allclose(aux, np.cos(X))


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_value_and_grad_has_aux_returns_value_aux_and_gradient(jit):
    (value, aux), g = s2s.value_and_grad(with_aux, has_aux=True, jit=jit)(X)
    assert value == pytest.approx(np.sum(X * X))
    np.testing.assert_allclose(aux, np.cos(X))
    np.testing.assert_allclose(g, 2 * X)


def test_has_aux_with_tuple_argnums():
    (value, aux), (gx, gy) = s2s.value_and_grad(with_scalar_aux, (0, 1), has_aux=True, jit=False)(
        0.5, 2.0
    )
    assert value == pytest.approx(0.5 * 2.0 + math.exp(0.5))
    assert aux == pytest.approx(-1.5)
    assert (gx, gy) == pytest.approx((2.0 + math.exp(0.5), 0.5))


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_value_and_grad(jit):
    value, g = s2s.value_and_grad(weighted_norm, jit=jit)(X, Y)
    assert value == pytest.approx(weighted_norm(X, Y))
    np.testing.assert_allclose(g, 2 * Y * X)
    value, (gx, gw) = s2s.value_and_grad(weighted_norm, (0, 1), jit=jit)(X, Y)
    assert value == pytest.approx(weighted_norm(X, Y))
    np.testing.assert_allclose(gx, 2 * Y * X)
    np.testing.assert_allclose(gw, X * X)


def test_grad_through_loops_and_branches_matches_differences():
    x = np.array([0.7, -0.4, 1.3, -2.1])
    np.testing.assert_allclose(
        s2s.grad(loop_and_branch, jit=False)(x), _numeric(loop_and_branch, x), rtol=1e-6
    )


# -- vjp ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_vjp_of_an_array_output(jit):
    out, vjp_fn = s2s.vjp(elementwise, X, jit=jit)
    np.testing.assert_allclose(out, np.exp(X) * X)
    u = np.array([1.0, -2.0, 0.5])
    (gx,) = vjp_fn(u)
    np.testing.assert_allclose(gx, u * np.exp(X) * (1.0 + X))
    (again,) = vjp_fn(2.0 * u)  # the same vjp_fn, another cotangent
    np.testing.assert_allclose(again, 2.0 * gx)


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_vjp_of_a_tuple_output(jit):
    (a, b), vjp_fn = s2s.vjp(pair_output, X, 2.0, jit=jit)
    np.testing.assert_allclose(a, 2.0 * X)
    assert b == pytest.approx(np.sum(X) + 2.0)
    u = np.array([1.0, 2.0, 3.0])
    gx, gy = vjp_fn((u, 0.5))
    np.testing.assert_allclose(gx, 2.0 * u + 0.5)
    assert gy == pytest.approx(np.dot(u, X) + 0.5)


def nested_output(x, y):
    return 2.0 * x, (np.sum(x * x) * y, (y * y, x[0]))


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_vjp_of_a_nested_tuple_output(jit):
    out, vjp_fn = s2s.vjp(nested_output, X, 2.0, jit=jit)
    np.testing.assert_allclose(out[0], 2.0 * X)
    assert out[1][0] == pytest.approx(2.0 * np.sum(X * X))
    assert out[1][1] == (pytest.approx(4.0), X[0])
    u = np.array([1.0, 2.0, 3.0])
    gx, gy = vjp_fn((u, (0.5, (0.25, 4.0))))
    np.testing.assert_allclose(gx, 2.0 * u + 0.5 * 2.0 * 2.0 * X + np.array([4.0, 0.0, 0.0]))
    assert gy == pytest.approx(0.5 * np.sum(X * X) + 0.25 * 2.0 * 2.0)


def clipped_sum(x, lo, shape, name, axis):
    """Arguments that are not numbers: ``None`` bounds and axes, a tuple shape, a string."""
    y = np.clip(np.reshape(x, shape), lo, 0.5)
    if name == "squares":
        y = y * y
    return np.sum(y, axis=axis)


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_vjp_of_arguments_that_are_not_numbers(jit):
    """Their derivative is zero: the adjoint of ``None`` or a string is 0.0, of a tuple a tuple
    of zeros; the bound's adjoint is where the output is the bound."""
    x = np.linspace(-1.0, 1.0, 6)
    out, vjp_fn = s2s.vjp(clipped_sum, x, None, (2, 3), "squares", None, jit=jit)
    assert out == pytest.approx(clipped_sum(x, None, (2, 3), "squares", None))
    gx, glo, gshape, gname, gaxis = vjp_fn(1.0)
    np.testing.assert_allclose(gx, np.where(x < 0.5, 2.0 * x, 0.0))
    assert (glo, gshape, gname, gaxis) == (0.0, (0.0, 0.0), 0.0, 0.0)


def test_vjp_of_a_scalar_and_an_array():
    (s, arr), vjp_fn = s2s.vjp(scalar_and_array, X, jit=False)
    assert s == pytest.approx(np.sum(X))
    (gx,) = vjp_fn((1.5, np.ones(3)))
    np.testing.assert_allclose(gx, np.full(3, 3.5))


def sines_and_count(x, w):
    return np.sin(x) * w, np.sum(x > 0.0)


def pair_and_length(x, w):
    return (x * w, x + w), x.shape[0]


@pytest.mark.parametrize("jit", [True, False], ids=["numba", "python"])
def test_vjp_with_aux_carries_it_out_unseeded(jit):
    x = np.array([0.5, -1.0, 2.0])
    out, vjp_fn, aux = s2s.vjp(sines_and_count, x, 0.5, has_aux=True, jit=jit)
    np.testing.assert_allclose(out, np.sin(x) * 0.5)
    assert aux == 2
    dx, dw = vjp_fn(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(dx, np.cos(x) * 0.5 * [1.0, 2.0, 3.0])
    assert dw == pytest.approx(np.sin(x) @ [1.0, 2.0, 3.0])
    # a tuple output: the cotangent is a tuple, the aux is not part of it
    out, vjp_fn, aux = s2s.vjp(pair_and_length, x, 0.5, has_aux=True, jit=jit)
    assert aux == 3
    dx, dw = vjp_fn((np.ones(3), np.ones(3)))
    np.testing.assert_allclose(dx, [1.5, 1.5, 1.5])
    assert dw == pytest.approx(x.sum() + 3.0)
    with pytest.raises(s2s.DifferentiationError, match="has_aux=True needs"):
        s2s.vjp(smooth_only, x, 0.5, has_aux=True, jit=jit)


def smooth_only(x, w):
    return np.sin(x) * w


def test_vjp_returns_one_adjoint_per_primal_even_for_one_primal():
    _, vjp_fn = s2s.vjp(scalar_square, 3.0, jit=False)
    result = vjp_fn(1.0)
    assert isinstance(result, tuple) and len(result) == 1
    assert result[0] == pytest.approx(6.0)


@pytest.mark.parametrize(
    "cotangent",
    [np.ones(4), np.ones((3, 1)), 1.0],
    ids=["longer", "two-dimensional", "scalar"],
)
def test_vjp_rejects_a_cotangent_of_the_wrong_shape(cotangent):
    _, vjp_fn = s2s.vjp(elementwise, X, jit=False)
    with pytest.raises(s2s.DifferentiationError, match="cotangent has shape"):
        vjp_fn(cotangent)


@pytest.mark.parametrize(
    "cotangent",
    [np.ones(3), (np.ones(3),), (np.ones(3), 1.0, 1.0), (np.ones(2), 1.0)],
    ids=["not-a-tuple", "too-short", "too-long", "wrong-entry-shape"],
)
def test_vjp_rejects_a_cotangent_of_the_wrong_structure(cotangent):
    _, vjp_fn = s2s.vjp(pair_output, X, 2.0, jit=False)
    with pytest.raises(s2s.DifferentiationError, match="cotangent"):
        vjp_fn(cotangent)


# -- shapes, dtypes, zeros ----------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 1, 3)])
def test_gradient_has_the_shape_of_its_argument(shape):
    x = np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape)
    g = s2s.grad(float32_sum, jit=False)(x)
    assert isinstance(g, np.ndarray) and g.shape == shape and g.dtype == np.float64
    np.testing.assert_allclose(g, 2 * x)


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_float32_argument_gives_float32_gradient(jit):
    x = np.array([1.0, -2.0, 0.5], dtype=np.float32)
    g = s2s.grad(float32_sum, jit=jit)(x)
    assert g.dtype == np.float32 and g.shape == x.shape
    np.testing.assert_allclose(g, 2 * x, rtol=1e-6)
    gx, gw = s2s.grad(weighted_norm, (0, 1), jit=jit)(x, Y)
    assert gx.dtype == np.float32 and gw.dtype == np.float64


def test_float32_scalar_argument_gives_a_float32_gradient():
    """Rounded to single precision, as the argument is (compiled, Numba returns it as a
    Python float)."""
    g = s2s.grad(scalar_square, jit=False)(np.float32(1.1))
    assert isinstance(g, np.float32) and g == np.float32(2.2)
    compiled = s2s.grad(scalar_square)(np.float32(1.1))
    assert compiled == float(np.float32(2.0) * np.float32(1.1))


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_unused_argument_gets_zeros_of_its_shape(jit):
    gx, gy = s2s.grad(ignores_y, (0, 1), jit=jit)(X, Y)
    np.testing.assert_allclose(gx, 2 * X)
    assert isinstance(gy, np.ndarray) and gy.shape == Y.shape and not gy.any()


def test_argument_used_only_in_a_condition_gets_zero():
    gx, gy = s2s.grad(uses_y_only_in_branch_condition, (0, 1), jit=False)(X, -1.0)
    np.testing.assert_allclose(gx, np.full(3, 2.0))
    assert gy == 0.0


def test_constant_output_gives_zero_gradient():
    assert s2s.grad(constant_output, jit=False)(1.5) == 0.0
    g = s2s.grad(constant_output, jit=False)(X)
    assert g.shape == X.shape and not g.any()


# -- jit=False against jit=True, and composition ----------------------------------------------
@pytest.mark.parametrize(
    "fn, args, argnums",
    [
        (two_args, (X, Y), (0, 1)),
        (loop_and_branch, (np.array([0.7, -0.4, 1.3]),), 0),
        (three_args, (2.0, 3.0, 0.5), (0, 1, 2)),
        (poly, (1.7,), 0),
    ],
    ids=["arrays", "loop", "scalars", "poly"],
)
def test_python_and_numba_agree(fn, args, argnums):
    expected = s2s.value_and_grad(fn, argnums, jit=False)(*args)
    actual = s2s.value_and_grad(fn, argnums, jit=True)(*args)
    np.testing.assert_allclose(actual[0], expected[0], rtol=1e-12)
    as_tuple = lambda g: g if isinstance(g, tuple) else (g,)
    assert len(as_tuple(actual[1])) == len(as_tuple(expected[1]))
    for a, e in zip(as_tuple(actual[1]), as_tuple(expected[1])):
        assert np.shape(a) == np.shape(e)
        np.testing.assert_allclose(a, e, rtol=1e-12, atol=1e-15)


def test_jit_of_grad():
    compiled = s2s.jit(s2s.grad(poly, jit=False))
    assert compiled(2.0) == pytest.approx(9.0 * 4.0 - 4.0 * 2.0 + 1.0)
    g = s2s.jit(s2s.grad(two_args, (0, 1)))(X, Y)
    np.testing.assert_allclose(g[0], np.cos(X) * Y)


def test_grad_of_grad_of_a_polynomial():
    second = s2s.grad(s2s.grad(poly, jit=False), jit=False)
    assert second(1.5) == pytest.approx(18.0 * 1.5 - 4.0)
    assert s2s.grad(s2s.grad(poly))(1.5) == pytest.approx(18.0 * 1.5 - 4.0)


def test_third_derivative_of_a_polynomial():
    third = s2s.grad(s2s.grad(s2s.grad(poly, jit=False), jit=False), jit=False)
    assert third(0.3) == pytest.approx(18.0)


# -- show ------------------------------------------------------------------------------------------
def test_show_of_grad_is_deterministic_and_names_adjoints_after_variables():
    first = s2s.show(s2s.grad(weighted_norm))
    assert first == s2s.show(s2s.grad(weighted_norm))
    assert first == s2s.show(s2s.grad(weighted_norm, jit=False))
    assert "def weighted_norm_grad(x, w):" in first
    assert "bx = " in first
    assert "return _s2s.cast_like(bx, x)" in first
    assert "bw" not in first  # w is not differentiated: it needs no adjoint


def test_show_of_value_and_grad_and_tuple_argnums():
    text = s2s.show(s2s.value_and_grad(weighted_norm, (0, 1)))
    assert "bx" in text and "bw" in text
    assert "weighted_norm_value_and_grad" in text


def dot_loss(w, x):
    z = np.dot(w, x)
    return math.log1p(math.exp(-z))


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_first_share_of_a_product_is_its_adjoint_not_added_into_zeros(jit):
    # bw = matmul_adjoint_a(g, w, x): no zeros of w's shape to allocate and add into.
    source = s2s.show(s2s.grad(dot_loss))
    assert "bw = _s2s.matmul_adjoint_a(" in source
    assert "add_matmul_adjoint_a" not in source and "zeros_like(w)" not in source
    w, x = np.array([0.3, -0.2, 0.5]), np.array([1.0, 2.0, -1.5])
    z = float(np.dot(w, x))
    np.testing.assert_allclose(s2s.grad(dot_loss, jit=jit)(w, x), -x / (1.0 + math.exp(z)))


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_a_chained_read_adds_its_share_into_the_array_adjoint_directly(jit):
    # Not an adjoint of the row X[i] to add into bX and clear for each of its entries read:
    # that costs a whole row per entry (140x the function for a 300-body energy).
    pair_energy = programs.pair_energy
    source = s2s.show(s2s.grad(pair_energy))
    assert source.count("_s2s.scatter_add_part(bX, ") == 4
    assert "cleared" not in source.replace("be = _s2s.cleared(be)", "")
    assert "X[i][0] - X[j][0]" in source  # read again, not kept on a tape
    X, m = np.array([[0.0, 1.0], [0.5, -0.3], [1.2, 0.4]]), np.array([1.0, 2.0, 0.5])
    expected = np.zeros_like(X)
    for i in range(3):
        for j in range(i + 1, 3):
            d = X[i] - X[j]
            share = m[i] * m[j] * d / (d @ d + programs.SOFTENING) ** 1.5
            expected[i] += share
            expected[j] -= share
    np.testing.assert_allclose(s2s.grad(pair_energy, jit=jit)(X, m), expected, rtol=1e-12)


def test_a_row_named_then_read_by_entry_has_no_adjoint_of_its_own():
    # `xj = X[j]`, then `xj[0]`, `xj[2]` in the loop: each entry's share goes into bX; the
    # adjoint of the row cost a row per definition (the 300-body energy written so: 16x the
    # function, now 2.7x). `row = X[k]` keeps one: `k` is rebound before `row[2]` is read.
    source = s2s.show(s2s.grad(arrays.rows_read_by_entry))
    for row in ("bxi", "bxj", "btop"):
        assert row not in source, source
    assert "brow" in source
    assert "_s2s.scatter_add_part(bX, j, 2," in source


def outer_sum(x, y):
    return np.sum(np.sin(x[None, :] * y[:, None]))


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_adjoint_of_a_view_is_added_into_as_a_view(jit):
    # Not `bx[None, :] += g`: Numba's slice assignment compiles seconds of error formatting.
    source = s2s.show(s2s.grad(outer_sum, argnums=(0, 1)))
    assert "_s2s.scatter_add(bx, (None, slice(None, None, None))," in source
    assert "] +=" not in source
    x, y = np.array([0.3, -0.2, 0.5]), np.array([1.0, 2.0])
    gx, gy = s2s.grad(outer_sum, argnums=(0, 1), jit=jit)(x, y)
    c = np.cos(x[None, :] * y[:, None])
    np.testing.assert_allclose(gx, (c * y[:, None]).sum(axis=0))
    np.testing.assert_allclose(gy, (c * x[None, :]).sum(axis=1))


# -- complex values -------------------------------------------------------------------------


def sign_of_complex(x):
    return np.sum(np.real(np.sign(x + 1j)))


def sign_of_real(x):
    return np.sum(np.sign(x) * x * x)


@pytest.mark.parametrize("jit", [True, False], ids=["numba", "python"])
def test_sign_of_complex_values_is_refused_at_the_users_line(jit):
    # sign(z) = z / |z| is not constant in the complex plane: a zero derivative would be wrong
    x = np.array([0.5, -1.0])
    for derivative in (
        lambda: s2s.grad(sign_of_complex, jit=jit)(x),
        lambda: s2s.jvp(sign_of_complex, (x,), (np.ones(2),), jit=jit),
    ):
        with pytest.raises(Exception, match="`np.sign` of real values only") as info:
            derivative()
        notes = "\n".join(getattr(info.value, "__notes__", []))
        assert "test_grad_api.py" in notes and "np.sign(x + 1j)" in notes
    # of real values the sign stays a constant, checked for free
    np.testing.assert_allclose(s2s.grad(sign_of_real, jit=jit)(x), 2.0 * np.abs(x))
    np.testing.assert_allclose(s2s.hessian(sign_of_real, jit=jit)(x), np.diag(2.0 * np.sign(x)))


def complex_p_norms(x):
    z = x * (1.0 + 2.0j) - 0.5j * x[::-1]
    return np.linalg.norm(z, 1) + np.linalg.norm(z, 3) + np.linalg.norm(z, np.inf)


@pytest.mark.parametrize("jit", [True, False], ids=["numba", "python"])
def test_p_norms_of_complex_vectors_have_first_derivatives_only(jit):
    x = np.array([0.7, 0.3, 1.1, 0.9])
    expected = _numeric(complex_p_norms, x)
    np.testing.assert_allclose(s2s.grad(complex_p_norms, jit=jit)(x), expected, rtol=1e-6)
    _, tangent = s2s.jvp(complex_p_norms, (x,), (np.ones(4),), jit=jit)
    assert np.isrealobj(tangent) and tangent == pytest.approx(expected.sum())
    with pytest.raises(NotImplementedError, match="second derivatives of norms of complex"):
        s2s.hessian(complex_p_norms, jit=jit)(x)


def cumulative_sum_of_complex_values(x):
    return np.real(np.sum(np.cumsum(x * (1.0 + 2.0j)) ** 2))


def test_python_mode_refuses_to_drop_imaginary_parts():
    # the Python helpers of some rules take real values only (compiled, they fail to type):
    # a cast that would drop imaginary parts is an error, not a wrong gradient
    x = np.array([0.7, 0.3, 1.1])
    with pytest.raises(TypeError, match="drops their imaginary parts") as info:
        s2s.grad(cumulative_sum_of_complex_values, jit=False)(x)
    assert "np.cumsum" in "\n".join(info.value.__notes__)


def dot_of_complex_values(x):
    z = x * (1.0 + 2.0j)
    return np.real(np.dot(z, z))


def test_python_mode_keeps_complex_shares_complex():
    # the helpers hand back complex values as complex (NumPy's own dtype), not float64
    x = np.array([0.7, 0.3, 1.1])
    expected = _numeric(dot_of_complex_values, x)
    np.testing.assert_allclose(s2s.grad(dot_of_complex_values, jit=False)(x), expected, rtol=1e-6)


# -- arrays of integers -------------------------------------------------------------------------


def counts_in_integer_arrays(x):
    bins = np.zeros(x.shape[0], dtype=np.int64)
    flags = np.full_like(x, 0, np.bool_)
    order = np.arange(x.shape[0])
    steps = np.empty_like(order)
    for i in range(x.shape[0]):
        bins[i] = x[i] * 4.0 + 0.5
        flags[i] = x[i] > 0.45
        steps[i] = x[i] * 10.0
    order[0] = x[0] * 30.0
    return np.sum(bins * x * x) + np.sum(flags * np.sin(x)) + np.sum((order + steps) * x)


@pytest.mark.parametrize("jit", [True, False], ids=["numba", "python"])
def test_values_written_into_integer_arrays_have_no_derivative(jit):
    # the integer arrays (allocated with a dtype, by np.arange, like another) are piecewise
    # constant in x: a write truncates the value, so only the products' other factors carry
    # derivatives
    x = np.array([0.13, 0.52, 0.77, 0.34])
    bins, flags = np.floor(x * 4.0 + 0.5), x > 0.45
    order, steps = np.array([np.floor(30.0 * x[0]), 1.0, 2.0, 3.0]), np.floor(10.0 * x)
    expected = 2.0 * bins * x + flags * np.cos(x) + order + steps
    np.testing.assert_allclose(s2s.grad(counts_in_integer_arrays, jit=jit)(x), expected)
    _, tangent = s2s.jvp(counts_in_integer_arrays, (x,), (np.ones(4),), jit=jit)
    assert tangent == pytest.approx(expected.sum())
    hessian = s2s.hessian(counts_in_integer_arrays, jit=jit)(x)
    np.testing.assert_allclose(hessian, np.diag(2.0 * bins - flags * np.sin(x)), atol=1e-12)


def _arange(n):
    return np.arange(n)


def integers_of_unseen_dtypes(x, idx, n):
    from_fill = np.full(3, 0)  # an integer fill value
    listed = np.array([1, 2, 3])
    copied = idx.copy()  # an argument's dtype
    like = np.zeros_like(idx)
    counted = np.arange(n)  # `n` is not known to be an integer
    helped = _arange(3)  # a helper's result
    mask = x > 100.0
    from_fill[1] = listed[1] = copied[1] = like[1] = x[1] * 4.5
    counted[1] = helped[1] = x[1] * 4.5
    mask[2] = x[2] * 4.5
    total = np.sum(from_fill * x) + np.sum(listed * x) + np.sum(copied * x) + np.sum(like * x)
    return total + np.sum(counted * x) + np.sum(helped * x) + np.sum(mask * x)


@pytest.mark.parametrize("jit", [True, False], ids=["numba", "python"])
def test_integer_arrays_that_only_the_types_reveal_keep_no_derivative(jit):
    # arrays whose dtype the code does not spell out: derivative code checks the dtype as it
    # is compiled (`_s2s.kept_by`), and a write into integers passes on no derivative
    x, idx = np.array([0.7, 1.3, 2.1]), np.array([2, 0, 1])
    expected = _numeric(lambda v: integers_of_unseen_dtypes(v, idx.copy(), 3), x)
    np.testing.assert_allclose(
        expected, [0 + 1 + 2 + 0 + 0 + 0, 5 * 6, 3 + 1 + 2 + 2 + 1], atol=1e-6
    )
    grad = s2s.grad(integers_of_unseen_dtypes, jit=jit)(x, idx.copy(), 3)
    np.testing.assert_allclose(grad, expected, rtol=1e-6)
    tangents = (np.array([0.3, -0.2, 0.5]), np.zeros(3), 0.0)
    _, tangent = s2s.jvp(integers_of_unseen_dtypes, (x, idx.copy(), 3), tangents, jit=jit)
    assert tangent == pytest.approx(expected @ tangents[0])
    hessian = s2s.hessian(integers_of_unseen_dtypes, jit=jit)(x, idx.copy(), 3)
    np.testing.assert_allclose(hessian, np.zeros((3, 3)), atol=1e-12)
    # vjp takes integer arguments too, and so may a helper
    _, pullback = s2s.vjp(integers_of_unseen_dtypes, x, idx.copy(), 3, jit=jit)
    np.testing.assert_allclose(pullback(1.0)[0], expected, rtol=1e-6)
    expected = _numeric(lambda v: through_a_helper(v, idx.copy()), x)
    grad = s2s.grad(through_a_helper, jit=jit)(x, idx.copy())
    np.testing.assert_allclose(grad, expected, rtol=1e-6)


def _fill(idx, x):
    a = idx.copy()
    a[0] = x[0] * 4.5
    return np.sum(a * x)


def through_a_helper(x, idx):
    return _fill(idx, x) + np.sum(x)


def rebound_from_integers(x):
    a = np.arange(3)
    a[0] = x[0] * 4.5  # truncated: int(3.15) = 3
    s = np.sum(a * x)
    a = x * 2.0  # the same name, now floats
    return s + np.sum(a * x)


@pytest.mark.parametrize("jit", [True, False], ids=["numba", "python"])
def test_a_name_rebound_from_integers_to_floats_carries_derivatives(jit):
    x = np.array([0.7, 1.3, 2.1])
    expected = np.array([3.0, 1.0, 2.0]) + 4 * x  # the write into integers passes nothing
    np.testing.assert_allclose(s2s.grad(rebound_from_integers, jit=jit)(x), expected)


def write_through_flat(x):
    a = np.zeros((2, 2))
    a.flat[3] = x[0] * 2.0
    return np.sum(a * a)


def test_writes_through_flat_compile_and_are_refused_for_derivatives():
    x = np.array([0.7, 0.3])
    assert s2s.jit(write_through_flat)(x) == pytest.approx(1.96)
    with pytest.raises(s2s.DifferentiationError, match="writing into 'a.flat'") as info:
        s2s.grad(write_through_flat)(x)
    assert "a.flat[3] = x[0] * 2.0" in str(info.value)


def write_through_repeated_positions(x):
    y = np.zeros(4)
    y[np.array([0, 1, 1, 3])] = x * x
    y[np.array([2, -1, 3])] += x[1:]
    return np.sum(y * np.arange(1.0, 5.0))


@pytest.mark.parametrize("jit", [True, False], ids=["numba", "python"])
def test_a_position_written_twice_by_an_index_array_keeps_the_last_write(jit):
    # y[idx] = v writes in order, as NumPy and Numba do: of x[1] and x[2], both written to
    # y[1], x[2]'s stays; the buffered += at -1 and 3 keeps x[3]'s
    x = np.array([0.7, 0.3, 1.1, 0.9])
    expected = _numeric(write_through_repeated_positions, x)
    np.testing.assert_allclose(expected, [1.4, 3.0, 4.4, 7.2 + 4.0], rtol=1e-6)
    grad = s2s.grad(write_through_repeated_positions, jit=jit)(x)
    np.testing.assert_allclose(grad, expected, rtol=1e-6)
    np.testing.assert_allclose(
        s2s.hessian(write_through_repeated_positions, jit=jit)(x), np.diag([2.0, 0.0, 4.0, 8.0])
    )


def write_through_repeated_pairs(x):
    y = np.zeros((3, 4))
    cols = np.array([1, 1, 3])
    for i in range(3):
        y[i, cols] = x[i] * x
    y[np.array([0, 2, 0]), :2] = np.outer(x, x[:2])
    y[np.array([1, 2, 1]), np.array([0, -1, 0])] += x
    return np.sum(y * np.arange(1.0, 13.0).reshape(3, 4))


@pytest.mark.parametrize("jit", [True, False], ids=["numba", "python"])
def test_positions_named_twice_by_a_tuple_index_keep_the_last_write(jit):
    # an array among the parts of a tuple index (with counters, slices or other arrays) may
    # name a position twice too; the last write stays
    x = np.array([0.7, 0.3, 1.1])
    expected = _numeric(write_through_repeated_pairs, x)
    grad = s2s.grad(write_through_repeated_pairs, jit=jit)(x)
    np.testing.assert_allclose(grad, expected, rtol=1e-6)
    step = 1e-4 * np.eye(3)
    rows = [
        (
            s2s.grad(write_through_repeated_pairs, jit=jit)(x + e)
            - s2s.grad(write_through_repeated_pairs, jit=jit)(x - e)
        )
        / 2e-4
        for e in step
    ]
    np.testing.assert_allclose(
        s2s.hessian(write_through_repeated_pairs, jit=jit)(x), np.array(rows), rtol=1e-6
    )


def arange_in_a_prange_loop(x):
    s = 0.0
    for i in numba.prange(3):
        k = np.arange(i + 2)  # integers: the counter of a prange loop is one
        k[0] = x[i] * 30.0
        s += np.sum(k) * x[i]
    return s


def test_counters_of_prange_loops_are_integers():
    x = np.array([0.71, 0.33, 1.14])
    expected = [np.floor(30.0 * v) + sum(range(1, i + 2)) for i, v in enumerate(x)]
    np.testing.assert_allclose(s2s.grad(arange_in_a_prange_loop)(x), expected)


def tuple_loss(params, x, scale):
    W, b = params
    h = np.tanh(W @ x + b)
    return scale * np.sum(h * h)


def tuple_loss_with_aux(params, x):
    h = np.tanh(params[0] @ x + params[-1])
    return np.sum(h * h), h[0]


def counts_its_entries(params, x):
    return len(params) * np.sum(params[0] * x)


TUPLE_W = np.array([[0.5, -1.0, 0.25], [1.5, 0.0, -0.5]])
TUPLE_B = np.array([0.1, -0.2])


def _tuple_loss_gradients(scale):
    """The gradients of ``tuple_loss`` by hand: h = tanh(W x + b), d/dz of sum(h^2)."""
    h = np.tanh(TUPLE_W @ X + TUPLE_B)
    dz = scale * 2.0 * h * (1.0 - h * h)
    return np.outer(dz, X), dz, TUPLE_W.T @ dz


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_grad_of_a_tuple_argument_is_a_tuple(jit):
    gW, gb, gx = _tuple_loss_gradients(2.0)
    params = (TUPLE_W, TUPLE_B)
    grads = s2s.grad(tuple_loss, jit=jit)(params, X, 2.0)
    assert type(grads) is tuple and len(grads) == 2
    np.testing.assert_allclose(grads[0], gW)
    np.testing.assert_allclose(grads[1], gb)
    gp, gx_ = s2s.grad(tuple_loss, argnums=(0, 1), jit=jit)(params, X, 2.0)
    np.testing.assert_allclose(gp[1], gb)
    np.testing.assert_allclose(gx_, gx)
    value, (gp, gs) = s2s.value_and_grad(tuple_loss, argnums=(0, 2), jit=jit)(params, X, 2.0)
    assert value == pytest.approx(tuple_loss(params, X, 2.0))
    np.testing.assert_allclose(gp[0], gW)
    assert gs == pytest.approx(tuple_loss(params, X, 1.0))
    (gp, aux) = s2s.grad(tuple_loss_with_aux, has_aux=True, jit=jit)(params, X)
    np.testing.assert_allclose(gp[0], gW / 2.0)
    np.testing.assert_allclose(gp[1], gb / 2.0)
    assert aux == pytest.approx(np.tanh(TUPLE_W @ X + TUPLE_B)[0])


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_tuple_arguments_that_cannot_be_differentiated_are_refused(jit):
    params = (TUPLE_W, TUPLE_B)
    with pytest.raises(s2s.DifferentiationError, match="other than by a constant index") as info:
        s2s.grad(counts_its_entries, jit=jit)((X, X), X)
    assert info.value.location.function == "counts_its_entries"
    with pytest.raises(s2s.DifferentiationError, match="entry 1 of argument 0 .* an integer"):
        s2s.grad(tuple_loss, jit=jit)((TUPLE_W, np.arange(2)), X, 2.0)
    with pytest.raises(s2s.DifferentiationError, match="`W` is a tuple of 2") as info:
        s2s.grad(tuple_loss, jit=jit)((params, TUPLE_B), X, 2.0)  # W, b = ((W, b), b)
    assert info.value.location.function == "tuple_loss"
    with pytest.raises(s2s.DifferentiationError, match="entry 1 of entry 0 .* a str"):
        s2s.grad(tuple_loss, jit=jit)(((TUPLE_W, "b"), TUPLE_B), X, 2.0)
    with pytest.raises(s2s.DifferentiationError, match="empty tuple"):
        s2s.grad(tuple_loss, jit=jit)((), X, 2.0)


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_vjp_of_a_tuple_of_parameters_is_a_tuple(jit):
    gW, gb, gx = _tuple_loss_gradients(2.0)
    value, vjp_fn = s2s.vjp(tuple_loss, (TUPLE_W, TUPLE_B), X, 2.0, jit=jit)
    assert value == pytest.approx(tuple_loss((TUPLE_W, TUPLE_B), X, 2.0))
    (gW_, gb_), gx_, gscale = vjp_fn(0.5)
    np.testing.assert_allclose(gW_, 0.5 * gW)
    np.testing.assert_allclose(gb_, 0.5 * gb)
    np.testing.assert_allclose(gx_, 0.5 * gx)
    assert gscale == pytest.approx(0.5 * tuple_loss((TUPLE_W, TUPLE_B), X, 1.0))


def two_layer_loss(params, x):
    (W1, b1), (W2, b2) = params
    h = np.tanh(W1 @ x + b1)
    return np.sum((W2 @ h + b2) ** 2)


def two_layers(seed: int) -> tuple:
    """``((W1, b1), (W2, b2))`` for a network of 3 inputs, 4 hidden units and 2 outputs."""
    rng = np.random.default_rng(seed)
    return (
        (rng.standard_normal((4, 3)), rng.standard_normal(4)),
        (rng.standard_normal((2, 4)), rng.standard_normal(2)),
    )


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_grad_of_nested_tuples_of_parameters_has_their_structure(jit):
    params = two_layers(3)
    (gW1, gb1), (gW2, gb2) = s2s.grad(two_layer_loss, jit=jit)(params, X)
    (W1, b1), (W2, b2) = params
    h = np.tanh(W1 @ X + b1)
    r = 2.0 * (W2 @ h + b2)  # d loss / d output
    dz = (W2.T @ r) * (1.0 - h * h)
    np.testing.assert_allclose(gb2, r)
    np.testing.assert_allclose(gW2, np.outer(r, h))
    np.testing.assert_allclose(gb1, dz)
    np.testing.assert_allclose(gW1, np.outer(dz, X))
    (_, (gW2_, _)), gx = s2s.vjp(two_layer_loss, params, X, jit=jit)[1](1.0)
    np.testing.assert_allclose(gW2_, gW2)
    np.testing.assert_allclose(gx, W1.T @ dz)


def dense(layer, x):
    W, b = layer
    return W @ x + b


def through_helpers(params, x):
    first, second = params
    h = np.tanh(dense(first, x))
    return np.sum(dense(second, h) ** 2) + first[1][0] * np.sum(layer_norms(params))


def layer_norms(params):
    return np.array([np.sum(params[0][0] ** 2), np.sum(params[1][0] ** 2)])


def returns_its_tuple(params):
    return params


def passes_by_keyword(params, x):
    return np.sum(dense(layer=params, x=x))


def passes_back(params, x):
    return np.sum(returns_its_tuple(params)[0] @ x)


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_a_tuple_passed_to_helpers_is_differentiated_in_them(jit):
    """``dense(first, x)``: the helper gets a version taking the tuple's entries."""
    params = two_layers(4)
    grads = s2s.grad(through_helpers, jit=jit)(params, X)
    (W1, b1), (W2, b2) = params

    def flat(W1, b1, W2, b2):
        return through_helpers(((W1, b1), (W2, b2)), X)

    leaves = [W1, b1, W2, b2]
    for k, gradient in enumerate([grads[0][0], grads[0][1], grads[1][0], grads[1][1]]):
        expected = np.zeros_like(leaves[k])
        for index in np.ndindex(leaves[k].shape):
            step = np.zeros_like(leaves[k])
            step[index] = 1e-6
            up = [v + step if j == k else v for j, v in enumerate(leaves)]
            down = [v - step if j == k else v for j, v in enumerate(leaves)]
            expected[index] = (flat(*up) - flat(*down)) / 2e-6
        np.testing.assert_allclose(gradient, expected, rtol=1e-6, atol=1e-8)
    per_example = s2s.vmap(s2s.grad(through_helpers, jit=jit), in_axes=(None, 0), jit=jit)
    xs = np.random.default_rng(5).standard_normal((3, 3))
    np.testing.assert_allclose(
        per_example(params, xs)[1][0][2], s2s.grad(through_helpers, jit=jit)(params, xs[2])[1][0]
    )
    assert "dense_of_leaves" in s2s.show(
        s2s.grad(through_helpers).for_tuples({0: ((None, None), (None, None))}, 2)
    )


@pytest.mark.parametrize(
    ("fn", "where"), [(passes_by_keyword, "passes_by_keyword"), (passes_back, "returns_its_tuple")]
)
def test_a_tuple_passed_on_otherwise_is_refused_where_it_is_used(fn, where):
    params = (TUPLE_W, TUPLE_B)
    with pytest.raises(s2s.DifferentiationError, match="or as a helper's argument") as info:
        s2s.grad(fn, jit=False)(params, X)
    assert info.value.location.function == where


def unpacks_a_point(point, scale):
    x, y = point
    return (x * x + y) * scale


def unpacks_parameters(params, x):
    W, b = params
    return np.sum(W @ x + b)


def unpacks_rows(m):
    total = 0.0
    for a, b in m:
        total += a * math.cos(b)
    return total


def unpacks_a_row(m, i):
    a, b = m[i]
    return a * b


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_unpacking_a_row_of_another_length_raises_as_python_does(jit):
    """``for a, b in m`` and ``a, b = m[i]`` for a matrix of three columns: Python and Numba
    raise; the normal form's reads of the first two entries would not."""
    m = np.array([[0.5, 1.0, 2.0], [1.5, -1.0, 0.5]])
    for fn, args in ((unpacks_rows, (m,)), (unpacks_a_row, (m, 1))):
        with pytest.raises(ValueError, match="values to unpack \\(expected 2"):
            fn(*args)  # Python's own
        runs = [s2s.grad(fn, jit=jit)]
        if jit:
            runs.append(s2s.jit(fn))
        for run in runs:
            with pytest.raises(ValueError, match="values to unpack \\(expected 2"):
                run(*args)
        # Two columns: the check passes, and the rows still have no adjoint of their own.
        source = s2s.show(s2s.grad(fn))
        assert "_s2s.require_length(" in source and "_s2s.scatter_add_part(bm, " in source
    np.testing.assert_allclose(
        s2s.grad(unpacks_rows, jit=jit)(m[:, :2]),
        np.stack([np.cos(m[:, 1]), -m[:, 0] * np.sin(m[:, 1])], axis=1),
    )


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_unpacking_an_argument_of_another_length_raises_as_python_does(jit):
    """The normal form reads ``x, y = point`` as ``x = point[0]; y = point[1]``: a third entry
    would be dropped without the check Python makes."""
    with pytest.raises(ValueError, match="values to unpack \\(expected 2"):
        unpacks_a_point(np.ones(3), 2.0)  # Python's own
    runs = [
        (s2s.grad(unpacks_a_point, jit=jit), 2.0),
        (s2s.grad(unpacks_a_point, argnums=1, jit=jit), 2.0),
        (s2s.vmap(unpacks_a_point, in_axes=(None, 0), jit=jit), np.ones(2)),
    ]
    if jit:
        runs.append((s2s.jit(unpacks_a_point), 2.0))
    for run, scale in runs:
        with pytest.raises(ValueError, match="values to unpack \\(expected 2"):
            run(np.ones(3), scale)
    np.testing.assert_allclose(
        s2s.grad(unpacks_a_point, jit=jit)(np.array([3.0, 1.0]), 2.0), [12, 2]
    )
    with pytest.raises(s2s.DifferentiationError, match="a tuple of 3, unpacked into 2") as info:
        s2s.grad(unpacks_parameters, jit=jit)((TUPLE_W, TUPLE_B, TUPLE_B), X)
    assert info.value.location.function == "unpacks_parameters"


def unpacks_a_local_array(x):
    v = x * 2.0
    a, b = v
    return a * b


def unpacks_a_shape(x):
    rows, cols = x.shape
    return rows * cols * np.sum(x)


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_unpacking_a_local_array_or_a_shape_checks_its_length(jit):
    """An array the function made, and ``x.shape``, are indexed by the normal form too: a
    third entry (a third axis) raises as in Python rather than being dropped."""
    cases = ((unpacks_a_local_array, np.ones(3)), (unpacks_a_shape, np.ones((2, 2, 2))))
    for fn, bad in cases:
        with pytest.raises(ValueError, match="values to unpack \\(expected 2"):
            fn(bad)  # Python's own
        runs = [s2s.grad(fn, jit=jit), s2s.vmap(fn, jit=jit)]
        if jit:
            runs.append(s2s.jit(fn))
        for run in runs:
            with pytest.raises(ValueError, match="values to unpack \\(expected 2"):
                run(bad[None] if run is runs[1] else bad)
    x = np.array([1.5, -0.5])
    np.testing.assert_allclose(s2s.grad(unpacks_a_local_array, jit=jit)(x), 4 * x[::-1])
    m = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(s2s.grad(unpacks_a_shape, jit=jit)(m), np.full((2, 3), 6.0))
    np.testing.assert_allclose(s2s.vmap(unpacks_a_shape, jit=jit)(m[None]), [6 * 15.0])


def unpacks_three_into_two(x):
    a, b = x, 2 * x, 3 * x
    return a * b


def unpacks_a_local_tuple_into_three(x):
    t = (x, 2 * x)
    a, b, c = t
    return a * b * c


def nested_unpacking_too_short(x):
    a, (b, c) = x, (2 * x,)
    return a * b * c


@pytest.mark.parametrize(
    "fn, words",
    [
        (unpacks_three_into_two, "unpacking 3 values into 2 names: too many values"),
        (unpacks_a_local_tuple_into_three, "unpacking 2 values into 3 names: not enough"),
        (nested_unpacking_too_short, "unpacking 1 values into 2 names: not enough"),
    ],
)
def test_unpacking_a_tuple_of_another_length_is_refused_where_it_is_written(fn, words):
    """Tuples whose length the code shows are checked when s2s reads the function (Numba
    refuses them when it compiles), at the user's line."""
    with pytest.raises(ValueError, match="values to unpack"):
        fn(1.5)  # Python's own
    for transform in (s2s.jit, s2s.grad, s2s.vmap, lambda f: s2s.jacfwd(f)):
        with pytest.raises(s2s.UnsupportedSyntaxError, match=words) as info:
            s2s.show(transform(fn))
        assert info.value.location.function == fn.__name__
        last = fn.__code__.co_firstlineno + len(inspect.getsourcelines(fn)[0]) - 1
        assert info.value.location.lineno == last - 1  # the unpacking, before the `return`


def swaps_a_tuple(x):
    t = (x, 2 * x)
    for _ in range(3):
        t = (t[1], t[0] + x)
    a, b = t
    return a * b


def test_unpacking_a_tuple_of_known_length_checks_nothing_when_it_runs():
    """A tuple built from displays of one length (``t = (t[1], t[0] + x)`` in a loop) is split
    into a name per entry, and its unpacking needs no check."""
    for transform in (s2s.grad, s2s.jacfwd, s2s.vmap):
        assert "require_length" not in s2s.show(transform(swaps_a_tuple))
    # (x, 2x) -> (2x, 2x) -> (2x, 3x) -> (3x, 3x): d(9 x^2)/dx
    assert s2s.grad(swaps_a_tuple)(1.5) == pytest.approx(18 * 1.5)


def _sum_and_first_three(x):
    return np.sum(x), (x[0], x[1], x[2])


def unpacks_a_nested_result_into_two(x):
    s, (a, b) = _sum_and_first_three(x)
    return s * a * b


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_unpacking_a_helpers_nested_result_of_another_length_raises(jit):
    """Reverse mode binds each entry of a helper's nested result to a name of its own; an
    unpacking of the wrong length still raises, as in Python, rather than dropping one."""
    x = np.arange(1.0, 4.0)
    with pytest.raises(ValueError, match="too many values to unpack \\(expected 2\\)"):
        unpacks_a_nested_result_into_two(x)  # Python's own
    runs = [s2s.grad(unpacks_a_nested_result_into_two, jit=jit)]
    runs.append(s2s.jacfwd(unpacks_a_nested_result_into_two, jit=jit))
    if jit:
        runs.append(s2s.jit(unpacks_a_nested_result_into_two))
    for run in runs:
        with pytest.raises(ValueError, match="too many values to unpack \\(expected 2\\)"):
            run(x)
    assert "raise ValueError(" in s2s.show(s2s.grad(unpacks_a_nested_result_into_two))


def unpacks_a_parameter_then_a_tuple_of_that_name(t, x):
    a, b = t
    t = (x, 2.0 * x)
    c, d = t
    return a * b + c * d


def test_a_parameter_rebound_to_a_tuple_is_still_checked_where_the_caller_gave_it():
    """``t`` holds a tuple of two once rebound, but the caller's value first: that unpacking
    is checked when the code runs."""
    with pytest.raises(ValueError, match="values to unpack \\(expected 2"):
        unpacks_a_parameter_then_a_tuple_of_that_name(np.ones(3), 1.5)
    with pytest.raises(ValueError, match="values to unpack \\(expected 2"):
        s2s.jit(unpacks_a_parameter_then_a_tuple_of_that_name)(np.ones(3), 1.5)
    assert s2s.jit(unpacks_a_parameter_then_a_tuple_of_that_name)(np.ones(2), 1.5) == 5.5


def test_the_normal_forms_checks_leave_reverse_modes_own_error():
    """A length check is the runtime's code in the user's function, not derivative code: when
    reverse mode refuses the function, its error is the one reported (forward mode over
    reverse is for code s2s generated)."""
    with pytest.raises(s2s.DifferentiationError, match="not supported by reverse mode"):
        s2s.grad(unpacks_a_parameter_then_a_tuple_of_that_name, argnums=1)(np.ones(2), 1.5)
