"""Where each name is defined, used and mutated; which statements sit inside loops."""

from __future__ import annotations

import dataclasses
from collections import Counter

import gast

from ..gastutil import walk


def targets_of(stmt: gast.stmt) -> list[str]:
    """Names a statement binds (not subscript stores)."""
    if isinstance(stmt, gast.Assign):
        target = stmt.targets[0]
        if isinstance(target, gast.Name):
            return [target.id]
        if isinstance(target, gast.Tuple):
            return [e.id for e in target.elts]
    if isinstance(stmt, gast.For):
        return [stmt.target.id]
    return []


def names_read(node: gast.AST) -> list[str]:
    return [n.id for n in walk(node) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)]


def statement_reads(stmt: gast.stmt) -> list[str]:
    """Names a statement reads itself (for compound statements: only their header)."""
    if isinstance(stmt, gast.If):
        return names_read(stmt.test)
    if isinstance(stmt, gast.While):
        return names_read(stmt.test)
    if isinstance(stmt, gast.For):
        return names_read(stmt.iter)
    if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
        target = stmt.targets[0]
        return names_read(target.value) + names_read(target.slice) + names_read(stmt.value)
    return names_read(stmt)


@dataclasses.dataclass
class Definitions:
    """Def and use counts, arrays written into, names assigned inside loops, single values."""

    defs: Counter
    uses: Counter
    mutated: set[str]
    in_loop_defs: set[str]
    params: list[str]
    single_values: dict[str, gast.AST]  # right-hand side of names assigned exactly once
    single_stmts: dict[str, gast.Assign]  # and the assignment itself

    def defined_once_outside_loops(self, name: str) -> bool:
        return self.defs[name] == 1 and name not in self.in_loop_defs and name not in self.mutated


def analyse(tree: gast.FunctionDef) -> Definitions:
    defs: Counter = Counter()
    uses: Counter = Counter()
    mutated: set[str] = set()
    in_loop: set[str] = set()
    params = [a.id for a in tree.args.args]
    for p in params:
        defs[p] += 1

    def visit(stmts: list[gast.stmt], depth: int) -> None:
        for stmt in stmts:
            for name in targets_of(stmt):
                defs[name] += 1
                if depth or isinstance(stmt, gast.For):
                    in_loop.add(name)
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
                base = stmt.targets[0].value
                if isinstance(base, gast.Name):
                    mutated.add(base.id)
            for name in statement_reads(stmt):
                uses[name] += 1
            if isinstance(stmt, gast.If):
                visit(stmt.body, depth)
                visit(stmt.orelse, depth)
            elif isinstance(stmt, (gast.For, gast.While)):
                visit(stmt.body, depth + 1)

    visit(tree.body, 0)
    if mutated:
        # A name that views an array written into (``t = y[2:]``, ``c = y``, then ``y[4] = s``)
        # holds changed memory too: its value must be kept for the reverse sweep like ``y``'s.
        from .aliases import views  # aliases reads names through .activity, which needs us

        mutated |= {name for name, roots in views(tree).items() if roots & mutated}
    values, stmts = {}, {}
    for node in walk(tree):
        if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name):
            if defs[node.targets[0].id] == 1:
                values[node.targets[0].id] = node.value
                stmts[node.targets[0].id] = node
    return Definitions(defs, uses, mutated, in_loop, params, values, stmts)


def changed_by(stmt: gast.stmt) -> set[str]:
    """Names a statement (with everything nested in it) rebinds or writes into."""
    changed = set()
    for node in walk(stmt):
        if isinstance(node, (gast.Assign, gast.For)):
            changed.update(targets_of(node))
            if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Subscript):
                base = node.targets[0].value
                if isinstance(base, gast.Name):
                    changed.add(base.id)
        if isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name):
            changed.add(node.target.id)
    return changed
