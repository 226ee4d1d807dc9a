"""Unpacking, ``a, b = v``: how long the unpacked value is, and its check.

The normal form reads ``a, b = v`` as ``a = v[0]; b = v[1]``, which would drop a third entry
where Python raises. Where the code shows the length (a tuple display, or a name bound only to
displays of one length, ``tuple_names``), it is compared when s2s reads the function
(``length_mismatch``); elsewhere ``length_check`` puts ``_s2s.require_length(v, 2)`` before the
reads, which raises as Python does. Passes that later split a tuple into a name per entry
resolve the checks of that tuple (``display_checked``).
"""

from __future__ import annotations

import gast

from ..gastutil import attr_path, call, const, load, located, walk
from ..runtime.core import unpacking_message

_SEQUENCES = (gast.Tuple, gast.List)


def tuple_names(tree: gast.FunctionDef) -> dict[str, int]:
    """The local names ``tree`` binds only to tuple displays of one length (``t = (a, b)``, no
    starred items), with that length: unpacking one is checked when s2s reads the function,
    and a call may unpack one (``f(*t)`` is ``f(t[0], t[1])``). Parameters are not among
    them: the caller binds them too."""
    args = tree.args
    parameters = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
    bindings: dict[str, int] = {}
    displays: dict[str, list[int]] = {}
    for node in walk(tree):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            bindings[node.id] = bindings.get(node.id, 0) + 1
        elif isinstance(node, gast.Assign) and isinstance(node.value, gast.Tuple):
            length = display_length(node.value)
            for target in node.targets:
                if isinstance(target, gast.Name) and length is not None:
                    displays.setdefault(target.id, []).append(length)
    return {
        name: lengths[0]
        for name, lengths in displays.items()
        if len(set(lengths)) == 1 and bindings[name] == len(lengths) and name not in parameters
    }


def display_length(node: gast.AST) -> int | None:
    """How many values a tuple or list display holds (None with a starred item, or for
    anything else)."""
    if not isinstance(node, _SEQUENCES) or any(isinstance(e, gast.Starred) for e in node.elts):
        return None
    return len(node.elts)


def paired(target: gast.AST, value: gast.AST) -> list[tuple[gast.AST, gast.AST]] | None:
    """The targets and values of ``target = value`` side by side, where both are tuple (or
    list) literals of one length, nested ones paired likewise: ``(a, (b, c)) = (1, (2, 3))``
    is ``a = 1``, ``b = 2``, ``c = 3``."""
    if not (isinstance(value, _SEQUENCES) and len(value.elts) == len(target.elts)):
        return None
    pairs = []
    for elt, part in zip(target.elts, value.elts):
        inner = paired(elt, part) if isinstance(elt, _SEQUENCES) else None
        pairs.extend(inner if inner is not None else [(elt, part)])
    return pairs


def length_mismatch(
    target: gast.AST, value: gast.AST, lengths: dict[str, int]
) -> tuple[int, int] | None:
    """``(names, values)`` for the first unpacking in ``target = value`` (nested ones too)
    whose number of values is known here (``lengths``: ``tuple_names``) and differs from its
    number of names."""
    if any(isinstance(e, gast.Starred) for e in target.elts):
        return None
    if isinstance(value, gast.Name):
        values = lengths.get(value.id)
    else:
        values = display_length(value)
    if values is None:
        return None
    if values != len(target.elts):
        return len(target.elts), values
    if isinstance(value, gast.Name):
        return None
    for elt, part in zip(target.elts, value.elts):
        found = length_mismatch(elt, part, lengths) if isinstance(elt, _SEQUENCES) else None
        if found is not None:
            return found
    return None


def mismatch_words(names: int, values: int) -> str:
    """The error for an unpacking ``length_mismatch`` found."""
    return f"unpacking {values} values into {names} names: " + unpacking_message(names, values)


def length_check(name: str, count: int) -> gast.Expr:
    """``_s2s.require_length(name, count)``, before ``name`` is unpacked into ``count`` names."""
    return gast.Expr(call("_s2s.require_length", load(name), const(count)))


def length_checked(stmt: gast.AST) -> tuple[str, int] | None:
    """``(name, count)`` where ``stmt`` is a ``length_check``; else None."""
    if not (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call)):
        return None
    check = stmt.value
    if attr_path(check.func) != "_s2s.require_length" or len(check.args) != 2:
        return None
    name, count = check.args
    if isinstance(name, gast.Name) and isinstance(count, gast.Constant):
        return name.id, count.value
    return None


def display_checked(check: gast.Expr, length: int) -> gast.stmt | None:
    """A ``length_check`` of a tuple now split into ``length`` names: nothing where the
    lengths agree, else the error Python raises there."""
    count = length_checked(check)[1]
    if count == length:
        return None
    error = call("ValueError", const(unpacking_message(count, length)))
    return located(gast.Raise(error, None), check)
