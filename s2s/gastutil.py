"""Small constructors and predicates for gast trees, shared by every pass."""

from __future__ import annotations

import functools

import gast

from .gastparse import parse

# Passes make thousands of nodes; giving a node its fields directly takes a third of the time
# gast's constructor does. Nothing changes a load or store context in place (a name given
# another context gets a new one), so names share them.
_LOAD, _STORE = gast.Load(), gast.Store()


def _node(cls: type, /, **fields) -> gast.AST:
    node = cls.__new__(cls)
    node.__dict__ = fields
    return node


def load(name: str) -> gast.Name:
    return _node(gast.Name, id=name, ctx=_LOAD, annotation=None, type_comment=None)


def store(name: str) -> gast.Name:
    return _node(gast.Name, id=name, ctx=_STORE, annotation=None, type_comment=None)


def const(value) -> gast.Constant:
    return _node(gast.Constant, value=value, kind=None)


def assign(target: str | gast.AST, value: gast.AST) -> gast.Assign:
    if isinstance(target, str):
        target = store(target)
    return _node(gast.Assign, targets=[target], value=value, type_comment=None)


def attr_path(node: gast.AST) -> str | None:
    """``'np.linalg.solve'`` for that chain of attributes on a name, else None."""
    if type(node) is gast.Attribute and type(node.value) is gast.Name:  # most: `np.sin`
        return f"{node.value.id}.{node.attr}"
    parts = []
    while isinstance(node, gast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, gast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def dotted(path: str) -> gast.AST:
    first, *rest = _dotted_parts(path)
    node: gast.AST = load(first)
    for part in rest:
        node = _node(gast.Attribute, value=node, attr=part, ctx=_LOAD)
    return node


@functools.cache
def _dotted_parts(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def call(func: str | gast.AST, *args: gast.AST, **keywords: gast.AST) -> gast.Call:
    if isinstance(func, str):
        func = dotted(func)
    keywords = [gast.keyword(k, v) for k, v in keywords.items()]
    return _node(gast.Call, func=func, args=list(args), keywords=keywords)


_POSITION = ("lineno", "col_offset", "end_lineno", "end_col_offset")
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
# Fields that never hold a node (names, flags, comments), besides the load/store context.
_LEAF_FIELDS = frozenset(
    "ctx id attr arg kind type_comment level module is_async conversion".split()
)
_NAMED_BY_STRING = (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef, gast.alias)


def child_fields(kind: type) -> tuple[str, ...]:
    """The fields of a node of type ``kind`` that may hold child nodes."""
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        leaves = set(_LEAF_FIELDS)
        if kind is gast.Constant:
            leaves.add("value")
        if issubclass(kind, _NAMED_BY_STRING):
            leaves.add("name")
        if kind in (gast.Global, gast.Nonlocal):
            leaves.add("names")
        fields = _CHILD_FIELDS[kind] = tuple(f for f in kind._fields if f not in leaves)
    return fields


def children(node: gast.AST):
    """The child nodes of ``node`` (not its load/store context), in field order."""
    for field in child_fields(type(node)):
        value = getattr(node, field, None)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, gast.AST):
                    yield item
        elif isinstance(value, gast.AST):
            yield value


# What ``walk`` leaves out: the operators of operations, leaves that no pass looks for (they
# read ``node.op``), a fifth of the nodes of arithmetic code.
_OPERATOR_FIELDS = {
    gast.BinOp: "op",
    gast.UnaryOp: "op",
    gast.BoolOp: "op",
    gast.AugAssign: "op",
    gast.Compare: "ops",
}
_WALKED_FIELDS: dict[type, tuple[str, ...]] = {}


def walked_fields(kind: type) -> tuple[str, ...]:
    """The fields of a node of type ``kind`` that ``walk`` follows: those that may hold child
    nodes, but operators."""
    fields = _WALKED_FIELDS.get(kind)
    if fields is None:
        operator = _OPERATOR_FIELDS.get(kind)
        fields = _WALKED_FIELDS[kind] = tuple(f for f in child_fields(kind) if f != operator)
    return fields


def walk(node: gast.AST):
    """Every node of the tree under ``node`` but operators (``+``, ``not``, ``<``), ``node``
    first (like ``gast.walk``, faster: the passes walk trees of thousands of nodes many
    times)."""
    stack = [node]
    pop, push, fields_of, node_type = stack.pop, stack.append, _WALKED_FIELDS, gast.AST
    while stack:
        node = pop()
        yield node
        fields = fields_of.get(type(node))
        if fields is None:
            fields = walked_fields(type(node))
        for field in fields:
            value = getattr(node, field, None)
            if type(value) is list:
                for item in reversed(value):
                    if isinstance(item, node_type):
                        push(item)
            elif isinstance(value, node_type):
                push(value)


def own_nodes(stmt: gast.stmt) -> list[gast.AST]:
    """The nodes ``walk(stmt)`` yields but operators and those of the statements nested in
    ``stmt`` (of an ``if``: its test), in that order, ``stmt`` first. Over every statement of a
    tree, they are every node ``walk`` yields once. (``walk``'s loop with a check for
    statements: a parameter of ``walk`` would cost its every node a test, 11% of its time.)"""
    found = []
    stack = [stmt]
    pop, push, fields_of = stack.pop, stack.append, _WALKED_FIELDS
    node_type, stmt_type = gast.AST, gast.stmt
    while stack:
        node = pop()
        found.append(node)
        fields = fields_of.get(type(node))
        if fields is None:
            fields = walked_fields(type(node))
        for field in fields:
            value = getattr(node, field, None)
            if type(value) is list:
                for item in reversed(value):
                    if isinstance(item, node_type) and not isinstance(item, stmt_type):
                        push(item)
            elif isinstance(value, node_type) and not isinstance(value, stmt_type):
                push(value)
    return found


def name_nodes(node: gast.AST) -> list[gast.Name]:
    """The names under ``node`` (``node`` too, if it is one), in the order ``walk`` meets
    them; faster than filtering ``walk``, which yields every node on the way."""
    found = []
    stack = [node]
    pop, push, extend, name_type = stack.pop, stack.append, stack.extend, gast.Name
    fields_of = _CHILD_FIELDS
    while stack:
        node = pop()
        kind = type(node)
        if kind is name_type:
            found.append(node)
            if getattr(node, "annotation", None) is None:
                continue  # (a parameter's annotation may hold names)
        fields = fields_of.get(kind)
        if fields is None:
            if not isinstance(node, gast.AST):
                continue  # not a node: `None` among a dict's keys
            fields = child_fields(kind)
        for field in fields:
            value = getattr(node, field, None)
            if type(value) is list:
                extend(reversed(value))
            elif value is not None:
                push(value)
    return found


class Transformer:
    """``gast.NodeTransformer``'s protocol, faster: ``visit_<Class>`` methods return the node to
    keep, None to drop it, or a list to splice into the list holding it; ``generic_visit``
    visits the children (not load/store contexts) and updates their fields in place.

    The standard one looks each method up by name, and walks every field, for every node; this
    one finds a class's method once, and walks only the fields that can hold nodes.
    """

    _methods: dict[type, object] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._methods = {}

    def visit(self, node: gast.AST):
        method = self._methods.get(type(node))
        if method is None:
            kind = type(node)
            method = getattr(type(self), "visit_" + kind.__name__, Transformer.generic_visit)
            self._methods[kind] = method
        return method(self, node)

    def generic_visit(self, node: gast.AST) -> gast.AST:
        kind = type(node)
        for field in _CHILD_FIELDS.get(kind) or child_fields(kind):
            old = getattr(node, field, None)
            if type(old) is list:
                new = []
                for value in old:
                    if isinstance(value, gast.AST):
                        value = self.visit(value)
                        if value is None:
                            continue
                        if not isinstance(value, gast.AST):
                            new.extend(value)
                            continue
                    new.append(value)
                old[:] = new
            elif isinstance(old, gast.AST):
                value = self.visit(old)
                if value is None:
                    delattr(node, field)
                else:
                    setattr(node, field, value)
        return node


def is_negation(node: gast.AST) -> bool:
    """Whether ``node`` is ``-operand``."""
    return isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub)


