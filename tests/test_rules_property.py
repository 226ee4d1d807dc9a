"""Every derivative rule, both modes, checked through the public API on random inputs.

Each line of ``SPECS`` names a rule, the function of ``rule_functions.py`` that uses it and
the strategies of its arguments: random shapes (0 to 3 dimensions of 1 to 4 entries), pairs
of shapes that broadcast against each other, axes, and values in the domain of the function.
``check_grads`` compares the vector-Jacobian product (random cotangent, random direction) and
the Jacobian-vector product with central differences, and with each other; the Hessian of
``sum(sin(f(...)))`` checks the rules the adjoint code needs in forward mode. The table runs
the generated Python (``jit=False``); a smaller set runs the same checks compiled by Numba,
varying shapes within one number of dimensions so that each function compiles once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest
import rule_functions as rf
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import s2s
from s2s.testing import check_grads

RTOL = 1e-5
ATOL = 1e-6

PYTHON_SETTINGS = settings(
    max_examples=12,
    deadline=None,
    phases=(Phase.explicit, Phase.generate),  # inputs are small: a failure reads as drawn
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
NUMBA_SETTINGS = settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


# -- values ------------------------------------------------------------------------------------
# A domain maps a random generator and a shape to values; shape () gives a Python float.
def _domain(sample: Callable) -> Callable:
    def make(rng: np.random.Generator, shape: tuple[int, ...]):
        values = np.asarray(sample(rng, shape), dtype=np.float64)
        return float(values) if shape == () else values

    return make


REAL = _domain(lambda rng, s: rng.uniform(-2.0, 2.0, s))
POSITIVE = _domain(lambda rng, s: rng.uniform(0.5, 2.0, s))
UNIT = _domain(lambda rng, s: rng.uniform(-0.9, 0.9, s))  # arcsin, arccos, arctanh
ABOVE_ONE = _domain(lambda rng, s: rng.uniform(1.1, 3.0, s))  # arccosh
NEAR_ZERO = _domain(lambda rng, s: rng.uniform(-1.2, 1.2, s))  # tan
EXPONENT = _domain(lambda rng, s: rng.uniform(-1.5, 1.5, s))
# Kinks (abs, sign, max) and zeros (prod, cumprod, hypot) stay out of reach of the differences.
AWAY_FROM_ZERO = _domain(lambda rng, s: rng.choice([-1.0, 1.0], s) * rng.uniform(0.3, 2.0, s))
# Factors of products of up to 48 of them: near 1, so that the product, inside a sine, does not
# make the differences of a Hessian meaningless (48 factors of AWAY_FROM_ZERO reached 5800).
FACTORS = _domain(lambda rng, s: rng.choice([-1.0, 1.0], s) * rng.uniform(0.5, 1.5, s))

SEEDS = st.integers(0, 2**32 - 1)
SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
SHAPES_1D_UP = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)
SIDES = st.integers(1, 4)


def _dims(n):
    return hnp.array_shapes(min_dims=n, max_dims=n, min_side=1, max_side=4)


def _fill(domain: Callable, shape, seed: int, salt: int = 0, zero_d: bool = False):
    """Values of ``domain`` in ``shape``; ``salt`` keeps two arguments drawn with the same
    seed apart (equal operands would sit on the kink of ``maximum``); ``zero_d`` makes shape
    ``()`` a 0-d array instead of a float."""
    out = domain(np.random.default_rng([seed, salt]), tuple(shape))
    return np.asarray(out) if zero_d and shape == () else out


def values(domain: Callable, shapes=SHAPES) -> st.SearchStrategy:
    """One argument: an array (a float or a 0-d array for shape ``()``) of a drawn shape, with
    values from ``domain``."""
    return st.tuples(st.builds(_fill, st.just(domain), shapes, SEEDS, st.just(0), st.booleans()))


def pair(domain1: Callable, domain2: Callable, min_dims: int = 0) -> st.SearchStrategy:
    """Two arguments whose shapes broadcast against each other."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=2, min_dims=min_dims, max_dims=3, max_side=4
    ).flatmap(
        lambda shapes: st.tuples(
            st.builds(_fill, st.just(domain1), st.just(shapes.input_shapes[0]), SEEDS),
            st.builds(_fill, st.just(domain2), st.just(shapes.input_shapes[1]), SEEDS, st.just(1)),
        )
    )


def scalars(*domains: Callable) -> st.SearchStrategy:
    """Python floats, one per domain (for ``math.*``)."""
    return st.tuples(
        *(
            st.builds(_fill, st.just(d), st.just(()), SEEDS, st.just(salt))
            for salt, d in enumerate(domains)
        )
    )


ELEM = values(REAL)
POS = values(POSITIVE)
BROADCAST_PAIR = pair(REAL, REAL)


@st.composite
def with_axis(draw, domain=REAL, allow_none=True, min_along=1, shapes=SHAPES_1D_UP):
    """An array and an axis of it (negative axes too), or ``None``."""
    shape = list(draw(shapes))
    choices = st.integers(-len(shape), len(shape) - 1)
    axis = draw(st.one_of(st.none(), choices) if allow_none else choices)
    if axis is None:
        if np.prod(shape) < min_along:
            shape[-1] = min_along
    else:
        shape[axis] = max(shape[axis], min_along)
    return (_fill(domain, shape, draw(SEEDS)), axis)


@st.composite
def matmul_pair(draw, allow_scalar=False):
    """Operands of ``np.dot``/``@``: 1-D or 2-D with matching inner extents (or a scalar)."""
    ndims = [1, 2] + ([0] if allow_scalar else [])
    nd_a, nd_b = draw(st.sampled_from(ndims)), draw(st.sampled_from(ndims))
    m, k, n = draw(SIDES), draw(SIDES), draw(SIDES)
    shape_a = {0: (), 1: (k,), 2: (m, k)}[nd_a]
    shape_b = {0: (), 1: (k,), 2: (k, n)}[nd_b]
    return (_fill(REAL, shape_a, draw(SEEDS)), _fill(REAL, shape_b, draw(SEEDS), 1))


def _well_conditioned(rng, n):
    """A diagonally dominant matrix, with a random sign on its first row."""
    a = rng.uniform(-1.0, 1.0, (n, n)) + (n + 1.0) * np.eye(n)
    a[0] *= rng.choice([-1.0, 1.0])
    return a


@st.composite
def square(draw, spd=False, rhs=False):
    """A well-conditioned (or symmetric positive definite) matrix; with ``rhs``, a right-hand
    side of ``solve`` too (a vector or a matrix)."""
    n = draw(SIDES)
    rng = np.random.default_rng(draw(SEEDS))
    if spd:
        b = rng.uniform(-1.0, 1.0, (n, n))
        a = b @ b.T + n * np.eye(n)
    else:
        a = _well_conditioned(rng, n)
    if not rhs:
        return (a,)
    shape = draw(st.sampled_from([(n,), (n, draw(SIDES))]))
    return (a, rng.uniform(-2.0, 2.0, shape))


@st.composite
def interp_args(draw):
    """Points (some outside the table), increasing knots and values; no point within 0.05 of
    a knot, where the slope jumps."""
    n = draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(SEEDS))
    xp = np.cumsum(rng.uniform(0.5, 1.5, n))
    (x,) = draw(values(_domain(lambda r, s: r.uniform(0.0, xp[-1] + 1.0, s))))
    near = np.min(np.abs(np.subtract.outer(np.atleast_1d(x), xp)))
    assume(near > 0.05)
    return (x, xp, rng.uniform(-2.0, 2.0, n))


@st.composite
def lstsq_args(draw):
    """A matrix of full column rank with at least as many rows, its singular values apart,
    and a right-hand side (a vector or a matrix)."""
    n = draw(st.integers(1, 3))
    m = draw(st.integers(n, 4))
    rng = np.random.default_rng(draw(SEEDS))
    a = rng.uniform(-0.3, 0.3, (m, n))
    a[:n] += np.diag(1.0 + rng.permutation(n))
    shape = draw(st.sampled_from([(m,), (m, draw(SIDES))]))
    return (a, rng.uniform(-2.0, 2.0, shape))


@st.composite
def full_rank(draw):
    """A matrix of full rank, tall or wide, its singular values apart from 0."""
    n, m = draw(SIDES), draw(SIDES)
    rng = np.random.default_rng(draw(SEEDS))
    a = rng.uniform(-0.3, 0.3, (m, n))
    k = min(m, n)
    a[:k, :k] += np.diag(1.0 + rng.permutation(k))
    return (a,)


@st.composite
def separated(draw):
    """A square matrix whose symmetric part has eigenvalues at least 1 apart (Weyl: at most 2
    from 0, 5, 10, 15), where eigenvectors are smooth."""
    n = draw(SIDES)
    rng = np.random.default_rng(draw(SEEDS))
    return (rng.uniform(-0.5, 0.5, (n, n)) + np.diag(5.0 * rng.permutation(n)),)


@st.composite
def same_length(draw, ndim=1):
    shape = tuple(draw(SIDES) for _ in range(ndim))
    return (_fill(REAL, shape, draw(SEEDS)), _fill(REAL, shape, draw(SEEDS), 1))


@st.composite
def inner_args(draw):
    """Operands of ``np.inner``: scalars, or arrays of any shape ending in the same extent."""
    k = draw(SIDES)

    def operand(salt):
        if draw(st.integers(0, 3)) == 0:
            shape = ()
        else:
            shape = (*draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3)), k)
        return _fill(REAL, shape, draw(SEEDS), salt)

    return (operand(0), operand(1))


