"""``s2s.jit`` equals the interpreted function on every corpus entry."""

import numpy as np
import pytest
from corpus import CASES, case_ids, make_args

import s2s


def _assert_same(actual, expected):
    if isinstance(expected, tuple):
        assert isinstance(actual, tuple) and len(actual) == len(expected)
        for a, e in zip(actual, expected):
            _assert_same(a, e)
        return
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_jit_equals_python(case):
    expected = case.fn(*make_args(case))
    actual = s2s.jit(case.fn)(*make_args(case))
    _assert_same(actual, expected)


@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_normalized_python_equals_python(case):
    """The normalised source, run as plain Python, computes the same thing."""
    from s2s.compile import generate
    from s2s.pipeline import frontend

    generated = generate(frontend(case.fn))
    _assert_same(generated.py_func(*make_args(case)), case.fn(*make_args(case)))


PARALLEL = [c for c in CASES if "prange" in c.name]


@pytest.mark.parametrize("case", PARALLEL, ids=[c.name for c in PARALLEL])
def test_prange_stays_parallel(case):
    """A ``numba.prange`` loop keeps its spelling, so that ``parallel=True`` runs it on all
    cores; the derivatives sweep it in order (``test_corpus_grad.py``)."""
    assert "_s2s.prange(" in s2s.show(case.fn)
    assert "_s2s.prange" not in s2s.show(s2s.grad(case.fn))
    parallel = s2s.jit(case.fn, parallel=True)
    _assert_same(parallel(*make_args(case)), case.fn(*make_args(case)))
    assert parallel.targetoptions["parallel"]
