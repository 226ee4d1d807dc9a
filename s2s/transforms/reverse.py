"""Reverse mode: from a normalised function, the source of its vector-Jacobian product.

The generated function runs a *forward sweep* (the primal statements, plus what the adjoint
will need) and then a *reverse sweep* (the adjoint statements in reverse order). Adjoints are
named after their variables (``bx`` for ``x``). A value the reverse sweep needs is used
directly when nothing overwrites it later; otherwise it is kept at the point of use: in a
variable (``_v1 = x``) outside loops, on a per-site tape (``_tape1.append(x)`` / ``.pop()``)
inside loops. Branches keep their conditions, loops their trip counts; ``for`` loops over
``range`` recompute their index in the reverse sweep instead of storing it.

Adjoints of variables are zeroed where the variable is defined and reset to zero where its
definition is reversed; single-use temporaries of the A-normal form get their adjoint by plain
assignment instead.
"""

from __future__ import annotations

import copy
import dataclasses

import gast

from ..analysis.activity import active_variables, call_name, value_is_differentiable
from ..analysis.definitions import Definitions, analyse
from ..codegen.naming import Namer, names_in
from ..errors import DifferentiationError
from ..frontend.source import ParsedFunction
from ..gastutil import assign, call, const, load, located, store
from ..rules import VJP_RULES
from ..rules.registry import VJPRule
from .reverse_calls import CallAdjoints

_OPERATORS = {
    gast.Add: "+", gast.Sub: "-", gast.Mult: "*", gast.Div: "/", gast.Pow: "**",
    gast.Mod: "%", gast.MatMult: "@", gast.FloorDiv: "//",
}
_UNARY = {gast.USub: "neg", gast.UAdd: "pos"}


@dataclasses.dataclass
class Site:
    """What one statement adds around itself: saves before/after it, and restores."""

    before: list = dataclasses.field(default_factory=list)
    after: list = dataclasses.field(default_factory=list)
    restore: list = dataclasses.field(default_factory=list)
    refs: dict = dataclasses.field(default_factory=dict)


