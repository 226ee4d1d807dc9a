"""Lists in reverse mode: ``L = [a, b]``, ``L.append(v)``, ``L[i]``, ``len(L)``, ``sum(L)``,
``np.array(L)``.

A list holding values that carry derivatives has an adjoint *stack* ``bL``: the forward sweep
pushes a zero for every entry it puts in a list bound to ``L``, and the reverse sweep pops it
where it reverses that append, handing its total to the value appended. The lists bound to
``L`` one after another (a comprehension in a loop) are built and read in turn, so when the
reverse sweep goes back through the reads of one, its entries are the last ones on the stack,
up to the entries it had when read. A read ``L[i]`` is therefore rewritten, before the
analyses, to count from the end (``L[_s2s.from_end(i, len(L))]``), and adds its adjoint into
the stack's entry at that same place; ``np.array(L)`` (spelled ``_s2s.array_of(L)``, see
``arrays_of_lists``) adds its adjoint's rows into the last entries (``_s2s.stack_add``), and
``sum(L)``, which keeps the list's length for it, its adjoint into each of them. Unpacking a
list checks its length first (``_s2s.require_length``), which reads nothing else. Any other
use of such a list is refused, naming it.
"""

from __future__ import annotations

import gast

from ..analysis.activity import call_name
from ..analysis.definitions import statements
from ..codegen.naming import Namer, names_in
from ..errors import DifferentiationError
from ..frontend.unpacking import length_checked
from ..gastutil import assign, call, clone, load, located, walk
from .reverse_values import Site

_TO_ARRAY = ("np.array", "np.asarray", "_s2s.array_of")
_ENTRIES = (gast.Name, gast.Constant)  # (not tuples: a list of tuples is refused)
_HINT = (
    "in derivatives, such a list takes appends, reads `L[i]`, `len(L)`, `sum(L)` and "
    "`np.array(L)`; "
    "for the rest, fill an array: `y = np.empty(n)`, then `for i in range(n): y[i] = ...`"
)


def list_names(tree: gast.FunctionDef) -> set[str]:
    """Names bound to list literals (``[]``, ``[a, b]``); those that carry derivatives are
    the lists this module handles."""
    return {
        stmt.targets[0].id
        for stmt in statements(tree)
        if isinstance(stmt, gast.Assign)
        and isinstance(stmt.targets[0], gast.Name)
        and isinstance(stmt.value, gast.List)
    }


def arrays_of_lists(tree: gast.FunctionDef, lists: set[str]) -> None:
    """``A = np.array(L)`` as ``A = _s2s.array_of(L)`` in ``tree`` (changed), for the lists
    ``lists``, which derivative code fills beside another list (a tangent list, an adjoint
    stack). Numba rewrites ``np.array(L)`` of a list filled in a loop into an array filled
    there, but takes the list appended to last in that loop for ``L``; ``array_of`` is out
    of its sight."""
    for stmt in statements(tree):
        value = getattr(stmt, "value", None)
        if (
            isinstance(stmt, gast.Assign)
            and isinstance(value, gast.Call)
            and call_name(value) == "np.array"
            and len(value.args) == 1
            and not value.keywords
            and isinstance(value.args[0], gast.Name)
            and value.args[0].id in lists
        ):
            stmt.value = located(call("_s2s.array_of", value.args[0]), value)


def read_from_end(parsed, tree: gast.FunctionDef, lists: set[str]) -> gast.FunctionDef:
    """A copy of ``tree`` with each read of a list in ``lists`` counting from the list's end,
    after checking that the lists are used only as the module docstring says."""
    tree = clone(tree)
    arrays_of_lists(tree, lists)
    namer = Namer(names_in(tree) | {"np", "math", "_s2s"})

    def block(stmts: list[gast.stmt]) -> list[gast.stmt]:
        out = []
        for stmt in stmts:
            for field in ("body", "orelse"):
                inner = getattr(stmt, field, None)
                if inner:
                    setattr(stmt, field, block(inner))
            _check_uses(parsed, stmt, lists)
            value = getattr(stmt, "value", None)
            if (
                isinstance(stmt, gast.Assign)
                and isinstance(value, gast.Subscript)
                and isinstance(value.value, gast.Name)
                and value.value.id in lists
            ):
                length, place = namer.numbered("_t"), namer.numbered("_t")
                out += [
                    located(assign(length, call("len", load(value.value.id))), stmt),
                    located(assign(place, call("_s2s.from_end", value.slice, load(length))), stmt),
                ]
                value.slice = load(place)
            elif isinstance(stmt, gast.Assign) and _summed(value, lists):  # `t = sum(L)`
                length = namer.numbered("_t")
                out.append(located(assign(length, call("len", clone(value.args[0]))), stmt))
                stmt.value = located(call("_s2s.list_total", value.args[0], load(length)), value)
            out.append(stmt)
        return out

    tree.body = block(tree.body)
    return tree


def _check_uses(parsed, stmt: gast.stmt, lists: set[str]) -> None:
    """Refuse a statement that uses a list of ``lists`` other than as the module doc says."""
    if isinstance(stmt, (gast.If, gast.While)):
        used = {n.id for n in walk(stmt.test) if isinstance(n, gast.Name)} & lists
    elif isinstance(stmt, gast.For):
        used = {n.id for n in walk(stmt.iter) if isinstance(n, gast.Name)} & lists
    else:
        used = {n.id for n in walk(stmt) if isinstance(n, gast.Name)} & lists
        if used and _allowed(stmt, lists):
            return
    if used:
        name = min(used)
        raise DifferentiationError(
            f"reverse mode cannot differentiate this use of `{name}`, a list that holds "
            "values that carry derivatives",
            parsed.location(stmt),
            hint=_HINT,
        )


