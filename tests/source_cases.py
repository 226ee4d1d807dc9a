"""Functions whose source s2s reads: the block of a ``def`` is not always where its indentation
says (strings and brackets may run on at a lesser indent). Laid out by hand: no formatting."""

# fmt: off

import numpy as np


def tag(label):
    def apply(fn):
        return fn

    return apply


def plain(x):
    return x * 2.0


@tag("first")
@tag("second")
def decorated(x):
    return x + 1.0


def string_at_margin(x):
    note = """
a line at the margin, inside a string
"""
    return x * len(note)


def bracket_at_margin(x):
    y = np.array([x,
x])  # noqa: E128
    return np.sum(y)


def commented(x):
    y = x * 3.0
# a comment at the margin, inside the body
    return y
    # a comment after the last statement


class Holder:
    def method(self, x):
        return x - 1.0


def one_line(x): return x * x  # noqa: E704
