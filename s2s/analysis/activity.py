"""Activity: which variables carry derivatives of the differentiated arguments.

A flow-insensitive fixed point: a variable is active if some assignment to it reads an active
variable through a differentiable operation; an array is active if an active value is written
into it. Comparisons, integer operations such as ``len`` and functions registered with zero
gradient end activity, so indices and counters never get adjoints.
"""

from __future__ import annotations

import gast
import numpy as np

from ..gastutil import attr_path, target_names
from ..rules import ZERO_GRADIENT
from ..rules.runtime_helpers import IN_PLACE
from .definitions import Writes, names_read, written_by_call


def call_name(node: gast.Call) -> str:
    """The canonical name of a call's function (``np.sin``, ``abs``, a helper's name)."""
    path = attr_path(node.func) or ""
    if path in ("max", "min", "sum") and len(node.args) == 1:
        return {"max": "np.max", "min": "np.min", "sum": "np.sum"}[path]
    return path


def value_is_differentiable(value: gast.AST) -> bool:
    """Whether an A-normal-form right-hand side can carry a derivative at all."""
    if isinstance(value, (gast.Compare, gast.JoinedStr)):
        return False
    if isinstance(value, gast.UnaryOp) and isinstance(value.op, (gast.Not, gast.Invert)):
        return False
    if isinstance(value, gast.BinOp) and isinstance(
        value.op, (gast.FloorDiv, gast.BitAnd, gast.BitOr, gast.BitXor, gast.LShift, gast.RShift)
    ):
        return False
    if isinstance(value, gast.Attribute):
        return False  # .shape, .ndim, .size, .dtype
    if isinstance(value, gast.Call):
        return call_name(value) not in ZERO_GRADIENT
    return True


def active_variables(
    tree: gast.FunctionDef, wrt: list[str], writes: Writes | None = None
) -> set[str]:
    """Names that may hold values depending on the parameters ``wrt`` (``writes``: the
    arguments that helpers write into, which a call then makes active)."""
    edges = []  # (names read, names that become active if any of them is)
    counters: set[str] = set()  # the counters of `range` loops
    for stmt in _all_statements(tree.body):
        reads = _reads(stmt)
        if reads:
            edges.append((reads, _newly_active(stmt, reads) + _filled(stmt, writes)))
        if type(stmt) is gast.For and type(stmt.iter) is gast.Call:
            if call_name(stmt.iter) in _COUNTED:
                counters.update(target_names(stmt.target))
    integral = _integral_arrays(name_bindings(tree), counters)
    readers: dict[str, list[int]] = {}
    for k, (reads, _) in enumerate(edges):
        for name in reads:
            readers.setdefault(name, []).append(k)
    active = set(wrt)
    work = list(active)
    while work:
        for k in readers.get(work.pop(), ()):
            for name in edges[k][1]:
                if name not in active and name not in integral:
                    active.add(name)
                    work.append(name)
    return active


# Calls that make an array of the dtype they are given -> the position of their dtype argument
# (`x.astype(t)` is `np.asarray(x, t)` by now).
_ALLOCATIONS = {
    "np.zeros": 1,
    "np.empty": 1,
    "np.ones": 1,
    "np.full": 2,
    "np.zeros_like": 1,
    "np.empty_like": 1,
    "np.ones_like": 1,
    "np.full_like": 2,
    "np.array": 1,
    "np.asarray": 1,
}
_INTEGRAL_DTYPES = frozenset(
    ["int", "bool", "np.intp", "np.uintp", "np.int_", "np.bool_", "np.bool"]
    + [f"np.{sign}int{bits}" for sign in ("", "u") for bits in (8, 16, 32, 64)]
)


# Loops over integers (``numba.prange`` is ``_s2s.prange`` by now).
_COUNTED = frozenset({"range", "_s2s.prange"})
_LIKE = frozenset({"np.zeros_like", "np.empty_like", "np.ones_like", "np.full_like", "np.copy"})


def name_bindings(tree: gast.FunctionDef) -> dict[str, list[gast.AST | None]]:
    """What each name of ``tree`` is bound to, binding by binding: the value of ``name =
    value``; ``a[0]`` for the target of ``for row in a`` (an element); ``[v]`` for
    ``xs.append(v)`` (an item); None for a parameter or an unpacked target (nothing known)."""
    bindings: dict[str, list[gast.AST | None]] = {a.id: [None] for a in tree.args.args}
    for stmt in _all_statements(tree.body):
        appended = _appended(stmt)
        if appended is not None:
            bindings.setdefault(appended[0], []).append(gast.List([appended[1]], gast.Load()))
        if isinstance(stmt, gast.Assign):
            target = stmt.targets[0]
            single = isinstance(target, gast.Name)
            for name in target_names(target):
                bindings.setdefault(name, []).append(stmt.value if single else None)
        elif isinstance(stmt, gast.For):
            element = gast.Subscript(stmt.iter, gast.Constant(0, None), gast.Load())
            single = isinstance(stmt.target, gast.Name)
            for name in target_names(stmt.target):
                bindings.setdefault(name, []).append(element if single else None)
    return bindings


def _appended(stmt: gast.stmt) -> tuple[str, gast.AST] | None:
    """``("xs", v)`` for ``xs.append(v)``."""
    value = stmt.value if isinstance(stmt, gast.Expr) else None
    if not (isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute)):
        return None
    owner = value.func.value
    if value.func.attr == "append" and isinstance(owner, gast.Name) and len(value.args) == 1:
        return owner.id, value.args[0]
    return None


