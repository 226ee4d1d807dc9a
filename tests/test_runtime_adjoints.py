"""The adjoint helpers of ``s2s.runtime``.

For each helper: the Python implementation is the adjoint of its primal (``<g, J v>`` with
``J v`` by central differences equals ``<share, v>``), and the Numba implementation, called from
compiled code, gives the same values, shapes and types.
"""

import math

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import s2s.runtime as _s2s

H = 1e-6


# -- checking tools --------------------------------------------------------------------------
def _rand(rng, shape):
    """A random float of shape ``shape``: a Python float for ``()``."""
    if shape == ():
        return float(rng.standard_normal())
    return rng.standard_normal(shape)


def _jvp(f, x, v):
    """``J v`` of ``f`` at ``x`` by central differences."""
    up = np.asarray(f(x + H * v), dtype=np.float64)
    down = np.asarray(f(x - H * v), dtype=np.float64)
    return (up - down) / (2 * H)


def _check_share_type(share, x):
    assert np.shape(share) == np.shape(x)
    if isinstance(x, np.ndarray):
        assert isinstance(share, np.ndarray) and share.dtype == np.float64
    else:
        assert type(share) is float


def check_vjp(f, x, share, rng, v=None, g=None, rel=1e-6):
    """Check ``<g, J v> == <share(g), v>`` for the primal ``f`` at ``x``; return ``g``."""
    if g is None:
        g = _rand(rng, np.shape(f(x)))
    if v is None:
        v = _rand(rng, np.shape(x))
    s = share(g)
    _check_share_type(s, x)
    lhs = float(np.vdot(g, _jvp(f, x, v)))
    rhs = float(np.vdot(s, v))
    assert lhs == pytest.approx(rhs, rel=rel, abs=1e-8)
    return g


def same(nb_out, py_out, rel=1e-10):
    """The Numba result equals the Python one, with the same shape and kind."""
    assert np.shape(nb_out) == np.shape(py_out)
    if isinstance(py_out, np.ndarray):
        assert isinstance(nb_out, np.ndarray) and nb_out.dtype == np.float64
    else:
        assert type(nb_out) is float
    np.testing.assert_allclose(nb_out, py_out, rtol=rel, atol=1e-12)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


# -- compiled callers, shared by the tests ---------------------------------------------------
# Numba compiles once for each set of argument types, and compiling dominates the run time:
# the Python implementations are checked on every case, the Numba ones on one case of each
# distinct compiled path (their loops do not depend on the number of dimensions).
@numba.njit
def nb_unbroadcast(g, x):
    return _s2s.unbroadcast(g, x)


@numba.njit
def nb_where(c, a, b):
    return _s2s.where(c, a, b)


@numba.njit
def nb_log_or_zero(x):
    return _s2s.log_or_zero(x)


@numba.njit
def nb_log_adjoint(g, x, base):
    return _s2s.log_adjoint(g, x, base)


@numba.njit
def nb_clip_adjoint(g, a, lo, hi, part):
    return _s2s.clip_adjoint(g, a, lo, hi, part)


@numba.njit
def nb_array_adjoint(g, x):
    return _s2s.array_adjoint(g, x)


@numba.njit
def nb_sum_adjoint(g, x, axis):
    return _s2s.sum_adjoint(g, x, axis)


@numba.njit
def nb_sum_adjoint_none(g, x):
    return _s2s.sum_adjoint(g, x, None)


@numba.njit
def nb_sum_adjoint_last(g, x):
    return _s2s.sum_adjoint(g, x, -1)


@numba.njit
def nb_mean_adjoint(g, x, axis):
    return _s2s.mean_adjoint(g, x, axis)


@numba.njit
def nb_extremum_adjoint(g, x, y, axis):
    return _s2s.extremum_adjoint(g, x, y, axis)


@numba.njit
def nb_add_extremum_adjoint(total, g, x, y, axis):
    return _s2s.add_extremum_adjoint(total, g, x, y, axis)


@numba.njit
def nb_subtract_into(total, share):
    return _s2s.subtract_into(total, share)


@numba.njit
def nb_accumulate_into(total, share):
    return _s2s.accumulate_into(total, share)


@numba.njit
def nb_cleared(x):
    return _s2s.cleared(x)


@numba.njit
def nb_cumsum_adjoint(g, x, axis):
    return _s2s.cumsum_adjoint(g, x, axis)


@numba.njit
def nb_var_adjoint(g, x, axis, ddof):
    return _s2s.var_adjoint(g, x, axis, ddof)


@numba.njit
def nb_half_over(g, y):
    return _s2s.half_over(g, y)


@numba.njit
def nb_reshape_like(g, x):
    return _s2s.reshape_like(g, x)


@numba.njit
def nb_transpose_adjoint(g, axes):
    return _s2s.transpose_adjoint(g, axes)


@numba.njit
def nb_transpose_literal(g):
    return _s2s.transpose_adjoint(g, (1, 2, 0))


@numba.njit
def nb_flip(x, axis):
    return _s2s.flip(x, axis)


@numba.njit
def nb_diag_adjoint(g, x):
    return _s2s.diag_adjoint(g, x)


