"""Rewrite array methods and attributes into NumPy calls; drop the docstring.

``x.sum(axis=0)`` becomes ``np.sum(x, axis=0)``, ``x.T`` becomes ``np.transpose(x)``,
``x.real`` becomes ``np.real(x)`` (``imag`` likewise), ``x.reshape(a, b)`` becomes
``np.reshape(x, (a, b))``, ``x.sort()`` becomes ``x[:] = np.sort(x)``, ``max(a, b, c)``
becomes ``max(max(a, b), c)``, ``np.union1d(a, b)`` the ``np.unique`` of both arrays joined,
``sorted(x)`` the list of ``np.sort``'s entries, ``np.split(x, n)`` the list of its slices,
``x.fill(v)`` becomes ``x[:] = v``, ``x[...]`` becomes ``x[:]`` and ``x.item()`` the runtime's
``_s2s.item(x)``:
after this pass the transforms see one spelling of each operation. Attributes that are data
(``shape``, ``ndim``, ``size``, ``dtype``) stay as they are.
"""

from __future__ import annotations

import functools

import gast

from ..gastutil import Transformer, assign, attr_path, call, clone, const, load, placed_at, store
from .resolve import CMATH_FUNCTIONS
from .unpacking import tuple_names

# method name -> numpy function taking the array as first argument
ARRAY_METHODS = {
    name: name
    for name in """sum mean prod max min cumsum cumprod var std copy transpose ravel dot
    argmax argmin argsort any all trace clip round repeat take conj conjugate nonzero""".split()
}
ARRAY_METHODS["flatten"] = "ravel"
# attribute -> the numpy function of the array that it is (values, not data like ``shape``)
ARRAY_ATTRIBUTES = {"T": "transpose", "real": "real", "imag": "imag", "flat": "ravel"}
_NUMPY_ROOTS = ("np", "math", "_s2s")


def _np(name: str, like: gast.AST) -> gast.AST:
    return placed_at(
        gast.Attribute(gast.Name("np", gast.Load(), None, None), name, gast.Load()), like
    )


def _on_complex_numbers(name: str, node: gast.Call) -> gast.AST:
    """``cmath.name(z)`` as the NumPy function on complex numbers it is: cmath computes on
    complex numbers whatever it is given, so ``cmath.exp(x)`` is ``np.exp(x + 0j)``, and
    ``cmath.log(x, base)`` is ``np.log(x + 0j) / np.log(base + 0j)``."""
    function = f"np.{CMATH_FUNCTIONS[name]}"
    parts = [
        call(function, gast.BinOp(arg, gast.Add(), const(0j)))
        for arg in node.args[: 2 if name == "log" else 1]
    ]
    new = gast.BinOp(parts[0], gast.Div(), parts[1]) if len(parts) == 2 else parts[0]
    return placed_at(new, node)


def _sorted_list(node: gast.Call) -> gast.ListComp:
    """``sorted(x)``: ``[_sorted_item for _sorted_item in np.sort(np.asarray(x))]``."""
    entries = call("np.sort", call("np.asarray", *node.args))
    loop = gast.comprehension(store("_sorted_item"), entries, [], 0)
    return gast.ListComp(load("_sorted_item"), [loop])


def _parts(node: gast.Call, equal: bool) -> gast.ListComp:
    """``np.split(x, sections)`` (``np.array_split``) along the first axis as the list of
    its slices: ``[x[start(k):start(k + 1)] for k in range(count)]``."""
    array, sections = node.args

    def start(part: gast.AST) -> gast.Call:
        length = gast.Subscript(
            gast.Attribute(clone(array), "shape", gast.Load()), const(0), gast.Load()
        )
        return call("_s2s.split_bound", length, clone(sections), part, const(equal))

    k = "_split_part"
    bounds = gast.Slice(start(load(k)), start(gast.BinOp(load(k), gast.Add(), const(1))), None)
    count = call("range", call("_s2s.split_count", clone(sections)))
    loop = gast.comprehension(store(k), count, [], 0)
    return gast.ListComp(gast.Subscript(clone(array), bounds, gast.Load()), [loop])


