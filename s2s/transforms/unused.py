"""Drop the statements whose effects only reach outputs the caller throws away.

A Jacobian's loop keeps one thing of each forward pass, the tangent: the forward-mode
derivative of a gradient still accumulates the gradient itself into ``bx`` and returns it,
a fifth of a Hessian's time. ``returning_only`` makes such a function return just the outputs
kept, and removes what no longer matters, on the normal form (one operation per statement):

- an assignment to names nothing live reads, of a value without effects;
- a write into an array whose contents nothing live reads (``_s2s.scatter_add(bx, i, g)``,
  ``bx[i] = g``), counting every name that may share its memory (``v = bx``, ``bx[1:]``,
  what a helper hands back);
- a loop or branch left with nothing in it.

A name whose value something live reads keeps every assignment to it (Numba types a variable
by all of them), and one read only for its shape or type (``_s2s.zeros_like(bx)``) keeps its
assignments but not the writes into its contents. Calls of the user's functions, anything not
known to be free of effects, and checks (``_s2s.grad_seed``: a Hessian's function must return
a scalar) always stay.
"""

from __future__ import annotations

import gast

from ..analysis.definitions import PURE_BUILTINS, numpy_ufunc, written_by_call
from ..gastutil import attr_path, children, rebuilt, target_names, walk
from ..rules.runtime_helpers import READ_ONLY

# Calls that read an argument only for its shape or type (argument position -> ...).
_SHAPE_ONLY = {
    "_s2s.zeros_like": (0,),
    "_s2s.cleared_like": (1,),
    "_s2s.tape_alloc": (0,),
    "_s2s.element_like": (0,),
    "_s2s.unbroadcast": (1,),
    "_s2s.cast_like": (1,),
    "_s2s.size": (0,),
    "_s2s.basis": (0,),
    "_s2s.jacobian_like": (0, 1),
    "_s2s.grad_seed": (0,),
    "_s2s.real_rows": (0,),
    "_s2s.real_columns": (0,),
    "_s2s.updated_alone": (0,),
    "_s2s.require_real": (0,),
    "_s2s.require_length": (0,),
    "np.zeros_like": (0,),
    "np.empty_like": (0,),
    "np.ones_like": (0,),
    "np.shape": (0,),
    "np.ndim": (0,),
    "len": (0,),
}
_SHAPE_ATTRIBUTES = frozenset({"shape", "ndim", "dtype", "size"})
_MODULES = frozenset({"np", "math", "_s2s"})
# Checks of what the user asked for, which stay whatever is dropped: the Hessian of a function
# with an array output must still say that it needs a scalar one.
_CHECKS = frozenset(
    {
        "_s2s.grad_seed",
        "_s2s.real_rows",
        "_s2s.real_columns",
        "_s2s.updated_alone",
        "_s2s.require_real",
        "_s2s.require_length",
    }
)


def returning_only(fn: gast.FunctionDef, keep: int) -> gast.FunctionDef | None:
    """``fn``, whose body ends in ``return a, b, ...``, returning only output ``keep``, with
    what only the other outputs needed removed; None for a function of another shape (a
    return elsewhere, or of something other than a tuple)."""
    last = fn.body[-1] if fn.body else None
    returns = [s for s, _ in _statements(fn.body) if isinstance(s, gast.Return)]
    if returns != [last] or not isinstance(last.value, gast.Tuple):
        return None
    if not 0 <= keep < len(last.value.elts):
        return None
    kept = gast.copy_location(gast.Return(last.value.elts[keep]), last)
    body = pruned(fn.body[:-1] + [kept])
    return rebuilt(fn, lambda field, value: body if field == "body" else value)


def pruned(body: list[gast.stmt]) -> list[gast.stmt]:
    """``body`` without the statements whose effects nothing live reads."""
    return _kept(body, _Facts(body).live())


class _Rule:
    """When a statement is live, and what it reads then: ``always``, or once a name of
    ``if_read`` is read or the contents of a class of ``if_contents`` are."""

    __slots__ = ("always", "if_read", "if_contents", "reads")

    def __init__(self, stmt: gast.stmt, find):
        self.reads: list[tuple[str, bool]] = []
        value, *others = _read_parts(stmt)
        written = _scanned(value, self.reads)
        for part in others:
            _scanned(part, self.reads)
        self.always, self.if_read, contents = _conditions(stmt, written)
        self.if_contents = {find(name) for name in contents}