@st.composite
def vdot_args(draw):
    """Operands of ``np.vdot``: arrays of one size (it flattens them), shapes may differ."""
    shape = draw(SHAPES_1D_UP)
    other = draw(st.sampled_from([shape, (int(np.prod(shape)),), tuple(reversed(shape))]))
    return (_fill(REAL, shape, draw(SEEDS)), _fill(REAL, other, draw(SEEDS), 1))


@st.composite
def joined(draw, kind):
    """Two operands of ``np.concatenate``/``np.stack``/``np.vstack``/``np.hstack``, and the
    axis for the first two."""
    if kind == "concatenate":
        shape = list(draw(SHAPES_1D_UP))
        axis = draw(st.integers(-len(shape), len(shape) - 1))
        other = list(shape)
        other[axis] = draw(SIDES)
        extra = (axis,)
    elif kind == "stack":
        shape = list(draw(SHAPES))
        other = shape
        extra = (draw(st.integers(-len(shape) - 1, len(shape))),)
    elif kind == "vstack":  # the same trailing extents; 1-D rows
        ndim = draw(st.integers(1, 3))
        shape = [draw(SIDES) for _ in range(ndim)]
        other = list(shape)
        if ndim > 1:
            other[0] = draw(SIDES)
        extra = ()
    else:  # hstack: 1-D any lengths; otherwise the same extents but along axis 1
        ndim = draw(st.integers(1, 3))
        shape = [draw(SIDES) for _ in range(ndim)]
        other = list(shape)
        other[0 if ndim == 1 else 1] = draw(SIDES)
        extra = ()
    a = _fill(REAL, shape, draw(SEEDS))
    b = _fill(REAL, other, draw(SEEDS), 1)
    return (a, b, *extra)


@st.composite
def where_args(draw, scalar_branch=False):
    shapes = draw(
        hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=4)
    ).input_shapes
    rng = np.random.default_rng(draw(SEEDS))
    condition = rng.uniform(size=shapes[0]) < 0.5
    if shapes[0] == ():
        condition = bool(condition)
    a = _fill(REAL, shapes[1], draw(SEEDS))
    if scalar_branch:
        return (condition, a)
    return (condition, a, _fill(REAL, shapes[2], draw(SEEDS), 1))


@st.composite
def clip_args(draw, array_bounds=False):
    if not array_bounds:
        # the last pair crossed: NumPy's clip is then the upper bound everywhere
        lo, hi = draw(st.sampled_from([(-0.5, 0.7), (None, 0.3), (-0.4, None), (0.6, -0.3)]))
        return (draw(values(REAL, SHAPES_1D_UP))[0], lo, hi)
    shapes = draw(
        hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=4)
    )
    rng = np.random.default_rng(draw(SEEDS))
    # `a` has the output's shape: the bounds broadcast against it.
    a = _fill(REAL, shapes.result_shape, draw(SEEDS))
    lo = -0.2 - np.abs(rng.uniform(0.0, 1.0, shapes.input_shapes[1]))
    hi = 0.2 + np.abs(rng.uniform(0.0, 1.0, shapes.input_shapes[2]))
    return (a, lo, hi)


@st.composite
def reshape_args(draw):
    shape = draw(SHAPES_1D_UP)
    size = int(np.prod(shape))
    target = draw(st.sampled_from([tuple(reversed(shape)), (size,), (*shape, 1), (1, -1)]))
    return (_fill(REAL, shape, draw(SEEDS)), target)


@st.composite
def transpose_args(draw):
    shape = draw(SHAPES_1D_UP)
    axes = tuple(draw(st.permutations(range(len(shape)))))
    if draw(st.booleans()):
        axes = tuple(a - len(shape) for a in axes)
    return (_fill(REAL, shape, draw(SEEDS)), axes)


@st.composite
def expand_dims_args(draw):
    shape = draw(SHAPES)
    return (_fill(REAL, shape, draw(SEEDS)), draw(st.integers(-len(shape) - 1, len(shape))))


@st.composite
def squeeze_args(draw, with_axis=False):
    shape = list(draw(SHAPES_1D_UP))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    shape[axis] = 1
    x = _fill(REAL, shape, draw(SEEDS))
    return (x, axis) if with_axis else (x,)


@st.composite
def broadcast_to_args(draw):
    shapes = draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4)
    )
    return (_fill(REAL, shapes.input_shapes[0], draw(SEEDS)), shapes.result_shape)


@st.composite
def full_args(draw):
    return (draw(scalars(REAL))[0], draw(SHAPES_1D_UP))


@st.composite
def matrix(draw, domain=REAL, ndims=(2,)):
    shape = tuple(draw(SIDES) for _ in range(draw(st.sampled_from(ndims))))
    return (_fill(domain, shape, draw(SEEDS)),)


@st.composite
def heaviside_args(draw):
    """``x1`` with some exact zeros, where the output is ``x2``; ``x2`` broadcasting with it."""
    x1, x2 = draw(pair(REAL, REAL))
    x1 = np.where(np.abs(x1) < 0.8, 0.0, x1)
    return (float(x1) if np.ndim(x1) == 0 else x1, x2)


# values away from +-0.5, where np.select's conditions switch
AWAY_FROM_HALF = _domain(lambda rng, s: rng.choice([-1.0, 0.0, 1.0], s) + rng.uniform(-0.3, 0.3, s))
# values with exact zeros among them (half, on average)
WITH_ZEROS = _domain(lambda rng, s: np.where(rng.uniform(size=s) < 0.5, 0.0, rng.uniform(-2, 2, s)))
# arguments of the gamma function, negative ones too, away from its poles (0, -1, -2, ...);
# for gamma itself no larger than 5 (sin(gamma(11.3)) turns every 1e-7: differences fail)
NOT_POLE = _domain(lambda rng, s: rng.integers(-3, 12, s) + rng.uniform(0.2, 0.8, s))
SMALL_NOT_POLE = _domain(lambda rng, s: rng.integers(-3, 5, s) + rng.uniform(0.2, 0.8, s))
# stops of np.arange(stop) away from whole numbers, where its length changes
NOT_WHOLE = _domain(lambda rng, s: rng.integers(1, 4, s) + rng.uniform(0.2, 0.8, s))


@st.composite
def shift_args(draw, axis=False):
    """An array, a shift (any sign, past the length too) and, with ``axis``, an axis."""
    (x,) = draw(values(REAL, SHAPES_1D_UP))
    shift = draw(st.integers(-5, 5))
    if not axis:
        return (x, shift)
    return (x, shift, draw(st.integers(-x.ndim, x.ndim - 1)))


@st.composite
def diff_args(draw):
    """An array, an order ``n`` and an axis at least ``n`` long."""
    shape = list(draw(SHAPES_1D_UP))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    n = draw(st.integers(0, 2))
    shape[axis] = max(shape[axis], n + 1)
    return (_fill(REAL, shape, draw(SEEDS)), n, axis)


@st.composite
def take_args(draw, axis=False):
    """An array and indices into it (repeats too), flat or along an axis."""
    (x,) = draw(values(REAL, SHAPES_1D_UP))
    rng = np.random.default_rng(draw(SEEDS))
    ax = draw(st.integers(-x.ndim, x.ndim - 1)) if axis else None
    n = x.size if ax is None else x.shape[ax]
    indices = rng.integers(0, n, draw(st.sampled_from([(), (3,), (2, 2)])))
    return (x, indices) if ax is None else (x, indices, ax)


@st.composite
def append_args(draw, axis=False):
    """An array and values to append: anything, flat; along an axis, matching extents."""
    shape = list(draw(SHAPES_1D_UP))
    if not axis:
        (v,) = draw(ELEM)
        return (_fill(REAL, shape, draw(SEEDS)), v)
    ax = draw(st.integers(-len(shape), len(shape) - 1))
    other = list(shape)
    other[ax] = draw(SIDES)
    return (_fill(REAL, shape, draw(SEEDS)), _fill(REAL, other, draw(SEEDS), 1), ax)


@st.composite
def column_stack_args(draw):
    """1-D or 2-D operands with the same number of rows."""
    m = draw(SIDES)
    shapes = [(m,) if draw(st.booleans()) else (m, draw(SIDES)) for _ in range(2)]
    return (_fill(REAL, shapes[0], draw(SEEDS)), _fill(REAL, shapes[1], draw(SEEDS), 1))


@st.composite
def dstack_args(draw, mixed=True):
    """Operands that ``np.dstack`` joins: 1-D of one length, or 2-D or 3-D of one shape but
    the depth of the 3-D ones (a 2-D operand is one layer), both 3-D unless ``mixed`` (Numba
    joins operands of one number of dimensions only)."""
    n = draw(SIDES)
    if draw(st.booleans()):
        return (_fill(REAL, (n,), draw(SEEDS)), _fill(REAL, (n,), draw(SEEDS), 1))
    m = draw(SIDES)
    flat = [draw(st.booleans()) and mixed for _ in range(2)]
    shapes = [(m, n) if two_d else (m, n, draw(SIDES)) for two_d in flat]
    return (_fill(REAL, shapes[0], draw(SEEDS)), _fill(REAL, shapes[1], draw(SEEDS), 1))


@st.composite
def sort_args(draw):
    """An array without ties (which sit on a kink) and an axis, or ``None``."""
    shape = draw(SHAPES_1D_UP)
    rng = np.random.default_rng(draw(SEEDS))
    x = rng.permutation(np.prod(shape)).reshape(shape) * 0.5 + rng.uniform(0, 0.1, shape)
    return (x, draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1))))


