"""Tuple arguments differentiated entry by entry: ``f(params, x)`` as ``f(params_0, params_1, x)``.

A JAX user passes parameters as a tuple, ``grad(loss)((W, b), x)``, and unpacks them in the
function (``W, b = params``, which the normal form writes ``W = params[0]``). For a call with
such a tuple, the entry takes one parameter per entry instead, and reads them where it read
``params[0]``: every transformation then sees plain arguments. The tuple must be read only by
constant indices; anything else (``len(params)``, passing it on whole) is refused.
"""

from __future__ import annotations

import gast

from ..codegen.naming import Namer, names_in
from ..errors import DifferentiationError
from ..gastutil import Transformer, clone, load, walk
from ..program import Program, Unit


def split_tuple_arguments(program: Program, sizes: dict[int, int]) -> Program:
    """``program`` whose entry takes the entries of its arguments ``sizes`` (position -> the
    tuple's length) as arguments of their own, in their place."""
    entry = program.entry_unit
    tree = clone(entry.tree)
    args = tree.args
    names = [a.id for a in args.args]
    namer = Namer(names_in(tree))
    parts: dict[str, list[str]] = {}
    for k, size in sorted(sizes.items()):
        name = names[k]
        if k >= len(names) - len(args.defaults) or args.vararg is not None:
            raise DifferentiationError(
                f"argument `{name}` is a tuple; s2s takes tuples to differentiate only for "
                "parameters without defaults, in a function without *args",
                entry.parsed.location(tree),
            )
        parts[name] = [namer.fresh(f"{name}_{j}") for j in range(size)]
    constants = _constant_names(tree)
    _check_indexed_only(entry, tree, parts, constants)
    flat = []
    for arg in args.args:
        if arg.id in parts:
            flat += [
                gast.copy_location(gast.Name(p, gast.Param(), None, None), arg)
                for p in parts[arg.id]
            ]
        else:
            flat.append(arg)
    args.args = flat
    tree.body = [_Entries(parts, constants).visit(stmt) for stmt in tree.body]
    units = {**program.units, program.entry: Unit(entry.parsed, tree)}
    return Program(program.entry, units, dict(program.bindings), dict(program.custom_vjps))


def _check_indexed_only(entry: Unit, tree: gast.FunctionDef, parts: dict, constants: dict) -> None:
    """Refuse a read of a tuple argument other than ``t[j]`` for a constant ``j`` in range,
    and any binding of its name."""
    indexed: set[int] = set()
    for node in walk(tree):
        if isinstance(node, gast.Subscript) and _entry_of(node, parts, constants) is not None:
            indexed.add(id(node.value))
        elif isinstance(node, gast.Name) and node.id in parts and id(node) not in indexed:
            if isinstance(node.ctx, gast.Param):
                continue
            size = len(parts[node.id])
            raise DifferentiationError(
                f"argument `{node.id}` is a tuple of {size}, and "
                f"{entry.parsed.fn.__name__} uses it other than by a constant index "
                f"(`{node.id}[0]`, or `a, b = {node.id}`): s2s differentiates it entry by entry",
                entry.parsed.location(node),
                hint=f"unpack it first, {', '.join(f'v{j}' for j in range(size))} = {node.id}",
            )


def _entry_of(node: gast.Subscript, parts: dict, constants: dict) -> str | None:
    """The name ``t[j]`` reads, for a tuple argument ``t`` and a constant ``j`` in range
    (``constants``: names bound once to an integer, as the normal form binds ``-1``)."""
    base, index = node.value, node.slice
    if not (isinstance(base, gast.Name) and base.id in parts and isinstance(node.ctx, gast.Load)):
        return None
    j = constants.get(index.id) if isinstance(index, gast.Name) else _constant_int(index)
    names = parts[base.id]
    return names[j] if j is not None and -len(names) <= j < len(names) else None


def _constant_int(node: gast.AST) -> int | None:
    """``2`` for ``2``, ``-1`` for ``-1``; None for anything else."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        inner = _constant_int(node.operand)
        return None if inner is None else -inner
    return node.value if isinstance(node, gast.Constant) and type(node.value) is int else None


def _constant_names(tree: gast.FunctionDef) -> dict[str, int]:
    """The names bound once, to an integer constant (``_t5 = -1``)."""
    bound: dict[str, list] = {}
    for node in walk(tree):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            bound.setdefault(node.id, []).append(node)
    constants = {}
    for node in walk(tree):
        if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name):
            name, value = node.targets[0].id, _constant_int(node.value)
            if value is not None and len(bound[name]) == 1:
                constants[name] = value
    return constants


class _Entries(Transformer):
    """``t[j]`` read as ``t_j``."""

    def __init__(self, parts: dict[str, list[str]], constants: dict[str, int]):
        self.parts = parts
        self.constants = constants

    def visit_Subscript(self, node: gast.Subscript):
        name = _entry_of(node, self.parts, self.constants)
        if name is not None:
            return gast.copy_location(load(name), node)
        self.generic_visit(node)
        return node
