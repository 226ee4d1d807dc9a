"""Arrays that may be views of other variables' arrays, and writes through them.

``c = b``, ``v = b[1:]``, ``r = m[i]``, ``t = b.T``, ``x = b.reshape(...)`` and
``for row in m:`` bind a name to the memory of another variable's array: writing into it
changes that array too. The derivative transformations follow writes by the name written
into, so a write through a view would be lost on the way; they reject it instead
(``views_written``). Flow-insensitive: a name is a possible view if any of its bindings is.
"""

from __future__ import annotations

import gast

from ..errors import DifferentiationError
from ..gastutil import walk
from .activity import call_name

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


def views(tree: gast.FunctionDef) -> dict[str, set[str]]:
    """Each name that may view another variable's array -> those variables (transitively)."""
    direct: dict[str, set[str]] = {}
    for node in walk(tree):
        if isinstance(node, gast.Assign):
            for target in node.targets:
                _bind(target, node.value, direct)
        elif isinstance(node, gast.For) and isinstance(node.target, gast.Name):
            # The rows of the array iterated over (an element, when it is one-dimensional).
            direct.setdefault(node.target.id, set()).update(_viewed(node.iter))
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


def views_written(tree: gast.FunctionDef) -> list[tuple[gast.stmt, str, set[str]]]:
    """The statements writing into a name that may view other variables' arrays: the
    statement, the name, and those variables."""
    possible = views(tree)
    written = []
    for node in walk(tree):
        if isinstance(node, gast.Assign):
            target = node.targets[0]
        elif isinstance(node, gast.AugAssign):
            target = node.target
        else:
            continue
        if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
            name = target.value.id
            if name in possible:
                written.append((node, name, possible[name]))
    return written


def _bind(target: gast.AST, value: gast.AST, direct: dict[str, set[str]]) -> None:
    if isinstance(target, gast.Name):
        direct.setdefault(target.id, set()).update(_viewed(value))
    elif isinstance(target, (gast.Tuple, gast.List)):
        if isinstance(value, (gast.Tuple, gast.List)) and len(value.elts) == len(target.elts):
            for t, v in zip(target.elts, value.elts):
                _bind(t, v, direct)
        else:
            for t in target.elts:  # unpacked from one value: a tuple of its parts
                _bind(t, value, direct)


def _viewed(value: gast.AST) -> list[str]:
    """The variables whose arrays ``value`` may share memory with."""
    if isinstance(value, gast.Name):
        return [value.id]
    if isinstance(value, gast.Subscript):
        return _viewed(value.value)  # basic indexing: a view (or an element)
    if isinstance(value, gast.Attribute) and value.attr in VIEW_ATTRIBUTES:
        return _viewed(value.value)
    if isinstance(value, gast.Call):
        name = call_name(value)
        if name in VIEW_CALLS and value.args:
            return _viewed(value.args[0])
        method = value.func.attr if isinstance(value.func, gast.Attribute) else None
        if method in VIEW_METHODS and not name.startswith(("np.", "math.")):
            return _viewed(value.func.value)
    if isinstance(value, gast.IfExp):
        return _viewed(value.body) + _viewed(value.orelse)
    return []


def reject_writes_through_views(parsed, tree: gast.FunctionDef, active: set[str]) -> None:
    """Raise for the first write through a possible view where derivatives are involved."""
    for stmt, name, roots in views_written(tree):
        if ({name} | roots) & active:
            others = ", ".join(f"'{r}'" for r in sorted(roots))
            raise DifferentiationError(
                f"writing into '{name}', which may be a view of {others}, cannot be "
                "differentiated: the write would change that array too",
                parsed.location(stmt),
                hint=f"write into {others} itself, or make '{name}' a copy (.copy())",
            )