def _partitioned():
    """Arrays without ties, at least two entries along the last axis (partitioned at 1)."""
    return sort_args().filter(lambda xa: xa[0].shape[-1] >= 2).map(lambda xa: xa[:1])


@st.composite
def distinct(draw, min_size=1, nan=False):
    """A 1-D array of distinct values (ties sit on a kink), some NaNs with ``nan``."""
    n = draw(st.integers(min_size, 6))
    rng = np.random.default_rng(draw(SEEDS))
    x = rng.permutation(n) * 0.5 + rng.uniform(0.0, 0.1, n) - 1.0
    if nan and n > 1:
        x[rng.integers(0, n)] = np.nan
    return (x,)


@st.composite
def binned_points(draw, bins=3):
    """Points whose extremes are 0 and 1, the others inside the ``bins`` equal bins between
    them and 0.05 away from the edges, where a count would jump."""
    rng = np.random.default_rng(draw(SEEDS))
    count = draw(st.integers(0, 5))
    inner = (rng.integers(0, bins, count) + rng.uniform(0.15, 0.85, count)) / bins
    return (rng.permutation(np.concatenate(([0.0, 1.0], inner))) * 2.0 - 0.5,)


@st.composite
def quantile_args(draw, scale=1.0, nan=False, count=0):
    """Distinct values (and a NaN with ``nan``) and a q away from the positions of the
    entries that are not NaN (kinks in q), or an array of ``count`` of them."""
    (x,) = draw(distinct(nan=nan))
    n = int(np.sum(~np.isnan(x)))
    step = 1.0 / max(n - 1, 1)

    def one():
        q = (draw(st.integers(0, max(n - 2, 0))) + draw(st.floats(0.1, 0.9))) * step
        return min(q, 1.0) * scale

    return (x, np.array([one() for _ in range(count)]) if count else one())


@st.composite
def trapezoid_args(draw, points: str, shapes=SHAPES_1D_UP):
    """Values (at least 1-D) and, by ``points``: a step, 1-D points along the last axis,
    points shaped like the values, or those and a step (which then counts for nothing)."""
    shape = draw(shapes)
    seed = draw(SEEDS)
    values = _fill(REAL, shape, seed)
    if points == "step":
        return values, _fill(POSITIVE, (), seed, 1)
    along = shape[-1:] if points == "1-D" else shape
    x = _fill(REAL, along, seed, 1)
    return (values, x, _fill(POSITIVE, (), seed, 2)) if points == "and step" else (values, x)


VARIABLES = st.integers(1, 3)


@st.composite
def observations(draw, rows=VARIABLES, pair=False, rowvar=True):
    """Data for ``np.cov``: variables (a 1-D row for 0, else ``rows`` of them) by 3 to 5
    observations, transposed where ``rowvar`` is false, with a second such input where
    ``pair``."""
    k, n, seed = draw(rows), draw(st.integers(3, 5)), draw(SEEDS)
    shape = (n,) if k == 0 else ((k, n) if rowvar else (n, k))
    first = _fill(REAL, shape, seed)
    return (first, _fill(REAL, shape, seed, 1)) if pair else (first,)


@st.composite
def cross_args(draw):
    """3-vectors along the last axis, broadcasting against each other."""
    shapes = draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=3)
    ).input_shapes
    return (
        _fill(REAL, (*shapes[0], 3), draw(SEEDS)),
        _fill(REAL, (*shapes[1], 3), draw(SEEDS), 1),
    )


@st.composite
def two_vectors(draw):
    """Two 1-D arrays of any lengths."""
    return (_fill(REAL, (draw(SIDES),), draw(SEEDS)), _fill(REAL, (draw(SIDES),), draw(SEEDS), 1))


# -- the table ---------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Spec:
    name: str
    fn: Callable
    args: list  # strategies, each drawing a tuple of arguments
    argnums: tuple[int, ...] | None = None  # None: every float argument
    xfail: str = ""  # a known bug: why this rule fails
    first_order: str = ""  # why s2s refuses its second derivatives, which a test checks

    def strategy(self) -> st.SearchStrategy:
        return st.tuples(*self.args).map(lambda parts: sum(parts, ()))


def _specs(rows) -> list[Spec]:
    return [row if isinstance(row, Spec) else Spec(*row) for row in rows]


ELEMENTWISE = _specs(
    [
        ("np.sin", rf.f_sin, [ELEM]),
        ("np.cos", rf.f_cos, [ELEM]),
        ("np.tan", rf.f_tan, [values(NEAR_ZERO)]),
        ("np.arcsin", rf.f_arcsin, [values(UNIT)]),
        ("np.arccos", rf.f_arccos, [values(UNIT)]),
        ("np.arctan", rf.f_arctan, [ELEM]),
        ("np.sinh", rf.f_sinh, [ELEM]),
        ("np.cosh", rf.f_cosh, [ELEM]),
        ("np.tanh", rf.f_tanh, [ELEM]),
        ("np.arcsinh", rf.f_arcsinh, [ELEM]),
        ("np.arccosh", rf.f_arccosh, [values(ABOVE_ONE)]),
        ("np.arctanh", rf.f_arctanh, [values(UNIT)]),
        ("np.exp", rf.f_exp, [ELEM]),
        ("np.expm1", rf.f_expm1, [ELEM]),
        ("np.exp2", rf.f_exp2, [ELEM]),
        ("np.log", rf.f_log, [POS]),
        ("np.log1p", rf.f_log1p, [POS]),
        ("np.log2", rf.f_log2, [POS]),
        ("np.log10", rf.f_log10, [POS]),
        ("np.sqrt", rf.f_sqrt, [POS]),
        ("np.cbrt", rf.f_cbrt, [values(AWAY_FROM_ZERO)]),
        ("np.square", rf.f_square, [ELEM]),
        ("np.absolute", rf.f_absolute, [values(AWAY_FROM_ZERO)]),
        ("np.abs", rf.f_np_abs, [values(AWAY_FROM_ZERO)]),
        ("abs", rf.f_builtin_abs, [values(AWAY_FROM_ZERO)]),
        ("np.negative", rf.f_negative, [ELEM]),
        ("np.positive", rf.f_positive, [ELEM]),
        ("-x", rf.f_neg_operator, [ELEM]),
        ("+x", rf.f_pos_operator, [ELEM]),
        ("np.reciprocal", rf.f_reciprocal, [values(AWAY_FROM_ZERO)]),
        ("np.deg2rad", rf.f_deg2rad, [ELEM]),
        ("np.rad2deg", rf.f_rad2deg, [ELEM]),
        ("np.radians", rf.f_radians, [ELEM]),
        ("np.degrees", rf.f_degrees, [ELEM]),
        ("np.asarray", rf.f_asarray, [ELEM]),
        ("np.copy", rf.f_copy, [ELEM]),
        ("x.copy()", rf.f_copy_method, [values(REAL, SHAPES_1D_UP)]),
        ("np.array", rf.f_array, [ELEM]),
        ("x.astype(np.int64)", rf.f_astype_int, [values(REAL, SHAPES_1D_UP)]),
        ("np.asarray(x, dtype)", rf.f_asarray_dtype, [ELEM]),
        ("np.array([...])", rf.f_array_of_scalars, [scalars(REAL, REAL)]),
        # binary, broadcasting
        ("+", rf.f_add, [BROADCAST_PAIR]),
        ("np.add", rf.f_np_add, [BROADCAST_PAIR]),
        ("-", rf.f_subtract, [BROADCAST_PAIR]),
        ("np.subtract", rf.f_np_subtract, [BROADCAST_PAIR]),
        ("*", rf.f_multiply, [BROADCAST_PAIR]),
        ("np.multiply", rf.f_np_multiply, [BROADCAST_PAIR]),
        ("/", rf.f_divide, [pair(REAL, AWAY_FROM_ZERO)]),
        ("np.divide", rf.f_np_divide, [pair(REAL, AWAY_FROM_ZERO)]),
        ("np.true_divide", rf.f_true_divide, [pair(REAL, AWAY_FROM_ZERO)]),
        ("**", rf.f_power_operator, [pair(POSITIVE, EXPONENT)]),
        ("np.power", rf.f_np_power, [pair(POSITIVE, EXPONENT)]),
        ("x ** 2", rf.f_square_operator, [ELEM]),
        ("(x - 3) ** 3", rf.f_cube_negative_base, [ELEM]),
        ("x ** 2.5", rf.f_real_exponent, [POS]),
        ("2.0 ** x", rf.f_exponential_base, [ELEM]),
        ("%", rf.f_mod_operator, [pair(REAL, POSITIVE)]),
        ("np.mod", rf.f_np_mod, [pair(REAL, AWAY_FROM_ZERO)]),
        ("np.remainder", rf.f_np_remainder, [pair(REAL, POSITIVE)]),
        ("np.fmod", rf.f_np_fmod, [pair(REAL, AWAY_FROM_ZERO)]),
        ("np.divmod", rf.f_divmod, [pair(REAL, AWAY_FROM_ZERO)]),
        ("np.maximum", rf.f_maximum, [BROADCAST_PAIR]),
        ("np.minimum", rf.f_minimum, [BROADCAST_PAIR]),
        ("np.fmax", rf.f_fmax, [BROADCAST_PAIR]),
        ("np.fmin", rf.f_fmin, [BROADCAST_PAIR]),
        ("np.hypot", rf.f_hypot, [pair(AWAY_FROM_ZERO, AWAY_FROM_ZERO)]),
        ("np.arctan2", rf.f_arctan2, [pair(AWAY_FROM_ZERO, AWAY_FROM_ZERO)]),
        ("np.logaddexp", rf.f_logaddexp, [BROADCAST_PAIR]),
        ("np.logaddexp2", rf.f_logaddexp2, [BROADCAST_PAIR]),
        ("np.float_power", rf.f_float_power, [pair(POSITIVE, EXPONENT)]),
        ("np.copysign", rf.f_copysign, [pair(AWAY_FROM_ZERO, AWAY_FROM_ZERO)]),
        ("np.fabs", rf.f_fabs, [values(AWAY_FROM_ZERO)]),
        ("np.real", rf.f_real, [ELEM]),
        ("np.imag", rf.f_imag, [ELEM]),
        ("x.real, x.imag", rf.f_real_imag_attributes, [ELEM]),
        ("np.conj", rf.f_conj, [ELEM]),
        ("x.conj()", rf.f_conj_method, [values(REAL, SHAPES_1D_UP)]),
        ("np.ldexp", rf.f_ldexp, [ELEM]),
        ("np.nextafter", rf.f_nextafter, [ELEM]),
        ("comparisons", rf.f_comparisons, [values(AWAY_FROM_ZERO)]),
        ("np.sinc", rf.f_sinc, [ELEM]),
        ("np.sinc at 0", rf.f_sinc, [st.just((np.array([0.0, 0.5, -1.5]),))]),
        ("np.nan_to_num", rf.f_nan_to_num, [values(REAL)]),
        ("np.interp", rf.f_interp, [interp_args()]),
        ("np.select", rf.f_select, [pair(AWAY_FROM_HALF, REAL)]),
        ("np.select, default", rf.f_select_default, [values(AWAY_FROM_HALF), scalars(REAL)]),
        ("scalar - scalar * x", rf.f_scalar_left, [ELEM]),
        ("x / scalar + scalar", rf.f_scalar_right, [ELEM]),
        ("np.where", rf.f_where, [where_args()], (1, 2)),
        ("np.where(c, x, 0.5)", rf.f_where_scalar_branch, [where_args(True)], (1,)),
        ("np.clip", rf.f_clip, [clip_args()]),
        ("x.clip", rf.f_clip_method, [clip_args()]),
        ("np.clip, array bounds", rf.f_clip, [clip_args(True)]),
    ]
)

