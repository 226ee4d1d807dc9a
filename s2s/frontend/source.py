"""Parse a Python function into a gast tree that remembers where it came from."""

from __future__ import annotations

import ast
import dataclasses
import functools
import inspect
import linecache
import math
import textwrap
from collections.abc import Callable
from typing import Any

import gast

from ..codegen.naming import Namer, names_in
from ..errors import SourceLocation, UnsupportedSyntaxError
from ..gastparse import from_ast, parse


@dataclasses.dataclass
class ParsedFunction:
    """A function's tree plus what is needed to map nodes back to the user's file."""

    fn: Callable
    tree: gast.FunctionDef
    filename: str
    line_offset: int  # file line = node line + line_offset
    col_offset: int  # file column = node column + col_offset (the indentation removed)
    namespace: dict[str, Any]  # closure cells over globals: what free names mean

    @property
    def name(self) -> str:
        return self.tree.name

    def location(self, node: gast.AST | None) -> SourceLocation:
        lineno = getattr(node, "lineno", None) or self.tree.lineno
        col = getattr(node, "col_offset", None)
        col = self.tree.col_offset if col is None else col
        return SourceLocation(
            self.filename, lineno + self.line_offset, col + self.col_offset, self.fn.__name__
        )


def original_function(fn: Any) -> Callable:
    """The plain Python function behind a Numba dispatcher or an s2s wrapper (a
    ``functools.partial`` of one stays a partial, of that function)."""
    for attr in ("__s2s_generated__", "py_func"):
        inner = getattr(fn, attr, None)
        if callable(inner):
            return original_function(inner)
    if inspect.isfunction(fn):
        return fn
    if isinstance(fn, functools.partial):
        return functools.partial(original_function(fn.func), *fn.args, **fn.keywords)
    raise TypeError(f"s2s transforms Python functions, not {type(fn).__name__} objects")


def is_vectorized(value: Any) -> bool:
    """A ufunc ``@numba.vectorize`` made: bound by name, and compiled by Numba as it is (its
    derivatives are rules registered under that name)."""
    return type(value).__name__ == "DUFunc" and type(value).__module__.startswith("numba.")


def is_function(value: Any) -> bool:
    """Whether s2s can read ``value`` as a Python function (plain, jitted or transformed)."""
    try:
        original_function(value)
    except TypeError:
        return False
    return True


def parse_function(fn: Callable) -> ParsedFunction:
    """Parse ``fn``'s source with gast, without its decorators; a lambda becomes a ``def``
    returning its expression."""
    fn = original_function(fn)
    if isinstance(fn, functools.partial):
        return _parse_partial(fn)
    filename = inspect.getsourcefile(fn) or fn.__code__.co_filename
    if fn.__code__.co_name == "<lambda>":
        return _parse_lambda(fn, filename)
    found = _function_block(fn, filename)
    if found is not None:
        lines, first_line, python_tree = found
        module = from_ast(python_tree)
    else:
        try:
            lines, first_line = inspect.getsourcelines(fn)
        except (OSError, TypeError) as exc:
            raise UnsupportedSyntaxError(
                f"s2s cannot read the source of {fn.__qualname__}: {exc}",
                hint="define the function in a file (not in an interactive session or via exec)",
            ) from None
        module = parse(textwrap.dedent("".join(lines)))
    indent = _indent(lines[0])
    tree = module.body[0]
    if isinstance(tree, gast.AsyncFunctionDef):
        raise UnsupportedSyntaxError(
            "async functions are not supported by s2s",
            SourceLocation(filename, tree.lineno + first_line - 1, indent, fn.__name__),
            hint="define the function with `def`",
        )
    if not isinstance(tree, gast.FunctionDef):
        raise UnsupportedSyntaxError(
            f"s2s expected a function definition, found {type(tree).__name__}",
            SourceLocation(filename, first_line, indent, fn.__name__),
        )
    _check_source_is_the_code(fn, tree, filename, first_line, len(lines), indent)
    tree.decorator_list = []
    _drop_annotations(tree)
    namespace = _namespace(fn)
    _defaults_as_bound(fn, tree, namespace)
    return ParsedFunction(fn, tree, filename, first_line - 1, indent, namespace)


def _namespace(fn: Callable) -> dict[str, Any]:
    """What the free names of ``fn`` mean: its closure's cells over its globals."""
    namespace = dict(fn.__globals__)
    if fn.__closure__:
        for name, cell in zip(fn.__code__.co_freevars, fn.__closure__):
            try:
                namespace[name] = cell.cell_contents
            except ValueError:  # an empty cell: the name is not bound yet
                pass
    return namespace


_PLAIN_CONSTANTS = (bool, int, str, type(None))


