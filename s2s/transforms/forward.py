"""Forward mode: from a normalised function, the source of its Jacobian-vector product.

Each statement that computes a value carrying derivatives is followed by the statement
computing its tangent (``dx`` for ``x``), from the rule of the operation; control flow is
kept as it is, so no tape is needed. Loops, ``break``, early returns and in-place writes need
nothing special: the tangent of an array is written in place where the array is.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import gast

from ..analysis.activity import active_variables, call_name, value_is_differentiable
from ..analysis.definitions import Writes, written_by_call
from ..analysis.floating import floating_names
from ..analysis.shared_writes import reject_writes_through_views
from ..codegen.naming import Namer
from ..errors import DifferentiationError
from ..frontend.source import ParsedFunction
from ..gastutil import (
    assign,
    call,
    clone,
    const,
    load,
    located,
    statements_located,
    substituted,
    walk,
)
from ..rules import JVP_RULES, ZERO_GRADIENT
from ..rules.registry import FIRST_ORDER, JVPRule
from ..rules.runtime_helpers import IN_PLACE
from .operations import operation
from .real_checks import calls_real_only, real_checks
from .reverse_lists import arrays_of_lists, list_names
from .updates import plain_updates

_MODULES = ("np", "math", "_s2s")


def _zeros_like_call(value: gast.AST) -> bool:
    """``_s2s.zeros_like(a)``, whose zeros of its own zeros are the same zeros."""
    return (
        isinstance(value, gast.Call)
        and call_name(value) == "_s2s.zeros_like"
        and len(value.args) == 1
        and not value.keywords
    )


def _method_call(value: gast.AST, method: str) -> str | None:
    """``L`` for ``L.method(...)`` on a name, else None."""
    if (
        isinstance(value, gast.Call)
        and isinstance(value.func, gast.Attribute)
        and value.func.attr == method
        and isinstance(value.func.value, gast.Name)
    ):
        return value.func.value.id
    return None


class ForwardMode:
    """Builds the tangent-carrying version of one function."""

    def __init__(
        self,
        parsed: ParsedFunction,
        tree: gast.FunctionDef,
        wrt: list[str],
        request_jvp,
        floats: Sequence[str] = (),
    ):
        """Tangents of ``wrt``, of which ``floats`` surely hold floating values."""
        self.parsed = parsed
        kept_updates, tree = tree, plain_updates(tree, request_jvp.returns)
        self.active = active_variables(tree, wrt, request_jvp.writes)
        self.float_args = list(floats)  # for `floating`, asked only by array writes
        lists = list_names(tree) & self.active
        if lists:  # filled beside their tangent lists
            tree = clone(tree)
            arrays_of_lists(tree, lists)
        self.tree = tree
        reject_writes_through_views(parsed, kept_updates, self.active, request_jvp.returns)
        names, writes_arrays, self.checks_real = _names_and_writes(tree, request_jvp.writes)
        # A slice's tangent is a view of the array's tangent: a copy, where arrays change.
        self.copy_views = writes_arrays
        self.namer = Namer(names | set(_MODULES))
        self.tangent_names: dict[str, str] = {}
        self.request_jvp = request_jvp
        self.reads_output: dict[int, bool] = {}  # by the id of a rule: whether it reads `y`

    def tan(self, name: str) -> str:
        if name not in self.tangent_names:
            self.tangent_names[name] = self.namer.fresh("d" + name)
        return self.tangent_names[name]

    def tangent_of(self, atom: gast.AST) -> gast.AST:
        """The tangent of an operand: ``dx`` for an active name, else a zero like it."""
        if isinstance(atom, gast.Name) and atom.id in self.active:
            return load(self.tan(atom.id))
        if isinstance(atom, (gast.Tuple, gast.List)):
            return type(atom)([self.tangent_of(e) for e in atom.elts], gast.Load())
        return call("_s2s.zeros_like", clone(atom))

    def zero(self, name: str) -> gast.stmt:
        return assign(self.tan(name), call("_s2s.zeros_like", load(name)))

    # -- statements --------------------------------------------------------------------------
    def block(self, stmts: list[gast.stmt]) -> list[gast.stmt]:
        out: list[gast.stmt] = []
        for k, stmt in enumerate(stmts):
            checks = real_checks(stmts, k, self.active) if self.checks_real else []
            out.extend(statements_located(checks + self.statement(stmt), stmt))
        return out

    def statement(self, stmt: gast.stmt) -> list[gast.stmt]:
        if isinstance(stmt, gast.Assign):
            return self.assignment(stmt)
        if isinstance(stmt, gast.If):
            return [
                gast.If(stmt.test, self.block(stmt.body) or [gast.Pass()], self.block(stmt.orelse))
            ]
        if isinstance(stmt, gast.For):
            body = self.block(stmt.body)
            if stmt.target.id in self.active:  # an index from `range`: no derivative
                body.insert(0, self.zero(stmt.target.id))
            iterator = call("range", *stmt.iter.args)  # tangents of a `prange` loop: in order
            return [gast.For(stmt.target, iterator, body, [], None)]
        if isinstance(stmt, gast.While):
            return [gast.While(stmt.test, self.block(stmt.body), [])]
        if isinstance(stmt, gast.Return):
            return [gast.Return(self.returned(stmt.value))]
        if isinstance(stmt, gast.Expr):
            return [stmt] + self.effect(stmt.value)
        return [stmt]

    def returned(self, value: gast.AST | None) -> gast.AST:
        value = value if value is not None else const(None)
        outputs = value.elts if isinstance(value, gast.Tuple) else [value]
        tangents = [self.tangent_of(o) for o in outputs]
        tangent = (
            gast.Tuple(tangents, gast.Load()) if isinstance(value, gast.Tuple) else (tangents[0])
        )
        return gast.Tuple([value, tangent], gast.Load())

    def effect(self, value: gast.AST) -> list[gast.stmt]:
        """Tangents of calls made for their effect: ``lst.append(v)``, ``_s2s.scatter_add``."""
        target = _method_call(value, "append")
        if target is not None and target in self.active:
            return [
                gast.Expr(
                    call(
                        gast.Attribute(load(self.tan(target)), "append", gast.Load()),
                        self.tangent_of(value.args[0]),
                    )
                )
            ]
        name = call_name(value) if isinstance(value, gast.Call) else None
        if name in IN_PLACE:
            written, linear = IN_PLACE[name]
            target = value.args[written]
            if not (isinstance(target, gast.Name) and target.id in self.active):
                return []
            args = [
                self.tangent_of(a) if k == written or k in linear else clone(a)
                for k, a in enumerate(value.args)
            ]
            return [gast.Expr(call(name, *args))]
        touches_active = any(
            n.id in self.active
            for a in getattr(value, "args", [])
            for n in walk(a)
            if isinstance(n, gast.Name)
        ) or (  # `np.fill_diagonal(h, v)` writes into `h`, not an argument
            isinstance(value, gast.Call)
            and bool(written_by_call(value, self.request_jvp.writes) & self.active)
        )
        if name and name not in ZERO_GRADIENT and name != "print" and touches_active:
            raise DifferentiationError(
                f"forward mode cannot differentiate `{name}` called for its effect on values "
                "that carry derivatives",
                self.parsed.location(value),
            )
        return []

    @functools.cached_property
    def floating(self) -> set[str]:
        """The arrays a write surely keeps tangents in (``analysis/floating.py``)."""
        return floating_names(self.tree, self.float_args)

    def assignment(self, stmt: gast.Assign) -> list[gast.stmt]:
        target, value = stmt.targets[0], stmt.value
        if isinstance(target, gast.Subscript):
            base = target.value
            if not (isinstance(base, gast.Name) and base.id in self.active):
                return [stmt]
            part = gast.Subscript(load(self.tan(base.id)), clone(target.slice), gast.Store())
            tangent = self.tangent_of(value) if isinstance(value, gast.Name) else const(0.0)
            if isinstance(tangent, gast.Call):  # zeros_like of an inactive value
                tangent = const(0.0)
            elif base.id not in self.floating and not isinstance(tangent, gast.Constant):
                tangent = call("_s2s.kept_by", load(base.id), tangent)  # 0 into integers
            return [stmt, assign(part, tangent)]
        names = [target.id] if isinstance(target, gast.Name) else [e.id for e in target.elts]
        helper = isinstance(value, gast.Call) and call_name(value) in self.request_jvp.helpers
        if helper and written_by_call(value, self.request_jvp.writes) & self.active:
            # `f = fill(out, x)`: the helper's jvp writes the tangent of `out` too, whether or
            # not `f` carries a derivative
            return self.helper_call(names, value)
        if not any(n in self.active for n in names):
            return [stmt]
        if _zeros_like_call(value) and len(names) == 1:
            # `bx = zeros_like(x)`: `dbx = zeros_like(x)` too, the same zeros, so that a
            # Jacobian's pass that drops `bx` (transforms/unused.py) needs no allocation for it
            return [stmt, assign(self.tan(names[0]), clone(value))]
        if not value_is_differentiable(value) or isinstance(value, gast.Constant):
            return [stmt] + [self.zero(n) for n in names if n in self.active]
        listed = _method_call(value, "pop")
        if listed is not None:
            return [
                stmt,
                assign(
                    self.tan(names[0]),
                    call(gast.Attribute(load(self.tan(listed)), "pop", gast.Load())),
                ),
            ]
        if isinstance(value, gast.Subscript):
            return [stmt, assign(self.tan(names[0]), self.subscript_tangent(value))]
        if isinstance(value, gast.Call) and call_name(value) in self.request_jvp.helpers:
            return self.helper_call(names, value)
        if isinstance(value, gast.Tuple) and not value.elts:
            return [stmt, assign(self.tan(names[0]), gast.List([], gast.Load()))]
        if isinstance(value, gast.List):  # a list's tangent: the list of its entries' tangents
            return [stmt, assign(self.tan(names[0]), self.tangent_of(value))]
        if len(names) > 1:
            return self.unpacked(names, value, stmt)
        return self.with_tangent(names[0], value, stmt)

    def unpacked(self, names: list[str], value: gast.AST, stmt: gast.stmt) -> list[gast.stmt]:
        """``a, b = f(x)`` for a rule whose tangent is a tuple."""
        whole = self.namer.numbered("_tuple")
        out = self.with_tangent(whole, value, stmt)
        out[out.index(stmt) if stmt in out else 0] = assign(whole, value)
        for k, name in enumerate(names):
            out.append(assign(name, gast.Subscript(load(whole), const(k), gast.Load())))
            if name in self.active:
                part = gast.Subscript(load(self.tan(whole)), const(k), gast.Load())
                out.append(assign(self.tan(name), part))
        return out

    def subscript_tangent(self, value: gast.Subscript) -> gast.AST:
        base = value.value
        if not (isinstance(base, gast.Name) and base.id in self.active):
            return call("_s2s.zeros_like", clone(value))
        part = gast.Subscript(load(self.tan(base.id)), clone(value.slice), gast.Load())
        return call("_s2s.save", part) if self.copy_views else part

    def helper_call(self, names: list[str], value: gast.Call) -> list[gast.stmt]:
        helper = call_name(value)
        args = self.request_jvp.bind(helper, value)
        result = self.namer.numbered("_jvp")
        jvp_call = call(self.request_jvp(helper), *args, *[self.tangent_of(a) for a in args])
        out = [assign(result, jvp_call)]
        pair = [gast.Subscript(load(result), const(k), gast.Load()) for k in (0, 1)]
        if len(names) == 1:
            out += [assign(names[0], pair[0]), assign(self.tan(names[0]), pair[1])]
            return out
        for k, name in enumerate(names):
            out.append(assign(name, gast.Subscript(clone(pair[0]), const(k), gast.Load())))
            if name in self.active:
                out.append(
                    assign(
                        self.tan(name),
                        gast.Subscript(clone(pair[1]), const(k), gast.Load()),
                    )
                )
        return out

    def with_tangent(self, name: str, value: gast.AST, stmt: gast.stmt) -> list[gast.stmt]:
        """The primal statement and its tangent, ordered so each reads the right values."""
        rule, args, keywords = self.rule_for(value)
        if rule is None:
            name = call_name(value) if isinstance(value, gast.Call) else None
            if name in FIRST_ORDER:
                raise DifferentiationError(FIRST_ORDER[name], self.parsed.location(stmt))
            what = f"`{name}`" if name else type(value).__name__
            raise DifferentiationError(
                f"s2s has no forward-mode rule for {what}",
                self.parsed.location(stmt),
                hint="register one with s2s.defjvp",
            )
        try:
            bound = rule.bind(args, keywords)
        except TypeError as exc:
            raise DifferentiationError(str(exc), self.parsed.location(stmt)) from None
        reads_itself = any(isinstance(n, gast.Name) and n.id == name for n in walk(value))
        reads_output = self.reads_output.get(id(rule))
        if reads_output is None:
            reads_output = self.reads_output[id(rule)] = _uses_output(rule)
        result: gast.AST = load(name)
        prefix: list[gast.stmt] = []
        if reads_itself and reads_output:
            fresh = self.namer.numbered("_new")
            prefix = [assign(fresh, value)]
            result = load(fresh)
        tangent = self.tangent_expr(rule, bound, result)
        tangent_stmt = assign(self.tan(name), tangent)
        if prefix:
            return prefix + [tangent_stmt, assign(name, load(prefix[0].targets[0].id))]
        if reads_itself:
            return [tangent_stmt, stmt]  # `x = x * 2`: the tangent reads the old `x`
        return [stmt, tangent_stmt]

    def tangent_expr(self, rule: JVPRule, bound: dict, result: gast.AST) -> gast.AST:
        if rule.tangent is not None:
            return self.fill(rule.tangent, rule, bound, result)
        total = None
        for param, term in rule.terms.items():
            if not self.moves(bound[param]):
                continue
            expr = self.fill(term, rule, bound, result)
            total = expr if total is None else gast.BinOp(total, gast.Add(), expr)
        if total is None:
            return call("_s2s.zeros_like", result)
        for other in self.spread_against(rule, bound):
            total = call("_s2s.spread", total, clone(other))
        return total

    def moves(self, operand: gast.AST) -> bool:
        """Whether ``operand`` has a tangent (an active name)."""
        return isinstance(operand, gast.Name) and operand.id in self.active

    def spread_against(self, rule: JVPRule, bound: dict) -> list[gast.AST]:
        """The operands of a broadcasting rule that have no tangent but may broadcast the
        others (not literal numbers), where some term of the tangent reads neither them nor
        the output (``da`` of ``a + b``; ``da * b`` of ``a * b`` has the shape already)."""
        if not rule.broadcast:
            return []
        reads = rule.term_reads
        moving = [p for p in rule.terms if self.moves(bound[p])]
        return [
            bound[p]
            for p in rule.terms
            if not self.moves(bound[p])
            and not isinstance(bound[p], gast.Constant)
            and any(p not in reads[q] and "y" not in reads[q] for q in moving)
        ]

    def fill(self, template, rule: JVPRule, bound: dict, result: gast.AST) -> gast.AST:
        tangents = {"d" + p: p for p in rule.params}

        def fill(node: gast.Name) -> gast.AST | None:
            if node.id in bound:
                return clone(bound[node.id])
            if node.id in tangents:
                return self.tangent_of(bound[tangents[node.id]])
            if node.id == "y":
                return clone(result)
            return None

        return substituted(template, fill)

    def rule_for(self, value: gast.AST) -> tuple[JVPRule | None, list, dict]:
        """The rule, positional operands and keyword operands of a right-hand side."""
        key, args, keywords = operation(value)
        return JVP_RULES.get(key) if key else None, args, keywords

    def function(self, name: str, wrt: list[str]) -> gast.FunctionDef:
        """``name(params..., dwrt...) -> (out, dout)``: tangents of the parameters ``wrt``."""
        params = [a.id for a in self.tree.args.args]
        body = self.block(self.tree.body)
        args = gast.arguments(
            [gast.Name(p, gast.Param(), None, None) for p in params]
            + [gast.Name(self.tan(p), gast.Param(), None, None) for p in wrt],
            [],
            None,
            [],
            [],
            None,
            [],
        )
        # A parameter that is not differentiated but later receives values that are.
        prologue = [self.zero(p) for p in params if p in self.active and p not in wrt]
        return located(gast.FunctionDef(name, args, prologue + body, [], None, None, []), self.tree)


def _uses_output(rule: JVPRule) -> bool:
    templates = [rule.tangent] if rule.tangent is not None else list(rule.terms.values())
    return any(
        isinstance(n, gast.Name) and n.id == "y" and "y" not in rule.params
        for t in templates
        for n in walk(t)
    )


def _names_and_writes(tree: gast.FunctionDef, writes: Writes) -> tuple[set[str], bool, bool]:
    """One walk of ``tree``: every identifier in it, whether it writes into some array
    (``x[i] = v``, or a call that does: ``written_by_call``, with ``writes`` for helpers), and
    whether it calls a function whose derivative is zero for real values only."""
    names: set[str] = set()
    writes_arrays = checks_real = False
    for node in walk(tree):
        kind = type(node)
        if kind is gast.Name:
            names.add(node.id)
        elif kind is gast.Call:
            checks_real = checks_real or calls_real_only(node)
            writes_arrays = writes_arrays or bool(written_by_call(node, writes))
        elif kind is gast.Assign and not writes_arrays:
            target = node.targets[0]
            writes_arrays = isinstance(target, gast.Subscript) and isinstance(
                target.value, gast.Name
            )
    return names, writes_arrays, checks_real
