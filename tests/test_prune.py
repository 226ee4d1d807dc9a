"""Code that never runs is dropped before the transformations, as Numba drops it."""

from __future__ import annotations

import gast
import numpy as np
import pytest

import s2s
from s2s.frontend.prune import _UNKNOWN, constant_value


def leaves_at_once(x, s):
    a = s
    for _ in range(3):
        if 2.0 > 1.0:  # always: Numba never types the rest of the body
            break
        a = 0.5 * a + np.tanh(s)
    return a + np.sum(x * x)


def after_a_return(x):
    y = x * 2.0
    return np.sum(y)
    y = np.sin(x)  # never runs


def branches(x):
    if not (1 < 2 and 3 >= 3):
        y = np.sin(x)
    else:
        y = x * x
    while 1 == 2:
        y = y + 1.0
    return np.sum(y)


@pytest.mark.parametrize(
    "fn, gone",
    [(leaves_at_once, "np.tanh"), (after_a_return, "np.sin"), (branches, "np.sin")],
)
def test_code_that_never_runs_is_not_transformed(fn, gone):
    assert gone not in s2s.show(s2s.jit(fn))
    assert gone not in s2s.show(s2s.grad(fn))
    assert "while" not in s2s.show(s2s.jit(fn))


def test_gradient_compiles_where_numba_drops_a_branch():
    x = np.arange(1.0, 4.0)
    gx, gs = s2s.grad(leaves_at_once, argnums=(0, 1))(x, 0.5)
    np.testing.assert_allclose(gx, 2.0 * x)
    assert gs == 1.0


@pytest.mark.parametrize(
    "source, value",
    [
        ("2.0 > 1.0", True),
        ("not True", False),
        ("1 < 2 < 3", True),
        ("1 + 2 * 3 == 7", True),
        ("None is None", True),
        ("-1.5", -1.5),
        ("1 / 0", _UNKNOWN),
        ("x > 1.0", _UNKNOWN),
        ("math.pi > 3", _UNKNOWN),
    ],
)
def test_constant_value(source, value):
    assert constant_value(gast.parse(source).body[0].value) == value
