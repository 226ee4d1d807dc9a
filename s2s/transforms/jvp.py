"""Whole-program forward mode: the entry's Jacobian-vector product and its helpers'."""

from __future__ import annotations

from ..codegen.naming import Namer
from ..frontend.tuples import scalarize_tuples
from ..program import Program, Unit
from .effects import inline_effects
from .forward import ForwardMode
from .helpers import HelperRequests


def forward_program(program: Program, argnums: tuple[int, ...] | None = None) -> Program:
    """``entry_jvp(params..., dparams...) -> (out, dout)`` for the normalised ``program``,
    with tangents for the parameters ``argnums`` (default: all)."""
    program = inline_effects(program).map(lambda unit: scalarize_tuples(unit.tree))
    namer = Namer(set(program.units) | set(program.bindings) | {"np", "math", "_s2s"})
    helpers = HelperRequests(program, namer, "jvp")
    entry = program.entry_unit
    name = namer.fresh(f"{entry.name}_jvp")
    params = [a.id for a in entry.tree.args.args]
    wrt = params if argnums is None else [params[k] for k in argnums]
    # Arguments picked by `argnums` are floats (the callers check); `jvp` takes integers too.
    units = {name: _jvp_unit(entry, name, helpers, wrt, argnums is not None)}
    units.update({n: u for n, u in program.units.items() if n != program.entry})
    while helpers.pending:
        helper = helpers.pending.pop(0)
        units[helpers.generated[helper]] = _jvp_unit(
            program.units[helper], helpers.generated[helper], helpers
        )
    return Program(name, units, dict(program.bindings), dict(program.custom_vjps))


def _jvp_unit(
    unit: Unit, name: str, helpers: HelperRequests, wrt=None, floats: bool = False
) -> Unit:
    params = [a.id for a in unit.tree.args.args]
    wrt = params if wrt is None else wrt
    mode = ForwardMode(unit.parsed, unit.tree, wrt, helpers, wrt if floats else [])
    return Unit(unit.parsed, mode.function(name, wrt))
