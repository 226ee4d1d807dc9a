"""Writes into memory that other names see, which derivative code cannot follow.

The derivative transformations follow writes by the name written into (see ``aliases``), so a
write into shared memory would be lost on the way: they reject it where the sharing is sure
(``views_written``), and guard it where the name may as well be a number
(``transforms/updates.py``, from ``element_writes``). A write into an array the name has just
been bound to (``_Owned``), or into one of two arrays that only ever trade names
(``u, v = v, u``: ``_swapped``), changes no other name's. Derivative code never writes into
its caller's arrays either (``reject_writes_into_arguments``).
"""

from __future__ import annotations

import re

import gast

from ..codegen.printer import to_source
from ..errors import DifferentiationError
from ..gastutil import assigns_name, name_nodes, own_nodes, walk
from ..rules.runtime_helpers import SHAPE_ONLY
from .activity import call_name
from .aliases import (
    TEMPORARY,
    Returns,
    both_ways,
    indices_taken,
    merged,
    name_bindings,
    seeing,
    sharing,
    transitive,
    views,
    views_of_value,
)
from .definitions import statements, written_into
from .order import Order


def views_written(
    tree: gast.FunctionDef, returns: Returns | None = None
) -> list[tuple[gast.stmt, str, set[str]]]:
    """Writes into memory other names see: an element write into a name that may view
    other variables' arrays, or into an array that another name surely views and reads
    after the write (``c = b``, ``v = b[1:]``, then ``b[0] = ...``, then ``c`` or ``v``
    read), or ``x op= y`` (in place) on a name that surely shares its array. The
    statement, the name written into, and the other names."""
    writes = [(node, *_written_into(node)) for node in statements(tree)]
    writes = [(node, name, in_place) for node, name, in_place in writes if name is not None]
    if not writes:
        return []
    possible, shared = views(tree, True, returns), sharing(tree)
    sure = _sure_bindings(tree)
    viewers = both_ways(transitive(merged(sure)))
    stale = _StaleReads(tree, sure) if {w[1] for w in writes} & set(viewers) else None
    swapped = owned = None  # (looked for only once some write is seen by another name)
    written = []
    for node, name, in_place in writes:
        if in_place:
            others = shared.get(name)
        else:
            others = set(possible.get(name, ()))
            others |= {v for v in viewers.get(name, set()) - others if stale.after(node, name, v)}
        if not others:
            continue
        if swapped is None:
            swapped, owned = _swapped(tree), _Owned(tree, returns)
        others = others - swapped.get(name, set())
        if others and not owned.at(node, name):
            written.append((node, name, others))
    return written


def _swapped(tree: gast.FunctionDef) -> dict[str, set[str]]:
    """Arrays that trade names: ``u, v = v, u`` (in the normal form ``_t1 = v; _t2 = u;
    u = _t1; v = _t2``) or ``t = u; u = v; v = t``, where ``u`` and ``v`` are no arguments,
    are otherwise bound only to new arrays (``u = u0.copy()``, ``v = np.empty_like(u)``), no
    other name is bound to either, and the swap's own names are read by the swap alone. The
    two then always hold different arrays: a write into one changes nothing the other
    holds. (Reads for a shape alone, ``_s2s.zeros_like(t)`` in derivative code, are no
    reads.) Each name -> the names it shares with only through the swap (the other, and
    the swap's own names)."""
    bindings: dict[str, list[gast.AST]] = {}
    reads: dict[str, int] = {}
    shapes = _read_for_shape(tree)  # (derivative code reads a name for its shape too)
    for n in name_nodes(tree):
        if isinstance(n.ctx, gast.Load) and id(n) not in shapes:
            reads[n.id] = reads.get(n.id, 0) + 1
    for node in statements(tree):
        if isinstance(node, (gast.Assign, gast.For, gast.AugAssign)):
            targets = node.targets if isinstance(node, gast.Assign) else [node.target]
            for target in targets:
                for n in name_nodes(target):
                    if isinstance(n.ctx, gast.Store):
                        bindings.setdefault(n.id, []).append(node)
    params = {a.id for a in tree.args.args}
    found: dict[str, set[str]] = {}
    for block in _blocks(tree):
        # (values derivative code keeps, `_v1 = _s2s.save(u)`, may come between)
        block = [stmt for stmt in block if not _keeps_a_value(stmt)]
        copies = [_copied_name(stmt) for stmt in block]
        for k in range(len(block)):
            swap = _swap_at(copies, k)
            if swap is None:
                continue
            a, b, own = swap
            stmts = {id(stmt) for stmt in block[k : k + len(own) + 2]}
            if all(reads.get(t, 0) == 1 and len(bindings.get(t, ())) == 1 for t in own) and all(
                n not in params
                and len(bindings.get(n, ())) > 1
                and all(id(node) in stmts or _keeps_apart(node) for node in bindings[n])
                for n in (a, b)
            ):
                found[a] = {b, *own}
                found[b] = {a, *own}
    if found:  # no other name may hold them
        own_names = set().union(*found.values()) - found.keys()
        for _, target, viewed in name_bindings(tree, False):
            if target in own_names:
                continue
            if target in found and not viewed <= found[target]:
                return {}
            if target not in found and viewed & found.keys() and not TEMPORARY.match(target):
                return {}
    return found


