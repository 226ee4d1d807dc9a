"""Adjoint helpers on numbers become arithmetic, only where the code proves they are numbers."""

from __future__ import annotations

import math
import textwrap

import gast
import numpy as np
import pytest

import s2s
from s2s.analysis.numbers import Numbers
from s2s.codegen.numbers import on_numbers
from s2s.codegen.printer import to_source


def rewritten(source: str) -> list[str]:
    tree = gast.parse(textwrap.dedent(source)).body[0]
    return [line.strip() for line in to_source(on_numbers(tree)).strip().splitlines()[1:]]


def test_arithmetic_of_literals_and_math_is_numbers():
    assert (
        rewritten(
            """
        def f(n):
            y = 1.0
            g = _s2s.grad_seed(y)
            by = 0.0
            for i in range(n):
                y = y * 2.0 + math.sin(y)
                by = _s2s.accumulate_into(by, _s2s.unbroadcast(g * y, y))
            return by
        """
        )[5]
        == "by = by + g * y"
    )


def test_math_arguments_and_indexed_values_are_numbers():
    # x[0] is indexed and math.cos takes numbers only: its adjoint is a number too.
    lines = rewritten(
        """
        def f(x):
            a = x[0]
            c = math.cos(a)
            g = _s2s.grad_seed(c)
            ba = _s2s.zeros_like(a)
            ba = _s2s.subtract_into(ba, _s2s.unbroadcast(g * math.sin(a), a))
            return ba
        """
    )
    assert lines[4] == "ba = ba - g * math.sin(a)"


def test_backwards_through_arithmetic():
    # a * b is an argument of math.exp: a and b are numbers, so is b's adjoint.
    lines = rewritten(
        """
        def f(x, y):
            a = x[0]
            b = y[1]
            c = math.exp(a * b)
            g = _s2s.grad_seed(c)
            bb = _s2s.zeros_like(b)
            bb = _s2s.accumulate_into(bb, _s2s.unbroadcast(g * a, b))
            return bb
        """
    )
    assert lines[5] == "bb = bb + g * a"


def test_demands_reach_back_through_a_loop():
    # math.exp(y) after the loop makes y a number: the element it starts from, every value the
    # loop gives it, and so its adjoint.
    lines = rewritten(
        """
        def f(x, n):
            y = x[0]
            for i in range(n):
                y = y * 0.5
            z = math.exp(y)
            g = _s2s.grad_seed(z)
            by = _s2s.zeros_like(y)
            by = _s2s.accumulate_into(by, _s2s.unbroadcast(g * z, y))
            return by
        """
    )
    assert lines[6] == "by = by + g * z"


def test_arrays_keep_their_helpers():
    source = """
        def f(x, w, g):
            z = x * w
            bw = _s2s.zeros_like(w)
            bw = _s2s.accumulate_into(bw, _s2s.unbroadcast(g * x, w))
            return bw
        """
    assert rewritten(source)[2] == "bw = _s2s.accumulate_into(bw, _s2s.unbroadcast(g * x, w))"


def test_arguments_may_be_0d_arrays():
    # x may be a 0-d array: its adjoint (zeros_like) is one too, and `bx + ...` would be a
    # number, a type a loop cannot carry; the share added to it may be rewritten.
    lines = rewritten(
        """
        def f(x, n, g):
            y = 0.0
            bx = _s2s.zeros_like(x)
            for i in range(n):
                y = y + x * x
                bx = _s2s.accumulate_into(bx, _s2s.unbroadcast(g * x, x))
            return bx
        """
    )
    assert lines[4] == "bx = _s2s.accumulate_into(bx, _s2s.unbroadcast(g * x, x))"


def test_tapes_of_numbers_are_written_by_index():
    lines = rewritten(
        """
        def f(x, n):
            _n1 = len(range(n))
            for i in range(n):
                a = x[i]
                b = math.sin(a)
                if i == 0:
                    _tape1 = _s2s.tape_alloc(b, _n1)
                _s2s.tape_put(_tape1, i, b)
            return b
        """
    )
    assert "_tape1[i] = b" in lines


def test_list_tapes_hold_what_is_appended():
    lines = rewritten(
        """
        def f(x, n):
            _tape1 = []
            b = 0.0
            for i in range(n):
                a = math.cos(x[i])
                _tape1.append(a)
            for i in range(n):
                _v1 = _tape1.pop()
                b = _s2s.accumulate_into(b, _s2s.unbroadcast(b * _v1, _v1))
            return b
        """
    )
    assert lines[-2] == "b = b + b * _v1"


@pytest.mark.parametrize(
    "construct",
    [
        "for i in range(n):\n        if i > 2:\n            break",
        "for i in range(n):\n        if i > 2:\n            continue",
        "if n > 2:\n        return y",
        "z = [y for _ in range(n)]",
        "h = lambda v: v + y",
    ],
)
def test_unanalysed_functions_are_left_alone(construct):
    source = f"""
def f(y, n, g):
    y = 1.0
    {construct}
    by = _s2s.accumulate_into(0.0, _s2s.unbroadcast(g * y, y))
    return by
"""
    tree = gast.parse(source).body[0]
    assert not Numbers(tree).analysed
    assert on_numbers(tree) is tree


def test_shared_call_nodes_need_numbers_everywhere():
    # One call node reached through two branches with different kinds stays a call.
    tree = gast.parse(
        textwrap.dedent(
            """
            def f(x, c, g):
                if c:
                    y = 1.0
                else:
                    y = x
                by = _s2s.accumulate_into(0.0, _s2s.unbroadcast(g, y))
                return by
            """
        )
    ).body[0]
    # y's two definitions reach one read: they share a kind, and x (an argument) may be a
    # 0-d array, so nothing here is known to be a number that is not a 0-d array.
    assert "_s2s.unbroadcast" in to_source(on_numbers(tree))


def loop_of_numbers(x, n):
    y = x
    for _ in range(n):
        y = y * 1.5 + math.sin(y)
    return y


def accumulated_in_a_loop(x, n):
    y = 0.0
    for _ in range(n):
        y = y + x * x
    return y


@pytest.mark.parametrize(
    "fn, x",
    [
        (loop_of_numbers, 0.7),
        (accumulated_in_a_loop, 0.7),
        (accumulated_in_a_loop, np.array(0.7)),  # loop_of_numbers takes no 0-d array: math.sin
    ],
    ids=["loop", "sum", "sum of a 0-d array"],
)
def test_compiled_gradients_take_numbers_and_0d_arrays(fn, x):
    expected = s2s.grad(fn, jit=False)(0.7, 4)
    got = s2s.jit(s2s.grad(fn))(x, 4)
    assert np.shape(got) == np.shape(x)
    assert float(got) == pytest.approx(expected, rel=1e-12)


def test_pendulum_style_loop_has_no_helper_calls_left():
    def stage(p, s, h, n):
        th, w = s[0], s[1]
        for _ in range(n):
            a = -p[0] * math.sin(th) - p[1] * w
            th = th + h * w
            w = w + h * a
        return th * th + w * w

    source = s2s.show(s2s.grad(stage, argnums=(0, 1)))
    for helper in ("unbroadcast", "accumulate_into", "subtract_into", "tape_put"):
        assert f"_s2s.{helper}" not in source, helper
    args = (np.array([1.0, 0.1]), np.array([0.3, 0.0]), 0.01, 50)
    compiled = s2s.jit(s2s.grad(stage, argnums=(0, 1)))(*args)
    plain = s2s.grad(stage, argnums=(0, 1), jit=False)(*args)
    for a, b in zip(compiled, plain):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert math.isfinite(float(compiled[0][0]))