ZERO_GRADIENT = _specs(
    [
        ("np.sign", rf.f_sign, [values(AWAY_FROM_ZERO)]),
        ("np.linalg.matrix_rank", rf.f_matrix_rank, [values(AWAY_FROM_ZERO, _dims(1))]),
        ("np.floor", rf.f_floor, [ELEM]),
        ("np.ceil", rf.f_ceil, [ELEM]),
        ("np.round", rf.f_round, [ELEM]),
        ("x.round()", rf.f_round_method, [values(REAL, SHAPES_1D_UP)]),
        ("np.rint", rf.f_rint, [ELEM]),
        ("np.trunc", rf.f_trunc, [ELEM]),
        ("//", rf.f_floor_divide, [pair(REAL, POSITIVE)]),
        ("np.floor only", rf.f_only_floor, [ELEM]),
        ("math.floor", rf.m_floor, [scalars(REAL)]),
        ("math.ceil", rf.m_ceil, [scalars(REAL)]),
        ("math.trunc", rf.m_trunc, [scalars(REAL)]),
        ("round", rf.m_builtin_round, [scalars(REAL)]),
    ]
)

CORRCOEF_FIRST_ORDER = "s2s has no second derivatives of np.corrcoef"
COND_FIRST_ORDER = "s2s has no second derivatives of np.linalg.cond"
REDUCTIONS = _specs(
    [
        ("np.sum", rf.f_sum, [ELEM]),
        ("np.sum(axis=)", rf.f_sum_axis, [with_axis()]),
        ("np.sum(x, axis)", rf.f_sum_axis_positional, [with_axis()]),
        ("x.sum(axis=)", rf.f_sum_method, [with_axis()]),
        ("np.mean", rf.f_mean, [ELEM]),
        ("np.mean(axis=)", rf.f_mean_axis, [with_axis()]),
        ("np.prod", rf.f_prod, [values(FACTORS)]),
        ("np.prod(axis=)", rf.f_prod_axis, [with_axis(FACTORS)]),
        ("np.max", rf.f_max, [ELEM]),
        ("np.max(axis=)", rf.f_max_axis, [with_axis()]),
        ("np.amax", rf.f_amax, [ELEM]),
        ("x.max(axis=)", rf.f_max_method, [with_axis()]),
        ("np.min", rf.f_min, [ELEM]),
        ("np.min(axis=)", rf.f_min_axis, [with_axis()]),
        ("np.amin", rf.f_amin, [ELEM]),
        ("np.cumsum", rf.f_cumsum, [ELEM]),
        ("np.cumsum(axis=)", rf.f_cumsum_axis, [with_axis(allow_none=False)]),
        ("np.cumprod", rf.f_cumprod, [values(FACTORS)]),
        ("np.cumprod(axis=)", rf.f_cumprod_axis, [with_axis(FACTORS, False)]),
        # products are polynomials: entries that are exactly zero are no kink
        ("np.prod with zeros", rf.f_prod, [values(WITH_ZEROS, SHAPES_1D_UP)]),
        ("np.prod(axis=) with zeros", rf.f_prod_axis, [with_axis(WITH_ZEROS)]),
        ("np.cumprod with zeros", rf.f_cumprod, [values(WITH_ZEROS, SHAPES_1D_UP)]),
        ("np.cumprod(axis=) with zeros", rf.f_cumprod_axis, [with_axis(WITH_ZEROS, False)]),
        ("np.var", rf.f_var, [ELEM]),
        ("np.var(axis=)", rf.f_var_axis, [with_axis()]),
        ("np.var(ddof=1)", rf.f_var_ddof, [with_axis(min_along=2)]),
        ("np.std", rf.f_std, [values(REAL, SHAPES_1D_UP.filter(lambda s: np.prod(s) > 1))]),
        ("np.std(axis=)", rf.f_std_axis, [with_axis(min_along=2)]),
        ("np.std(ddof=1)", rf.f_std_ddof, [with_axis(min_along=2)]),
        ("np.full", rf.f_full, [full_args()], (0,)),
        ("sum", rf.f_builtin_sum, [values(REAL, _dims(1))]),
        ("sum(x, start)", rf.f_builtin_sum_start, [values(REAL, _dims(1)), scalars(REAL)]),
        ("sum([a, b])", rf.f_builtin_sum_of_numbers, [scalars(REAL, REAL)]),
        ("np.quantile", rf.f_quantile, [quantile_args()]),
        ("np.percentile", rf.f_percentile, [quantile_args(100.0)]),
        ("np.median", rf.f_median, [distinct()]),
        ("np.average", rf.f_average, [values(REAL, SHAPES_1D_UP)]),
        (
            "np.average(weights=)",
            rf.f_average_weights,
            [same_length(1).map(lambda xw: (xw[0], np.abs(xw[1]) + 0.5))],
        ),
        ("np.cov", rf.f_cov, [observations(st.integers(0, 3))]),
        ("np.cov(m, y, rowvar=False)", rf.f_cov_columns, [observations(pair=True, rowvar=False)]),
        ("np.cov(bias=True)", rf.f_cov_bias, [observations()]),
        ("np.cov(m, y=, ddof=2)", rf.f_cov_ddof, [observations(st.just(0), pair=True)]),
        Spec("np.corrcoef", rf.f_corrcoef, [observations()], first_order=CORRCOEF_FIRST_ORDER),
        Spec(
            "np.corrcoef(x, y)",
            rf.f_corrcoef_pair,
            [observations(st.just(0), pair=True)],
            first_order=CORRCOEF_FIRST_ORDER,
        ),
        ("np.trapezoid", rf.f_trapezoid, [values(REAL, SHAPES_1D_UP)]),
        ("np.trapezoid(dx=)", rf.f_trapezoid_step, [trapezoid_args("step")]),
        ("np.trapezoid(y, x), 1-D x", rf.f_trapezoid_points, [trapezoid_args("1-D")]),
        ("np.trapezoid(y, x), x like y", rf.f_trapezoid_points, [trapezoid_args("like y")]),
        ("np.trapezoid(y=, x=, dx=)", rf.f_trapezoid_keywords, [trapezoid_args("and step")]),
        ("np.ptp", rf.f_ptp, [distinct(min_size=2)]),
        ("np.nansum", rf.f_nansum, [distinct(nan=True)]),
        ("np.nanmean", rf.f_nanmean, [distinct(nan=True)]),
        ("np.nanmax", rf.f_nanmax, [distinct(nan=True)]),
        ("np.nanmin", rf.f_nanmin, [distinct(nan=True)]),
        ("np.nanvar", rf.f_nanvar, [distinct(min_size=3, nan=True)]),
        ("np.nanprod", rf.f_nanprod, [distinct(nan=True)]),
        ("np.nancumsum", rf.f_nancumsum, [distinct(nan=True)]),
        ("np.nancumprod", rf.f_nancumprod, [distinct(nan=True)]),
        ("np.nanmedian", rf.f_nanmedian, [distinct(nan=True)]),
        ("np.nanquantile", rf.f_nanquantile, [quantile_args(nan=True)]),
        ("np.quantile, an array of q", rf.f_quantile, [quantile_args(count=3)]),
        ("np.percentile, an array of q", rf.f_percentile, [quantile_args(100.0, count=2)]),
        ("np.nanquantile, an array of q", rf.f_nanquantile, [quantile_args(nan=True, count=2)]),
        ("np.percentile, the quartiles", rf.f_interquartile_range, [distinct(min_size=3)]),
        ("np.nanpercentile", rf.f_nanpercentile, [quantile_args(100.0, nan=True)]),
        ("np.nanstd", rf.f_nanstd, [distinct(min_size=3, nan=True)]),
        ("np.vander", rf.f_vander, [values(REAL, _dims(1))]),
        ("np.vander(x, 3, True)", rf.f_vander_increasing, [values(REAL, _dims(1))]),
        ("np.histogram edges", rf.f_histogram_edges, [distinct(min_size=2)]),
        ("np.histogram, a binned mean", rf.f_histogram_binned_mean, [binned_points()]),
        (
            "np.histogram, range given",
            rf.f_histogram_range,
            [distinct(), st.just((-3.0, 4.0))],
            (1, 2),
        ),
        (
            "np.histogram, edges given",
            rf.f_histogram_given_edges,
            [distinct(), st.just((np.array([-3.0, 0.0, 1.0, 4.0]),))],
        ),
    ]
)

