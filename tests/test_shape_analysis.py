"""Which variables may change shape: reverse mode refits their adjoints, and only theirs."""

from __future__ import annotations

import textwrap

import gast
import pytest

from s2s.analysis.definitions import analyse
from s2s.analysis.shapes import shape_varying


def varying(source: str) -> set[str]:
    tree = gast.parse(textwrap.dedent(source)).body[0]
    return shape_varying(analyse(tree))


def test_scalar_loop_code_keeps_its_shapes():
    # Rebinding in a loop is not enough: nothing here sets a shape from a value.
    assert not varying(
        """
        def f(p, h, n):
            a = p[0]
            for _ in range(n):
                d = a - p[1]
                c = math.cos(d)
                d = c * h
                a = a + d
            return a
        """
    )


def test_arrays_sized_once_keep_their_shapes():
    assert not varying(
        """
        def f(a):
            h = np.zeros(a.shape[1])
            for t in range(a.shape[0]):
                for j in range(a.shape[1]):
                    u = h[j] + a[t, j]
                    row = a[t, 1:] * u
                    h[j] = np.sum(row)
            return h
        """
    )


@pytest.mark.parametrize(
    "loop_body, expected",
    [
        ("t = x[:i] * w", {"t"}),
        ("t = x[i - 1 : 2 * i]", {"t"}),
        ("t = np.zeros(i) + w", {"t"}),
        ("t = x.reshape((i, -1))", {"t"}),
        ("u = x[:i]\n    t = np.exp(u) * w", {"t", "u"}),
        ("t = x[1:] * w", set()),
        ("t = x[i] * w", set()),
        ("t = np.sum(x[:i]) * w", set()),
    ],
)
def test_shapes_set_by_values_that_change_between_iterations(loop_body, expected):
    source = f"def f(x, w):\n  for i in range(1, 4):\n    {loop_body}\n    w = w + 1.0\n  return w"
    assert varying(source) == expected


def test_an_array_sliced_from_itself_shrinks():
    assert varying(
        """
        def f(x, w):
            a = x * w
            for _ in range(3):
                a = a[1:] * w
            return a
        """
    ) == {"a"}


def test_rebinding_to_slices_of_other_sizes():
    assert varying(
        """
        def f(x, w):
            t = x[:3] * w
            s = np.sum(t)
            t = x[:2] * w
            return s + np.sum(t)
        """
    ) == {"t"}


def test_elements_of_an_array_sized_by_values_keep_their_shape():
    # `s` is rebound at several places, from elements of `h` (sized by `n`): still numbers.
    assert not varying(
        """
        def f(W, b, n):
            h = np.zeros(n)
            loss = 0.0
            for i in range(n):
                s = b[i]
                for j in range(n):
                    s = s + W[i, j] * h[j]
                loss = loss + s
            return loss
        """
    )


def test_slices_of_arrays_rotated_by_name_keep_their_shapes():
    # Three time levels trade names each step; no slice is ever bound back into them, and
    # `_t1 = -1`, bound in the loop, is always -1.
    assert not varying(
        """
        def f(u0, c):
            u = u0 * 1.0
            up = u0 * 1.0
            for _ in range(5):
                un = 2.0 * u - up
                _t1 = -1
                inner = c * (u[2:] - 2.0 * u[1:_t1] + u[:-2])
                up = u
                u = un
            return u
        """
    )


def test_a_slice_bound_back_through_another_name_shrinks_the_array():
    assert varying(
        """
        def f(x, w):
            a = x * w
            for _ in range(3):
                b = a[1:]
                a = b * w
            return a
        """
    ) == {"a", "b"}
