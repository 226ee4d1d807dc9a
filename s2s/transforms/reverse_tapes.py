"""Where the reverse sweep keeps values inside loops: preallocated tapes, with a place per
iteration of a counted nest of ``for`` loops (allocated before the innermost loop where a
value's type can be told there), a place per iteration of only the loops a value changes
along, a costly value the same along loops computed once and read back from its tape; in
other nests that count their iterations ahead, arrays at a running place (``reverse_running``);
lists (``append`` and ``pop``) elsewhere.
"""

from __future__ import annotations

from collections import Counter

import gast

from ..analysis.activity import call_name, integer_number
from ..analysis.aliases import seeing
from ..analysis.definitions import written_by_call
from ..gastutil import assign, call, clone, const, load, name_nodes, substituted, walk
from .reverse_values import Site


class Tapes:
    """The part of :class:`~s2s.transforms.reverse.ReverseMode` that keeps values in loops.

    Expects ``defs``, ``namer``, ``loops``, ``lists``, ``tapes``, ``position``,
    ``tree_names``, ``mentions``, ``recalled`` and ``sunk`` (by id), ``changed``, ``changes``,
    ``operand_names``, ``place_in_block`` and ``memory_views`` on the instance.
    """

    def taped(
        self, name: str, value: gast.AST, saved: str, where: list, site: Site, after: bool
    ) -> gast.AST:
        """Keep ``value``, ``name``'s value in a loop, for the reverse sweep, which reads it
        as ``saved``: on a tape (``where``: the statements around this one it goes into)."""
        nest = self.counted_nest()
        like = self.type_proxy(name, nest[-1]) if nest else None
        in_branch = bool(nest) and self.position[-1][0] is not nest[-1]["body"]
        if in_branch and like is None:
            nest = []  # (allocated on a first iteration, which may not take the branch)
        if nest:
            # `for` loops over ranges, a statement every iteration runs: a tape of known
            # length, filled at the iteration's place in the nest (allocated at place 0). A
            # value the same along some of the loops (``h[j]`` in ``for i`` of ``W[i, j] *
            # h[j]``) has a place in the others only, filled on their first iteration. In a
            # branch of the body, which some iterations take, each has its place: the reverse
            # sweep takes the same branches.
            tape = self.namer.numbered("_tape")
            for loop in nest:
                loop["used"] = True
            same = self.defined_same_along if after else self.same_along
            along = [loop for loop in nest if in_branch or not same(name, loop)]
            only_first = tuple(loop["counter"] for loop in nest if loop not in along)
            read = gast.Subscript(load(tape), _unsigned(_place(along, "reverse")), gast.Load())
            if only_first and self.recall(name, tape, along, only_first, after):
                site.restore.append(assign(saved, read))
                return load(saved)
            place = _unsigned(_place(along, "counter"))
            put = gast.Expr(call("_s2s.tape_put", load(tape), place, value))
            if like is not None:
                # Allocated before the innermost loop: a tape allocated inside it is a
                # variable that loop may change, which costs Numba's code in every iteration.
                allocated = assign(tape, call("_s2s.tape_alloc", like, _length(along)))
                if len(nest) > 1:
                    allocated = gast.If(_first(nest[:-1]), [allocated], [])
                nest[-1].setdefault("allocations", []).append(allocated)
                alloc, placed = None, on_first(only_first, [put])
            else:
                allocated = assign(tape, call("_s2s.tape_alloc", load(name), _length(along)))
                alloc = gast.If(_first(nest), [allocated], [])
                placed = [alloc, put]
                if only_first:
                    first = gast.If(_first(along), [clone(allocated)], [])
                    placed = on_first(only_first, [first, put])
            where += placed
            if not in_branch:  # (filled at the end of the body: see `taped_at_end`)
                nest[-1].setdefault("tapes", []).append((alloc, placed, put, only_first))
            site.restore.append(assign(saved, read))
            return load(saved)
        counted = self.running_nest()
        if counted is not None:  # (a nest that counts its iterations ahead: `reverse_running`)
            return self.taped_running(name, value, saved, where, site, counted)
        tape = self.namer.numbered("_tape")
        self.tapes.append(tape)
        where.append(gast.Expr(call(gast.Attribute(load(tape), "append", gast.Load()), value)))
        site.restore.append(assign(saved, call(gast.Attribute(load(tape), "pop", gast.Load()))))
        return load(saved)

    def recall(
        self, name: str, tape: str, along: list[dict], only_first: tuple[str, ...], after: bool
    ) -> bool:
        """Whether ``name``, the same along the loops counted by ``only_first``, is computed on
        their first iteration only and read back from ``tape`` on the others: the tape the
        reverse sweep reads anyway doubles as a cache in the forward sweep. Done for a number
        costly to compute, defined in this block by one ``math`` call (``math.exp(-s[j])``
        in ``for i`` of ``for j``: a load instead of an exponential on every ``i``). The
        definition, rewritten when the sweeps reach it, fills the tape."""
        definition = self.defs.single_stmts.get(name)
        if definition is None or id(definition) in self.recalled:
            return False
        value = definition.value
        if not (isinstance(value, gast.Call) and call_name(value) in _COSTLY_MATH):
            return False
        stmts, here = self.position[-1]
        if self.place_in_block(stmts, definition, here + 1 if after else here) is None:
            return False
        place = _unsigned(_place(along, "counter"))
        allocated = [assign(tape, call("_s2s.tape_alloc", load(name), _length(along)))]
        if along:
            allocated = [gast.If(_first(along), allocated, [])]
        put = gast.Expr(call("_s2s.tape_put", load(tape), place, load(name)))
        (first,) = on_first(only_first, [definition, *allocated, put])
        first.orelse = [assign(name, gast.Subscript(load(tape), clone(place), gast.Load()))]
        self.recalled[id(definition)] = first
        return True

    def computed_once(self, stmt: gast.stmt, primal: list[gast.stmt], site: Site):
        """``primal``, with a definition ``recall`` chose in a branch of its own, computed on
        the first iterations only; and with a temporary only that definition reads moved into
        that branch (``_t14 = -s[j]`` for ``math.exp(_t14)``): left outside, Numba's code
        computed it on every iteration, and the exponential with it."""
        stmts, here = self.position[-1]
        branch = self.recalled.get(id(stmt))
        if branch is not None:
            primal, end = [branch if s is stmt else s for s in primal], here
        else:
            branch, end = self.sunk.get(id(stmt), (None, None))
            if branch is None or site.before or site.after or primal != [stmt]:
                return primal
            branch.body.insert(0, stmt)
            primal = []
        read = {n.id for s in site.before + site.after for n in name_nodes(s)}
        for name in set(self.operand_names(stmt.value)) - read:
            definition = self.defs.single_stmts.get(name)
            if definition is None or self.mentions[name] != 2 or not pure(definition.value):
                continue
            at = self.place_in_block(stmts, definition, here)
            operands = set(self.operand_names(definition.value))
            # Moved down to the branch: nothing on the way may change what it reads.
            if at is not None and all(
                isinstance(s, gast.Assign)
                and all(isinstance(t, gast.Name) and t.id not in operands for t in s.targets)
                and pure(s.value)
                for s in stmts[at + 1 : end]
            ):
                self.sunk[id(definition)] = branch, end
        return primal

    def type_proxy(self, name: str, loop: dict, depth: int = 0) -> gast.AST | None:
        """An expression of ``name``'s type to evaluate before ``loop``, the innermost of a
        counted nest, where ``name`` is an element read there from names the loop does not
        change (``h[j]``: ``_s2s.element_like(h, 0)``, the loop's index at its start; no
        element is read), or sums and products of such elements and constants
        (``u[i - 1, j] + u[i + 1, j]``: the same arithmetic of their proxies, zeros, which
        divides nothing). None for anything else."""
        value = self.defs.single_values.get(name)
        like = _arithmetic_like(value, lambda n: self.type_proxy(n, loop, depth + 1), depth)
        if like is not None or not _element_read(value):
            return like
        index = value.slice.elts if isinstance(value.slice, gast.Tuple) else [value.slice]
        if not all(isinstance(atom, (gast.Name, gast.Constant)) for atom in index):
            return None  # a slice (a view: its tape is a list), or computed in the loop
        if not loop["kept"]:
            return None  # the body assigns the loop's index
        counter = loop["stmt"].target.id
        # Defined before the loop: read in it, and not rebound there (writes into an array
        # do not change the type of its elements). An index computed in the loop from
        # integers (`j + 1`) is an integer there, as 0 is before it.
        bound = self.bound_names(loop)
        counters = {outer["stmt"].target.id for outer in self.loops if outer is not None}
        integers = {
            a.id
            for a in index
            if isinstance(a, gast.Name)
            and a.id != counter
            and a.id in bound
            and integer_number(a, self.defs.single_values, counters)
        }
        names = [value.value.id] + [a.id for a in index if isinstance(a, gast.Name)]
        if any(
            n != counter and n not in integers and (n in bound or n not in self.tree_names)
            for n in names
        ):
            return None
        args = loop["stmt"].iter.args
        start = const(0) if len(args) == 1 else args[0]

        def before_the_loop(n: gast.Name) -> gast.AST | None:
            if n.id == counter:
                return clone(start)
            return const(0) if n.id in integers else None

        index = substituted(value.slice, before_the_loop)
        return call("_s2s.element_like", load(value.value.id), index)

    def defined_same_along(self, name: str, loop: dict) -> bool:
        """Whether this statement, ``name``'s one definition, gives it the same value on every
        iteration of ``loop`` (see ``same_along``): by a pure expression of operands that
        are the same along it (``e = math.tanh(c[t])`` in ``for j``)."""
        stmts, here = self.position[-1]
        definition = self.defs.single_stmts.get(name)
        if (
            definition is None
            or here >= len(stmts)
            or stmts[here] is not definition
            or name in self.loop_facts(loop)["written"]
            or not pure(definition.value)
        ):
            return False
        return all(self.same_along(op, loop, here) for op in self.operand_names(definition.value))

    def same_along(self, name: str, loop: dict, before: int | None = None, depth: int = 0) -> bool:
        """Whether ``name`` has here the same value on every iteration of ``loop`` (one of the
        counted nest around this statement), its other loops fixed: nothing in the loop
        rebinds it or writes into memory it may share, it is the index of a loop inside this
        one, or it is defined above in the innermost body from such values by arithmetic,
        indexing or calls of NumPy and ``math`` (``h[j]`` along ``for i`` when only ``for t``
        writes ``h``)."""
        facts = self.loop_facts(loop)
        if name in facts["written"] or name not in self.tree_names or name in self.lists:
            return False  # (a list: appended to)
        if name not in facts["changed"]:
            return True
        inner = self.loops[self.loops.index(loop) + 1 :]
        if any(name == other["stmt"].target.id for other in inner):
            return not any(name in self.changed(s) for o in inner for s in o["body"])
        stmts, here = self.position[-1]
        definition = self.defs.single_stmts.get(name)
        if depth > 3 or definition is None:
            return False
        shaped = _shape_read(definition.value)
        if shaped is None and not pure(definition.value):
            return False
        at = self.place_in_block(stmts, definition, here if before is None else before)
        if at is None:
            return False
        if shaped is not None:  # writes into an array keep its shape: rebinding it may not
            return shaped not in self.bound_names(loop) and shaped not in self.lists
        return all(
            self.same_along(operand, loop, at, depth + 1)
            for operand in self.operand_names(definition.value)
        )

    def loop_facts(self, loop: dict) -> dict:
        """What ``loop`` rebinds, and the names whose memory it may write into."""
        if "facts" not in loop:
            written = self.changes(loop["stmt"])[0]
            if written:
                written = seeing(written, self.memory_views())
            loop["facts"] = {"changed": self.changed(loop["stmt"]), "written": written}
        return loop["facts"]

    def bound_names(self, loop: dict) -> set[str]:
        """The names ``loop`` binds (assignments, loop targets), computed once."""
        if "bound" not in loop:
            self._walk_loop(loop)
        return loop["bound"]

    def mentions_in(self, loop: dict) -> Counter[str]:
        """How often ``loop`` mentions each name, computed once."""
        if "mentions" not in loop:
            self._walk_loop(loop)
        return loop["mentions"]

    def _walk_loop(self, loop: dict) -> None:
        names = name_nodes(loop["stmt"])
        loop["bound"] = {n.id for n in names if isinstance(n.ctx, gast.Store)}
        loop["mentions"] = Counter(n.id for n in names)

    def counted_nest(self) -> list[dict]:
        """The loops whose iterations index a preallocated tape here, outermost first, if
        there are: a rectangular nest of ``for`` loops over ranges (see ``rectangular``), with
        the statement in the innermost body, at its top or in its branches (which run at
        most once per iteration)."""
        loop = self.loops[-1] if self.loops else None
        if loop is None or not loop["rectangular"]:
            return []
        return list(self.loops)


