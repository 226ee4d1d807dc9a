"""Which names surely hold floating values: writes into the others pass derivatives through
``_s2s.kept_by``, which looks at the dtype as Numba compiles the code."""

from __future__ import annotations

import textwrap

import gast

from s2s.analysis.floating import floating_names


def floating(source: str, wrt: list[str]) -> set[str]:
    tree = gast.parse(textwrap.dedent(source)).body[0]
    return floating_names(tree, wrt)


def test_allocations_copies_and_arithmetic_of_floats_are_floating():
    found = floating(
        """
        def f(x, idx):
            a = np.zeros(3)
            b = np.empty_like(x)
            c = np.copy(x)  # x.copy(), as desugared
            d = idx * 2.0
            e = np.full(3, 0.5)
            f = np.concatenate((idx, x))
            g = np.asarray(np.arange(3), np.float32)  # x.astype(t), as desugared
            h = []
            h.append(x[0])
            for row in a:
                r = row
        """,
        ["x"],
    )
    assert {"x", "a", "b", "c", "d", "e", "f", "g", "h", "row", "r"} <= found


def test_what_may_hold_integers_is_not():
    found = floating(
        """
        def f(x, idx, n):
            a = np.full(3, 0)
            b = np.array([1, 2, 3])
            c = np.copy(idx)
            d = np.zeros_like(idx)
            e = np.arange(n)
            f = helper(x)
            g = x > 1.0
            h = np.zeros(3, dtype=np.int64)
            k = []
            k.append(1)
            m = np.copy(x)
            m = np.arange(3)  # one binding that may be integers is enough
            p, q = x, x
            r = np.asarray(x, np.int64)  # x.astype(np.int64), as desugared
            t = np.array(x, np.int64)
        """,
        ["x"],
    )
    assert found & set("abcdefghkmpq") == set()
    assert found & {"r", "t"} == set()
    assert "idx" not in found and "n" not in found


def test_a_loop_that_rebinds_keeps_both_names_floating():
    found = floating(
        """
        def f(u0):
            u = np.copy(u0)
            for _ in range(3):
                new = np.empty_like(u)
                u = new
        """,
        ["u0"],
    )
    assert {"u", "new"} <= found