@numba.njit
def nb_slice_along(g, axis, start, stop):
    return _s2s.slice_along(g, axis, start, stop)


@numba.njit
def nb_take_along(g, axis, k):
    return _s2s.take_along(g, axis, k)


@numba.njit
def nb_vstack_part(g, start, stop, x):
    return _s2s.vstack_part(g, start, stop, x)


@numba.njit
def nb_hstack_part(g, start, stop, x):
    return _s2s.hstack_part(g, start, stop, x)


@numba.njit
def nb_matmul_adjoints(g, a, b):
    return _s2s.matmul_adjoint_a(g, a, b), _s2s.matmul_adjoint_b(g, a, b)


@numba.njit
def nb_solve_adjoint_a(g, a, y):
    return _s2s.solve_adjoint_a(g, a, y)


@numba.njit
def nb_cholesky_adjoint(g, L):  # noqa: N803
    return _s2s.cholesky_adjoint(g, L)


@numba.njit
def nb_cholesky_adjoint_tangent(g, L, dL):  # noqa: N803
    return _s2s.cholesky_adjoint_tangent(g, L, dL)


# -- unbroadcast (core) ----------------------------------------------------------------------
UNBROADCAST = [((3,), (2, 3)), ((1, 3), (2, 3)), ((), (2, 3)), ((2, 1), (2, 3)), ((2, 3), (2, 3))]


@pytest.mark.parametrize("xshape, gshape", UNBROADCAST)
def test_unbroadcast(xshape, gshape, rng):
    x = _rand(rng, xshape)
    g = check_vjp(lambda x: np.broadcast_to(x, gshape), x, lambda g: _s2s.unbroadcast(g, x), rng)
    same(nb_unbroadcast(g, x), _s2s.unbroadcast(g, x))


def test_unbroadcast_scalar_to_scalar(rng):
    g = check_vjp(lambda x: x, 0.5, lambda g: _s2s.unbroadcast(g, 0.5), rng)
    same(nb_unbroadcast(g, 0.5), _s2s.unbroadcast(g, 0.5))


@st.composite
def broadcast_pairs(draw):
    """A shape ``gshape`` and a shape ``xshape`` that broadcasts to it."""
    gshape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    lead = draw(st.integers(0, len(gshape)))
    ones = draw(st.lists(st.booleans(), min_size=len(gshape), max_size=len(gshape)))
    xshape = tuple(1 if one else n for n, one in zip(gshape[lead:], ones[lead:]))
    return xshape, gshape


@settings(max_examples=30, deadline=None)
@given(broadcast_pairs())
def test_unbroadcast_random(shapes):
    xshape, gshape = shapes
    rng = np.random.default_rng(len(xshape) + 7 * len(gshape))
    x = _rand(rng, xshape)
    g = check_vjp(lambda x: np.broadcast_to(x, gshape), x, lambda g: _s2s.unbroadcast(g, x), rng)
    if len(gshape) == 2:
        same(nb_unbroadcast(g, x), _s2s.unbroadcast(g, x))


# -- elementwise -----------------------------------------------------------------------------
WHERE = [  # (cond, a, b, whether to compare with Numba)
    (True, 2.0, 3.0, True),
    (False, 2.0, 3.0, True),
    (np.array([True, False, True]), np.arange(3.0), 0.0, True),
    (np.array([True, False, True]), 0.0, np.arange(3.0), False),
    (True, np.arange(6.0).reshape(2, 3), 0.0, False),
    (np.array([True, False, True]), np.arange(6.0).reshape(2, 3), -1.0, True),
    (np.array([[True], [False]]), np.arange(3.0), np.ones((2, 3)), True),
    (np.array([True, False]), np.array([1, 2]), 0.0, True),
]


@pytest.mark.parametrize("cond, a, b, compiled", WHERE)
def test_where(cond, a, b, compiled):
    out = _s2s.where(cond, a, b)
    expect = np.where(cond, a, b).astype(np.float64)
    if np.ndim(cond) == 0 and np.ndim(a) == 0 and np.ndim(b) == 0:
        assert type(out) is float and out == float(expect)
    else:
        assert out.dtype == np.float64
        np.testing.assert_array_equal(out, expect)
    if compiled:
        same(nb_where(cond, a, b), out)


@pytest.mark.parametrize("xshape, yshape", [((4,), (4,)), ((2, 3), (3,)), ((), (3,)), ((), ())])
def test_where_as_maximum_adjoint(xshape, yshape, rng):
    x2 = _rand(rng, yshape)

    def share(g, x1):
        return _s2s.unbroadcast(_s2s.where(x1 >= x2, g, 0.0), x1)

    x1 = _rand(rng, xshape)
    check_vjp(lambda x1: np.maximum(x1, x2), x1, lambda g: share(g, x1), rng)