def _element_read(value: gast.AST | None) -> bool:
    """Whether ``value`` reads from a named array or list (``x[i]``, ``x[i, 0]``, ``x[a:b]``)."""
    return type(value) is gast.Subscript and type(value.value) is gast.Name


def _arithmetic_like(value: gast.AST | None, proxy, depth: int = 0) -> gast.AST | None:
    """``value``, a sum, difference, product or negation of names and constants, with each
    name replaced by ``proxy(name)`` (None where any has none, or nested 8 deep): an
    expression of the same type, evaluated on values that stand for the names'."""
    if depth >= 8:
        return None
    if type(value) is gast.UnaryOp and type(value.op) is gast.USub:
        operands = [value.operand]
    elif type(value) is gast.BinOp and type(value.op) in (gast.Add, gast.Sub, gast.Mult):
        operands = [value.left, value.right]
    else:
        return None
    replaced = []
    for operand in operands:
        if type(operand) is gast.Constant:
            replaced.append(clone(operand))
            continue
        like = proxy(operand.id) if type(operand) is gast.Name else None
        if like is None:
            return None
        replaced.append(like)
    if type(value) is gast.UnaryOp:
        return gast.UnaryOp(value.op, replaced[0])
    return gast.BinOp(replaced[0], value.op, replaced[1])


