"""Checks on the test corpus itself, independent of the s2s transformations.

Every case must build deterministic arguments, run in plain Python without
touching its arguments, return the declared kind of finite output, compile
under ``numba.njit`` with the same result, and be smooth at its samples unless
tagged "nondiff".
"""

import importlib.util
import multiprocessing
import os
import traceback
import types
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

try:
    from tests.corpus import CASES, KNOWN_TAGS, case_ids, get_case, make_args
except ImportError:  # tests/ itself is on sys.path
    from corpus import CASES, KNOWN_TAGS, case_ids, get_case, make_args

HAVE_SCIPY = importlib.util.find_spec("scipy") is not None

SMOOTH_SEEDS = (0, 1, 2)


def _is_float(v):
    return isinstance(v, (float, np.floating)) and not isinstance(v, bool)


def _check_output(out, kind):
    if kind == "scalar":
        assert _is_float(out), f"expected a float, got {type(out).__name__}"
        assert np.isfinite(out)
    elif kind == "array":
        assert isinstance(out, np.ndarray), f"expected an ndarray, got {type(out).__name__}"
        assert out.dtype == np.float64 and out.ndim >= 1
        assert np.all(np.isfinite(out))
    else:
        assert isinstance(out, tuple) and len(out) >= 1
        for item in out:
            if isinstance(item, np.ndarray):
                assert item.dtype == np.float64 and np.all(np.isfinite(item))
            else:
                assert _is_float(item) and np.isfinite(item)


def _flatten(out):
    parts = out if isinstance(out, tuple) else (out,)
    return np.concatenate([np.ravel(np.asarray(p, dtype=np.float64)) for p in parts])


def _assert_same(got, want, rtol=1e-9, atol=1e-12):
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            _assert_same(g, w, rtol, atol)
        return
    if isinstance(want, np.ndarray):
        assert isinstance(got, np.ndarray) and got.shape == want.shape
    else:
        assert np.ndim(got) == 0
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


def test_corpus_size_and_unique_names():
    names = case_ids()
    assert len(CASES) >= 100
    assert len(set(names)) == len(names)
    assert [c.name for c in CASES] == names
    for c in CASES:
        module = c.fn.__module__.rsplit(".", 1)[-1]
        assert c.name == f"{module}.{c.fn.__name__}"


def test_tags_are_known():
    used = set().union(*(c.tags for c in CASES))
    assert used <= KNOWN_TAGS


@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_make_args_deterministic_and_fresh(case):
    a1 = make_args(case, seed=0)
    a2 = make_args(case, seed=0)
    assert len(a1) == len(case.args)
    for spec, x, y in zip(case.args, a1, a2, strict=True):
        if spec.kind == "float":
            assert type(x) is float and x == y
        elif spec.kind == "int":
            assert type(x) is int and x == y == spec.value
        else:
            assert isinstance(x, np.ndarray) and x.dtype == np.float64
            assert x.flags.c_contiguous and x.shape == spec.shape
            np.testing.assert_array_equal(x, y)
            assert not np.shares_memory(x, y)
            if spec.value is not None:
                assert not np.shares_memory(x, spec.value)
    for i in case.argnums:
        assert case.args[i].kind != "int"
    # another seed gives other samples (unless every argument is fixed)
    if any(s.kind != "int" and s.value is None for s in case.args):
        b = make_args(case, seed=1)
        assert any(
            not np.array_equal(x, y)
            for s, x, y in zip(case.args, a1, b, strict=True)
            if s.kind != "int"
        )


@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_python_call(case):
    for seed in (0, 1):
        args = make_args(case, seed=seed)
        before = make_args(case, seed=seed)
        out = case.fn(*args)
        _check_output(out, case.output)
        for x, y in zip(args, before, strict=True):
            np.testing.assert_array_equal(x, y, err_msg="argument modified in place")


# Compiling ~180 functions dominates the run time of this file, so the njit
# results are computed up front by a small pool of worker processes that run
# Numba without LLVM optimisation (NUMBA_OPT=0 roughly halves compile time).
# If the pool cannot be used, each test compiles in this process instead.
NJIT_WORKERS = int(os.environ.get("CORPUS_NJIT_WORKERS", str(min(2, os.cpu_count() or 1))))
NJIT_CASES = [c for c in CASES if HAVE_SCIPY or "blas" not in c.tags]

_JITTED = {}


