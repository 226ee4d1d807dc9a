"""A-normal form: every operation gets its own statement, on atoms.

After this pass a function body holds only these statements, each operand an *atom* (a name,
a constant, a ``np.``/``math.`` constant, or a tuple/list of atoms):

    x = atom | atom op atom | op atom | atom cmp atom | f(atoms) | atom[index] | atom.attr
    x = (atoms)                a, b = f(atoms)          a[index] = atom
    if atom: ...               for i in range(atoms): ...     while atom: ...
    return atom                break / continue / pass   f(atoms)  (a call for its effect)

Augmented assignment, chained comparisons, ``and``/``or``, ternaries, tuple packing and
unpacking (nested too), ``for`` over arrays, ``enumerate`` and ``zip``, and a loop's ``else``
are all lowered here. Evaluation
order and short-circuiting are those of Python.
"""

from __future__ import annotations

import functools

import gast

from ..analysis.aliases import Returns, SharingAt
from ..codegen.naming import Namer, names_in
from ..errors import UnsupportedSyntaxError
from ..gastutil import (
    assign,
    attr_path,
    call,
    clone,
    const,
    load,
    located,
    store,
    substituted,
    walk,
)
from .source import ParsedFunction
from .unpacking import length_check, length_mismatch, mismatch_words, paired, tuple_names

_MODULE_ROOTS = ("np", "math", "_s2s")
_LIST = "_list"  # the names of the lists that comprehensions build


def is_atom(node: gast.AST) -> bool:
    if isinstance(node, (gast.Name, gast.Constant)):
        return True
    path = attr_path(node)
    if path is not None and path.split(".")[0] in _MODULE_ROOTS:
        return True
    if isinstance(node, (gast.Tuple, gast.List)):
        return all(is_atom(e) for e in node.elts)
    return False


