"""Where each name is defined, used and mutated; which statements sit inside loops."""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Iterator

import gast
import numpy as np

from ..gastutil import attr_path, bound_arguments, child_fields, name_nodes, own_nodes, walk


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


def statements(node: gast.AST) -> Iterator[gast.stmt]:
    """The statements under ``node`` (``node`` first, if it is one), in the order ``walk``
    meets them; faster, as it does not go into expressions (which hold no statements)."""
    stack = [node]
    pop, push, expr = stack.pop, stack.append, gast.expr
    while stack:
        node = pop()
        if isinstance(node, gast.stmt):
            yield node
        for field in child_fields(type(node)):
            value = getattr(node, field, None)
            if type(value) is list:
                for item in reversed(value):
                    if isinstance(item, gast.AST) and not isinstance(item, expr):
                        push(item)
            elif isinstance(value, gast.AST) and not isinstance(value, expr):
                push(value)


def names_read(node: gast.AST) -> list[str]:
    return [n.id for n in name_nodes(node) if isinstance(n.ctx, gast.Load)]


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
    """Def and use counts, arrays written into, names assigned inside loops, single values,
    every name's mentions, and what each statement reads."""

    defs: Counter
    uses: Counter
    mutated: set[str]  # names that may see a write: kept for the reverse sweep
    written: set[str]  # names whose own arrays are written into (an argument: the caller's)
    in_loop_defs: set[str]
    params: list[str]
    single_values: dict[str, gast.AST]  # right-hand side of names assigned exactly once
    single_stmts: dict[str, gast.Assign]  # and the assignment itself
    mentions: Counter = dataclasses.field(default_factory=Counter)  # every name: how often
    # each statement in the blocks of the function (not loops' else), by id: it, what it reads
    reads: dict[int, tuple[gast.stmt, list[str]]] = dataclasses.field(default_factory=dict)
    # each statement of the function, by id: it, and ``own_changes`` of it
    changes: dict[int, tuple[gast.stmt, set[str], set[str]]] = dataclasses.field(
        default_factory=dict
    )
    # the function's nodes (not operators) by class, each class's in ``walk`` order
    nodes: dict[type, list[gast.AST]] = dataclasses.field(default_factory=dict)
    writes: Writes | None = None  # what the analysis was told helpers write into

    def defined_once_outside_loops(self, name: str) -> bool:
        return self.defs[name] == 1 and name not in self.in_loop_defs and name not in self.mutated

    def statement_reads(self, stmt: gast.stmt) -> list[str]:
        """``statement_reads(stmt)``, found once for the statements analysed."""
        entry = self.reads.get(id(stmt))
        return entry[1] if entry is not None and entry[0] is stmt else statement_reads(stmt)

    def own_changes(self, stmt: gast.stmt) -> tuple[set, set]:
        """``own_changes(stmt, self.writes)``, found once for the statements analysed."""
        entry = self.changes.get(id(stmt))
        if entry is not None and entry[0] is stmt:
            return entry[1], entry[2]
        return own_changes(stmt, self.writes)

    def nodes_of(self, kind: type) -> list[gast.AST]:
        """The function's nodes of class ``kind``, in ``walk`` order."""
        return self.nodes.get(kind, [])


# Calls that write into an array argument (Numba compiles these): the method's object, or
# the function's argument at this position.
WRITING_METHODS = frozenset({"fill", "sort"})
WRITING_FUNCTIONS = {"np.fill_diagonal": 0, "np.random.shuffle": 0, "np.copyto": 0}
# Builtins that neither write into their arguments nor have any other effect.
PURE_BUILTINS = frozenset({"len", "range", "float", "int", "bool", "abs", "min", "max", "round"})

# helper -> its parameters, and those whose arrays it writes into
Writes = dict[str, tuple[tuple[str, ...], frozenset[str]]]


