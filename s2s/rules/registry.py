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

import ast
import dataclasses
import functools
from typing import Any

import gast

from ..gastutil import parse_expr


@dataclasses.dataclass(frozen=True)
class Rule:
    name: str
    params: tuple[str, ...]
    defaults: dict[str, Any]
    # a keyword of the function -> the parameter the templates call it, where its own name
    # would read as another parameter's tangent (np.trapezoid's ``dx``)
    keywords: dict[str, str] = dataclasses.field(default_factory=dict, kw_only=True)

    def bind(self, args: list, keywords: dict[str, Any]) -> dict[str, Any]:
        """Map parameter names to the call's arguments (then to defaults)."""
        if len(args) > len(self.params):
            raise TypeError(f"{self.name} takes at most {len(self.params)} arguments")
        bound = dict(zip(self.params, args))
        for key, value in keywords.items():
            param = self.keywords.get(key)
            if param is None and key in self.params and key not in self.keywords.values():
                param = key
            if param is None:
                raise TypeError(f"{self.name} has no parameter {key!r}")
            bound[param] = value
        for param in self.params:
            if param not in bound:
                if param not in self.defaults:
                    raise TypeError(f"{self.name} is missing argument {param!r}")
                bound[param] = gast.Constant(self.defaults[param], None)
        return bound


# Rules keep their expressions as source and parse them on first use: a transformation needs a
# few of the hundreds of rules, and parsing them all made up half of ``import s2s``.


@dataclasses.dataclass(frozen=True)
class VJPRule(Rule):
    share_sources: dict[str, str] = dataclasses.field(default_factory=dict)  # param -> share
    broadcast: bool = False
    size_source: str | None = None  # for sequence parameters: the extent of element `item`

    @functools.cached_property
    def adjoints(self) -> dict[str, gast.AST]:
        """Each differentiable parameter's share of the output adjoint ``g``."""
        return {param: _template(source) for param, source in self.share_sources.items()}

    @functools.cached_property
    def size(self) -> gast.AST | None:
        return _template(self.size_source) if self.size_source else None


@dataclasses.dataclass(frozen=True)
class JVPRule(Rule):
    term_sources: dict[str, str] = dataclasses.field(default_factory=dict)  # param -> term
    tangent_source: str | None = None  # or one expression for the whole tangent
    # for rules made from reverse-mode shares: parameter -> the name standing for its tangent,
    # which the shares call ``g``
    tangent_names: dict[str, str] = dataclasses.field(default_factory=dict)
    broadcast: bool = False  # operands broadcast: a term alone may lack the output's shape

    @functools.cached_property
    def terms(self) -> dict[str, gast.AST]:
        """Each parameter's term of the tangent (the tangents of the others as zeros)."""
        return {
            param: _template(source, self.tangent_names.get(param))
            for param, source in self.term_sources.items()
        }

    @functools.cached_property
    def term_reads(self) -> dict[str, set[str]]:
        """The names each parameter's term reads."""
        return {
            param: {n.id for n in gast.walk(term) if isinstance(n, gast.Name)}
            for param, term in self.terms.items()
        }

    @functools.cached_property
    def tangent(self) -> gast.AST | None:
        return _template(self.tangent_source) if self.tangent_source else None


VJP_RULES: dict[str, VJPRule] = {}
JVP_RULES: dict[str, JVPRule] = {}
ZERO_GRADIENT: set[str] = set()
# Of those, the functions whose derivative is zero for real arguments only (``np.sign`` of a
# complex ``z`` is ``z / |z|``): derivative code checks that such an argument is real.
ZERO_FOR_REAL: set[str] = set()
# helper of derivative code -> why forward mode cannot differentiate it (no second derivatives)
FIRST_ORDER: dict[str, str] = {}
# share helper -> helper adding that share into an adjoint in place (``total`` first)
ACCUMULATE_INTO: dict[str, str] = {}


def _template(source: str, g_name: str | None = None) -> gast.AST:
    """A rule's expression as a tree without positions (``g`` renamed to ``g_name``)."""
    tree = parse_expr(source)
    for node in gast.walk(tree):
        for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
            if hasattr(node, attr):
                setattr(node, attr, None)
        if g_name is not None and isinstance(node, gast.Name) and node.id == "g":
            node.id = g_name
    return tree


@functools.cache
def _parse_params(signature: str) -> tuple[tuple[str, ...], dict[str, Any]]:
    args = ast.parse(f"def _({signature}): pass").body[0].args
    names = tuple(a.arg for a in args.args)
    defaults = {}
    for name, default in zip(names[len(names) - len(args.defaults) :], args.defaults):
        defaults[name] = ast.literal_eval(default)
    return names, defaults


def _parsed(source: str) -> ast.AST | None:
    try:
        return ast.parse(source, mode="eval").body
    except SyntaxError:
        return None  # reported by _checked


def _checked(names, source: str) -> str:
    """``source`` once it parses as an expression: a wrong rule fails where it is registered."""
    try:
        ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"rule for {names}: {source!r} is not an expression: {exc.msg}") from None
    return source


