"""Which values of a function are numbers (rank 0) rather than arrays, where the code says so.

s2s generates code without knowing its arguments' types: an adjoint is summed back to its
operand's shape with ``_s2s.unbroadcast(g, x)`` and added with ``_s2s.accumulate_into(b, g)``,
helpers that Numba resolves for each type. On numbers they are ``g`` and ``b + g``, and a loop
of scalar arithmetic calls them hundreds of times: that is most of what Numba spends compiling
it. The code itself often proves that values are numbers, and this analysis collects the proof:

- forwards: literals, ``math`` functions, ``len``, and arithmetic or NumPy ufuncs of numbers;
- backwards: an argument of a ``math`` function is a number (Numba takes no arrays there),
  and so is each operand of arithmetic or of a ufunc whose result is one (an array operand
  would make the result an array);
- names: the definitions that reach one read share a kind (Numba must unify their types),
  and copies, tape entries and adjoint helpers keep the kind of what they copy.

"Number" here means rank 0: a NumPy 0-d array counts (Numba's arithmetic on one gives a
number). What this module answers is used only where both kinds give the same values.
Functions with ``break``, ``continue``, early ``return``, ``try``, ``with``, nested functions,
lambdas, comprehensions or ``del`` are not analysed (nothing is a number).

This module walks the function, giving definitions classes and recording the rules as terms;
:mod:`s2s.analysis.number_classes` solves them.
"""

from __future__ import annotations

import gast

from ..gastutil import attr_path, children
from .number_classes import (
    ALL,
    FORWARD,
    INDEXED,
    NAME,
    NUMBER,
    NUMBER_TAGS,
    PASSING_TAGS,
    PICK,
    SAME,
    UNKNOWN,
    classes,
    number_classes,
    scalar_classes,
)

MATH = frozenset(
    "sin cos tan asin acos atan atan2 sinh cosh tanh asinh acosh atanh exp expm1 log log1p "
    "log2 log10 sqrt pow fabs floor ceil trunc copysign hypot erf erfc gamma lgamma degrees "
    "radians isnan isinf isfinite fmod remainder ldexp".split()
)
UFUNCS = frozenset(
    "sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh exp expm1 exp2 "
    "log log1p log2 log10 sqrt cbrt square abs absolute fabs sign negative positive "
    "reciprocal floor ceil trunc rint add subtract multiply divide true_divide power maximum "
    "minimum fmax fmin arctan2 hypot logaddexp logaddexp2 float_power copysign heaviside".split()
)
# Helpers ``_s2s.name`` whose result has the kind of one argument: name -> (how many arguments,
# which one). An adjoint's zero, a saved value, an adjoint summed to its operand's shape; a number
# total stays one (an array share is summed).
_PASSED_ON = {
    "zeros_like": (1, 0),
    "cleared": (1, 0),
    "save": (1, 0),
    "unbroadcast": (2, 1),
    "accumulate_into": (2, 0),
    "subtract_into": (2, 0),
}
# Calls that make arrays, lists or tuples: never numbers.
_CONTAINERS = frozenset(
    "np.zeros np.empty np.ones np.full np.array np.asarray np.arange np.linspace np.eye "
    "np.zeros_like np.ones_like np.empty_like np.full_like _s2s.tape_alloc _s2s.batch_empty".split()
)
_CONTAINER_NAMES = frozenset(name.rpartition(".")[2] for name in _CONTAINERS)
_ARITHMETIC = frozenset(  # operator classes have no subclasses: looked up by type
    {
        gast.Add,
        gast.Sub,
        gast.Mult,
        gast.Div,
        gast.FloorDiv,
        gast.Mod,
        gast.Pow,
        gast.LShift,
        gast.RShift,
        gast.BitOr,
        gast.BitXor,
        gast.BitAnd,
    }
)
_ORDER = (gast.Eq, gast.NotEq, gast.Lt, gast.LtE, gast.Gt, gast.GtE)
_UNANALYSED = frozenset(
    {
        gast.Break,
        gast.Continue,
        gast.Try,
        gast.With,
        gast.FunctionDef,
        gast.Lambda,
        gast.ListComp,
        gast.SetComp,
        gast.DictComp,
        gast.GeneratorExp,
        gast.Delete,
        gast.Global,
        gast.Nonlocal,
    }
)


class _Unanalysable(Exception):
    pass


