"""Arrays that may share memory with other names' arrays, and writes into them.

``c = b``, ``v = b[1:]``, ``r = m[i]``, ``t = b.T``, ``x = b.reshape(...)`` and
``for row in m:`` bind a name to the memory of another variable's array: writing into either
changes both. The normal form keeps ``x op= y`` on such names (in place for an array, as in
NumPy and Numba) instead of writing ``x = x op y``. The derivative transformations follow
writes by the name written into, so a write into shared memory would be lost on the way: they
reject it where the sharing is sure (``views_written``), and guard it where the name may as
well be a number (``transforms/updates.py``). Flow-insensitive: a name shares if any of its
bindings does.
"""

from __future__ import annotations

import re

import gast

from ..errors import DifferentiationError
from ..gastutil import has_slice, walk
from .activity import call_name

_TEMPORARY = re.compile(r"_t\d+$")  # the normal form's: not worth naming in a message
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
    }
)
VIEW_METHODS = frozenset({"reshape", "ravel", "transpose", "swapaxes", "squeeze", "view"})
VIEW_ATTRIBUTES = frozenset({"T", "real", "imag"})


def views(tree: gast.FunctionDef, elements: bool = True) -> dict[str, set[str]]:
    """Each name that may view another variable's array -> those variables (transitively).
    ``elements``: count ``r = m[i]`` (a row of a matrix, or a number) as a view too."""
    direct: dict[str, set[str]] = {}
    for node in walk(tree):
        if isinstance(node, gast.Assign):
            for target in node.targets:
                _bind(target, node.value, direct, elements)
        elif isinstance(node, gast.For) and isinstance(node.target, gast.Name) and elements:
            # The rows of the array iterated over (an element, when it is one-dimensional).
            direct.setdefault(node.target.id, set()).update(_viewed(node.iter, elements))
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


def sharing(tree: gast.FunctionDef, elements: bool = False) -> dict[str, set[str]]:
    """Each name that may share its array with other names -> those names, both ways. Without
    ``elements``: only through a slice, a transpose or a reshape (then an array surely shares);
    with it, also through ``c = b`` and ``r = m[i]`` (an array or a number)."""
    shared: dict[str, set[str]] = {}
    for name, roots in views(tree, elements).items():
        shared.setdefault(name, set()).update(roots)
        for root in roots:
            shared.setdefault(root, set()).add(name)
    return shared


def views_written(tree: gast.FunctionDef) -> list[tuple[gast.stmt, str, set[str]]]:
    """Writes into memory other names see: an element write into a name that may view
    other variables' arrays, or ``x op= y`` (in place) on a name that surely shares its
    array. The statement, the name written into, and the other names."""
    possible, shared = views(tree), sharing(tree)
    written = []
    for node in walk(tree):
        name, in_place = _written_into(node)
        others = shared.get(name) if in_place else possible.get(name)
        if others:
            written.append((node, name, others))
    return written


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


def _bind(target: gast.AST, value: gast.AST, direct: dict[str, set[str]], elements: bool):
    if isinstance(target, gast.Name):
        direct.setdefault(target.id, set()).update(_viewed(value, elements))
    elif isinstance(target, (gast.Tuple, gast.List)):
        if isinstance(value, (gast.Tuple, gast.List)) and len(value.elts) == len(target.elts):
            for t, v in zip(target.elts, value.elts):
                _bind(t, v, direct, elements)
        else:
            for t in target.elts:  # unpacked from one value: a tuple of its parts
                _bind(t, value, direct, elements)


def _viewed(value: gast.AST, elements: bool, whole: bool = True) -> list[str]:
    """The variables whose arrays ``value`` may share memory with (with ``elements`` false,
    only those it surely views if it is an array: not through ``m[i]``, nor as a bare name,
    ``whole`` being the value bound)."""
    if isinstance(value, gast.Name):
        return [value.id] if elements or not whole else []
    if isinstance(value, gast.Subscript):
        if elements or has_slice(value.slice):
            return _viewed(value.value, elements, False)  # basic indexing: a view or element
        return []
    if isinstance(value, gast.Attribute) and value.attr in VIEW_ATTRIBUTES:
        return _viewed(value.value, elements, False)
    if isinstance(value, gast.Call):
        name = call_name(value)
        if name in VIEW_CALLS and value.args:
            return _viewed(value.args[0], elements, False)
        method = value.func.attr if isinstance(value.func, gast.Attribute) else None
        if method in VIEW_METHODS and not name.startswith(("np.", "math.")):
            return _viewed(value.func.value, elements, False)
    if isinstance(value, gast.IfExp):
        return _viewed(value.body, elements, whole) + _viewed(value.orelse, elements, whole)
    return []


def reject_writes_through_views(parsed, tree: gast.FunctionDef, active: set[str]) -> None:
    """Raise for the first write through a possible view where derivatives are involved."""
    for stmt, name, roots in views_written(tree):
        if ({name} | roots) & active:
            named = sorted(r for r in roots if not _TEMPORARY.match(r)) or sorted(roots)
            others = ", ".join(f"'{r}'" for r in named)
            raise DifferentiationError(
                f"writing into '{name}', which may share its memory with {others}, cannot "
                "be differentiated: the write would change that array too",
                parsed.location(stmt),
                hint=f"write into one name only, or make one a copy (.copy()); "
                f"`{name} = {name} + ...` makes a new array where `+=` does not",
            )
