"""Arrays that may share memory with other names' arrays.

``c = b``, ``v = b[1:]``, ``r = m[i]``, ``t = b.T``, ``x = b.reshape(...)`` and
``for row in m:`` bind a name to the memory of another variable's array: writing into either
changes both. The normal form keeps ``x op= y`` on such names (in place for an array, as in
NumPy and Numba) instead of writing ``x = x op y``. A name shares if any of its bindings does
(flow-insensitive), except that ``SharingAt`` counts only the bindings that may run before a
statement. What the derivative transformations make of writes into shared memory is in
``shared_writes``.
"""

from __future__ import annotations

import re

import gast

from ..gastutil import bound_arguments, has_slice
from .activity import call_name
from .definitions import statements
from .order import Order

TEMPORARY = re.compile(r"_t\d+$")  # the normal form's temporaries
VIEW_CALLS = frozenset(
    {
        "np.reshape",
        "np.ravel",
        "np.transpose",
        "np.swapaxes",
        "np.moveaxis",
        "np.squeeze",
        "np.expand_dims",
        "np.atleast_1d",
        "np.atleast_2d",
        "np.atleast_3d",
        "np.broadcast_to",
        "np.asarray",
        "np.diagonal",
        "np.real",
        "np.imag",
    }
)
VIEW_METHODS = frozenset({"reshape", "ravel", "transpose", "swapaxes", "squeeze", "view"})
VIEW_ATTRIBUTES = frozenset({"T", "real", "imag", "flat"})


# helper -> its parameters, and those whose arrays its result may share (``return a[1:]``)
Returns = dict[str, tuple[tuple[str, ...], frozenset[str]]]


def views(
    tree: gast.FunctionDef, elements: bool = True, returns: Returns | None = None
) -> dict[str, set[str]]:
    """Each name that may view another variable's array -> those variables (transitively).
    ``elements``: count ``r = m[i]`` (a row of a matrix, or a number) as a view too, and what
    a helper hands back of its arguments (``returns``, see ``helper_returns``)."""
    return transitive(merged(name_bindings(tree, elements, returns)))


def sharing(
    tree: gast.FunctionDef, elements: bool = False, returns: Returns | None = None
) -> dict[str, set[str]]:
    """Each name that may share its array with other names -> those names, both ways. Without
    ``elements``: only through a slice, a transpose or a reshape (then an array surely shares);
    with it, also through ``c = b``, ``r = m[i]`` (an array or a number) and helpers."""
    return both_ways(views(tree, elements, returns))


def written_through(names: set[str], viewed: dict[str, set[str]]) -> set[str]:
    """The names whose own arrays a write into ``names`` changes: they, and the arrays they
    may view (``viewed``, from ``views``)."""
    return set(names).union(*(viewed.get(n, set()) for n in names))


def seeing(names: set[str], viewed: dict[str, set[str]]) -> set[str]:
    """The names that may see a write into the memory of ``names``: those it is written
    through, and every name that views one of those."""
    roots = written_through(names, viewed)
    return roots | {n for n, r in viewed.items() if r & roots}


def per_parameter(trees: dict[str, gast.FunctionDef], names_of) -> Returns:
    """For each function, its parameters and those among ``names_of(tree, found)``, to a
    fixed point: what a function does with its arguments may depend on what the functions
    it calls do with theirs (``found``, in the same form)."""
    params = {name: tuple(a.id for a in tree.args.args) for name, tree in trees.items()}
    found: Returns = {name: (params[name], frozenset()) for name in trees}
    changed = True
    while changed:
        changed = False
        for name, tree in trees.items():
            names = frozenset(names_of(tree, found) & set(params[name]))
            if names != found[name][1]:
                found[name], changed = (params[name], names), True
    return {name: entry for name, entry in found.items() if entry[1]}


def helper_returns(trees: dict[str, gast.FunctionDef]) -> Returns:
    """For each function, the parameters whose arrays its result may share (``return a``,
    ``return a[1:]``, a view bound on the way, or what a helper it calls hands back)."""

    def returned(tree: gast.FunctionDef, found: Returns) -> set[str]:
        names: set[str] = set()
        for node in statements(tree):
            if isinstance(node, gast.Return) and node.value is not None:
                parts = node.value.elts if isinstance(node.value, gast.Tuple) else [node.value]
                for part in parts:
                    names.update(views_of_value(part, True, True, found))
        if names:
            seen = views(tree, True, found)
            names |= {root for view in list(names) for root in seen.get(view, ())}
        return names

    return per_parameter(trees, returned)


class SharingAt:
    """The names that may share an array with another name at a given statement (``elements``
    counted): from the bindings that may run before it, those above it in the source and
    those in a loop around it. ``x *= 2`` is in place only where another name may see ``x``;
    ``y = x[0]`` after it does not make it so."""

    def __init__(self, tree: gast.FunctionDef, returns: Returns | None = None):
        self.bindings = [b for b in name_bindings(tree, True, returns) if b[2]]
        self.order = Order(tree)

    def names(self, stmt: gast.stmt) -> set[str]:
        before = [b for b in self.bindings if self.order.may_precede(b[0], stmt)]
        return set(both_ways(transitive(merged(before))))

    def elements_taken(self, stmt: gast.stmt, name: str) -> int:
        """How many dimensions ``name``'s array may have at ``stmt`` and still share no memory
        with another name: ``k`` where the others only took elements of it with ``k`` integer
        indices (``a = y[0]``, ``for v in y``: numbers if ``y`` is one-dimensional), else 0."""
        taken = None
        for node, target, viewed in self.bindings:
            if (target == name or name in viewed) and self.order.may_precede(node, stmt):
                k = 0 if target == name else indices_taken(node, name)
                taken = k if taken is None else min(taken, k)
        return taken or 0


