"""Batching (``vmap``): the batched function as a loop over batch elements.

Each element runs the whole per-element function, so every element may take its own branch
and loop a different number of times (what a tracing ``vmap`` cannot do), in-place writes and
helpers work as under ``jit``, and the batch loop runs on all cores (``prange``) when the
batch is large enough. The first element is computed before the loop: it gives the output's
shape and dtype, so the outputs are allocated once and no element is computed twice.
"""

from __future__ import annotations

import dataclasses

import gast

from ..analysis.activity import call_name
from ..analysis.aliases import helper_returns
from ..analysis.definitions import helper_writes
from ..codegen.naming import Namer
from ..errors import BatchingError
from ..gastparse import parse
from ..gastutil import placed_at, walk
from ..program import Program, Unit
from .destination import Into, into_function
from .inline import inlined
from .outputs import Structure, index_source, leaf_paths, output_structure, rebuild

PARALLEL_THRESHOLD = 1024  # batch size from which `vmap(parallel=None)` runs in parallel


@dataclasses.dataclass(frozen=True)
class Batching:
    """What to batch: one axis (or None) per argument and per output."""

    in_axes: tuple[int | None, ...]
    out_axes: int | tuple[int, ...]
    axis_size: int | None = None
    parallel: bool = False  # the batch loop as `prange` (Numba's parallel loop)


def shared_writes(program: Program, in_axes: tuple[int | None, ...]) -> list[str]:
    """The parameters of ``program``'s entry that it writes into (itself, through a view or
    through a helper) and that ``in_axes`` does not batch: memory every element shares (a
    workspace), which elements running at once would overwrite under each other."""
    trees = {name: unit.tree for name, unit in program.units.items()}
    written = helper_writes(trees, helper_returns(trees)).get(program.entry)
    if written is None:
        return []
    params, changed = written
    return [p for p, axis in zip(params, in_axes) if axis is None and p in changed]


def shared_writes_error(
    program: Program, shared: list[str], where: str, hint: str
) -> BatchingError:
    """The error for elements run at once (``where``: ``"on the GPU,"``) that write into the
    arguments ``shared`` (see ``shared_writes``)."""
    entry = program.entry_unit
    return BatchingError(
        f"{where} {entry.parsed.fn.__name__} writes into "
        f"{', '.join(f'`{n}`' for n in shared)}, which every batch element shares (in_axes "
        "None): elements running at once would overwrite each other's values",
        entry.parsed.location(entry.tree),
        hint=hint,
    )


def batch_program(program: Program, batching: Batching) -> Program:
    """``program`` (normalised) with a batched entry ``entry_vmap`` calling the entry."""
    entry = program.entry_unit
    params = [a.id for a in entry.tree.args.args]
    namer = Namer(set(program.units) | set(program.bindings) | set(params) | {"np", "_s2s"})
    name = namer.fresh(f"{entry.name}_vmap")
    structure = output_structure(program, program.entry)
    top = 1 if structure is None else len(structure)
    if isinstance(batching.out_axes, int):
        batching = dataclasses.replace(batching, out_axes=(batching.out_axes,) * top)
    elif len(batching.out_axes) != top:
        raise BatchingError(
            f"out_axes has {len(batching.out_axes)} entries but {entry.parsed.fn.__name__} "
            f"returns {top} output(s)",
            entry.parsed.location(entry.tree),
        )
    into = into_function(entry.tree, structure, namer)
    source = _source(name, entry.name, params, batching, structure, into)
    tree = parse(source).body[0]
    placed_at(tree, entry.tree)
    units = {name: Unit(entry.parsed, tree), **program.units}
    if into is not None and not batching.parallel:
        _inline(tree, into.tree)
    elif into is not None:
        # Not into a parallel loop: Numba's parallel passes drop a write into an array that no
        # later statement reads, not knowing the row `_s2s.borrowed` hands back is a view of
        # an output (`second[n] = total` was lost: tests/test_destination.py, in parallel).
        units[into.tree.name] = Unit(entry.parsed, into.tree)
    return Program(name, units, dict(program.bindings), dict(program.custom_vjps))


def _inline(tree: gast.FunctionDef, callee: gast.FunctionDef) -> None:
    """The batch loop with the body of ``callee`` in place of the call to it."""
    for node in walk(tree):
        if isinstance(node, gast.For):
            for k, stmt in enumerate(node.body):
                if isinstance(stmt, gast.Expr) and call_name(stmt.value) == callee.name:
                    node.body[k : k + 1] = inlined(stmt.value, callee, tree)
                    return


_SIZES_DISAGREE = "'vmap: the batched arguments have different batch sizes'"


def _element(param: str, axis: int | None, index: str) -> str:
    """Source for batch element ``index`` of ``param`` (the whole of it when unbatched), a
    view that counts no reference to ``param``'s memory (``_s2s.borrowed``)."""
    if axis is None:
        return param
    if axis == 0:
        return f"_s2s.borrowed({param}[{index}])"
    return f"_s2s.borrowed(_s2s.element({param}, {index}, {axis}))"


def _extent(param: str, axis: int) -> str:
    return f"{param}.shape[{axis}]" if axis >= 0 else f"{param}.shape[{param}.ndim + ({axis})]"


def _source(
    name: str,
    callee: str,
    params: list[str],
    batching: Batching,
    structure: Structure,
    into: Into | None,
) -> str:
    """The batched function: sizes checked, first element, outputs allocated, the loop (which
    calls ``into``, the callee writing its outputs in place, where there is one and the
    outputs' rows fit it)."""
    batched = [(p, a) for p, a in zip(params, batching.in_axes) if a is not None]
    lines = [f"def {name}({', '.join(params)}):"]
    if batched:
        lines.append(f"    _n = {_extent(*batched[0])}")
        for param, axis in batched[1:]:
            lines += [
                f"    if {_extent(param, axis)} != _n:",
                f"        raise ValueError({_SIZES_DISAGREE})",
            ]
    else:
        lines.append(f"    _n = {batching.axis_size}")

    def call(index: str, function: str = callee, front: tuple = ()) -> str:
        args = [_element(p, a, index) for p, a in zip(params, batching.in_axes)]
        return f"{function}({', '.join([*front, *args])})"

    paths = leaf_paths(structure)
    lines.append(f"    _first = {call('0')}")
    for j, path in enumerate(paths):
        part = index_source("_first", path)
        lines += [
            f"    _out{j} = _s2s.batch_empty({part}, (_n,) + _s2s.shape_of({part}))",
            f"    _s2s.put(_out{j}, 0, {part})",
        ]

    iterator = "_s2s.prange" if batching.parallel else "range"

    def loop(indent: str) -> list[str]:
        body = [f"{indent}for _b in {iterator}(1, _n):", f"{indent}    _r = {call('_b')}"]
        return body + [
            f"{indent}    _s2s.put(_out{j}, _b, {index_source('_r', path)})"
            for j, path in enumerate(paths)
        ]

    if into is None:
        lines += loop("    ")
    else:
        outs = tuple(f"_out{j}" for j in range(len(paths)))
        lines += [
            f"    if {into.fits()}:",
            f"        for _b in {iterator}(1, _n):",
            f"            {call('_b', into.tree.name, ('_b', *outs))}",
            "    else:",
            *loop("        "),
        ]
    leaves = []
    for j, path in enumerate(paths):
        axis = batching.out_axes[path[0]] if path else batching.out_axes[0]
        leaves.append(f"_out{j}" if axis == 0 else f"_s2s.move_axis(_out{j}, {axis})")
    lines.append(f"    return {rebuild(structure, leaves)}")
    return "\n".join(lines) + "\n"