def _defaults_as_bound(fn: Callable, tree: gast.FunctionDef, namespace: dict[str, Any]) -> None:
    """Each default of ``tree`` made the value Python bound when it defined ``fn``
    (``fn.__defaults__``), not its expression read again: ``c=k`` means what ``k`` was then,
    though ``k`` may have been rebound since, or be a local of the code around. A number, a
    string or None is written in place; a name that no longer means its value is read
    through a name of ``namespace`` bound to it; other expressions stay."""
    values = fn.__defaults__ or ()
    nodes = tree.args.defaults
    if len(values) != len(nodes):
        return  # (the source is not the code: found and reported elsewhere)
    params = [a.id for a in tree.args.args][len(tree.args.args) - len(nodes) :]
    namer = Namer(set(namespace) | names_in(tree))
    bound = []
    for param, node, value in zip(params, nodes, values):
        plain = type(value) in _PLAIN_CONSTANTS or type(value) is float and math.isfinite(value)
        if plain:
            bound.append(gast.copy_location(gast.Constant(value, None), node))
        elif not isinstance(node, gast.Name) or namespace.get(node.id, node) is value:
            bound.append(node)  # (an expression the fence judges; a name meaning the value)
        else:
            bound.append(_bound_name(namer, namespace, f"{param}_default", value, node))
    tree.args.defaults = bound


def _bound_name(namer: Namer, namespace: dict, base: str, value: Any, at=None) -> gast.Name:
    """A fresh name of ``namespace`` (from ``base``) bound to ``value``, read at ``at``."""
    name = namer.fresh(base)
    namespace[name] = value
    read = gast.Name(name, gast.Load(), None, None)
    return read if at is None else gast.copy_location(read, at)


def call_signature(fn: Callable) -> inspect.Signature:
    """The parameters a call of ``fn`` (from ``original_function``) binds, as s2s's code for
    it takes them: a partial's are those it leaves, keyword-bound ones not among them."""
    if not isinstance(fn, functools.partial):
        return inspect.signature(fn)
    parameters = list(inspect.signature(fn.func).parameters.values())[len(fn.args) :]
    return inspect.Signature([p for p in parameters if p.name not in fn.keywords])


def _parse_partial(bound: functools.partial) -> ParsedFunction:
    """``functools.partial(f, *args, **keywords)`` as the ``def`` of the parameters it leaves
    that calls ``f`` with the values bound (names of its namespace), placed at ``f``'s
    ``def``: ``def f_partial(x, c): return f(w_bound, x, c=c, data=data_bound)`` for
    ``partial(f, w, data=...)`` of ``f(w, x, data, c)``."""
    fn = bound.func
    inner = parse_function(fn)
    params = inner.tree.args.args
    names = [a.id for a in params]
    if len(bound.args) > len(names) or set(bound.keywords) - set(names):
        raise TypeError(f"the arguments that functools.partial binds do not fit {fn.__name__}")
    namespace = dict(inner.namespace)
    namer = Namer(set(namespace) | set(names))

    def bind(base: str, value: Any) -> gast.Name:
        return _bound_name(namer, namespace, base, value)

    target = bind(fn.__name__, fn)
    args = [bind(f"{names[k]}_bound", v) for k, v in enumerate(bound.args)]
    left = [n for n in names[len(bound.args) :] if n not in bound.keywords]
    # by position up to the first parameter bound by keyword (a tuple of parameters passes
    # whole to a helper by position only), by keyword after it
    first = min((names.index(k) for k in bound.keywords), default=len(names))
    args += [gast.Name(n, gast.Load(), None, None) for n in left if names.index(n) < first]
    later = [n for n in left if names.index(n) > first]
    keywords = [gast.keyword(n, gast.Name(n, gast.Load(), None, None)) for n in later]
    keywords += [gast.keyword(k, bind(f"{k}_bound", v)) for k, v in bound.keywords.items()]
    defaults = dict(
        zip(names[len(names) - len(inner.tree.args.defaults) :], inner.tree.args.defaults)
    )
    kept = [n for n in left if n in defaults]
    if kept != left[len(left) - len(kept) :]:
        raise TypeError(
            f"functools.partial of {fn.__name__} leaves a parameter without a default after "
            "one with a default: s2s takes the parameters it leaves by position"
        )
    signature = gast.arguments(
        [gast.Name(n, gast.Param(), None, None) for n in left],
        [],
        None,
        [],
        [],
        None,
        [defaults[n] for n in kept],
    )
    body = [gast.Return(gast.Call(target, args, keywords))]
    tree = gast.FunctionDef(f"{fn.__name__}_partial", signature, body, [], None, None, [])
    for node in gast.walk(tree):  # (at the def of f)
        if "lineno" in node._attributes:
            gast.copy_location(node, inner.tree)
    return dataclasses.replace(inner, tree=tree, namespace=namespace)


