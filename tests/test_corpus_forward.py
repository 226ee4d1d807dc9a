"""Forward mode on the corpus: jvp against central differences, jacfwd against jacrev,
Hessians against differences of the gradient."""

import numpy as np
import pytest
from corpus import CASES, make_args

import s2s

DIFFERENTIABLE = [c for c in CASES if c.argnums and "nondiff" not in c.tags]
SCALAR = [c for c in DIFFERENTIABLE if c.output == "scalar"]
ARRAY = [c for c in DIFFERENTIABLE if c.output == "array"]


def _direction(args, argnums, rng):
    tangents = []
    for k, a in enumerate(args):
        if k not in argnums:
            tangents.append(np.zeros_like(a) if isinstance(a, np.ndarray) else 0.0 * a)
        elif isinstance(a, np.ndarray):
            tangents.append(rng.standard_normal(a.shape))
        else:
            tangents.append(float(rng.standard_normal()))
    return tuple(tangents)


def _shift(args, tangents, h):
    return tuple(
        a + h * t if isinstance(a, (float, np.ndarray)) and not isinstance(a, bool) else a
        for a, t in zip(args, tangents)
    )


def _flat(value):
    if isinstance(value, tuple):
        return np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in value])
    return np.ravel(np.asarray(value, dtype=float))


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=[c.name for c in DIFFERENTIABLE])
def test_jvp_matches_central_differences(case):
    args = make_args(case)
    tangents = _direction(args, case.argnums, np.random.default_rng(0))
    out, tangent_out = s2s.jvp(case.fn, args, tangents, jit=False)
    h = 1e-6
    expected = (
        _flat(case.fn(*_shift(args, tangents, h))) - _flat(case.fn(*_shift(args, tangents, -h)))
    ) / (2 * h)
    np.testing.assert_allclose(_flat(out), _flat(case.fn(*make_args(case))), rtol=1e-12)
    np.testing.assert_allclose(_flat(tangent_out), expected, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("case", ARRAY, ids=[c.name for c in ARRAY])
def test_jacfwd_equals_jacrev(case):
    args = make_args(case)
    k = case.argnums[0]
    forward = s2s.jacfwd(case.fn, k, jit=False)(*args)
    reverse = s2s.jacrev(case.fn, k, jit=False)(*make_args(case))
    out = case.fn(*make_args(case))
    assert np.shape(forward) == np.shape(out) + np.shape(args[k])
    np.testing.assert_allclose(forward, reverse, rtol=1e-10, atol=1e-12)


HESSIAN = SCALAR  # every scalar case, to second order


@pytest.mark.parametrize("case", HESSIAN, ids=[c.name for c in HESSIAN])
def test_hessian_matches_differences_of_gradient(case):
    args = make_args(case)
    k = case.argnums[0]
    hess = np.asarray(s2s.hessian(case.fn, k, jit=False)(*args))
    x = args[k]
    n = np.size(x)
    grad = s2s.grad(case.fn, k, jit=False)
    h = 1e-6
    columns = []
    for j in range(n):
        e = np.zeros(n)
        e[j] = 1.0
        e = e.reshape(np.shape(x)) if isinstance(x, np.ndarray) else 1.0
        up, down = list(args), list(args)
        up[k], down[k] = x + h * e, x - h * e
        columns.append((np.ravel(grad(*up)) - np.ravel(grad(*down))) / (2 * h))
    expected = np.array(columns).T
    flat = hess.reshape(n, n)
    np.testing.assert_allclose(flat, expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(flat, flat.T, rtol=1e-9, atol=1e-9)
