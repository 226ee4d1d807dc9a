"""A-normal form: every operation gets its own statement, on atoms.

After this pass a function body holds only these statements, each operand an *atom* (a name,
a constant, a ``np.``/``math.`` constant, or a tuple/list of atoms):

    x = atom | atom op atom | op atom | atom cmp atom | f(atoms) | atom[index] | atom.attr
    x = (atoms)                a, b = f(atoms)          a[index] = atom
    if atom: ...               for i in range(atoms): ...     while atom: ...
    return atom                break / continue / pass   f(atoms)  (a call for its effect)

Augmented assignment, chained comparisons, ``and``/``or``, ternaries, and tuple packing and
unpacking (nested too, its length checked: ``unpacking.py``) are lowered here; ``for`` over
arrays, ``enumerate`` and ``zip``, and a loop's ``else`` in ``anf_loops.py``. Evaluation
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
    clone,
    const,
    load,
    located,
    store,
    stored_names,
    substituted,
    walk,
)
from .anf_loops import LoopForms
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


class _ANF(LoopForms):
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
            for bound in sorted(stored_names(generator.target)):
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
        method(node)
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
            bound = stored_names(target)
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


def to_anf(
    parsed: ParsedFunction, tree: gast.FunctionDef, returns: Returns | None = None
) -> gast.FunctionDef:
    """The function in A-normal form (see the module docstring); ``returns``: what the
    helpers it calls may hand back of their arguments (``aliases.helper_returns``)."""
    normaliser = _ANF(parsed, tree, returns)
    body = normaliser.block(tree.body)
    return located(gast.FunctionDef(tree.name, tree.args, body, [], None, None, []), tree)
