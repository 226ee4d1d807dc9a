"""``analysis/order.py``: which statements may run before which in structured code."""

from __future__ import annotations

import gast

from s2s.analysis.order import Order

SOURCE = """
def f(x):
    a = 1.0
    for i in range(3):
        b = a
        if x > 0.0:
            c = b
        d = c
    e = d
"""


def statements():
    tree = gast.parse(SOURCE).body[0]
    named = {}
    for node in gast.walk(tree):
        if isinstance(node, gast.Assign):
            named[node.targets[0].id] = node
    return tree, named


def test_above_in_the_source_or_in_a_common_loop_may_run_before():
    tree, s = statements()
    order = Order(tree)
    assert order.may_precede(s["a"], s["e"])
    assert not order.may_precede(s["e"], s["a"])
    assert order.may_precede(s["d"], s["b"])  # the loop's next iteration
    assert not order.may_precede(s["e"], s["b"])


def test_runs_before_lists_the_blocks_around_a_statement_innermost_first():
    tree, s = statements()
    order = Order(tree)
    branch = tree.body[1].body[1]  # the `if`
    assert list(order.runs_before(s["c"])) == [s["b"], s["a"]]  # the `if` holds `c` itself
    assert list(order.runs_before(s["d"])) == [s["b"], branch, s["a"]]
    assert list(order.runs_before(s["e"])) == [s["a"], tree.body[1]]
