"""The forward-mode API: ``s2s.jvp`` and ``s2s.linearize`` (outputs, tangent checks),
``s2s.jacfwd`` and ``s2s.jacrev`` (shapes, ``argnums``, agreement), ``s2s.hessian``
(symmetry, ``jit=True`` against ``jit=False``, ``s2s.jit`` of it), Hessian-vector products as
``jvp`` of ``grad``, ``check_grads(order=2)`` and ``s2s.show`` of the generated loops.

Most tests run the generated Python (``jit=False``); a few compile, since a Numba compile
takes seconds."""

import math

import numpy as np
import pytest

import s2s
from s2s.testing import check_grads

# -- functions under test (module level: s2s reads their source) -------------------------------


def smooth(x, w):
    out = x.copy()
    for i in range(1, x.shape[0]):
        out[i] = w * out[i - 1] + (1.0 - w) * x[i]
    return out


def stats(x):
    total = 0.0
    for i in range(x.shape[0]):
        total += x[i]
    mean = total / x.shape[0]
    spread = 0.0
    for i in range(x.shape[0]):
        spread += (x[i] - mean) ** 2
    return mean, spread / x.shape[0]


def scaled_sum(x, n):
    total = 0.0
    for _ in range(n):
        total += np.sum(x * x)
    return total


def layer(W, x):
    out = np.zeros(W.shape[0])
    for i in range(W.shape[0]):
        s = 0.0
        for j in range(W.shape[1]):
            s += W[i, j] * x[j]
        out[i] = math.tanh(s)
    return out


def rosen(x):
    total = 0.0
    for i in range(x.shape[0] - 1):
        total += 100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1.0 - x[i]) ** 2
    return total


def tilt(a, s):
    y = a.copy()
    for i in range(a.shape[0]):
        if y[i] > 0.0:
            y[i] = s * math.exp(y[i])
        else:
            y[i] = s * y[i] ** 3
    return np.sum(y * y) * s


def mixed(x, y):
    return math.sin(x * y) + x**3 * math.exp(y)


def kinked(x):
    if x > 0.0:
        return x * x
    return 0.5 * x * x


X4 = np.array([1.0, 2.0, 3.0, 4.0])


def _numeric_jacobian(f, x, eps=1e-6):
    """Central differences, shape ``out.shape + x.shape``."""
    x = np.asarray(x, dtype=float)
    columns = []
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = eps
        e = e.reshape(x.shape)
        columns.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * eps))
    out_shape = np.shape(columns[0])
    return np.stack(columns, axis=-1).reshape(out_shape + x.shape)


# -- jvp ------------------------------------------------------------------------------------------


def test_jvp_value_and_tangent():
    out, tangent = s2s.jvp(smooth, (X4, 0.5), (np.zeros(4), 1.0), jit=False)
    np.testing.assert_allclose(out, smooth(X4, 0.5))
    np.testing.assert_allclose(tangent, [0.0, -1.0, -2.0, -2.75])
    _, tangent = s2s.jvp(smooth, (X4, 0.5), (np.eye(4)[0], 0.0), jit=False)
    np.testing.assert_allclose(tangent, [1.0, 0.5, 0.25, 0.125])


def test_jvp_tuple_output_gives_tuple_tangent():
    x = np.array([1.0, 2.0, 4.0])
    v = np.array([1.0, 0.0, 0.0])
    (mean, var), (d_mean, d_var) = s2s.jvp(stats, (x,), (v,), jit=False)
    assert (mean, var) == pytest.approx(stats(x))
    eps = 1e-6
    plus, minus = stats(x + eps * v), stats(x - eps * v)
    assert d_mean == pytest.approx((plus[0] - minus[0]) / (2 * eps), rel=1e-6)
    assert d_var == pytest.approx((plus[1] - minus[1]) / (2 * eps), rel=1e-6)