def written_by_call(node: gast.Call, writes: Writes | None = None) -> set[str]:
    """Names whose arrays the call itself writes into: ``x.fill(v)``, ``np.fill_diagonal(x,
    v)``, a ufunc's ``out``, or a helper's argument that it writes into (``writes``)."""
    written = set()
    func = node.func
    if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name):
        if func.attr in WRITING_METHODS and func.value.id not in ("np", "math"):
            written.add(func.value.id)
    name = attr_path(func) or ""
    arguments: list[gast.AST] = []
    if writes and name in writes:
        params, changed = writes[name]
        bound = bound_arguments(params, node)
        arguments = [bound[p] for p in params if p in changed and p in bound]
    if name in WRITING_FUNCTIONS and len(node.args) > WRITING_FUNCTIONS[name]:
        arguments.append(node.args[WRITING_FUNCTIONS[name]])
    ufunc = numpy_ufunc(name)
    if ufunc is not None:
        arguments += node.args[ufunc.nin :]
    arguments += [k.value for k in node.keywords if k.arg == "out"]
    return written | {a.id for a in arguments if isinstance(a, gast.Name)}


@functools.cache
def numpy_ufunc(name: str) -> np.ufunc | None:
    """The NumPy ufunc a call's name (``np.exp``) names, if it does (looked up once per name:
    a name NumPy lacks costs its module ``__getattr__`` an exception)."""
    found = getattr(np, name[3:], None) if name.startswith("np.") else None
    return found if isinstance(found, np.ufunc) else None


def helper_writes(trees: dict[str, gast.FunctionDef], returns=None) -> Writes:
    """For each function, the parameters whose arrays it writes into, directly, through a
    view (one a helper hands back too: ``returns``), or by passing them to a function that
    does."""
    from .aliases import per_parameter, seeing, views  # aliases needs us (through .activity)

    def written(tree: gast.FunctionDef, found: Writes) -> set[str]:
        names = set().union(*(written_into(node, found) for node in walk(tree)))
        return seeing(names, views(tree, True, returns)) if names else names

    return per_parameter(trees, written)


def written_into(node: gast.AST, writes: Writes | None = None) -> set[str]:
    """Names whose arrays ``node`` itself (not what is nested in it) writes into:
    ``x[i] = v``, ``x[i] += v``, ``x += v`` (in place for an array), ``written_by_call``."""
    if isinstance(node, gast.Call):
        return written_by_call(node, writes)
    if isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name):
        return {node.target.id}
    targets = (
        node.targets
        if isinstance(node, gast.Assign)
        else [node.target]
        if isinstance(node, gast.AugAssign)
        else []
    )
    written = set()
    for target in targets:
        if isinstance(target, gast.Name):
            continue  # rebound, not written into
        for store in walk(target):
            if isinstance(store, gast.Subscript):
                base = store.value
                while isinstance(base, (gast.Subscript, gast.Attribute)):
                    base = base.value
                if isinstance(base, gast.Name):
                    written.add(base.id)
    return written