def _swap_at(copies: list[tuple[str, str] | None], k: int) -> tuple[str, str, list[str]] | None:
    """The two names a swap starting at statement ``k`` trades, and its own names: the
    normal form's ``t1 = b; t2 = a; a = t1; b = t2``, or ``t = a; a = b; b = t``."""
    four = copies[k : k + 4]
    if len(four) == 4 and None not in four:
        (t1, b), (t2, a), (a2, s1), (b2, s2) = four
        if (a2, b2, s1, s2) == (a, b, t1, t2) and len({a, b, t1, t2}) == 4:
            return a, b, [t1, t2]
    three = copies[k : k + 3]
    if len(three) == 3 and None not in three:
        (t, a), (a2, b), (b2, s) = three
        if (a2, b2, s) == (a, b, t) and len({a, b, t}) == 3:
            return a, b, [t]
    return None


def _keeps_apart(binding: gast.stmt) -> bool:
    """Whether a binding of a swapped name leaves it an array no other name holds: a new
    array, or ``u += d`` (in place, the same array); not a loop's target."""
    if isinstance(binding, gast.AugAssign):
        return True
    return isinstance(binding, gast.Assign) and _fresh(binding.value)


def _keeps_a_value(stmt: gast.stmt) -> bool:
    """``_v1 = _s2s.save(u)``: a copy that derivative code keeps for the reverse sweep."""
    return (
        isinstance(stmt, gast.Assign)
        and isinstance(stmt.targets[0], gast.Name)
        and re.match(r"_v\d+$", stmt.targets[0].id) is not None
        and isinstance(stmt.value, gast.Call)
        and call_name(stmt.value) == "_s2s.save"
    )


def _copied_name(stmt: gast.stmt) -> tuple[str, str] | None:
    """``(a, b)`` for ``a = b``."""
    if (
        isinstance(stmt, gast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], gast.Name)
        and isinstance(stmt.value, gast.Name)
    ):
        return stmt.targets[0].id, stmt.value.id
    return None


def _blocks(tree: gast.FunctionDef):
    """Every block of statements in ``tree``."""
    yield tree.body
    for node in statements(tree):
        for field in ("body", "orelse"):
            block = getattr(node, field, None)
            if node is not tree and isinstance(block, list) and block:
                yield block