def _integral_arrays(bindings: dict[str, list], counters: set[str]) -> set[str]:
    """The names of arrays of integers or booleans, into which a write truncates the value:
    allocations with such a dtype (``np.zeros(n, dtype=np.int64)``), ``np.arange`` of integers,
    and arrays like them (``np.empty_like(idx)``, copies, other names for them). A name counts
    only where each of its bindings (``name_bindings``) is such an array."""
    values = {n: each[0] for n, each in bindings.items() if len(each) == 1 and each[0] is not None}
    integral: set[str] = set()
    while True:
        found = {
            name
            for name, each in bindings.items()
            if all(_integral_value(v, integral, values, counters) for v in each)
        }
        if found == integral:
            return integral
        integral = found


def _integral_value(value: gast.AST, integral: set[str], values: dict, counters: set[str]) -> bool:
    """Whether ``value`` is an array of integers or booleans (``integral``: those found so far)."""
    if type(value) is gast.Name:
        return value.id in integral
    if type(value) is not gast.Call:
        return False
    function, dtype = call_name(value), _dtype(value)
    if dtype is not None:
        return (function in _ALLOCATIONS or function == "np.arange") and _integral_dtype(dtype)
    if function == "np.arange":
        return all(integer_number(a, values, counters) for a in value.args)
    first = value.args[0] if value.args else None
    return function in _LIKE and isinstance(first, gast.Name) and first.id in integral


def _dtype(value: gast.Call) -> gast.AST | None:
    """The dtype an allocation names, by keyword or in its place."""
    dtype = next((k.value for k in value.keywords if k.arg == "dtype"), None)
    position = _ALLOCATIONS.get(call_name(value))
    if dtype is None and position is not None and len(value.args) > position:
        dtype = value.args[position]
    return dtype


def _integral_dtype(dtype: gast.AST) -> bool:
    if isinstance(dtype, gast.Constant) and isinstance(dtype.value, str):
        return np.dtype(dtype.value).kind in "biu"
    return attr_path(dtype) in _INTEGRAL_DTYPES


def integer_number(node: gast.AST, values: dict, counters: set[str], depth: int = 0) -> bool:
    """Whether ``node`` surely holds an integer, not an array: an integer constant, the counter
    of a ``range`` loop (``counters``), ``len`` or ``int`` of something, an extent of a shape
    (``x.shape[0]``, as the normal form spells it), or arithmetic of those. ``values`` holds
    what the names assigned once are assigned."""
    if isinstance(node, gast.Constant):
        return isinstance(node.value, int)
    if not isinstance(node, gast.Name):
        return False
    if node.id in counters:
        return True
    value = values.get(node.id)
    if value is None or depth > 8:
        return False
    if isinstance(value, gast.Constant):
        return isinstance(value.value, int)
    if isinstance(value, gast.Subscript):
        shape = values.get(getattr(value.value, "id", None))
        return isinstance(shape, gast.Attribute) and shape.attr == "shape"
    if isinstance(value, gast.Call):
        return call_name(value) in ("len", "int")
    if isinstance(value, (gast.BinOp, gast.UnaryOp)):
        operands = [value.left, value.right] if isinstance(value, gast.BinOp) else [value.operand]
        return all(integer_number(o, values, counters, depth + 1) for o in operands)
    return False


def _reads(stmt: gast.stmt) -> set[str]:
    """The names whose activity can spread through ``stmt`` (see ``_newly_active``)."""
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
        return set(names_read(stmt.value))
    if not isinstance(stmt, gast.Assign):
        return set()
    value = stmt.value
    if isinstance(value, gast.Subscript):
        return set(names_read(value.value))  # indices never carry derivatives
    return set(names_read(value))


def _all_statements(stmts):
    for stmt in stmts:
        yield stmt
        if isinstance(stmt, gast.If):
            yield from _all_statements(stmt.body)
            yield from _all_statements(stmt.orelse)
        elif isinstance(stmt, (gast.For, gast.While)):
            yield from _all_statements(stmt.body)


def _newly_active(stmt: gast.stmt, active: set[str]) -> list[str]:
    """The names that become active where the names ``stmt`` reads (``_reads``, not empty:
    ``active``) are."""
    if isinstance(stmt, gast.Expr):
        return _effects(stmt.value, active)
    if not isinstance(stmt, gast.Assign):
        return []
    target, value = stmt.targets[0], stmt.value
    if not value_is_differentiable(value):
        return []
    if isinstance(target, gast.Name):
        names = [target.id]
        if isinstance(value, gast.Name):
            names.append(value.id)  # aliases: writes through one reach the other
        return names
    if isinstance(target, gast.Tuple):
        return [e.id for e in target.elts]
    if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
        return [target.value.id]
    return []


def _filled(stmt: gast.stmt, writes: Writes | None) -> list[str]:
    """The arrays a call to a helper (``stmt``'s value) writes into: what it reads reaches
    them (``f = fill(out, x)``)."""
    value = getattr(stmt, "value", None)
    if not writes or not isinstance(value, gast.Call) or call_name(value) not in writes:
        return []
    return sorted(written_by_call(value, writes))


def _effects(value: gast.AST, active: set[str]) -> list[str]:
    """Containers that calls for effect fill with active values (tapes, scatter-adds)."""
    if not isinstance(value, gast.Call):
        return []
    func = value.func
    if (
        isinstance(func, gast.Attribute)
        and func.attr == "append"
        and isinstance(func.value, gast.Name)
        and any(n in active for n in names_read(value.args[0]))
    ):
        return [func.value.id]
    name = call_name(value)
    if name in IN_PLACE:
        written, linear = IN_PLACE[name]
        target = value.args[written]
        shares = [value.args[k] for k in linear]
        if isinstance(target, gast.Name) and any(
            n in active for share in shares for n in names_read(share)
        ):
            return [target.id]
    return []