def _njit_with_helpers(fn):
    """``numba.njit`` of ``fn``, with the module's helper functions jitted too."""
    import numba

    if fn in _JITTED:
        return _JITTED[fn]
    new_globals = dict(fn.__globals__)
    for name in fn.__code__.co_names:
        obj = fn.__globals__.get(name)
        if isinstance(obj, types.FunctionType) and obj.__module__ == fn.__module__:
            new_globals[name] = _njit_with_helpers(obj)
    clone = types.FunctionType(
        fn.__code__, new_globals, fn.__name__, fn.__defaults__, fn.__closure__
    )
    jitted = numba.njit(clone)
    _JITTED[fn] = jitted
    return jitted


def _run_njit(name):
    """(output, args after the call) of the jitted case ``name``, at seed 0."""
    case = get_case(name)
    args = make_args(case, seed=0)
    return _njit_with_helpers(case.fn)(*args), args


def _worker_init():
    os.environ.setdefault("NUMBA_OPT", "0")


def _worker_run(name):
    try:
        return "ok", _run_njit(name)
    except Exception:  # Numba errors do not always pickle: send the text
        return "error", traceback.format_exc()


@pytest.fixture(scope="module")
def njit_results(request):
    selected = [
        item.callspec.params["case"].name
        for item in request.session.items
        if getattr(item, "originalname", None) == "test_numba_njit_matches_python"
    ]
    names = [c.name for c in NJIT_CASES if c.name in set(selected)]
    if NJIT_WORKERS < 2 or len(names) < 8 or importlib.util.find_spec("numba") is None:
        return {}
    results = {}
    try:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(NJIT_WORKERS, mp_context=ctx, initializer=_worker_init) as pool:
            futures = {name: pool.submit(_worker_run, name) for name in names}
            for name, fut in futures.items():
                results[name] = fut.result(timeout=600)
    except Exception:  # no usable pool here: the tests compile in-process
        pass
    return results


@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_numba_njit_matches_python(case, njit_results):
    pytest.importorskip("numba")
    if "blas" in case.tags and not HAVE_SCIPY:
        pytest.skip("Numba's BLAS/LAPACK support needs SciPy")
    want = case.fn(*make_args(case, seed=0))
    if case.name in njit_results:
        status, payload = njit_results[case.name]
        if status != "ok":
            pytest.fail(f"njit failed in a worker process:\n{payload}")
        got, args = payload
    else:
        got, args = _run_njit(case.name)
    _check_output(got, case.output)
    _assert_same(got, want, rtol=1e-9, atol=1e-11)
    for x, y in zip(args, make_args(case, seed=0), strict=True):
        np.testing.assert_array_equal(x, y, err_msg="argument modified in place under njit")


def _perturbed(case, args, direction, t):
    out = list(args)
    for i, d in zip(case.argnums, direction, strict=True):
        out[i] = args[i] + t * d
    return tuple(out)


def _directional_differences(case, args, direction):
    def f(t):
        return _flatten(case.fn(*_perturbed(case, args, direction, t)))

    f0 = f(0.0)
    h = 1e-5
    fp, fm = f(h), f(-h)
    forward, backward, central = (fp - f0) / h, (f0 - fm) / h, (fp - fm) / (2 * h)
    central_fine = (f(1e-6) - f(-1e-6)) / 2e-6
    # five-point stencil with a wide step: truncation error O(h**4), little rounding error
    h = 1e-3
    reference = (8.0 * (f(h) - f(-h)) - (f(2 * h) - f(-2 * h))) / (12 * h)
    return f0, forward, backward, central, central_fine, reference


DIFF_CASES = [c for c in CASES if c.argnums and "nondiff" not in c.tags]


@pytest.mark.parametrize("case", DIFF_CASES, ids=[c.name for c in DIFF_CASES])
def test_smooth_at_samples(case):
    for seed in SMOOTH_SEEDS:
        args = make_args(case, seed=seed)
        rng = np.random.default_rng(1000 + seed)
        for _ in range(2):
            direction = [
                rng.uniform(-1.0, 1.0, size=np.shape(args[i]))
                if np.ndim(args[i])
                else float(rng.uniform(-1.0, 1.0))
                for i in case.argnums
            ]
            f0, fwd, bwd, cen, fine, ref = _directional_differences(case, args, direction)
            assert np.all(np.isfinite(cen)) and np.all(np.isfinite(fine))
            scale = 1.0 + np.abs(cen)
            # one-sided slopes agree: no kink or jump within 1e-5 of the sample
            np.testing.assert_array_less(np.abs(fwd - bwd), 1e-2 * scale)
            # central differences with step 1e-6 are accurate to about 1e-5
            err = np.abs(fine - ref)
            np.testing.assert_array_less(err, 1e-5 * (np.abs(ref) + 1e-3 * (1 + np.abs(f0))))