def analyse(tree: gast.FunctionDef, writes: Writes | None = None, returns=None) -> Definitions:
    """Definitions and uses in ``tree``; ``writes`` says which arguments helpers write into,
    ``returns`` which they may hand back (``aliases.helper_returns``)."""
    defs: Counter = Counter()
    uses: Counter = Counter()
    mutated: set[str] = set()
    in_loop: set[str] = set()
    reads: dict[int, tuple[gast.stmt, list[str]]] = {}
    params = [a.id for a in tree.args.args]
    for p in params:
        defs[p] += 1

    # One walk of the tree, statement by statement: what each holds itself.
    nodes: dict[type, list[gast.AST]] = {}
    own_names: dict[int, list[gast.Name]] = {}
    changes: dict[int, tuple[gast.stmt, set[str], set[str]]] = {}
    written_by_calls: list[set[str]] = []
    for stmt in statements(tree):
        names: list[gast.Name] = []
        written: set[str] = set()
        bound: set[str] = set()
        for node in own_nodes(stmt):
            kind = type(node)
            found = nodes.get(kind)
            if found is None:
                found = nodes[kind] = []
            found.append(node)
            if kind is gast.Name:
                names.append(node)
            elif kind is gast.Call:
                by_call = written_by_call(node, writes)
                written_by_calls.append(by_call)
                written |= by_call
            elif kind is gast.Assign or kind is gast.AugAssign:
                written |= written_into(node, writes)
            if kind is gast.Assign or kind is gast.For:
                bound.update(targets_of(node))
        own_names[id(stmt)] = names
        changes[id(stmt)] = stmt, written, bound

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
            if isinstance(stmt, _SIMPLE_STATEMENTS):  # (it reads all the names it holds)
                read = [n.id for n in own_names[id(stmt)] if isinstance(n.ctx, gast.Load)]
            else:
                read = statement_reads(stmt)
            reads[id(stmt)] = stmt, read
            for name in read:
                uses[name] += 1
            if isinstance(stmt, gast.If):
                visit(stmt.body, depth)
                visit(stmt.orelse, depth)
            elif isinstance(stmt, (gast.For, gast.While)):
                visit(stmt.body, depth + 1)

    visit(tree.body, 0)
    visit = None  # (a recursive closure is a reference cycle: broken, freed now)
    for by_call in written_by_calls:
        mutated |= by_call
    values, stmts = {}, {}
    for node in nodes.get(gast.Assign, ()):
        if isinstance(node.targets[0], gast.Name) and defs[node.targets[0].id] == 1:
            values[node.targets[0].id] = node.value
            stmts[node.targets[0].id] = node
    mentions: Counter = Counter(n.id for names in own_names.values() for n in names)
    written = mutated
    if mutated:
        # A name that shares memory with an array written into (``t = y[2:]``, ``c = y``, then
        # ``y[4] = s``, or ``c[4] = s``) holds changed memory too: its value must be kept for
        # the reverse sweep like ``y``'s. The array written is ``y``'s own, and ``c``'s, not
        # that of a name bound later to an element of it.
        from .aliases import seeing, views, written_through  # aliases needs us (.activity)

        viewed = views(tree, True, returns)
        written, mutated = written_through(mutated, viewed), seeing(mutated, viewed)
    return Definitions(
        defs,
        uses,
        mutated,
        written,
        in_loop,
        params,
        values,
        stmts,
        mentions,
        reads,
        changes,
        nodes,
        writes,
    )


# Statements without statements inside them or a header of their own.
_SIMPLE_STATEMENTS = (gast.Assign, gast.AugAssign, gast.Expr, gast.Return)


# The nodes in which ``written_into`` may find a write.
_WRITING_NODES = (gast.Call, gast.Assign, gast.AugAssign)


def changes_of(node: gast.AST, writes: Writes | None = None) -> tuple[set[str], set[str]]:
    """The names whose arrays ``node`` (with everything nested in it) writes into, and the
    names it rebinds (``writes``: which arguments helpers write into)."""
    return _changes_among(walk(node), writes)


def own_changes(stmt: gast.stmt, writes: Writes | None = None) -> tuple[set[str], set[str]]:
    """``changes_of(stmt, writes)`` but for what the statements nested in ``stmt`` change:
    those of a compound statement's header (a loop's target, an ``if``'s test)."""
    return _changes_among(own_nodes(stmt), writes)


def _changes_among(nodes, writes: Writes | None) -> tuple[set[str], set[str]]:
    written: set[str] = set()
    bound: set[str] = set()
    for node in nodes:
        if isinstance(node, _WRITING_NODES):
            written |= written_into(node, writes)
        if isinstance(node, (gast.Assign, gast.For)):
            bound.update(targets_of(node))
    return written, bound


def changed_by(stmt: gast.stmt, writes: Writes | None = None) -> set[str]:
    """Names a statement (with everything nested in it) rebinds or writes into (``writes``:
    which arguments helpers write into)."""
    written, bound = changes_of(stmt, writes)
    return written | bound
