"""Parts of arrays read by entry, in reverse mode: ``X[i][0]``, or a row named first and
read entry by entry (``xj = X[j]``, then ``xj[0]``, ``xj[1]``); and parts updated in place.

The normal form reads ``X[i][0]`` as ``_t1 = X[i]; _t2 = _t1[0]``. Given an adjoint of its
own, the part would be filled, added into ``bX`` and cleared for every definition: a whole
row's work for each entry read. A part read only by entry has none: each read's share goes
into ``bX`` at ``[i][0]`` (``_s2s.scatter_add_part``, which adds through the view ``bX[i]``,
or through a gathered copy where ``i`` is an index array).
"""

from __future__ import annotations

from collections import Counter

import gast

from ..analysis.definitions import Definitions, statements
from ..frontend.unpacking import length_checked
from ..gastutil import call, const, load, name_nodes, walk
from .reverse_adjoints import _assigns_a_name


class Parts:
    """The part of :class:`~s2s.transforms.reverse.ReverseMode` that routes the shares of
    entries read through parts. Expects ``parts_read`` (``parts_read_by_entry``), ``active``,
    ``adj`` and ``ref_atom`` on the instance."""

    def part_read_share(self, part: str, index: gast.AST, g, site) -> list[gast.stmt]:
        """The share of ``part[index]`` where ``part`` is ``x[at]``, read only by entry (see
        ``parts_read_by_entry``): added into ``bx`` at ``[at][index]``."""
        array, at = self.parts_read[part]
        if array not in self.active:
            return []
        at, index = (as_value(self.ref_atom(i, site)) for i in (at, index))
        return [gast.Expr(call("_s2s.scatter_add_part", load(self.adj(array)), at, index, g))]


def parts_read_by_entry(
    tree: gast.FunctionDef, defs: Definitions, active: set[str], changed
) -> dict[str, tuple[str, gast.AST]]:
    """The parts ``t = x[at]`` of arrays ``x`` carrying derivatives whose every use is a read
    of an entry, ``u = t[index]``, later in the same block or in blocks nested in it, with
    nothing between that rebinds ``x`` or a name of ``at``, or writes into ``x``: ``t`` ->
    ``(x, at)``. That covers the normal form of a chained read ``x[i][0]`` and a row named
    first (``xj = X[j]``, then ``xj[0]``, ``xj[1]``). Each read's share can go into ``bx`` at
    ``[at][index]`` directly: the adjoint of ``t`` would be a whole part, added into ``bx``
    and cleared for every definition. ``changed(stmt)``: the names a statement binds or
    writes into."""
    indexed: Counter[str] = Counter()  # how often each name is indexed or length-checked
    for node in walk(tree):
        if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name):
            indexed[node.value.id] += 1
        elif length_checked(node) is not None:
            indexed[node.value.args[0].id] += 1
    found: dict[str, tuple[str, gast.AST]] = {}
    for stmt in statements(tree):
        for block in (getattr(stmt, "body", None), getattr(stmt, "orelse", None)):
            for d in range(len(block or ())):
                part = _part_read_by_entry(block, d, defs, active, changed, indexed)
                if part is not None and part[1] not in found:  # (`x[i][j][k]`: `x[i]` only)
                    found[part[0]] = part[1:]
    return found


def _part_read_by_entry(block, d: int, defs: Definitions, active: set[str], changed, indexed):
    """``(t, x, at)`` where ``block[d]`` is ``t = x[at]``, a part read only by entry (see
    ``parts_read_by_entry``); else None. ``indexed``: how often each name is indexed or
    length-checked in the function, which bounds its reads by entry."""
    first = block[d]
    if not (_assigns_a_name(first) and isinstance(first.value, gast.Subscript)):
        return None
    part, taken = first.targets[0].id, first.value
    if indexed[part] < defs.uses[part]:
        return None  # (some use is not a read of an entry: no need to look for them)
    if not isinstance(taken.value, gast.Name):
        return None
    array = taken.value.id
    if array not in active or array == part or part in defs.params or defs.defs[part] != 1:
        return None
    kept = {array} | {n.id for n in name_nodes(taken.slice)}  # what must not change meanwhile
    reads = 0
    for stmt in block[d + 1 :]:
        if reads == defs.uses[part]:
            break
        if changed(stmt) & kept:
            return None
        for node in statements(stmt):
            if _assigns_a_name(node) and _reads_entry_of(node.value, part):
                reads += 1
            elif (length_checked(node) or ("",))[0] == part:  # (`a, b = x[i]`: its length)
                reads += 1
    return (part, array, taken.slice) if reads == defs.uses[part] else None


def _reads_entry_of(value: gast.AST, part: str) -> bool:
    """Whether ``value`` is ``part[index]``, with ``part`` not in the index."""
    return (
        isinstance(value, gast.Subscript)
        and isinstance(value.value, gast.Name)
        and value.value.id == part
        and all(n.id != part for n in name_nodes(value.slice))
    )


def part_added_to(stmts: list[gast.stmt], k: int, defs: Definitions) -> tuple[str, str] | None:
    """``(t, e)`` where ``stmts[k]`` ends the normal form of ``x[s] += e`` (or ``-=``):
    ``t = x[s]; u = t + e; x[s] = u``, the three in a row, ``t`` and ``u`` temporaries read
    once. The adjoint of ``x[s]`` then passes through the update unchanged: the write need
    not clear it, nor the read add it back. None for any other statement."""
    if k < 2:
        return None
    read, update, write = stmts[k - 2 : k + 1]
    if not (_assigns_a_name(read) and _assigns_a_name(update)):
        return None
    part, total, taken, value = read.targets[0].id, update.targets[0].id, read.value, update.value
    if not (
        isinstance(taken, gast.Subscript)
        and isinstance(taken.value, gast.Name)
        and _is_name(write.value, total)
        and write.targets[0].value.id == taken.value.id
        and gast.dump(write.targets[0].slice) == gast.dump(taken.slice)
        and all(defs.defs[n] == 1 and defs.uses[n] == 1 for n in (part, total))
        and part not in defs.params
        and total not in {n.id for n in name_nodes(taken.slice)}
        and isinstance(value, gast.BinOp)
    ):
        return None
    if _is_name(value.left, part) and isinstance(value.op, (gast.Add, gast.Sub)):
        added = value.right
    elif _is_name(value.right, part) and isinstance(value.op, gast.Add):
        added = value.left
    else:
        return None
    return (part, added.id) if isinstance(added, gast.Name) and added.id != part else None


def _is_name(node: gast.AST, name: str) -> bool:
    return isinstance(node, gast.Name) and node.id == name


def as_value(index: gast.AST) -> gast.AST:
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