class _Facts:
    """What the liveness needs: names that may share memory (classes), a rule for each
    statement, the statement around each, and which statements a name being read, or a
    class's contents, makes live."""

    def __init__(self, body: list[gast.stmt]):
        self.parent: dict[str, str] = {}
        self.statements = list(_statements(body))
        for stmt, _ in self.statements:
            if isinstance(stmt, gast.Assign):
                names = [n for t in stmt.targets for n in target_names(t)]
                shared = sorted(_may_return(stmt.value))
                for other in names[1:] + shared if names else []:
                    self.union(names[0], other)
            elif isinstance(stmt, gast.For):
                for name in target_names(stmt.target):
                    for other in sorted(_may_return(stmt.iter)):
                        self.union(name, other)
            elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
                # `tape.append(h)`: the list holds `h` itself, which a pop hands back
                func = stmt.value.func
                if _method_of_local(func):
                    for arg in stmt.value.args:
                        for other in sorted(_may_return(arg)):
                            self.union(func.value.id, other)
        self.rules = [_Rule(stmt, self.find) for stmt, _ in self.statements]
        # the statements (by position) that a name being read, or a class's contents, makes live
        self.if_read: dict[str, list[int]] = {}
        self.if_contents: dict[str, list[int]] = {}
        for k, rule in enumerate(self.rules):
            for name in rule.if_read:
                self.if_read.setdefault(name, []).append(k)
            for name in rule.if_contents:
                self.if_contents.setdefault(name, []).append(k)

    def find(self, name: str) -> str:
        while self.parent.get(name, name) != name:
            name = self.parent[name]
        return name

    def union(self, a: str, b: str) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self.parent[max(a, b)] = min(a, b)

    def live(self) -> set[int]:
        """The ids of the live statements: those always live, those that what the live
        statements read makes live (see ``_Rule``), and those around a live statement."""
        position = {id(stmt): k for k, (stmt, _) in enumerate(self.statements)}
        outer = [position.get(id(around)) for _, around in self.statements]
        classes = {name: self.find(name) for name in self.parent}  # (the others: their own)
        read: set[str] = set()  # names whose value (or shape) a live statement reads
        contents: set[str] = set()  # classes whose contents a live statement reads
        live: set[int] = set()
        work = [k for k, rule in enumerate(self.rules) if rule.always]
        while work:
            k = work.pop()
            if k in live:
                continue
            live.add(k)
            if outer[k] is not None:
                work.append(outer[k])
            for name, shape_only in self.rules[k].reads:
                if name not in read:
                    read.add(name)
                    work += self.if_read.get(name, ())
                if not shape_only:
                    found = classes.get(name, name)
                    if found not in contents:
                        contents.add(found)
                        work += self.if_contents.get(found, ())
        return {id(self.statements[k][0]) for k in live}


def _conditions(stmt: gast.stmt, written: set[str] | None) -> tuple[bool, set[str], set[str]]:
    """Whether ``stmt`` is always live; the names whose reading makes it live; the names
    whose contents being read makes it live (what it writes into). ``written``: what
    ``_scanned`` found of the value it evaluates (its first read part)."""
    if _is_compound(stmt):  # (or any statement inside it)
        loop_names = target_names(stmt.target) if isinstance(stmt, gast.For) else []
        return written is None, set(loop_names), set()
    if isinstance(stmt, gast.Assign):
        target = stmt.targets[0]
        if len(stmt.targets) != 1 or written is None:
            return True, set(), set()
        if isinstance(target, (gast.Name, gast.Tuple)):
            # (a write through the name reads it: `v = bx[1:]` stays if `v[0] = g` does)
            return False, set(target_names(target)), written
        return _written_base(target)
    if isinstance(stmt, gast.AugAssign):
        if written is None:
            return True, set(), set()
        if isinstance(stmt.target, gast.Name):
            return False, {stmt.target.id}, {stmt.target.id}
        return _written_base(stmt.target)
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
        if written is None:
            return True, set(), set()
        return False, set(), written
    return not isinstance(stmt, gast.Pass), set(), set()


def _written_base(target: gast.AST) -> tuple[bool, set[str], set[str]]:
    base = target
    while isinstance(base, (gast.Subscript, gast.Attribute)):
        base = base.value
    if not isinstance(base, gast.Name):
        return True, set(), set()
    return False, set(), {base.id}


_COMPOUND = frozenset({gast.If, gast.For, gast.While})


def _is_compound(stmt: gast.stmt) -> bool:
    return type(stmt) in _COMPOUND


def _kept(body: list[gast.stmt], live: set[int]) -> list[gast.stmt]:
    out = []
    for stmt in body:
        if id(stmt) not in live:
            continue
        if _is_compound(stmt):
            new = {f: _kept(getattr(stmt, f), live) for f in ("body", "orelse")}
            if not new["body"]:
                new["body"] = [gast.copy_location(gast.Pass(), stmt)]
            stmt = rebuilt(stmt, lambda field, value, new=new: new.get(field, value))
        out.append(stmt)
    return out


# -- what statements and expressions do --------------------------------------------------------
def _statements(body: list[gast.stmt], around: gast.stmt | None = None):
    """``(statement, the compound statement right around it or None)`` for each statement
    under ``body``, in order."""
    for stmt in body:
        yield stmt, around
        if _is_compound(stmt):
            yield from _statements(stmt.body, stmt)
            yield from _statements(stmt.orelse, stmt)


def _header(stmt: gast.stmt) -> gast.AST:
    return stmt.iter if isinstance(stmt, gast.For) else stmt.test


