"""Per-element programs for the GPU: tape-free derivatives, and the check that they fit.

A GPU thread has no growing lists and no heap, so the reverse sweep's tapes cannot run there.
On the GPU, gradients are computed in forward mode instead, one pass per differentiated
scalar argument (cheap: per-element functions have few inputs), and Hessians in forward mode
over forward mode. What cannot run in a thread (allocating arrays, lists) is rejected by name,
and so, once the arguments' ranks are known, is arithmetic on arrays.
"""

from __future__ import annotations

from typing import Any

import gast

from .. import pipeline
from ..analysis.activity import call_name
from ..analysis.ranks import array_operations
from ..errors import S2SError
from ..frontend.source import is_vectorized
from ..gastparse import parse
from ..gastutil import placed_at, walk
from ..program import Program, Unit
from .device_spelling import spelled_for_device
from .jvp import forward_program

# Calls that allocate memory, which device code cannot do.
ALLOCATING = {
    "np.zeros",
    "np.ones",
    "np.empty",
    "np.zeros_like",
    "np.ones_like",
    "np.empty_like",
    "np.full",
    "np.full_like",
    "np.array",
    "np.asarray",
    "np.ascontiguousarray",
    "np.asfortranarray",
    "np.arange",
    "np.linspace",
    "np.copy",
    "np.concatenate",
    "np.stack",
    "np.vstack",
    "np.hstack",
    "np.eye",
    "np.identity",
    "_s2s.save",
    "_s2s.batch_empty",
    "_s2s.jacobian_like",
    "_s2s.basis",
    "_s2s.group_seed",
}


def device_program(fn: Any) -> Program:
    """The normalised per-element program of ``fn`` in a form a GPU thread can run: its
    NumPy calls on numbers, the tangent rules' too, spelled as device code can run them."""
    program = _per_element(fn)
    return program.map(lambda unit: spelled_for_device(unit.tree))


def _per_element(fn: Any) -> Program:
    from ..ad import _Derivative, normalized_program
    from ..forward import _Jacobian

    if isinstance(fn, _Derivative) and fn.request.kind in ("grad", "value_and_grad"):
        if fn.request.has_aux:
            raise S2SError("on the GPU, grad with has_aux=True is not supported")
        inner = _per_element(fn._fn)
        return forward_gradient(
            inner, fn.request.argnums, fn.request.tuple_result, fn.request.kind == "value_and_grad"
        )
    if isinstance(fn, _Jacobian) and fn.groups is not None:
        raise S2SError("on the GPU, Jacobians take no sparsity pattern (each thread's are small)")
    if isinstance(fn, _Jacobian) and fn.kind == "hessian":
        inner = _per_element(fn._fn)
        first = forward_gradient(inner, fn.argnums, False, False)
        return forward_gradient(pipeline.normalize(first), fn.argnums, False, False)
    program = normalized_program(fn)
    check_device(program)
    return program


def forward_gradient(
    program: Program, argnums: tuple[int, ...], as_tuple: bool, with_value: bool
) -> Program:
    """``entry_grad(params...)`` by forward mode: one tangent pass per (scalar) argument."""
    jvp = forward_program(program, argnums)
    entry = program.entry_unit
    params = [a.id for a in entry.tree.args.args]
    name = f"{entry.name}_grad"
    lines = [f"def {name}({', '.join(params)}):"]
    for j, k in enumerate(argnums):
        tangents = ", ".join(
            f"_s2s.unit_tangent({params[k]})" if i == k else f"_s2s.zeros_like({params[i]})"
            for i in argnums
        )
        lines.append(f"    _pass{j} = {jvp.entry}({', '.join(params)}, {tangents})")
    grads = [f"_pass{j}[1]" for j in range(len(argnums))]
    packed = "(" + ", ".join(grads) + ",)" if as_tuple else grads[0]
    lines.append(f"    return {'(_pass0[0], ' + packed + ')' if with_value else packed}")
    tree = parse("\n".join(lines) + "\n").body[0]
    placed_at(tree, entry.tree)
    units = {name: Unit(entry.parsed, tree), **jvp.units}
    return Program(name, units, dict(jvp.bindings), dict(jvp.custom_vjps))


def check_element_arrays(program: Program, arg_ranks: list[int]) -> None:
    """Reject arithmetic on arrays (a row of a batched matrix, ``x * x``), which makes a new
    array, when the entry's arguments have the ranks ``arg_ranks`` (known at the first call)."""
    found = array_operations(program, arg_ranks)
    if found:
        first = found[0]
        raise S2SError(
            f"{first.what} cannot run on the GPU: it makes a new array, and each GPU thread "
            "runs one batch element without allocating memory",
            first.unit.parsed.location(first.node),
            hint="loop over the elements (`for j in range(x.shape[0]): ... x[j] ...`), "
            "or use target='cpu'",
        )


def check_device(program: Program) -> None:
    """Reject what a GPU thread cannot run, naming the construct and the user's line."""
    ufuncs = {name for name, value in program.bindings.items() if is_vectorized(value)}
    for unit in program:
        for node in walk(unit.tree):
            what = None
            if isinstance(node, gast.Call) and call_name(node) in ALLOCATING:
                what = f"`{call_name(node)}` (allocating an array)"
            elif isinstance(node, gast.List):
                what = "lists"
            elif isinstance(node, gast.Call) and call_name(node) in ufuncs:
                raise S2SError(
                    f"`{call_name(node)}` is a @numba.vectorize ufunc compiled for the CPU: "
                    "GPU threads cannot call it",
                    unit.parsed.location(node),
                    hint="write its kernel as a plain function of numbers, and call that",
                )
            if what:
                raise S2SError(
                    f"{what} cannot run on the GPU: each GPU thread runs one batch element "
                    "without allocating memory",
                    unit.parsed.location(node),
                    hint="keep per-element bodies to scalars and reads of the inputs, or use "
                    "target='cpu'",
                )
