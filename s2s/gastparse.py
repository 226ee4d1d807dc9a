"""Parse Python source into gast trees: ``gast.parse``'s tree, built faster."""

from __future__ import annotations

import ast
from collections.abc import Callable

import gast
from gast.ast3 import Ast3ToGAst

_POSITION = ("lineno", "col_offset", "end_lineno", "end_col_offset")


def parse(source: str) -> gast.Module:
    """``gast.parse(source)``: the same tree, built faster.

    gast converts Python's tree through a generic visitor, which looks up each node's method
    by name and builds it from keyword arguments; here each node class gets its converter
    once. The few classes gast converts specially are done as gast does them (names,
    parameters, the ``type_params`` that older Pythons lack), or by gast itself.
    """
    return _gast_node(ast.parse(source))


def from_ast(tree: ast.AST) -> gast.AST:
    """The gast tree of a Python tree (``parse`` without the parsing)."""
    return _gast_node(tree)


def _gast_node(node: ast.AST) -> gast.AST:
    convert = _TO_GAST.get(type(node))
    if convert is None:
        convert = _TO_GAST[type(node)] = _gast_converter(type(node))
    return convert(node)


def _gast_value(value):
    if type(value) is list:
        return [_gast_value(item) for item in value]
    if isinstance(value, ast.AST):
        return _gast_node(value)
    return value


_TO_GAST: dict[type, Callable[[ast.AST], gast.AST]] = {}
_NAME = gast.Name


def _gast_converter(kind: type) -> Callable[[ast.AST], gast.AST]:
    """The converter of ``ast`` nodes of class ``kind`` to gast's."""
    name = kind.__name__
    own = getattr(Ast3ToGAst, "visit_" + name, None)
    special = own is not None and own is not getattr(ast.NodeTransformer, "visit_" + name, None)
    target = getattr(gast, name, None)
    attributes = kind._attributes
    if kind is ast.Name:  # the commonest node: its fields set directly

        def convert(node):
            new = _NAME.__new__(_NAME)
            given = node.__dict__
            values = new.__dict__ = {attribute: given[attribute] for attribute in _POSITION}
            values["id"] = given["id"]
            values["ctx"] = _gast_node(given["ctx"])
            values["annotation"] = values["type_comment"] = None
            return new

    elif kind is ast.arg:

        def convert(node):
            annotation = _gast_value(node.annotation)
            new = gast.Name(node.arg, gast.Param(), annotation, node.type_comment)
            return ast.copy_location(new, node)

    elif (
        special
        and name in ("FunctionDef", "AsyncFunctionDef", "ClassDef")
        and "type_params" in target._fields
        and "type_params" not in kind._fields
    ):
        generic = _generic_converter(kind, target, attributes)

        def convert(node):
            new = generic(node)
            new.type_params = []  # (a Python without them)
            return new

    elif special or target is None:
        visitor = Ast3ToGAst()
        convert = visitor.visit
    else:
        convert = _generic_converter(kind, target, attributes)
    return convert


def _generic_converter(kind: type, target: type, attributes: tuple[str, ...]):
    fields = kind._fields

    def convert(node):
        new = target.__new__(target)
        values = new.__dict__
        given = node.__dict__
        for field in fields:
            if field in given:
                value = given[field]
                if type(value) is list:
                    value = [_gast_value(item) for item in value]
                elif isinstance(value, ast.AST):
                    value = _gast_node(value)
                values[field] = value
        for attribute in attributes:
            if attribute in given:
                values[attribute] = given[attribute]
        return new

    return convert
