"""Tapes of counted length where the iterations of a nest have no fixed place.

A value kept inside a nest of ``for`` loops over ranges that is not rectangular (a triangular
``for k in range(j)`` inside ``for j in range(n)``, or a loop after other statements of its
parent's body) has no place computed from the loops' counters. It went on a list
(``append``, ``pop``), which costs Numba about four times an array's store and load: lists
were two thirds of a Cholesky factorisation's gradient. It goes on an array instead, at a
running place, in the list's order::

    _s2s.tape_put(_tape3, _p3, _t9)         _p3 = _p3 - 1
    _p3 = _p3 + 1                           _v11 = _tape3[_p3]

The array's length is counted before the nest by a copy of its loops' headers, with the
temporaries their bounds read (the *count*), which costs a loop fewer than the nest; for
``for j in range(n): for i in range(j + 1, n): for k in range(j):``::

    _m1 = 0
    for _c1 in range(n):
        _c2 = _c1 + 1
        for _c3 in range(_c2, n):
            _m1 = _m1 + len(range(_c1))

So the bounds must be computable there: from the indices of the loops around them (which
their bodies never assign), names the nest never binds, and temporaries defined in a body of
the nest, before the loop inside it, from those by pure expressions that read no memory the
nest writes into. Each loop sits directly in its parent's body, not in a branch, where its
bounds might not be computable; and the nest starts at the function's top level, so that
its tapes are allocated once (an outer loop would need them kept from one iteration to the
next). A value in a branch takes a place only when the branch runs: the count is an upper
bound. Anything else keeps its list.
"""

from __future__ import annotations

import gast

from ..gastutil import assign, call, const, load, store, substituted
from .reverse_tapes import _shape_read, pure
from .reverse_values import Site