def test_jvp_compiled_matches_python():
    x = np.array([0.3, -0.7, 1.1])
    primals, tangents = (x, 0.5), (np.array([1.0, -2.0, 0.5]), 0.25)
    out_py, t_py = s2s.jvp(tilt, primals, tangents, jit=False)
    out_nb, t_nb = s2s.jvp(tilt, primals, tangents)
    assert out_nb == pytest.approx(out_py, rel=1e-12)
    assert t_nb == pytest.approx(t_py, rel=1e-12)


def test_jvp_integer_argument_passes_through_with_zero_tangent():
    out, tangent = s2s.jvp(scaled_sum, (X4, 3), (np.ones(4), 0), jit=False)
    assert out == pytest.approx(3 * np.sum(X4 * X4))
    assert tangent == pytest.approx(3 * np.sum(2 * X4))


def test_jvp_integer_tangent_is_computed_in_floating_point():
    # an int tangent for a float primal must not truncate the output tangent
    _, tangent = s2s.jvp(smooth, (X4, 0.5), (np.zeros(4, dtype=int), 1), jit=False)
    assert tangent.dtype == np.float64
    np.testing.assert_allclose(tangent, [0.0, -1.0, -2.0, -2.75])


def test_jvp_float32_tangent_takes_the_primal_dtype():
    _, tangent = s2s.jvp(smooth, (X4, 0.5), (np.zeros(4, dtype=np.float32), 1.0), jit=False)
    assert tangent.dtype == np.float64


def test_jvp_tangent_may_be_a_list():
    _, tangent = s2s.jvp(smooth, (X4, 0.5), ([1.0, 0.0, 0.0, 0.0], 0.0), jit=False)
    np.testing.assert_allclose(tangent, [1.0, 0.5, 0.25, 0.125])


def test_jvp_tangent_shape_mismatch():
    with pytest.raises(s2s.DifferentiationError, match=r"tangent 0 has shape \(3,\), but primal 0"):
        s2s.jvp(smooth, (X4, 0.5), (np.zeros(3), 1.0), jit=False)
    with pytest.raises(s2s.DifferentiationError, match=r"tangent 1 has shape \(2,\)"):
        s2s.jvp(smooth, (X4, 0.5), (np.zeros(4), np.zeros(2)), jit=False)


@pytest.mark.parametrize(
    "bad, which",
    [
        ((np.zeros(4), 1j), "tangent 1 has dtype complex128"),
        ((np.zeros(4, dtype=complex), 1.0), "tangent 0 has dtype complex128"),
        ((np.zeros(4, dtype=bool), 1.0), "tangent 0 has dtype bool"),
        ((np.zeros(4), "1"), "tangent 1 has dtype <U1"),
    ],
    ids=["complex-scalar", "complex-array", "bool", "string"],
)
def test_jvp_tangent_dtype_mismatch(bad, which):
    with pytest.raises(s2s.DifferentiationError, match=which) as info:
        s2s.jvp(smooth, (X4, 0.5), bad, jit=False)
    assert "real numbers" in str(info.value)


@pytest.mark.parametrize("count", [1, 3])
def test_jvp_wrong_number_of_tangents(count):
    tangents = (np.zeros(4), 1.0, 0.0)[:count]
    with pytest.raises(s2s.DifferentiationError, match=f"2 primal\\(s\\), {count} tangent\\(s\\)"):
        s2s.jvp(smooth, (X4, 0.5), tangents, jit=False)


def test_jvp_nonzero_tangent_for_integer_primal():
    with pytest.raises(s2s.DifferentiationError, match="primal 1 is an integer"):
        s2s.jvp(scaled_sum, (X4, 3), (np.ones(4), 1), jit=False)


def reshaped_sum(x, axis, shape, name):
    """Arguments that are not numbers: ``None`` for an axis, a tuple shape, a string."""
    y = np.reshape(x, shape) * shape[0]
    if name == "squares":
        y = y * y
    return np.sum(y, axis=axis)


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_jvp_of_arguments_that_are_not_numbers(jit):
    """As in JAX, such a primal's tangent is None, and a tuple's is a tuple of tangents."""
    primals = (np.arange(6.0), None, (2, 3), "squares")
    out, tangent = s2s.jvp(reshaped_sum, primals, (np.ones(6), None, (0, 0), None), jit=jit)
    assert out == pytest.approx(reshaped_sum(*primals))
    assert tangent == pytest.approx(8.0 * np.sum(np.arange(6.0)))
    _, f_jvp = s2s.linearize(reshaped_sum, *primals, jit=jit)
    assert f_jvp(np.ones(6), None, (0, 0), None) == pytest.approx(tangent)