CREATION = _specs(
    [
        ("np.full_like", rf.f_full_like, [ELEM, scalars(REAL)]),
        ("np.heaviside", rf.f_heaviside, [heaviside_args()], (1,)),
        ("np.arange(start, stop, step)", rf.f_arange, [scalars(REAL, POSITIVE)]),
        ("np.arange(stop)", rf.f_arange_stop, [scalars(NOT_WHOLE)]),
        ("np.linspace", rf.f_linspace, [scalars(REAL, REAL)]),
        ("np.geomspace", rf.f_geomspace, [scalars(POSITIVE, POSITIVE)]),
        ("np.logspace", rf.f_logspace, [scalars(REAL, REAL)]),
        ("np.bincount(x, weights)", rf.f_bincount, [values(REAL, _dims(1))]),
        ("np.random.normal", rf.f_random_normal, [scalars(REAL, POSITIVE)]),
        ("np.random.normal, arrays", rf.f_random_normal_arrays, [pair(REAL, POSITIVE)]),
        ("np.random.uniform", rf.f_random_uniform, [scalars(REAL, POSITIVE)]),
        ("np.random.exponential", rf.f_random_exponential, [scalars(POSITIVE)]),
    ]
)

EIGH_FIRST_ORDER = "s2s has no second derivatives of np.linalg.eigh and np.linalg.eigvalsh"
SVD_FIRST_ORDER = "s2s has no second derivatives of np.linalg.svd"
LSTSQ_FIRST_ORDER = "s2s has no second derivatives of np.linalg.lstsq"
LINALG = _specs(
    [
        ("np.dot", rf.f_dot, [matmul_pair(allow_scalar=True)]),
        ("@", rf.f_matmul_operator, [matmul_pair()]),
        ("np.matmul", rf.f_matmul, [matmul_pair()]),
        ("x.dot", rf.f_dot_method, [matmul_pair()]),
        ("np.outer", rf.f_outer, [same_length(1).map(lambda ab: (ab[0], ab[1][::-1]))]),
        ("np.outer, any shapes", rf.f_outer, [values(REAL, SHAPES_1D_UP), ELEM]),
        ("np.inner", rf.f_inner, [same_length(1)]),
        ("np.inner, any shapes", rf.f_inner, [inner_args()]),
        ("np.vdot", rf.f_vdot, [same_length(1)]),
        ("np.vdot, same size", rf.f_vdot, [vdot_args()]),
        ("np.trace", rf.f_trace, [matrix()]),
        ("np.trace(x, offset)", rf.f_trace_offset, [matrix()]),
        ("x.trace()", rf.f_trace_method, [matrix()]),
        ("np.cross", rf.f_cross, [cross_args()]),
        ("np.kron", rf.f_kron, [matrix(ndims=(1, 2)), matrix(ndims=(1, 2))]),
        ("np.convolve", rf.f_convolve, [two_vectors()]),
        ("np.correlate", rf.f_correlate, [two_vectors()]),
        ("np.linalg.solve", rf.f_solve, [square(rhs=True)]),
        ("np.linalg.inv", rf.f_inv, [square()]),
        ("np.linalg.det", rf.f_det, [square()]),
        ("np.linalg.slogdet", rf.f_slogdet, [square()]),
        ("np.linalg.slogdet()[1]", rf.f_logabsdet, [square()]),
        ("np.linalg.norm", rf.f_norm, [matrix(ndims=(1, 2))]),
        ("np.linalg.norm 'fro'", rf.f_norm_fro, [matrix()]),
        ("np.linalg.norm ord=2", rf.f_norm_2, [matrix(ndims=(1,))]),
        ("np.linalg.norm ord=1", rf.f_norm_1, [matrix(AWAY_FROM_ZERO, ndims=(1,))]),
        ("np.linalg.norm ord=inf", rf.f_norm_inf, [matrix(AWAY_FROM_ZERO, ndims=(1, 2))]),
        ("np.linalg.norm ord=-inf", rf.f_norm_minus_inf, [matrix(AWAY_FROM_ZERO, ndims=(1, 2))]),
        ("np.linalg.norm ord=3", rf.f_norm_3, [matrix(AWAY_FROM_ZERO, ndims=(1,))]),
        ("np.linalg.norm ord=0.5", rf.f_norm_half, [matrix(AWAY_FROM_ZERO, ndims=(1,))]),
        ("np.linalg.norm ord=0", rf.f_norm_0, [matrix(AWAY_FROM_ZERO, ndims=(1,))]),
        ("np.linalg.norm ord=1, matrix", rf.f_norm_1, [matrix(AWAY_FROM_ZERO)]),
        ("np.linalg.norm ord=-1, matrix", rf.f_norm_minus_1, [matrix(AWAY_FROM_ZERO)]),
        Spec("np.linalg.cond", rf.f_cond, [square()], first_order=COND_FIRST_ORDER),
        Spec(
            "np.linalg.cond(a, p)",
            rf.f_cond_order,
            [
                st.tuples(square(), st.sampled_from([1, -1, 2, -2, np.inf, -np.inf])).map(
                    lambda parts: (parts[0][0], parts[1])
                )
            ],
            first_order=COND_FIRST_ORDER,
        ),
        Spec(
            "np.linalg.norm ord=2, matrix",
            rf.f_norm_2,
            [matrix()],
            first_order="s2s has no second derivatives of the spectral and nuclear norms",
        ),
        Spec(
            "np.linalg.norm ord=-2, matrix",
            rf.f_norm_minus_2,
            [matrix()],
            first_order="s2s has no second derivatives of the spectral and nuclear norms",
        ),
        ("np.linalg.cholesky", rf.f_cholesky, [square(spd=True)]),
        Spec("np.linalg.eigh", rf.f_eigh, [separated()], first_order=EIGH_FIRST_ORDER),
        Spec(
            "np.linalg.eigh, values", rf.f_eigh_values, [separated()], first_order=EIGH_FIRST_ORDER
        ),
        Spec("np.linalg.eigvalsh", rf.f_eigvalsh, [separated()], first_order=EIGH_FIRST_ORDER),
        Spec(
            "np.linalg.eigvals",
            rf.f_eigvals,
            [separated()],
            first_order="s2s has no second derivatives of np.linalg.eigvals",
        ),
        Spec("np.linalg.lstsq", rf.f_lstsq, [lstsq_args()], first_order=LSTSQ_FIRST_ORDER),
        Spec("np.linalg.svd", rf.f_svd_values, [full_rank()], first_order=SVD_FIRST_ORDER),
        Spec(
            "np.linalg.svd, vectors",
            rf.f_svd_vectors,
            [full_rank()],
            first_order=SVD_FIRST_ORDER,
        ),
        Spec(
            "np.linalg.qr",
            rf.f_qr,
            [lstsq_args().map(lambda ab: ab[:1])],
            first_order="s2s has no second derivatives of np.linalg.qr",
        ),
        Spec(
            "np.linalg.pinv",
            rf.f_pinv,
            [full_rank()],
            first_order="s2s has no second derivatives of np.linalg.pinv",
        ),
        Spec(
            "np.linalg.matrix_power",
            rf.f_matrix_power,
            [square(), st.tuples(st.integers(-3, 3))],
            (0,),
            first_order="s2s has no second derivatives of np.linalg.matrix_power",
        ),
        Spec(
            "np.linalg.lstsq, residuals and singular values",
            rf.f_lstsq_residuals_and_values,
            [lstsq_args()],
            first_order=LSTSQ_FIRST_ORDER,
        ),
    ]
)

