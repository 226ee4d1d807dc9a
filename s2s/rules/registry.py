"""The registry of reverse-mode rules: templates keyed by the canonical name of a function.

A rule is a parameter list and one expression per differentiable parameter, giving that
parameter's share of the output adjoint. In the expressions, ``g`` is the adjoint of the
output, ``y`` the output, and parameters stand for the values they had at the call::

    defvjp("np.sin", "x", x="g * np.cos(x)")
    defvjp("np.multiply", "x1, x2", x1="g * x2", x2="g * x1", broadcast=True)

``broadcast=True`` sums each share back to its parameter's shape (``_s2s.unbroadcast``).
A parameter with no expression gets no gradient (an axis, a shape, an integer index).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import gast

from ..gastutil import parse_expr


@dataclasses.dataclass(frozen=True)
class VJPRule:
    name: str
    params: tuple[str, ...]
    defaults: dict[str, Any]
    adjoints: dict[str, gast.AST]
    broadcast: bool = False
    size: gast.AST | None = None  # for sequence parameters: the extent of element `item`

    def bind(self, args: list, keywords: dict[str, Any]) -> dict[str, Any]:
        """Map parameter names to the call's arguments (then to defaults)."""
        if len(args) > len(self.params):
            raise TypeError(f"{self.name} takes at most {len(self.params)} arguments")
        bound = dict(zip(self.params, args))
        for key, value in keywords.items():
            if key not in self.params:
                raise TypeError(f"{self.name} has no parameter {key!r}")
            bound[key] = value
        for param in self.params:
            if param not in bound:
                if param not in self.defaults:
                    raise TypeError(f"{self.name} is missing argument {param!r}")
                bound[param] = gast.Constant(self.defaults[param], None)
        return bound


VJP_RULES: dict[str, VJPRule] = {}
ZERO_GRADIENT: set[str] = set()


def _parse_params(signature: str) -> tuple[tuple[str, ...], dict[str, Any]]:
    tree = gast.parse(f"def _({signature}): pass").body[0]
    args = tree.args
    names = tuple(a.id for a in args.args)
    defaults = {}
    for name, default in zip(names[len(names) - len(args.defaults) :], args.defaults):
        defaults[name] = default.value
    return names, defaults


def _strip_locations(node: gast.AST) -> gast.AST:
    for child in gast.walk(node):
        for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
            if hasattr(child, attr):
                setattr(child, attr, None)
    return node


def defvjp(
    names: str | list[str],
    signature: str,
    broadcast: bool = False,
    size: str | None = None,
    **adjoints: str,
) -> None:
    """Register the reverse-mode rule of the functions ``names`` (e.g. ``"np.sin"``).

    ``signature`` lists the parameters as in a ``def`` (with defaults); each keyword names a
    parameter and gives the expression of its share of the output adjoint ``g``.
    """
    params, defaults = _parse_params(signature)
    unknown = set(adjoints) - set(params)
    if unknown:
        raise ValueError(f"rule for {names}: {sorted(unknown)} are not parameters")
    parsed = {p: _strip_locations(parse_expr(src)) for p, src in adjoints.items()}
    for name in [names] if isinstance(names, str) else names:
        VJP_RULES[name] = VJPRule(
            name,
            params,
            defaults,
            parsed,
            broadcast,
            _strip_locations(parse_expr(size)) if size else None,
        )


def nondifferentiable(*names: str) -> None:
    """Functions whose output has zero derivative (or is not a real number)."""
    ZERO_GRADIENT.update(names)