def test_log_or_zero():
    assert _s2s.log_or_zero(2.0) == math.log(2.0) and type(_s2s.log_or_zero(2.0)) is float
    assert _s2s.log_or_zero(0.0) == 0.0 and _s2s.log_or_zero(-1.0) == 0.0
    x = np.array([[2.0, 0.0], [-3.0, 0.5]])
    expect = np.array([[math.log(2.0), 0.0], [0.0, math.log(0.5)]])
    np.testing.assert_array_equal(_s2s.log_or_zero(x), expect)
    for v in (2.0, 0.0, -1.0, x.T, np.array([1, 0, 3])):
        same(nb_log_or_zero(v), _s2s.log_or_zero(v))


def test_log_or_zero_as_power_adjoint(rng):
    x1 = np.array([0.5, 2.0, 3.0])
    x2 = 1.7
    check_vjp(
        lambda x2: x1**x2,
        x2,
        lambda g: float(np.sum(g * x1**x2 * _s2s.log_or_zero(x1))),
        rng,
    )


@pytest.mark.parametrize("base", [0.0, 10.0, 2.0])
@pytest.mark.parametrize("x", [2.5, np.array([0.5, 1.5, 4.0])])
def test_log_adjoint(x, base, rng):
    if base == 0.0:
        f = np.log
    else:
        f = lambda x: np.log(x) / math.log(base)
    if not isinstance(x, np.ndarray):
        assert f(x) == pytest.approx(math.log(x, base) if base else math.log(x))
    g = check_vjp(f, x, lambda g: _s2s.log_adjoint(g, x, base), rng)
    same(nb_log_adjoint(g, x, base), _s2s.log_adjoint(g, x, base))


CLIP = [  # (a, a_min, a_max, whether to compare with Numba)
    (np.linspace(-1.0, 1.0, 7) + 0.01, -0.5, 0.5, True),
    (np.linspace(-1.0, 1.0, 6).reshape(2, 3), np.array([-0.9, 0.0, 0.3]), 0.4, True),
    (0.3, -0.5, 0.5, True),
    (0.7, -0.5, 0.5, True),
    (-0.7, -0.5, 0.5, True),
    (np.linspace(-1.0, 1.0, 7) + 0.01, None, 0.5, True),
    (0.2, np.array([0.0, 0.5]), 1.0, False),
]


@pytest.mark.parametrize("a, lo, hi, compiled", CLIP)
def test_clip_adjoint(a, lo, hi, compiled, rng):
    """The shares of ``a`` (part 0), ``lo`` (1) and ``hi`` (2), each against differences."""
    operands = (a, lo, hi)
    for part in (0, 1, 2):
        x = operands[part]
        if x is None:
            continue

        def primal(x, part=part):
            args = list(operands)
            args[part] = x
            return np.clip(*args)

        def share(g, part=part, x=x):
            return _s2s.unbroadcast(_s2s.clip_adjoint(g, a, lo, hi, part), x)

        g = check_vjp(primal, x, share, rng)
        if compiled:
            same(nb_clip_adjoint(g, a, lo, hi, part), _s2s.clip_adjoint(g, a, lo, hi, part))


def test_clip_adjoint_of_crossed_bounds():
    """With ``lo > hi`` NumPy's clip is ``hi`` everywhere: all of the adjoint goes there."""
    a, g = np.array([-1.0, 0.2, 1.0]), np.array([1.0, 2.0, 3.0])
    assert np.all(np.clip(a, 0.5, 0.1) == 0.1)
    for compiled in (False, True):
        shares = [
            (nb_clip_adjoint if compiled else _s2s.clip_adjoint)(g, a, 0.5, 0.1, part)
            for part in (0, 1, 2)
        ]
        np.testing.assert_array_equal(shares[0], 0.0)
        np.testing.assert_array_equal(shares[1], 0.0)
        np.testing.assert_array_equal(shares[2], g)


@pytest.mark.parametrize("x", [np.arange(4.0), np.ones((2, 3)), 1.5])
def test_array_adjoint(x, rng):
    g = check_vjp(np.array, x, lambda g: _s2s.array_adjoint(g, x), rng)
    if isinstance(x, np.ndarray):
        assert _s2s.array_adjoint(g, x) is not g
    if np.ndim(x) != 2:
        same(nb_array_adjoint(g, x), _s2s.array_adjoint(g, x))


def test_array_adjoint_of_int_array(rng):
    x = np.arange(4)
    g = rng.standard_normal(4)
    same(nb_array_adjoint(g, x), _s2s.array_adjoint(g, x))


# -- reductions and scans --------------------------------------------------------------------
AXES = [
    ((5,), None),
    ((5,), 0),
    ((5,), -1),
    ((3, 4), None),
    ((3, 4), 0),
    ((3, 4), 1),
    ((3, 4), -1),
    ((2, 3, 4), None),
    ((2, 3, 4), 0),
    ((2, 3, 4), 1),
    ((2, 3, 4), -1),
]

# Beyond np.sum, Numba is compared on one case of axis None and one of an integer axis.
NB_AXES = {((3, 4), None), ((2, 3, 4), -1)}