@pytest.mark.parametrize(
    "bad, message",
    [
        ((np.ones(6), 0.0, (0, 0), None), "primal 1 is NoneType, not a number or an array"),
        ((np.ones(6), None, (0, 0), "x"), "primal 3 is str, .* must be None, not 'x'"),
        ((np.ones(6), None, None, None), "tangent 2 must be a tuple of 2 tangent"),
        ((np.ones(6), None, (0,), None), "tangent 2 must be a tuple of 2 tangent"),
        ((np.ones(6), None, (1, 0), None), r"primal 2\[0\] is an integer"),
    ],
    ids=["none", "string", "tuple-none", "tuple-short", "tuple-nonzero"],
)
def test_jvp_tangents_of_arguments_that_are_not_numbers_are_checked(bad, message):
    primals = (np.arange(6.0), None, (2, 3), "squares")
    with pytest.raises(s2s.DifferentiationError, match=message):
        s2s.jvp(reshaped_sum, primals, bad, jit=False)


OFFSETS = np.arange(3.0)


def summed_with_offsets(a):
    return np.sum(np.sin(a + OFFSETS))


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_jvp_through_a_sum_that_a_constant_array_broadcasts(jit):
    """``a`` of shape (2, 1) plus a global of shape (3,): each entry of ``a`` moves three
    entries of the sum (the tangent ``da`` alone was a's shape, and the total a third)."""
    a = np.array([[0.1], [0.7]])
    da = np.array([[1.0], [-0.5]])
    _, tangent = s2s.jvp(summed_with_offsets, (a,), (da,), jit=jit)
    expected = np.sum(np.cos(a + OFFSETS) * da)
    assert tangent == pytest.approx(expected)
    check_grads(summed_with_offsets, (a,), order=2, jit=jit)


def _copy_until_large(out, x):
    for i in range(out.shape[0]):
        out[i] = x[i]
        if x[i] > 10.0:
            return 1.0
    return 0.0


def energy_of_a_filled_copy(x):
    work = np.empty_like(x)
    flag = _copy_until_large(work, x)
    return np.sum(work * work) + flag


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_jvp_follows_a_helper_that_fills_an_array_and_returns_a_constant(jit):
    """``flag`` carries no derivative, but the call wrote ``x`` into ``work``: its tangent
    was lost (the jvp read 0)."""
    x = np.array([0.7, 0.45, 0.9])
    _, tangent = s2s.jvp(energy_of_a_filled_copy, (x,), (np.ones(3),), jit=jit)
    assert tangent == pytest.approx(2.0 * np.sum(x))
    with pytest.raises(s2s.DifferentiationError, match="in-place write to the argument 'out'"):
        s2s.grad(energy_of_a_filled_copy, jit=jit)(x)


def weighted_power(x, mode="power", k=2, scale=3.0):
    if mode == "power":
        return scale * np.sum(x**k)
    return np.sum(2.0 * x)


@pytest.mark.parametrize("jit", [True, False], ids=["numba", "python"])
def test_jvp_and_linearize_take_the_defaults_of_omitted_arguments(jit):
    x, t = np.array([1.0, 2.0]), np.array([1.0, -0.5])
    assert s2s.jvp(weighted_power, (x,), (t,), jit=jit) == pytest.approx((15.0, 6.0 * (x @ t)))
    out = s2s.jvp(weighted_power, (x, "sum"), (t, None), jit=jit)
    assert out == pytest.approx((6.0, 2.0 * t.sum()))
    out, f_jvp = s2s.linearize(weighted_power, x, jit=jit)
    assert (out, f_jvp(t)) == pytest.approx((15.0, 6.0 * (x @ t)))
    with pytest.raises(TypeError, match="takes 4 primal"):
        s2s.jvp(weighted_power, (), (), jit=jit)