SHAPE_OPS = _specs(
    [
        ("np.reshape (-1,)", rf.f_reshape_flat, [ELEM]),
        ("np.reshape (1, size)", rf.f_reshape_row, [values(REAL, SHAPES_1D_UP)]),
        ("x.reshape", rf.f_reshape_method, [values(REAL, SHAPES_1D_UP)]),
        ("np.reshape", rf.f_reshape_shape, [reshape_args()]),
        ("np.transpose", rf.f_transpose, [values(REAL, SHAPES_1D_UP)]),
        ("np.transpose(axes)", rf.f_transpose_axes, [transpose_args()]),
        ("x.T", rf.f_transpose_attribute, [values(REAL, SHAPES_1D_UP)]),
        ("x.transpose()", rf.f_transpose_method, [values(REAL, SHAPES_1D_UP)]),
        ("np.ravel", rf.f_ravel, [ELEM]),
        ("x.ravel()", rf.f_ravel_method, [values(REAL, SHAPES_1D_UP)]),
        ("x.flatten()", rf.f_flatten, [values(REAL, SHAPES_1D_UP)]),
        ("np.atleast_1d", rf.f_atleast_1d, [ELEM]),
        ("np.atleast_2d", rf.f_atleast_2d, [ELEM]),
        ("np.concatenate", rf.f_concatenate, [joined("concatenate")]),
        ("np.concatenate, three", rf.f_concatenate_three, [joined("concatenate")]),
        ("np.concatenate([a, b])", rf.f_concatenate_list, [same_length(1)]),
        ("np.stack", rf.f_stack, [joined("stack")]),
        ("np.vstack", rf.f_vstack, [joined("vstack")]),
        ("np.hstack", rf.f_hstack, [joined("hstack")]),
        ("np.expand_dims", rf.f_expand_dims, [expand_dims_args()]),
        ("np.squeeze", rf.f_squeeze, [squeeze_args()]),
        ("np.squeeze(axis=)", rf.f_squeeze_axis, [squeeze_args(True)]),
        ("np.broadcast_to", rf.f_broadcast_to, [broadcast_to_args()]),
        ("np.diag", rf.f_diag, [matrix(ndims=(1, 2))]),
        ("np.flip", rf.f_flip, [values(REAL, SHAPES_1D_UP)]),
        ("np.flip(x, axis)", rf.f_flip_axis, [with_axis()], (0,)),
        ("np.fliplr", rf.f_fliplr, [values(REAL, _dims(2))]),
        ("np.flipud", rf.f_flipud, [values(REAL, SHAPES_1D_UP)]),
        ("np.swapaxes", rf.f_swapaxes, [values(REAL, SHAPES_1D_UP)]),
        ("np.tril", rf.f_tril, [values(REAL, _dims(2))]),
        ("np.triu(x, k)", rf.f_triu_k, [values(REAL, _dims(2)), st.tuples(st.integers(-2, 2))]),
        ("np.roll", rf.f_roll, [shift_args()], (0,)),
        ("np.roll(x, shift, axis)", rf.f_roll_axis, [shift_args(axis=True)], (0,)),
        ("np.diff", rf.f_diff, [values(REAL, _dims(1).filter(lambda s: s[0] > 1))]),
        ("np.diff(x, n, axis)", rf.f_diff_n, [diff_args()], (0,)),
        ("np.sort", rf.f_sort, [sort_args().map(lambda xa: xa[:1])]),
        ("np.unique", rf.f_unique, [values(REAL, SHAPES_1D_UP)]),
        ("np.union1d", rf.f_union1d, [values(REAL, SHAPES_1D_UP)]),
        ("np.angle", rf.f_angle, [values(REAL, SHAPES_1D_UP)]),
        ("np.partition", rf.f_partition, [_partitioned()]),
        ("np.repeat", rf.f_repeat, [ELEM]),
        (
            "np.diagflat",
            rf.f_diagflat,
            [values(REAL, SHAPES_1D_UP), st.tuples(st.integers(-2, 2))],
            (0,),
        ),
        ("np.atleast_3d", rf.f_atleast_3d, [ELEM]),
        ("np.asfortranarray", rf.f_asfortranarray, [values(REAL, SHAPES_1D_UP)]),
        ("np.rot90", rf.f_rot90, [values(REAL, _dims(2)), st.tuples(st.integers(-3, 4))], (0,)),
        ("np.column_stack", rf.f_column_stack, [column_stack_args()]),
        ("np.dstack", rf.f_dstack, [dstack_args()]),
        (
            "np.repeat(x, counts)",
            rf.f_repeat_counts,
            [values(REAL, _dims(1)).map(lambda x: (x[0], np.arange(x[0].size) % 3))],
            (0,),
        ),
        ("np.repeat(x, 2, axis)", rf.f_repeat_axis, [with_axis(allow_none=False)], (0,)),
        ("np.take", rf.f_take, [take_args()], (0,)),
        ("x.take", rf.f_take_method, [take_args()], (0,)),
        ("x.repeat", rf.f_repeat_method, [values(REAL, SHAPES_1D_UP)]),
        ("np.ediff1d", rf.f_ediff1d, [values(REAL, SHAPES_1D_UP)]),
        (
            "np.ediff1d(x, to_end=, to_begin=)",
            rf.f_ediff1d_ends,
            [values(REAL, SHAPES_1D_UP), values(REAL, _dims(1)), scalars(REAL)],
        ),
        ("np.resize", rf.f_resize, [values(REAL, SHAPES_1D_UP)]),
        ("np.resize to a matrix", rf.f_resize_matrix, [values(REAL, SHAPES_1D_UP)]),
        ("np.extract", rf.f_extract, [values(REAL, SHAPES_1D_UP)]),
        ("np.take(x, indices, axis)", rf.f_take_axis, [take_args(axis=True)], (0,)),
        ("np.append", rf.f_append, [append_args()]),
        ("np.append(x, v, axis)", rf.f_append_axis, [append_args(axis=True)], (0, 1)),
        ("np.sort(x, axis)", rf.f_sort_axis, [sort_args()], (0,)),
    ]
)

MATH = _specs(
    [
        ("math.sin", rf.m_sin, [scalars(REAL)]),
        ("math.cos", rf.m_cos, [scalars(REAL)]),
        ("math.tan", rf.m_tan, [scalars(NEAR_ZERO)]),
        ("math.asin", rf.m_asin, [scalars(UNIT)]),
        ("math.acos", rf.m_acos, [scalars(UNIT)]),
        ("math.atan", rf.m_atan, [scalars(REAL)]),
        ("math.sinh", rf.m_sinh, [scalars(REAL)]),
        ("math.cosh", rf.m_cosh, [scalars(REAL)]),
        ("math.tanh", rf.m_tanh, [scalars(REAL)]),
        ("math.asinh", rf.m_asinh, [scalars(REAL)]),
        ("math.acosh", rf.m_acosh, [scalars(ABOVE_ONE)]),
        ("math.atanh", rf.m_atanh, [scalars(UNIT)]),
        ("math.exp", rf.m_exp, [scalars(REAL)]),
        ("math.expm1", rf.m_expm1, [scalars(REAL)]),
        ("math.log", rf.m_log, [scalars(POSITIVE)]),
        ("math.log(x, base)", rf.m_log_base, [scalars(POSITIVE)]),
        ("math.log(x, base), both", rf.m_log_any_base, [scalars(POSITIVE, ABOVE_ONE)]),
        ("math.log1p", rf.m_log1p, [scalars(POSITIVE)]),
        ("math.log2", rf.m_log2, [scalars(POSITIVE)]),
        ("math.log10", rf.m_log10, [scalars(POSITIVE)]),
        ("math.sqrt", rf.m_sqrt, [scalars(POSITIVE)]),
        ("math.fabs", rf.m_fabs, [scalars(AWAY_FROM_ZERO)]),
        ("math.degrees", rf.m_degrees, [scalars(REAL)]),
        ("math.radians", rf.m_radians, [scalars(REAL)]),
        ("math.erf", rf.m_erf, [scalars(REAL)]),
        ("math.erfc", rf.m_erfc, [scalars(REAL)]),
        ("math.pow", rf.m_pow, [scalars(POSITIVE, EXPONENT)]),
        ("pow", rf.m_builtin_pow, [scalars(POSITIVE, EXPONENT)]),
        ("math.hypot", rf.m_hypot, [scalars(AWAY_FROM_ZERO, AWAY_FROM_ZERO)]),
        ("math.atan2", rf.m_atan2, [scalars(AWAY_FROM_ZERO, AWAY_FROM_ZERO)]),
        ("math.fmod", rf.m_fmod, [scalars(REAL, AWAY_FROM_ZERO)]),
        ("math.copysign", rf.m_copysign, [scalars(AWAY_FROM_ZERO, AWAY_FROM_ZERO)]),
        ("math.ldexp", rf.m_ldexp, [scalars(REAL)]),
        ("math.lgamma", rf.m_lgamma, [scalars(NOT_POLE)]),
        ("math.gamma", rf.m_gamma, [scalars(SMALL_NOT_POLE)]),
        ("divmod", rf.m_divmod, [scalars(REAL, AWAY_FROM_ZERO)]),
        ("max", rf.m_builtin_max, [scalars(REAL, REAL)]),
        ("min", rf.m_builtin_min, [scalars(REAL, REAL)]),
        ("float", rf.m_float, [scalars(REAL)]),
    ]
)

SPECS = ELEMENTWISE + ZERO_GRADIENT + REDUCTIONS + CREATION + LINALG + SHAPE_OPS + MATH


def _ids(specs):
    return [s.name for s in specs]


def _params(specs):
    return [
        pytest.param(s, id=s.name, marks=[pytest.mark.xfail(reason=s.xfail, strict=True)])
        if s.xfail
        else pytest.param(s, id=s.name)
        for s in specs
    ]


def test_names_are_unique():
    assert len(set(_ids(SPECS))) == len(SPECS)


def _check(spec: Spec, args: tuple, jit: bool) -> None:
    check_grads(spec.fn, args, spec.argnums, modes=("fwd", "rev"), rtol=RTOL, atol=ATOL, jit=jit)


@pytest.mark.parametrize("spec", _params(SPECS))
@PYTHON_SETTINGS
@given(data=st.data())
def test_rule_python(spec, data):
    _check(spec, data.draw(spec.strategy(), label="args"), jit=False)