def indices_taken(binding: gast.AST, name: str) -> int:
    """The integer indices ``binding`` takes of ``name`` (``r = name[i, j]``: 2, ``for r in
    name``: 1); 0 for any other way of sharing its memory."""
    if isinstance(binding, gast.For):
        return 1 if isinstance(binding.iter, gast.Name) and binding.iter.id == name else 0
    value = binding.value
    if not (isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name)):
        return 0
    if value.value.id != name or has_slice(value.slice):
        return 0
    return len(value.slice.elts) if isinstance(value.slice, gast.Tuple) else 1


def name_bindings(
    tree: gast.FunctionDef, elements: bool, returns: Returns | None = None
) -> list[tuple[gast.AST, str, set[str]]]:
    """Each binding of a name in ``tree``: the node, the name, what it may view."""
    found = []
    for node in statements(tree):
        if isinstance(node, gast.Assign):
            direct: dict[str, set[str]] = {}
            for target in node.targets:
                _bind(target, node.value, direct, elements, returns)
            found += [(node, name, viewed) for name, viewed in direct.items()]
        elif isinstance(node, gast.For) and isinstance(node.target, gast.Name) and elements:
            # The rows of the array iterated over (an element, when it is one-dimensional).
            found.append((node, node.target.id, set(views_of_value(node.iter, elements))))
    return found


def transitive(direct: dict[str, set[str]]) -> dict[str, set[str]]:
    roots: dict[str, set[str]] = {}
    for name in direct:
        seen, stack = set(), list(direct[name])
        while stack:
            other = stack.pop()
            if other not in seen and other != name:
                seen.add(other)
                stack.extend(direct.get(other, ()))
        if seen:
            roots[name] = seen
    return roots


def both_ways(roots: dict[str, set[str]]) -> dict[str, set[str]]:
    shared: dict[str, set[str]] = {}
    for name, viewed in roots.items():
        shared.setdefault(name, set()).update(viewed)
        for root in viewed:
            shared.setdefault(root, set()).add(name)
    return shared


def merged(bindings) -> dict[str, set[str]]:
    direct: dict[str, set[str]] = {}
    for _, name, viewed in bindings:
        direct.setdefault(name, set()).update(viewed)
    return direct


def _bind(target: gast.AST, value: gast.AST, direct: dict[str, set[str]], elements, returns):
    if isinstance(target, gast.Name):
        direct.setdefault(target.id, set()).update(views_of_value(value, elements, True, returns))
    elif isinstance(target, (gast.Tuple, gast.List)):
        if isinstance(value, (gast.Tuple, gast.List)) and len(value.elts) == len(target.elts):
            for t, v in zip(target.elts, value.elts):
                _bind(t, v, direct, elements, returns)
        else:
            for t in target.elts:  # unpacked from one value: a tuple of its parts
                _bind(t, value, direct, elements, returns)


def views_of_value(value: gast.AST, elements: bool, whole: bool = True, returns=None) -> list[str]:
    """The variables whose arrays ``value`` may share memory with (with ``elements`` false,
    only those it surely views if it is an array: not through ``m[i]``, nor as a bare name,
    ``whole`` being the value bound; with it, also what a helper in ``returns`` may hand
    back of its arguments)."""
    if isinstance(value, gast.Name):
        return [value.id] if elements or not whole else []
    if isinstance(value, gast.Subscript):
        if elements or has_slice(value.slice):
            return views_of_value(value.value, elements, False, returns)  # a view or an element
        return []
    if isinstance(value, gast.Attribute) and value.attr in VIEW_ATTRIBUTES:
        return views_of_value(value.value, elements, False, returns)
    if isinstance(value, gast.Call):
        name = call_name(value)
        if name in VIEW_CALLS and value.args:
            return views_of_value(value.args[0], elements, False, returns)
        method = value.func.attr if isinstance(value.func, gast.Attribute) else None
        if method in VIEW_METHODS and not name.startswith(("np.", "math.")):
            return views_of_value(value.func.value, elements, False, returns)
        if elements and returns and name in returns:
            params, shared = returns[name]
            bound = bound_arguments(params, value)
            return [
                viewed
                for p in params
                if p in shared and p in bound
                for viewed in views_of_value(bound[p], elements, False, returns)
            ]
    if isinstance(value, gast.IfExp):
        return views_of_value(value.body, elements, whole, returns) + views_of_value(
            value.orelse, elements, whole, returns
        )
    if isinstance(value, (gast.Tuple, gast.List)) and elements:  # `for v in (h, g)`, `t[0]`
        return [
            name for part in value.elts for name in views_of_value(part, elements, False, returns)
        ]
    return []
