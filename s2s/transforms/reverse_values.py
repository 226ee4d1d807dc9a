"""What the reverse sweep reads: values kept from the forward sweep, or recomputed.

A value the reverse sweep needs is used directly when nothing overwrites it later (it is
*stable*); otherwise it is recomputed when that is cheap, or kept at the point of use: in a
variable (``_v1 = x``) outside loops, on a per-site tape (``_tape1.append(x)`` /
``.pop()``) inside loops. Uses of one value within a block share one save.
"""

from __future__ import annotations

import contextlib
import dataclasses

import gast

from ..gastutil import assign, call, clone, const, load, substituted, walk


@dataclasses.dataclass
class Site:
    """What one statement adds around itself: saves before/after it, and restores."""

    before: list = dataclasses.field(default_factory=list)
    after: list = dataclasses.field(default_factory=list)
    restore: list = dataclasses.field(default_factory=list)
    refs: dict = dataclasses.field(default_factory=dict)


class SavedValues:
    """The part of :class:`~s2s.transforms.reverse.ReverseMode` that keeps values.

    Expects ``defs``, ``namer``, ``loop_depth``, ``restored``, ``tapes``, ``copy_saved``,
    ``block_refs``, ``position``, ``current_defs`` and ``pending_refs`` on the instance.
    """

    def stable(self, name: str) -> bool:
        """Whether ``name`` still holds, during the reverse sweep, the value it has here."""
        if name in self.restored:  # the index of an enclosing loop, recomputed in reverse
            return True
        return self.defs.defined_once_outside_loops(name)

    def ref(self, name: str, site: Site, after: bool = False) -> gast.AST:
        """An expression for ``name``'s value at this statement, usable in the reverse sweep.

        Uses of one value within a block share one save: statements are visited last to
        first, so the save sits at the last use and earlier uses read what it restored.
        """
        shared = self.block_refs[-1]
        pre_version = not after and name in self.current_defs
        if not pre_version and name in shared:
            return clone(shared[name])
        if self.stable(name) and not (after and name in self.defs.mutated):
            return load(name)
        expr = self.recompute(name, site, after)
        if expr is None:
            expr = self.save(name, site, after)
        (self.pending_refs if pre_version else shared)[name] = expr
        return clone(expr)

    def recompute(self, name: str, site: Site, after: bool = False) -> gast.AST | None:
        """A cheap expression that recomputes ``name`` in the reverse sweep, if there is one.

        A temporary defined once by arithmetic (or by reading an array nothing writes to) is
        recomputed from its operands rather than saved, when those operands are values the
        reverse sweep has anyway: stable ones, such as a restored loop index, or ones still
        unchanged since the definition in the same block (saved once, here, for both uses).
        """
        if not self._recomputable(name, after, 0):
            return None
        value = self.defs.single_values[name]
        replaced = {}
        for operand in _operand_names(value):
            if self.stable(operand):
                replaced[operand] = load(operand)
            else:
                replaced[operand] = self.recompute(operand, site, after) or self.ref(
                    operand, site, after
                )
        return substituted(value, lambda n: clone(replaced[n.id]) if n.id in replaced else None)

    def _recomputable(self, name: str, after: bool, depth: int) -> bool:
        value = self.defs.single_values.get(name)
        if depth > 3 or value is None or name in self.defs.mutated:
            return False
        if not isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Compare, gast.Subscript)):
            return False
        if isinstance(value, gast.Subscript):
            base = value.value
            if not isinstance(base, gast.Name) or not self.stable(base.id):
                return False
        unchanged = self._unchanged_since_definition(name, after)
        for operand in _operand_names(value):
            if self.stable(operand) or self._recomputable(operand, after, depth + 1):
                continue
            if operand not in unchanged:
                return False
        return True

    def _unchanged_since_definition(self, name: str, after: bool) -> set[str]:
        """Operands of ``name``'s definition that nothing changed between it and here."""
        stmts, here = self.position[-1]
        definition = self.defs.single_stmts[name]
        for d, stmt in enumerate(stmts[:here]):
            if stmt is definition:
                between = stmts[d + 1 : here + 1 if after else here]
                changed = set().union(*(self.changed(s) for s in between)) if between else set()
                return set(_operand_names(definition.value)) - changed
        return set()

    @contextlib.contextmanager
    def uncopied(self):
        """Values saved meanwhile are kept as they are, not copied: what reads them needs no
        array contents that later writes could change (a trip count, a shape)."""
        copy_saved, self.copy_saved = self.copy_saved, False
        try:
            yield
        finally:
            self.copy_saved = copy_saved

    def save(self, name: str, site: Site, after: bool) -> gast.AST:
        """Keep ``name``'s value for the reverse sweep: in a variable, or on a tape in loops."""
        value = call("_s2s.save", load(name)) if self.copy_saved else load(name)
        saved = self.namer.numbered("_v")
        where = site.after if after else site.before
        if self.loop_depth == 0:
            where.append(assign(saved, value))
            return load(saved)
        nest = self.counted_nest()
        if nest:
            # `for` loops over ranges, a statement every iteration runs: a tape of known
            # length, filled at the iteration's place in the nest (allocated at place 0).
            tape = self.namer.numbered("_tape")
            for loop in nest:
                loop["used"] = True
            place = _place(nest, "counter")
            length = load(nest[0]["trips"])
            for loop in nest[1:]:
                length = gast.BinOp(length, gast.Mult(), load(loop["trips"]))
            first = gast.Compare(place, [gast.Eq()], [const(0)])
            alloc = gast.If(first, [assign(tape, call("_s2s.tape_alloc", load(name), length))], [])
            put = gast.Expr(call("_s2s.tape_put", load(tape), clone(place), value))
            where += [alloc, put]
            nest[-1].setdefault("tapes", []).append((alloc, put))
            read = gast.Subscript(load(tape), _place(nest, "reverse"), gast.Load())
            site.restore.append(assign(saved, read))
            return load(saved)
        tape = self.namer.numbered("_tape")
        self.tapes.append(tape)
        where.append(gast.Expr(call(gast.Attribute(load(tape), "append", gast.Load()), value)))
        site.restore.append(assign(saved, call(gast.Attribute(load(tape), "pop", gast.Load()))))
        return load(saved)

    def counted_nest(self) -> list[dict]:
        """The loops whose iterations index a preallocated tape here, outermost first, if
        there are: a rectangular nest of ``for`` loops over ranges (see ``rectangular``), with
        the statement at the top of the innermost body."""
        loop = self.loops[-1] if self.loops else None
        if loop is None or not loop["rectangular"] or self.position[-1][0] is not loop["body"]:
            return []
        return list(self.loops)

    def ref_atom(self, atom: gast.AST, site: Site) -> gast.AST:
        """``ref`` applied to every name inside an atom, slice or tuple of atoms."""

        def replace(node: gast.Name) -> gast.AST | None:
            if isinstance(node.ctx, gast.Load) and node.id not in ("np", "math", "_s2s"):
                return self.ref(node.id, site)
            return None

        return substituted(atom, replace)


def _place(nest: list[dict], counter: str) -> gast.AST:
    """The iteration's place in the nest, ``(i * n2 + j) * n3 + k``, from each loop's
    ``counter`` (the forward or the reverse iteration number)."""
    place = load(nest[0][counter])
    for loop in nest[1:]:
        place = gast.BinOp(
            gast.BinOp(place, gast.Mult(), load(loop["trips"])), gast.Add(), load(loop[counter])
        )
    return place


def _operand_names(value: gast.AST) -> list[str]:
    return [
        n.id for n in walk(value) if isinstance(n, gast.Name) and n.id not in ("np", "math", "_s2s")
    ]