@pytest.mark.parametrize("spec", _params([s for s in SPECS if not s.xfail]))
@settings(PYTHON_SETTINGS, max_examples=3)
@given(data=st.data())
def test_rule_jacobians_by_one_argument(spec, data):
    """``jacfwd`` and ``jacrev`` with respect to one argument, the others without tangents:
    the same matrix, of the output's shape then the argument's (``a + b`` with only ``a``
    moving has the tangent ``da`` spread to the shape ``b`` broadcasts the sum to)."""
    args = data.draw(spec.strategy(), label="args")
    k = (
        spec.argnums[0]
        if spec.argnums
        else next(j for j, a in enumerate(args) if isinstance(a, (float, np.ndarray)))
    )
    forward = s2s.jacfwd(spec.fn, argnums=k, jit=False)(*args)
    reverse = s2s.jacrev(spec.fn, argnums=k, jit=False)(*args)
    assert np.shape(forward) == np.shape(spec.fn(*args)) + np.shape(args[k])
    np.testing.assert_allclose(forward, reverse, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("spec", _params([s for s in SPECS if not s.xfail and not s.first_order]))
@settings(PYTHON_SETTINGS, max_examples=3)
@given(data=st.data())
def test_rule_second_order(spec, data):
    """Forward over reverse, as ``hessian`` runs it: the rule's adjoint, differentiated again
    by the rules of the runtime helpers it calls (``g * x / y`` of the 2-norm moves with
    ``y``; the 1-norm's ``g * sign(x)`` does not)."""
    args = data.draw(spec.strategy(), label="args")
    f = rf.sine_sum_of(spec.fn, len(args))
    check_grads(f, args, spec.argnums, order=2, rtol=1e-4, atol=1e-6, jit=False)


@pytest.mark.parametrize("spec", _params([s for s in SPECS if s.first_order]))
@settings(PYTHON_SETTINGS, max_examples=1)
@given(data=st.data())
def test_rule_refuses_second_order(spec, data):
    """A rule without second derivatives says so when a Hessian needs them: where it builds
    the Hessian's code, or where the code meets an order (of a norm) it has none for."""
    args = data.draw(spec.strategy(), label="args")
    f = rf.sine_sum_of(spec.fn, len(args))
    with pytest.raises((s2s.DifferentiationError, NotImplementedError), match=spec.first_order):
        s2s.hessian(f, jit=False)(*args)


# -- s2s.grad on scalar outputs: each entry weighted --------------------------------------------
def _numeric_gradient(f, args, k, h=1e-6):
    x = args[k]
    if not isinstance(x, np.ndarray):
        up, down = list(args), list(args)
        up[k], down[k] = x + h, x - h
        return (f(*up) - f(*down)) / (2 * h)
    out = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        up, down = list(args), list(args)
        up[k], down[k] = x.copy(), x.copy()
        up[k][idx] += h
        down[k][idx] -= h
        out[idx] = (f(*up) - f(*down)) / (2 * h)
    return out


@st.composite
def weighted(draw, name):
    """Arguments of ``rule_functions.w_<name>``, the last one the weights of the output."""
    rng = np.random.default_rng(draw(SEEDS))
    if name in ("sin", "exp_log"):
        (x,) = draw(ELEM)
        return (x, _fill(REAL, np.shape(x), draw(SEEDS)))
    if name in ("multiply", "divide"):
        a, b = draw(pair(REAL, AWAY_FROM_ZERO))
        return (a, b, rng.uniform(-1, 1, np.broadcast_shapes(np.shape(a), np.shape(b))))
    if name == "sum_axis":
        x = draw(values(REAL, SHAPES_1D_UP))[0]
        return (x, rng.uniform(-1, 1, x.shape[1:]))
    if name == "max_axis":
        x = draw(values(REAL, SHAPES_1D_UP))[0]
        return (x, rng.uniform(-1, 1, x.shape[:-1]))
    if name == "matmul":
        a, b = draw(matmul_pair())
        return (a, b, rng.uniform(-1, 1, np.shape(a @ b)))
    if name == "solve":
        a, b = draw(square(rhs=True))
        return (a, b, rng.uniform(-1, 1, b.shape))
    if name == "concatenate":
        a, b, _ = draw(joined("concatenate").filter(lambda t: t[2] in (0, -t[0].ndim)))
        return (a, b, rng.uniform(-1, 1, np.concatenate((a, b), axis=0).shape))
    if name == "where":
        c, a, b = draw(where_args())
        return (c, a, b, rng.uniform(-1, 1, np.broadcast_shapes(*map(np.shape, (c, a, b)))))
    raise AssertionError(name)


WEIGHTED = {
    "sin": (rf.w_sin, (0,)),
    "exp_log": (rf.w_exp_log, (0,)),
    "multiply": (rf.w_multiply, (0, 1)),
    "divide": (rf.w_divide, (0, 1)),
    "sum_axis": (rf.w_sum_axis, (0,)),
    "max_axis": (rf.w_max_axis, (0,)),
    "matmul": (rf.w_matmul, (0, 1)),
    "solve": (rf.w_solve, (0, 1)),
    "concatenate": (rf.w_concatenate, (0, 1)),
    "where": (rf.w_where, (1, 2)),
}


@pytest.mark.parametrize("name", sorted(WEIGHTED))
@PYTHON_SETTINGS
@given(data=st.data())
def test_grad_of_weighted_output(name, data):
    fn, argnums = WEIGHTED[name]
    args = data.draw(weighted(name), label="args")
    grads = s2s.grad(fn, argnums, jit=False)(*args)
    assert isinstance(grads, tuple) and len(grads) == len(argnums)
    for k, g in zip(argnums, grads):
        assert np.shape(g) == np.shape(args[k])
        expected = _numeric_gradient(fn, args, k)
        np.testing.assert_allclose(g, expected, rtol=1e-5, atol=1e-6, err_msg=f"argument {k}")


@PYTHON_SETTINGS
@given(args=scalars(REAL, POSITIVE))
def test_grad_of_math_expression(args):
    gx, gy = s2s.grad(rf.w_math, (0, 1), jit=False)(*args)
    np.testing.assert_allclose(gx, _numeric_gradient(rf.w_math, args, 0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gy, _numeric_gradient(rf.w_math, args, 1), rtol=1e-5, atol=1e-6)


# -- compiled by Numba: one number of dimensions per function ---------------------------------
@st.composite
def _two_d_pair(draw, second=REAL):
    shape = draw(_dims(2))
    return (_fill(REAL, shape, draw(SEEDS)), _fill(second, (1, shape[1]), draw(SEEDS), 1))


@st.composite
def _matrices(draw):
    m, k, n = draw(SIDES), draw(SIDES), draw(SIDES)
    return (_fill(REAL, (m, k), draw(SEEDS)), _fill(REAL, (k, n), draw(SEEDS), 1))


@st.composite
def _axis_of_2d(draw, domain=REAL):
    return (_fill(domain, draw(_dims(2)), draw(SEEDS)), 1)


@st.composite
def _solve_vector(draw):
    n = draw(SIDES)
    rng = np.random.default_rng(draw(SEEDS))
    return (_well_conditioned(rng, n), rng.uniform(-2.0, 2.0, n))


@st.composite
def _concatenate_2d(draw):
    m, n, p = draw(SIDES), draw(SIDES), draw(SIDES)
    return (_fill(REAL, (m, n), draw(SEEDS)), _fill(REAL, (p, n), draw(SEEDS), 1), 0)


def _trapezoid_2d(points):
    return trapezoid_args(points, _dims(2))


def _zero_d():
    return st.tuples(st.builds(_fill, st.just(REAL), st.just(()), SEEDS, st.just(0), st.just(True)))


NUMBA = [
    Spec("np.sin", rf.f_sin, [values(REAL, _dims(2))]),
    Spec("*", rf.f_multiply, [_two_d_pair()]),
    Spec("np.sum(axis=)", rf.f_sum_axis, [_axis_of_2d()]),
    Spec("np.max", rf.f_max, [values(REAL, _dims(2))]),
    Spec("np.max of a 0-d array", rf.f_max, [_zero_d()]),
    Spec("np.clip", rf.f_clip, [clip_args()]),  # a bound may be None
    Spec("@", rf.f_matmul_operator, [_matrices()]),
    Spec("np.linalg.solve", rf.f_solve, [_solve_vector()]),
    Spec("np.concatenate", rf.f_concatenate, [_concatenate_2d()]),
    Spec("np.outer, a number", rf.f_outer, [values(REAL, _dims(1)), scalars(REAL)]),
    Spec("math.atan2", rf.m_atan2, [scalars(AWAY_FROM_ZERO, AWAY_FROM_ZERO)]),
    Spec("math.erf", rf.m_erf, [scalars(REAL)]),
    Spec("math.copysign", rf.m_copysign, [scalars(AWAY_FROM_ZERO, AWAY_FROM_ZERO)]),
    Spec("math.lgamma", rf.m_lgamma, [scalars(NOT_POLE)]),
    Spec("np.linalg.eigh", rf.f_eigh, [separated()]),
    Spec("np.interp", rf.f_interp, [interp_args().filter(lambda a: np.ndim(a[0]) == 1)]),
    Spec("np.linalg.eigvalsh", rf.f_eigvalsh, [separated()]),
    Spec("np.linalg.eigvals", rf.f_eigvals, [separated()]),
    Spec("np.linalg.lstsq", rf.f_lstsq_residuals_and_values, [lstsq_args()]),
    Spec("np.linalg.pinv", rf.f_pinv, [full_rank()]),
    Spec("np.linalg.svd", rf.f_svd_vectors, [full_rank()]),
    Spec("np.linalg.qr", rf.f_qr, [lstsq_args().map(lambda ab: ab[:1])]),
    Spec(
        "np.linalg.matrix_power", rf.f_matrix_power, [square(), st.tuples(st.integers(-3, 3))], (0,)
    ),
    Spec("np.sinc", rf.f_sinc, [values(REAL, _dims(1))]),
    Spec("np.nan_to_num", rf.f_nan_to_num, [values(REAL, _dims(1))]),
    Spec("np.copysign", rf.f_copysign, [_two_d_pair()]),
    Spec("np.tril", rf.f_tril, [values(REAL, _dims(2))]),
    Spec("np.geomspace", rf.f_geomspace, [scalars(POSITIVE, POSITIVE)]),
    Spec("np.logspace", rf.f_logspace, [scalars(REAL, REAL)]),
    Spec("np.select", rf.f_select_default, [values(AWAY_FROM_HALF, _dims(1)), scalars(REAL)]),
    Spec("np.bincount(x, weights)", rf.f_bincount, [values(REAL, _dims(1))]),
    Spec("comparisons", rf.f_comparisons, [values(AWAY_FROM_ZERO, _dims(1))]),
    Spec(
        "np.diagflat", rf.f_diagflat, [values(REAL, _dims(1)), st.tuples(st.integers(-2, 2))], (0,)
    ),
    Spec(
        "np.cross", rf.f_cross, [cross_args().filter(lambda ab: ab[0].shape == ab[1].shape == (3,))]
    ),
    Spec("np.kron", rf.f_kron, [matrix(), matrix()]),
    Spec("np.convolve", rf.f_convolve, [two_vectors()]),
    Spec("np.correlate", rf.f_correlate, [two_vectors()]),
    Spec("np.quantile", rf.f_quantile, [quantile_args()]),
    Spec("np.median", rf.f_median, [distinct()]),
    Spec("np.average(weights=)", rf.f_average_weights, [same_length(1)]),
    Spec("np.ptp", rf.f_ptp, [distinct(min_size=2)]),
    Spec("np.nanmean", rf.f_nanmean, [distinct(nan=True)]),
    Spec("np.nanprod", rf.f_nanprod, [distinct(nan=True)]),
    Spec("np.nancumprod", rf.f_nancumprod, [distinct(nan=True)]),
    Spec("np.nanquantile", rf.f_nanquantile, [quantile_args(nan=True)]),
    Spec("np.quantile, an array of q", rf.f_quantile, [quantile_args(count=3)]),
    Spec("np.percentile, the quartiles", rf.f_interquartile_range, [distinct(min_size=3)]),
    Spec("np.resize to a matrix", rf.f_resize_matrix, [values(REAL, _dims(2))]),
    Spec("np.extract", rf.f_extract, [values(REAL, _dims(2))]),
    Spec(
        "np.ediff1d(x, to_end=, to_begin=)",
        rf.f_ediff1d_ends,
        [values(REAL, _dims(2)), values(REAL, _dims(1)), scalars(REAL)],
    ),
    Spec("np.histogram", rf.f_histogram_binned_mean, [binned_points()]),
    Spec("np.repeat", rf.f_repeat, [values(REAL, _dims(2))]),
    Spec("np.prod with zeros", rf.f_prod, [values(WITH_ZEROS, _dims(2))]),
    Spec("np.cumprod with zeros", rf.f_cumprod, [values(WITH_ZEROS, _dims(2))]),
    Spec("np.rot90", rf.f_rot90, [values(REAL, _dims(2)), st.tuples(st.integers(-3, 4))], (0,)),
    Spec("np.column_stack", rf.f_column_stack, [column_stack_args()]),
    Spec("np.dstack", rf.f_dstack, [dstack_args(mixed=False)]),
    Spec("np.trace(x, offset)", rf.f_trace_offset, [matrix()]),
    Spec("divmod", rf.m_divmod, [scalars(REAL, AWAY_FROM_ZERO)]),
    Spec("np.divmod", rf.f_divmod, [_two_d_pair(AWAY_FROM_ZERO)]),  # (no jump within reach)
    Spec("np.linalg.cond", rf.f_cond, [square()], first_order=COND_FIRST_ORDER),
    Spec(
        "np.linalg.cond(a, p)",
        rf.f_cond_order,
        [st.tuples(square(), st.sampled_from([1, -1, 2, -2])).map(lambda t: (t[0][0], t[1]))],
        first_order=COND_FIRST_ORDER,
    ),
    Spec("np.nanstd", rf.f_nanstd, [distinct(min_size=3, nan=True)]),
    Spec("np.vander", rf.f_vander, [values(REAL, _dims(1))]),
    Spec("np.take", rf.f_take, [take_args().filter(lambda a: a[0].ndim == 2)], (0,)),
    Spec("np.append", rf.f_append, [values(REAL, _dims(2)), values(REAL, _dims(1))]),
    Spec("sum(x, start)", rf.f_builtin_sum_start, [values(REAL, _dims(1)), scalars(REAL)]),
    Spec("sum([a, b])", rf.f_builtin_sum_of_numbers, [scalars(REAL, REAL)]),
    Spec("x.astype(np.int64)", rf.f_astype_int, [values(REAL, _dims(1))]),
    Spec("np.roll", rf.f_roll, [shift_args().filter(lambda a: a[0].ndim == 2)], (0,)),
    Spec("np.diff", rf.f_diff, [values(REAL, _dims(2).filter(lambda s: s[1] > 1))]),
    Spec("np.sort", rf.f_sort, [sort_args().filter(lambda a: a[0].ndim == 2).map(lambda a: a[:1])]),
    # Numba's partition orders a part's entries as NumPy's need not; with at most three entries
    # a row, partitioning at 1 sorts it (and central differences run NumPy's).
    Spec(
        "np.partition",
        rf.f_partition,
        [_partitioned().filter(lambda a: a[0].ndim == 2 and a[0].shape[-1] <= 3)],
    ),
    Spec("np.full_like", rf.f_full_like, [values(REAL, _dims(1)), scalars(REAL)]),
    Spec("np.linalg.norm ord=inf", rf.f_norm_inf, [matrix(AWAY_FROM_ZERO, ndims=(2,))]),
    Spec("np.linalg.norm ord=3", rf.f_norm_3, [matrix(AWAY_FROM_ZERO, ndims=(1,))]),
    Spec("np.linalg.norm ord=-2, matrix", rf.f_norm_minus_2, [matrix()]),
    Spec("np.arange(start, stop, step)", rf.f_arange, [scalars(REAL, POSITIVE)]),
    Spec("np.arange(stop)", rf.f_arange_stop, [scalars(NOT_WHOLE)]),
    Spec("np.linspace", rf.f_linspace, [scalars(REAL, REAL)]),
    Spec("np.random.normal", rf.f_random_normal, [scalars(REAL, POSITIVE)]),
    Spec("np.random.uniform", rf.f_random_uniform, [scalars(REAL, POSITIVE)]),
    Spec("np.trapezoid(dx=)", rf.f_trapezoid_step, [_trapezoid_2d("step")]),
    Spec("np.cov", rf.f_cov, [observations(st.integers(2, 3))]),
    Spec("np.cov of a row", rf.f_cov, [observations(st.just(0))]),
    Spec("np.cov(m, y=, ddof=2)", rf.f_cov_ddof, [observations(st.just(0), pair=True)]),
    Spec("np.corrcoef", rf.f_corrcoef, [observations(st.integers(2, 3))]),
    Spec("np.trapezoid(y, x), 1-D x", rf.f_trapezoid_points, [_trapezoid_2d("1-D")]),
    Spec("np.trapezoid(y=, x=, dx=)", rf.f_trapezoid_keywords, [_trapezoid_2d("and step")]),
]


@pytest.mark.parametrize("spec", _params(NUMBA))
@NUMBA_SETTINGS
@given(data=st.data())
def test_rule_numba(spec, data):
    _check(spec, data.draw(spec.strategy(), label="args"), jit=True)


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_lstsq_of_a_rank_deficient_matrix_is_refused(jit):
    a = np.array([[1.0, 2.0], [2.0, 4.0], [0.5, 1.0]])  # the columns are parallel
    b = np.array([1.0, 0.0, 2.0])
    with pytest.raises(NotImplementedError, match="full column rank"):
        s2s.jacrev(rf.f_lstsq, jit=jit)(a, b)


def test_quantiles_along_an_axis_are_refused():
    x = np.arange(6.0).reshape(2, 3)
    with pytest.raises(NotImplementedError, match="of a whole array"):
        s2s.grad(rf.f_median_axis, jit=False)(x)


def test_svd_refuses_the_vectors_full_matrices_adds():
    a = np.array([[2.0, 0.3], [0.1, 1.0], [0.4, -0.2]])  # U is 3 x 3: its last column is free
    with pytest.raises(NotImplementedError, match="full_matrices=False"):
        s2s.jacrev(rf.f_svd_extra_vectors, jit=False)(a)


def test_qr_of_a_wide_matrix_is_refused():
    with pytest.raises(NotImplementedError, match="at least as many rows"):
        s2s.jacrev(rf.f_qr_factor, jit=False)(np.array([[2.0, 0.3, 1.0], [0.1, 1.0, 0.5]]))
