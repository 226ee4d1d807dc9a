"""Parameter defaults are the values Python bound when it defined the function, as Numba takes
them (``__defaults__``), not their expressions read again when s2s transforms it."""

import numpy as np
import pytest

import s2s

SCALE = 3.0
WEIGHTS = np.array([1.0, 2.0])


def rebound(x, c=SCALE, w=WEIGHTS):
    return np.sum(x * w) * c


SCALE = 5.0  # rebound after the def: the default stays 3.0, as in Python
WEIGHTS = np.array([10.0, 20.0])


def made_with(k):
    def scaled(x, c=k):
        return x * c

    return scaled


@pytest.mark.parametrize("jit", [True, False], ids=["numba", "python"])
def test_a_default_is_the_value_bound_at_the_def(jit):
    x = np.array([0.5, -1.0])
    assert s2s.jit(rebound)(x) == pytest.approx(rebound(x)) == -4.5
    np.testing.assert_allclose(s2s.grad(rebound, jit=jit)(x), [3.0, 6.0])
    # the array bound at the def, not the one the name holds now
    assert s2s.grad(rebound, argnums=1, jit=jit)(x, 3.0) == pytest.approx(-1.5)


@pytest.mark.parametrize("jit", [True, False], ids=["numba", "python"])
def test_a_default_read_from_the_enclosing_function(jit):
    # `c=k` names a local of `made_with`, which no namespace of s2s holds: its value does
    assert s2s.grad(made_with(2.0), jit=jit)(1.5) == 2.0
    assert s2s.grad(made_with(4.0), jit=jit)(1.5) == 4.0


def test_show_writes_a_number_default_as_the_number():
    assert s2s.show(rebound).startswith("def rebound(x, c=3.0, w=w_default):")
