"""Chained writes ``A[i][j] = v`` merged into ``A[i, j] = v`` only where that is the same
write (``s2s/frontend/chained.py``)."""

from __future__ import annotations

import textwrap

import astor
import gast
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from s2s.frontend.chained import merged_chains


def merged(source: str) -> str:
    tree = gast.parse(textwrap.dedent(source)).body[0]
    return astor.to_source(gast.gast_to_ast(merged_chains(tree)))


def test_a_new_array_indexed_by_counters_and_constants_is_merged():
    out = merged(
        """
        def f(x):
            a = np.zeros((2, 3, 3))
            for i in range(2):
                a[i][0][1:] = x
                a[1][i] += 1.0
        """
    )
    assert "a[i, 0, 1:] = x" in out and "a[1, i] += 1.0" in out


@pytest.mark.parametrize(
    "body",
    [
        "a = np.zeros((3, 3))\n    a[idx][0] = x",  # an index array: the write goes to a copy
        "a = np.zeros((3, 3))\n    a[-2:][0] = x",  # of an array shorter than 2: a[0]
        "a = np.zeros(6)\n    a[1:4][-2:] = x",  # a[2:4], or a[1:4] where a is shorter
        "a = np.zeros(6)\n    a[::2][1] = x",  # a step
        "a = np.zeros(6)\n    a[1:][i] = x",  # `i` may be negative
        "a = np.zeros((3, 3))\n    a[1:][..., 0] = x",  # `...` moves the axes
        "a = [np.zeros(3), np.zeros(3)]\n    a[0][1] = x",  # a list takes no tuple index
        "a = x\n    a[0][1] = x",  # not known to be an array
        "a = np.zeros((3, 3))\n    for i in range(3):\n        i = i + 1\n        a[i][0] = x",
    ],
)
def test_other_chains_stay_as_written(body):
    source = f"def f(x, idx):\n    {body}\n"
    assert merged(source) == astor.to_source(gast.gast_to_ast(gast.parse(source).body[0]))


def test_a_row_named_first_is_read_and_written_as_the_row():
    out = merged(
        """
        def f(x):
            a = np.zeros((3, 3))
            top = a[0]
            top *= x[0]
            for line in a:
                line[1] = 2.0
            for i in range(3):
                row = a[i]
                for j in range(3):
                    row[j] = x[j]
                s = np.sum(row)
        """
    )
    assert "top" not in out and "row" not in out and "line =" not in out
    assert "a[0] *= x[0]" in out and "a[i, j] = x[j]" in out and "s = np.sum(a[i])" in out
    assert "for _line1 in range(a.shape[0]):" in out and "a[_line1, 1] = 2.0" in out


@pytest.mark.parametrize(
    "body",
    [
        "a = np.zeros(3)\n    r = a[0]\n    a[0] = x",  # one dimension: r is a number, a copy
        "a = np.zeros((3, 3))\n    r = a[0]\n    a = x\n    r[1] = x",  # a bound twice
        "a = np.zeros_like(x)\n    r = a[0]\n    r[1] = x",  # dimensions not known
        "a = np.zeros((3, 3))\n    for i in range(3):\n        r = a[i]\n    r[0] = x",
        "a = np.zeros((3, 3))\n    for i in range(3):\n        r = a[i]\n        i = 2\n"
        "        r[0] = x",
        "a = np.zeros((3, 3))\n    r = a[idx]\n    r[0] = x",  # an index array: a copy
    ],
)
def test_other_rows_stay_as_written(body):
    source = f"def f(x, idx):\n    {body}\n"
    assert merged(source) == astor.to_source(gast.gast_to_ast(gast.parse(source).body[0]))


def test_a_part_named_first_is_written_as_one_index_of_the_array():
    out = merged(
        """
        def f(x):
            b = np.zeros(6)
            inner = b[1:-1]
            inner[:] = x[1:-1]
            tail = b[2:]
            for i in range(4):
                tail[i] = x[i]
            tail[-1] += 1.0
            a = np.zeros((4, 4))
            block = a[1:3, 1:3]
            block[:, 0] = x[:2]
            block[1, 1:] = x[2]
            for i in range(4):
                half = a[i, 2:]
                half[0] = x[i]
            return np.sum(inner) + np.sum(block)
        """
    )
    for written in (
        "b[1:-1] = x[1:-1]",
        "b[2 + i] = x[i]",
        "b[-1] += 1.0",
        "a[1:3, 1] = x[:2]",
        "a[2, 2:3] = x[2]",
        "a[i, 2] = x[i]",
        "np.sum(b[1:-1]) + np.sum(a[1:3, 1:3])",
    ):
        assert written in out
    assert "inner" not in out and "tail" not in out and "block" not in out


def test_an_array_updated_in_place_keeps_its_parts():
    out = merged(
        """
        def f(x):
            a = np.zeros(6)
            tail = a[2:]
            a *= x[0]
            tail[0] = x[1]
            return a
        """
    )
    assert "a[2] = x[1]" in out and "tail" not in out


def test_a_part_written_through_otherwise_stays_as_written():
    source = "def f(x, i):\n    b = np.zeros(6)\n    v = b[2:]\n    v[i] = x\n"
    assert merged(source) == astor.to_source(gast.gast_to_ast(gast.parse(source).body[0]))


_BOUNDS = [None, "1", "3", "-2", "i"], [None, "2", "-1", "i + 1"]
_ON_ONE_AXIS = [f"{lo or ''}:{hi or ''}" for lo in _BOUNDS[0] for hi in _BOUNDS[1]]
_ON_ONE_AXIS += ["0", "2", "-1", "i", "i + 1", "::2", "1::-1", "::1"]


def _writes_alike(shapes: list[tuple], outer: str, inner: str, counted: str) -> bool:
    """Whether ``a[outer][inner] = v``, merged, writes where it did into an ``a`` of each
    shape (or the program indexes out of bounds, and is not one that Numba compiles)."""
    source = (
        f"def f(shape, v):\n    a = np.zeros(shape)\n    for i in {counted}:\n"
        f"        a[{outer}][{inner}] = v\n    return a\n"
    )
    as_written, as_merged = {"np": np}, {"np": np}
    exec(source, as_written)
    exec(merged(source), as_merged)
    for shape in shapes:
        try:
            expected = as_written["f"](shape, 1.0)
        except (IndexError, TypeError):
            continue
        if not np.array_equal(as_merged["f"](shape, 1.0), expected):
            return False
    return True


def test_merged_chains_on_one_axis_write_where_the_chain_does():
    """Every pair of the indices above, on arrays shorter and longer than their bounds."""
    wrong = [
        (outer, inner, counted)
        for counted in ["range(3)", "range(-2, 2)"]
        for outer in _ON_ONE_AXIS
        for inner in _ON_ONE_AXIS
        if not _writes_alike([(1,), (5,)], outer, inner, counted)
    ]
    assert not wrong, wrong[:5]


_INDICES = st.sampled_from(_ON_ONE_AXIS)


@settings(max_examples=300, deadline=None)
@given(
    shape=st.lists(st.integers(1, 5), min_size=2, max_size=3).map(tuple),
    outer=st.lists(_INDICES, min_size=1, max_size=3).map(", ".join),
    inner=st.lists(_INDICES, min_size=1, max_size=3).map(", ".join),
    counted=st.sampled_from(["range(3)", "range(-2, 2)"]),
)
def test_merged_chains_on_several_axes_write_where_the_chain_does(shape, outer, inner, counted):
    assert _writes_alike([shape], outer, inner, counted)
