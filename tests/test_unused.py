"""Dropping what only a discarded output needs (``s2s/transforms/unused.py``), on normal-form
functions written out: what goes, what must stay (a view's writes, a tape's pops, a value's
every assignment, calls of the user's functions), and the Jacobians that use it."""

import math
import textwrap

import gast
import numpy as np

import s2s
from s2s.codegen.printer import to_source
from s2s.transforms.unused import returning_only


def kept(source: str, keep: int = 1) -> str:
    tree = gast.parse(textwrap.dedent(source)).body[0]
    new = returning_only(tree, keep)
    return None if new is None else to_source(new)


def test_the_other_outputs_and_what_only_they_read_go():
    out = kept(
        """
        def f(x, dx):
            y = np.sin(x)
            dy = np.cos(x) * dx
            z = y * 2.0
            return z, dy
        """
    )
    assert out == "def f(x, dx):\n    dy = np.cos(x) * dx\n    return dy\n"


def test_writes_into_an_array_nothing_reads_go_but_its_shape_stays():
    """The Hessian's case: the gradient's accumulation goes, its allocation gives the
    tangent its shape."""
    out = kept(
        """
        def f(x, dx):
            bx = _s2s.zeros_like(x)
            dbx = _s2s.zeros_like(bx)
            for i in range(3):
                g = x[i] * 2.0
                _s2s.scatter_add(bx, i, g)
                _s2s.scatter_add(dbx, i, dx[i] * 2.0)
            return bx, dbx
        """
    )
    assert "bx = _s2s.zeros_like(x)" in out
    assert "scatter_add(bx" not in out and "g = " not in out
    assert "_s2s.scatter_add(dbx, i, dx[i] * 2.0)" in out


def test_writes_through_a_view_of_a_kept_array_stay():
    out = kept(
        """
        def f(x):
            a = np.zeros(3)
            v = a[1:]
            v[0] = x
            b = np.zeros(3)
            b[0] = x
            return b, a
        """
    )
    assert "v = a[1:]" in out and "v[0] = x" in out
    assert "b[0]" not in out and "b = " not in out


def test_a_helper_that_may_hand_back_its_argument_shares_its_memory():
    out = kept(
        """
        def f(x, g):
            a = np.zeros(3)
            w = _s2s.accumulate_into(a, g)
            w[0] = x
            return x, a
        """
    )
    assert "w[0] = x" in out  # w may be a itself


def test_every_pop_of_a_tape_stays_when_one_is_read():
    """Dropping a pop would hand the next one the wrong entry."""
    out = kept(
        """
        def f(x):
            tape = []
            tape.append(x)
            tape.append(2.0 * x)
            first = tape.pop()
            second = tape.pop()
            return first, second
        """
    )
    assert out.count("tape.pop()") == 2 and out.count("tape.append") == 2


def test_a_write_into_an_array_a_list_holds_stays_when_a_pop_is_read():
    out = kept(
        """
        def f(x):
            tape = []
            h = np.zeros(3)
            tape.append(h)
            h[0] = x
            v = tape.pop()
            junk = h * 2.0
            return junk, v
        """
    )
    assert "h[0] = x" in out and "junk" not in out


def test_a_value_read_keeps_every_assignment_to_it():
    """Numba types a variable by all its assignments: an int total updated with floats."""
    out = kept(
        """
        def f(x):
            total = 0
            for i in range(3):
                total = total + x[i]
            junk = total * 2.0
            seed = _s2s.grad_seed(total)
            return junk, seed
        """
    )
    assert "total = total + x[i]" in out and "junk" not in out


def test_calls_of_the_users_functions_and_random_numbers_stay():
    out = kept(
        """
        def f(x):
            log_it(x)
            r = np.random.normal()
            y = helper(x)
            return y, x
        """
    )
    assert "log_it(x)" in out and "np.random.normal()" in out and "helper(x)" in out


def test_a_loop_left_with_nothing_goes():
    out = kept(
        """
        def f(x, n):
            s = 0.0
            for i in range(n):
                s = s + x[i]
            return s, x
        """
    )
    assert out == "def f(x, n):\n    return x\n"


def test_functions_of_another_shape_are_left_alone():
    early = """
        def f(x):
            if x > 0.0:
                return x, x
            return x, -x
        """
    single = """
        def f(x):
            return x
        """
    assert (
        kept(early) is None
        and kept(single) is None
        and kept(single.replace("x\n", "x, x\n"), 5) is None
    )