def _place(nest: list[dict], counter: str) -> gast.AST:
    """The iteration's place in the nest, ``(i * n2 + j) * n3 + k``, from each loop's
    ``counter`` (the forward or the reverse iteration number); 0 in no loop."""
    if not nest:
        return const(0)
    place = load(nest[0][counter])
    for loop in nest[1:]:
        place = gast.BinOp(
            gast.BinOp(place, gast.Mult(), load(loop["trips"])), gast.Add(), load(loop[counter])
        )
    return place


def _unsigned(place: gast.AST) -> gast.AST:
    """``np.uint64(i * n2 + j)``: a place in a nest is never negative, and an unsigned index
    tells Numba so. A signed one is checked for a negative value on every read, a branch that
    kept the loop RNN's inner reverse loops from vectorising (its gradient: 185 -> 154 us). A
    loop's own counter stays as it is: unsigned, it made no workload faster (the ODE, the loop
    mixture, the pendulum, the Hessian). So does a constant place (a value the same along the
    whole nest)."""
    if isinstance(place, (gast.Name, gast.Constant)):
        return place
    return call("np.uint64", place)


def _first(nest: list[dict]) -> gast.AST:
    """Whether this is the nest's first iteration."""
    return gast.Compare(_place(nest, "counter"), [gast.Eq()], [const(0)])


