"""A program: the entry function and the helpers it calls, as trees in one namespace."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import gast

from .frontend.source import ParsedFunction


@dataclasses.dataclass
class Unit:
    """One function of a program: where it came from and its current tree."""

    parsed: ParsedFunction
    tree: gast.FunctionDef

    @property
    def name(self) -> str:
        return self.tree.name


@dataclasses.dataclass
class Program:
    """Functions that are generated into one module, plus the values their free names denote."""

    entry: str
    units: dict[str, Unit]
    bindings: dict[str, Any]
    # helper name -> (fwd, bwd) helper names, for functions decorated with s2s.custom_vjp
    custom_vjps: dict[str, tuple[str, str]] = dataclasses.field(default_factory=dict)

    def __iter__(self) -> Iterator[Unit]:
        return iter(self.units.values())

    @property
    def entry_unit(self) -> Unit:
        return self.units[self.entry]

    def default_values(self) -> list[Any]:
        """The values of the entry's parameter defaults, last parameters' last: constants, or
        values bound by name; ``UNKNOWN_DEFAULT`` for any other expression."""
        values = []
        for node in self.entry_unit.tree.args.defaults:
            if isinstance(node, gast.Constant):
                values.append(node.value)
            elif isinstance(node, gast.Name) and node.id in self.bindings:
                values.append(self.bindings[node.id])
            else:
                values.append(UNKNOWN_DEFAULT)
        return values

    def map(self, transform: Callable[[Unit], gast.FunctionDef]) -> Program:
        """A new program with ``transform`` applied to every function's tree."""
        units = {}
        for unit in self:
            tree = transform(unit)
            units[tree.name] = Unit(unit.parsed, tree)
        entry_tree = transform_name(self, units)
        return Program(entry_tree, units, dict(self.bindings), dict(self.custom_vjps))


UNKNOWN_DEFAULT = object()  # a default that is neither a constant nor a value bound by name


def transform_name(old: Program, units: dict[str, Unit]) -> str:
    """The entry's name after a map (transforms keep the order of units)."""
    index = list(old.units).index(old.entry)
    return list(units)[index]
