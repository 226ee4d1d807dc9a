"""Variables whose arrays may change shape: from one loop iteration, or one definition, to the next.

Reverse mode keeps one adjoint array per variable and clears it in place where a definition is
reversed: right while the variable keeps its shape. Shapes change where they come from values
rather than from other shapes: slices (``x[:i]``, ``x[1:]``), arrays built from numbers
(``np.zeros(n)``, ``np.arange(i)``), reshaping, and whatever is computed from those. For such
variables the reverse sweep takes each adjoint's shape from the value it belongs to.

A syntactic over-approximation, flow-insensitive like activity analysis: a variable flagged
here may well keep its shape (it then costs a saved value and a shape comparison where its
adjoint restarts). Not caught: a variable given, at different places, arrays of different
shapes that are all shapes of arguments (``t = x * w`` then ``t = y * w``).
"""

from __future__ import annotations

from collections import Counter

import gast

from ..gastutil import children, has_slice, name_nodes, target_names
from .activity import call_name
from .definitions import Definitions

# Calls whose result has a shape given by their arguments' values.
SHAPE_FROM_VALUES = frozenset(
    {
        "np.zeros",
        "np.ones",
        "np.empty",
        "np.full",
        "np.arange",
        "np.linspace",
        "np.eye",
        "np.identity",
        "np.reshape",
        "np.append",
        "np.concatenate",
        "np.stack",
        "np.hstack",
        "np.vstack",
        "np.repeat",
        "np.tile",
        "np.resize",
        "np.delete",
        "np.insert",
        "np.nonzero",
        "np.flatnonzero",
        "np.argwhere",
        "np.unique",
        "np.diag",
    }
)
SHAPE_METHODS = frozenset({"reshape", "repeat", "nonzero"})

# Calls whose result is a number whatever the shapes of their arguments (reductions: when
# given the array alone, no axis).
NUMBER_RESULTS = frozenset(
    {
        "len",
        "float",
        "int",
        "bool",
        "np.sum",
        "np.mean",
        "np.prod",
        "np.max",
        "np.min",
        "np.amax",
        "np.amin",
        "np.vdot",
        "np.linalg.norm",
        "np.linalg.det",
        "np.trace",
    }
)


def shape_varying(defs: Definitions) -> set[str]:
    """The names that may be bound to arrays of different shapes during one call.

    Two ways: a binding in a loop whose value's shape may change from one iteration to the
    next (``t = x[:i]``, ``t = np.zeros(n)`` with ``n`` changing, or computed from such a
    value); or bindings at several places, one of which has a shape set by values
    (``t = x[:3] * w`` ... ``t = x[:2] * w``). ``defs``: ``analyse(tree)`` of the function,
    whose index of its nodes by class gives the bindings.
    """
    shape_sources = defs.nodes_of(gast.Slice) + defs.nodes_of(gast.Call)
    if not any(map(_sets_a_shape, shape_sources)):
        return set()  # nothing at all sets a shape from values
    values: dict[str, list[gast.AST]] = {}
    sites: Counter = Counter()
    for node in defs.nodes_of(gast.Assign):
        for target in node.targets:
            for name in target_names(target):
                values.setdefault(name, []).append(node.value)
                sites[name] += 1
    for node in defs.nodes_of(gast.For):
        for name in target_names(node.target):
            values.setdefault(name, []).append(node.iter)  # an element: the rows' shape
            sites[name] += 1
    for node in defs.nodes_of(gast.AugAssign):
        if isinstance(node.target, gast.Name):
            values.setdefault(node.target.id, []).append(node.value)
            sites[node.target.id] += 1
    fixed = {n for n in defs.defs if defs.defs[n] == 1 and n not in defs.in_loop_defs}
    fixed |= _constants(values, fixed)
    lists = {n for n, vs in values.items() if any(isinstance(v, gast.List) for v in vs)}
    readers: dict[str, set[str]] = {}  # each name: the names bound to values that read it
    for reader, bound in values.items():
        for value in bound:
            for node in name_nodes(value):
                readers.setdefault(node.id, set()).add(reader)
    per_iteration = _closure(defs.in_loop_defs, _ShapeRule(fixed, lists, values, readers), readers)
    set_by_values = _closure(set(values), _ShapeRule(None, lists, values, readers), readers)
    return per_iteration | {n for n in set_by_values if sites[n] > 1}


def _constants(values: dict[str, list[gast.AST]], fixed: set[str]) -> set[str]:
    """Names bound at one place, in a loop or not, to arithmetic of numbers and ``fixed``
    names (``_t11 = -1``, ``m = n - 1``): their values never change."""
    known = set(fixed)
    grew = True
    while grew:
        grew = False
        for name, bound in values.items():
            if name not in known and len(bound) == 1 and _arithmetic_of(bound[0], known):
                known.add(name)
                grew = True
    return known - fixed


def _arithmetic_of(node: gast.AST, names: set[str]) -> bool:
    if isinstance(node, gast.Constant):
        return True
    if isinstance(node, gast.Name):
        return node.id in names
    if isinstance(node, gast.UnaryOp):
        return _arithmetic_of(node.operand, names)
    if isinstance(node, gast.BinOp):
        return _arithmetic_of(node.left, names) and _arithmetic_of(node.right, names)
    return False


def _sets_a_shape(node: gast.Slice | gast.Call) -> bool:
    if isinstance(node, gast.Slice):
        return any(part is not None for part in (node.lower, node.upper, node.step))
    if isinstance(node.func, gast.Attribute) and node.func.attr in SHAPE_METHODS:
        return True
    return call_name(node) in SHAPE_FROM_VALUES