REDUCTIONS = {
    "sum": (np.sum, _s2s.sum_adjoint, nb_sum_adjoint),
    "mean": (np.mean, _s2s.mean_adjoint, nb_mean_adjoint),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("shape, axis", AXES)
def test_sum_mean(name, shape, axis, rng):
    primal, py, nb = REDUCTIONS[name]
    x = rng.standard_normal(shape)
    g = check_vjp(lambda x: primal(x, axis=axis), x, lambda g: py(g, x, axis), rng)
    out = py(g, x, axis)
    assert out.flags.c_contiguous
    if name == "sum" or (shape, axis) in NB_AXES:
        same(nb(g, x, axis), out)


@st.composite
def shapes_axes(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    axis = draw(st.none() | st.integers(-len(shape), len(shape) - 1))
    return shape, axis


@settings(max_examples=30, deadline=None)
@given(shapes_axes(), st.sampled_from(sorted(REDUCTIONS)))
def test_sum_mean_random(shape_axis, name):
    shape, axis = shape_axis
    primal, py, nb = REDUCTIONS[name]
    rng = np.random.default_rng(sum(shape))
    x = rng.standard_normal(shape)
    g = check_vjp(lambda x: primal(x, axis=axis), x, lambda g: py(g, x, axis), rng)
    if name == "sum" and len(shape) == (2 if axis is None else 3):
        same(nb(g, x, axis), py(g, x, axis))


def test_sum_adjoint_literal_axes(rng):
    x = rng.standard_normal((3, 4))
    g = float(rng.standard_normal())
    same(nb_sum_adjoint_none(g, x), _s2s.sum_adjoint(g, x, None))
    g = rng.standard_normal(3)
    same(nb_sum_adjoint_last(g, x), _s2s.sum_adjoint(g, x, -1))


def test_sum_adjoint_of_scalar_and_int_array(rng):
    assert _s2s.sum_adjoint(2.0, 1.5, None) == 2.0
    same(nb_sum_adjoint(2.0, 1.5, None), _s2s.sum_adjoint(2.0, 1.5, None))
    x = np.arange(6).reshape(2, 3)
    g = rng.standard_normal(2)
    same(nb_sum_adjoint(g, x, 1), _s2s.sum_adjoint(g, x, 1))


@pytest.mark.parametrize("primal", [np.max, np.min])
@pytest.mark.parametrize("shape, axis", AXES)
def test_extremum_adjoint(shape, axis, primal, rng):
    x = rng.standard_normal(shape)
    y = primal(x, axis=axis)

    def share(g):
        return _s2s.extremum_adjoint(g, x, y, axis)

    g = check_vjp(lambda x: primal(x, axis=axis), x, share, rng)
    if (shape, axis) in NB_AXES:
        same(nb_extremum_adjoint(g, x, y, axis), share(g))


def test_extremum_adjoint_splits_ties():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    out = _s2s.extremum_adjoint(4.0, x, 3.0, None)
    np.testing.assert_array_equal(out, [[0.0, 2.0, 2.0], [0.0, 0.0, 0.0]])
    same(nb_extremum_adjoint(4.0, x, 3.0, None), out)
    x = np.array([1.0, 3.0, 3.0, 2.0])
    out = _s2s.extremum_adjoint(4.0, x, 3.0, 0)
    np.testing.assert_array_equal(out, [0.0, 2.0, 2.0, 0.0])
    same(nb_extremum_adjoint(4.0, x, 3.0, 0), out)
    x = np.array([[[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]])
    g = np.array([[1.0, 10.0]])
    out = _s2s.extremum_adjoint(g, x, np.max(x, axis=-1), -1)
    np.testing.assert_array_equal(out, [[[0.0, 0.5, 0.5], [5.0, 5.0, 0.0]]])
    same(nb_extremum_adjoint(g, x, np.max(x, axis=-1), -1), out)


@pytest.mark.parametrize(
    "x, y, axis",
    [
        (np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]), 3.0, None),  # a tie, contiguous
        (np.array([[1.0, 3.0], [3.0, 2.0], [2.0, 0.0]]).T, 3.0, None),  # a transposed view
        (np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]), np.array([3.0, 2.0]), 1),
        (np.array([0.5, -1.0]), -1.0, None),
    ],
)
def test_add_extremum_adjoint_adds_the_share_in_place(x, y, axis):
    total = np.arange(x.size, dtype=np.float64).reshape(x.shape)
    g = np.ones(np.shape(y)) * 4.0 if np.ndim(y) else 4.0
    expected = total + _s2s.extremum_adjoint(g, x, y, axis)
    for add in (_s2s.add_extremum_adjoint, nb_add_extremum_adjoint):
        into = total.copy()
        out = add(into, g, x, y, axis)
        np.testing.assert_array_equal(out, expected)
        np.testing.assert_array_equal(into, expected)  # the adjoint itself, not a copy
    assert nb_add_extremum_adjoint(1.5, 4.0, 2.0, 2.0, None) == 5.5