def distance_to_i(x):
    return np.sum(np.abs(x + 1j)) + abs(x[0] * (1.0 - 2.0j))


@pytest.mark.parametrize("jit", [True, False], ids=["numba", "python"])
def test_jvp_through_the_modulus_of_complex_values_is_real(jit):
    x, t = np.array([0.3, -1.2, 0.7]), np.array([1.0, 0.5, -2.0])
    out, tangent = s2s.jvp(distance_to_i, (x,), (t,), jit=jit)
    expected = np.sum(x * t / np.sqrt(x * x + 1.0)) + math.sqrt(5.0) * np.sign(x[0]) * t[0]
    assert np.isrealobj(tangent) and tangent == pytest.approx(expected)


def sines_and_count(x, w):
    return np.sin(x) * w, np.sum(x > 0.0)


@pytest.mark.parametrize("jit", [True, False], ids=["numba", "python"])
def test_jvp_and_linearize_with_aux_carry_it_out(jit):
    x, t = np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, 3.0])
    out, tangent, aux = s2s.jvp(sines_and_count, (x, 0.5), (t, 1.0), has_aux=True, jit=jit)
    np.testing.assert_allclose(out, np.sin(x) * 0.5)
    np.testing.assert_allclose(tangent, np.cos(x) * t * 0.5 + np.sin(x))
    assert aux == 2
    out, f_jvp, aux = s2s.linearize(sines_and_count, x, 0.5, has_aux=True, jit=jit)
    assert aux == 2
    np.testing.assert_allclose(f_jvp(t, 1.0), tangent)
    with pytest.raises(s2s.DifferentiationError, match=r"a pair \(output, aux\), but smooth"):
        s2s.jvp(smooth, (X4, 0.5), (X4, 0.0), has_aux=True, jit=jit)


def cubes_and_size(x):
    return np.sum(x**3), x.shape[0]


def layer_and_peak(params, v):
    W, b = params
    out = np.tanh(W @ v + b)
    return out, np.max(out)


@pytest.mark.parametrize("jit", [True, False], ids=["numba", "python"])
def test_jacobians_with_aux_are_of_the_output_alone(jit):
    x = np.array([0.5, -1.0, 2.0])
    for jac in (s2s.jacfwd, s2s.jacrev):
        jacobian, aux = jac(sines_and_count, argnums=(0, 1), has_aux=True, jit=jit)(x, 0.5)
        np.testing.assert_allclose(jacobian[0], np.diag(np.cos(x) * 0.5))
        np.testing.assert_allclose(jacobian[1], np.sin(x))
        assert aux == 2
    hessian, aux = s2s.hessian(cubes_and_size, has_aux=True, jit=jit)(x)
    np.testing.assert_allclose(hessian, np.diag(6.0 * x))
    assert aux == 3
    # tuples of parameters: the Jacobians of the leaves, and the aux of the call
    W, b = np.eye(3), np.zeros(3)
    (jW, jb), peak = s2s.jacrev(layer_and_peak, has_aux=True, jit=jit)((W, b), x)
    np.testing.assert_allclose(jb, np.diag(1.0 - np.tanh(x) ** 2))
    assert jW.shape == (3, 3, 3) and peak == pytest.approx(np.tanh(2.0))
    with pytest.raises(s2s.DifferentiationError, match="has_aux=True needs .* smooth does not"):
        s2s.jacfwd(smooth, has_aux=True, jit=jit)(X4, 0.5)
    # the Jacobian's program returns the pair: batched and compiled again, it keeps the aux
    rows = np.stack([x, -x])
    batched = s2s.vmap(s2s.jacfwd(sines_and_count, has_aux=True), in_axes=(0, None))
    jacobians, counts = batched(rows, 0.5)
    np.testing.assert_allclose(jacobians[1], np.diag(np.cos(-x) * 0.5))
    np.testing.assert_array_equal(counts, [2, 1])


