"""Reverse mode: from a normalised function, the source of its vector-Jacobian product.

The generated function runs a *forward sweep* (the primal statements, plus what the adjoint
will need) and then a *reverse sweep* (the adjoint statements in reverse order). Adjoints are
named after their variables (``bx`` for ``x``). A value the reverse sweep needs is used
directly when nothing overwrites it later; otherwise it is kept at the point of use: in a
variable (``_v1 = x``) outside loops, on a per-site tape inside loops (an array filled at the
iteration's place, or a list: ``_tape1.append(x)`` / ``.pop()``). Branches keep their
conditions, loops their trip counts; ``for`` loops over ``range`` recompute their index in the
reverse sweep instead of storing it.

How adjoints are declared, receive their shares and are cleared is in ``reverse_adjoints``;
what the reverse sweep reads of the forward sweep's values, in ``reverse_values``; how loops
are run back, in ``reverse_loops``; where values go in loops, in ``reverse_tapes`` and
``reverse_running``.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence

import gast

from ..analysis.activity import (
    active_variables,
    call_name,
    integer_number,
    value_is_differentiable,
)
from ..analysis.definitions import (
    Definitions,
    analyse,
    names_read,
    statements,
    written_by_call,
)
from ..analysis.floating import floating_names
from ..analysis.shared_writes import (
    reject_writes_into_arguments,
    reject_writes_through_views,
)
from ..codegen.naming import Namer
from ..errors import DifferentiationError
from ..frontend.source import ParsedFunction
from ..gastutil import (
    all_located,
    assign,
    call,
    clone,
    const,
    has_slice,
    load,
    name_nodes,
    statements_located,
    substituted,
)
from ..rules import VJP_RULES, ZERO_GRADIENT
from ..rules.registry import VJPRule
from .operations import operation
from .real_checks import calls_real_only, real_checks
from .reverse_adjoints import Adjoints
from .reverse_lists import Lists, _appended_to, list_names, read_from_end
from .reverse_loops import Loops
from .reverse_parts import Parts, as_value, part_added_to, parts_read_by_entry
from .reverse_running import RunningTapes
from .reverse_tapes import Tapes
from .reverse_values import SavedValues, Site
from .updates import plain_updates

_EFFECT_HINT = "return the result instead of writing it into an argument"
_IN_PLACE_HINT = "make a new array (`h = a * b` for `np.multiply(a, b, out=h)`)"


class ReverseMode(Loops, Lists, Parts, Adjoints, SavedValues, Tapes, RunningTapes):
    """Builds the forward and reverse sweeps of one function."""

    def __init__(
        self,
        parsed: ParsedFunction,
        tree: gast.FunctionDef,
        wrt: list[str],
        request_vjp,
        floats: Sequence[str] = (),
    ):
        """Adjoints of ``wrt``, of which ``floats`` surely hold floating values."""
        self.parsed = parsed
        self.writes = request_vjp.writes  # the helpers' arguments they write into
        self.returns = request_vjp.returns  # and those they may hand back
        kept_updates, tree = tree, plain_updates(tree, self.returns)
        active = active_variables(tree, wrt, self.writes)
        self.float_args = list(floats)  # for `floating`, asked only by array writes
        self.lists = list_names(tree) & active
        if self.lists:  # (the rewrite adds only integers, which carry no derivative)
            tree = read_from_end(parsed, tree, self.lists)
        self.tree = tree
        self.defs: Definitions = analyse(tree, self.writes, self.returns)
        self.checks_real = any(calls_real_only(c) for c in self.defs.nodes_of(gast.Call))
        self.active = active - _only_compared(self.defs)
        # How often each name appears in the function (its keys: every name in it).
        self.mentions = self.defs.mentions
        self.tree_names = set(self.mentions)
        self.namer = Namer(self.tree_names | {"np", "math", "_s2s"})
        self.viewed_memory: dict[str, set[str]] | None = None
        self.copy_saved = bool(self.defs.mutated)
        self.loop_depth = 0
        self.restored: list[str] = []  # loop indices the reverse sweep recomputes
        self.tapes: list[str] = []
        self.trip_counts: set[str] = set()  # the names of loops' trip counts
        self.loops: list[dict | None] = []  # enclosing loops, innermost last
        self.value_names: set[str] = set()  # the `_v` names of values kept for the reverse sweep
        self.passed_through: set[str] = set()  # reads of parts `x[s] += e` updates (see below)
        self.recalled: dict[int, gast.If] = {}  # definitions computed once, then read from tapes
        # Temporaries moved into those branches, and where the branch is in their block.
        self.sunk: dict[int, tuple[gast.If, int]] = {}
        self.operands: dict[int, tuple[gast.AST, list[str]]] = {}  # see `operand_names`
        self._changes: dict[int, tuple[gast.stmt, set[str], set[str]]] = {}
        self.block_places: dict[int, tuple[list[gast.stmt], dict[int, int]]] = {}
        self.block_refs: list[dict[str, gast.AST]] = [{}]
        self.block_reads: list[dict[tuple, tuple[str, gast.AST, int]]] = [{}]  # see `equal_read`
        self.position: list[tuple[list[gast.stmt], int]] = [([], 0)]
        self.current_defs: set[str] = set()
        self.pending_refs: dict[str, gast.AST] = {}
        self.request_vjp = request_vjp  # helper name -> name of its generated vjp
        self.init_adjoints()
        reject_writes_through_views(parsed, kept_updates, self.active, self.returns)
        # `_t1 = X[i]` read only by entries (`_t2 = _t1[0]`): each entry's share goes straight
        # into `bX` (`scatter_add_part`); the part has no adjoint to fill, add in and clear.
        self.parts_read = parts_read_by_entry(
            self.tree, self.defs, self.active - self.lists, self.changed
        )
        self.active -= set(self.parts_read)
        written = self.defs.written & set(self.defs.params) & self.active
        reject_writes_into_arguments(parsed, tree, written, self.writes, self.returns)

    def changed(self, stmt: gast.stmt) -> set[str]:
        """``changed_by(stmt)``, computed once per statement."""
        return self.changes(stmt)[1]

    def changes(self, stmt: gast.stmt) -> tuple[set[str], set[str]]:
        """The names whose arrays ``stmt`` (with everything nested in it) writes into, and
        ``changed_by(stmt)``: computed once per statement, a compound statement's from those
        of the statements in its blocks (``analyse`` found what each of the function's
        changes itself)."""
        key = id(stmt)
        entry = self._changes.get(key)
        if entry is not None:
            return entry[1], entry[2]
        written, bound = self.defs.own_changes(stmt)
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            written, changed = set(written), set(bound)
            for inner in stmt.body + stmt.orelse:
                inner_written, inner_changed = self.changes(inner)
                written |= inner_written
                changed |= inner_changed
            changed |= written
        else:
            changed = written | bound
        self._changes[key] = (stmt, written, changed)  # the statement is kept: its id stays its own
        return written, changed

    # -- blocks and statements --------------------------------------------------------------
    def block(self, stmts: list[gast.stmt]) -> tuple[list[gast.stmt], list[gast.stmt]]:
        """Forward and reverse sweeps of a block.

        Statements are visited last to first, as the reverse sweep runs: by the time a
        definition is reversed, every use of the variable has been.
        """
        forward: list[gast.stmt] = []
        reverse: list[gast.stmt] = []
        self.block_refs.append({})
        self.block_reads.append({})
        self.position.append((stmts, len(stmts)))
        for k in range(len(stmts) - 1, -1, -1):
            self.position[-1] = (stmts, k)
            fwd, rev = self.statement(stmts[k])
            if self.checks_real:
                fwd = all_located(real_checks(stmts, k, self.active), stmts[k]) + fwd
            forward[:0] = fwd
            reverse.extend(rev)
        if reverse:
            self.position[-1] = (stmts, len(stmts))
            reverse[:0] = self.refit_each_iteration(stmts, forward)
        self.position.pop()
        self.block_refs.pop()
        self.block_reads.pop()
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
        statements_located(forward + rev, stmt)
        return forward, rev

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
            if _appended_to(stmt.value) in self.lists:
                return self.list_append(stmt, site)
            self.reject_effects(stmt)
        return [stmt], []  # print, assert, raise, pass: no adjoint

    def reject_effects(self, stmt: gast.Expr) -> None:
        """A call made for its effect on values that carry derivatives: not differentiable."""
        value = stmt.value
        name = call_name(value)
        if name == "print" or name in ZERO_GRADIENT:
            return
        written = written_by_call(value, self.writes)  # `np.fill_diagonal(h, v)`: `h`
        read = {n for a in value.args for n in names_read(a)}
        if name.endswith(".append") and read & self.active:  # a list from elsewhere
            raise DifferentiationError(
                f"reverse mode cannot differentiate `{name}` of a list not made in the "
                "function, with values that carry derivatives",
                self.parsed.location(stmt),
                hint="make the list in the function (`L = []`), or fill an array",
            )
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

    # -- assignments ---------------------------------------------------------------------------
    def assignment(self, stmt: gast.Assign, site: Site):
        target, value = stmt.targets[0], stmt.value
        if isinstance(target, gast.Subscript):
            kind, rev = self.subscript_store(target, value, site)
            return kind + [stmt], rev
        if isinstance(value, gast.List) and target.id in self.lists:
            return self.list_definition(stmt, site)
        names = [target.id] if isinstance(target, gast.Name) else [e.id for e in target.elts]
        primal = [stmt] + [self.zero(n) for n in names if self.accumulating(n)]
        if not any(n in self.active for n in names):
            return [stmt], []

        def resets(in_place: bool) -> list[gast.stmt]:
            return [r for n in names if self.accumulating(n) for r in self.reset(n, in_place, site)]

        if len(names) == 1 and (names[0] in self.single_use or names[0] in self.reassigned):
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
        operands = {n.id for n in name_nodes(value)}
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
            if isinstance(base, gast.Name) and base.id in self.parts_read:
                return self.part_read_share(base.id, value.slice, g, site)
            if not (isinstance(base, gast.Name) and base.id in self.active):
                return []
            index = self.ref_atom(value.slice, site)
            if base.id in self.lists:
                return self.list_read_share(base.id, index, g)
            if has_slice(index):  # `x[None, :]`, `x[i, 1:]`: added into as a view
                index = as_value(index)
            elif isinstance(index, (gast.Tuple, gast.Slice)):
                part = gast.Subscript(load(self.adj(base.id)), index, gast.Store())
                return [gast.AugAssign(part, gast.Add(), g)]
            # An integer or an integer array (whose repeated entries must all add up).
            return [gast.Expr(call("_s2s.scatter_add", load(self.adj(base.id)), index, g))]
        if isinstance(value, gast.Call) and call_name(value) in self.helper_names():
            self.refuse_nested_results(call_name(value), names, stmt)
            return self.helper_shares(value, g, site)
        if self.lists and isinstance(value, gast.Call):
            if call_name(value) == "_s2s.list_total" and value.args[0].id in self.lists:
                return self.list_total_share(value, g, site)
            to_array = self.list_array_share(value, g)
            if to_array is not None:
                return to_array
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
        result = names[0] if len(names) == 1 else tuple(names) or None  # `w, v = eigh(a)`
        out: list[gast.stmt] = []
        for param, template in rule.adjoints.items():
            operand = bound[param]
            if isinstance(operand, (gast.Tuple, gast.List)):
                out += self.sequence_shares(rule, param, operand, bound, g, result, site)
                continue
            if not (isinstance(operand, gast.Name) and operand.id in self.active):
                continue
            if operand.id in self.passed_through:
                continue  # `x[s]` read by `x[s] += e`: its adjoint stays where it is
            share = self.instantiate(template, bound, g, result, site)
            out += self.contribute(operand.id, share, rule.broadcast, site)
        return out

    def instantiate(self, template, bound, g, result, site, extra=None) -> gast.AST:
        """The rule's expression with ``g``, ``y`` and the parameters filled in."""

        shape_only = self.shape_only_names(template)

        def fill(node: gast.Name) -> gast.AST | None:
            if node.id == "g":
                return clone(g)
            if id(node) in shape_only and node.id in bound:
                operand = bound[node.id]
                if isinstance(operand, gast.Name) and self.same_shape_throughout(operand.id):
                    return load(operand.id)  # its shape: any of its values gives it
            if node.id == "y" and isinstance(result, tuple):
                return gast.Tuple([self.ref(n, site, after=True) for n in result], gast.Load())
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

    @functools.cached_property
    def floating(self) -> set[str]:
        """The arrays a write surely keeps derivatives in (``analysis/floating.py``)."""
        return floating_names(self.tree, self.float_args)

    def subscript_store(self, target: gast.Subscript, value: gast.AST, site: Site):
        """``(forward, reverse)``: the statements the write ``target = value`` adds before
        itself in the forward sweep, and its reverse."""
        base = target.value.id
        if base not in self.active:
            return [], []
        index = self.ref_atom(target.slice, site)
        part = gast.Subscript(load(self.adj(base)), index, gast.Load())
        kind, rev = [], []
        loops = {loop["stmt"].target.id for loop in self.loops if loop is not None}
        update = part_added_to(*self.position[-1], self.defs)
        if update and base in self.floating and not _maybe_array(target.slice, self.defs, loops):
            # `x[s] += e`: `bx[s]` passes through; `e` gets its share, the read none.
            read, added = update
            self.passed_through.add(read)
            if added not in self.active:
                return [], []
            return [], self.contribute(value.id, call("_s2s.save", part), True, site)
        if isinstance(value, gast.Name) and value.id in self.active:
            if _maybe_array(target.slice, self.defs, loops):  # the last write of a position
                share = call("_s2s.stored_share", load(self.adj(base)), as_value(clone(index)))
            else:
                share = call("_s2s.save", part)
            if base not in self.floating:  # zero where `base` holds integers
                holder, kind = self.dtype_holder(base)
                share = call("_s2s.kept_by", holder, share)
            rev += self.contribute(value.id, share, True, site)
        cleared = gast.Subscript(load(self.adj(base)), clone(index), gast.Store())
        rev.append(assign(cleared, const(0.0)))
        return kind, rev

    def dtype_holder(self, base: str) -> tuple[gast.AST, list[gast.stmt]]:
        """What gives ``base``'s dtype in the reverse sweep, and the forward statements that
        keep it: ``base`` itself where it is bound once; else a zero of its dtype, taken at
        the write (the name may hold an array of another dtype by the reverse sweep)."""
        if self.defs.defs[base] + (base in self.defs.params) == 1:
            return load(base), []
        kind = self.namer.fresh(f"_{base}_kind")
        return load(kind), [assign(kind, call("_s2s.dtype_zero", load(base)))]

    # -- calls to the user's helpers -----------------------------------------------------------
    def helper_names(self) -> set[str]:
        return self.request_vjp.helpers

    def refuse_nested_results(self, helper: str, names: list[str], stmt: gast.stmt) -> None:
        """Refuse a helper's result that is itself a tuple (``return a, (b, c)``) bound to a
        name that carries a derivative: its adjoint would be a tuple, which reverse mode does
        not build."""
        tree = self.request_vjp.program.units[helper].tree
        nested = {
            k
            for node in statements(tree)
            if isinstance(node, gast.Return) and isinstance(node.value, gast.Tuple)
            for k, element in enumerate(node.value.elts)
            if isinstance(element, gast.Tuple)
        }
        if len(names) == 1 and nested:
            nested = {0}  # the whole result, a tuple holding tuples
        if any(k < len(names) and names[k] in self.active for k in nested):
            raise DifferentiationError(
                f"a tuple inside the tuple that `{helper}` returns is not supported by reverse "
                "mode where it carries derivatives",
                self.parsed.location(stmt),
                hint=f"return the values of `{helper}` as one flat tuple",
            )

    def helper_shares(self, value: gast.Call, g, site) -> list[gast.stmt]:
        """``_adjoints = helper_vjp(args..., g)``, then one share per active argument."""
        helper = call_name(value)
        ordered = self.request_vjp.bind(helper, value)
        refs = [self.ref_atom(a, site) for a in ordered]
        adjoints = self.namer.numbered("_adjoints")
        self.alias_roots[adjoints] = self.alias_roots_of(g)  # a helper may hand `g` back
        vjp_call = call(self.request_vjp(helper), *refs, g)
        out = [assign(adjoints, vjp_call)]
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
            seeding += self.seeding(outputs[k], expr)
        forward, reverse = self.block(body)
        prologue = [self.zero(p) for p in self.defs.params if self.accumulating(p)]
        tapes = [assign(t, gast.List([], gast.Load())) for t in sorted(set(self.tapes))]
        head, tail = prologue + tapes + self.stacks() + forward, checks + seeding + reverse
        self.assign_first_shares(head, tail)
        return head + tail, outputs

    def seeding(self, output: gast.AST, seed: gast.AST) -> list[gast.stmt]:
        """``seed`` passed to an output: a name, or a tuple (nested too) of names and
        constants, each element getting its part of ``seed``."""
        if isinstance(output, gast.Name):
            return self.contribute(output.id, seed)
        if not isinstance(output, gast.Tuple):
            return []  # a constant: nothing to pass on
        return [
            stmt
            for k, element in enumerate(output.elts)
            for stmt in self.seeding(element, gast.Subscript(seed, const(k), gast.Load()))
        ]

    def rule_for(self, value: gast.AST, stmt: gast.stmt) -> tuple[VJPRule | None, list, dict]:
        """The rule, positional operands and keyword operands of a right-hand side."""
        key, args, keywords = operation(value)
        return VJP_RULES.get(key) if key else None, args, keywords


def _only_compared(defs: Definitions) -> set[str]:
    """Names read only by comparisons, whose outcome passes no derivative back: they need no
    adjoint (one declared in a branch of a loop's condition, never used, can leave Numba a
    variable it cannot type)."""
    compared: Counter = Counter()
    for node in defs.nodes_of(gast.Compare):
        for operand in [node.left, *node.comparators]:
            if isinstance(operand, gast.Name):
                compared[operand.id] += 1
    return {n for n, k in compared.items() if k == defs.uses[n] and n not in defs.params}


def _maybe_array(index: gast.AST, defs: Definitions, counters: set[str]) -> bool:
    """Whether the index of a write, or a part of a tuple index, may be an integer array
    (whose positions may repeat): a name that does not surely hold an integer (constants and
    slices are not)."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    return any(
        isinstance(p, gast.Name) and not integer_number(p, defs.single_values, counters)
        for p in parts
    )
