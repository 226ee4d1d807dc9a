"""The printer writes additions of negations as subtractions, which compute the same numbers."""

from __future__ import annotations

import gast
import numpy as np
import pytest

from s2s.codegen.printer import to_source

CASES = [
    ("a + -b", "a - b"),
    ("a - -b", "a + b"),
    ("a + -b * c", "a - b * c"),
    ("a + -(b + c) / d", "a - (b + c) / d"),
    ("a + -b ** 2", "a - b ** 2"),
    ("--a", "a"),
    ("-(-(-a))", "-a"),
    ("a + (-b) ** 2", "a + (-b) ** 2"),  # not a negation of the right operand
    ("a * -b", "a * -b"),
    ("-(-a * b)", "-(-a * b)"),
]


@pytest.mark.parametrize(("source", "printed"), CASES)
def test_signs(source, printed):
    assert to_source(gast.parse(source).body[0]).strip() == printed


@pytest.mark.parametrize(("source", "printed"), CASES)
def test_the_same_numbers(source, printed):
    rng = np.random.default_rng(0)
    names = {k: rng.normal(size=50) * 10.0 ** rng.integers(-300, 300, size=50) for k in "abcd"}
    names["a"][:3] = [0.0, -0.0, np.inf]
    with np.errstate(all="ignore"):
        want, got = eval(source, {}, names), eval(printed, {}, names)
    np.testing.assert_array_equal(got, want)
    assert np.array_equal(np.signbit(got), np.signbit(want))