class RunningTapes:
    """The part of :class:`~s2s.transforms.reverse.ReverseMode` that keeps values on tapes
    at a running place.

    Expects ``defs``, ``namer``, ``loops``, ``trip_counts``, ``bound_names``, ``loop_facts``,
    ``type_proxy``, ``place_in_block`` and ``operand_names`` on the instance;
    ``running_setup`` is called with each top-level loop when it is built.
    """

    def running_nest(self) -> tuple[list[dict], dict[int, dict[int, gast.stmt]]] | None:
        """The loops around this statement and, by level, the temporaries their bounds read,
        if the nest can count its iterations before it starts (see the module docstring)."""
        nest = self.loops
        if not nest or None in nest:
            return None
        if not all(loop["in_body"] for loop in nest[1:]) or not all(
            loop["kept"] for loop in nest[:-1]
        ):
            return None
        known = nest[0].setdefault("counted", {})
        key = tuple(id(loop["stmt"]) for loop in nest)
        if key not in known:
            known[key] = self._bound_definitions(nest)
        found = known[key]
        return None if found is None else (list(nest), found)

    def _bound_definitions(self, nest: list[dict]) -> dict[int, dict[int, gast.stmt]] | None:
        top = nest[0]
        bound = self.bound_names(top)
        written = self.loop_facts(top)["written"]
        indices = [loop["stmt"].target.id for loop in nest]
        found: dict[int, dict[int, gast.stmt]] = {}

        def computable(name: str, level: int, depth: int) -> bool:
            """Whether ``name``, read in the body of ``nest[level]`` before the loop inside
            it, can be computed by the count."""
            if name in indices[: level + 1]:
                return True
            if name not in bound:
                return name not in written
            definition = self.defs.single_stmts.get(name)
            if definition is None or depth > 8:
                return False
            for j in range(level, -1, -1):
                body = nest[j]["body"]
                end = self.place_in_block(body, nest[j + 1]["stmt"], len(body))
                if end is None or self.place_in_block(body, definition, end) is None:
                    continue
                shaped = _shape_read(definition.value)
                if shaped is not None:
                    ok = shaped not in bound
                else:
                    ok = pure(definition.value) and all(
                        computable(operand, j, depth + 1)
                        for operand in self.operand_names(definition.value)
                    )
                if ok:
                    found.setdefault(j, {})[id(definition)] = definition
                return ok
            return False

        for level in range(1, len(nest)):
            for atom in nest[level]["stmt"].iter.args:
                if isinstance(atom, gast.Name) and not computable(atom.id, level - 1, 0):
                    return None
                if not isinstance(atom, (gast.Name, gast.Constant)):
                    return None
        return found

    def taped_running(
        self,
        name: str,
        value: gast.AST,
        saved: str,
        where: list,
        site: Site,
        counted: tuple[list[dict], dict[int, dict[int, gast.stmt]]],
    ) -> gast.AST:
        """Keep ``value`` (``name``'s) on a tape at a running place (see the module
        docstring); the reverse sweep reads it as ``saved``."""
        nest, definitions = counted
        entries = nest[0].setdefault("running", {})
        key = tuple(id(loop["stmt"]) for loop in nest)
        entry = entries.get(key)
        if entry is None:
            # (In a branch of the top loop's body, the count is that loop's trip count.)
            count = nest[0]["trips"] if len(nest) == 1 else self.namer.numbered("_m")
            entry = entries[key] = {
                "count": count,
                "nest": nest,
                "definitions": definitions,
                "tapes": [],
            }
        tape, place = self.namer.numbered("_tape"), self.namer.numbered("_p")
        # Allocated before the nest like the value (a trip count is an integer, an element
        # read is `_s2s.element_like(L, (0, 0))`), else at its first place.
        like = const(0) if name in self.trip_counts else self.type_proxy(name, nest[0])
        made_like = like if like is not None else load(name)
        allocated = assign(tape, call("_s2s.tape_alloc", made_like, load(entry["count"])))
        entry["tapes"].append((place, allocated if like is not None else None))
        if like is None:
            first = gast.Compare(load(place), [gast.Eq()], [const(0)])
            where.append(gast.If(first, [allocated], []))
        where.append(gast.Expr(call("_s2s.tape_put", load(tape), load(place), value)))
        where.append(assign(place, gast.BinOp(load(place), gast.Add(), const(1))))
        read = gast.Subscript(load(tape), load(place), gast.Load())
        site.restore.append(assign(saved, read))  # (restores run last to first)
        site.restore.append(assign(place, gast.BinOp(load(place), gast.Sub(), const(1))))
        return load(saved)

    def running_setup(self, top: dict) -> list[gast.stmt]:
        """What goes before ``top``, a top-level loop whose nest keeps values at running
        places: each count, then the tapes allocated and their places set to 0. The count's
        indices and temporaries have names of their own (``_c1``): it sets none of the
        function's variables, which an early exit from the nest could leave as it set them."""
        entries = top.get("running")
        if not entries:
            return []
        names = [
            name
            for entry in entries.values()
            for name in [loop["stmt"].target.id for loop in entry["nest"][:-1]]
            + [d.targets[0].id for found in entry["definitions"].values() for d in found.values()]
        ]
        renamed = {name: self.namer.numbered("_c") for name in dict.fromkeys(names)}

        def copy(node: gast.AST) -> gast.AST:
            return substituted(
                node,
                lambda n: (
                    (load if isinstance(n.ctx, gast.Load) else store)(renamed[n.id])
                    if n.id in renamed
                    else None
                ),
            )

        root = _CountLoop(None)
        counts, tapes = [], []
        for entry in entries.values():
            count, nest = entry["count"], entry["nest"]
            if len(nest) > 1:
                counts.append(assign(count, const(0)))
                node = root
                for level, loop in enumerate(nest[:-1]):
                    node = node.inner(loop)
                    node.definitions.update(entry["definitions"].get(level, {}))
                trips = call("len", call("range", *map(copy, nest[-1]["stmt"].iter.args)))
                node.counts.append(assign(count, gast.BinOp(load(count), gast.Add(), trips)))
            for place, allocated in entry["tapes"]:
                tapes += ([allocated] if allocated is not None else []) + [assign(place, const(0))]
        return counts + root.statements(self.place_in_block, copy) + tapes


class _CountLoop:
    """A loop of the count: a copy of a nest loop's header, the temporaries its inner
    bounds read, the counts it adds to and the count loops inside it."""

    def __init__(self, loop: dict | None):
        self.loop = loop
        self.definitions: dict[int, gast.stmt] = {}
        self.counts: list[gast.stmt] = []
        self.inside: dict[int, _CountLoop] = {}

    def inner(self, loop: dict) -> _CountLoop:
        node = self.inside.get(id(loop["stmt"]))
        if node is None:
            node = self.inside[id(loop["stmt"])] = _CountLoop(loop)
        return node

    def statements(self, place_in_block, copy) -> list[gast.stmt]:
        """The count loop, its copies of names renamed by ``copy``."""
        body = []
        if self.loop is not None:
            stmts = self.loop["body"]
            order = sorted(
                self.definitions.values(),
                key=lambda s: place_in_block(stmts, s, len(stmts)),
            )
            body = [copy(s) for s in order]
        body += self.counts
        for node in self.inside.values():
            body += node.statements(place_in_block, copy)
        if self.loop is None:
            return body
        header = self.loop["stmt"]
        iterator = call("range", *map(copy, header.iter.args))
        return [gast.For(copy(header.target), iterator, body, [], None)]
