"""Reverse mode of loops: the forward loop with what its reverse needs, and the loop that runs
it back.

A ``for`` loop over a range keeps its trip count and recomputes its index in the reverse sweep;
a rectangular nest of them keeps its values on preallocated tapes, one place per iteration
(``reverse_values``), filled together at the end of a long body. A ``while`` loop counts its
trips. The reverse loop runs forwards where its iterations pass nothing to each other
(``reverse_order``).
"""

from __future__ import annotations

import gast

from ..analysis.definitions import names_read
from ..gastutil import assign, call, clone, const, load, located, store
from .reverse_order import iterations_commute
from .reverse_tapes import on_first
from .reverse_values import Site


class Loops:
    """The part of :class:`~s2s.transforms.reverse.ReverseMode` that reverses loops.

    Expects ``block``, ``ref``, ``ref_atom``, ``changed``, ``same_along``, ``uncopied``,
    ``hoist_declarations``, ``bound_names``, ``mentions_in``, ``accumulating``, ``namer``,
    ``defs``, ``mentions``, ``adjoint_owner``, ``value_names``, ``loops``, ``loop_depth``,
    ``restored`` and ``position`` on the instance.
    """

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
        invariant = self.invariant_bounds(stmt)
        k = index if simple else self.namer.numbered("_r")
        loop = {
            "stmt": stmt,
            "body": stmt.body,
            "trips": trips,
            "counter": index if simple else self.namer.numbered("_k"),
            "reverse": k,
            "used": False,
            "invariant": invariant,
            "rectangular": invariant and self.at_top_of_a_rectangular_nest(),
            "kept": kept,
            "in_body": self.in_parent_body(),  # (for `reverse_running`)
        }
        self.trip_counts.add(trips)
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
        if not self.loops:  # tapes at running places in its nest: counted and allocated
            primal = self.running_setup(loop) + primal
        allocations = loop.get("allocations", [])  # tapes filled in the loop (their length: count)
        if not body_rev:
            return ([count] + allocations if allocations else []) + primal, []
        primal = [count] + allocations + primal + _after_some_trips(trips, declared)
        # Bounds the same on every outer iteration give the same trip count on each.
        n = load(trips) if loop["invariant"] else self.counter(trips, site)
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

    def invariant_bounds(self, stmt: gast.For) -> bool:
        """Whether the bounds of this ``range`` loop are the same on every iteration of the
        ``for`` loops around it (``range(3)`` in the triangular ``for j in range(i + 1, n)``;
        ``range(a.shape[0])`` too, though the normal form computes ``a.shape[0]`` inside
        them): then so is its trip count, which the reverse sweep reads from the forward
        sweep's last iteration rather than from a tape."""
        if None in self.loops:  # inside a `while` loop
            return False
        bounds = {n for a in stmt.iter.args for n in names_read(a)}
        return all(self.same_along(name, loop) for name in bounds for loop in self.loops)

    def at_top_of_a_rectangular_nest(self) -> bool:
        """Whether a loop of invariant bounds here makes, with those around it, a rectangular
        nest: each at the top of its parent's body, the parent's nest rectangular. Then every
        iteration of the nest has a fixed place in one preallocated tape."""
        return not self.loops or self.in_parent_body() and self.loops[-1]["rectangular"]

    def in_parent_body(self) -> bool:
        """Whether a loop here sits directly in the body of the loop around it (in no
        branch of it), if there is one."""
        if not self.loops:
            return True
        parent = self.loops[-1]
        return parent is not None and self.position[-1][0] is parent["body"]

    def while_loop(self, stmt: gast.While, site: Site):
        trips = self.namer.numbered("_n")
        self.trip_counts.add(trips)
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


def _after_some_trips(trips: str, stmts: list[gast.stmt]) -> list[gast.stmt]:
    """``stmts`` guarded by ``if trips > 0:`` (the values they read exist only then)."""
    if not stmts:
        return []
    test = gast.Compare(load(trips), [gast.Gt()], [const(0)])
    return [gast.If(test, stmts, [])]
