"""Sparse Jacobians and Hessians: ``sparsity=`` on ``jacfwd``, ``jacrev`` and ``hessian``.

The grouping (``s2s.sparsity``) is checked on its own (no two columns of a group share a row,
banded patterns need as many groups as diagonals); the derivatives against the dense ones, as
generated Python and compiled; a pattern that leaves out a non-zero the passes can see raises,
and bad patterns are refused with a message.
"""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import s2s
from s2s.errors import DifferentiationError, S2SError
from s2s.sparsity import as_pattern, column_groups, row_groups, symmetric_groups

N = 7


def chain(x):
    """Each output reads its own input and the one before: lower bidiagonal, plus a corner."""
    y = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        y[i] = np.sin(x[i]) * x[i - 1] + 0.5 * x[i] ** 2
    return y


def springs(x):
    """Neighbours coupled by quartic springs and a cosine term: a tridiagonal Hessian."""
    energy = 0.0
    for i in range(x.shape[0] - 1):
        stretch = x[i + 1] - x[i]
        energy += stretch**4 + np.cos(x[i]) * x[i + 1]
    return energy


def arrow(x, w):
    """Every output reads x[0]; output i also reads x[i]: an arrow-shaped Jacobian."""
    y = w * x * x
    y += np.tanh(x[0]) * x
    return y


def banded(n: int, below: int, above: int) -> np.ndarray:
    pattern = np.zeros((n, n), dtype=bool)
    for k in range(-below, above + 1):
        pattern |= np.eye(n, k=k, dtype=bool)
    return pattern


def chain_pattern(n: int = N) -> np.ndarray:
    pattern = banded(n, 1, 0)
    pattern[0, n - 1] = True  # x[i - 1] at i = 0 reads the last entry
    return pattern


def arrow_pattern(n: int = N) -> np.ndarray:
    pattern = np.eye(n, dtype=bool)
    pattern[:, 0] = True
    return pattern


def arrowhead_pattern(n: int = N) -> np.ndarray:
    pattern = np.eye(n, dtype=bool)
    pattern[0, :] = pattern[:, 0] = True
    return pattern


def _x(n: int = N, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=n)


# -- the grouping ---------------------------------------------------------------------------


def _check_groups(pattern: np.ndarray, by_rows: bool) -> None:
    groups = (row_groups if by_rows else column_groups)(pattern)
    seen = pattern.T if by_rows else pattern
    for seed in groups.seeds:
        members = np.flatnonzero(seed)
        assert seen[:, members].sum(axis=1).max(initial=0) <= 1  # no shared row (column)
    assert np.array_equal(groups.seeds.sum(axis=0), np.ones(seen.shape[1]))  # each once
    rows, cols, picks = groups.entries
    assert sorted(zip(rows, cols)) == sorted(zip(*np.nonzero(pattern)))
    assert np.array_equal(picks, cols if by_rows else rows)


def _patterns(square: bool = False):
    sizes = st.integers(1, 9)
    shapes = sizes.map(lambda n: (n, n)) if square else st.tuples(sizes, sizes)
    return shapes.flatmap(
        lambda shape: st.lists(
            st.booleans(), min_size=shape[0] * shape[1], max_size=shape[0] * shape[1]
        ).map(lambda cells: np.array(cells, dtype=bool).reshape(shape))
    )


def _recovered(groups, matrix: np.ndarray, by_rows: bool) -> np.ndarray:
    """What the generated loop assembles from one pass per group, done here with NumPy:
    each pass returns ``matrix @ seed`` (``seed @ matrix`` for rows)."""
    out = np.zeros(matrix.shape)
    for g, seed in enumerate(groups.seeds):
        values = seed @ matrix if by_rows else matrix @ seed
        assert not np.any(values[~groups.reached[g]])  # what set_group checks
        rows, cols, picks = groups.entries[:, groups.starts[g] : groups.starts[g + 1]]
        out[rows, cols] = values[picks]
    return out


