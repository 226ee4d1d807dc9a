"""Sparse Jacobians: the columns (or rows) of a Jacobian that can be computed together.

Given where a Jacobian may be non-zero, columns that share no row can go into one forward
pass: seeded with the sum of their unit vectors, the pass returns the sum of the columns, and
each row of it belongs to at most one of them. Grouping the columns greedily, in order,
gives as many groups as a banded matrix has diagonals (3 for a tridiagonal Hessian, against
one pass per variable). Reverse mode groups rows the same way, by the columns they share. A
Hessian's symmetry lets an entry be read from either of two passes, and a star colouring of
its columns needs fewer groups where a row is dense (``symmetric_groups``).

A :class:`Groups` holds what the generated code needs, as arrays bound into its module: one
seed per group, the pattern's entries in group order, and which rows (columns, for rows) each
group's passes may reach, so that a non-zero result anywhere else is reported as the
pattern's mistake instead of being dropped.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from .errors import DifferentiationError


@dataclasses.dataclass(frozen=True)
class Groups:
    """Columns of a Jacobian grouped for forward mode (``by_rows``: rows, for reverse mode).

    ``seeds[g]``: the sum of the unit vectors of group ``g``'s columns (rows). ``entries``:
    3 x nnz, each entry of the pattern as (row, column, which entry of a pass's result holds
    it), sorted by group; group ``g``'s are ``starts[g]:starts[g + 1]``. ``reached[g, i]``:
    whether entry ``i`` of a pass's result may be non-zero for group ``g``.
    """

    shape: tuple[int, int]
    seeds: np.ndarray
    entries: np.ndarray
    starts: np.ndarray
    reached: np.ndarray

    @property
    def count(self) -> int:
        return self.seeds.shape[0]


def as_pattern(sparsity: Any) -> np.ndarray:
    """The boolean matrix ``sparsity`` stands for: an array-like of booleans (or numbers,
    non-zero meaning may be non-zero) or a SciPy sparse matrix, 2-D."""
    if hasattr(sparsity, "toarray") and hasattr(sparsity, "nnz"):  # scipy.sparse
        sparsity = sparsity.toarray()
    try:
        pattern = np.asarray(sparsity)
    except Exception as exc:
        raise DifferentiationError(f"sparsity must be a 2-D array of booleans: {exc}") from None
    if pattern.ndim != 2:
        raise DifferentiationError(
            f"sparsity must be a 2-D array (output size x input size), not {pattern.ndim}-D"
        )
    if pattern.dtype.kind not in "biuf":
        raise DifferentiationError(
            f"sparsity must hold booleans (or numbers), not {pattern.dtype} values"
        )
    return pattern != 0


def column_groups(pattern: np.ndarray) -> Groups:
    """Groups of ``pattern``'s columns sharing no row, for forward mode."""
    return _groups(pattern, by_rows=False)


def row_groups(pattern: np.ndarray) -> Groups:
    """Groups of ``pattern``'s rows sharing no column, for reverse mode."""
    return _groups(pattern, by_rows=True)


def symmetric_groups(pattern: np.ndarray) -> Groups:
    """Groups of a Hessian's columns, using its symmetry: an entry ``H[i, j]`` may be read
    from the pass of ``j``'s group at row ``i``, or from the pass of ``i``'s group at row
    ``j``. Columns are grouped so that every entry can be read one way or the other (a star
    colouring: no path of four vertices in two colours), which needs fewer passes than
    :func:`column_groups` where one row is dense: an arrowhead takes 2, not one per column.
    The pattern is made symmetric first; where the star grouping saves nothing, the
    column grouping is used."""
    if pattern.shape[0] != pattern.shape[1]:
        raise DifferentiationError(
            f"a Hessian's sparsity pattern is square, not {pattern.shape[0]} x {pattern.shape[1]}"
        )
    pattern = pattern | pattern.T
    plain = column_groups(pattern)
    group = _star(pattern)
    count = int(group.max(initial=0)) + 1
    if count >= plain.count:
        return plain
    # in_row[i, g]: how many columns of group g have an entry in row i
    in_row = pattern.astype(np.int64) @ (group[:, None] == np.arange(count)).astype(np.int64)
    rows, cols = np.nonzero(pattern)
    by_column = in_row[rows, group[cols]] == 1  # H[i, j] from j's pass, row i
    by_row = in_row[cols, group[rows]] == 1  # H[j, i] from i's pass, row j: the same number
    if not np.all(by_column | by_row):  # not a star colouring after all
        return plain
    chosen = np.where(by_column, group[cols], group[rows])
    picks = np.where(by_column, rows, cols)
    return _assemble(pattern, group, rows, cols, picks, chosen, by_rows=False)