class _ANF:
    def __init__(self, parsed: ParsedFunction, tree: gast.FunctionDef, returns: Returns | None):
        self.parsed = parsed
        self.returns = returns
        self.namer = Namer(names_in(tree) | {"np", "math", "_s2s"})
        self.out: list[gast.stmt] = []
        self.tree = tree
        # The statement being normalised: where what it emits is, when the expression it comes
        # from has no position of its own (in code a transformation generated).
        self.current: gast.stmt = tree

    @functools.cached_property
    def parameters(self) -> set[str]:
        args = self.tree.args
        return {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}

    @functools.cached_property
    def tuple_lengths(self) -> dict[str, int]:
        """The names bound only to tuple displays of one length (``unpacking.tuple_names``)."""
        return tuple_names(self.tree)

    @functools.cached_property
    def sharing(self) -> SharingAt:
        """Names whose arrays other names may see (asked for by ``x op= y`` only)."""
        return SharingAt(self.tree, self.returns)

    # -- expressions -------------------------------------------------------------------------
    def temp(self) -> str:
        return self.namer.numbered("_t")

    def atom(self, node: gast.AST) -> gast.AST:
        """An atom holding ``node``'s value, emitting what computes it. An f-string stays as
        it is (a message: it carries no derivative, and Numba formats it)."""
        if (
            isinstance(node, (gast.Name, gast.Constant, gast.JoinedStr))
            or is_atom(node)
            and not isinstance(node, (gast.Tuple, gast.List))
        ):
            return node
        name = self.namer.numbered(_LIST) if isinstance(node, gast.ListComp) else self.temp()
        self.assign_to(store(name), node)
        return located(load(name), node)

    def operand(self, node: gast.AST) -> gast.AST:
        """An atom, where tuple and list literals of atoms stay literal (call args, shapes)."""
        if isinstance(node, (gast.Tuple, gast.List)):
            return type(node)([self.operand(e) for e in node.elts], gast.Load())
        return self.atom(node)

    def index(self, node: gast.AST) -> gast.AST:
        if isinstance(node, gast.Slice):
            parts = [
                None if p is None else self.atom(p) for p in (node.lower, node.upper, node.step)
            ]
            return gast.Slice(*parts)
        if isinstance(node, gast.Tuple):
            return gast.Tuple([self.index(e) for e in node.elts], gast.Load())
        return self.atom(node)

    def emit(self, stmt: gast.stmt, like: gast.AST) -> None:
        if getattr(like, "lineno", None) is None:
            like = self.current
        self.out.append(located(stmt, like))

    def assign_to(self, target: gast.AST, node: gast.AST) -> None:
        """Emit statements that leave ``node``'s value in the name ``target``."""
        name = target.id
        if isinstance(node, gast.BinOp):
            left, right = self.atom(node.left), self.atom(node.right)
            value = gast.BinOp(left, node.op, right)
        elif isinstance(node, gast.UnaryOp):
            value = gast.UnaryOp(node.op, self.atom(node.operand))
        elif isinstance(node, gast.BoolOp):
            self.bool_op(name, node)
            return
        elif isinstance(node, gast.Compare):
            self.compare(name, node)
            return
        elif isinstance(node, gast.IfExp):
            test = self.atom(node.test)
            self.emit(
                gast.If(
                    test,
                    self.nested(lambda: self.assign_to(store(name), node.body)),
                    self.nested(lambda: self.assign_to(store(name), node.orelse)),
                ),
                node,
            )
            return
        elif isinstance(node, gast.Call):
            value = self.call(node)
        elif isinstance(node, gast.Subscript):
            value = gast.Subscript(self.atom(node.value), self.index(node.slice), gast.Load())
        elif isinstance(node, gast.Attribute) and not is_atom(node):
            value = gast.Attribute(self.atom(node.value), node.attr, gast.Load())
        elif isinstance(node, (gast.Tuple, gast.List)):
            value = type(node)([self.atom(e) for e in node.elts], gast.Load())
        elif isinstance(node, gast.ListComp):
            self.list_comprehension(name, node)
            return
        elif is_atom(node) or isinstance(node, gast.JoinedStr):
            value = node
        else:
            raise UnsupportedSyntaxError(
                f"{type(node).__name__} expressions are not supported by s2s",
                self.parsed.location(node),
            )
        self.emit(assign(store(name), value), node)

    def list_comprehension(self, name: str, node: gast.ListComp) -> None:
        """``[e for v in s if c]`` as the loop Numba runs for it: ``name = []``, then
        ``for v in s: if c: name.append(e)`` (into a new list, then bound to ``name``, where
        the comprehension reads ``name``). The comprehension's variables, its own in Python,
        get new names, so that the loop leaves the function's alone."""
        renamed = {}
        for generator in node.generators:
            for bound in sorted(_stored_names(generator.target)):
                renamed[bound] = self.namer.fresh(bound)

        def own(expr: gast.AST) -> gast.AST:
            return _renamed(expr, renamed)

        reads_name = any(n.id == name for n in walk(node) if isinstance(n, gast.Name))
        built = self.namer.numbered(_LIST) if reads_name else name
        append = gast.Attribute(load(built), "append", gast.Load())
        inner: list[gast.stmt] = [located(gast.Expr(gast.Call(append, [own(node.elt)], [])), node)]
        for k, generator in reversed(list(enumerate(node.generators))):
            for condition in reversed(generator.ifs):
                inner = [located(gast.If(own(condition), inner, []), condition)]
            iterable = own(generator.iter) if k else generator.iter  # the first: outside
            loop = gast.For(own(generator.target), iterable, inner, [], None)
            inner = [located(loop, generator.target)]
        self.emit(assign(store(built), gast.List([], gast.Load())), node)
        self.stmt(located(inner[0], node))
        if built != name:
            self.emit(assign(store(name), load(built)), node)

    def call(self, node: gast.Call) -> gast.Call:
        func = node.func
        method = isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name)
        if not (is_atom(func) or method):  # `lst.append(v)` stays a method call
            func = self.atom(func)
        args = [self.operand(a) for a in node.args]
        keywords = [gast.keyword(k.arg, self.operand(k.value)) for k in node.keywords]
        return gast.Call(func, args, keywords)

    def bool_op(self, name: str, node: gast.BoolOp) -> None:
        first, rest = node.values[0], node.values[1:]
        self.assign_to(store(name), first)
        if not rest:
            return
        remainder = rest[0] if len(rest) == 1 else gast.BoolOp(node.op, rest)
        located(remainder, node)
        evaluate = self.nested(lambda: self.assign_to(store(name), remainder))
        if isinstance(node.op, gast.And):
            self.emit(gast.If(load(name), evaluate, []), node)
        else:
            self.emit(gast.If(load(name), [gast.Pass()], evaluate), node)

    def compare(self, name: str, node: gast.Compare) -> None:
        left = self.atom(node.left)
        right = self.atom(node.comparators[0])
        self.emit(assign(store(name), gast.Compare(left, [node.ops[0]], [right])), node)
        if len(node.ops) > 1:
            rest = gast.Compare(right, node.ops[1:], node.comparators[1:])
            located(rest, node)
            evaluate = self.nested(lambda: self.compare(name, rest))
            self.emit(gast.If(load(name), evaluate, []), node)

    def nested(self, emit_fn) -> list[gast.stmt]:
        """Run ``emit_fn`` collecting its statements into a separate block."""
        saved, self.out = self.out, []
        emit_fn()
        block, self.out = self.out, saved
        return block or [gast.Pass()]

    # -- statements --------------------------------------------------------------------------
    def block(self, stmts: list[gast.stmt]) -> list[gast.stmt]:
        return self.nested(lambda: [self.stmt(s) for s in stmts])

    def stmt(self, node: gast.stmt) -> None:
        method = getattr(self, "stmt_" + type(node).__name__, None)
        if method is None:
            raise UnsupportedSyntaxError(
                f"`{type(node).__name__}` statements are not supported by s2s",
                self.parsed.location(node),
            )
        outer = self.current
        if getattr(node, "lineno", None) is not None:
            self.current = node
        try:
            method(node)
        finally:
            self.current = outer

    def stmt_Assign(self, node: gast.Assign) -> None:
        if len(node.targets) > 1:
            value = self.atom(node.value)
            for target in node.targets:
                self.assign_target(target, value, node)
            return
        self.assign_target(node.targets[0], node.value, node)

    def stmt_AnnAssign(self, node: gast.AnnAssign) -> None:
        if node.value is not None:
            self.assign_target(node.target, node.value, node)

    def assign_target(self, target: gast.AST, value: gast.AST, node: gast.AST) -> None:
        if isinstance(target, gast.Name):
            self.assign_to(store(target.id), value)
        elif isinstance(target, gast.Subscript):
            rhs = self.atom(value)
            base = self.atom(target.value)
            index = self.index(target.slice)
            self.emit(assign(gast.Subscript(base, index, gast.Store()), rhs), node)
        elif isinstance(target, (gast.Tuple, gast.List)):
            self.unpack(target, value, node)
        else:
            raise UnsupportedSyntaxError(
                "this assignment target is not supported by s2s", self.parsed.location(target)
            )

    def unpack(self, target: gast.Tuple, value: gast.AST, node: gast.AST) -> None:
        mismatch = length_mismatch(target, value, self.tuple_lengths)
        if mismatch is not None:  # (Numba refuses it when it compiles; Python when it runs)
            raise UnsupportedSyntaxError(mismatch_words(*mismatch), self.parsed.location(node))
        pairs = paired(target, value)
        if pairs is not None:
            # Evaluate the whole right-hand side before binding: `a, b = b, a` swaps. Then
            # bind left to right, as Python does (`i, x[i] = ...` writes at the new `i`).
            bound = _stored_names(target)
            parts = []
            for _, elt in pairs:
                part = self.atom(elt)
                if isinstance(part, gast.Name) and part.id in bound:
                    fresh = self.temp()
                    self.emit(assign(store(fresh), part), node)
                    part = load(fresh)
                parts.append(part)
            for (elt, _), part in zip(pairs, parts):
                if isinstance(elt, gast.Name):
                    self.emit(assign(store(elt.id), part), node)
                else:
                    self.assign_target(elt, part, node)
            return
        if not all(isinstance(e, gast.Name) for e in target.elts):
            # `(a, b), c = f(x)`, `x[i], y = v`: each part to a new name, then each name to
            # its target, left to right.
            parts = [self.temp() for _ in target.elts]
            self.unpack(gast.Tuple([store(p) for p in parts], gast.Store()), value, node)
            for elt, part in zip(target.elts, parts):
                self.assign_target(elt, located(load(part), elt), node)
            return
        names = [e.id for e in target.elts]
        if isinstance(value, gast.Call):
            targets = gast.Tuple([store(n) for n in names], gast.Store())
            self.emit(assign(targets, self.call(value)), node)
        else:
            whole = self.atom(value)
            known = isinstance(value, gast.Name) and value.id in self.tuple_lengths
            if isinstance(whole, gast.Name) and not known:
                # (an array, a caller's tuple, a row, `x.shape`: the normal form indexes it,
                # so its length is checked first, as Python's unpacking does; `for a, b in m`
                # unpacks `m[k]`)
                self.emit(length_check(whole.id, len(names)), node)
            for k, name in enumerate(names):
                self.emit(assign(store(name), gast.Subscript(whole, const(k), gast.Load())), node)

    def stmt_AugAssign(self, node: gast.AugAssign) -> None:
        target = node.target
        rhs = self.atom(node.value)
        if isinstance(target, gast.Name):
            if target.id in self.parameters or target.id in self.sharing.names(node):
                # In place for an array: the caller's array, or another name's, sees it.
                self.emit(gast.AugAssign(store(target.id), node.op, rhs), node)
                return
            self.emit(assign(store(target.id), gast.BinOp(load(target.id), node.op, rhs)), node)
            return
        base, index = self.atom(target.value), self.index(target.slice)
        old, new = self.temp(), self.temp()
        self.emit(assign(store(old), gast.Subscript(base, index, gast.Load())), node)
        self.emit(assign(store(new), gast.BinOp(load(old), node.op, rhs)), node)
        self.emit(
            assign(gast.Subscript(clone(base), clone(index), gast.Store()), load(new)),
            node,
        )

    def stmt_Expr(self, node: gast.Expr) -> None:
        if isinstance(node.value, gast.Constant):
            return  # a stray string or number: no effect
        if isinstance(node.value, gast.Call):
            self.emit(gast.Expr(self.call(node.value)), node)
        else:
            self.atom(node.value)

    def stmt_If(self, node: gast.If) -> None:
        test = self.atom(node.test)
        self.emit(
            gast.If(test, self.block(node.body), self.block(node.orelse) if node.orelse else []),
            node,
        )

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
        if isinstance(value, gast.Name) and value.id in _stored_names(loop):
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

    def stmt_Return(self, node: gast.Return) -> None:
        value = None if node.value is None else self.operand(node.value)
        self.emit(gast.Return(value), node)

    def stmt_Assert(self, node: gast.Assert) -> None:
        self.emit(gast.Assert(self.atom(node.test), node.msg), node)

    def stmt_Raise(self, node: gast.Raise) -> None:
        self.emit(node, node)

    def stmt_Pass(self, node: gast.Pass) -> None:
        self.emit(node, node)

    stmt_Break = stmt_Continue = stmt_Pass


def _renamed(node: gast.AST, renamed: dict[str, str]) -> gast.AST:
    """A copy of ``node`` with the names in ``renamed`` renamed (loads and stores alike)."""

    def rename(name: gast.Name) -> gast.AST | None:
        if name.id not in renamed:
            return None
        return located(gast.Name(renamed[name.id], name.ctx, None, None), name)

    return substituted(node, rename)


def _stored_names(node: gast.AST) -> set[str]:
    return {n.id for n in walk(node) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}


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


def to_anf(
    parsed: ParsedFunction, tree: gast.FunctionDef, returns: Returns | None = None
) -> gast.FunctionDef:
    """The function in A-normal form (see the module docstring); ``returns``: what the
    helpers it calls may hand back of their arguments (``aliases.helper_returns``)."""
    normaliser = _ANF(parsed, tree, returns)
    body = normaliser.block(tree.body)
    return located(gast.FunctionDef(tree.name, tree.args, body, [], None, None, []), tree)
