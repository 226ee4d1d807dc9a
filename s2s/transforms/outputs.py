"""The structure of what a function returns: one value, or a (nested) tuple of values.

Batched code allocates one array per leaf of that structure and rebuilds the tuples around
them, so ``vmap(value_and_grad(f, argnums=(0, 1)))`` returns ``(values, (g0, g1))``.
"""

from __future__ import annotations

from typing import Union

import gast

from ..analysis.activity import call_name
from ..gastutil import walk
from ..program import Program

Structure = Union[None, tuple["Structure", ...]]  # noqa: UP007  (None: a single value, a leaf)

# Functions that return tuples, by the number of their outputs.
TUPLE_RESULTS = {
    "divmod": 2,
    "np.divmod": 2,
    "np.linalg.slogdet": 2,
    "np.linalg.eigh": 2,
    "np.linalg.qr": 2,
    "np.linalg.svd": 3,
    "np.linalg.lstsq": 4,
    "np.histogram": 2,
}


def output_structure(program: Program, name: str, seen: frozenset = frozenset()) -> Structure:
    """The structure of ``name``'s returned values (None where it cannot be told apart)."""
    tree = program.units[name].tree
    assigned = {}
    for node in walk(tree):
        if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name):
            assigned.setdefault(node.targets[0].id, []).append(node.value)

    def of(expr: gast.AST, depth: int = 0) -> Structure:
        if isinstance(expr, gast.Tuple):
            return tuple(of(e, depth) for e in expr.elts)
        if isinstance(expr, gast.Name) and len(assigned.get(expr.id, [])) == 1 and depth < 8:
            source = assigned[expr.id][0]
            if isinstance(source, gast.Tuple):
                return of(source, depth + 1)
            callee = call_name(source) if isinstance(source, gast.Call) else None
            if callee in program.units and callee not in seen:
                return output_structure(program, callee, seen | {name})
            if callee in TUPLE_RESULTS:
                return (None,) * TUPLE_RESULTS[callee]
        return None

    found = {of(node.value) for node in walk(tree) if isinstance(node, gast.Return)}
    return found.pop() if len(found) == 1 else None


def leaf_paths(structure: Structure, prefix: tuple = ()) -> list[tuple[int, ...]]:
    """Index paths of the leaves: ``[(0,), (1, 0), (1, 1)]`` for ``(a, (b, c))``."""
    if structure is None:
        return [prefix]
    return [p for k, s in enumerate(structure) for p in leaf_paths(s, prefix + (k,))]


def rebuild(structure: Structure, leaves: list[str]) -> str:
    """Source of the nested tuple of ``leaves`` (in ``leaf_paths`` order)."""
    items = iter(leaves)

    def build(s: Structure) -> str:
        if s is None:
            return next(items)
        return "(" + ", ".join(build(e) for e in s) + ",)"

    return build(structure)


def index_source(base: str, path: tuple[int, ...]) -> str:
    return base + "".join(f"[{k}]" for k in path)
