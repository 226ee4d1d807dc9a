"""The frontend pipeline, one visible stage after another.

    parse      the function and its helpers, names resolved (``np.``/``math.`` canonical)
    normalize  fenced, code that never runs dropped, desugared, chained writes merged, in
               A-normal form
    final      what the backend compiles (for ``jit``, the normalised program)

Every stage is a :class:`~s2s.program.Program` whose source can be printed.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator

from .analysis.aliases import helper_returns
from .frontend.anf import to_anf
from .frontend.chained import merged_chains
from .frontend.desugar import desugar
from .frontend.fence import fence
from .frontend.prune import prune
from .frontend.resolve import resolve
from .program import Program, Unit

STAGES = ("parse", "normalize", "final")


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while passes run.

    Passes build and drop hundreds of thousands of small tree nodes, none of them cyclic
    garbage; the collections they would trigger cost a fifth of a long transformation.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse(fn: Callable) -> Program:
    """Stage ``parse``: the function and every helper it calls, names resolved."""
    return resolve(fn, check=fence)


def normalize(program: Program) -> Program:
    """Stage ``normalize``: dead branches dropped, method calls desugared, chained writes
    merged (``A[i][j] = v`` as ``A[i, j] = v``), A-normal form."""

    returns = helper_returns(
        {name: unit.tree for name, unit in program.units.items() if name != program.entry}
    )

    def one(unit: Unit):
        return to_anf(unit.parsed, merged_chains(desugar(prune(unit.tree))), returns)

    return program.map(one)


def frontend(fn: Callable, stage: str = "normalize") -> Program:
    """The program at ``stage`` ('parse' or 'normalize')."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; choose one of {', '.join(STAGES)}")
    program = parse(fn)
    return program if stage == "parse" else normalize(program)
