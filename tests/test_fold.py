"""The fold pass: single-use temporaries go back into expressions, only where that is safe."""

from __future__ import annotations

import textwrap

import gast
import pytest

from s2s.codegen.fold import fold_temporaries
from s2s.codegen.printer import to_source


def fold(source: str) -> str:
    tree = gast.parse(textwrap.dedent(source)).body[0]
    return to_source(fold_temporaries(tree)).strip()


def body(source: str) -> list[str]:
    return [line.strip() for line in fold(source).splitlines()[1:]]


def test_chain_folds_into_one_expression():
    assert body(
        """
        def f(x, w, b):
            _t2 = x @ w
            _t1 = _t2 + b
            h = np.tanh(_t1)
            return h
        """
    ) == ["h = np.tanh(x @ w + b)", "return h"]


def test_precedence_is_kept():
    assert body(
        """
        def f(a, b, c):
            _t1 = a + b
            _t2 = _t1 * c
            return _t2
        """
    ) == ["return (a + b) * c"]


def test_temporaries_read_twice_stay():
    assert body(
        """
        def f(a):
            _t1 = a * 2.0
            return _t1 + _t1
        """
    ) == ["_t1 = a * 2.0", "return _t1 + _t1"]


def test_negated_adjoints_fold_into_each_arithmetic_read():
    assert body(
        """
        def f(b_t1, z, w):
            b_t3 = -b_t1
            bz = b_t3 * w
            bw = b_t3 * z + b_t3
            return bz, bw
        """
    ) == ["bz = -b_t1 * w", "bw = -b_t1 * z - b_t1", "return bz, bw"]


@pytest.mark.parametrize(
    ("reads", "kept"),
    [
        # a read that is no operand of arithmetic
        ("bz = b_t3 * w\n    bw = np.dot(b_t3, z)", "bw = np.dot(b_t3, z)"),
        # the negated name changes before the second read
        ("bz = b_t3 * w\n    b_t1 = w\n    bw = b_t3 * z", "bw = b_t3 * z"),
        # a read in a loop
        ("bz = b_t3 * w\n    for i in range(3):\n        bw = b_t3 * z", "bw = b_t3 * z"),
    ],
)
def test_negated_adjoints_stay_where_a_read_cannot_take_them(reads, kept):
    text = fold(f"def f(b_t1, z, w):\n    b_t3 = -b_t1\n    {reads}\n    return bz, bw\n")
    assert "b_t3 = -b_t1" in text and kept in text


def test_copies_fold_into_every_read():
    assert body(
        """
        def f(b_t1, bx, by, x, y):
            b_t2 = b_t1
            bx = bx + b_t2 * y
            by = by + b_t2 * x
            _s2s.scatter_add(bx, 0, b_t2)
            return bx, by
        """
    ) == [
        "bx = bx + b_t1 * y",
        "by = by + b_t1 * x",
        "_s2s.scatter_add(bx, 0, b_t1)",
        "return bx, by",
    ]


@pytest.mark.parametrize(
    ("repeat", "kept"),
    [("b_t3 = b_t2", "b_t3 = b_t1 * 0.5 / r"), ("b_t3 = -b_t2", "b_t3 = -(b_t1 * 0.5 / r)")],
    ids=["copy", "negation"],
)
def test_a_value_is_not_repeated_through_a_copy_or_negation_read_twice(repeat, kept):
    # The square root's adjoint, handed on by a sum to both its operands: folded into the
    # copy, then the copy into its reads, it would be computed (a division) at each read.
    assert body(
        f"""
        def f(b_t1, r, x, y):
            b_t2 = b_t1 * 0.5 / r
            {repeat}
            bx = b_t3 * x
            by = b_t3 * y
            return bx, by
        """
    ) == [kept, "bx = b_t3 * x", "by = b_t3 * y", "return bx, by"]


def test_a_copy_stays_where_its_name_changes_before_a_read():
    text = fold(
        """
        def f(bx, y):
            b_t2 = bx
            by = b_t2 * y
            bx = _s2s.zeros_like(bx)
            return by + b_t2
        """
    )
    assert "b_t2 = bx" in text and "return by + b_t2" in text and "by = b_t2 * y" in text