def _star(pattern: np.ndarray) -> np.ndarray:
    """A greedy star colouring of the graph whose edges are ``pattern``'s off-diagonal
    entries (after Gebremedhin, Manne and Pothen, SIAM Review 47, 2005): a vertex takes the
    lowest colour not used by its neighbours, nor by a vertex two steps away through an
    uncoloured neighbour, nor by one that would close a path of four vertices in two colours."""
    n = pattern.shape[0]
    adjacent = [[w for w in np.flatnonzero(pattern[v]).tolist() if w != v] for v in range(n)]
    color = [-1] * n
    for v in range(n):
        forbidden = set()
        for w in adjacent[v]:
            if color[w] >= 0:
                forbidden.add(color[w])
            for x in adjacent[w]:
                if x == v or color[x] < 0:
                    continue
                if color[w] < 0:
                    forbidden.add(color[x])
                elif any(color[y] == color[w] for y in adjacent[x] if y != w):
                    forbidden.add(color[x])
        c = 0
        while c in forbidden:
            c += 1
        color[v] = c
    return np.array(color, dtype=np.int64)


def _groups(pattern: np.ndarray, by_rows: bool) -> Groups:
    rows, cols = np.nonzero(pattern)
    # Grouped: columns (forward) or rows (reverse); each pass returns a row (column) index.
    grouped, picked = (rows, cols) if by_rows else (cols, rows)
    size = pattern.shape[0] if by_rows else pattern.shape[1]
    result_size = pattern.shape[1] if by_rows else pattern.shape[0]
    group = _greedy(grouped, picked, size, result_size)
    return _assemble(pattern, group, rows, cols, picked, group[grouped], by_rows)


def _assemble(pattern, group, rows, cols, picks, chosen, by_rows: bool) -> Groups:
    """The arrays of a grouping: ``group`` of each column (row, ``by_rows``); entry ``e`` of
    the pattern, ``(rows[e], cols[e])``, read at ``picks[e]`` from the pass of group
    ``chosen[e]``."""
    size = pattern.shape[0] if by_rows else pattern.shape[1]
    result_size = pattern.shape[1] if by_rows else pattern.shape[0]
    count = int(group.max()) + 1 if size else 1
    seeds = np.zeros((count, size))
    seeds[group, np.arange(size)] = 1.0
    order = np.argsort(chosen, kind="stable")
    entries = np.stack([rows[order], cols[order], picks[order]]).astype(np.int64).reshape(3, -1)
    starts = np.searchsorted(chosen[order], np.arange(count + 1)).astype(np.int64)
    # What a pass may reach: the entries of its group's columns (rows).
    grouped, picked = (rows, cols) if by_rows else (cols, rows)
    reached = np.zeros((count, result_size), dtype=np.bool_)
    reached[group[grouped], picked] = True
    return Groups(pattern.shape, seeds, entries, starts, reached)


def _greedy(grouped: np.ndarray, picked: np.ndarray, size: int, result_size: int) -> np.ndarray:
    """Each of ``size`` items (columns) the lowest group none of the items sharing a result
    entry (row) with it has, in order: deterministic, and optimal for banded patterns."""
    by_item: list[list[int]] = [[] for _ in range(size)]
    by_result: list[list[int]] = [[] for _ in range(result_size)]
    for item, result in zip(grouped.tolist(), picked.tolist()):
        by_item[item].append(result)
        by_result[result].append(item)
    group = np.zeros(size, dtype=np.int64)
    for item in range(size):
        taken = {group[other] for r in by_item[item] for other in by_result[r] if other < item}
        g = 0
        while g in taken:
            g += 1
        group[item] = g
    return group