def defvjp(
    names: str | list[str],
    signature: str,
    broadcast: bool = False,
    size: str | None = None,
    keywords: dict[str, str] | None = None,
    **adjoints: str,
) -> None:
    """Register the reverse-mode rule of the functions ``names`` (e.g. ``"np.sin"``).

    ``signature`` lists the parameters as in a ``def`` (with defaults); each keyword names a
    parameter and gives the expression of its share of the output adjoint ``g``.
    ``keywords`` maps a keyword of the function to the parameter that stands for it.
    """
    params, defaults = _parse_params(signature)
    shares = _checked_terms(names, params, adjoints)
    size = _checked(names, size) if size else None
    renamed = _checked_keywords(names, params, keywords)
    for name in _names(names):
        VJP_RULES[name] = VJPRule(name, params, defaults, shares, broadcast, size, keywords=renamed)


def defjvp(
    names: str | list[str],
    signature: str,
    tangent: str | None = None,
    broadcast: bool = False,
    keywords: dict[str, str] | None = None,
    **terms: str,
) -> None:
    """Register the forward-mode rule of ``names``: per-parameter ``terms`` or one ``tangent``.

    ``broadcast=True``: the operands broadcast against each other, so a term that reads
    neither the output ``y`` nor an operand without a tangent is spread to the shape that
    operand gives the output (``dx1`` of ``x1 + x2`` with only ``x1`` moving).
    ``keywords`` maps a keyword of the function to the parameter that stands for it.
    """
    params, defaults = _parse_params(signature)
    _checked_tangent_names(names, params)
    if (tangent is None) == (not terms):
        raise ValueError(f"rule for {names}: give either terms or tangent")
    if len(terms) > 1 and any(isinstance(_parsed(t), ast.Tuple) for t in terms.values()):
        raise ValueError(
            f"rule for {names}: a tuple-valued function takes one tangent= (its terms would "
            "be joined by `+`, as tuples are)"
        )
    checked = _checked_terms(names, params, terms)
    whole = _checked(names, tangent) if tangent else None
    renamed = _checked_keywords(names, params, keywords)
    for name in _names(names):
        JVP_RULES[name] = JVPRule(
            name, params, defaults, checked, whole, {}, broadcast, keywords=renamed
        )


def elementwise(names: str | list[str], signature: str, broadcast: bool = False, **shares):
    """Both rules of an elementwise function from its shares: the tangent term of ``x`` is
    its share with the output adjoint ``g`` replaced by the tangent ``dx``."""
    defvjp(names, signature, broadcast=broadcast, **shares)
    params, defaults = _parse_params(signature)
    _checked_tangent_names(names, params)
    tangent_names = {param: "d" + param for param in shares}
    for name in _names(names):
        JVP_RULES[name] = JVPRule(name, params, defaults, shares, None, tangent_names, broadcast)


def deflinear(names: str | list[str], signature: str, linear: str = "") -> None:
    """The tangent of a function linear in the parameters ``linear`` (default: the first):
    the function itself applied to their tangents."""
    params, _ = _parse_params(signature)
    linear_params = linear.split(",") if linear else [params[0]]
    linear_params = [p.strip() for p in linear_params]
    for name in _names(names):
        args = ", ".join("d" + p if p in linear_params else p for p in params)
        defjvp(name, signature, tangent=f"{name}({args})")


def _checked_tangent_names(names, params) -> None:
    """Refuse parameters named like another's tangent (``x`` and ``dx``): a template could
    not tell them apart."""
    clashes = sorted(p for p in params if p.startswith("d") and p[1:] in params)
    if clashes:
        raise ValueError(
            f"rule for {names}: parameter {clashes[0]!r} is also the name of "
            f"{clashes[0][1:]!r}'s tangent; a forward rule cannot tell them apart (name it "
            "otherwise and map the keyword to it with keywords=)"
        )


def _checked_keywords(names, params, keywords: dict[str, str] | None) -> dict[str, str]:
    unknown = set((keywords or {}).values()) - set(params)
    if unknown:
        raise ValueError(f"rule for {names}: keywords name {sorted(unknown)}, not parameters")
    return dict(keywords or {})


def _names(names: str | list[str]) -> list[str]:
    return [names] if isinstance(names, str) else list(names)


def _checked_terms(names, params, terms: dict[str, str]) -> dict[str, str]:
    unknown = set(terms) - set(params)
    if unknown:
        raise ValueError(f"rule for {names}: {sorted(unknown)} are not parameters")
    return {p: _checked(names, src) for p, src in terms.items()}


def definto(share: str, into: str) -> None:
    """``into(total, *args)`` adds ``share(*args)`` into ``total`` in place, without the
    temporary: derivative code calls it where a share of ``share`` meets an adjoint it owns."""
    ACCUMULATE_INTO[share] = into


def nondifferentiable(*names: str) -> None:
    """Functions whose output has zero derivative (or is not a real number)."""
    ZERO_GRADIENT.update(names)


def nondifferentiable_for_real(*names: str) -> None:
    """Functions whose derivative is zero for real arguments, but not for complex ones:
    derivative code calls ``_s2s.require_real`` on the argument where it carries derivatives,
    an error for complex values rather than a derivative silently zero."""
    ZERO_GRADIENT.update(names)
    ZERO_FOR_REAL.update(names)


def first_order_only(reason: str, *helpers: str) -> None:
    """Helpers of derivative code that have no tangent rule, on purpose: forward mode over
    them (``hessian``, ``jvp`` of ``grad``) stops with ``reason``."""
    for name in helpers:
        FIRST_ORDER[name] = reason