class ReverseMode:
    """Builds the forward and reverse sweeps of one function."""

    def __init__(self, parsed: ParsedFunction, tree: gast.FunctionDef, wrt: list[str],
                 helpers: CallAdjoints):
        self.parsed = parsed
        self.tree = tree
        self.defs: Definitions = analyse(tree)
        self.active = active_variables(tree, wrt)
        self.namer = Namer(names_in(tree) | {"np", "math", "_s2s"})
        self.adjoint_names: dict[str, str] = {}
        self.copy_saved = bool(self.defs.mutated)
        self.loop_depth = 0
        self.restored: list[str] = []  # loop indices the reverse sweep recomputes
        self.tapes: list[str] = []
        self.has_adjoint: set[str] = set()
        self.calls = helpers
        self.single_use = self._single_use_temporaries()
        for name in self.defs.mutated & set(self.defs.params) & self.active:
            raise DifferentiationError(
                f"in-place write to the argument '{name}' cannot be differentiated",
                parsed.location(tree),
                hint=f"write into a copy: {name} = {name}.copy()",
            )

    # -- names -------------------------------------------------------------------------------
    def adj(self, name: str) -> str:
        if name not in self.adjoint_names:
            base = "b" + name if not name.startswith("_") else "b" + name
            self.adjoint_names[name] = self.namer.fresh(base)
        return self.adjoint_names[name]

    def _single_use_temporaries(self) -> set[str]:
        """ANF temporaries defined once and used once, in the same block, not subscripted."""
        subscripted = set()
        for node in gast.walk(self.tree):
            if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name):
                subscripted.add(node.value.id)
        found = set()
        for name, count in self.defs.defs.items():
            if (name.startswith("_t") and count == 1 and self.defs.uses[name] == 1
                    and name not in subscripted and name not in self.defs.params):
                found.add(name)
        return found & self._same_block_uses(found)

    def _same_block_uses(self, candidates: set[str]) -> set[str]:
        ok = set()

        def visit(stmts):
            defined_here = set()
            for stmt in stmts:
                from ..analysis.definitions import statement_reads, targets_of

                for name in statement_reads(stmt):
                    if name in defined_here:
                        ok.add(name)
                defined_here.update(n for n in targets_of(stmt) if n in candidates)
                if isinstance(stmt, gast.If):
                    visit(stmt.body)
                    visit(stmt.orelse)
                elif isinstance(stmt, (gast.For, gast.While)):
                    visit(stmt.body)

        visit(self.tree.body)
        return ok

    def accumulating(self, name: str) -> bool:
        return name in self.active and name not in self.single_use

    # -- values the reverse sweep needs ----------------------------------------------------
    def stable(self, name: str) -> bool:
        """Whether ``name`` still holds, during the reverse sweep, the value it has here."""
        if name in self.restored:
            return self.defs.defs[name] == 1
        return self.defs.defined_once_outside_loops(name)

    def ref(self, name: str, site: Site, after: bool = False) -> gast.AST:
        """An expression for ``name``'s value at this statement, usable in the reverse sweep."""
        key = (name, after)
        if key in site.refs:
            return copy.deepcopy(site.refs[key])
        if self.stable(name) and not (after and name in self.defs.mutated):
            expr = load(name)
        else:
            value = call("_s2s.save", load(name)) if self.copy_saved else load(name)
            saved = self.namer.numbered("_v")
            where = site.after if after else site.before
            if self.loop_depth == 0:
                where.append(assign(saved, value))
            else:
                tape = self.namer.numbered("_tape")
                self.tapes.append(tape)
                where.append(gast.Expr(call(gast.Attribute(load(tape), "append", gast.Load()),
                                            value)))
                site.restore.append(
                    assign(saved, call(gast.Attribute(load(tape), "pop", gast.Load())))
                )
            expr = load(saved)
        site.refs[key] = expr
        return copy.deepcopy(expr)

    def ref_atom(self, atom: gast.AST, site: Site) -> gast.AST:
        """``ref`` applied to every name inside an atom, slice or tuple of atoms."""
        atom = copy.deepcopy(atom)

        class Replace(gast.NodeTransformer):
            def visit_Name(inner, node):
                if isinstance(node.ctx, gast.Load) and node.id not in ("np", "math", "_s2s"):
                    return self.ref(node.id, site)
                return node

        return Replace().visit(atom)

    # -- adjoint accumulation ------------------------------------------------------------------
    def contribute(self, name: str, share: gast.AST) -> list[gast.stmt]:
        if name not in self.active:
            return []
        adjoint = self.adj(name)
        if name in self.single_use:
            self.has_adjoint.add(name)
            return [assign(adjoint, share)]
        return [assign(adjoint, gast.BinOp(load(adjoint), gast.Add(), share))]

    def zero(self, name: str) -> gast.stmt:
        return assign(self.adj(name), call("_s2s.zeros_like", load(name)))

    def reset(self, name: str) -> gast.stmt:
        return assign(self.adj(name), call("_s2s.zeros_like", load(self.adj(name))))

    # -- blocks and statements --------------------------------------------------------------
    def block(self, stmts: list[gast.stmt]) -> tuple[list[gast.stmt], list[gast.stmt]]:
        forward, reverse = [], []
        for stmt in stmts:
            fwd, rev = self.statement(stmt)
            forward.extend(fwd)
            reverse[:0] = rev
        return forward, reverse

    def statement(self, stmt: gast.stmt) -> tuple[list[gast.stmt], list[gast.stmt]]:
        site = Site()
        if isinstance(stmt, gast.Assign):
            primal, rev = self.assignment(stmt, site)
        elif isinstance(stmt, gast.If):
            primal, rev = self.branch(stmt, site)
        elif isinstance(stmt, gast.For):
            primal, rev = self.for_loop(stmt, site)
        elif isinstance(stmt, gast.While):
            primal, rev = self.while_loop(stmt, site)
        else:
            primal, rev = [stmt], []  # print, assert, raise, pass: no adjoint
        if rev:
            rev = site.restore[::-1] + rev
        forward = site.before + primal + site.after
        return [located(s, stmt) for s in forward], [located(s, stmt) for s in rev]

    def branch(self, stmt: gast.If, site: Site):
        body_fwd, body_rev = self.block(stmt.body)
        else_fwd, else_rev = self.block(stmt.orelse)
        primal = [gast.If(stmt.test, body_fwd or [gast.Pass()], else_fwd)]
        if not body_rev and not else_rev:
            return primal, []
        test = self.ref_atom(stmt.test, site)
        return primal, [gast.If(test, body_rev or [gast.Pass()], else_rev)]

    def for_loop(self, stmt: gast.For, site: Site):
        index = stmt.target.id
        args = stmt.iter.args
        start, step = (const(0), const(1)) if len(args) == 1 else (
            args[0], args[2] if len(args) == 3 else const(1))
        trips = self.namer.numbered("_n")
        self.loop_depth += 1
        self.restored.append(index)
        body_fwd, body_rev = self.block(stmt.body)
        self.restored.pop()
        self.loop_depth -= 1
        count = assign(trips, call("len", copy.deepcopy(stmt.iter)))
        primal = [count, gast.For(stmt.target, stmt.iter, body_fwd, [], None)]
        if not body_rev:
            return primal, []
        stable_counter = self.loop_depth == 0
        n = load(trips) if stable_counter else self._tape_value(trips, site)
        backwards = call("range", gast.BinOp(n, gast.Sub(), const(1)), const(-1), const(-1))
        if len(args) == 1:
            return primal, [gast.For(store(index), backwards, body_rev, [], None)]
        k = self.namer.numbered("_r")
        start, step = self.ref_atom(start, site), self.ref_atom(step, site)
        offset = gast.BinOp(load(k), gast.Mult(), step)
        if isinstance(step, gast.Constant) and step.value == 1:
            offset = load(k)
        recompute = assign(index, gast.BinOp(start, gast.Add(), offset))
        return primal, [gast.For(store(k), backwards, [recompute] + body_rev, [], None)]

    def while_loop(self, stmt: gast.While, site: Site):
        trips = self.namer.numbered("_n")
        self.loop_depth += 1
        body_fwd, body_rev = self.block(stmt.body)
        self.loop_depth -= 1
        increment = assign(trips, gast.BinOp(load(trips), gast.Add(), const(1)))
        primal = [assign(trips, const(0)), gast.While(stmt.test, body_fwd + [increment], [])]
        if not body_rev:
            return primal, []
        n = load(trips) if self.loop_depth == 0 else self._tape_value(trips, site, after=True)
        k = self.namer.numbered("_r")
        return primal, [gast.For(store(k), call("range", n), body_rev, [], None)]

    def _tape_value(self, name: str, site: Site, after: bool = False) -> gast.AST:
        saved_flag = self.copy_saved
        self.copy_saved = False
        self.defs.defs[name] += 2  # a generated counter inside a loop: never stable
        try:
            return self.ref(name, site, after=True)
        finally:
            self.copy_saved = saved_flag

    # -- assignments -----------------------------------------------------------------------------
    def assignment(self, stmt: gast.Assign, site: Site):
        target, value = stmt.targets[0], stmt.value
        if isinstance(target, gast.Subscript):
            return [stmt], self.subscript_store(target, value, site)
        names = [target.id] if isinstance(target, gast.Name) else [e.id for e in target.elts]
        primal = [stmt]
        if not any(n in self.active for n in names):
            return primal, []
        inits = [self.zero(n) for n in names if self.accumulating(n)]
        if not value_is_differentiable(value):
            return primal + inits, [self.reset(n) for n in names if self.accumulating(n)]
        if len(names) == 1 and names[0] in self.single_use and names[0] not in self.has_adjoint:
            # Its only use had no derivative to pass on: nothing to propagate. (The reverse
            # sweep is built last statement first, so the use has been seen already.)
            pass
        self._pending = (names, value, stmt, site)
        return primal + inits, None  # reverse part built in `finish_assignment`

    def subscript_store(self, target: gast.Subscript, value: gast.AST, site: Site):
        base = target.value.id
        if base not in self.active:
            return []
        index = self.ref_atom(target.slice, site)
        part = gast.Subscript(load(self.adj(base)), index, gast.Load())
        rev = []
        if isinstance(value, gast.Name) and value.id in self.active:
            share = call("_s2s.unbroadcast", call("_s2s.save", part), self.ref(value.id, site))
            rev += self.contribute(value.id, share)
        rev.append(assign(gast.Subscript(load(self.adj(base)), copy.deepcopy(index),
                                         gast.Store()), const(0.0)))
        return rev

    def rule_for(self, value: gast.AST, stmt: gast.stmt) -> tuple[VJPRule | None, list, dict]:
        """The rule, positional operands and keyword operands of a right-hand side."""
        if isinstance(value, gast.Name):
            return VJP_RULES["pos"], [value], {}
        if isinstance(value, gast.BinOp):
            return VJP_RULES[_OPERATORS[type(value.op)]], [value.left, value.right], {}
        if isinstance(value, gast.UnaryOp):
            return VJP_RULES[_UNARY[type(value.op)]], [value.operand], {}
        if isinstance(value, gast.Call):
            name = call_name(value)
            keywords = {k.arg: k.value for k in value.keywords}
            if name in VJP_RULES:
                return VJP_RULES[name], list(value.args), keywords
            return None, list(value.args), keywords
        return None, [], {}