def _allowed(stmt: gast.stmt, lists: set[str]) -> bool:
    value = getattr(stmt, "value", None)
    if length_checked(stmt) is not None:  # `_s2s.require_length(L, n)`: reads its length
        return True
    if isinstance(stmt, gast.Expr):  # `L.append(v)`, of a number or an array
        entry = value.args[0] if _appended_to(value) in lists else None
        return isinstance(entry, _ENTRIES) and not (
            isinstance(entry, gast.Name) and entry.id in lists
        )
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
        return False
    if isinstance(value, gast.List):  # `L = [a, b]`
        return stmt.targets[0].id in lists and all(
            isinstance(e, _ENTRIES) and not (isinstance(e, gast.Name) and e.id in lists)
            for e in value.elts
        )
    if isinstance(value, gast.Subscript):  # `w = L[i]`
        return (
            isinstance(value.value, gast.Name)
            and isinstance(value.slice, (gast.Name, gast.Constant))
            and stmt.targets[0].id not in lists
            and not (isinstance(value.slice, gast.Name) and value.slice.id in lists)
        )
    if _summed(value, lists):
        return True
    if isinstance(value, gast.Call) and len(value.args) == 1 and not value.keywords:
        return call_name(value) in ("len", *_TO_ARRAY) and isinstance(value.args[0], gast.Name)
    return False


def _summed(value: gast.AST, lists: set[str]) -> bool:
    """Whether ``value`` is the builtin ``sum(L)`` of a list of ``lists``."""
    return (
        isinstance(value, gast.Call)
        and isinstance(value.func, gast.Name)
        and value.func.id == "sum"
        and len(value.args) == 1
        and not value.keywords
        and isinstance(value.args[0], gast.Name)
        and value.args[0].id in lists
    )


def _appended_to(value: gast.AST) -> str | None:
    if (
        isinstance(value, gast.Call)
        and isinstance(value.func, gast.Attribute)
        and value.func.attr == "append"
        and isinstance(value.func.value, gast.Name)
        and len(value.args) == 1
    ):
        return value.func.value.id
    return None


class Lists:
    """The part of :class:`~s2s.transforms.reverse.ReverseMode` that reverses lists.

    Expects ``lists`` (the names of :func:`list_names` that carry derivatives), ``adj``,
    ``active``, ``namer`` and ``contribute`` on the instance.
    """

    def list_definition(self, stmt: gast.Assign, site: Site):
        """``L = [a, b]``: a zero pushed per entry; in reverse, each popped back to its value."""
        stack = self.adj(stmt.targets[0].id)
        pushes, pops = [], []
        for element in stmt.value.elts:
            pushes.append(_push(stack, element))
            pops = self.popped(stack, element, site) + pops
        return [stmt, *pushes], pops

    def list_append(self, stmt: gast.Expr, site: Site):
        """``L.append(v)``: a zero pushed; in reverse, popped and added to ``v``'s adjoint."""
        stack = self.adj(_appended_to(stmt.value))
        element = stmt.value.args[0]
        return [stmt, _push(stack, element)], self.popped(stack, element, site)

    def popped(self, stack: str, element: gast.AST, site: Site) -> list[gast.stmt]:
        pop = call(gast.Attribute(load(stack), "pop", gast.Load()))
        if not (isinstance(element, gast.Name) and element.id in self.active):
            return [gast.Expr(pop)]
        held = self.namer.numbered("_g")
        return [assign(held, pop), *self.contribute(element.id, load(held), False, site)]

    def list_read_share(self, name: str, index: gast.AST, g: gast.AST) -> list[gast.stmt]:
        """``w = L[k]`` (``k`` from the end): ``bL[k] += bw``."""
        stack = self.adj(name)
        entry = gast.Subscript(load(stack), index, gast.Load())
        added = call("_s2s.accumulate_into", entry, g)
        return [assign(gast.Subscript(load(stack), clone(index), gast.Store()), added)]

    def list_array_share(self, value: gast.Call, g: gast.AST) -> list[gast.stmt] | None:
        """``A = np.array(L)``: the rows of ``bA`` into the last entries of ``bL``."""
        if call_name(value) not in _TO_ARRAY or len(value.args) != 1:
            return None
        listed = value.args[0]
        if not (isinstance(listed, gast.Name) and listed.id in self.lists):
            return None
        return [gast.Expr(call("_s2s.stack_add", load(self.adj(listed.id)), g))]

    def list_total_share(self, value: gast.Call, g: gast.AST, site: Site) -> list[gast.stmt]:
        """``t = _s2s.list_total(L, n)`` (``sum(L)``): ``bt`` added into the last ``n``
        entries of ``bL``."""
        listed, length = value.args
        stack = load(self.adj(listed.id))
        return [gast.Expr(call("_s2s.stack_spread", stack, g, self.ref_atom(length, site)))]

    def stacks(self) -> list[gast.stmt]:
        """The adjoint stacks, empty at the start of the function."""
        return [assign(self.adj(n), gast.List([], gast.Load())) for n in sorted(self.lists)]


def _push(stack: str, element: gast.AST) -> gast.stmt:
    zero = call("_s2s.zeros_like", clone(element))
    return gast.Expr(call(gast.Attribute(load(stack), "append", gast.Load()), zero))
