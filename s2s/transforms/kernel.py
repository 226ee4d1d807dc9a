"""The CUDA kernel of a batched function: one GPU thread per batch element.

The kernel reads its element of each batched argument, calls the per-element function (a
device function, like every helper) and writes its outputs; the batch size is passed in, and
threads past it do nothing.
"""

from __future__ import annotations

import gast

from ..codegen.naming import Namer
from ..errors import BatchingError
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
    elements = ", ".join(p if a is None else f"{p}[_b]" for p, a in zip(params, in_axes))
    lines = [
        f"def {name}({', '.join(params + outs)}, _n):",
        "    _b = cuda.grid(1)",
        "    if _b < _n:",
        f"        _r = {entry.name}({elements})",
    ]
    lines += [f"        _out{j}[_b] = {index_source('_r', p)}" for j, p in enumerate(paths)]
    tree = gast.parse("\n".join(lines) + "\n").body[0]
    for node in gast.walk(tree):
        if hasattr(node, "lineno"):
            gast.copy_location(node, entry.tree)
    units = {name: Unit(entry.parsed, tree), **program.units}
    return Program(name, units, dict(program.bindings), dict(program.custom_vjps))
