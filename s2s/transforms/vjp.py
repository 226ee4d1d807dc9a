"""Whole-program reverse mode: the entry's derivative function and its helpers' vjps.

The entry becomes one function whose signature and result depend on what is asked for
(``grad``, ``value_and_grad``, ``vjp``); every helper it calls with values that carry
derivatives gets ``helper_vjp(args..., b_out) -> (b_arg, ...)``, generated once: the caller
has the helper's value from its forward sweep, so the vjp computes only what the adjoints need.
"""

from __future__ import annotations

import dataclasses

import gast

from ..analysis.activity import call_name
from ..codegen.naming import Namer
from ..errors import DifferentiationError
from ..frontend.control import lower_control_flow
from ..frontend.tuples import scalarize_tuples
from ..gastparse import parse
from ..gastutil import assign, call, const, load, located, placed_at
from ..program import Program, Unit
from .effects import inline_effects
from .flat_results import flat_results
from .helpers import HelperRequests
from .outputs import TUPLE_RESULTS, output_structure
from .reverse import ReverseMode
from .unused import pruned


@dataclasses.dataclass(frozen=True)
class Request:
    """What the entry's derivative computes and returns."""

    kind: str  # "grad", "value_and_grad" or "vjp"
    argnums: tuple[int, ...]
    has_aux: bool = False
    tuple_result: bool = False  # argnums was given as a tuple
    floats: bool = True  # the caller checked that the arguments argnums picks are floats


def lowered(program: Program) -> Program:
    """Control flow lowered to flags, tuple variables split into their elements, helpers'
    nested results flattened."""

    def tuple_length(node: gast.Call) -> int | None:
        name = call_name(node)
        structure = (
            output_structure(program, name)
            if name in program.units
            else (None,) * TUPLE_RESULTS[name]
            if name in TUPLE_RESULTS
            else None
        )
        return len(structure) if structure else None

    program = program.map(
        lambda unit: scalarize_tuples(lower_control_flow(unit.tree), tuple_length)
    )
    return flat_results(program)


def reverse_program(program: Program, request: Request) -> Program:
    """``program`` (normalised) differentiated as ``request`` says."""
    program = lowered(inline_effects(program))
    namer = Namer(set(program.units) | set(program.bindings) | {"np", "math", "_s2s"})
    helpers = HelperRequests(program, namer, "vjp")
    entry = program.entry_unit
    params = [a.id for a in entry.tree.args.args]
    for k in request.argnums:
        if not -len(params) <= k < len(params):
            raise DifferentiationError(
                f"argnums={k} is out of range: {entry.parsed.fn.__name__} takes "
                f"{len(params)} argument(s)",
                entry.parsed.location(entry.tree),
            )
    wrt = [params[k] for k in request.argnums]
    mode = ReverseMode(entry.parsed, entry.tree, wrt, helpers, wrt if request.floats else [])
    seed_name = mode.namer.fresh("b_out")

    def seeds(outputs):
        if request.has_aux and len(outputs) != 2:
            raise DifferentiationError(
                "has_aux=True needs the function to return a pair (value, aux)",
                entry.parsed.location(entry.tree),
            )
        if request.kind == "vjp":
            if len(outputs) == 1 or request.has_aux:  # (aux: carried out, not seeded)
                return [], [(0, load(seed_name))]
            return [], [
                (k, gast.Subscript(load(seed_name), const(k), gast.Load()))
                for k in range(len(outputs))
            ]
        if len(outputs) > 1 and not request.has_aux:
            raise DifferentiationError(
                f"{request.kind} requires a function with a scalar output, but "
                f"{entry.parsed.fn.__name__} returns a tuple of {len(outputs)} values",
                entry.parsed.location(entry.tree),
                hint="return one scalar, pass has_aux=True to return (value, aux), or use vjp",
            )
        check = assign(mode.namer.fresh("_seed"), call("_s2s.grad_seed", outputs[0]))
        return [check], [(0, load(check.targets[0].id))]

    body, outputs = mode.function(seeds)
    grads = [
        call(
            "_s2s.cast_like",
            load(mode.adj(p)) if p in mode.active else call("_s2s.zeros_like", load(p)),
            load(p),
        )
        for p in wrt
    ]
    body.append(gast.Return(_result(request, outputs, grads)))
    args = entry.tree.args
    if request.kind == "vjp":
        args = gast.arguments(
            list(args.args) + [gast.Name(seed_name, gast.Param(), None, None)],
            [],
            None,
            [],
            [],
            None,
            list(args.defaults) and [],
        )
    name = namer.fresh(f"{entry.name}_{request.kind}")
    entry_tree = located(gast.FunctionDef(name, args, body, [], None, None, []), entry.tree)

    units = {name: Unit(entry.parsed, entry_tree)}
    units.update({n: u for n, u in program.units.items() if n != program.entry})
    while helpers.pending:
        helper = helpers.pending.pop(0)
        if helper in program.custom_vjps:
            units[helpers.generated[helper]] = _custom_vjp(program, helper, helpers)
        else:
            units[helpers.generated[helper]] = _helper_vjp(program.units[helper], helpers)
    return Program(name, units, dict(program.bindings))