class Numbers:
    """The kinds of one function's values (see the module docstring)."""

    def __init__(self, fn: gast.FunctionDef):
        self.parent: list[int] = []
        self.containers: set[int] = set()  # definitions that are never numbers
        self.assigned: list[tuple[int, tuple]] = []  # definition (or tape entry) <- term
        self.demanded: list = []  # terms that must be numbers
        # id(call) -> (a call ``_s2s.name``, name, the statement it is in: for a test, the if or
        # while, its arguments' terms on each visit)
        self.helper_calls: dict[int, tuple[gast.Call, str, gast.stmt, list[list]]] = {}
        self.current: gast.stmt | None = None
        self.entries: dict[int, int] = {}  # a list or tape's definition -> its entries
        self.number: set[int] = set()  # classes of numbers
        self.scalar: set[int] = set()  # classes of numbers that are never 0-d arrays
        self.placeholders: set[int] = set()
        self.tapes: dict[int, list[int]] = {}  # id(tape_put call) -> its tape's entries
        self.elements: dict[tuple, int] = {}  # (definitions of x, index) -> class of x[index]
        self.last = fn.body[-1] if fn.body else None
        state = {a.id: {self._new()} for a in fn.args.args if isinstance(a, gast.Name)}
        try:
            self._block(fn.body, state)
        except _Unanalysable:
            self.analysed = False
            self.helper_calls.clear()
            return
        self.analysed = True
        self._solve()

    # -- answers -------------------------------------------------------------------------------
    def rank0(self, call: gast.Call, positions: tuple[int, ...]) -> bool:
        """Whether ``call``'s arguments at ``positions`` are numbers or 0-d arrays wherever
        it runs."""
        return self._every_visit(call, positions, self._is_number)

    def scalars(self, call: gast.Call, positions: tuple[int, ...]) -> bool:
        """Whether ``call``'s arguments at ``positions`` are numbers, not 0-d arrays, wherever
        it runs (replacing one by the other can change a variable's type in Numba)."""
        return self._every_visit(call, positions, self._is_scalar)

    def _every_visit(self, call: gast.Call, positions: tuple[int, ...], holds) -> bool:
        """Whether ``holds`` for the terms of ``call``'s arguments at ``positions`` on each
        visit (a helper call the walk did not visit: no)."""
        found = self.helper_calls.get(id(call))
        visits = found[3] if found else ()
        return bool(visits) and all(holds(visit[k]) for visit in visits for k in positions)

    def tape_of_scalars(self, put: gast.Call) -> bool:
        """Whether the tape ``_s2s.tape_put`` writes to holds numbers, not 0-d arrays (it is
        then a NumPy array; a tape of arrays is a list)."""
        tapes = self.tapes.get(id(put))
        return bool(tapes) and all(self._find(e) in self.scalar for e in tapes)

    # -- classes -------------------------------------------------------------------------------
    def _new(self) -> int:
        """A new id: a definition (an argument, an assignment: the walk visits each statement
        once), or the class of a list's entries or of an element."""
        d = len(self.parent)
        self.parent.append(d)
        return d

    def _find(self, d: int) -> int:
        parent = self.parent
        root = d
        while parent[root] != root:
            root = parent[root]
        while parent[d] != root:
            parent[d], d = root, parent[d]
        return root

    def _union(self, a: int, b: int) -> None:
        parent = self.parent
        if parent[a] != a:  # most ids are still their own class
            a = self._find(a)
        if parent[b] != b:
            b = self._find(b)
        if a != b:
            parent[b] = a

    def _placeholders(self, count: int) -> range:
        """The ids of ``count`` new placeholders."""
        first = len(self.parent)
        self.parent.extend(range(first, first + count))
        return range(first, first + count)

    def _entries(self, d: int) -> int:
        e = self.entries.get(d)
        if e is None:
            e = self.entries[d] = self._new()
        return e

    # -- the walk: reaching definitions, terms, constraints ------------------------------------
    def _block(self, stmts: list[gast.stmt], state: dict[str, set[int]]) -> dict[str, set[int]]:
        for stmt in stmts:
            state = self._statement(stmt, state)
        return state

    def _statement(self, stmt: gast.stmt, state: dict) -> dict:
        kind = type(stmt)
        self.current = stmt
        if kind is gast.Assign:
            value = stmt.value
            term = self._term(value, state)
            for target in stmt.targets:
                if type(target) is gast.Name:  # the commonest binding, in line
                    d = self._new()
                    state[target.id] = {d}
                    if term is not UNKNOWN:
                        self.assigned.append((d, term))
                    if _is_container(value):
                        self.containers.add(d)
                        self._fill(d, value, state)
                else:
                    self._bind(target, stmt, term, value, state)
            return state
        if kind is gast.AugAssign:
            value = self._term(stmt.value, state)
            if isinstance(stmt.target, gast.Name):
                old = self._read(stmt.target.id, state)
                term = (ALL, (old, value)) if type(stmt.op) in _ARITHMETIC else UNKNOWN
                d = self._new()
                self.assigned.append((d, term))
                state = dict(state)
                state[stmt.target.id] = {d}
            else:
                self._term(stmt.target, state)
            return state
        if kind is gast.If:
            self._term(stmt.test, state)
            return _join(self._block(stmt.body, dict(state)), self._block(stmt.orelse, dict(state)))
        if kind is gast.For or kind is gast.While:
            return self._loop(stmt, state)
        if kind in _UNANALYSED or (kind is gast.Return and stmt is not self.last):
            raise _Unanalysable
        for child in children(stmt):  # Expr, Return, Assert, Raise, Pass
            self._term(child, state)
        return state

    def _loop(self, stmt, state: dict) -> dict:
        """One walk of the body: a name the body assigns reads, at the top of the body, also a
        placeholder for its value from the previous iteration, joined with the definitions
        that reach the end of the body once they are known."""
        if isinstance(stmt, gast.For):
            self._term(stmt.iter, state)
        head = dict(state)
        names = _assigned(stmt.body)
        carried = dict(zip(names, self._placeholders(len(names))))
        self.placeholders.update(carried.values())
        for name, p in carried.items():
            defs = head.get(name)
            head[name] = {p} if defs is None else defs | {p}
        if isinstance(stmt, gast.For):
            counted = attr_path(stmt.iter.func) if isinstance(stmt.iter, gast.Call) else None
            term = NUMBER if counted in ("range", "prange", "_s2s.prange") else UNKNOWN
            self._bind(stmt.target, stmt, term, None, head)
        else:
            self.current = stmt
            self._term(stmt.test, head)
        end = self._block(stmt.body, head)
        after = _join(state, end)
        placeholders = self.placeholders
        for name, p in carried.items():
            for d in end.get(name, ()):
                self._union(p, d)
            after[name] = after[name] - placeholders
        return self._block(stmt.orelse, after)

    def _bind(self, target, stmt, term, value, state: dict) -> None:
        if isinstance(target, gast.Name):
            d = self._new()
            state[target.id] = {d}
            if term is not UNKNOWN:
                self.assigned.append((d, term))
            if value is not None and _is_container(value):
                self.containers.add(d)
                self._fill(d, value, state)
        elif isinstance(target, (gast.Tuple, gast.List)):
            parts = value.elts if isinstance(value, (gast.Tuple, gast.List)) else None
            for k, element in enumerate(target.elts):
                if isinstance(element, gast.Name):
                    d = self._new()
                    state[element.id] = {d}
                    if parts is not None and len(parts) == len(target.elts):
                        self.assigned.append((d, self._term(parts[k], state)))
        else:  # x[i] = v, x.a = v: reads x and the index
            self._term(target, state)

    def _fill(self, d: int, value: gast.AST, state: dict) -> None:
        """The entries of a new list or tape: a list display's elements, a tape's first value."""
        if isinstance(value, gast.List):
            entries = self._entries(d)
            for element in value.elts:
                self.assigned.append((entries, self._term(element, state)))
        elif isinstance(value, gast.Call) and attr_path(value.func) == "_s2s.tape_alloc":
            self.assigned.append((self._entries(d), self._term(value.args[0], state)))

    def _read(self, name: str, state: dict):
        defs = state.get(name)
        if not defs:
            return UNKNOWN  # a global, a module or a function
        if len(defs) == 1:
            (first,) = defs
            return (NAME, first)
        first, *rest = defs
        for d in rest:
            self._union(first, d)
        return (NAME, first)

    def _entry_of(self, node: gast.AST, state: dict):
        """The entries' class of a list or tape named by ``node``, if it is one."""
        if not isinstance(node, gast.Name):
            return None
        defs = state.get(node.id)
        defs = defs and [d for d in defs if d not in self.placeholders]
        if not defs or not all(d in self.entries for d in defs):
            return None
        first, *rest = (self.entries[d] for d in defs)
        for e in rest:
            self._union(first, e)
        return first

    def _term(self, node: gast.AST, state: dict):
        kind = type(node)
        if kind is gast.Name:
            return self._read(node.id, state) if type(node.ctx) is gast.Load else UNKNOWN
        if kind is gast.BinOp:
            terms = (self._term(node.left, state), self._term(node.right, state))
            return (ALL, terms) if type(node.op) in _ARITHMETIC else UNKNOWN
        if kind is gast.Call:
            return self._call(node, state)
        if kind is gast.Constant:
            value = node.value
            return NUMBER if isinstance(value, (int, float, complex)) else UNKNOWN
        if kind is gast.UnaryOp:
            term = self._term(node.operand, state)
            return (ALL, (term,)) if isinstance(node.op, (gast.USub, gast.UAdd)) else UNKNOWN
        if kind is gast.IfExp:
            self._term(node.test, state)
            return (SAME, (self._term(node.body, state), self._term(node.orelse, state)))
        if kind is gast.Compare:
            terms = tuple(self._term(n, state) for n in [node.left, *node.comparators])
            ordered = all(isinstance(op, _ORDER) for op in node.ops)
            return (FORWARD, terms) if ordered else UNKNOWN
        if kind is gast.Subscript:
            entries = self._entry_of(node.value, state)
            self._term(node.value, state)
            self._term(node.slice, state)
            if entries is not None and not isinstance(node.slice, (gast.Slice, gast.Tuple)):
                return (NAME, entries)
            return self._element(node, state)
        if kind is gast.Attribute:
            self._term(node.value, state)
            return NUMBER if node.attr in ("size", "ndim") else UNKNOWN
        if kind in _UNANALYSED:
            raise _Unanalysable
        for child in children(node):
            self._term(child, state)
        return UNKNOWN

    def _element(self, node: gast.Subscript, state: dict):
        """``x[k]`` has one kind for every read of the same ``x`` at the same index (the same
        constant, or a name with the same definitions): such reads share a class."""
        key = _index_key(node.slice, state)
        base = node.value
        if key is None or not isinstance(base, gast.Name) or not state.get(base.id):
            return INDEXED
        key = (frozenset(state[base.id]), key)
        e = self.elements.get(key)
        if e is None:
            e = self.elements[key] = self._new()
            self.assigned.append((e, INDEXED))
        return (NAME, e)

    def _call(self, node: gast.Call, state: dict):
        func = node.func
        if type(func) is gast.Attribute and type(func.value) is gast.Name:
            if func.value.id == "_s2s":  # most calls: s2s's helpers
                return self._helper(node, func.attr, state)
        name = attr_path(func)
        if name is None:
            self._term(func, state)
        args = [self._term(a, state) for a in node.args]
        for k in node.keywords:
            self._term(k.value, state)
        if name is None:
            return UNKNOWN
        if name.endswith((".append", ".pop")) and isinstance(func, gast.Attribute):
            entries = self._entry_of(func.value, state)
            if entries is not None:
                if name.endswith(".append") and len(args) == 1:
                    self.assigned.append((entries, args[0]))
                    return UNKNOWN
                if name.endswith(".pop") and not args:
                    return (NAME, entries)
            return UNKNOWN
        if node.keywords:
            return UNKNOWN
        if name.startswith("math."):
            if name[5:] in MATH:
                self.demanded.extend(args)
                return NUMBER
            return UNKNOWN
        if name.startswith("np.") and name[3:] in UFUNCS:
            return (ALL, tuple(args))
        if name in ("len", "float", "int", "bool"):
            return NUMBER
        if name == "abs" and len(args) == 1:
            return (ALL, tuple(args))
        if name in ("min", "max") and len(args) >= 2:
            return (PICK, tuple(args))
        return UNKNOWN

    def _helper(self, node: gast.Call, name: str, state: dict):
        """A call to ``_s2s.name``: its arguments' terms are recorded for each visit."""
        args = [self._term(a, state) for a in node.args]
        for k in node.keywords:
            self._term(k.value, state)
        call = self.helper_calls.get(id(node))
        if call is None:
            self.helper_calls[id(node)] = (node, name, self.current, [args])
        else:
            call[3].append(args)
        passed = _PASSED_ON.get(name)
        if passed is not None:
            count, k = passed
            return args[k] if len(args) == count else UNKNOWN
        if name == "tape_put" and len(args) == 3:
            entries = self._entry_of(node.args[0], state)
            if entries is not None:
                self.assigned.append((entries, args[2]))
                self.tapes.setdefault(id(node), []).append(entries)
        elif name == "spread" and len(args) == 2:  # a tangent broadcast against an operand
            return (ALL, (args[0], args[1]))
        elif name == "grad_seed":
            self.demanded.extend(args)
            return NUMBER
        elif name == "element_like" and len(node.args) == 2:  # of the type of x[i]
            return self._element(gast.Subscript(*node.args, gast.Load()), state)
        return UNKNOWN

    # -- solving -------------------------------------------------------------------------------
    def _solve(self) -> None:
        parent = self.parent
        for d in range(len(parent)):  # from here on, a definition's parent is its class
            if parent[parent[d]] != parent[d]:
                parent[d] = self._find(d)
        self.number = number_classes(parent, self.assigned, self.demanded, self.containers)
        self.scalar = scalar_classes(parent, self.assigned, self.number, self.placeholders)

    def _is_scalar(self, term) -> bool:
        """Whether ``term`` is a number, never a 0-d array."""
        if type(term) is tuple and term[0] is NAME:  # most arguments: a name
            c = self.parent[term[1]]
            return c in self.number and c in self.scalar
        return self._is_number(term) and self._scalar_if_rank0(term)

    def _is_number(self, term) -> bool:
        needs = classes(term, self.parent, NUMBER_TAGS, (UNKNOWN, INDEXED))
        return needs is not None and self.number.issuperset(needs)

    def _scalar_if_rank0(self, term) -> bool:
        """Whether a rank-0 value of ``term`` is a number, not a 0-d array."""
        passed = classes(term, self.parent, PASSING_TAGS, (UNKNOWN,))
        return passed is not None and self.scalar.issuperset(passed)


