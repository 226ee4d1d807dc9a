"""``transforms/inline.py``: a call to a function that returns nothing, replaced by its body."""

from textwrap import dedent

import gast

from s2s.codegen.printer import to_source
from s2s.transforms.inline import inlined


def _inline(caller_source: str, callee_source: str) -> str:
    caller = gast.parse(dedent(caller_source)).body[0]
    callee = gast.parse(dedent(callee_source)).body[0]
    loop = caller.body[-1]
    loop.body = inlined(loop.body[0].value, callee, caller)
    return to_source(caller)


def test_names_are_used_as_they_are_or_bound_and_clashes_renamed():
    caller = """
        def outer(x, w, out):
            for b in range(3):
                element(b, out, w, x[b])
    """
    callee = """
        def element(k, out, w, x):
            t = x * w
            b = t + 1.0
            out[k] = b
    """
    assert _inline(caller, callee) == dedent("""\
        def outer(x, w, out):
            for b in range(3):
                x_1 = x[b]
                t = x_1 * w
                b_1 = t + 1.0
                out[b] = b_1
    """)


def test_a_parameter_the_body_rebinds_is_bound_first():
    caller = """
        def outer(a, n):
            for i in range(n):
                halve(a, i)
    """
    callee = """
        def halve(v, i):
            v = v / 2.0
            print(v, i)
    """
    assert "        v = a\n        v = v / 2.0\n        print(v, i)\n" in _inline(caller, callee)