# -- in Jacobians ---------------------------------------------------------------------------


def logistic_energy(x):
    total = 0.0
    for i in range(x.shape[0] - 1):
        total += np.log1p(np.exp(x[i] * x[i + 1])) - 0.1 * x[i]
    return total


def test_the_hessian_pass_returns_the_tangent_alone_and_matches_the_gradients_differences():
    x = np.linspace(-1.0, 1.0, 6)
    hessian = s2s.hessian(logistic_energy, jit=False)
    source = s2s.show(hessian)
    assert "_tangent = logistic_energy_grad_jvp(x, _s2s.basis(x, _k))" in source
    assert "_s2s.scatter_add(bx" not in source
    gradient = s2s.grad(logistic_energy, jit=False)
    step = 1e-6
    columns = [
        (gradient(x + step * e) - gradient(x - step * e)) / (2 * step) for e in np.eye(x.size)
    ]
    differences = np.stack(columns, axis=1)
    np.testing.assert_allclose(hessian(x), differences, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(s2s.hessian(logistic_energy)(x), hessian(x), rtol=1e-12)


def running_mean(x, w):
    out = np.zeros(x.shape[0])
    total = 0.0
    for i in range(x.shape[0]):
        total = w * total + x[i]
        out[i] = total / (i + 1)
    return out


def test_jacrev_passes_return_the_adjoints_alone():
    x = np.linspace(0.5, 2.0, 5)
    jacobian = s2s.jacrev(running_mean, argnums=(0, 1), jit=False)
    source = s2s.show(jacobian)
    assert "_adjoints = running_mean_vjp(x, w, _s2s.basis(_out, _k))\n" in source
    forward = s2s.jacfwd(running_mean, argnums=(0, 1), jit=False)(x, 0.7)
    for reverse, expected in zip(jacobian(x, 0.7), forward):
        np.testing.assert_allclose(reverse, expected, rtol=1e-13)


def _rotated(v, angle):
    c, s = math.cos(angle), math.sin(angle)
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1]])


def rotated_twice(x, angle):
    y = _rotated(_rotated(x, angle), 2.0 * angle)
    return y[0] * y[1]


def test_a_helpers_vjp_returns_its_adjoints_alone_without_its_value():
    """The caller has the helper's value from its forward sweep: the vjp does not build it."""
    x, angle = np.array([0.3, -1.2]), 0.4
    source = s2s.show(s2s.grad(rotated_twice, argnums=(0, 1), jit=False))
    assert "_adjoints1 = _rotated_vjp(" in source and ")[1]" not in source
    vjp = source[source.index("def _rotated_vjp(") :]
    assert "np.array(" not in vjp
    assert vjp.rstrip().endswith("return bv, bangle")
    bx, bangle = s2s.grad(rotated_twice, argnums=(0, 1))(x, angle)
    step = 1e-6
    central = [
        (rotated_twice(x + step * e, angle) - rotated_twice(x - step * e, angle)) / (2 * step)
        for e in np.eye(2)
    ]
    np.testing.assert_allclose(bx, central, rtol=1e-6)
    central = (rotated_twice(x, angle + step) - rotated_twice(x, angle - step)) / (2 * step)
    np.testing.assert_allclose(bangle, central, rtol=1e-6)


def test_checks_stay_though_their_results_go():
    """The seed's check is what tells the Hessian of an array-valued function apart."""
    out = kept(
        """
        def f(x, dx):
            seed = _s2s.grad_seed(x)
            y = x * seed
            return y, dx
        """
    )
    assert "_s2s.grad_seed(x)" in out and "y = " not in out


def test_the_read_only_helpers_exist_and_write_into_nothing_listed_as_written():
    import s2s.runtime
    from s2s.rules.runtime_helpers import READ_ONLY, WRITES_FIRST

    assert not READ_ONLY & WRITES_FIRST
    for name in READ_ONLY | WRITES_FIRST:
        assert hasattr(s2s.runtime, name.removeprefix("_s2s.")), name


def test_only_numpy_ufuncs_count_as_fresh_memory():
    from s2s.gastutil import parse_expr
    from s2s.transforms.unused import _may_return

    assert _may_return(parse_expr("np.exp(a)")) == set()
    assert _may_return(parse_expr("math.exp(a)")) == set()
    # a function of the user's whose name ends like a ufunc's may hand back its argument
    assert _may_return(parse_expr("my_exp(a)")) == {"a"}
    assert _may_return(parse_expr("the_abs(a, b)")) == {"a", "b"}