def test_a_copy_folds_into_all_its_reads_or_none():
    assert body(
        """
        def f(bloss, bd, x, y):
            b_t12 = bloss
            bd = _s2s.accumulate_into(bd, b_t12 * x)
            bd = _s2s.accumulate_into(bd, b_t12 * y)
            _t1 = x * 2.0
            return bd, _t1 + y
        """
    ) == [
        "b_t12 = bloss",
        "bd = _s2s.accumulate_into(bd, b_t12 * x)",
        "bd = _s2s.accumulate_into(bd, b_t12 * y)",
        "return bd, x * 2.0 + y",
    ]


@pytest.mark.parametrize(
    "between",
    [
        "a[0] = 5.0",  # writes into the array the value reads
        "_s2s.scatter_add(a, 0, 1.0)",  # a call for its effect
        "a = _s2s.cleared(a)",  # a helper that writes into its argument
        "a = a + 1.0",  # rebinds an operand
        "for i in range(3):\n            pass",  # a loop
    ],
)
def test_nothing_that_may_change_an_operand_is_crossed(between):
    source = f"""
    def f(a):
        _t1 = a * 2.0
        {between}
        return _t1
    """
    assert "_t1 = a * 2.0" in fold(source)


def test_unrelated_assignments_and_tapes_are_crossed():
    assert body(
        """
        def f(a, b, tape, i):
            _t1 = a * 2.0
            c = b + 1.0
            _s2s.tape_put(tape, i, c)
            if i == 0:
                tape2 = _s2s.tape_alloc(c, 3)
            return _t1 + c
        """
    ) == [
        "c = b + 1.0",
        "_s2s.tape_put(tape, i, c)",
        "if i == 0:",
        "tape2 = _s2s.tape_alloc(c, 3)",
        "return a * 2.0 + c",
    ]


def test_not_into_loop_bodies_or_while_tests():
    source = """
    def f(a, n):
        _t1 = a * 2.0
        for i in range(n):
            a = _t1
        _t2 = n > 0
        while _t2:
            _t2 = False
        return a
    """
    text = fold(source)
    assert "_t1 = a * 2.0" in text and "while _t2:" in text


def test_effects_and_random_numbers_are_not_moved():
    source = """
    def f(a, n):
        _t1 = np.random.normal()
        _t2 = helper(a)
        b = np.random.normal()
        return _t1 + _t2 + b
    """
    text = fold(source)
    assert "_t1 = np.random.normal()" in text and "_t2 = helper(a)" in text


def test_folds_inside_nested_blocks_and_headers():
    assert body(
        """
        def f(a, n):
            _t1 = n - 1
            for i in range(_t1):
                _t2 = a[i] * 2.0
                a[i] = _t2
            return a
        """
    ) == ["for i in range(n - 1):", "a[i] = a[i] * 2.0", "return a"]


@pytest.mark.parametrize("call", ["np.sin(x, y)", "np.sin(x, out=y)", "np.add(x, 1.0, y)"])
def test_a_call_writing_into_its_out_stays_where_it_runs(call):
    # Folded into the return, the write into y would come after `z = y[0]` reads it.
    assert body(
        f"""
        def f(x, y):
            _t1 = {call}
            z = y[0]
            return _t1 + z
        """
    ) == [f"_t1 = {call}", "z = y[0]", "return _t1 + z"]


def test_the_input_tree_is_left_as_it_was():
    # The folded function shares the statements and subtrees the folds leave alone.
    tree = gast.parse(
        textwrap.dedent(
            """
            def f(a, b, n):
                _t1 = a * 2.0
                _t2 = _t1 + b
                if n > 0:
                    c = np.sin(_t2) + a
                b_t3 = -b
                return c * b_t3 + b_t3
            """
        )
    ).body[0]
    before = gast.dump(tree)
    folded = to_source(fold_temporaries(tree))
    assert gast.dump(tree) == before
    assert "_t2 = a * 2.0 + b" in folded and "return c * -b - b" in folded
