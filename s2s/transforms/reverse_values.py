"""What the reverse sweep reads: values kept from the forward sweep, or recomputed.

A value the reverse sweep needs is used directly when nothing overwrites it later (it is
*stable*); otherwise it is recomputed when that is cheap, or kept at the point of use: in a
variable (``_v1 = x``) outside loops, on a tape inside loops (``reverse_tapes.py``). Uses of
one value within a block share one save.
"""

from __future__ import annotations

import contextlib
import dataclasses

import gast

from ..analysis.activity import call_name
from ..analysis.aliases import seeing, views
from ..gastutil import assign, call, clone, load, name_nodes, substituted, walk
from ..rules.runtime_helpers import SHAPE_ONLY

# id(template) -> (template, its names read for their shape alone): see ``shape_only_names``
_SHAPE_ONLY_NAMES: dict[int, tuple[gast.AST, set[int]]] = {}


@dataclasses.dataclass
class Site:
    """What one statement adds around itself: saves before/after it, and restores."""

    before: list = dataclasses.field(default_factory=list)
    after: list = dataclasses.field(default_factory=list)
    restore: list = dataclasses.field(default_factory=list)
    refs: dict = dataclasses.field(default_factory=dict)


class SavedValues:
    """The part of :class:`~s2s.transforms.reverse.ReverseMode` that keeps values.

    Expects ``tree``, ``tree_names``, ``writes``, ``returns``, ``defs``, ``namer``,
    ``loop_depth``, ``restored``, ``lists``, ``copy_saved``, ``block_refs``, ``block_reads``,
    ``position``, ``current_defs``, ``pending_refs``, ``viewed_memory`` (None), ``taped`` (see
    ``reverse_tapes``) and ``operands`` (empty: see ``operand_names``) on the instance.
    """

    def stable(self, name: str) -> bool:
        """Whether ``name`` still holds, during the reverse sweep, the value it has here."""
        if name in self.restored:  # the index of an enclosing loop, recomputed in reverse
            return True
        if name in self.lists:  # appended to: an entry counted from the end moves
            return False
        if self.defs.defs[name] == 0 and name not in self.defs.params:
            return True  # a global or a closure's constant, frozen into the compiled code
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
        if expr is not None and any(isinstance(n, gast.Call) for n in walk(expr)):
            # (`math.sqrt(...)`: computed once for the block's uses, after what it reads)
            held = self.value_name()
            site.restore.insert(0, assign(held, expr))
            expr = load(held)
        if expr is None and not pre_version:
            expr = self.equal_read(name)
        if expr is None:
            expr = self.save(name, site, after)
            if not pre_version:
                self.remember_read(name, expr)
        (self.pending_refs if pre_version else shared)[name] = expr
        return clone(expr)

    def remember_read(self, name: str, kept: gast.AST) -> None:
        """Note that ``name``, a read of an array element (``_t3 = x[i]``), is kept as
        ``kept`` at this statement, for the equal reads of this block (``equal_read``)."""
        key = _read_key(self.defs.single_values.get(name))
        if key is not None:
            self.block_reads[-1].setdefault(key, (name, kept, self.position[-1][1]))

    def equal_read(self, name: str) -> gast.AST | None:
        """What keeps an equal read of the same element in this block, if one is kept:
        ``x[i] * x[i] * x[i]`` reads ``x[i]`` three times, each a temporary of its own, and
        one tape holds them all. Equal when, from the first read to the last statement that
        keeps either (the element may be a row, which sees later writes), nothing rebinds
        the array or the index, or writes into the array or memory it shares."""
        value = self.defs.single_values.get(name)
        key = _read_key(value)
        found = None if key is None else self.block_reads[-1].get(key)
        if found is None:
            return None
        other, kept, kept_at = found
        stmts, here = self.position[-1]
        places = [
            self.place_in_block(stmts, self.defs.single_stmts[n], len(stmts)) for n in (name, other)
        ]
        if None in places:
            return None
        operands = set(self.operand_names(value))
        memory = seeing({value.value.id}, self.memory_views())
        first, last = min(places), max(*places, here, kept_at)
        for k in range(first + 1, last + 1):
            written, changed = self.changes(stmts[k])
            if changed & operands or written & memory:
                return None
        return clone(kept)

    def recompute(self, name: str, site: Site, after: bool = False) -> gast.AST | None:
        """A cheap expression that recomputes ``name`` in the reverse sweep, if there is one.

        A temporary defined once by arithmetic (or by reading an array nothing writes to) is
        recomputed from its operands rather than saved, when those operands are values the
        reverse sweep has anyway: stable ones, such as a restored loop index, or ones still
        unchanged since the definition in the same block (saved once, here, for both uses).
        """
        if not self._recomputable(name, after, 0) or len(self._summed_reads(name, after)) > 1:
            return None
        value = self.defs.single_values[name]
        replaced = {}
        for operand in self.operand_names(value):
            if self.stable(operand):
                replaced[operand] = load(operand)
            else:  # (recomputed too, or saved: one value per block, as for every use)
                replaced[operand] = self.ref(operand, site, after)
        return substituted(value, lambda n: clone(replaced[n.id]) if n.id in replaced else None)

    def _recomputable(self, name: str, after: bool, depth: int) -> bool:
        value = self.defs.single_values.get(name)
        if depth > 3 or value is None or name in self.defs.mutated:
            return False
        if isinstance(value, gast.Call):
            if call_name(value) not in _CHEAP_MATH:
                return False
        elif not isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Compare, gast.Subscript)):
            return False
        if isinstance(value, gast.Subscript):  # of an array nothing writes to, or a part of it
            base = value.value
            if not isinstance(base, gast.Name):
                return False
            if not (self.stable(base.id) or self._recomputable_part(base.id, after, depth)):
                return False
        unchanged = None  # (looked for only if some operand needs it)
        for operand in self.operand_names(value):
            if self.stable(operand) or self._recomputable(operand, after, depth + 1):
                continue
            if unchanged is None:
                unchanged = self._unchanged_since_definition(name, after)
            if operand not in unchanged:
                return False
        return True

    def _summed_reads(self, name: str, after: bool, depth: int = 0) -> set[tuple]:
        """The element reads that computing ``name`` again would keep for it alone: reads
        summed into it (additions need no value of their operands) that nothing else reads,
        of arrays that change later. Above one, ``name`` itself is kept instead: a stencil's
        ``u[i - 1, j] + u[i + 1, j] + ...`` is one value on a tape rather than four (a Jacobi
        iteration's gradient, 40 x 40, 10 steps: 80-83 -> 63-64 us)."""
        value = self.defs.single_values[name]
        found: set[tuple] = set()
        if depth > 8 or not _linear(value):
            return found
        shared = self.block_refs[-1]
        for operand in self.operand_names(value):
            if self.stable(operand) or operand in shared or self.defs.uses[operand] != 1:
                continue
            if self._recomputable(operand, after, 0):  # (as `ref` would find it)
                found |= self._summed_reads(operand, after, depth + 1)
                continue
            key = _read_key(self.defs.single_values.get(operand))
            if key is not None and self.equal_read(operand) is None:
                found.add(key)
        return found

    def _recomputable_part(self, name: str, after: bool, depth: int) -> bool:
        """Whether ``name`` is a part of an array (``X[i]``) cheap to take again: ``X[i][0]``
        is recomputed, not ``(x * c)[i]``, which would compute all of ``x * c``."""
        value = self.defs.single_values.get(name)
        return isinstance(value, gast.Subscript) and self._recomputable(name, after, depth + 1)

    @staticmethod
    def shape_only_names(template: gast.AST) -> set[int]:
        """The names in a rule's template passed where a helper reads only their shape and
        type (``x`` in ``_s2s.sum_adjoint(g, x, axis)``). Templates live as long as their
        rules: each is looked at once."""
        known = _SHAPE_ONLY_NAMES.get(id(template))
        if known is not None and known[0] is template:
            return known[1]
        found: set[int] = set()
        if isinstance(template, gast.AST):  # (not for a rule without this template)
            _SHAPE_ONLY_NAMES[id(template)] = (template, found)
        else:
            return found
        for node in walk(template):
            if isinstance(node, gast.Call) and call_name(node) in SHAPE_ONLY:
                k = SHAPE_ONLY[call_name(node)]
                if k < len(node.args) and isinstance(node.args[k], gast.Name):
                    found.add(id(node.args[k]))
        return found

    def same_shape_throughout(self, name: str) -> bool:
        """Whether every value ``name`` holds has one shape and type: bound at one place, in
        no way that changes its shape (then the reverse sweep may read its last value for
        its shape rather than keep or compute again the value a statement saw)."""
        if name in self.defs.params:
            return False  # (read as it is anyway: an argument is stable)
        return self.defs.defs[name] == 1 and name not in self.shape_varying | self.lists

    def _unchanged_since_definition(self, name: str, after: bool) -> set[str]:
        """Operands of ``name``'s definition that nothing changed between it and here."""
        stmts, here = self.position[-1]
        definition = self.defs.single_stmts[name]
        d = self.place_in_block(stmts, definition, here)
        if d is None:
            return set()
        unchanged = set(self.operand_names(definition.value))
        for k in range(d + 1, here + 1 if after else here):
            if not unchanged:
                break
            unchanged -= self.changed(stmts[k])
        return unchanged

    def operand_names(self, value: gast.AST) -> list[str]:
        """The names an expression of the function reads (not ``np``, ``math``, ``_s2s``),
        computed once per expression."""
        entry = self.operands.get(id(value))
        if entry is None:  # (the expression is kept too: its id stays its own)
            entry = self.operands[id(value)] = (value, _operand_names(value))
        return entry[1]

    def place_in_block(self, stmts: list[gast.stmt], stmt: gast.stmt, end: int) -> int | None:
        """Where ``stmt`` is in the block ``stmts`` of the function, if before place ``end``."""
        places = self.block_places.get(id(stmts))
        if places is None or places[0] is not stmts:  # (the list is kept: its id stays its own)
            places = self.block_places[id(stmts)] = (stmts, {id(s): k for k, s in enumerate(stmts)})
        place = places[1].get(id(stmt))
        return place if place is not None and place < end else None

    @contextlib.contextmanager
    def uncopied(self):
        """Values saved meanwhile are kept as they are, not copied: what reads them needs no
        array contents that later writes could change (a trip count, a shape)."""
        copy_saved, self.copy_saved = self.copy_saved, False
        try:
            yield
        finally:
            self.copy_saved = copy_saved

    def value_name(self) -> str:
        """A new ``_v`` name, for a value kept for the reverse sweep."""
        name = self.namer.numbered("_v")
        self.value_names.add(name)
        return name

    def save(self, name: str, site: Site, after: bool) -> gast.AST:
        """Keep ``name``'s value for the reverse sweep: in a variable, or on a tape in loops."""
        value = call("_s2s.save", load(name)) if self.copy_saved else load(name)
        saved = self.value_name()
        where = site.after if after else site.before
        if self.loop_depth == 0:
            where.append(assign(saved, value))
            return load(saved)
        return self.taped(name, value, saved, where, site, after)

    def memory_views(self) -> dict[str, set[str]]:
        """``aliases.views`` of the function, elements counted, computed once."""
        if self.viewed_memory is None:
            self.viewed_memory = views(self.tree, True, self.returns)
        return self.viewed_memory

    def ref_atom(self, atom: gast.AST, site: Site) -> gast.AST:
        """``ref`` applied to every name inside an atom, slice or tuple of atoms."""

        def replace(node: gast.Name) -> gast.AST | None:
            if isinstance(node.ctx, gast.Load) and node.id not in ("np", "math", "_s2s"):
                return self.ref(node.id, site)
            return None

        return substituted(atom, replace)