# The name a lambda's ``def`` takes, unless an assignment names it (``f = lambda x: ...``).
LAMBDA_NAME = "lambda_fn"


def _parse_lambda(fn: Callable, filename: str) -> ParsedFunction:
    """``fn``, a lambda, as ``def name(params): return expression``, found in its file's tree
    (a line may hold several lambdas: the one whose expression holds all of ``fn``'s code),
    its nodes at their places in the file."""
    linecache.checkcache(filename)
    source = "".join(linecache.getlines(filename, fn.__globals__))
    line = fn.__code__.co_firstlineno
    where = SourceLocation(filename, line, 0, fn.__name__)
    module = _parsed_file(source) if source else None
    if module is None:
        raise UnsupportedSyntaxError(
            f"s2s cannot read the source of the lambda on line {line} of {filename}",
            where,
            hint="define the function in a file (not in an interactive session or via exec)",
        )
    found = _the_lambda(fn, module)
    if found is None:
        raise UnsupportedSyntaxError(
            "s2s cannot tell this lambda from the other code on its line (or its file "
            "changed after it was defined)",
            where,
            hint="define the function with `def`",
        )
    node, name = found
    body = [ast.copy_location(ast.Return(node.body), node.body)]
    python_tree = ast.copy_location(
        ast.FunctionDef(name=name, args=node.args, body=body, decorator_list=[]), node
    )
    python_tree.end_lineno, python_tree.end_col_offset = node.end_lineno, node.end_col_offset
    tree = from_ast(ast.Module([python_tree], [])).body[0]
    _drop_annotations(tree)
    namespace = _namespace(fn)
    _defaults_as_bound(fn, tree, namespace)
    return ParsedFunction(fn, tree, filename, 0, 0, namespace)


@functools.lru_cache(maxsize=8)
def _parsed_file(source: str) -> ast.Module | None:
    """A file's tree, parsed once for all the lambdas in it (and not changed by them); None
    if it does not parse."""
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


def _the_lambda(fn: Callable, module: ast.Module) -> tuple[ast.Lambda, str] | None:
    """The lambda of ``module`` that compiled to ``fn``, and the name of its ``def``: the
    innermost lambda on ``fn``'s first line with ``fn``'s parameters whose expression spans
    every position of ``fn``'s code; None if there is none, or two."""
    code = fn.__code__
    params = _parameters(code)
    # (line, column, end line, end column) of each instruction; the first and the last have
    # an empty span at the line's start (Python 3.10 has none: lambdas of one line that take
    # the same parameters cannot be told apart there)
    spans = code.co_positions() if hasattr(code, "co_positions") else ()
    positions = [
        (line, col, end_line, end_col)
        for line, end_line, col, end_col in spans
        if None not in (line, end_line, col, end_col) and (line, col) != (end_line, end_col)
    ]
    named: dict[int, str] = {}
    candidates = []
    for node in _spanning(module, code.co_firstlineno):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
            if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                named[id(node.value)] = node.targets[0].id
        if not isinstance(node, ast.Lambda) or node.lineno != code.co_firstlineno:
            continue
        args = node.args
        listed = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        if tuple(a.arg for a in listed if a is not None) != params:
            continue
        start, end = _expression_span(node)
        if all(start <= p[:2] and p[2:] <= end for p in positions):
            candidates.append(node)
    innermost = [
        node
        for node in candidates
        if not any(other is not node and _inside(other, node) for other in candidates)
    ]
    if len(innermost) != 1:
        return None
    node = innermost[0]
    return node, named.get(id(node), LAMBDA_NAME)


def _spanning(module: ast.Module, line: int):
    """The nodes of ``module`` whose lines include ``line`` (a file's tree is large: its
    other statements are not visited)."""
    stack = [module]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            start = getattr(child, "lineno", None)
            if start is None or start <= line <= child.end_lineno:
                stack.append(child)


def _parameters(code) -> tuple[str, ...]:
    """The names of a code object's parameters, in order."""
    total = code.co_argcount + code.co_kwonlyargcount
    total += bool(code.co_flags & inspect.CO_VARARGS) + bool(code.co_flags & inspect.CO_VARKEYWORDS)
    return code.co_varnames[:total]


def _expression_span(node: ast.Lambda) -> tuple[tuple[int, int], tuple[int, int]]:
    """Where a lambda's expression starts and ends: (line, column) pairs."""
    body = node.body
    return (body.lineno, body.col_offset), (body.end_lineno, body.end_col_offset)


def _inside(inner: ast.Lambda, outer: ast.Lambda) -> bool:
    """Whether ``inner`` lies within ``outer``'s expression."""
    start, end = _expression_span(outer)
    first, last = (inner.lineno, inner.col_offset), (inner.end_lineno, inner.end_col_offset)
    return start <= first and last <= end


