"""Full Jacobians as generated loops: columns from forward mode, rows from reverse mode.

The loop over basis directions is itself generated source, compiled with the rest, so a
Jacobian or Hessian costs one compiled call, not one Python call per column. Given a sparsity
pattern, the loop runs over groups of columns (rows) instead, one pass per group
(``s2s.sparsity``); the groups' arrays are bound into the generated module.
"""

from __future__ import annotations

import gast

from ..codegen.naming import Namer
from ..gastparse import parse
from ..gastutil import clone, placed_at
from ..program import Program, Unit
from ..sparsity import Groups
from .unused import returning_only


def _parse(source: str, like: Unit, signature: gast.arguments) -> gast.FunctionDef:
    """The function in ``source``, placed at ``like``'s, its last parameters defaulting as in
    ``signature`` (the differentiated function's: a Jacobian is called as the function is)."""
    tree = parse(source).body[0]
    tree.args.defaults = [clone(d) for d in signature.defaults]
    placed_at(tree, like.tree)
    return tree


def jacfwd_program(
    jvp: Program,
    signature: gast.arguments,
    argnums: tuple[int, ...],
    name: str,
    as_tuple: bool,
    gradient: bool = False,
    with_value: bool = False,
    groups: Groups | None = None,
    aux: str | None = None,
) -> Program:
    """``name(params...)``: the Jacobian of the jvp program's function (with tangents for
    ``argnums``), one column at a time. ``gradient``: check the output is a scalar;
    ``with_value``: return ``(value, jacobian)``; ``groups``: one pass per group of columns
    (for a single argument); ``aux``: return ``(jacobian, aux)``, the aux the second output of
    the program's function ``aux``. ``signature``: the function's parameters."""
    params = [a.id for a in signature.args]
    entry = jvp.entry_unit
    namer = Namer(set(jvp.units) | set(jvp.bindings) | set(params) | {"np", "math", "_s2s"})
    name = namer.fresh(name)
    bindings = dict(jvp.bindings)
    passes = _Passes(groups, namer, bindings, "_s2s.set_column")
    units = dict(jvp.units)
    # Only the tangents are kept: the jvp returns them alone, without what only its value
    # needed (for a Hessian, the gradient's own accumulation).
    tangent_only = None if gradient or with_value else returning_only(entry.tree, 1)
    if tangent_only is not None:
        units[jvp.entry] = Unit(entry.parsed, tangent_only)
    outputs = "_tangent" if tangent_only is not None else "_out, _tangent"
    lines = [f"def {name}({', '.join(params)}):"]
    # columns along real directions only: a complex argument is refused (`real_rows`: jacrev)
    lines += [f"    _s2s.real_columns({params[k]})" for k in argnums]
    results = []
    for k in argnums:
        x = params[k]
        tangents = ", ".join(
            passes.seed(x) if j == k else f"_s2s.zeros_like({params[j]})" for j in argnums
        )
        lines += [
            f"    for _k in range({passes.count(x)}):",
            f"        {outputs} = {jvp.entry}({', '.join(params)}, {tangents})",
            "        if _k == 0:",
            f"            _flat{k}, _jac{k} = _s2s.jacobian_like(_tangent, {x})",
        ]
        if gradient:  # a gradient: the function must be scalar-valued
            lines.append("            _s2s.grad_seed(_out)")
        lines.append(f"        {passes.put(f'_flat{k}', '_tangent')}")
        # no entries, no pass: the Jacobian is empty, in the output's shape
        zeros = ", ".join(f"_s2s.zeros_like({params[j]})" for j in argnums)
        lines += [
            f"    if _s2s.size({x}) == 0:",
            f"        {outputs} = {jvp.entry}({', '.join(params)}, {zeros})",
            f"        _flat{k}, _jac{k} = _s2s.jacobian_like(_tangent, {x})",
        ]
        results.append(f"_s2s.jacobian_result(_jac{k})")
    packed = _pack(results, as_tuple)
    lines += _returned(packed, aux, params, with_value)
    unit = Unit(entry.parsed, _parse("\n".join(lines) + "\n", entry, signature))
    return Program(name, {name: unit, **units}, bindings, dict(jvp.custom_vjps))


