"""What operation an A-normal-form right-hand side performs, as a key into the rule tables."""

from __future__ import annotations

import gast

from ..analysis.activity import call_name

OPERATORS = {
    gast.Add: "+",
    gast.Sub: "-",
    gast.Mult: "*",
    gast.Div: "/",
    gast.Pow: "**",
    gast.Mod: "%",
    gast.MatMult: "@",
    gast.FloorDiv: "//",
}
UNARY = {gast.USub: "neg", gast.UAdd: "pos"}


def operation(value: gast.AST) -> tuple[str | None, list, dict]:
    """``(rule key, positional operands, keyword operands)``: ``("*", [a, b], {})`` for
    ``a * b``, ``("np.sum", [x], {"axis": 0})`` for ``np.sum(x, axis=0)``; a copy ``y = x`` is
    the identity ``"pos"``."""
    if isinstance(value, gast.Name):
        return "pos", [value], {}
    if isinstance(value, gast.BinOp):
        return OPERATORS.get(type(value.op)), [value.left, value.right], {}
    if isinstance(value, gast.UnaryOp):
        return UNARY.get(type(value.op)), [value.operand], {}
    if isinstance(value, gast.Call):
        return call_name(value), list(value.args), {k.arg: k.value for k in value.keywords}
    return None, [], {}