@pytest.mark.parametrize(
    "total, share",
    [
        (np.ones((2, 3)), np.arange(6.0).reshape(2, 3)),
        (np.ones((1, 3)), np.arange(6.0).reshape(2, 3)),  # summed over the broadcast axis
        (np.ones((2, 3)), np.arange(6.0).reshape(3, 2).T),  # a view of another layout
        (np.ones(3), 2.0),
        (1.0, np.arange(6.0).reshape(2, 3)),
        (1.0, 2.5),
    ],
)
def test_subtract_into_is_accumulate_into_of_the_negation(total, share):
    expected = _s2s.accumulate(total, -np.asarray(share) if np.ndim(share) else -share)
    for subtract in (_s2s.subtract_into, nb_subtract_into):
        into = total.copy() if isinstance(total, np.ndarray) else total
        out = subtract(into, share)
        np.testing.assert_array_equal(out, expected)
        if isinstance(total, np.ndarray):
            np.testing.assert_array_equal(into, expected)


@pytest.mark.parametrize(
    "total, share",
    [
        (np.ones(3), np.arange(3.0)),  # vectors: added element by element
        (np.ones(1), np.arange(3.0)),  # summed to the one entry
        (np.ones(3), np.array([2.0])),  # the one entry added to each, as NumPy's `+=`
        (np.ones((2, 3)), np.arange(6.0).reshape(2, 3)),
        (np.ones((1, 3)), np.arange(6.0).reshape(2, 3)),
        (np.ones((2, 3)), np.array([[2.0], [5.0]])),
        (np.ones((1, 3)), np.array([[2.0], [5.0]])),  # summed along one axis, spread along one
    ],
)
def test_accumulate_and_subtract_into_add_in_place(total, share):
    added = _s2s.accumulate(total, share)
    subtracted = _s2s.accumulate(total, -share)
    for into, compiled, expected in [
        (total.copy(), nb_accumulate_into, added),
        (total.copy(), nb_subtract_into, subtracted),
    ]:
        out = compiled(into, share)
        np.testing.assert_array_equal(out, expected)
        np.testing.assert_array_equal(into, expected)  # the adjoint itself, not a copy


@pytest.mark.parametrize("shape", [(), (4,), (2, 3)])
def test_cleared_fills_an_array_with_zeros_in_place(shape):
    x = np.arange(1.0, 1.0 + math.prod(shape)).reshape(shape)
    out = nb_cleared(x)
    np.testing.assert_array_equal(x, np.zeros(shape))
    assert out.shape == shape
    assert nb_cleared(2.5) == 0.0


@pytest.mark.parametrize("shape, axis", AXES)
def test_cumsum_adjoint(shape, axis, rng):
    x = rng.standard_normal(shape)
    g = check_vjp(
        lambda x: np.cumsum(x, axis=axis), x, lambda g: _s2s.cumsum_adjoint(g, x, axis), rng
    )
    if (shape, axis) in NB_AXES:
        same(nb_cumsum_adjoint(g, x, axis), _s2s.cumsum_adjoint(g, x, axis))


@pytest.mark.parametrize("ddof", [0, 1])
@pytest.mark.parametrize("shape, axis", AXES)
def test_var_and_std_adjoint(shape, axis, ddof, rng):
    x = rng.standard_normal(shape)
    g = check_vjp(
        lambda x: np.var(x, axis=axis, ddof=ddof),
        x,
        lambda g: _s2s.var_adjoint(g, x, axis, ddof),
        rng,
    )
    if (shape, axis) in NB_AXES:
        same(nb_var_adjoint(g, x, axis, ddof), _s2s.var_adjoint(g, x, axis, ddof))
    y = np.std(x, axis=axis, ddof=ddof)

    def share(g):
        return _s2s.var_adjoint(_s2s.half_over(g, y), x, axis, ddof)

    check_vjp(lambda x: np.std(x, axis=axis, ddof=ddof), x, share, rng)


@pytest.mark.parametrize("x", [2.0, np.array([0.5, 1.0, 4.0])])
def test_half_over_is_sqrt_adjoint(x, rng):
    y = np.sqrt(x)
    g = check_vjp(np.sqrt, x, lambda g: _s2s.half_over(g, y), rng)
    out = _s2s.half_over(g, y)
    np.testing.assert_allclose(out, g / (2 * y))
    same(nb_half_over(g, y), out)


# -- shapes ----------------------------------------------------------------------------------
RESHAPES = [  # (shape of x, primal, whether to compare with Numba)
    ((2, 3), lambda x: np.reshape(x, (6,)), True),
    ((6,), lambda x: np.reshape(x, (3, 2)), True),
    ((2, 1, 3), np.squeeze, False),
    ((2, 3), np.ravel, True),
    ((3,), lambda x: np.expand_dims(x, 0), True),
    ((), np.atleast_1d, True),
    ((4,), np.atleast_2d, True),
]


@pytest.mark.parametrize("shape, primal, compiled", RESHAPES)
def test_reshape_like(shape, primal, compiled, rng):
    x = _rand(rng, shape)
    g = check_vjp(primal, x, lambda g: _s2s.reshape_like(g, x), rng)
    if compiled:
        same(nb_reshape_like(g, x), _s2s.reshape_like(g, x))