class _Owned:
    """Writes into an array no other name sees: the name written into was bound to a new
    array (``un = 2.0 * u - up``) earlier in the write's block, and nothing in between binds
    it again or binds another name to its memory that is read after the write (the normal
    form's ``_t1 = un[1:-1]`` of ``un[1:-1] += d`` is read before, or for its shape alone).
    Names that share with it elsewhere (``u = un`` at the end of a loop's body) hold other
    arrays then."""

    def __init__(self, tree: gast.FunctionDef, returns: Returns | None):
        self.order = Order(tree)
        self.bindings: dict[int, list[tuple[str, set[str]]]] = {}  # statement -> (name, viewed)
        for node, target, viewed in name_bindings(tree, True, returns):
            self.bindings.setdefault(id(node), []).append((target, viewed))
        self.reads: dict[str, list[gast.Name]] = {}
        shapes = _read_for_shape(tree)  # (no write changes a shape)
        for node in name_nodes(tree):
            if isinstance(node.ctx, gast.Load) and id(node) not in shapes:
                self.reads.setdefault(node.id, []).append(node)

    def at(self, write: gast.stmt, name: str) -> bool:
        block, k = self.order.place(write)
        for j in range(k - 1, -1, -1):
            stmt = block[j]
            if assigns_name(stmt, name):
                return _fresh(stmt.value)
            for node in statements(stmt):
                for target, viewed in self.bindings.get(id(node), ()):
                    if target == name:
                        return False
                    if name in viewed and not self._read_within(target, block, j, k):
                        return False
        return False

    def _read_within(self, view: str, block: list[gast.stmt], bound: int, write: int) -> bool:
        """Whether every read of ``view`` is in ``block`` after its binding there (place
        ``bound``) and before the write (place ``write``)."""
        for read in self.reads.get(view, ()):
            where, k = self.order.place(read)
            if where is not block or not bound < k < write:
                return False
        return True


def element_writes(
    tree: gast.FunctionDef, returns: Returns | None = None
) -> dict[int, tuple[str, int]]:
    """Writes into an array that a name bound to an element of it (``r = m[i]``, ``for r in
    m``) reads afterwards: a number if the array has no more dimensions than the name took
    indices, else a row that sees the write, which derivative code cannot follow. By the
    write statement's id: the array's name and that number of indices (the derivative code
    checks the array's dimensions there, at run time)."""
    writes = []  # (the statement, the name written into) for writes that are not `x op= y`
    for node in statements(tree):
        name, in_place = _written_into(node)
        if name is not None and not in_place:
            writes.append((node, name))
    if not writes:
        return {}
    taken: dict[str, list[tuple[gast.AST, str, int]]] = {}
    for node, target, viewed in name_bindings(tree, True, returns):
        for root in viewed:
            k = indices_taken(node, root)
            if k:
                taken.setdefault(root, []).append((node, target, k))
    writes = [(node, name) for node, name in writes if name in taken]
    if not writes:
        return {}
    stale = _StaleReads(tree, _sure_bindings(tree))
    guarded = {}
    for node, name in writes:
        ks = [k for binding, v, k in taken[name] if stale.element_after(binding, node, name, v)]
        if ks:
            guarded[id(node)] = (name, min(ks))
    return guarded