def _is_module_ref(node: gast.AST) -> bool:
    while isinstance(node, gast.Attribute):
        node = node.value
    return isinstance(node, gast.Name) and node.id in _NUMPY_ROOTS


def _method_of_name(value: gast.AST, method: str, arity: int) -> str | None:
    """``"x"`` where ``value`` is ``x.method(...)`` with ``arity`` arguments, ``x`` a name."""
    if not (isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute)):
        return None
    owner = value.func.value
    if value.func.attr != method or len(value.args) != arity or value.keywords:
        return None
    if not isinstance(owner, gast.Name) or _is_module_ref(value.func):
        return None
    return owner.id


class _Desugar(Transformer):
    def __init__(self, tree: gast.FunctionDef):
        self.tree = tree

    @functools.cached_property
    def tuples(self) -> dict[str, int]:
        """The names bound only to tuple displays of one length, and that length (asked by
        ``f(*t)``)."""
        return tuple_names(self.tree)

    def unpacked(self, arg: gast.AST) -> list[gast.AST]:
        """A call's argument, its items where it is starred: ``*(a, b)`` is ``a, b``, and
        ``*t`` is ``t[0], t[1]`` for ``t = (a, b)``."""
        if not isinstance(arg, gast.Starred):
            return [arg]
        if isinstance(arg.value, gast.Tuple):
            return list(arg.value.elts)
        name = arg.value.id
        return [
            placed_at(gast.Subscript(load(name), const(k), gast.Load()), arg)
            for k in range(self.tuples[name])
        ]

    def visit_Expr(self, node: gast.Expr) -> gast.AST:
        self.generic_visit(node)
        value = node.value
        sorted_name = _method_of_name(value, "sort", 0)
        filled_name = _method_of_name(value, "fill", 1)
        name = sorted_name or filled_name
        if name is None:
            return node
        # `x.sort()` sorts in place along the last axis, `x[:] = np.sort(x)`; `x.fill(v)` is
        # `x[:] = v`: writes the transforms know
        whole = gast.Subscript(load(name), gast.Slice(None, None, None), gast.Store())
        written = call("np.sort", load(name)) if sorted_name else value.args[0]
        return placed_at(assign(whole, written), node)

    def visit_Call(self, node: gast.Call) -> gast.AST:
        self.generic_visit(node)
        func = node.func
        if any(isinstance(arg, gast.Starred) for arg in node.args):  # `f(*(a, b))`: `f(a, b)`
            node.args = [item for arg in node.args for item in self.unpacked(arg)]
        if (
            isinstance(func, gast.Name)
            and func.id in ("max", "min")
            and len(node.args) > 2
            and not node.keywords
        ):
            # `max(a, b, c)` is `max(max(a, b), c)`: the same comparisons, in the same order.
            pair = node.args[0]
            for arg in node.args[1:]:
                pair = gast.copy_location(
                    gast.Call(gast.Name(func.id, gast.Load(), None, None), [pair, arg], []), node
                )
            return pair
        path = attr_path(func) or ""
        if path == "sorted" and len(node.args) == 1 and not node.keywords:
            # the entries in order, as a list: `[v for v in np.sort(np.asarray(x))]`
            return placed_at(_sorted_list(node), node)
        if path.startswith("cmath.") and 1 <= len(node.args) <= 2 and not node.keywords:
            return _on_complex_numbers(path[len("cmath.") :], node)
        if (
            path in ("np.split", "np.array_split")
            and len(node.args) == 2
            and not node.keywords
            and isinstance(node.args[0], (gast.Name, gast.Subscript, gast.Attribute))
        ):  # (an array read again for each part: a name, or a view of one)
            return placed_at(_parts(node, equal=path == "np.split"), node)
        if path == "np.union1d" and len(node.args) == 2 and not node.keywords:
            # what NumPy computes: the unique values of both arrays, flattened and joined
            flat = gast.Tuple([call("np.ravel", a) for a in node.args], gast.Load())
            return placed_at(call("np.unique", call("np.concatenate", flat)), node)
        if not isinstance(func, gast.Attribute) or _is_module_ref(func.value):
            return node
        if func.attr == "reshape":
            args = node.args
            shape = args[0] if len(args) == 1 else gast.Tuple(args, gast.Load())
            gast.copy_location(shape, node)
            return gast.copy_location(
                gast.Call(_np("reshape", node), [func.value, shape], node.keywords), node
            )
        if func.attr == "item" and not node.args and not node.keywords:
            # the one entry of a one-entry array, as a number (np.sum's derivative rules)
            return placed_at(call("_s2s.item", func.value), node)
        if func.attr == "astype":
            return gast.copy_location(
                gast.Call(_np("asarray", node), [func.value, *node.args], node.keywords), node
            )
        if func.attr in ARRAY_METHODS:
            return gast.copy_location(
                gast.Call(
                    _np(ARRAY_METHODS[func.attr], node), [func.value, *node.args], node.keywords
                ),
                node,
            )
        return node

    def visit_Tuple(self, node: gast.Tuple) -> gast.AST:
        self.generic_visit(node)
        if not any(isinstance(elt, gast.Starred) for elt in node.elts):
            return node
        # `(a, *t, b)` is `(a,) + t + (b,)`: tuples joined, as Numba builds it
        parts: list[gast.AST] = []
        listed = None  # the tuple display the items since the last starred one go into
        for elt in node.elts:
            if isinstance(elt, gast.Starred):
                parts.append(elt.value)
                listed = None
            elif listed is not None:
                listed.elts.append(elt)
            else:
                listed = placed_at(gast.Tuple([elt], gast.Load()), node)
                parts.append(listed)
        joined = parts[0]
        for part in parts[1:] or [gast.Tuple([], gast.Load())]:
            joined = placed_at(gast.BinOp(joined, gast.Add(), part), node)
        return joined

    def visit_Subscript(self, node: gast.Subscript) -> gast.AST:
        if isinstance(node.ctx, gast.Store) and _is_flat(node.value):
            # `a.flat[k] = v` writes into `a` itself, which `np.ravel(a)` (a copy unless `a` is
            # contiguous) would not
            node.value.value = self.visit(node.value.value)
            node.slice = self.visit(node.slice)
            return node
        self.generic_visit(node)
        if isinstance(node.slice, gast.Constant) and node.slice.value is Ellipsis:
            # `x[...]` is `x[:]` (Numba reads no bare `...`, and derivative code must)
            node.slice = gast.Slice(None, None, None)
        return node

    def visit_Attribute(self, node: gast.Attribute) -> gast.AST:
        self.generic_visit(node)
        if (
            node.attr in ARRAY_ATTRIBUTES
            and isinstance(node.ctx, gast.Load)
            and not _is_module_ref(node)
        ):
            function = _np(ARRAY_ATTRIBUTES[node.attr], node)
            return gast.copy_location(gast.Call(function, [node.value], []), node)
        return node


def _is_flat(node: gast.AST) -> bool:
    return isinstance(node, gast.Attribute) and node.attr == "flat" and not _is_module_ref(node)


def desugar(tree: gast.FunctionDef) -> gast.FunctionDef:
    """Method calls and ``.T``, ``.real``, ``.imag``, ``.flat`` (read) to NumPy calls; no
    docstring."""
    body = tree.body
    if (
        body
        and isinstance(body[0], gast.Expr)
        and isinstance(body[0].value, gast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        tree.body = body[1:] or [gast.Pass()]
    return _Desugar(tree).visit(tree)