@settings(max_examples=60, deadline=None)
@given(_patterns(), st.integers(0, 2**16))
def test_groups_share_no_row_and_cover_every_entry(pattern, seed):
    _check_groups(pattern, by_rows=False)
    _check_groups(pattern, by_rows=True)
    matrix = pattern * np.random.default_rng(seed).normal(size=pattern.shape)
    np.testing.assert_array_equal(_recovered(column_groups(pattern), matrix, False), matrix)
    np.testing.assert_array_equal(_recovered(row_groups(pattern), matrix, True), matrix)


@settings(max_examples=80, deadline=None)
@given(_patterns(square=True), st.integers(0, 2**16))
def test_symmetric_groups_recover_every_entry_of_a_symmetric_matrix(pattern, seed):
    symmetric = pattern | pattern.T
    values = np.random.default_rng(seed).normal(size=pattern.shape)
    matrix = symmetric * (values + values.T)
    groups = symmetric_groups(pattern)
    assert groups.count <= column_groups(symmetric).count
    np.testing.assert_allclose(_recovered(groups, matrix, False), matrix, rtol=1e-15)


def test_an_arrowhead_hessian_takes_two_passes_not_one_per_column():
    pattern = arrowhead_pattern(30)
    assert column_groups(pattern).count == 30
    assert symmetric_groups(pattern).count == 2


@pytest.mark.parametrize("below, above", [(0, 0), (1, 1), (2, 1), (0, 3)])
def test_a_banded_pattern_needs_one_group_per_diagonal(below, above):
    pattern = banded(30, below, above)
    assert column_groups(pattern).count == below + above + 1
    assert row_groups(pattern).count == below + above + 1


def test_an_empty_pattern_still_makes_one_pass():
    groups = column_groups(np.zeros((3, 4), dtype=bool))
    assert groups.count == 1 and groups.entries.shape == (3, 0)


def test_patterns_are_read_from_numbers_and_scipy_matrices():
    assert as_pattern([[0, 2.5], [1, 0]]).tolist() == [[False, True], [True, False]]
    sparse = pytest.importorskip("scipy.sparse")
    assert np.array_equal(as_pattern(sparse.csr_matrix(banded(5, 1, 1))), banded(5, 1, 1))


@pytest.mark.parametrize(
    "bad, message",
    [(np.ones(3), "2-D"), (np.array([["a", "b"]]), "booleans"), (np.ones((2, 2, 2)), "2-D")],
)
def test_bad_patterns_are_refused(bad, message):
    with pytest.raises(DifferentiationError, match=message):
        s2s.jacfwd(chain, sparsity=bad)


def test_a_pattern_describes_one_argument():
    with pytest.raises(DifferentiationError, match="argnums as an int"):
        s2s.jacfwd(arrow, argnums=(0, 1), sparsity=arrow_pattern())


# -- derivatives ----------------------------------------------------------------------------


@pytest.mark.parametrize("jac", [s2s.jacfwd, s2s.jacrev])
@pytest.mark.parametrize(
    "fn, pattern, args",
    [
        (chain, chain_pattern(), (_x(),)),
        (arrow, arrow_pattern(), (_x(), 0.7)),
    ],
)
def test_sparse_jacobians_equal_dense_ones(jac, fn, pattern, args):
    dense = jac(fn, jit=False)(*args)
    sparse = jac(fn, sparsity=pattern, jit=False)(*args)
    np.testing.assert_allclose(sparse, dense, rtol=1e-14, atol=0)


def shared_scale(x):
    """A global parameter x[0] scaling independent terms: an arrowhead Hessian."""
    s = 0.0
    for i in range(1, x.shape[0]):
        s += np.exp(x[0] * x[i]) + x[i] ** 4
    return s


def test_an_arrowhead_hessian_uses_its_symmetry():
    x = 0.3 * _x(9, seed=5)
    dense = s2s.hessian(shared_scale, jit=False)(x)
    for jit in (False, True):
        sparse = s2s.hessian(shared_scale, sparsity=arrowhead_pattern(9), jit=jit)(x)
        np.testing.assert_allclose(sparse, dense, rtol=1e-12, atol=1e-14)
    # the pattern's other triangle is implied
    lower = np.tril(arrowhead_pattern(9))
    np.testing.assert_allclose(s2s.hessian(shared_scale, sparsity=lower, jit=False)(x), dense)