def test_reshape_like_of_views(rng):
    g = rng.standard_normal((3, 2)).T
    x = np.ones(6)
    out = _s2s.reshape_like(g, x)
    np.testing.assert_array_equal(out, np.ravel(g))
    same(nb_reshape_like(g, x), out)


TRANSPOSES = [
    ((2, 3), None),
    ((3, 4), None),
    ((2, 3), (1, 0)),
    ((2, 3, 4), (1, 2, 0)),
    ((2, 3, 4), (2, 0, 1)),
    ((2, 3, 4), (-1, 0, 1)),
    ((2, 3, 4, 2), (3, 1, 0, 2)),
]


@pytest.mark.parametrize("shape, axes", TRANSPOSES)
def test_transpose_adjoint(shape, axes, rng):
    x = rng.standard_normal(shape)
    g = check_vjp(
        lambda x: np.transpose(x, axes), x, lambda g: _s2s.transpose_adjoint(g, axes), rng
    )
    if len(shape) <= 3:
        same(nb_transpose_adjoint(g, axes), _s2s.transpose_adjoint(g, axes))


def test_transpose_adjoint_literal_axes(rng):
    g = rng.standard_normal((3, 4, 2))
    same(nb_transpose_literal(g), _s2s.transpose_adjoint(g, (1, 2, 0)))
    assert nb_transpose_literal(g).shape == (2, 3, 4)


@numba.njit
def nb_spread(t, other):
    return _s2s.spread(t, other)


SPREADS = [((2, 1), (3,)), ((3,), (2, 3)), ((2, 3), (2, 3)), ((), (2,)), ((2,), ()), ((), ())]


@pytest.mark.parametrize("tshape, oshape", SPREADS)
def test_spread(tshape, oshape, rng):
    """A tangent broadcast against an operand without one: the operand's values do not
    matter, only the shape it broadcasts the tangent to; unchanged, it is ``t`` itself."""
    t, other = _rand(rng, tshape), _rand(rng, oshape)
    expected = np.broadcast_to(t, np.broadcast_shapes(tshape, oshape))
    for spread in (_s2s.spread, nb_spread):
        out = spread(t, other)
        np.testing.assert_array_equal(out, expected)
        if np.shape(out) == tshape and tshape:
            assert out is t or spread is nb_spread


@pytest.mark.parametrize(
    "shape, axis", [((4,), None), ((4,), 0), ((2, 3), None), ((2, 3), 0), ((2, 3, 4), -1)]
)
def test_flip(shape, axis, rng):
    """``np.flip`` along an axis too, which Numba's ``np.flip`` does not take; its own
    adjoint."""
    x = rng.standard_normal(shape)
    g = check_vjp(lambda x: np.flip(x, axis), x, lambda g: _s2s.flip(g, axis), rng)
    same(nb_flip(g, axis), np.flip(g, axis))


@pytest.mark.parametrize("shape", [(4,), (3, 3), (3, 5), (4, 2)])
def test_diag_adjoint(shape, rng):
    x = rng.standard_normal(shape)
    g = check_vjp(np.diag, x, lambda g: _s2s.diag_adjoint(g, x), rng)
    same(nb_diag_adjoint(g, x), _s2s.diag_adjoint(g, x))


CONCATS = [((3,), 0), ((2, 3), 0), ((2, 3), 1), ((2, 3), -1), ((2, 3, 4), 0), ((2, 3, 4), 1)]
CONCATS += [((2, 3, 4), -1), ((2, 3, 4, 2), 2), ((2, 3, 2, 2), -4)]


def _with(shape, axis, n):
    shape = list(shape)
    shape[axis] = n
    return tuple(shape)


@pytest.mark.parametrize("shape, axis", CONCATS)
def test_slice_along(shape, axis, rng):
    before = rng.standard_normal(_with(shape, axis, 2))
    after = rng.standard_normal(_with(shape, axis, 1))
    start, stop = 2, 2 + shape[axis]
    x = rng.standard_normal(shape)
    g = check_vjp(
        lambda x: np.concatenate((before, x, after), axis),
        x,
        lambda g: _s2s.slice_along(g, axis, start, stop),
        rng,
    )
    same(nb_slice_along(g, axis, start, stop), _s2s.slice_along(g, axis, start, stop))


STACKS = [((), 0), ((3,), 0), ((3,), 1), ((3,), -1), ((2, 3), 0), ((2, 3), 1), ((2, 3), 2)]
STACKS += [((2, 3, 2), 1), ((2, 3, 2), -1)]  # a 4-D adjoint


@pytest.mark.parametrize("shape, axis", STACKS)
def test_take_along(shape, axis, rng):
    before, after = _rand(rng, shape), _rand(rng, shape)
    x = _rand(rng, shape)
    g = check_vjp(
        lambda x: np.stack((before, x, after), axis),
        x,
        lambda g: _s2s.take_along(g, axis, 1),
        rng,
    )
    same(nb_take_along(g, axis, 1), _s2s.take_along(g, axis, 1))


VSTACKS = [  # (shape of x, the other inputs, start, stop)
    ((3,), [(2, 3), None, (3,)], 2, 3),
    ((2, 3), [(1, 3), None, (2, 3)], 1, 3),
    ((), [(), None, ()], 1, 2),
    ((2, 2, 3), [(1, 2, 3), None], 1, 3),
]