def _closure(candidates: set[str], rule, readers: dict[str, set[str]]) -> set[str]:
    """The least set of ``candidates`` some of whose values ``rule`` finds may vary, given
    that set (a worklist: a name is looked at again only when a name it reads joins)."""
    found: set[str] = set()
    work = sorted(candidates)
    while work:
        name = work.pop()
        if name in found or not rule.binding_may_vary(name, found):
            continue
        found.add(name)
        work.extend(sorted((readers.get(name, set()) & candidates) - found))
    return found


class _ShapeRule:
    """Whether an expression's shape may vary. With ``fixed`` names (bound once, outside
    loops, or to arithmetic of numbers): between evaluations, so slices and array
    constructors vary only when their bounds or sizes read other names, or a slice is bound
    back into the array it slices. Without: at all, so any bounded slice or constructor
    does."""

    def __init__(
        self,
        fixed: set[str] | None,
        lists: set[str],
        values: dict[str, list[gast.AST]],
        readers: dict[str, set[str]],
    ):
        self.fixed = fixed
        self.lists = lists  # names bound to lists, whose entries may each have a shape
        self.values = values  # every name: the values bound to it
        self.readers = readers  # every name: the names bound to values that read it
        self.binding = ""  # the name whose values are being looked at
        self._downstream: dict[str, set[str]] = {}

    def binding_may_vary(self, name: str, varying: set[str]) -> bool:
        """Whether a value bound to ``name`` may vary, given the ``varying`` names."""
        self.binding = name
        return any(self.may_vary(v, varying) for v in self.values.get(name, ()))

    def _feeds(self, source: str, name: str) -> bool:
        """Whether ``source``'s values reach ``name`` through bindings (``t = s[1:]``, then
        ``s = t * w``): then a slice of ``name`` bound to ``source`` shrinks it again and
        again."""
        reached = self._downstream.get(source)
        if reached is None:
            reached, work = {source}, [source]
            while work:
                for reader in self.readers.get(work.pop(), ()):
                    if reader not in reached:
                        reached.add(reader)
                        work.append(reader)
            self._downstream[source] = reached
        return name in reached

    def _sliced_from_itself(self, array: gast.AST) -> bool:
        """Whether a slice of ``array`` may be bound, through other names, back into the
        names ``array`` reads (only then does a slice of an array rebound in a loop change
        shape from one iteration to the next, its bounds being fixed)."""
        if self.fixed is None:
            return True
        return any(
            n.id not in self.fixed and self._feeds(self.binding, n.id) for n in name_nodes(array)
        )

    def _reads_changing(self, node: gast.AST) -> bool:
        if self.fixed is None:
            return True
        return any(n.id not in self.fixed and n.id not in ("np", "math") for n in name_nodes(node))

    def may_vary(self, node: gast.AST, varying: set[str]) -> bool:
        if isinstance(node, gast.Name):
            return node.id in varying
        if isinstance(node, gast.Constant):
            return False
        if isinstance(node, gast.Attribute):
            if node.attr in ("shape", "size", "ndim", "dtype"):
                return False  # numbers, or a tuple of a fixed length
            return self.may_vary(node.value, varying)
        if isinstance(node, gast.Subscript):
            if isinstance(node.value, gast.Name) and node.value.id in self.lists:
                return True  # `parts[k]`: the parts of `np.split(x, 3)` differ in length
            bounds = _slice_bounds(node.slice)
            if self.fixed is None and not bounds and not has_slice(node.slice):
                # An element or row (`h[j]`): counted with its array only between evaluations.
                return self._index_may_vary(node.slice, varying)
            if self.may_vary(node.value, varying):
                return True
            if bounds and (
                self._sliced_from_itself(node.value) or any(map(self._reads_changing, bounds))
            ):
                return True  # a slice of an array rebound (`a = a[1:]`), or with changing bounds
            return self._index_may_vary(node.slice, varying)
        if isinstance(node, gast.Call):
            name = call_name(node)
            if name.startswith("math.") or (
                name in NUMBER_RESULTS and len(node.args) == 1 and not node.keywords
            ):
                return False
            operands = [*node.args, *(k.value for k in node.keywords)]
            if name in SHAPE_FROM_VALUES or (
                isinstance(node.func, gast.Attribute) and node.func.attr in SHAPE_METHODS
            ):
                if any(self._reads_changing(a) for a in operands):
                    return True
            if isinstance(node.func, gast.Attribute):
                operands.append(node.func.value)  # a method's array
            return any(self.may_vary(a, varying) for a in operands)
        return any(self.may_vary(child, varying) for child in children(node))

    def _index_may_vary(self, index: gast.AST, varying: set[str]) -> bool:
        if isinstance(index, gast.Tuple):
            return any(self._index_may_vary(elt, varying) for elt in index.elts)
        if isinstance(index, gast.Slice):
            return False  # see `_slice_bounds`
        return self.may_vary(index, varying)  # a number (no change of shape) or index array


def _slice_bounds(index: gast.AST) -> list[gast.AST]:
    """The bounds and steps of the slices in an index (``x[:]`` has none)."""
    if isinstance(index, gast.Tuple):
        return [b for elt in index.elts for b in _slice_bounds(elt)]
    if isinstance(index, gast.Slice):
        return [p for p in (index.lower, index.upper, index.step) if p is not None]
    return []