# -- linearize ----------------------------------------------------------------------------------


def test_linearize_matches_jvp():
    out, f_jvp = s2s.linearize(smooth, X4, 0.5, jit=False)
    np.testing.assert_allclose(out, smooth(X4, 0.5))
    for tangents in [(np.zeros(4), 1.0), (np.ones(4), 0.0), (np.arange(4.0), -0.5)]:
        expected = s2s.jvp(smooth, (X4, 0.5), tangents, jit=False)[1]
        np.testing.assert_allclose(f_jvp(*tangents), expected)
    np.testing.assert_allclose(f_jvp(np.ones(4), 0.0), np.ones(4))


def test_linearize_checks_tangents():
    _, f_jvp = s2s.linearize(smooth, X4, 0.5, jit=False)
    with pytest.raises(s2s.DifferentiationError, match="tangent 0 has shape"):
        f_jvp(np.zeros(5), 0.0)
    with pytest.raises(s2s.DifferentiationError, match="one tangent per primal"):
        f_jvp(np.zeros(4))


# -- jacfwd and jacrev --------------------------------------------------------------------------


@pytest.mark.parametrize("jac", [s2s.jacfwd, s2s.jacrev], ids=["jacfwd", "jacrev"])
def test_jacobian_shape_is_out_shape_plus_in_shape(jac):
    W = np.arange(6.0).reshape(2, 3) / 10.0
    v = np.array([1.0, -1.0, 0.5])
    dW = jac(layer, argnums=0, jit=False)(W, v)
    dv = jac(layer, argnums=1, jit=False)(W, v)
    assert dW.shape == (2, 2, 3)
    assert dv.shape == (2, 3)
    np.testing.assert_allclose(dW, _numeric_jacobian(lambda a: layer(a, v), W), atol=1e-8)
    np.testing.assert_allclose(dv, _numeric_jacobian(lambda a: layer(W, a), v), atol=1e-8)
    # scalar argument: shape out.shape + ()
    dw = jac(smooth, argnums=1, jit=False)(X4, 0.5)
    np.testing.assert_allclose(dw, [0.0, -1.0, -2.0, -2.75])


@pytest.mark.parametrize("jac", [s2s.jacfwd, s2s.jacrev], ids=["jacfwd", "jacrev"])
def test_jacobian_tuple_argnums(jac):
    W = np.arange(6.0).reshape(2, 3) / 10.0
    v = np.array([1.0, -1.0, 0.5])
    result = jac(layer, argnums=(0, 1), jit=False)(W, v)
    assert isinstance(result, tuple) and len(result) == 2
    np.testing.assert_allclose(result[0], jac(layer, argnums=0, jit=False)(W, v))
    np.testing.assert_allclose(result[1], jac(layer, argnums=1, jit=False)(W, v))
    swapped = jac(layer, argnums=(1, 0), jit=False)(W, v)
    np.testing.assert_allclose(swapped[0], result[1])
    np.testing.assert_allclose(swapped[1], result[0])


def test_jacfwd_and_jacrev_agree():
    expected = np.tril(0.5 ** (np.subtract.outer(np.arange(4), np.arange(4)) + 1.0))
    expected[:, 0] = 0.5 ** np.arange(4)
    fwd = s2s.jacfwd(smooth, jit=False)(X4, 0.5)
    rev = s2s.jacrev(smooth, jit=False)(X4, 0.5)
    np.testing.assert_allclose(fwd, expected)
    np.testing.assert_allclose(rev, fwd)


def test_jacobian_of_integer_argument_is_an_error():
    with pytest.raises(s2s.DifferentiationError, match="argument 0 of smooth is an integer"):
        s2s.jacfwd(smooth, jit=False)(np.arange(4), 0.5)


@pytest.mark.parametrize("jac", [s2s.jacfwd, s2s.jacrev])
def test_jacobian_of_a_tuple_output_is_an_error_at_the_users_function(jac):
    with pytest.raises(s2s.DifferentiationError, match="stats returns a tuple of 2") as info:
        jac(stats, jit=False)(np.arange(4.0))
    assert info.value.location.function == "stats"
    assert "np.concatenate" in str(info.value)


