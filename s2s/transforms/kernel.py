"""The CUDA kernel of a batched function: GPU threads over the batch elements.

Each thread reads its element of each batched argument, calls the per-element function (a
device function, like every helper) and writes its outputs. The launch may have fewer threads
than elements (the launcher caps the grid at a few waves of the device), so each thread strides
through the batch by the grid's size, two elements per pass: both are read before either result
is written, so that each thread keeps two reads from memory in flight, which elementwise
kernels need to approach the device's bandwidth. Threads past the batch size do nothing.
"""

from __future__ import annotations

from ..codegen.naming import Namer
from ..errors import BatchingError
from ..gastparse import parse
from ..gastutil import placed_at
from ..program import Program, Unit
from .outputs import Structure, index_source, leaf_paths


def kernel_program(
    program: Program, in_axes: tuple[int | None, ...], structure: Structure
) -> Program:
    """``entry_kernel(args..., out0, ..., n)`` around the per-element ``program``: one output
    array per leaf of the returned ``structure``."""
    entry = program.entry_unit
    params = [a.id for a in entry.tree.args.args]
    for k, axis in enumerate(in_axes):
        if axis not in (0, None):
            raise BatchingError(
                f"on the GPU, batched arguments have their batch axis first: argument {k} "
                f"has in_axes={axis}",
                hint="move the axis first (np.moveaxis) before the call",
            )
    namer = Namer(set(program.units) | set(params) | {"np", "math", "_s2s", "cuda"})
    name = namer.fresh(f"{entry.name}_kernel")
    paths = leaf_paths(structure)
    outs = [f"_out{j}" for j in range(len(paths))]
    first = _element_call(entry.name, params, in_axes, "_b")
    second = _element_call(entry.name, params, in_axes, "_b + _step")

    def writes(result: str, index: str) -> list[str]:
        pairs = zip(outs, paths)
        return [f"        {out}[{index}] = {index_source(result, p)}" for out, p in pairs]

    lines = [
        f"def {name}({', '.join(params + outs)}, _n):",
        "    _b = cuda.grid(1)",
        "    _step = cuda.gridsize(1)",
        "    while _b + _step < _n:",
        f"        _r = {first}",
        f"        _r2 = {second}",
        *writes("_r", "_b"),
        *writes("_r2", "_b + _step"),
        "        _b += 2 * _step",
        "    if _b < _n:",
        f"        _r = {first}",
        *writes("_r", "_b"),
    ]
    tree = parse("\n".join(lines) + "\n").body[0]
    placed_at(tree, entry.tree)
    units = {name: Unit(entry.parsed, tree), **program.units}
    return Program(name, units, dict(program.bindings), dict(program.custom_vjps))


def _element_call(function: str, params: list[str], in_axes: tuple, index: str) -> str:
    """``f(x[index], k, ...)``: the per-element function on the element at ``index``."""
    elements = ", ".join(p if a is None else f"{p}[{index}]" for p, a in zip(params, in_axes))
    return f"{function}({elements})"