def _read_parts(stmt: gast.stmt) -> list[gast.AST]:
    """The expressions a live statement evaluates, the value it computes first (a subscript
    target's base and index too)."""
    if _is_compound(stmt):
        return [_header(stmt)]
    if isinstance(stmt, gast.Assign):
        return [stmt.value] + [t for t in stmt.targets if not isinstance(t, gast.Name)]
    if isinstance(stmt, gast.AugAssign):
        return [stmt.value, stmt.target]
    if isinstance(stmt, gast.Expr):
        return [stmt.value]
    return [stmt]


def _method_of_local(func: gast.AST) -> bool:
    """Whether a call's function is a method of a local value (``tape.append``), not a
    function of a module (``np.sin``, ``_s2s.scatter_add``)."""
    return (
        isinstance(func, gast.Attribute)
        and isinstance(func.value, gast.Name)
        and func.value.id not in _MODULES
    )


def _call_name(call: gast.Call) -> str:
    return attr_path(call.func) or ""


def _pure_call(call: gast.Call, name: str) -> bool:
    """Whether the call ``name(...)`` has no effect but its value and the writes
    ``_call_writes`` finds (calls of NumPy but its random numbers, ``math``, s2s's runtime
    but its checks, builtins, and methods called on local arrays)."""
    if name.startswith("np.random.") or name in _CHECKS:
        return False
    if name.split(".")[0] in _MODULES or name in PURE_BUILTINS:
        return True
    return _method_of_local(call.func)  # `tape.append(v)`: it writes into `tape`


def _call_writes(call: gast.Call, name: str) -> set[str]:
    """Names whose arrays the call ``name(...)`` writes into."""
    written = written_by_call(call)
    first = call.args[0] if call.args else None
    writer = name.startswith("_s2s.") and name not in READ_ONLY  # (WRITES_FIRST and more)
    if writer and isinstance(first, gast.Name):
        written.add(first.id)
    if _method_of_local(call.func):
        written.add(call.func.value.id)
    return written


_IMPURE = (gast.NamedExpr, gast.Yield, gast.YieldFrom, gast.Await)


def _scanned(node: gast.AST, reads: list[tuple[str, bool]]) -> set[str] | None:
    """One walk of ``node``: appends to ``reads`` a ``(name, shape_only)`` for each name it
    reads, and returns the names whose arrays its calls write into, or None where evaluating
    it may have another effect (``_pure_call``)."""
    written: set[str] = set()
    pure = True
    stack = [(node, False)]
    while stack:
        item, shape_only = stack.pop()
        if isinstance(item, gast.Name):
            if isinstance(item.ctx, gast.Load) and item.id not in _MODULES:
                reads.append((item.id, shape_only))
            continue
        if isinstance(item, gast.BinOp):  # (the commonest operation: its operator reads nothing)
            stack += ((item.left, shape_only), (item.right, shape_only))
            continue
        if isinstance(item, gast.Attribute) and item.attr in _SHAPE_ATTRIBUTES:
            stack.append((item.value, True))
            continue
        if isinstance(item, gast.Call):
            name = _call_name(item)
            pure = pure and _pure_call(item, name)
            written |= _call_writes(item, name)
            positions = _SHAPE_ONLY.get(name, ())
            if name.split(".")[0] not in _MODULES:  # (`np.sin` reads nothing)
                stack.append((item.func, shape_only))
            stack.extend((arg, shape_only or k in positions) for k, arg in enumerate(item.args))
            stack.extend((k.value, shape_only) for k in item.keywords)
            continue
        if isinstance(item, _IMPURE):
            pure = False
        for child in children(item):
            stack.append((child, shape_only))
    return written if pure else None


def _may_return(node: gast.AST) -> set[str]:
    """Names whose memory the value of ``node`` may share: itself, what it indexes or takes
    an attribute of, and the arguments of a call (but the shape-only ones), unless the value
    is computed afresh (arithmetic, a ufunc, ``math``)."""
    if isinstance(node, gast.Name):
        return {node.id}
    if isinstance(node, (gast.Subscript, gast.Attribute, gast.Starred)):
        return _may_return(node.value)
    if isinstance(node, (gast.BinOp, gast.UnaryOp, gast.Compare, gast.BoolOp, gast.Constant)):
        return set()
    if isinstance(node, gast.IfExp):
        return _may_return(node.body) | _may_return(node.orelse)
    if isinstance(node, (gast.Tuple, gast.List)):
        return set().union(*(_may_return(e) for e in node.elts))
    if isinstance(node, gast.Call):
        name = _call_name(node)
        if name.startswith("math.") or numpy_ufunc(name) is not None:
            if name.startswith("math.") or not node.keywords:
                return set()
        shape_only = _SHAPE_ONLY.get(name, ())
        shared = set()
        if isinstance(node.func, gast.Attribute):
            shared |= _may_return(node.func.value) - _MODULES
        for k, arg in enumerate(node.args):
            if k not in shape_only:
                shared |= _may_return(arg)
        for keyword in node.keywords:
            shared |= _may_return(keyword.value)
        return shared
    return {n.id for n in walk(node) if isinstance(n, gast.Name)} - _MODULES