def _index_key(index: gast.AST, state: dict):
    """What identifies an index across reads: an integer constant, or a name's definitions."""
    if isinstance(index, gast.Constant) and type(index.value) is int:
        return index.value
    if isinstance(index, gast.UnaryOp) and isinstance(index.op, gast.USub):
        inner = _index_key(index.operand, state)
        return -inner if type(inner) is int else None
    if isinstance(index, gast.Name) and state.get(index.id):
        return frozenset(state[index.id])
    if isinstance(index, gast.Tuple):
        keys = tuple(_index_key(e, state) for e in index.elts)
        return None if None in keys else keys
    return None


def _join(a: dict, b: dict) -> dict:
    out = dict(a)
    for name, defs in b.items():
        mine = out.get(name)
        if mine is not defs:  # most names keep the definitions both branches started with
            out[name] = defs if mine is None or mine == defs else mine | defs
    return out


def _assigned(stmts: list[gast.stmt]) -> set[str]:
    """The names a block binds, in its statements and theirs (not inside expressions)."""
    names: set[str] = set()
    stack = list(stmts)
    while stack:
        stmt = stack.pop()
        kind = type(stmt)
        if kind is gast.Assign:
            for target in stmt.targets:
                if type(target) is gast.Name:
                    names.add(target.id)
                elif isinstance(target, (gast.Tuple, gast.List)):
                    names.update(p.id for p in target.elts if isinstance(p, gast.Name))
        elif kind is gast.AugAssign:
            if isinstance(stmt.target, gast.Name):
                names.add(stmt.target.id)
        elif kind is gast.For:
            if isinstance(stmt.target, gast.Name):
                names.add(stmt.target.id)
            stack.extend(stmt.body + stmt.orelse)
        elif kind is gast.If or kind is gast.While:
            stack.extend(stmt.body + stmt.orelse)
    return names


def _is_container(value: gast.AST) -> bool:
    kind = type(value)
    if kind is gast.Call:
        func = value.func  # the last name first: most calls are not to containers
        last = func.attr if type(func) is gast.Attribute else None
        return last in _CONTAINER_NAMES and attr_path(func) in _CONTAINERS
    if kind in (gast.List, gast.Tuple, gast.Dict, gast.Set):
        return True
    return kind is gast.Constant and value.value is None