@pytest.mark.parametrize("shape, parts, start, stop", VSTACKS)
def test_vstack_part(shape, parts, start, stop, rng):
    others = [None if s is None else _rand(rng, s) for s in parts]
    x = _rand(rng, shape)

    def primal(x):
        return np.vstack([x if o is None else o for o in others])

    g = check_vjp(primal, x, lambda g: _s2s.vstack_part(g, start, stop, x), rng)
    same(nb_vstack_part(g, start, stop, x), _s2s.vstack_part(g, start, stop, x))


HSTACKS = [
    ((3,), [(2,), None, (4,)], 2, 5),
    ((3, 2), [(3, 1), None, (3, 3)], 1, 3),
    ((2, 2, 3), [(2, 1, 3), None], 1, 3),
    ((), [(), None, (2,)], 1, 2),
]


@pytest.mark.parametrize("shape, parts, start, stop", HSTACKS)
def test_hstack_part(shape, parts, start, stop, rng):
    others = [None if s is None else _rand(rng, s) for s in parts]
    x = _rand(rng, shape)

    def primal(x):
        return np.hstack([x if o is None else o for o in others])

    g = check_vjp(primal, x, lambda g: _s2s.hstack_part(g, start, stop, x), rng)
    same(nb_hstack_part(g, start, stop, x), _s2s.hstack_part(g, start, stop, x))


# -- linear algebra --------------------------------------------------------------------------
MATMULS = [  # (shape of a, shape of b, whether to compare with Numba)
    ((4,), (4,), True),
    ((3, 4), (4,), True),
    ((4,), (4, 2), True),
    ((3, 4), (4, 2), True),
    ((), (3,), True),
    ((3,), (), True),
    ((2, 3), (), False),
    ((), (), True),
]


@pytest.mark.parametrize("ashape, bshape, compiled", MATMULS)
def test_matmul_adjoints(ashape, bshape, compiled, rng):
    a, b = _rand(rng, ashape), _rand(rng, bshape)
    g = check_vjp(lambda a: np.dot(a, b), a, lambda g: _s2s.matmul_adjoint_a(g, a, b), rng)
    check_vjp(lambda b: np.dot(a, b), b, lambda g: _s2s.matmul_adjoint_b(g, a, b), rng, g=g)
    if not compiled:
        return
    ga, gb = nb_matmul_adjoints(g, a, b)
    same(ga, _s2s.matmul_adjoint_a(g, a, b))
    same(gb, _s2s.matmul_adjoint_b(g, a, b))


def test_matmul_adjoints_of_views(rng):
    a, b = rng.standard_normal((4, 3)).T, rng.standard_normal((2, 4)).T
    g = rng.standard_normal((3, 2))
    ga, gb = nb_matmul_adjoints(g, a, b)
    same(ga, _s2s.matmul_adjoint_a(g, a, b))
    same(gb, _s2s.matmul_adjoint_b(g, a, b))


@pytest.mark.parametrize("bshape", [(3,), (3, 2)])
def test_solve_adjoint_a(bshape, rng):
    a = rng.standard_normal((3, 3)) + 3.0 * np.eye(3)
    b = rng.standard_normal(bshape)
    y = np.linalg.solve(a, b)
    g = check_vjp(lambda a: np.linalg.solve(a, b), a, lambda g: _s2s.solve_adjoint_a(g, a, y), rng)
    same(nb_solve_adjoint_a(g, a, y), _s2s.solve_adjoint_a(g, a, y))


def test_solve_adjoint_a_needs_pivoting(rng):
    a = np.array([[0.0, 2.0, 1.0], [1.0, 1.0, 0.0], [3.0, 0.0, 1.0]])
    y = rng.standard_normal(3)
    g = rng.standard_normal(3)
    same(nb_solve_adjoint_a(g, a, y), _s2s.solve_adjoint_a(g, a, y))
    with pytest.raises(np.linalg.LinAlgError):
        nb_solve_adjoint_a(g, np.ones((3, 3)), y)


@pytest.mark.parametrize("n", [1, 2, 4])
def test_cholesky_adjoint(n, rng):
    m = rng.standard_normal((n, n))
    a = m @ m.T + n * np.eye(n)
    low = np.linalg.cholesky(a)
    v = rng.standard_normal((n, n))
    v = v + v.T
    g = check_vjp(
        np.linalg.cholesky, a, lambda g: _s2s.cholesky_adjoint(g, low), rng, v=v, rel=1e-5
    )
    share = _s2s.cholesky_adjoint(g, low)
    np.testing.assert_allclose(share, share.T)
    same(nb_cholesky_adjoint(g, low), share)


