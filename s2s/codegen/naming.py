"""Deterministic fresh names: the same input always gets the same names."""

from __future__ import annotations

import gast

from ..gastutil import name_nodes


def names_in(tree: gast.AST) -> set[str]:
    """Every identifier that appears in ``tree``."""
    return {node.id for node in name_nodes(tree)}


class Namer:
    """Hands out names that collide neither with each other nor with ``taken``."""

    def __init__(self, taken: set[str]):
        self.taken = set(taken)
        self.counters: dict[str, int] = {}

    def fresh(self, base: str) -> str:
        """``base`` itself if free, else ``base_1``, ``base_2``, ..."""
        if base not in self.taken:
            self.taken.add(base)
            return base
        return self.numbered(base)

    def numbered(self, base: str) -> str:
        """Always a numbered name: ``_t1``, ``_t2``, ..."""
        k = self.counters.get(base, 0)
        while True:
            k += 1
            name = f"{base}{k}" if base.startswith("_") else f"{base}_{k}"
            if name not in self.taken:
                self.counters[base] = k
                self.taken.add(name)
                return name
