"""Turn a program into something callable: generated module, then Python or Numba."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path

from .backends import cpu
from .codegen.loader import load_module, source_map, write_module
from .codegen.printer import module_source
from .errors import SourceLocation
from .pipeline import collection_paused
from .program import Program


@dataclasses.dataclass
class Generated:
    """A program printed to its module file, ready to run as Python or compile."""

    program: Program
    source: str
    path: Path

    @functools.cached_property
    def lines(self) -> dict[int, SourceLocation]:
        """Generated line -> user's location."""
        return source_map(self.program, self.source, str(self.path))

    @functools.cached_property
    def py_func(self) -> Callable:
        """The entry as plain Python (helpers too stay Python)."""
        module = load_module(self.path, self.program.bindings, "py")
        return getattr(module, self.program.entry)

    def load(self, variant: str):
        """A fresh module object of the generated source (``variant`` names the copy)."""
        return load_module(self.path, self.program.bindings, variant)

    def compile(self, *, parallel=False, fastmath=False, cache=True) -> Callable:
        """The entry as a Numba dispatcher (helpers compiled too)."""
        variant = f"nb{int(parallel)}{int(fastmath)}{int(cache)}"
        module = load_module(self.path, self.program.bindings, variant)
        if "__s2s_entry__" not in module.__dict__:
            module.__s2s_entry__ = cpu.compile_module(
                module, self.program, parallel=parallel, fastmath=fastmath, cache=cache
            )
        return module.__s2s_entry__


def generate(program: Program, stem: str | None = None) -> Generated:
    """Print ``program`` as a module file."""
    with collection_paused():
        source = module_source(program)
    path = write_module(source, program.bindings, stem or program.entry)
    return Generated(program, source, path)