class _StaleReads:
    """Reads of a view that may see a write into the array it views. The write must run
    while the two share (after a binding ``c = b`` or ``v = b[1:]``, no rebinding of either
    on the way: ``new = u.copy()`` at the top of a loop ends ``u = new``'s sharing), and the
    read after the write, not right after a binding of the view (in the same block, no write
    into the array in between), as the normal form's temporaries are (``_t1 = y[:-1]``, then
    ``_t2 = _t1 * 0.5``). The derivative code follows such a read back to the array as it
    was at the binding, before the write."""

    def __init__(self, tree: gast.FunctionDef, bindings: list[tuple[gast.AST, str, set[str]]]):
        self.order = Order(tree)
        self.bindings = bindings  # the sure ones: ``c = b``, ``v = b[1:]``
        self.reads: dict[str, list[gast.AST]] = {}
        shapes = _read_for_shape(tree)
        for node in name_nodes(tree):
            if isinstance(node.ctx, gast.Load) and id(node) not in shapes:
                self.reads.setdefault(node.id, []).append(node)

    def after(self, write: gast.stmt, name: str, view: str) -> bool:
        return self._shared_at(write, name, view) and self._read_after(write, name, view)

    def element_after(self, binding: gast.AST, write: gast.stmt, name: str, view: str) -> bool:
        """Whether ``view``, bound to an element of ``name`` by ``binding``, may be read after
        ``write`` into ``name`` while it holds that element."""
        return (
            self.order.may_precede(binding, write)
            and not self._rebound(binding, write, {name, view})
            and self._read_after(write, name, view)
        )

    def _read_after(self, write: gast.stmt, name: str, view: str) -> bool:
        return any(
            self.order.may_precede(write, read) and not self._fresh(read, name, view)
            for read in self.reads.get(view, ())
        )

    def _shared_at(self, write: gast.stmt, name: str, view: str) -> bool:
        pair = {name, view}
        direct = [b for b, target, viewed in self.bindings if {target} | viewed >= pair]
        if not direct:
            return True  # shared through other names: taken as shared
        return any(
            self.order.may_precede(b, write) and not self._rebound(b, write, pair) for b in direct
        )

    def _rebound(self, binding: gast.Assign, write: gast.stmt, names: set[str]) -> bool:
        """Whether every way from ``binding`` to ``write`` rebinds one of ``names``: a
        rebinding that runs before ``write`` in each of its enclosing blocks, after
        ``binding`` (or in a loop holding both, which the way back goes through)."""
        common = self.order.loops[id(binding)] & self.order.loops[id(write)]
        position = self.order.position
        for stmt in self.order.runs_before(write):
            if stmt is not binding and names & set(_bound_by(stmt)):
                if position[id(binding)] < position[id(stmt)]:
                    return True
                if common & self.order.loops[id(stmt)]:
                    return True
        return False

    def _fresh(self, read: gast.AST, name: str, view: str) -> bool:
        block, k = self.order.place(read)
        for stmt in reversed(block[:k]):
            if isinstance(stmt, gast.Assign) and view in _bound_by(stmt):
                return True
            if any(_written_into(node)[0] == name for node in statements(stmt)):
                return False
        return False


def _read_for_shape(tree: gast.FunctionDef) -> set[int]:
    """The names read only for their shape (``SHAPE_ONLY``): no write changes what they give."""
    found = set()
    for node in walk(tree):
        if isinstance(node, gast.Call):
            k = SHAPE_ONLY.get(call_name(node))
            if k is not None and k < len(node.args) and isinstance(node.args[k], gast.Name):
                found.add(id(node.args[k]))
    return found


def _bound_by(stmt: gast.stmt) -> list[str]:
    """The names ``stmt`` itself binds (not subscripts written into)."""
    if isinstance(stmt, gast.Assign):
        targets = stmt.targets
    elif isinstance(stmt, gast.For):
        targets = [stmt.target]
    else:
        return []
    return [
        n.id
        for t in targets
        for n in walk(t)
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)
    ]


def _sure_bindings(tree: gast.FunctionDef) -> list[tuple[gast.AST, str, set[str]]]:
    """The bindings that surely share an array when the value is one (one written into is):
    ``c = b``, ``v = b[1:]``, ``t = b.T``; not ``r = b[i]``, a number if ``b`` is
    one-dimensional. The node, the name bound, the names viewed."""
    found = []
    for node in statements(tree):
        if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name):
            viewed = set(views_of_value(node.value, elements=False, whole=False))
            if viewed:
                found.append((node, node.targets[0].id, viewed))
    return found


def _written_into(node: gast.AST) -> tuple[str | None, bool]:
    """The name whose array ``node`` writes into, if it does, and whether it is ``x op= y``
    on the name itself (in place for an array)."""
    if isinstance(node, gast.Assign):
        target = node.targets[0]
    elif isinstance(node, gast.AugAssign):
        target = node.target
        if isinstance(target, gast.Name):
            return target.id, True
    else:
        return None, False
    if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
        return target.value.id, False
    return None, False


