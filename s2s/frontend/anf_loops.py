"""A-normal form of loops: a ``for`` over anything but a range becomes a loop over a range.

``for x in a`` is ``for _i in range(len(a)): x = a[_i]``; ``enumerate`` and ``zip`` index
their sequences alike (up to the shortest), and ``np.ndindex`` and ``np.ndenumerate`` count
flat positions in C order. A loop's ``else`` runs behind a flag its own ``break`` sets, and a
``while`` loop's test is computed by statements of its own before each iteration.
"""

from __future__ import annotations

import gast

from ..errors import UnsupportedSyntaxError
from ..gastutil import assign, attr_path, call, clone, const, load, located, store, stored_names


class LoopForms:
    """The part of the A-normal form (``anf._ANF``) that lowers loops.

    Expects ``atom``, ``assign_to``, ``emit``, ``block``, ``nested``, ``stmt``, ``temp``,
    ``namer``, ``parsed`` and ``out`` on the instance.
    """

    def loop_else(self, node: gast.For | gast.While) -> None:
        """A loop's ``else``: run when no ``break`` of the loop's own ended it (a flag)."""
        loop = type(node)(**{**{f: getattr(node, f) for f in node._fields}, "orelse": []})
        located(loop, node)
        if not _contains_own(node.body, gast.Break):
            self.stmt(loop)
            self.out.extend(self.block(node.orelse))
            return
        broke = self.namer.numbered("_broke")
        self.emit(assign(store(broke), const(False)), node)
        loop.body = _flagging_breaks(node.body, broke)
        self.stmt(loop)
        self.emit(gast.If(load(broke), [gast.Pass()], self.block(node.orelse)), node)

    def stmt_For(self, node: gast.For) -> None:
        if node.orelse:
            self.loop_else(node)
            return
        iterable = node.iter
        func = attr_path(iterable.func) if isinstance(iterable, gast.Call) else None
        if func in ("range", "_s2s.prange"):
            if not isinstance(node.target, gast.Name):
                raise UnsupportedSyntaxError(
                    "unpacking a range in a `for` target is not supported",
                    self.parsed.location(node.target),
                )
            args = [self.atom(a) for a in iterable.args]
            self.emit(
                gast.For(store(node.target.id), call(func, *args), self.block(node.body), [], None),
                node,
            )
            return
        if func == "enumerate":
            targets = node.target.elts if isinstance(node.target, (gast.Tuple, gast.List)) else []
            inner = iterable.args[0] if iterable.args else None
            inner_func = attr_path(inner.func) if isinstance(inner, gast.Call) else None
            zipped = inner_func == "zip" and len(targets) == 2
            if zipped:  # `for i, (a, b) in enumerate(zip(x, y))`
                items = targets[1].elts if isinstance(targets[1], (gast.Tuple, gast.List)) else []
                zipped = len(items) == len(inner.args) > 0
            if (
                len(targets) != 2
                or not isinstance(targets[0], gast.Name)
                or inner_func == "enumerate"
                or inner_func == "zip"
                and not zipped
            ):
                raise UnsupportedSyntaxError(
                    "`for` over `enumerate` must unpack an index and an item of one sequence, "
                    "as in `for i, x in enumerate(a)`, or one item per zipped sequence, as in "
                    "`for i, (x, y) in enumerate(zip(a, b))`",
                    self.parsed.location(node.target),
                )
            index_name, item = targets
            sequences = [self.loop_operand(a, node) for a in inner.args] if zipped else []
            sequence = sequences[0] if zipped else self.loop_operand(inner, node)
            start = iterable.args[1] if len(iterable.args) > 1 else None
            for k in iterable.keywords:
                if k.arg == "start":
                    start = k.value
            start = None if start is None else self.loop_operand(start, node)
            self.indexed_loop(
                node,
                sequence,
                list(zip(item.elts, sequences)) if zipped else [(item, sequence)],
                index_name.id,
                extra_lengths=sequences[1:],
                start=start,
            )
            return
        if func == "zip":
            sequences = [self.loop_operand(a, node) for a in iterable.args]
            targets = node.target.elts if isinstance(node.target, gast.Tuple) else None
            if targets is None or len(targets) != len(sequences):
                raise UnsupportedSyntaxError(
                    "`for` over `zip` must unpack one name per sequence",
                    self.parsed.location(node.target),
                )
            self.indexed_loop(
                node, sequences[0], list(zip(targets, sequences)), None, extra_lengths=sequences[1:]
            )
            return
        if func in ("np.ndindex", "np.ndenumerate"):
            self.flat_loop(node, func, iterable)
            return
        sequence = self.loop_operand(iterable, node)
        self.indexed_loop(node, sequence, [(node.target, sequence)], None)

    def flat_loop(self, node: gast.For, func: str, iterable: gast.Call) -> None:
        """``for idx in np.ndindex(shape)`` and ``for idx, v in np.ndenumerate(a)`` as a loop
        over flat positions in C order, each turned into its index tuple (Numba's iterators
        have no length, so they cannot be indexed loops)."""
        if func == "np.ndindex":
            dims = [self.loop_operand(a, node) for a in iterable.args]
            shape = dims[0] if len(dims) == 1 else gast.Tuple(dims, gast.Load())
            index_target, array, value_target = node.target, None, None
        else:
            targets = node.target.elts if isinstance(node.target, (gast.Tuple, gast.List)) else []
            if len(iterable.args) != 1 or len(targets) != 2:
                raise UnsupportedSyntaxError(
                    "`for` over `np.ndenumerate` must unpack an index and an entry of one "
                    "array, as in `for i, v in np.ndenumerate(a)`",
                    self.parsed.location(node.target),
                )
            array = self.loop_operand(iterable.args[0], node)
            shape = gast.Attribute(array, "shape", gast.Load())
            index_target, value_target = targets
        if not isinstance(shape, gast.Name):
            shape_name = self.temp()
            self.emit(assign(store(shape_name), shape), node)
            shape = load(shape_name)
        count = self.temp()
        self.emit(assign(store(count), call("_s2s.shape_size", shape)), node)
        position = self.namer.numbered("_i")
        index = index_target.id if isinstance(index_target, gast.Name) else self.temp()
        head = [assign(store(index), call("_s2s.index_of", load(position), shape))]
        if index != getattr(index_target, "id", None):
            head.append(gast.Assign([index_target], load(index), None))
        if value_target is not None:
            value = gast.Subscript(array, load(index), gast.Load())
            head.append(gast.Assign([value_target], value, None))
        body = self.block([located(stmt, node) for stmt in head] + node.body)
        self.emit(gast.For(store(position), call("range", load(count)), body, [], None), node)

    def loop_operand(self, expr: gast.AST, loop: gast.For) -> gast.AST:
        """An atom for what a ``for`` iterates over, evaluated once before the loop: a name
        the loop rebinds is copied first, as Python iterates the object, not the name."""
        value = self.atom(expr)
        if isinstance(value, gast.Name) and value.id in stored_names(loop):
            fresh = self.temp()
            self.emit(assign(store(fresh), value), loop)
            value = located(load(fresh), expr)
        return value

    def indexed_loop(self, node, sequence, items, index_name, extra_lengths=(), start=None) -> None:
        """``for item in sequence`` as a loop over ``range(len(sequence))``.

        ``index_name`` (enumerate's index) counts from ``start`` when one is given.
        """
        length = self.temp()
        self.emit(assign(store(length), call("len", sequence)), node)
        for other in extra_lengths:
            other_length = self.temp()
            self.emit(assign(store(other_length), call("len", other)), node)
            self.emit(assign(store(length), call("min", load(length), load(other_length))), node)
        index = index_name if index_name and start is None else self.namer.numbered("_i")
        head = []
        if index_name and start is not None:
            offset = gast.BinOp(load(index), gast.Add(), start)
            head.append(located(assign(store(index_name), offset), node))
        unpacked = []  # items unpacked into several targets: normalised with the body
        for target, seq in items:
            item = gast.Subscript(seq, load(index), gast.Load())
            if isinstance(target, gast.Name):
                head.append(located(assign(store(target.id), item), node))
            else:
                unpacked.append(located(gast.Assign([target], item, None), target))
        body = head + self.block(unpacked + node.body)
        self.emit(gast.For(store(index), call("range", load(length)), body, [], None), node)

    def stmt_While(self, node: gast.While) -> None:
        if node.orelse:
            self.loop_else(node)
            return
        if isinstance(node.test, (gast.Name, gast.Constant)):
            self.emit(gast.While(node.test, self.block(node.body), []), node)
            return
        cond = self.temp()
        evaluate = self.nested(lambda: self.assign_to(store(cond), node.test))
        if _contains_own(node.body, gast.Continue):
            # `continue` would skip a re-evaluation at the end: test at the top instead.
            exit_test = self.temp()
            check = evaluate + [
                located(assign(store(exit_test), gast.UnaryOp(gast.Not(), load(cond))), node),
                located(gast.If(load(exit_test), [gast.Break()], []), node),
            ]
            self.emit(gast.While(const(True), check + self.block(node.body), []), node)
            return
        self.out.extend(evaluate)
        body = self.block(node.body) + clone(evaluate)
        self.emit(gast.While(load(cond), body, []), node)


def _contains_own(body: list[gast.stmt], kind: type) -> bool:
    """Whether ``body`` contains a ``break`` or ``continue`` (``kind``) of this loop."""
    for stmt in body:
        if isinstance(stmt, kind):
            return True
        if isinstance(stmt, gast.If) and (
            _contains_own(stmt.body, kind) or _contains_own(stmt.orelse, kind)
        ):
            return True
    return False


def _flagging_breaks(body: list[gast.stmt], flag: str) -> list[gast.stmt]:
    """``body`` (a new list) in which each ``break`` of this loop first sets ``flag``."""
    out = []
    for stmt in body:
        if isinstance(stmt, gast.Break):
            out += [located(assign(store(flag), const(True)), stmt), stmt]
        elif isinstance(stmt, gast.If):
            branches = _flagging_breaks(stmt.body, flag), _flagging_breaks(stmt.orelse, flag)
            out.append(located(gast.If(stmt.test, *branches), stmt))
        else:
            out.append(stmt)
    return out