def _tuple(items):
    return gast.Tuple(list(items), gast.Load())


def _result(request: Request, outputs, grads) -> gast.AST:
    value = outputs[0] if len(outputs) == 1 else _tuple(outputs)
    gradients = _tuple(grads) if request.tuple_result else grads[0]
    if request.kind == "vjp":
        return _tuple([value, _tuple(grads)])
    if request.has_aux:
        aux = outputs[1]
        if request.kind == "grad":
            return _tuple([gradients, aux])
        return _tuple([_tuple([outputs[0], aux]), gradients])
    if request.kind == "grad":
        return gradients
    return _tuple([value, gradients])


def _helper_vjp(unit: Unit, helpers: HelperRequests) -> Unit:
    """``helper_vjp(args..., b_out) -> (b_arg, ...)`` over every argument, without what only
    the helper's value needed (the caller computed it in its forward sweep; a helper that
    writes into its arguments is inlined or refused, and has none)."""
    params = [a.id for a in unit.tree.args.args]
    mode = ReverseMode(unit.parsed, unit.tree, params, helpers)
    seed_name = mode.namer.fresh("b_out")

    def seeds(outputs):
        if len(outputs) == 1:
            return [], [(0, load(seed_name))]
        return [], [
            (k, gast.Subscript(load(seed_name), const(k), gast.Load())) for k in range(len(outputs))
        ]

    body, _ = mode.function(seeds)  # (the outputs: the caller has the helper's value)
    grads = [
        load(mode.adj(p)) if p in mode.active else call("_s2s.zeros_like", load(p)) for p in params
    ]
    body = pruned(body + [gast.Return(_tuple(grads))])
    args = gast.arguments(  # no defaults: callers pass every argument
        list(unit.tree.args.args) + [gast.Name(seed_name, gast.Param(), None, None)],
        [],
        None,
        [],
        [],
        None,
        [],
    )
    name = helpers.generated[unit.name]
    tree = located(gast.FunctionDef(name, args, body, [], None, None, []), unit.tree)
    return Unit(unit.parsed, tree)


def _custom_vjp(program: Program, helper: str, helpers: HelperRequests) -> Unit:
    """The vjp of a ``custom_vjp`` function: its ``fwd``, then its ``bwd``."""
    fwd, bwd = program.custom_vjps[helper]
    unit = program.units[helper]
    params = ", ".join(a.id for a in unit.tree.args.args)
    name = helpers.generated[helper]
    source = (
        f"def {name}({params}, b_out):\n"
        f"    _, residuals = {fwd}({params})\n"
        f"    return {bwd}(residuals, b_out)\n"
    )
    return Unit(unit.parsed, placed_at(parse(source).body[0], unit.tree))
