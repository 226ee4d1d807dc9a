"""Full Jacobians as generated loops: columns from forward mode, rows from reverse mode.

The loop over basis directions is itself generated source, compiled with the rest, so a
Jacobian or Hessian costs one compiled call, not one Python call per column.
"""

from __future__ import annotations

import gast

from ..codegen.naming import Namer
from ..gastutil import placed_at
from ..program import Program, Unit


def _parse(source: str, like: Unit) -> gast.FunctionDef:
    tree = gast.parse(source).body[0]
    placed_at(tree, like.tree)
    return tree


def jacfwd_program(
    jvp: Program,
    params: list[str],
    argnums: tuple[int, ...],
    name: str,
    as_tuple: bool,
    gradient: bool = False,
    with_value: bool = False,
) -> Program:
    """``name(params...)``: the Jacobian of the jvp program's function (with tangents for
    ``argnums``), one column at a time. ``gradient``: check the output is a scalar;
    ``with_value``: return ``(value, jacobian)``."""
    entry = jvp.entry_unit
    namer = Namer(set(jvp.units) | set(params) | {"np", "math", "_s2s"})
    name = namer.fresh(name)
    lines = [f"def {name}({', '.join(params)}):"]
    results = []
    for k in argnums:
        x = params[k]
        tangents = ", ".join(
            f"_s2s.basis({params[j]}, _k)" if j == k else f"_s2s.zeros_like({params[j]})"
            for j in argnums
        )
        lines += [
            f"    for _k in range(_s2s.size({x})):",
            f"        _out, _tangent = {jvp.entry}({', '.join(params)}, {tangents})",
            "        if _k == 0:",
            f"            _flat{k}, _jac{k} = _s2s.jacobian_like(_tangent, {x})",
        ]
        if gradient:  # a gradient: the function must be scalar-valued
            lines.append("            _s2s.grad_seed(_out)")
        lines.append(f"        _s2s.set_column(_flat{k}, _k, _tangent)")
        results.append(f"_s2s.jacobian_result(_jac{k})")
    packed = _pack(results, as_tuple)
    lines.append(f"    return {'(_out, ' + packed + ')' if with_value else packed}")
    unit = Unit(entry.parsed, _parse("\n".join(lines) + "\n", entry))
    return Program(name, {name: unit, **jvp.units}, dict(jvp.bindings), dict(jvp.custom_vjps))


def jacrev_program(
    vjp: Program,
    primal: str,
    params: list[str],
    argnums: tuple[int, ...],
    name: str,
    as_tuple: bool,
) -> Program:
    """``name(params...)``: the Jacobian of the vjp program's function, one row at a time."""
    entry = vjp.entry_unit
    namer = Namer(set(vjp.units) | set(params) | {"np", "math", "_s2s"})
    name = namer.fresh(name)
    args = ", ".join(params)
    lines = [
        f"def {name}({args}):",
        f"    _out = {primal}({args})",
        "    for _k in range(_s2s.size(_out)):",
        f"        _adjoints = {vjp.entry}({args}, _s2s.basis(_out, _k))[1]",
    ]
    results = []
    for j, k in enumerate(argnums):
        lines += [
            "        if _k == 0:",
            f"            _flat{j}, _jac{j} = _s2s.jacobian_like(_out, {params[k]})",
            f"        _s2s.set_row(_flat{j}, _k, _adjoints[{j}])",
        ]
        results.append(f"_s2s.jacobian_result(_jac{j})")
    lines.append(f"    return {_pack(results, as_tuple)}")
    unit = Unit(entry.parsed, _parse("\n".join(lines) + "\n", entry))
    return Program(name, {name: unit, **vjp.units}, dict(vjp.bindings), dict(vjp.custom_vjps))


def _pack(results: list[str], as_tuple: bool) -> str:
    return "(" + ", ".join(results) + ",)" if as_tuple else results[0]