def test_a_hessian_pattern_is_square():
    with pytest.raises(DifferentiationError, match="square"):
        s2s.hessian(springs, sparsity=np.ones((3, 4), dtype=bool))


def fan(s):
    y = np.empty(4)
    for i in range(4):
        y[i] = np.sin(s * (i + 1))
    return y


def squares(x):
    return np.sum(x * x)


@pytest.mark.parametrize("jit", [False, True])
def test_a_scalar_argument_or_output_is_a_pattern_of_one_column_or_row(jit):
    column = s2s.jacfwd(fan, sparsity=np.ones((4, 1), dtype=bool), jit=jit)(0.3)
    np.testing.assert_allclose(column, s2s.jacfwd(fan, jit=False)(0.3), rtol=1e-14)
    x = np.arange(5.0)
    row = s2s.jacrev(squares, sparsity=np.ones((1, 5), dtype=bool), jit=jit)(x)
    np.testing.assert_allclose(row, 2 * x, rtol=1e-14)


def test_sparse_hessian_equals_the_dense_one_and_compiles():
    x = _x(12, seed=3)
    pattern = banded(12, 1, 1)
    dense = s2s.hessian(springs, jit=False)(x)
    python = s2s.hessian(springs, sparsity=pattern, jit=False)(x)
    compiled = s2s.hessian(springs, sparsity=pattern)(x)
    np.testing.assert_allclose(python, dense, rtol=1e-14, atol=0)
    np.testing.assert_allclose(compiled, dense, rtol=1e-12, atol=1e-12)


def test_compiled_sparse_jacobians_take_one_pass_per_group():
    x = _x()
    jac = s2s.jacrev(chain, sparsity=chain_pattern())
    np.testing.assert_allclose(jac(x), s2s.jacrev(chain, jit=False)(x), rtol=1e-12)
    source = s2s.show(jac)
    assert "for _k in range(_seeds.shape[0]):" in source
    assert "_s2s.set_group(_flat0, _k, _adjoints[0], _entries, _starts, _reached)" in source
    # 7 columns in a cycle (the corner closes it): an odd cycle takes three groups
    assert column_groups(chain_pattern()).count == 3 == row_groups(chain_pattern()).count


def test_a_pattern_missing_a_reachable_entry_raises():
    """J[2, 1] is left out: column 1 then shares a group with columns none of which reaches
    row 2, and the pass finds a non-zero there."""
    pattern = chain_pattern()
    pattern[2, 1] = False
    groups = column_groups(pattern)
    assert not groups.reached[np.flatnonzero(groups.seeds[:, 1])[0], 2]
    for jit in (False, True):
        with pytest.raises(ValueError, match="non-zero entry where the sparsity pattern"):
            s2s.jacfwd(chain, sparsity=pattern, jit=jit)(_x())


def cancels(x):
    y = np.empty(3)
    y[0] = (0.1 * x[0] + 0.2 * x[1]) - 0.1 * x[0] - 0.2 * x[1]  # zero, column by column
    y[1] = np.sin(x[1])
    y[2] = x[2] * x[0]
    return y


def nan_outside(x):
    y = np.empty(2)
    y[0] = np.sqrt(x[0])  # NaN, and its derivative, below zero
    y[1] = x[1]
    return y


@pytest.mark.parametrize("jit", [False, True])
def test_rounding_outside_the_pattern_is_not_an_error_but_a_nan_is(jit):
    """A pass adds its group's columns together: (0.1 + 0.2) - 0.1 - 0.2 is 3e-17 where each
    column alone gives 0. A NaN where the pattern has nothing is reported."""
    x = np.array([0.3, 0.5, 0.7])
    dense = s2s.jacfwd(cancels, jit=False)(x)
    assert dense[0].tolist() == [0.0, 0.0, 0.0]
    sparse = s2s.jacfwd(cancels, sparsity=dense != 0, jit=jit)(x)
    np.testing.assert_allclose(sparse, dense, rtol=1e-15, atol=1e-15)
    with np.errstate(all="ignore"), pytest.raises(ValueError, match="non-zero entry"):
        s2s.jacfwd(nan_outside, sparsity=np.array([[False, False], [False, True]]), jit=jit)(
            np.array([-1.0, 1.0])
        )