def placed_at(node: gast.AST, like: gast.AST) -> gast.AST:
    """``node`` with every node under it given ``like``'s position: code built from text for
    one of the user's functions or statements reports that place in errors and tracebacks."""
    for child in walk(node):
        gast.copy_location(child, like)
    return node


def located(node: gast.AST, like: gast.AST | None) -> gast.AST:
    """Give ``node`` and its children ``like``'s position where they have none.

    Nodes inside that already have a position keep it, and are not walked again (the user's
    code comes positioned, and passes locate each block as they build it): this stays linear
    in the size of what is new.
    """
    position = _position(like)
    if position is not None:
        _locate(node, position)
    return node


def all_located(nodes: list[gast.AST], like: gast.AST | None) -> list[gast.AST]:
    """``nodes``, each ``located`` at ``like`` (its position read once for them all)."""
    position = _position(like)
    if position is not None:
        for node in nodes:
            _locate(node, position)
    return nodes


def statements_located(stmts: list[gast.stmt], like: gast.AST | None) -> list[gast.stmt]:
    """``stmts`` and the statements nested in them given ``like``'s position where they have
    none, but not the expressions in them (unlike ``all_located``).

    For the derivative passes, which build most of their output's nodes: the source map reads
    statements' positions, and a pass reading generated code again places what it makes at the
    statement where an expression has no position (``frontend/anf.py``). Positioning every
    expression too cost a tenth of a long function's gradient.
    """
    position = _position(like)
    if position is None:
        return stmts
    stack = list(stmts)
    pop, push, stmt_type = stack.pop, stack.append, gast.stmt
    while stack:
        stmt = pop()
        fields = stmt.__dict__
        if fields.get("lineno") is None:
            fields.update(position)
        for field in ("body", "orelse"):
            for inner in fields.get(field) or ():
                if isinstance(inner, stmt_type) and inner.__dict__.get("lineno") is None:
                    push(inner)
    return stmts


