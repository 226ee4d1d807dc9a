"""The moves pass: adjoint arrays handed on by name where the reverse sweep of a copy would
make new ones, only where no name could tell the difference."""

from __future__ import annotations

import textwrap

import gast
import pytest

from s2s.codegen.moves import moved_adjoints
from s2s.codegen.printer import to_source

SWAP = """
def f(u, v):
    b_t2 = bv
    bv = _s2s.zeros_like(bv)
    b_t1 = _s2s.save(bu)
    bu = _s2s.cleared(bu)
    bu = bu + b_t2
    bv = bv + b_t1
    return bu, bv
"""


def body(source: str) -> list[str]:
    tree = gast.parse(textwrap.dedent(source)).body[0]
    return [line.strip() for line in to_source(moved_adjoints(tree)).strip().splitlines()[1:]]


def test_the_reverse_of_a_swap_trades_the_adjoints_names():
    assert body(SWAP) == ["b_t2 = bv", "b_t1 = bu", "bu = b_t2", "bv = b_t1", "return bu, bv"]


@pytest.mark.parametrize(
    ("old", "new", "kept"),
    [
        # the share is read again: sharing its array would show
        ("return bu, bv", "return bu, bv, b_t2", "bu = bu + b_t2"),
        # another name holds `bu`'s array: it sees the clearing
        ("b_t1 = _s2s.save(bu)", "bw = bu\n    b_t1 = _s2s.save(bu)", "b_t1 = _s2s.save(bu)"),
        # `bv` is read between the move and its new zeros: the move is no array of its own
        ("bv = _s2s.zeros_like(bv)", "g = bv[0]\n    bv = _s2s.zeros_like(bv)", "bu = bu + b_t2"),
        # arithmetic: a real share may go into a complex adjoint's zeros
        ("b_t2 = bv", "b_t2 = bv * 2.0", "bu = bu + b_t2"),
    ],
    ids=["share-read-again", "adjoint-held", "moved-adjoint-read", "arithmetic"],
)
def test_a_copy_stays_where_a_name_could_tell(old, new, kept):
    assert kept in body(SWAP.replace(old, new))


def test_zeros_that_nothing_reads_before_they_are_replaced_go():
    assert body(
        """
        def f(z, g):
            bz = _s2s.zeros_like(z)
            bz = g * 2.0
            return bz
        """
    ) == ["bz = g * 2.0", "return bz"]


def test_zeros_read_before_they_are_replaced_stay():
    lines = body(
        """
        def f(z, g):
            bz = _s2s.zeros_like(z)
            _s2s.scatter_add(bz, 0, g)
            bz = g * 2.0
            return bz
        """
    )
    assert lines[0] == "bz = _s2s.zeros_like(z)"


ROTATION = """
def f(u0, g):
    if _n1 > 0:
        bun = _s2s.zeros_like(u0)
        bup = _s2s.zeros_like(u0)
        bu = _s2s.zeros_like(u0)
    bu = bu + g * 1.0
    for _ in range(_n1 - 1, -1, -1):
        bun = bun + bu
        bu = _s2s.cleared(bu)
        bu = bu + bup
        bup = _s2s.cleared(bup)
        bup = _s2s.subtract_into(bup, bun)
        bun = _s2s.zeros_like(bun)
        bu = _s2s.accumulate_into(bu, g * 2.0)
    return bu, bup
"""


def loop_body(source: str) -> list[str]:
    lines = body(source)
    start = next(k for k, line in enumerate(lines) if line.startswith("for "))
    return lines[start + 1 : start + 4]


def test_the_reverse_of_a_rotation_hands_the_adjoints_on_around_the_loop():
    # `up = u; u = un` reversed: each iteration starts with `bun` zeros (made before the
    # loop, and at the end of each iteration), which take `bu` as it is, `bu` then `bup`.
    assert loop_body(ROTATION) == ["bun = bu", "bu = bup", "bup = _s2s.zeros_like(bup)"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # `bun` is not zeros where an iteration ends
        ("        bun = _s2s.zeros_like(bun)\n", ""),
        # nor before the loop
        ("        bun = _s2s.zeros_like(u0)", "        bun = g * 1.0"),
        # the zeros are made where another count is positive
        ("    if _n1 > 0:", "    if _n2 > 0:"),
        # another name holds `bu`'s array: it would see the move
        ("    for _ in", "    bw = bu\n    for _ in"),
    ],
    ids=["not-zeros-at-the-end", "not-zeros-before", "another-count", "adjoint-held"],
)
def test_a_rotation_keeps_its_copies_where_an_iteration_may_not_start_from_zeros(old, new):
    assert old in ROTATION
    assert loop_body(ROTATION.replace(old, new))[0] == "bun = bun + bu"
