"""Reverse mode: from a normalised function, the source of its vector-Jacobian product.

The generated function runs a *forward sweep* (the primal statements, plus what the adjoint
will need) and then a *reverse sweep* (the adjoint statements in reverse order). Adjoints are
named after their variables (``bx`` for ``x``). A value the reverse sweep needs is used
directly when nothing overwrites it later; otherwise it is kept at the point of use: in a
variable (``_v1 = x``) outside loops, on a per-site tape (``_tape1.append(x)`` / ``.pop()``)
inside loops. Branches keep their conditions, loops their trip counts; ``for`` loops over
``range`` recompute their index in the reverse sweep instead of storing it.

How adjoints are declared, receive their shares and are cleared is in ``reverse_adjoints``;
what the reverse sweep reads of the forward sweep's values, in ``reverse_values``.
"""

from __future__ import annotations

from collections import Counter

import gast

from ..analysis.activity import active_variables, call_name, value_is_differentiable
from ..analysis.aliases import reject_writes_through_views, seeing, views
from ..analysis.definitions import (
    Definitions,
    analyse,
    changed_by,
    names_read,
    written_by_call,
    written_into,
)
from ..codegen.naming import Namer
from ..errors import DifferentiationError
from ..frontend.source import ParsedFunction
from ..gastutil import (
    assign,
    call,
    clone,
    const,
    has_slice,
    load,
    located,
    store,
    substituted,
    walk,
)
from ..rules import VJP_RULES, ZERO_GRADIENT
from ..rules.registry import VJPRule
from .operations import operation
from .reverse_adjoints import Adjoints
from .reverse_order import iterations_commute
from .reverse_values import SavedValues, Site, on_first, operand_names, pure
from .updates import plain_updates

_EFFECT_HINT = "return the result instead of writing it into an argument"
_IN_PLACE_HINT = "make a new array (`np.full_like(h, v)` for `h.fill(v)`, `np.sort(h)`)"