def _check_source_is_the_code(
    fn: Callable, tree: gast.FunctionDef, filename: str, first_line: int, count: int, indent: int
) -> None:
    """Raise if the source read for ``fn`` is not the code it runs: its file was edited after
    the function was defined, and the lines at its place now hold another function, other
    parameters, fewer lines than its code covers, or a last statement below its code's last
    line. (An edit that keeps all four goes unseen: Python keeps no copy of the source.)"""
    code = fn.__code__
    args = tree.args
    named = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    params = tuple(a.id for a in named if a is not None)
    lines = [line for _, _, line in code.co_lines() if line is not None]
    last = first_line + count - 1
    if (
        tree.name == code.co_name
        and params == _parameters(code)
        and all(first_line <= line <= last for line in lines)
        and (not lines or _last_compiled_line(tree.body) + first_line - 1 <= max(lines))
    ):
        return
    raise UnsupportedSyntaxError(
        f"the source of {fn.__qualname__} in its file is not the code it runs: the file "
        "changed after the function was defined",
        SourceLocation(filename, first_line, indent, fn.__name__),
        hint="reload its module (importlib.reload) or restart Python, then transform it again",
    )


def _last_compiled_line(body: list[gast.stmt]) -> int:
    """The line of the last statement of ``body`` that Python compiles to code: not one after
    a ``return`` or ``raise`` (unreachable), a docstring, ``global`` or ``nonlocal``; 0 if none."""
    line = 0
    for k, stmt in enumerate(body):
        docstring = k == 0 and isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant)
        if not (docstring or isinstance(stmt, (gast.Global, gast.Nonlocal))):
            line = stmt.lineno
        if isinstance(stmt, (gast.Return, gast.Raise)):
            break
    return line


def _function_block(fn: Callable, filename: str) -> tuple[list[str], int, ast.Module] | None:
    """``fn``'s lines, first line number and parsed lines, for a function defined by ``def``
    in a file (as ``inspect`` finds them, but comment lines after the last statement); None
    where ``inspect`` must find them.

    ``inspect.getsourcelines`` tokenizes the lines from the function's first to find where its
    block ends: a tenth of the time of a transformation of a long function. Here the block is
    the ``def`` with its decorators and the lines indented deeper than it, and it counts only
    if it parses as exactly that function (a string or a bracket that runs on at a lesser
    indent cuts it short, and then it does not).
    """
    linecache.checkcache(filename)  # a file edited since: its lines now, as inspect reads them
    lines = linecache.getlines(filename, fn.__globals__)
    start = fn.__code__.co_firstlineno - 1
    if not 0 <= start < len(lines):
        return None
    margin = _indent(lines[start])
    k = start
    while k < len(lines) and lines[k].lstrip().startswith("@") and _indent(lines[k]) == margin:
        k += 1  # decorators
    if k == len(lines) or _indent(lines[k]) != margin:
        return None
    end = k + 1
    for j in range(k + 1, len(lines)):
        text = lines[j].strip()
        if text and not text.startswith("#"):
            if _indent(lines[j]) <= margin:
                break
            end = j + 1
    block = lines[start:end]
    try:
        tree = ast.parse(textwrap.dedent("".join(block)))
    except SyntaxError:
        return None
    body = tree.body
    if (
        len(body) != 1
        or not isinstance(body[0], (ast.FunctionDef, ast.AsyncFunctionDef))
        or body[0].name != fn.__name__
        or body[0].end_lineno != len(block)
    ):
        return None
    return block, start + 1, tree


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _drop_annotations(tree: gast.FunctionDef) -> None:
    """Remove type annotations: they mean nothing to s2s or Numba, and may name types
    (``Optional[float]``, the user's classes) that the generated module cannot import."""
    tree.returns = None
    args = tree.args
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
        if arg is not None:
            arg.annotation = None
    _drop_annotated_assignments(tree)


def _drop_annotated_assignments(node: gast.AST) -> None:
    """Replace the annotated assignments in ``node``'s blocks and theirs (statements only:
    expressions hold no blocks)."""
    for field in ("body", "orelse", "finalbody", "handlers", "cases"):
        block = getattr(node, field, None)
        if not isinstance(block, list):
            continue
        if any(isinstance(s, gast.AnnAssign) for s in block):
            block = [_unannotated(s) for s in block]
            setattr(node, field, block)
        for stmt in block:
            _drop_annotated_assignments(stmt)


def _unannotated(stmt: gast.stmt) -> gast.stmt:
    """``x: T = v`` -> ``x = v``; a bare ``x: T`` -> ``pass``; other statements unchanged."""
    if not isinstance(stmt, gast.AnnAssign):
        return stmt
    if stmt.value is None:
        return gast.copy_location(gast.Pass(), stmt)
    return gast.copy_location(gast.Assign([stmt.target], stmt.value, None), stmt)
