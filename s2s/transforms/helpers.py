"""Derivatives of the user's helper functions, generated on demand, once each."""

from __future__ import annotations

import gast

from ..analysis.aliases import helper_returns
from ..analysis.definitions import helper_writes
from ..codegen.naming import Namer
from ..gastutil import bound_arguments
from ..program import Program


class HelperRequests:
    """Hands out the names of helpers' derivative functions (``helper_vjp``, ``helper_jvp``),
    remembering which ones the caller must then generate."""

    def __init__(self, program: Program, namer: Namer, suffix: str):
        self.program = program
        self.namer = namer
        self.suffix = suffix
        self.helpers = {name for name in program.units if name != program.entry}
        self.generated: dict[str, str] = {}
        self.pending: list[str] = []
        trees = {name: program.units[name].tree for name in self.helpers}
        self.returns = helper_returns(trees)  # what helpers hand back of their arguments
        self.writes = helper_writes(trees, self.returns)  # the arguments they write into

    def __call__(self, helper: str) -> str:
        if helper not in self.generated:
            self.generated[helper] = self.namer.fresh(f"{helper}_{self.suffix}")
            self.pending.append(helper)
        return self.generated[helper]

    def bind(self, helper: str, node: gast.Call) -> list[gast.AST]:
        """The call's arguments in the order of the helper's parameters (defaults filled)."""
        args = self.program.units[helper].tree.args
        params = [a.id for a in args.args]
        defaults = dict(zip(params[len(params) - len(args.defaults) :], args.defaults))
        bound = bound_arguments(params, node)
        return [bound.get(p, defaults.get(p)) for p in params]
