"""The registries of derivative rules: templates keyed by the canonical name of a function.

A reverse-mode rule is a parameter list and one expression per differentiable parameter,
giving that parameter's share of the output adjoint. In the expressions, ``g`` is the adjoint
of the output, ``y`` the output, and parameters stand for the values they had at the call::

    defvjp("np.sin", "x", x="g * np.cos(x)")
    defvjp("np.multiply", "x1, x2", x1="g * x2", x2="g * x1", broadcast=True)

``broadcast=True`` sums each share back to its parameter's shape (``_s2s.unbroadcast``).
A parameter with no expression gets no gradient (an axis, a shape, an integer index).

A forward-mode rule gives the output's tangent, with ``dx`` the tangent of parameter ``x``:
either one term per parameter (summed over the parameters that carry derivatives), or one
expression for all (``d``-names of the others are then zeros)::

    defjvp("np.dot", "a, b", a="np.dot(da, b)", b="np.dot(a, db)")
    defjvp("np.where", "condition, x, y", tangent="_s2s.where(condition, dx, dy)")

``elementwise`` registers both from one table line (the tangent term of ``x`` is the share
with ``g`` replaced by ``dx``), and ``deflinear`` the tangent of a function linear in some
parameters (``np.sum(dx, axis)``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import gast

from ..gastutil import parse_expr


@dataclasses.dataclass(frozen=True)
class Rule:
    name: str
    params: tuple[str, ...]
    defaults: dict[str, Any]

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


@dataclasses.dataclass(frozen=True)
class VJPRule(Rule):
    adjoints: dict[str, gast.AST] = dataclasses.field(default_factory=dict)
    broadcast: bool = False
    size: gast.AST | None = None  # for sequence parameters: the extent of element `item`


@dataclasses.dataclass(frozen=True)
class JVPRule(Rule):
    terms: dict[str, gast.AST] = dataclasses.field(default_factory=dict)  # param -> term
    tangent: gast.AST | None = None  # or one expression for the whole tangent


VJP_RULES: dict[str, VJPRule] = {}
JVP_RULES: dict[str, JVPRule] = {}
ZERO_GRADIENT: set[str] = set()
# share helper -> helper adding that share into an adjoint in place (``total`` first)
ACCUMULATE_INTO: dict[str, str] = {}


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
    parsed = _parse_terms(names, params, adjoints)
    for name in _names(names):
        VJP_RULES[name] = VJPRule(
            name,
            params,
            defaults,
            parsed,
            broadcast,
            _strip_locations(parse_expr(size)) if size else None,
        )


def defjvp(
    names: str | list[str], signature: str, tangent: str | None = None, **terms: str
) -> None:
    """Register the forward-mode rule of ``names``: per-parameter ``terms`` or one ``tangent``."""
    params, defaults = _parse_params(signature)
    if (tangent is None) == (not terms):
        raise ValueError(f"rule for {names}: give either terms or tangent")
    parsed = _parse_terms(names, params, terms)
    whole = _strip_locations(parse_expr(tangent)) if tangent else None
    for name in _names(names):
        JVP_RULES[name] = JVPRule(name, params, defaults, parsed, whole)


def elementwise(names: str | list[str], signature: str, broadcast: bool = False, **shares):
    """Both rules of an elementwise function from its shares: the tangent term of ``x`` is
    its share with the output adjoint ``g`` replaced by the tangent ``dx``."""
    defvjp(names, signature, broadcast=broadcast, **shares)
    terms = {}
    for param, share in shares.items():
        tree = _strip_locations(parse_expr(share))
        for node in gast.walk(tree):
            if isinstance(node, gast.Name) and node.id == "g":
                node.id = "d" + param
        terms[param] = tree
    params, defaults = _parse_params(signature)
    for name in _names(names):
        JVP_RULES[name] = JVPRule(name, params, defaults, terms, None)


def deflinear(names: str | list[str], signature: str, linear: str = "") -> None:
    """The tangent of a function linear in the parameters ``linear`` (default: the first):
    the function itself applied to their tangents."""
    params, _ = _parse_params(signature)
    linear_params = linear.split(",") if linear else [params[0]]
    linear_params = [p.strip() for p in linear_params]
    for name in _names(names):
        args = ", ".join("d" + p if p in linear_params else p for p in params)
        defjvp(name, signature, tangent=f"{name}({args})")


def _names(names: str | list[str]) -> list[str]:
    return [names] if isinstance(names, str) else list(names)


def _parse_terms(names, params, terms: dict[str, str]) -> dict[str, gast.AST]:
    unknown = set(terms) - set(params)
    if unknown:
        raise ValueError(f"rule for {names}: {sorted(unknown)} are not parameters")
    return {p: _strip_locations(parse_expr(src)) for p, src in terms.items()}


def definto(share: str, into: str) -> None:
    """``into(total, *args)`` adds ``share(*args)`` into ``total`` in place, without the
    temporary: derivative code calls it where a share of ``share`` meets an adjoint it owns."""
    ACCUMULATE_INTO[share] = into


def nondifferentiable(*names: str) -> None:
    """Functions whose output has zero derivative (or is not a real number)."""
    ZERO_GRADIENT.update(names)
