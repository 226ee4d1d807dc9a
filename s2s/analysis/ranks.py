"""Ranks: how many dimensions each value of a per-element function has, where the code shows it.

Given the ranks of the arguments (a GPU thread's element: a number, or a row of a batched
matrix), a walk of the normal form gives each name the rank of what it holds: a constant or a
loop counter is a number, ``x[i]`` drops an axis of ``x`` and ``x[:, 0]`` keeps one,
arithmetic and elementwise functions broadcast their operands, reductions give numbers, and a
call to a helper of the program is followed into the helper with the ranks of its arguments.
What the walk cannot tell (an attribute, a tuple, an unknown call) has no rank, and nothing
made from it has one either.

``array_operations`` lists the operations that make a new array: arithmetic or an elementwise
function with an operand of rank one or more. Each allocates, which a GPU thread cannot.
"""

from __future__ import annotations

import dataclasses

import gast

from ..gastutil import attr_path
from ..program import Program, Unit
from ..transforms.operations import OPERATORS
from .numbers import MATH, UFUNCS

# Functions of numbers applied to each element of an array argument (NumPy's, and what device
# code spells them as: ``math``'s and the builtins).
ELEMENTWISE = MATH | UFUNCS | {"where", "clip"}
# Calls that give a number from one argument of any rank (with no axis).
REDUCTIONS = frozenset(
    "np.sum np.prod np.max np.min np.mean np.amax np.amin np.argmax np.argmin np.any np.all "
    "len float int bool max min sum".split()
)


@dataclasses.dataclass(frozen=True)
class ArrayOperation:
    """An operation that makes a new array: its node, and the function it is in."""

    node: gast.AST
    unit: Unit
    what: str  # the construct, in words


def array_operations(program: Program, arg_ranks: list[int]) -> list[ArrayOperation]:
    """The operations of ``program`` that make arrays when its entry's arguments have the
    ranks ``arg_ranks``, in the order the code runs them (helpers where they are called)."""
    walker = _Ranks(program)
    walker.function(program.entry_unit, tuple(arg_ranks))
    return walker.found


class _Ranks:
    def __init__(self, program: Program):
        self.program = program
        self.found: list[ArrayOperation] = []
        self.returns: dict[tuple[str, tuple], int | None] = {}  # (helper, ranks) -> its rank

    def function(self, unit: Unit, arg_ranks: tuple) -> int | None:
        key = (unit.name, arg_ranks)
        if key in self.returns:
            return self.returns[key]
        self.returns[key] = None  # (recursion: unknown)
        params = [a.id for a in unit.tree.args.args]
        ranks = {p: r for p, r in zip(params, arg_ranks) if r is not None}
        returned: list[int | None] = []
        for _ in range(2):  # twice: a loop's body reads what its later statements assign
            returned.clear()
            self._block(unit.tree.body, ranks, returned, None)
        returned.clear()
        self._block(unit.tree.body, ranks, returned, unit)  # and once more, to report
        known = [r for r in returned if r is not None]
        result = max(known) if known and len(known) == len(returned) else None
        self.returns[key] = result
        return result

    def _block(self, stmts, ranks: dict, returned: list, report: Unit | None) -> None:
        for stmt in stmts:
            kind = type(stmt)
            if kind is gast.Assign:
                rank = self._rank(stmt.value, ranks, report)
                target = stmt.targets[0]
                if isinstance(target, gast.Name):
                    if rank is None:
                        ranks.pop(target.id, None)
                    else:
                        ranks[target.id] = max(rank, ranks.get(target.id, 0))
            elif kind is gast.AugAssign:
                self._rank(stmt.value, ranks, report)
            elif kind is gast.For:
                iterated = self._rank(stmt.iter, ranks, report)
                if isinstance(stmt.target, gast.Name):
                    counted = _is_range(stmt.iter)
                    if counted or (iterated is not None and iterated >= 1):
                        ranks[stmt.target.id] = 0 if counted else iterated - 1
                self._block(stmt.body, ranks, returned, report)
                self._block(stmt.orelse, ranks, returned, report)
            elif kind is gast.If or kind is gast.While:
                self._rank(stmt.test, ranks, report)
                self._block(stmt.body, ranks, returned, report)
                self._block(stmt.orelse, ranks, returned, report)
            elif kind is gast.Return:
                returned.append(None if stmt.value is None else self._rank(stmt.value, ranks, None))
            elif kind is gast.Expr:
                self._rank(stmt.value, ranks, report)

    def _rank(self, node: gast.AST, ranks: dict, report: Unit | None) -> int | None:
        """The rank of ``node``'s value (None: unknown); reports array operations in it."""
        kind = type(node)
        if kind is gast.Name:
            return ranks.get(node.id)
        if kind is gast.Constant:
            return 0
        if kind is gast.Subscript:
            return self._subscript(node, ranks, report)
        if kind is gast.BinOp:
            operands = [node.left, node.right]
            what = f"array arithmetic (`{OPERATORS.get(type(node.op), 'an operator')}` on arrays)"
        elif kind is gast.UnaryOp:
            operands = [node.operand]
            what = "array arithmetic (a sign or `not` on an array)"
        elif kind is gast.Compare:
            operands = [node.left, *node.comparators]
            what = "comparing arrays"
        elif kind is gast.Call:
            return self._call(node, ranks, report)
        else:
            return None
        return self._broadcast(node, operands, ranks, report, what)

    def _broadcast(self, node, operands, ranks, report, what) -> int | None:
        known = [self._rank(o, ranks, report) for o in operands]
        rank = max((r for r in known if r is not None), default=None)
        if rank is not None and rank >= 1:
            if report is not None:
                self.found.append(ArrayOperation(node, report, what))
            return rank
        return rank if None not in known else None

    def _call(self, node: gast.Call, ranks: dict, report: Unit | None) -> int | None:
        name = attr_path(node.func) or ""
        helper = self.program.units.get(name)
        if helper is not None:
            args = tuple(self._rank(a, ranks, report) for a in node.args)
            return self.function(helper, args)
        if len(node.args) == 1 and not node.keywords and name in REDUCTIONS:
            self._rank(node.args[0], ranks, report)
            return 0
        short = name.rsplit(".", 1)[-1]
        pairwise = name in ("max", "min") and len(node.args) > 1  # (np.maximum on the GPU)
        if pairwise or short in ELEMENTWISE and name.split(".")[0] in ("np", "math", "_s2s", short):
            return self._broadcast(node, node.args, ranks, report, f"`{short}` of an array")
        for arg in node.args:
            self._rank(arg, ranks, report)
        return None

    def _subscript(self, node: gast.Subscript, ranks: dict, report) -> int | None:
        rank = self._rank(node.value, ranks, report)
        index = node.slice
        parts = index.elts if isinstance(index, gast.Tuple) else [index]
        taken = added = 0
        for part in parts:
            if isinstance(part, gast.Slice):
                continue
            if isinstance(part, gast.Constant) and part.value is None:
                added += 1
                continue
            if self._rank(part, ranks, report) != 0:
                return None  # an array of indices, or an index the walk cannot tell
            taken += 1
        if rank is None or taken > rank:
            return None
        return rank - taken + added


def _is_range(node: gast.AST) -> bool:
    return isinstance(node, gast.Call) and attr_path(node.func) in (
        "range",
        "prange",
        "_s2s.prange",
    )