@pytest.mark.parametrize("n", [1, 2, 4])
def test_cholesky_adjoint_tangent(n, rng):
    """The adjoint's derivative along a move of the factor (lower triangular), against central
    differences of the adjoint: what a Hessian through ``np.linalg.cholesky`` needs."""
    m = rng.standard_normal((n, n))
    low = np.linalg.cholesky(m @ m.T + n * np.eye(n))
    d_low = np.tril(rng.standard_normal((n, n)))
    g = rng.standard_normal((n, n))
    tangent = _s2s.cholesky_adjoint_tangent(g, low, d_low)
    up = _s2s.cholesky_adjoint(g, low + H * d_low)
    down = _s2s.cholesky_adjoint(g, low - H * d_low)
    np.testing.assert_allclose(tangent, (up - down) / (2 * H), rtol=1e-5, atol=1e-7)
    same(nb_cholesky_adjoint_tangent(g, low, d_low), tangent)


# -- adjoints of variables whose shape changes ------------------------------------------------
@numba.njit
def nb_fitted_and_cleared(x, like):
    return _s2s.fitted(x, like), _s2s.cleared_like(x.copy(), like)


@pytest.mark.parametrize("like_shape", [(2, 3), (4, 3), (1, 3)])
def test_fitted_and_cleared_like_take_the_shape_of_the_value(like_shape, rng):
    adjoint = rng.standard_normal((2, 3))
    like = rng.standard_normal(like_shape)[:, ::-1]  # only its shape counts: a view will do
    same = like_shape == adjoint.shape
    for fitted, cleared in [
        (_s2s.fitted(adjoint, like), _s2s.cleared_like(adjoint.copy(), like)),
        nb_fitted_and_cleared(adjoint, like),
    ]:
        assert fitted.shape == cleared.shape == like_shape
        np.testing.assert_array_equal(fitted, adjoint if same else np.zeros(like_shape))
        np.testing.assert_array_equal(cleared, np.zeros(like_shape))
    assert _s2s.fitted(1.5, 2.0) == 1.5 and _s2s.cleared_like(1.5, 2.0) == 0.0


# -- scatter_add: the adjoint of a read ----------------------------------------------------
@numba.njit
def _scatter_add_view(total, share):
    _s2s.scatter_add(total, (None, slice(None, None, None)), share)
    _s2s.scatter_add(total, slice(1, None, None), share[0, :-1])
    return total


def test_scatter_add_into_a_view_matches_numpy():
    share = np.arange(1.0, 5.0).reshape(1, 4)
    expected = np.zeros(4)
    expected[None, :] += share
    expected[1:] += share[0, :-1]
    python = np.zeros(4)
    _s2s.scatter_add(python, (None, slice(None, None, None)), share)
    _s2s.scatter_add(python, slice(1, None, None), share[0, :-1])
    np.testing.assert_array_equal(python, expected)
    np.testing.assert_array_equal(_scatter_add_view(np.zeros(4), share), expected)


@numba.njit
def _scatter_add_rows(total, share):
    _s2s.scatter_add(total, 1, share[0])  # a row: added into as a view
    _s2s.scatter_add(total, (2, 0), share[1])  # two integers on three axes: a row too
    _s2s.scatter_add(total, (0, 1, 2), 5.0)  # an entry
    return total


def test_scatter_add_into_a_row_matches_numpy():
    share = np.arange(1.0, 7.0).reshape(2, 3)
    expected = np.zeros((3, 2, 3))
    expected[1] += share[0]
    expected[2, 0] += share[1]
    expected[0, 1, 2] += 5.0
    np.testing.assert_array_equal(_scatter_add_rows(np.zeros((3, 2, 3)), share), expected)


@numba.njit
def _scatter_add_part(total, part, index, share):
    _s2s.scatter_add_part(total, part, index, share)
    return total


@pytest.mark.parametrize(
    "part, index, share",
    [
        (2, 1, 1.5),  # a row, an entry
        (slice(1, None, None), 2, np.array([1.0, 2.0, 3.0])),  # a slice's row
        (slice(None, None, -2), slice(None, 2, None), np.ones((2, 3))),  # a step
        ((1, slice(None, None, None)), 0, 2.5),  # a tuple part
        (np.array([3, 0, 3]), 2, np.array([1.0, 2.0, 4.0])),  # a gathered copy, row 3 twice
        (np.array([3, 0, 3]), np.array([0, 2]), np.ones((2, 3))),
        (np.array([True, False, True, False]), 1, np.array([5.0, 6.0, 7.0])),
    ],
    ids=["row", "slice", "step", "tuple", "gather", "gather-twice", "mask"],
)
def test_scatter_add_part_adds_where_the_chained_read_took(part, index, share):
    """``total[part][index] += share`` as if written into a NumPy array the read's shape:
    the share of each entry of ``x[part][index]`` reaches the entry of ``x`` it came from."""
    shape = (4, 3)
    taken = np.arange(12).reshape(shape)[part][index]  # which entries of x were read
    expected = np.zeros(12)
    np.add.at(expected, np.ravel(taken), np.broadcast_to(share, np.shape(taken)).ravel())
    python = np.zeros(shape)
    _s2s.scatter_add_part(python, part, index, share)
    np.testing.assert_array_equal(python.ravel(), expected)
    compiled = _scatter_add_part(np.zeros(shape), part, index, share)
    np.testing.assert_array_equal(compiled.ravel(), expected)
