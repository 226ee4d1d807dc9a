"""Chained writes ``A[i][j] = v`` merged into ``A[i, j] = v`` only where that is the same
write (``s2s/frontend/chained.py``)."""

from __future__ import annotations

import textwrap

import astor
import gast
import pytest

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
        "a = np.zeros((3, 3))\n    a[1:][0] = x",  # a slice shifts the rows
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
