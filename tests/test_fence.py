"""Every construct outside the accepted subset is rejected with a precise, readable error.

The rejected functions live in ``fence_cases.py`` (so their line numbers do not depend on this
file); the offending line of each is marked with a ``# reject`` comment.
"""

import inspect
import os
import sys
from pathlib import Path

import pytest

import s2s

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import fence_cases  # noqa: E402

# (function in fence_cases, words the message must contain, text the column points at)
CASES = [
    ("generator", "generators (`yield`)", "yield"),
    ("generator_from", "`yield from`", "yield"),
    ("try_except", "`try` statements", "try"),
    ("try_finally", "`try` statements", "try"),
    ("with_block", "`with` statements", "with"),
    ("global_statement", "`global` statements", "global"),
    ("nonlocal_statement", "`nonlocal` statements", "nonlocal"),
    ("nested_function_returned", "nested functions used as values", "inner"),
    ("nested_function_with_default", "nested functions with default values", "def"),
    ("lambda_passed_on", "lambda expressions other than", "lambda"),
    ("nested_function_rebound", "nested functions whose names are also assigned", "def"),
    ("nested_function_defined_twice", "nested functions defined twice", "scale"),
    ("nested_functions_with_one_name_in_two_scopes", "in two scopes", "def"),
    ("nested_class", "class definitions", "class"),
    ("dict_literal", "dict literals", "{"),
    ("set_literal", "set literals", "{"),
    ("dict_comprehension", "dict comprehensions", "{"),
    ("set_comprehension", "set comprehensions", "{"),
    ("generator_expression", "generator expressions", "(i * x"),
    ("del_statement", "`del` statements", "del"),
    ("import_statement", "imports inside the function", "import"),
    ("import_from_statement", "imports inside the function", "from"),
    ("walrus", "assignment expressions (`:=`)", "y :="),
    ("starred_call", "starred expressions", "*shape"),
    ("starred_assignment", "starred expressions", "*rest"),
    ("kwargs_in_call", "`**kwargs` in calls", "**OPTIONS"),
    ("varargs_parameter", "variadic parameters", "xs"),
    ("kwargs_parameter", "variadic parameters", "options"),
    ("keyword_only_parameter", "keyword-only parameters", "scale"),
    ("attribute_assignment", "assignments to attributes", "x.shape"),
    ("attribute_augmented_assignment", "assignments to attributes", "x.real"),
    ("match_statement", "`match` statements", "match"),
    ("async_function", "async functions", "async"),
    ("decorated_async_function", "async functions", "async"),
    ("lambda_default", "lambda expressions", "lambda v"),
    ("raise_from", "`raise ... from` clauses", "raise"),
    ("print_keywords", "keyword arguments to `print`", 'end="'),
]


def marked_line(fn):
    """(line number, text) of the line of ``fn``'s source marked ``# reject``."""
    lines, first = inspect.getsourcelines(fn)
    marked = [k for k, line in enumerate(lines) if line.rstrip().endswith("# reject")]
    assert len(marked) == 1, f"{fn.__name__} needs exactly one line marked '# reject'"
    return first + marked[0], lines[marked[0]].rstrip("\n")


def check_error(exc, where, words, points_at):
    lineno, line = marked_line(where)
    col = line.index(points_at)
    assert isinstance(exc, s2s.UnsupportedSyntaxError)
    assert words in exc.message
    assert "not supported" in exc.message
    loc = exc.location
    assert loc is not None
    assert os.path.samefile(loc.filename, fence_cases.__file__)
    assert (loc.lineno, loc.col) == (lineno, col), (loc, line)
    assert loc.function == where.__name__
    # The rendered message quotes the line and puts a caret under the column.
    rendered = str(exc).splitlines()
    assert rendered[0] == exc.message
    assert f'File "{loc.filename}", line {lineno}, column {col + 1}' in rendered[1]
    stripped = line.lstrip()
    assert rendered[2] == "    " + stripped
    assert rendered[3] == "    " + " " * (col - (len(line) - len(stripped))) + "^"


@pytest.mark.parametrize("api", ["jit", "show"])
@pytest.mark.parametrize(("name", "words", "points_at"), CASES, ids=[c[0] for c in CASES])
def test_rejected(api, name, words, points_at):
    fn = getattr(fence_cases, name)
    with pytest.raises(s2s.UnsupportedSyntaxError) as info:
        if api == "jit":
            s2s.jit(fn)
        else:
            s2s.show(fn)
    check_error(info.value, fn, words, points_at)


@pytest.mark.parametrize("stage", ["parse", "normalize", "final"])
def test_rejected_at_every_stage(stage):
    with pytest.raises(s2s.UnsupportedSyntaxError, match="`try` statements"):
        s2s.show(fence_cases.try_except, stage)


def test_rejected_construct_in_helper_points_at_helper():
    with pytest.raises(s2s.UnsupportedSyntaxError) as info:
        s2s.jit(fence_cases.calls_rejected_helper)
    check_error(info.value, fence_cases.helper_with_try, "`try` statements", "try")


def test_every_fence_case_is_tested():
    tested = {name for name, _, _ in CASES} | {"helper_with_try", "calls_rejected_helper"}
    defined = {
        name
        for name, value in vars(fence_cases).items()
        if inspect.isfunction(value)
        and value.__module__ == fence_cases.__name__
        and name not in ("make_nonlocal", "decorated", "apply_twice")
    }
    assert defined <= tested, defined - tested


def test_hint_is_rendered():
    with pytest.raises(s2s.UnsupportedSyntaxError) as info:
        s2s.show(fence_cases.generator_expression)
    assert info.value.hint
    assert str(info.value).splitlines()[-1] == f"  hint: {info.value.hint}"