def phasors(x):
    return np.exp(1j * x) * x[0]


def phasor(w):
    return w * (1.0 - 2.0j)


@pytest.mark.parametrize("jit", [True, False], ids=["numba", "python"])
def test_jacobians_of_complex_outputs_come_from_forward_mode(jit):
    # as in JAX: jacfwd's columns are complex tangents; jacrev's rows would keep the real part
    x = np.array([0.3, -1.2, 0.7])
    expected = np.diag(1j * np.exp(1j * x) * x[0])
    expected[:, 0] += np.exp(1j * x)
    jacobian = s2s.jacfwd(phasors, jit=jit)(x)
    assert jacobian.dtype == np.complex128
    np.testing.assert_allclose(jacobian, expected, rtol=1e-12)
    assert s2s.jacfwd(phasor, jit=jit)(0.5) == 1.0 - 2.0j
    for fn, arg in ((phasors, x), (phasor, 0.5)):
        with pytest.raises(TypeError, match="jacrev requires a function with a real output"):
            s2s.jacrev(fn, jit=jit)(arg)


def squared_moduli(z):
    return np.abs(z) ** 2


def test_jacobians_of_complex_arguments_come_from_reverse_mode():
    # as in JAX: reverse mode gives complex arguments conjugate gradients; forward mode along
    # their real directions alone would miss the imaginary ones, so jacfwd and hessian refuse
    z = np.array([1.0 + 2.0j, 0.5 - 1.0j])
    for jit in (True, False):
        jacobian = s2s.jacrev(squared_moduli, jit=jit)(z)
        np.testing.assert_allclose(jacobian, np.diag(2.0 * z.conj()))
    for transform in (s2s.jacfwd, s2s.hessian):
        with pytest.raises(s2s.DifferentiationError, match="takes real arguments") as info:
            transform(squared_moduli, jit=False)(z)
        assert "argument 0 of squared_moduli is complex" in str(info.value)


def test_a_forward_jacobian_transformed_again_still_refuses_complex_arguments():
    # the refusal is the Jacobian program's own: batched or compiled, it is not bypassed
    zs = np.array([[1.0 + 2.0j, 0.5 - 1.0j], [1.0 + 0.0j, 2.0 + 1.0j]])
    with pytest.raises(TypeError, match="jacfwd and hessian take real arguments"):
        s2s.vmap(s2s.jacfwd(squared_moduli))(zs)
    with pytest.raises(TypeError, match="jacfwd and hessian take real arguments"):
        s2s.jit(s2s.hessian(lambda z: np.sum(squared_moduli(z))))(zs[0])


def test_jacfwd_compiled_matches_python():
    W = np.arange(6.0).reshape(2, 3) / 10.0
    v = np.array([1.0, -1.0, 0.5])
    compiled = s2s.jacfwd(layer, argnums=(0, 1))(W, v)
    python = s2s.jacfwd(layer, argnums=(0, 1), jit=False)(W, v)
    for a, b in zip(compiled, python):
        np.testing.assert_allclose(a, b, rtol=1e-12)


# -- hessian ------------------------------------------------------------------------------------


def _rosen_hessian(x):
    n = x.shape[0]
    H = np.zeros((n, n))
    for i in range(n - 1):
        H[i, i] += 1200.0 * x[i] ** 2 - 400.0 * x[i + 1] + 2.0
        H[i + 1, i + 1] += 200.0
        H[i, i + 1] = H[i + 1, i] = -400.0 * x[i]
    return H


HESSIAN_CASES = [
    (rosen, (np.array([-1.2, 1.0, 1.0, 0.5]),), 0),
    (tilt, (np.array([0.3, -0.7, 1.1]), 0.5), 0),
    (tilt, (np.array([0.3, -0.7, 1.1]), 0.5), 1),
    (mixed, (0.7, -0.3), 0),
]