def _length(nest: list[dict]) -> gast.AST:
    """How many places the nest has: the product of its trip counts."""
    if not nest:
        return const(1)
    length = load(nest[0]["trips"])
    for loop in nest[1:]:
        length = gast.BinOp(length, gast.Mult(), load(loop["trips"]))
    return length


def on_first(counters: tuple[str, ...], body: list[gast.stmt]) -> list[gast.stmt]:
    """``body``, run only on the first iteration of the loops with these counters."""
    if not counters:
        return body
    tests = [gast.Compare(load(c), [gast.Eq()], [const(0)]) for c in counters]
    test = tests[0] if len(tests) == 1 else gast.BoolOp(gast.And(), tests)
    return [gast.If(test, body, [])]


# ``math`` functions that cost more than a load and a predictable branch (see ``recall``).
_COSTLY_MATH = frozenset(
    "math." + f
    for f in "exp expm1 log log1p log2 log10 sin cos tan asin acos atan atan2 sinh cosh tanh "
    "asinh acosh atanh pow hypot erf erfc gamma lgamma".split()
)

_PURE_BUILTINS = frozenset(
    "abs bool complex float int len max min print range round _s2s.updated_alone "
    "_s2s.require_real _s2s.require_length".split()
)


def pure(node: gast.AST) -> bool:
    """Whether ``node`` gives the same value for the same operands and writes into nothing:
    its calls are of NumPy (not its random numbers), ``math`` and a few builtins."""
    for call_node in walk(node):
        if not isinstance(call_node, gast.Call):
            continue
        name = call_name(call_node)
        if written_by_call(call_node) or name.startswith("np.random."):
            return False
        if not name.startswith(("np.", "math.")) and name not in _PURE_BUILTINS:
            return False
    return True


def _shape_read(value: gast.AST) -> str | None:
    """The array whose shape ``value`` reads (``x.shape``, ``x.shape[0]``, ``x.ndim``,
    ``x.size``, ``len(x)``), if it reads nothing else."""
    if type(value) is gast.Subscript and type(value.slice) is gast.Constant:
        value = value.value
        if not (type(value) is gast.Attribute and value.attr == "shape"):
            return None
    if type(value) is gast.Attribute and value.attr in ("shape", "ndim", "size"):
        return value.value.id if type(value.value) is gast.Name else None
    if (
        type(value) is gast.Call
        and type(value.func) is gast.Name
        and value.func.id == "len"
        and len(value.args) == 1
        and type(value.args[0]) is gast.Name
    ):
        return value.args[0].id
    return None