def reject_writes_through_views(
    parsed, tree: gast.FunctionDef, active: set[str], returns: Returns | None = None
) -> None:
    """Raise for the first write through a possible view where derivatives are involved."""
    for stmt, name, roots in views_written(tree, returns):
        if ({name} | roots) & active:
            named = sorted(r for r in roots if not TEMPORARY.match(r)) or sorted(roots)
            others = ", ".join(f"'{_spelled(tree, r)}'" for r in named)
            written = _spelled(tree, name)
            raise DifferentiationError(
                f"writing into '{written}', which may share its memory with {others}, "
                "cannot be differentiated: the write would change that array too",
                parsed.location(stmt),
                hint=f"write into one name only, or make one a copy (.copy()); "
                f"`{name} = {name} + ...` makes a new array where `+=` does not"
                if written == name
                else "write into the array itself, or into a copy (.copy()) of the part",
            )


def _spelled(tree: gast.FunctionDef, name: str) -> str:
    """``name`` as the user wrote it: a temporary of the normal form as the expression it
    holds (``M[k]`` for the ``_t3`` a helper's argument became)."""
    if not TEMPORARY.match(name):
        return name
    for node in statements(tree):
        if isinstance(node, gast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, gast.Name) and target.id == name:
                return to_source(gast.Expr(node.value)).strip()
    return name


def reject_writes_into_arguments(parsed, tree: gast.FunctionDef, written, writes, returns) -> None:
    """Refuse, at its first write, each argument among ``written`` (those carrying derivatives
    whose arrays the function writes into) unless ``_written_only_once_rebound``: derivative
    code never writes into its caller's arrays."""
    for name in sorted(written):
        if _written_only_once_rebound(tree, name, writes, returns):
            continue  # `u = u + d`, then `u[0] = 0.0`: the argument's array is never written
        raise DifferentiationError(
            f"in-place write to the argument '{name}' cannot be differentiated",
            parsed.location(_first_write(tree, name, writes, returns)),
            hint=f"write into a copy: {name} = {name}.copy()",
        )


def _written_only_once_rebound(tree: gast.FunctionDef, name: str, writes, returns) -> bool:
    """Whether every write into ``name``'s array comes where ``name`` has surely been rebound
    to an array of its own: after ``name = ...`` earlier in the same block or in a block
    around it (a loop's body counts from its start, as its first iteration runs it). Then the
    argument's array is never written, as in stencil code that updates and then sets a
    boundary (``u = u + d``, ``u[0] = 0.0``). Not where ``name`` may view another array, or
    a write through another name may reach its array."""
    viewed = views(tree, True, returns)
    others = seeing({name}, viewed) - {name}
    if name in viewed or any(written_into(n, writes) & others for n in walk(tree)):
        return False

    def rebound_first(block: list[gast.stmt], rebound: bool) -> bool:
        for stmt in block:
            if not rebound and any(name in written_into(n, writes) for n in own_nodes(stmt)):
                return False
            for field in ("body", "orelse"):
                nested = getattr(stmt, field, None)
                if nested and not rebound_first(nested, rebound):
                    return False
            if assigns_name(stmt, name) and _fresh(stmt.value):
                rebound = True
        return True

    return rebound_first(tree.body, False)


# NumPy functions that may hand back a view of their argument rather than a new array
_VIEWING = frozenset(
    """np.reshape np.ravel np.transpose np.squeeze np.expand_dims np.broadcast_to np.atleast_1d
    np.atleast_2d np.atleast_3d np.asarray np.ascontiguousarray np.asfortranarray np.diag
    np.flip np.fliplr np.flipud np.rot90 np.swapaxes np.real np.imag""".split()
)


def _fresh(value: gast.AST) -> bool:
    """Whether ``value`` surely makes a new array: arithmetic, or a NumPy function that does
    not return views (not a subscript, a name, or a helper, which may hand back an argument)."""
    if isinstance(value, (gast.BinOp, gast.UnaryOp)):
        return True
    if isinstance(value, gast.Call):
        name = call_name(value)
        return name.startswith("np.") and name not in _VIEWING
    return False


def _first_write(tree: gast.FunctionDef, name: str, writes, returns) -> gast.AST:
    """The first statement that writes into ``name``'s array, by any name or call."""
    names = seeing({name}, views(tree, True, returns))
    for node in walk(tree):
        if written_into(node, writes) & names:
            return node
    return tree
