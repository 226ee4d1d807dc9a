"""Where statements sit in structured code: which may run before which, and what runs before
a statement in each block around it.

Structured code (no ``goto``) has only two ways for one node to run before another: it is
above it in the source, or both are in a loop, and an earlier iteration ran it.
"""

from __future__ import annotations

from collections.abc import Iterator

import gast

from ..gastutil import walk, walked_fields

_LOOPS = frozenset((gast.For, gast.While))
_BLOCKS = ("body", "orelse")


class Order:
    """Source positions, enclosing loops and enclosing blocks of every node of ``tree`` that
    ``walk`` meets (operators are not asked about)."""

    def __init__(self, tree: gast.FunctionDef):
        self.tree = tree
        self.position: dict[int, int] = {}
        self.loops: dict[int, frozenset[int]] = {}
        position, loops_of = self.position, self.loops
        stack = [(tree, frozenset())]
        pop, push = stack.pop, stack.append
        while stack:  # pre-order, as `walk`: a node's number is its place in the source
            node, loops = pop()
            key = id(node)
            position[key] = len(position)
            loops_of[key] = loops
            kind = type(node)
            if kind in _LOOPS:
                loops = loops | {key}
            for field in reversed(walked_fields(kind)):
                value = getattr(node, field, None)
                if type(value) is list:
                    for item in reversed(value):
                        if isinstance(item, gast.AST):
                            push((item, loops))
                elif isinstance(value, gast.AST):
                    push((value, loops))
        self._place: dict[int, tuple[list[gast.stmt], int]] | None = None
        self._owner: dict[int, gast.stmt] = {}

    def may_precede(self, node: gast.AST, other: gast.AST) -> bool:
        """Whether ``node`` may run before ``other``."""
        if self.position[id(node)] < self.position[id(other)]:
            return True
        return bool(self.loops[id(node)] & self.loops[id(other)])

    def place(self, node: gast.AST) -> tuple[list[gast.stmt], int]:
        """The block holding ``node``'s innermost statement, and that statement's index."""
        if self._place is None:
            self._place = {}
            blocks = [self.tree.body]
            while blocks:  # outer blocks first; nested blocks place their own nodes again
                block = blocks.pop()
                for k, stmt in enumerate(block):
                    for inner in walk(stmt):
                        self._place[id(inner)] = (block, k)
                    for field in _BLOCKS:
                        if isinstance(getattr(stmt, field, None), list):
                            self._owner[id(getattr(stmt, field))] = stmt
                            blocks.append(getattr(stmt, field))
        return self._place[id(node)]

    def runs_before(self, node: gast.AST) -> Iterator[gast.stmt]:
        """The statements that run before ``node`` whenever it runs: those above its
        statement in each block around it, innermost block first."""
        block, k = self.place(node)
        while True:
            yield from block[:k]
            owner = self._owner.get(id(block))
            if owner is None:
                return
            block, k = self.place(owner)