# ``math`` functions of a number about as cheap as a division: computed again where the
# reverse sweep needs them, rather than kept on a tape (a store, a load, and memory).
_CHEAP_MATH = frozenset({"math.sqrt", "math.fabs", "math.floor", "math.ceil"})


def _operand_names(value: gast.AST) -> list[str]:
    return [n.id for n in name_nodes(value) if n.id not in ("np", "math", "_s2s")]


def _linear(value: gast.AST) -> bool:
    """Whether ``value``'s adjoints need no value of its operands: a sum, a difference, a
    negation, a product or quotient by a constant (``2.0 * u[i]``)."""
    if type(value) is gast.UnaryOp:
        return type(value.op) in (gast.USub, gast.UAdd)
    if type(value) is not gast.BinOp:
        return False
    if type(value.op) in (gast.Add, gast.Sub):
        return True
    if type(value.op) is gast.Mult:
        return type(value.left) is gast.Constant or type(value.right) is gast.Constant
    return type(value.op) is gast.Div and type(value.right) is gast.Constant


def _read_key(value: gast.AST | None) -> tuple | None:
    """``x[i]``, ``x[i, 2]``: the array's name and the index's names and constants, as a key
    equal for equal reads; None for any other value."""
    if type(value) is not gast.Subscript or type(value.value) is not gast.Name:
        return None
    index = value.slice
    parts = index.elts if type(index) is gast.Tuple else [index]
    key = [value.value.id]
    for part in parts:
        if type(part) is gast.Name:
            key.append(part.id)
        elif type(part) is gast.Constant and type(part.value) is int:
            key.append((part.value,))
        else:
            return None
    return tuple(key)