def _position(like: gast.AST | None) -> dict | None:
    """``like``'s position fields, if it has a position."""
    where = like.__dict__ if like is not None else None
    if where is None or where.get("lineno") is None:
        return None
    return {attr: where.get(attr) for attr in _POSITION}


def _locate(node: gast.AST, position: dict) -> None:
    """Give ``node`` and the nodes under it that have no position ``position``."""
    stack = [node]
    pop, push, fields_of = stack.pop, stack.append, _WALKED_FIELDS
    positioned, name_type, node_type = _POSITIONED, gast.Name, gast.AST
    while stack:
        child = pop()
        fields = child.__dict__
        kind = type(child)
        if kind in positioned and fields.get("lineno") is None:
            fields.update(position)
        for field in fields_of.get(kind) or walked_fields(kind):
            value = fields.get(field)
            for item in value if type(value) is list else (value,):
                if not isinstance(item, node_type):
                    continue
                item_fields = item.__dict__
                if item_fields.get("lineno") is not None:
                    continue  # positioned already, and so is what is under it
                if type(item) is name_type and item_fields.get("annotation") is None:
                    item_fields.update(position)  # most new nodes: nothing under them
                else:
                    push(item)


# Node classes with a position: statements and expressions (and a few more, such as keywords).
_POSITIONED = frozenset(
    kind
    for kind in vars(gast).values()
    if isinstance(kind, type) and issubclass(kind, gast.AST) and "lineno" in kind._attributes
)


def assigns_name(stmt: gast.AST, name: str) -> bool:
    """Whether ``stmt`` is ``name = value``."""
    return (
        isinstance(stmt, gast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], gast.Name)
        and stmt.targets[0].id == name
    )


def target_names(target: gast.AST) -> list[str]:
    """The names an assignment target binds (``a``, ``a, (b, c)``; none for ``x[i]``)."""
    if isinstance(target, gast.Name):
        return [target.id]
    if isinstance(target, (gast.Tuple, gast.List)):
        return [n for elt in target.elts for n in target_names(elt)]
    return []


def stored_names(node: gast.AST) -> set[str]:
    """The names stored to anywhere under ``node`` (assigned, loop targets, unpacked into)."""
    return {n.id for n in walk(node) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}


def bound_arguments(params, node: gast.Call) -> dict[str, gast.AST]:
    """A call's arguments by the names of the parameters ``params`` they go to."""
    bound = dict(zip(params, node.args))
    bound.update({k.arg: k.value for k in node.keywords})
    return bound


def has_slice(index: gast.AST) -> bool:
    """Whether a subscript's index takes a slice on some axis or adds one (``x[1:]``,
    ``m[:, 0]``, ``x[None]``): basic indexing that gives a view, not an element."""
    if isinstance(index, gast.Tuple):
        return any(has_slice(elt) for elt in index.elts)
    return isinstance(index, gast.Slice) or (
        isinstance(index, gast.Constant) and index.value is None
    )


def with_ctx(node: gast.AST, ctx: type) -> gast.AST:
    """A copy of ``node`` (a name, subscript, or tuple of them) with context ``ctx``."""
    node = clone(node)
    if isinstance(node, (gast.Name, gast.Subscript, gast.Attribute)):
        node.ctx = ctx()
    elif isinstance(node, (gast.Tuple, gast.List)):
        node.ctx = ctx()
        node.elts = [with_ctx(e, ctx) for e in node.elts]
    return node


def parse_statements(source: str) -> list[gast.stmt]:
    return parse(source).body


def parse_expr(source: str) -> gast.AST:
    return parse(source).body[0].value


def substituted(node, replace):
    """A deep copy of ``node`` in which each name ``replace`` maps to a node (not None) is that
    node instead; names are offered to ``replace`` in source order."""
    kind = type(node)
    if kind is list:
        return [substituted(n, replace) for n in node]
    if kind is gast.Name:
        new = replace(node)
        if new is not None:
            return new
    elif not isinstance(node, gast.AST):
        return node
    return _copied(node, kind, substituted, replace)


def rebuilt(node: gast.AST, change) -> gast.AST:
    """A shallow copy of ``node`` whose fields are ``change(field, value)``, positions kept."""
    kind = type(node)
    new = kind.__new__(kind)
    fields = new.__dict__ = dict(node.__dict__)
    for field in node._fields:
        fields[field] = change(field, fields.get(field))
    return new


def clone(node):
    """A deep copy of a gast tree (much faster than ``copy.deepcopy`` on these small nodes).
    Load and store contexts and operators, which nothing changes, are shared."""
    kind = type(node)
    if kind is list:
        return [clone(n) for n in node]
    if not isinstance(node, gast.AST):
        return node
    return _copied(node, kind, clone)


def _copied(node: gast.AST, kind: type, copy_child, *args) -> gast.AST:
    """A copy of ``node`` (of class ``kind``) whose child nodes are ``copy_child(child, *args)``;
    its other fields, its operator and its position are shared."""
    new = kind.__new__(kind)
    fields = new.__dict__ = dict(node.__dict__)
    for field in _WALKED_FIELDS.get(kind) or walked_fields(kind):
        value = fields.get(field)
        if value is not None:
            fields[field] = copy_child(value, *args)
    return new