def test_a_pattern_missing_entries_a_group_reaches_anyway_goes_unseen():
    """What the check cannot see, documented: with the diagonal alone every column is in one
    group, which reaches every row; the pass's sums are taken for the diagonal."""
    x = _x()
    wrong = s2s.jacfwd(chain, sparsity=np.eye(N, dtype=bool), jit=False)(x)
    dense = s2s.jacfwd(chain, jit=False)(x)
    np.testing.assert_allclose(np.diag(wrong), dense.sum(axis=1), rtol=1e-14)


@pytest.mark.parametrize("jac", [s2s.jacfwd, s2s.jacrev, s2s.hessian])
@pytest.mark.parametrize("jit", [False, True])
def test_a_pattern_for_another_argument_size_is_refused(jac, jit):
    fn = springs if jac is s2s.hessian else chain
    need = f"{N} x {N}" if jac is s2s.hessian else f"(output size) x {N}"
    message = re.escape(
        f"pattern is {N + 1} x {N + 1}, but argument 0 has {N} entries: "
        f"{jac.__name__} needs a pattern of {need}"
    )
    with pytest.raises(DifferentiationError, match=message):
        jac(fn, sparsity=banded(N + 1, 1, 1), jit=jit)(_x())


@pytest.mark.parametrize("jac", [s2s.jacfwd, s2s.jacrev])
def test_a_pattern_for_another_output_size_raises_in_the_generated_code(jac):
    """The output's size is known once the function has run: the helpers check it, and
    they check the argument's too where nothing checked it before (``s2s.jit`` of it)."""
    wrong_rows = np.ones((N + 1, N), dtype=bool)
    for call in (
        jac(chain, sparsity=wrong_rows, jit=False),
        s2s.jit(jac(chain, sparsity=wrong_rows)),
    ):
        with pytest.raises(ValueError, match="pattern's shape is not the Jacobian's"):
            call(_x())
    with pytest.raises(ValueError, match="pattern's shape is not the Jacobian's"):
        s2s.jit(jac(chain, sparsity=banded(N + 1, 1, 1)))(_x())


def test_sparse_jacobians_compose():
    """vmap over points, and a Jacobian and a gradient of a sparse Jacobian (forward and
    reverse mode over its loop)."""
    xs = np.stack([_x(seed=k) for k in range(3)])
    batched = s2s.vmap(s2s.jacfwd(chain, sparsity=chain_pattern(), jit=False), jit=False)(xs)
    for k in range(3):
        np.testing.assert_allclose(batched[k], s2s.jacfwd(chain, jit=False)(xs[k]), rtol=1e-14)
    sparse = s2s.jacfwd(sparse_column_sums, jit=False)(xs[0])
    dense = s2s.jacfwd(dense_column_sums, jit=False)(xs[0])
    np.testing.assert_allclose(sparse, dense, rtol=1e-12)
    # and reverse mode over the loop of groups
    sparse = s2s.grad(sparse_squares, jit=False)(xs[1])
    np.testing.assert_allclose(sparse, s2s.grad(dense_squares, jit=False)(xs[1]), rtol=1e-12)


sparse_jacobian = s2s.jacfwd(chain, sparsity=chain_pattern(), jit=False)
dense_jacobian = s2s.jacfwd(chain, jit=False)


def sparse_column_sums(x):
    return np.sum(sparse_jacobian(x), axis=0)


def dense_column_sums(x):
    return np.sum(dense_jacobian(x), axis=0)


def sparse_squares(x):
    jacobian = sparse_jacobian(x)
    return np.sum(jacobian * jacobian)


def dense_squares(x):
    jacobian = dense_jacobian(x)
    return np.sum(jacobian * jacobian)


def test_on_the_gpu_jacobians_take_no_pattern():
    pytest.importorskip("numba.cuda")
    hessian = s2s.hessian(springs, sparsity=banded(N, 1, 1))
    with pytest.raises(S2SError, match="no sparsity pattern"):
        s2s.jit(s2s.vmap(hessian), target="cuda")
