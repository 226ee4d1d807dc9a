"""Checks, in derivative code, that values are real where a derivative holds for real ones.

s2s takes the derivative of ``np.sign`` as zero: the sign is constant wherever it is defined
on the real line. Of a complex ``z`` it is ``z / |z|``, whose derivative is not zero. Before a
statement that calls such a function (``rules.ZERO_FOR_REAL``) on a value that carries
derivatives, reverse and forward mode put ``_s2s.require_real(z, "np.sign")``: nothing for
real values, and for complex ones an error rather than a derivative silently zero.
"""

from __future__ import annotations

import gast

from ..analysis.activity import call_name
from ..gastutil import call, clone, const, name_nodes, own_nodes
from ..rules import ZERO_FOR_REAL


def calls_real_only(node: gast.Call) -> bool:
    """Whether ``node`` calls a function whose derivative is zero for real values only."""
    return call_name(node) in ZERO_FOR_REAL


def real_checks(block: list[gast.stmt], k: int, active: set[str]) -> list[gast.stmt]:
    """The checks to run before ``block[k]`` (its own expressions, not its nested statements)
    that the statement before it does not make already (derivative code transformed again
    keeps its checks)."""
    checks = []
    for node in own_nodes(block[k]):
        if type(node) is not gast.Call or not node.args:
            continue
        name = call_name(node)
        if name in ZERO_FOR_REAL and any(n.id in active for n in name_nodes(node.args[0])):
            checks.append(gast.Expr(call("_s2s.require_real", clone(node.args[0]), const(name))))
    if checks and k > 0:
        made = gast.dump(block[k - 1])
        checks = [c for c in checks if gast.dump(c) != made]
    return checks