@pytest.mark.parametrize(
    "f, args, argnum", HESSIAN_CASES, ids=["rosen", "tilt-a", "tilt-s", "mixed-scalar"]
)
def test_hessian_is_symmetric_and_matches_differences(f, args, argnum):
    H = s2s.hessian(f, argnums=argnum, jit=False)(*args)
    x = args[argnum]
    assert np.shape(H) == np.shape(x) + np.shape(x)
    H = np.asarray(H)
    np.testing.assert_allclose(H, H.T, rtol=1e-12, atol=1e-12)

    def gradient(value):
        changed = list(args)
        changed[argnum] = value
        return s2s.grad(f, argnums=argnum, jit=False)(*changed)

    np.testing.assert_allclose(H, _numeric_jacobian(gradient, x), rtol=1e-5, atol=1e-6)


def test_rosen_hessian_exact():
    x = np.array([-1.2, 1.0, 1.0, 0.5])
    np.testing.assert_allclose(s2s.hessian(rosen, jit=False)(x), _rosen_hessian(x))


def test_hessian_compiled_matches_python_and_jit_of_hessian():
    x = np.array([0.3, -0.7, 1.1])
    python = s2s.hessian(tilt, jit=False)(x, 0.5)
    compiled = s2s.hessian(tilt)(x, 0.5)
    jitted = s2s.jit(s2s.hessian(tilt))(x, 0.5)
    np.testing.assert_allclose(compiled, python, rtol=1e-12)
    np.testing.assert_allclose(jitted, python, rtol=1e-12)
    y = np.array([-1.2, 1.0, 1.0, 0.5])
    np.testing.assert_allclose(s2s.hessian(rosen)(y), _rosen_hessian(y))


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_jacobians_of_a_gradient_are_its_hessian(jit):
    y = np.array([-1.2, 1.0, 1.0, 0.5])
    expected = _rosen_hessian(y)
    np.testing.assert_allclose(s2s.jacrev(s2s.grad(rosen), jit=jit)(y), expected)
    np.testing.assert_allclose(s2s.jacfwd(s2s.grad(rosen), jit=jit)(y), expected)
    tridiagonal = np.abs(np.subtract.outer(np.arange(4), np.arange(4))) <= 1
    by_pattern = s2s.jacrev(s2s.grad(rosen), sparsity=tridiagonal, jit=jit)(y)
    np.testing.assert_allclose(by_pattern, expected)
    x = np.array([0.3, -0.7, 1.1])
    across = s2s.jacrev(s2s.grad(tilt, argnums=1), argnums=0, jit=jit)(x, 0.5)
    np.testing.assert_allclose(across, s2s.jacfwd(s2s.grad(tilt, argnums=1), jit=jit)(x, 0.5))


def test_hessian_takes_one_argnum():
    with pytest.raises(s2s.DifferentiationError, match="one argument number"):
        s2s.hessian(tilt, argnums=(0, 1))


def test_hessian_needs_a_scalar_output():
    with pytest.raises(TypeError, match="scalar output"):
        s2s.hessian(smooth, jit=False)(X4, 0.5)


def test_hessian_vector_product_is_jvp_of_grad():
    x = np.array([-1.2, 1.0, 1.0, 0.5])
    v = np.array([1.0, 2.0, 3.0, -1.0])
    grad_rosen = s2s.grad(rosen, jit=False)
    gradient, hv = s2s.jvp(grad_rosen, (x,), (v,), jit=False)
    np.testing.assert_allclose(gradient, s2s.grad(rosen, jit=False)(x))
    np.testing.assert_allclose(hv, _rosen_hessian(x) @ v)


# -- check_grads of order 2 ---------------------------------------------------------------------


def test_check_grads_order_two_passes():
    check_grads(rosen, (np.array([-1.2, 1.0, 0.5]),), order=2, jit=False)
    check_grads(tilt, (np.array([0.3, -0.7, 1.1]), 0.5), order=2, jit=False)
    check_grads(mixed, (0.7, -0.3), order=2, jit=False)


