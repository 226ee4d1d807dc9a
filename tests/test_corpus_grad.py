"""Reverse mode on the corpus: every gradient against central differences, with and without
``jit``; every vector-Jacobian product against the inner-product identity."""

import numpy as np
import pytest
from corpus import CASES, make_args

import s2s
from s2s.testing import check_grads

SCALAR = [c for c in CASES if c.output == "scalar" and c.argnums and "nondiff" not in c.tags]
OTHER = [c for c in CASES if c.output != "scalar" and c.argnums and "nondiff" not in c.tags]


def central_difference(f, args, k, h=1e-6):
    x = args[k]
    if not isinstance(x, np.ndarray):
        up, down = list(args), list(args)
        up[k], down[k] = x + h, x - h
        return (f(*up) - f(*down)) / (2 * h)
    out = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up, down = list(args), list(args)
        up[k], down[k] = x.copy(), x.copy()
        up[k][idx] += h
        down[k][idx] -= h
        out[idx] = (f(*up) - f(*down)) / (2 * h)
    return out


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
@pytest.mark.parametrize("case", SCALAR, ids=[c.name for c in SCALAR])
def test_grad_matches_central_differences(case, jit):
    args = make_args(case)
    grads = s2s.grad(case.fn, argnums=case.argnums, jit=jit)(*make_args(case))
    assert isinstance(grads, tuple) and len(grads) == len(case.argnums)
    for k, g in zip(case.argnums, grads):
        expected = central_difference(case.fn, args, k)
        assert np.shape(g) == np.shape(args[k])
        np.testing.assert_allclose(g, expected, rtol=1e-4, atol=1e-6, err_msg=f"argument {k}")


@pytest.mark.parametrize("case", OTHER, ids=[c.name for c in OTHER])
def test_vjp_inner_product_identity(case):
    check_grads(case.fn, make_args(case), case.argnums, rtol=1e-4, atol=1e-6, jit=False)