class ReverseMode(Adjoints, SavedValues):
    """Builds the forward and reverse sweeps of one function."""

    def __init__(self, parsed: ParsedFunction, tree: gast.FunctionDef, wrt: list[str], request_vjp):
        self.parsed = parsed
        self.writes = request_vjp.writes  # the helpers' arguments they write into
        self.returns = request_vjp.returns  # and those they may hand back
        kept_updates, tree = tree, plain_updates(tree, self.returns)
        self.tree = tree
        self.defs: Definitions = analyse(tree, self.writes, self.returns)
        self.active = active_variables(tree, wrt)
        # How often each name appears in the function (its keys: every name in it).
        self.mentions = Counter(n.id for n in walk(tree) if isinstance(n, gast.Name))
        self.tree_names = set(self.mentions)
        self.namer = Namer(self.tree_names | {"np", "math", "_s2s"})
        self.viewed_memory: dict[str, set[str]] | None = None
        self.copy_saved = bool(self.defs.mutated)
        self.loop_depth = 0
        self.restored: list[str] = []  # loop indices the reverse sweep recomputes
        self.tapes: list[str] = []
        self.loops: list[dict | None] = []  # enclosing loops, innermost last
        self.value_names: set[str] = set()  # the `_v` names of values kept for the reverse sweep
        self.recalled: dict[int, gast.If] = {}  # definitions computed once, then read from tapes
        # Temporaries moved into those branches, and where the branch is in their block.
        self.sunk: dict[int, tuple[gast.If, int]] = {}
        self._changed: dict[int, tuple[gast.stmt, set[str]]] = {}
        self.block_places: dict[int, tuple[list[gast.stmt], dict[int, int]]] = {}
        self.block_refs: list[dict[str, gast.AST]] = [{}]
        self.position: list[tuple[list[gast.stmt], int]] = [([], 0)]
        self.current_defs: set[str] = set()
        self.pending_refs: dict[str, gast.AST] = {}
        self.request_vjp = request_vjp  # helper name -> name of its generated vjp
        self.init_adjoints()
        reject_writes_through_views(parsed, kept_updates, self.active, self.returns)
        for name in sorted(self.defs.written & set(self.defs.params) & self.active):
            raise DifferentiationError(
                f"in-place write to the argument '{name}' cannot be differentiated",
                parsed.location(_first_write(tree, name, self.writes, self.returns)),
                hint=f"write into a copy: {name} = {name}.copy()",
            )

    def changed(self, stmt: gast.stmt) -> set[str]:
        """``changed_by(stmt)``, computed once per statement."""
        key = id(stmt)
        if key not in self._changed:  # the statement is kept too: its id stays its own
            self._changed[key] = (stmt, changed_by(stmt, self.writes))
        return self._changed[key][1]

    # -- blocks and statements --------------------------------------------------------------
    def block(self, stmts: list[gast.stmt]) -> tuple[list[gast.stmt], list[gast.stmt]]:
        """Forward and reverse sweeps of a block.

        Statements are visited last to first, as the reverse sweep runs: by the time a
        definition is reversed, every use of the variable has been.
        """
        forward: list[gast.stmt] = []
        reverse: list[gast.stmt] = []
        self.block_refs.append({})
        self.position.append((stmts, len(stmts)))
        for k in range(len(stmts) - 1, -1, -1):
            self.position[-1] = (stmts, k)
            fwd, rev = self.statement(stmts[k])
            forward[:0] = fwd
            reverse.extend(rev)
        if reverse:
            self.position[-1] = (stmts, len(stmts))
            reverse[:0] = self.refit_each_iteration(stmts, forward)
        self.position.pop()
        self.block_refs.pop()
        return forward, reverse

    def statement(self, stmt: gast.stmt) -> tuple[list[gast.stmt], list[gast.stmt]]:
        site = Site()
        outer = self.current_defs, self.pending_refs
        self.current_defs, self.pending_refs = self.changed(stmt), {}
        try:
            primal, rev = self.dispatch(stmt, site)
            primal = self.computed_once(stmt, primal, site)
            shared = self.block_refs[-1]
            for name in self.current_defs:
                shared.pop(name, None)
            shared.update(self.pending_refs)
        finally:
            self.current_defs, self.pending_refs = outer
        rev = site.restore[::-1] + rev
        forward = site.before + primal + site.after
        return [located(s, stmt) for s in forward], [located(s, stmt) for s in rev]

    def computed_once(self, stmt: gast.stmt, primal: list[gast.stmt], site: Site):
        """``primal``, with a definition ``recall`` chose in a branch of its own, computed on
        the first iterations only; and with a temporary only that definition reads moved into
        that branch (``_t14 = -s[j]`` for ``math.exp(_t14)``): left outside, Numba's code
        computed it on every iteration, and the exponential with it."""
        stmts, here = self.position[-1]
        branch = self.recalled.get(id(stmt))
        if branch is not None:
            primal, end = [branch if s is stmt else s for s in primal], here
        else:
            branch, end = self.sunk.get(id(stmt), (None, None))
            if branch is None or site.before or site.after or primal != [stmt]:
                return primal
            branch.body.insert(0, stmt)
            primal = []
        read = {n.id for s in site.before + site.after for n in walk(s) if type(n) is gast.Name}
        for name in set(operand_names(stmt.value)) - read:
            definition = self.defs.single_stmts.get(name)
            if definition is None or self.mentions[name] != 2 or not pure(definition.value):
                continue
            at = self.place_in_block(stmts, definition, here)
            operands = set(operand_names(definition.value))
            # Moved down to the branch: nothing on the way may change what it reads.
            if at is not None and all(
                isinstance(s, gast.Assign)
                and all(isinstance(t, gast.Name) and t.id not in operands for t in s.targets)
                and pure(s.value)
                for s in stmts[at + 1 : end]
            ):
                self.sunk[id(definition)] = branch, end
        return primal

    def dispatch(self, stmt: gast.stmt, site: Site):
        if isinstance(stmt, gast.Assign):
            return self.assignment(stmt, site)
        if isinstance(stmt, gast.If):
            return self.branch(stmt, site)
        if isinstance(stmt, gast.For):
            return self.for_loop(stmt, site)
        if isinstance(stmt, gast.While):
            return self.while_loop(stmt, site)
        if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
            self.reject_effects(stmt)
        return [stmt], []  # print, assert, raise, pass: no adjoint

    def reject_effects(self, stmt: gast.Expr) -> None:
        """A call made for its effect on values that carry derivatives: not differentiable."""
        value = stmt.value
        name = call_name(value)
        if name == "print" or name in ZERO_GRADIENT:
            return
        written = written_by_call(value, self.writes)  # `h.fill(v)`: `h`, not an argument
        read = {n for a in value.args for n in names_read(a)}
        if (written | read) & self.active:
            raise DifferentiationError(
                f"reverse mode cannot differentiate `{name or 'this call'}` called for its "
                "effect on values that carry derivatives",
                self.parsed.location(stmt),
                hint=_EFFECT_HINT if read & self.active else _IN_PLACE_HINT,
            )

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
        start, step = (
            (const(0), const(1))
            if len(args) == 1
            else (args[0], args[2] if len(args) == 3 else const(1))
        )
        trips = self.namer.numbered("_n")
        # The reverse sweep recomputes the index, unless the body assigns it too.
        kept = not any(index in self.changed(s) for s in stmt.body)
        simple = len(args) == 1 and kept  # `i` is also the iteration number
        k = index if simple else self.namer.numbered("_r")
        loop = {
            "stmt": stmt,
            "body": stmt.body,
            "trips": trips,
            "counter": index if simple else self.namer.numbered("_k"),
            "reverse": k,
            "used": False,
            "rectangular": self.rectangular(stmt),
            "kept": kept,
        }
        self.loop_depth += 1
        self.restored.append(index if kept else None)
        self.loops.append(loop)
        body_fwd, body_rev = self.block(stmt.body)
        self.loops.pop()
        self.restored.pop()
        self.loop_depth -= 1
        if len(loop.get("tapes", ())) > 1:
            body_fwd = self.taped_at_end(body_fwd, loop["tapes"])
        if body_rev:
            body_fwd, declared = self.hoist_declarations(body_fwd)
        iterator = call("range", *stmt.iter.args)  # `prange` too: the sweeps run in order
        count = assign(trips, call("len", clone(iterator)))
        before = []
        if loop["used"] and not simple:  # the iteration number, for the tapes
            before = [assign(loop["counter"], const(0))]
            step_counter = gast.BinOp(load(loop["counter"]), gast.Add(), const(1))
            body_fwd = body_fwd + [assign(loop["counter"], step_counter)]
        primal = before + [gast.For(stmt.target, iterator, body_fwd, [], None)]
        allocations = loop.get("allocations", [])  # tapes filled in the loop (their length: count)
        if not body_rev:
            return ([count] + allocations if allocations else []) + primal, []
        primal = [count] + allocations + primal + _after_some_trips(trips, declared)
        # In a rectangular nest the trip count is the same on every outer iteration.
        n = load(trips) if loop["rectangular"] else self.counter(trips, site)
        backwards = call("range", gast.BinOp(n, gast.Sub(), const(1)), const(-1), const(-1))
        own = self.own_names(loop)
        index_of_its_own = index if kept else None
        if iterations_commute(body_rev, own, index_of_its_own, *self.order_free_adjoints(loop)):
            backwards = call("range", n)
        if simple:
            return primal, [gast.For(store(index), backwards, body_rev, [], None)]
        start, step = self.ref_atom(start, site), self.ref_atom(step, site)
        offset = gast.BinOp(load(k), gast.Mult(), step)
        if isinstance(step, gast.Constant) and step.value == 1:
            offset = load(k)
        recompute = assign(index, gast.BinOp(start, gast.Add(), offset))
        return primal, [gast.For(store(k), backwards, [recompute] + body_rev, [], None)]

    def own_names(self, loop: dict) -> set[str]:
        """Names the reverse iterations of ``loop`` may assign for themselves: the adjoints
        of what its body binds, and the values read back from tapes (``_v`` names)."""
        bound = self.bound_names(loop)
        owned = {a for a, owner in self.adjoint_owner.items() if owner in bound}
        return owned | self.value_names

    def order_free_adjoints(self, loop: dict) -> tuple[set[str], set[str]]:
        """The accumulating adjoints (arrays of their own, never views) of ``loop``'s
        variables that nothing outside it mentions, which are zero whenever the reverse loop
        starts (shares reach them only from it); and all accumulating adjoints."""
        inside = self.mentions_in(loop)
        owners = {a: o for a, o in self.adjoint_owner.items() if self.accumulating(o)}
        fresh = {a for a, owner in owners.items() if 0 < self.mentions[owner] == inside[owner]}
        return fresh, set(owners)

    def rectangular(self, stmt: gast.For) -> bool:
        """Whether this loop and those around it form a rectangular nest of ``range`` loops,
        each at the top of its parent's body, whose bounds are the same on every iteration of
        the enclosing loops (``range(a.shape[0])`` too, though the normal form computes
        ``a.shape[0]`` inside them): then every iteration of the nest has a fixed place in
        one preallocated tape."""
        if not self.loops:
            return True
        parent = self.loops[-1]
        if (
            parent is None
            or not parent["rectangular"]
            or self.position[-1][0] is not parent["body"]
        ):
            return False
        bounds = {n for a in stmt.iter.args for n in names_read(a)}
        return all(self.same_along(name, loop) for name in bounds for loop in self.loops)

    def while_loop(self, stmt: gast.While, site: Site):
        trips = self.namer.numbered("_n")
        self.loop_depth += 1
        self.loops.append(None)  # no preallocated tapes: the trip count is not known ahead
        body_fwd, body_rev = self.block(stmt.body)
        self.loops.pop()
        self.loop_depth -= 1
        if not body_rev:
            return [gast.While(stmt.test, body_fwd, [])], []
        body_fwd, declared = self.hoist_declarations(body_fwd)
        increment = assign(trips, gast.BinOp(load(trips), gast.Add(), const(1)))
        primal = [assign(trips, const(0)), gast.While(stmt.test, body_fwd + [increment], [])]
        primal += _after_some_trips(trips, declared)
        k = self.namer.numbered("_r")
        return primal, [
            gast.For(store(k), call("range", self.counter(trips, site)), body_rev, [], None)
        ]

    def taped_at_end(self, body: list[gast.stmt], tapes: list) -> list[gast.stmt]:
        """``body`` with its tapes of known length allocated together and filled at its end.

        Each value was put on its tape where it was computed, after a test of its own for the
        first iteration: with many tapes, dozens of branches in a long loop body, which cost
        Numba more to compile than the arithmetic around them. At the end of the body every
        value is still there (control flow is lowered: every statement of the body runs on
        every iteration); one that the body rebinds or writes into later is first kept in a
        variable of its own.
        """
        moved = {id(stmt) for alloc, placed, _, _ in tapes for stmt in [alloc, *placed] if stmt}
        last_changed: dict[str, int] = {}  # name -> the last statement that changes it
        for i, stmt in enumerate(body):
            if id(stmt) not in moved:
                last_changed.update(dict.fromkeys(self.changed(stmt), i))
        position = {id(stmt): i for i, stmt in enumerate(body)}
        kept, allocs = [], []
        puts: dict[tuple[str, ...], list[gast.stmt]] = {}  # by the loops they wait for
        for alloc, placed, put, only_first in sorted(tapes, key=lambda t: position[id(t[1][-1])]):
            last = placed[-1]  # the put, or the branch around it
            tape, place, value = put.value.args
            if not (
                isinstance(value, gast.Name)
                and last_changed.get(value.id, -1) <= position[id(last)]
            ):
                saved = self.value_name()
                kept.append((id(last), located(assign(saved, value), put)))
                value = load(saved)
            if alloc is not None:  # (else allocated before the loop)
                allocated = alloc.body[0]
                size = allocated.value.args[1]
                new = assign(allocated.targets[0], call("_s2s.tape_alloc", clone(value), size))
                allocs.append(located(new, put))
            filled = gast.Expr(call("_s2s.tape_put", tape, place, value))
            puts.setdefault(only_first, []).append(located(filled, put))
        kept_at = dict(kept)
        out = [
            kept_at.get(id(stmt), stmt)
            for stmt in body
            if id(stmt) not in moved or id(stmt) in kept_at
        ]
        filled = [
            located(stmt, tapes[0][2])
            for only_first, group in puts.items()
            for stmt in on_first(only_first, group)
        ]
        if not allocs:
            return out + filled
        first = next(alloc.test for alloc, _, _, _ in tapes if alloc is not None)
        return out + [located(gast.If(first, allocs, []), tapes[0][2])] + filled

    def counter(self, name: str, site: Site) -> gast.AST:
        """A loop's trip count in the reverse sweep: kept on a tape inside other loops."""
        if self.loop_depth == 0:
            return load(name)
        self.defs.defs[name] = 2  # redefined on every iteration of the enclosing loop
        with self.uncopied():
            return self.ref(name, site, after=True)

    # -- assignments ---------------------------------------------------------------------------
    def assignment(self, stmt: gast.Assign, site: Site):
        target, value = stmt.targets[0], stmt.value
        if isinstance(target, gast.Subscript):
            return [stmt], self.subscript_store(target, value, site)
        names = [target.id] if isinstance(target, gast.Name) else [e.id for e in target.elts]
        primal = [stmt] + [self.zero(n) for n in names if self.accumulating(n)]
        if not any(n in self.active for n in names):
            return [stmt], []

        def resets(in_place: bool) -> list[gast.stmt]:
            return [r for n in names if self.accumulating(n) for r in self.reset(n, in_place, site)]

        if len(names) == 1 and names[0] in self.single_use | self.reassigned:
            if names[0] not in self.has_adjoint:
                return primal, []  # its one use passed no derivative back
        if not value_is_differentiable(value) or isinstance(value, gast.Constant):
            return primal, resets(True)
        if len(names) == 1:
            g: gast.AST = load(self.adj(names[0]))
        else:
            g = gast.Tuple(
                [load(self.adj(n)) if n in self.active else const(0.0) for n in names],
                gast.Load(),
            )
        if self.is_running_update(names, value):
            # `s = s + t`: the adjoint of `s` passes through unchanged; only `t` gets a share.
            other = value.right
            sign = gast.USub() if isinstance(value.op, gast.Sub) else gast.UAdd()
            if isinstance(other, gast.Name) and other.id in self.active:
                share = g if isinstance(sign, gast.UAdd) else gast.UnaryOp(sign, g)
                return [stmt], self.contribute(other.id, share, True, site)
            return [stmt], []  # `bs` exists already: `s` was defined before
        operands = {n.id for n in walk(value) if isinstance(n, gast.Name)}
        rev: list[gast.stmt] = []
        if set(names) & operands and any(self.accumulating(n) for n in names):
            # `x = x * 2`: the adjoint flowing out is read before `bx` restarts from zero.
            held = self.namer.numbered("_g")
            rev.append(assign(held, g))
            g = load(held)
            rev += resets(False)
            return primal, rev + self.shares(names, value, g, stmt, site)
        rev += self.shares(names, value, g, stmt, site)
        return primal, rev + resets(not set(names) & self.viewed_by(rev))

    def is_running_update(self, names: list[str], value: gast.AST) -> bool:
        """Whether the statement is ``s = s + t`` or ``s = s - t`` for an accumulating ``s``."""
        return (
            len(names) == 1
            and self.accumulating(names[0])
            and isinstance(value, gast.BinOp)
            and isinstance(value.op, (gast.Add, gast.Sub))
            and isinstance(value.left, gast.Name)
            and value.left.id == names[0]
            and not (isinstance(value.right, gast.Name) and value.right.id == names[0])
        )

    def shares(self, names, value, g, stmt, site) -> list[gast.stmt]:
        """Statements adding the shares of ``value``'s operands to their adjoints."""
        if isinstance(value, gast.Subscript):
            base = value.value
            if not (isinstance(base, gast.Name) and base.id in self.active):
                return []
            index = self.ref_atom(value.slice, site)
            if has_slice(index):  # `x[None, :]`, `x[i, 1:]`: added into as a view
                index = _as_value(index)
            elif isinstance(index, (gast.Tuple, gast.Slice)):
                part = gast.Subscript(load(self.adj(base.id)), index, gast.Store())
                return [gast.AugAssign(part, gast.Add(), g)]
            # An integer or an integer array (whose repeated entries must all add up).
            return [gast.Expr(call("_s2s.scatter_add", load(self.adj(base.id)), index, g))]
        if isinstance(value, gast.Call) and call_name(value) in self.helper_names():
            return self.helper_shares(value, g, site)
        rule, args, keywords = self.rule_for(value, stmt)
        if rule is None:
            if isinstance(value, (gast.Tuple, gast.List)):
                what = "building a tuple of values that carry derivatives"
            else:
                what = (
                    f"`{call_name(value)}`"
                    if isinstance(value, gast.Call)
                    else type(value).__name__
                )
                what = f"s2s has no derivative rule for {what}"
            raise DifferentiationError(
                what if what.startswith("s2s") else f"{what} is not supported by reverse mode",
                self.parsed.location(stmt),
                hint="register a rule with s2s.defvjp, or return values separately",
            )
        try:
            bound = rule.bind(args, keywords)
        except TypeError as exc:
            raise DifferentiationError(str(exc), self.parsed.location(stmt)) from None
        result = names[0] if len(names) == 1 else None
        out: list[gast.stmt] = []
        for param, template in rule.adjoints.items():
            operand = bound[param]
            if isinstance(operand, (gast.Tuple, gast.List)):
                out += self.sequence_shares(rule, param, operand, bound, g, result, site)
                continue
            if not (isinstance(operand, gast.Name) and operand.id in self.active):
                continue
            share = self.instantiate(template, bound, g, result, site)
            out += self.contribute(operand.id, share, rule.broadcast, site)
        return out

    def instantiate(self, template, bound, g, result, site, extra=None) -> gast.AST:
        """The rule's expression with ``g``, ``y`` and the parameters filled in."""

        def fill(node: gast.Name) -> gast.AST | None:
            if node.id == "g":
                return clone(g)
            if node.id == "y" and result is not None:
                return self.ref(result, site, after=True)
            if extra and node.id in extra:
                return clone(extra[node.id])
            if node.id in bound:
                return self.ref_atom(bound[node.id], site)
            return None

        return substituted(template, fill)

    def sequence_shares(self, rule, param, sequence, bound, g, result, site):
        """Shares for a tuple or list of operands (``np.array([a, b])``, ``np.concatenate``)."""
        out = []
        if rule.name == "np.array":
            for k, item in enumerate(sequence.elts):
                if isinstance(item, gast.Name) and item.id in self.active:
                    share = gast.Subscript(clone(g), const(k), gast.Load())
                    out += self.contribute(item.id, share)
            return out
        start: gast.AST = const(0)
        for k, item in enumerate(sequence.elts):
            item_ref = self.ref_atom(item, site)
            size = self.instantiate(rule.size, bound, g, result, site, {"item": item_ref})
            stop = gast.BinOp(clone(start), gast.Add(), size)
            if isinstance(item, gast.Name) and item.id in self.active:
                extra = {"k": const(k), "start": start, "stop": stop, "item": item_ref}
                share = self.instantiate(rule.adjoints[param], bound, g, result, site, extra)
                out += self.contribute(item.id, share)
            start = stop
        return out

    def subscript_store(self, target: gast.Subscript, value: gast.AST, site: Site):
        base = target.value.id
        if base not in self.active:
            return []
        index = self.ref_atom(target.slice, site)
        part = gast.Subscript(load(self.adj(base)), index, gast.Load())
        rev = []
        if isinstance(value, gast.Name) and value.id in self.active:
            rev += self.contribute(value.id, call("_s2s.save", part), True, site)
        cleared = gast.Subscript(load(self.adj(base)), clone(index), gast.Store())
        rev.append(assign(cleared, const(0.0)))
        return rev

    # -- calls to the user's helpers -----------------------------------------------------------
    def helper_names(self) -> set[str]:
        return self.request_vjp.helpers

    def helper_shares(self, value: gast.Call, g, site) -> list[gast.stmt]:
        """``_adjoints = helper_vjp(args..., g)[1]``, then one share per active argument."""
        helper = call_name(value)
        ordered = self.request_vjp.bind(helper, value)
        refs = [self.ref_atom(a, site) for a in ordered]
        adjoints = self.namer.numbered("_adjoints")
        self.alias_roots[adjoints] = self.alias_roots_of(g)  # a helper may hand `g` back
        vjp_call = call(self.request_vjp(helper), *refs, g)
        out = [assign(adjoints, gast.Subscript(vjp_call, const(1), gast.Load()))]
        for k, arg in enumerate(ordered):
            if isinstance(arg, gast.Name) and arg.id in self.active:
                out += self.contribute(
                    arg.id, gast.Subscript(load(adjoints), const(k), gast.Load())
                )
        return out

    # -- the whole function ------------------------------------------------------------------
    def function(self, seeds) -> tuple[list[gast.stmt], list[gast.AST]]:
        """Forward sweep, seeding, reverse sweep; and the output atoms.

        ``seeds(outputs)`` gives ``(checks, [(output index, seed expression)])``.
        """
        body = list(self.tree.body)
        final = body.pop() if body and isinstance(body[-1], gast.Return) else None
        value = final.value if final is not None and final.value is not None else const(None)
        outputs = list(value.elts) if isinstance(value, gast.Tuple) else [value]
        checks, seeded = seeds(outputs)
        seeding = []
        for k, expr in seeded:
            out = outputs[k]
            if isinstance(out, gast.Name):
                seeding += self.contribute(out.id, expr)
        forward, reverse = self.block(body)
        prologue = [self.zero(p) for p in self.defs.params if self.accumulating(p)]
        tapes = [assign(t, gast.List([], gast.Load())) for t in sorted(set(self.tapes))]
        head, tail = prologue + tapes + forward, checks + seeding + reverse
        self.assign_first_shares(head, tail)
        return head + tail, outputs

    def rule_for(self, value: gast.AST, stmt: gast.stmt) -> tuple[VJPRule | None, list, dict]:
        """The rule, positional operands and keyword operands of a right-hand side."""
        key, args, keywords = operation(value)
        return VJP_RULES.get(key) if key else None, args, keywords


def _after_some_trips(trips: str, stmts: list[gast.stmt]) -> list[gast.stmt]:
    """``stmts`` guarded by ``if trips > 0:`` (the values they read exist only then)."""
    if not stmts:
        return []
    test = gast.Compare(load(trips), [gast.Gt()], [const(0)])
    return [gast.If(test, stmts, [])]


def _as_value(index: gast.AST) -> gast.AST:
    """A subscript's index as a value to pass on: slices as ``slice(lower, upper, step)``."""

    def part(p: gast.AST) -> gast.AST:
        if not isinstance(p, gast.Slice):
            return p
        return call(
            "slice", *(b if b is not None else const(None) for b in (p.lower, p.upper, p.step))
        )

    if isinstance(index, gast.Tuple):
        return gast.Tuple([part(p) for p in index.elts], gast.Load())
    return part(index)


def _first_write(tree: gast.FunctionDef, name: str, writes, returns) -> gast.AST:
    """The first statement that writes into ``name``'s array, by any name or call."""
    names = seeing({name}, views(tree, True, returns))
    for node in walk(tree):
        if written_into(node, writes) & names:
            return node
    return tree