def test_check_grads_order_two_finds_a_jump_in_the_second_derivative():
    check_grads(kinked, (0.5,), order=2, jit=False)
    with pytest.raises(AssertionError, match="disagrees with central differences"):
        check_grads(kinked, (0.0,), order=2, jit=False)


# -- s2s.show -----------------------------------------------------------------------------------


def test_show_hessian_is_a_loop_over_basis_directions_calling_jvp_of_grad():
    source = s2s.show(s2s.hessian(rosen))
    names = [line[4 : line.index("(")] for line in source.splitlines() if line.startswith("def ")]
    assert names == ["rosen_hessian", "rosen_grad_jvp"]
    assert "for _k in range(_s2s.size(x)):" in source
    assert "rosen_grad_jvp(x, _s2s.basis(x, _k))" in source
    assert "def rosen_grad_jvp(x, dx):" in source
    assert s2s.show(s2s.hessian(rosen)) == source  # deterministic


def test_show_jacfwd_and_jacrev():
    fwd = s2s.show(s2s.jacfwd(smooth, argnums=1))
    assert fwd.startswith("def smooth_jacfwd(x, w):")
    assert "smooth_jvp(x, w, _s2s.basis(w, _k))" in fwd
    assert "def smooth_jvp(x, w, dw):" in fwd
    assert "dout[i] = " in fwd  # a write into the tangent array beside the write
    assert "_tape" not in fwd  # forward mode keeps no tape
    rev = s2s.show(s2s.jacrev(smooth))
    assert rev.startswith("def smooth_jacrev(x, w):")
    assert "for _k in range(_s2s.size(_out)):" in rev
    assert "_s2s.basis(_out, _k)" in rev


def tuple_model(params, x):
    (W, b), scale = params
    return np.tanh(W @ x + b) * scale


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_jacobians_in_tuples_of_parameters_have_their_structure(jit):
    rng = np.random.default_rng(9)
    W, b, x = rng.standard_normal((2, 3)), rng.standard_normal(2), rng.standard_normal(3)
    params = ((W, b), 1.5)
    by_forward = s2s.jacfwd(tuple_model, jit=jit)(params, x)
    (JW, Jb), Jscale = s2s.jacrev(tuple_model, jit=jit)(params, x)
    leaves = [W, b, 1.5]
    for k, (forward, reverse) in enumerate(
        [(by_forward[0][0], JW), (by_forward[0][1], Jb), (by_forward[1], Jscale)]
    ):
        expected = np.zeros((2,) + np.shape(leaves[k]))
        for index in np.ndindex(np.shape(leaves[k])):
            step = np.zeros(np.shape(leaves[k]))
            step[index] = 1e-6
            up = [v + step if j == k else v for j, v in enumerate(leaves)]
            down = [v - step if j == k else v for j, v in enumerate(leaves)]
            difference = tuple_model(((up[0], up[1]), float(up[2])), x) - tuple_model(
                ((down[0], down[1]), float(down[2])), x
            )
            expected[(slice(None),) + index] = difference / 2e-6
        np.testing.assert_allclose(forward, expected, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(reverse, expected, rtol=1e-6, atol=1e-9)
    (_, Jx) = s2s.jacrev(tuple_model, argnums=(0, 1), jit=jit)(params, x)
    np.testing.assert_allclose(Jx, s2s.jacfwd(tuple_model, argnums=1, jit=jit)(params, x))
    xs = rng.standard_normal((4, 3))
    per_row = s2s.vmap(s2s.jacrev(tuple_model, jit=jit), in_axes=(None, 0), jit=jit)(params, xs)
    np.testing.assert_allclose(
        per_row[0][1][2], s2s.jacrev(tuple_model, jit=jit)(params, xs[2])[0][1]
    )


def test_hessian_of_a_tuple_is_refused():
    params = ((np.ones((2, 3)), np.ones(2)), 1.5)
    scalar = s2s.hessian(summed_tuple_model)
    with pytest.raises(s2s.DifferentiationError, match="hessian takes a float or a float array"):
        scalar(params, np.ones(3))


def summed_tuple_model(params, x):
    return np.sum(tuple_model(params, x))