def jacrev_program(
    vjp: Program,
    primal: str,
    signature: gast.arguments,
    argnums: tuple[int, ...],
    name: str,
    as_tuple: bool,
    groups: Groups | None = None,
    aux: str | None = None,
) -> Program:
    """``name(params...)``: the Jacobian of the vjp program's function, one row at a time
    (``groups``: one pass per group of rows, for a single argument; ``aux`` as for
    ``jacfwd_program``). ``signature``: the function's parameters."""
    params = [a.id for a in signature.args]
    entry = vjp.entry_unit
    namer = Namer(set(vjp.units) | set(vjp.bindings) | set(params) | {"np", "math", "_s2s"})
    name = namer.fresh(name)
    bindings = dict(vjp.bindings)
    passes = _Passes(groups, namer, bindings, "_s2s.set_row")
    args = ", ".join(params)
    # The loop keeps the adjoints of each pass: the vjp returns them alone (see jacfwd).
    units = dict(vjp.units)
    adjoints_only = returning_only(entry.tree, 1)
    if adjoints_only is not None:
        units[vjp.entry] = Unit(entry.parsed, adjoints_only)
    picked = "" if adjoints_only is not None else "[1]"
    lines = [
        f"def {name}({args}):",
        f"    _out = {primal}({args})",
        "    _s2s.real_rows(_out)",
        f"    for _k in range({passes.count('_out')}):",
        f"        _adjoints = {vjp.entry}({args}, {passes.seed('_out')}){picked}",
    ]
    results = []
    for j, k in enumerate(argnums):
        lines += [
            "        if _k == 0:",
            f"            _flat{j}, _jac{j} = _s2s.jacobian_like(_out, {params[k]})",
            f"        {passes.put(f'_flat{j}', f'_adjoints[{j}]')}",
        ]
        results.append(f"_s2s.jacobian_result(_jac{j})")
    # an empty output, no pass: each Jacobian is empty, in the argument's shape
    lines.append("    if _s2s.size(_out) == 0:")
    lines += [
        f"        _flat{j}, _jac{j} = _s2s.jacobian_like(_out, {params[k]})"
        for j, k in enumerate(argnums)
    ]
    lines += _returned(_pack(results, as_tuple), aux, params)
    unit = Unit(entry.parsed, _parse("\n".join(lines) + "\n", entry, signature))
    return Program(name, {name: unit, **units}, bindings, dict(vjp.custom_vjps))


class _Passes:
    """The source of the Jacobian loop's passes: one per basis direction of ``of`` (its
    entries), or one per group of a sparsity pattern, whose arrays are bound into the module."""

    def __init__(self, groups: Groups | None, namer: Namer, bindings: dict, dense_put: str):
        self.dense_put = dense_put  # `_s2s.set_column` or `_s2s.set_row`
        self.names: dict[str, str] = {}
        if groups is not None:
            for field in ("seeds", "entries", "starts", "reached"):
                self.names[field] = namer.fresh(f"_{field}")
                bindings[self.names[field]] = getattr(groups, field)

    def count(self, of: str) -> str:
        return f"{self.names['seeds']}.shape[0]" if self.names else f"_s2s.size({of})"

    def seed(self, of: str) -> str:
        if self.names:
            return f"_s2s.group_seed({of}, {self.names['seeds']}, _k)"
        return f"_s2s.basis({of}, _k)"

    def put(self, flat: str, derivative: str) -> str:
        if not self.names:
            return f"{self.dense_put}({flat}, _k, {derivative})"
        entries, starts, reached = (self.names[f] for f in ("entries", "starts", "reached"))
        return f"_s2s.set_group({flat}, _k, {derivative}, {entries}, {starts}, {reached})"


def _returned(packed: str, aux: str | None, params: list[str], with_value: bool = False):
    """The lines that return the Jacobian ``packed``: with the value before it, or the aux
    (the second output of the function ``aux``) after it."""
    if aux is not None:
        return [f"    _aux = {aux}({', '.join(params)})[1]", f"    return {packed}, _aux"]
    return [f"    return {'(_out, ' + packed + ')' if with_value else packed}"]


def _pack(results: list[str], as_tuple: bool) -> str:
    return "(" + ", ".join(results) + ",)" if as_tuple else results[0]
