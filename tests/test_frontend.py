"""The frontend: name resolution, determinism, normalisation semantics, generated modules.

Test functions live in ``frontend_cases.py`` and ``frontend_other.py``.
"""

import copy
import importlib.util
import inspect
import linecache
import math
import os
import sys
import traceback
from pathlib import Path

import numpy as np
import pytest

import s2s
from s2s.codegen.loader import cache_dir
from s2s.compile import generate
from s2s.jit import program_of

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import frontend_cases as fc  # noqa: E402
import frontend_other  # noqa: E402


def parsed(fn):
    return s2s.show(fn, "parse")


# -- name resolution -----------------------------------------------------------------------------
def test_numpy_under_any_alias_is_np():
    text = parsed(fc.numpy_aliases)
    assert "return np.sin(x) + np.sin(x) + np.cos(x) + np.exp(x)" in text
    assert "xp." not in text and "numpy." not in text
    x = np.linspace(0.0, 1.0, 5)
    np.testing.assert_allclose(s2s.jit(fc.numpy_aliases)(x), fc.numpy_aliases(x))


def test_numpy_submodule_alias():
    assert "return np.linalg.norm(x) + np.linalg.norm(x)" in parsed(fc.linalg_alias)


def test_math_and_from_math_import():
    assert "return math.sin(v) + math.exp(v) + math.pi" in parsed(fc.math_names)
    assert s2s.jit(fc.math_names)(0.5) == pytest.approx(fc.math_names(0.5))


def test_numpy_scalar_type_imported_by_name():
    assert "return np.float64(v) + np.float64(1)" in parsed(fc.numpy_scalar_type)
    assert s2s.jit(fc.numpy_scalar_type)(2.0) == 3.0


def test_module_constants_are_bound():
    program = program_of(fc.module_constants)
    assert program.bindings["SCALE"] == 3.0
    assert program.bindings["SHAPE"] == (2, 3)
    assert program.bindings["WEIGHTS"] is fc.WEIGHTS
    x = np.arange(3.0)
    np.testing.assert_allclose(s2s.jit(fc.module_constants)(x), fc.module_constants(x))


def test_closure_constants_are_bound():
    program = program_of(fc.closure)
    assert program.bindings == {"k": 2.0, "offset": 0.5}
    x = np.arange(4.0)
    np.testing.assert_allclose(s2s.jit(fc.closure)(x), fc.closure(x))


def test_helpers_calling_helpers_are_pulled_in_once():
    program = program_of(fc.calls_helpers)
    assert list(program.units) == ["calls_helpers", "helper", "helper_twice"]
    assert s2s.jit(fc.calls_helpers)(np.arange(4.0)) == fc.calls_helpers(np.arange(4.0))


def test_helper_reached_through_another_module():
    program = program_of(fc.calls_module_helper)
    assert list(program.units) == ["calls_module_helper", "norm2", "helper"]
    assert "return norm2(x) + helper(x[0])" in parsed(fc.calls_module_helper)
    assert program.bindings["OFFSET"] == frontend_other.OFFSET
    x = np.arange(3.0)
    assert s2s.jit(fc.calls_module_helper)(x) == pytest.approx(fc.calls_module_helper(x))


def test_imported_helper_calling_its_own_module_helper():
    assert list(program_of(fc.calls_helper_calling_helper).units) == [
        "calls_helper_calling_helper",
        "cube",
        "square",
    ]
    assert s2s.jit(fc.calls_helper_calling_helper)(2.0) == 8.0


def test_same_named_helpers_from_two_modules_stay_distinct():
    program = program_of(fc.same_name_helpers)
    assert list(program.units) == ["same_name_helpers", "helper", "helper_1"]
    text = s2s.show(fc.same_name_helpers)
    assert "helper(v) + helper_1(v)" in parsed(fc.same_name_helpers)
    assert "v * SCALE" in text and "v + OFFSET" in text
    assert s2s.jit(fc.same_name_helpers)(2.0) == fc.same_name_helpers(2.0) == 108.0


def test_recursive_helper():
    assert list(program_of(fc.calls_recursive).units) == ["calls_recursive", "factorial"]
    assert s2s.jit(fc.calls_recursive)(5) == 121


def test_annotations_are_dropped():
    text = parsed(fc.annotated)
    assert text.startswith("def annotated(x, n):\n")
    assert "total = 0.0" in text and "float" not in text
    assert s2s.jit(fc.annotated)(np.arange(5.0), 3) == 3.0


def test_strings_in_assert_raise_and_comparisons():
    x = np.arange(3.0)
    compiled = s2s.jit(fc.strings)
    np.testing.assert_allclose(compiled(x, "double"), 2.0 * x)
    np.testing.assert_allclose(compiled(x, "negate"), -x)
    with pytest.raises(ValueError, match="unknown mode"):
        compiled(x, "other")


# -- names that do not resolve -------------------------------------------------------------------
def source_line(fn, text):
    """(file line, column) of the first occurrence of ``text`` in ``fn``'s source."""
    lines, first = inspect.getsourcelines(fn)
    for k, line in enumerate(lines):
        if text in line:
            return first + k, line.index(text)
    raise AssertionError(text)


def test_undefined_name_is_reported_with_location():
    with pytest.raises(s2s.NameResolutionError) as info:
        s2s.show(fc.undefined_name)
    exc = info.value
    assert exc.message == "name 'not_defined_anywhere' is not defined"
    loc = exc.location
    assert os.path.samefile(loc.filename, fc.__file__)
    assert (loc.lineno, loc.col) == source_line(fc.undefined_name, "not_defined_anywhere")
    assert loc.function == "undefined_name"
    assert "return x * not_defined_anywhere" in str(exc)


def test_undefined_name_in_helper_points_at_helper():
    with pytest.raises(s2s.NameResolutionError) as info:
        s2s.show(fc.undefined_in_helper)
    loc = info.value.location
    assert loc.function == "uses_undefined"
    assert (loc.lineno, loc.col) == source_line(fc.uses_undefined, "also_not_defined")


def test_jit_of_undefined_name_fails_on_call():
    compiled = s2s.jit(fc.undefined_name)  # the name might be defined later: wait for the call
    with pytest.raises(s2s.NameResolutionError, match="not_defined_anywhere"):
        compiled(1.0)


def test_unsupported_builtin_is_named_and_fails_at_once():
    with pytest.raises(s2s.NameResolutionError) as info:
        s2s.jit(fc.unsupported_builtin)
    assert info.value.message == "the builtin 'vars' is not supported by s2s"
    assert "range" in info.value.hint and "sorted" in info.value.hint
    assert info.value.location.lineno == source_line(fc.unsupported_builtin, "vars")[0]


# -- determinism ---------------------------------------------------------------------------------
def fresh_copy_of(module):
    """The module imported again from its file, as a separate module object."""
    name = f"{module.__name__}_copy"
    spec = importlib.util.spec_from_file_location(name, module.__file__)
    copy_ = importlib.util.module_from_spec(spec)
    sys.modules[name] = copy_
    try:
        spec.loader.exec_module(copy_)
    finally:
        del sys.modules[name]
    return copy_


DETERMINISM_CASES = ["calls_helpers", "same_name_helpers", "enumerate_loop", "array_methods"]


@pytest.mark.parametrize("stage", ["parse", "normalize", "final"])
def test_show_is_deterministic(stage):
    again = fresh_copy_of(fc)
    for name in DETERMINISM_CASES:
        first = s2s.show(getattr(fc, name), stage)
        assert s2s.show(getattr(fc, name), stage) == first
        assert s2s.show(getattr(again, name), stage) == first


def test_generated_module_path_is_deterministic():
    again = fresh_copy_of(fc)
    for name in DETERMINISM_CASES:
        first = generate(program_of(getattr(fc, name)))
        second = generate(program_of(getattr(again, name)))
        assert first.path == second.path
        assert first.source == second.source


# -- normalisation preserves meaning ---------------------------------------------------------------
def matrix(rows, cols):
    return np.arange(float(rows * cols)).reshape(rows, cols)


SEMANTICS = [
    ("short_circuit_and", (np.arange(3.0), 5)),  # x[5] would raise: must not be evaluated
    ("short_circuit_and", (np.arange(3.0), 2)),
    ("short_circuit_or", (np.arange(3.0), 7)),
    ("short_circuit_or", (np.arange(3.0) - 1.0, 0)),
    ("short_circuit_or", (np.arange(3.0), 2)),
    ("ternaries", (2.0, 1.0)),
    ("ternaries", (0.5, 0.5)),
    ("swaps", (1.0, 2.0, 3.0)),
    ("augmented_index", (np.arange(6.0), 4)),
    ("iterate_array", (np.arange(5.0),)),
    ("iterate_rows", (matrix(3, 2),)),
    ("loop_rebinds_sequence", (np.arange(4.0),)),
    ("enumerate_loop", (np.arange(4.0),)),
    ("zip_loop", (np.arange(5.0), np.arange(3.0))),
    ("while_continue_break", (30,)),
    ("while_continue_break", (0,)),
    ("while_plain", (np.arange(8.0),)),
    ("while_plain", (np.arange(3.0),)),
    ("multiple_returns", (-2.0,)),
    ("multiple_returns", (0.0,)),
    ("multiple_returns", (17.0,)),
    ("multiple_returns", (1000.0,)),
    ("nested_loops", (matrix(3, 3),)),
    ("array_methods", (np.arange(6.0),)),
    ("tuples_and_unpacking", (matrix(2, 3),)),
    ("comparisons_is_in", (2.0, 2)),
    ("comparisons_is_in", (2.0, 5)),
    ("boolean_values", (1.0, -1.0)),
    ("boolean_values", (-1.0, -1.0)),
    ("nested_subscripts", (matrix(2, 3),)),
]


@pytest.mark.parametrize(
    ("name", "args"), SEMANTICS, ids=[f"{name}-{k}" for k, (name, _) in enumerate(SEMANTICS)]
)
def test_normalisation_preserves_semantics(name, args):
    fn = getattr(fc, name)
    expected = fn(*copy.deepcopy(args))
    as_python = generate(program_of(fn)).py_func(*copy.deepcopy(args))
    compiled = s2s.jit(fn)(*copy.deepcopy(args))
    np.testing.assert_allclose(as_python, expected)
    np.testing.assert_allclose(compiled, expected)


@pytest.mark.parametrize(
    ("name", "evaluations"), [("chained_comparison", 1), ("chained_comparison_false_early", 0)]
)
def test_chained_comparison_evaluates_middle_once(name, evaluations):
    fn = getattr(fc, name)
    x = np.arange(3.0)
    for run in (fn, generate(program_of(fn)).py_func, s2s.jit(fn)):
        counter = np.zeros(1, dtype=np.int64)
        assert run(x, counter) == fn(x, np.zeros(1, dtype=np.int64))
        assert counter[0] == evaluations


def test_normal_form_shape():
    text = s2s.show(fc.array_methods, "normalize")
    assert "np.reshape(x, (2, 3))" in text
    assert "np.transpose(y)" in text
    assert "np.sum(y, axis=0)" in text
    assert "np.copy(x)" in text
    text = s2s.show(fc.enumerate_loop, "normalize")
    assert "for i in range(_t1):" in text  # enumerate from 0: the loop index itself
    assert "i = _i1 + 1" in text and "i = _i2 + 10" in text


def test_a_helper_given_a_function_is_specialised_to_it():
    text = s2s.show(fc.passes_a_function, "parse")
    assert "_apply_twice__halved(x) + _apply_twice__halved(v=x)" in text
    assert "return _halved(_halved(v))" in text
    assert "def _apply_twice(" not in text  # no call reaches it any more
    assert s2s.grad(fc.passes_a_function)(2.0) == 0.5


def test_a_helper_given_a_library_function_is_specialised_to_it():
    text = s2s.show(fc.passes_library_functions, "parse")
    assert "_apply_twice_tanh(x) + _apply_twice_exp(v=x) + _scaled(math.pi, x)" in text
    assert "return np.tanh(np.tanh(v))" in text
    assert "return math.exp(math.exp(v))" in text
    x = 0.3
    expected = (1 - math.tanh(x) ** 2) * (1 - math.tanh(math.tanh(x)) ** 2)
    expected += math.exp(math.exp(x)) * math.exp(x) + math.pi
    assert s2s.grad(fc.passes_library_functions)(x) == pytest.approx(expected)


@pytest.mark.parametrize("jit", [True, False], ids=["numba", "python"])
def test_split_into_unequal_parts_raises_numpys_error(jit):
    with pytest.raises(ValueError, match="does not result in an equal division"):
        s2s.grad(fc.split_unequally, jit=jit)(np.arange(6.0))


def test_a_variable_named_like_a_function_is_passed_as_the_variable():
    text = s2s.show(fc.passes_a_variable_named_like_a_function, "parse")
    assert "return _scaled(_halved, 2.0)" in text
    assert s2s.grad(fc.passes_a_variable_named_like_a_function)(2.0) == 6.25


def test_typed_lists_other_than_new_and_empty_are_refused():
    with pytest.raises(s2s.NameResolutionError, match="List` with arguments"):
        s2s.jit(fc.typed_list_with_items)
    with pytest.raises(s2s.NameResolutionError, match="supported only called"):
        s2s.jit(fc.typed_list_as_a_value)


def test_ndindex_and_ndenumerate_are_loops_over_flat_positions():
    text = s2s.show(fc.ndenumerate_loop, "normalize")
    assert "idx = _s2s.index_of(_i1, _t1)" in text and "v = m[idx]" in text
    m = np.arange(6.0).reshape(2, 3)
    assert s2s.jit(fc.ndenumerate_loop)(m) == fc.ndenumerate_loop(m)
    with pytest.raises(s2s.UnsupportedSyntaxError, match="must unpack an index and an entry"):
        s2s.jit(fc.ndenumerate_without_unpacking)


# -- jit -----------------------------------------------------------------------------------------
def test_helper_defined_after_caller_compiles_lazily():
    x = np.arange(3.0)
    np.testing.assert_allclose(fc.calls_late_helper(x), (x + 1.0) * 2.0)
    assert "late_helper" in s2s.show(fc.calls_late_helper)


def test_cuda_target_is_an_s2s_error():
    with pytest.raises(s2s.S2SError, match="cuda"):
        s2s.jit(fc.iterate_array, target="cuda")
    with pytest.raises(ValueError, match="unknown target"):
        s2s.jit(fc.iterate_array, target="tpu")


def test_generated_module_is_a_readable_file():
    compiled = s2s.jit(fc.calls_helpers)
    generated = compiled.__s2s_generated__
    path = Path(inspect.getsourcefile(generated))
    assert path.is_file()
    assert path.parent == cache_dir()
    source = inspect.getsource(generated)
    assert source.startswith("def calls_helpers(x):")
    assert source.strip() in s2s.show(fc.calls_helpers)
    first = generated.__code__.co_firstlineno
    assert linecache.getline(str(path), first).startswith("def calls_helpers(x):")
    assert inspect.getsource(compiled.py_func) == source


def test_traceback_shows_generated_line():
    run = generate(program_of(fc.strings)).py_func
    with pytest.raises(ValueError) as info:
        run(np.arange(3.0), "other")
    frame = traceback.extract_tb(info.tb)[-1]
    assert Path(frame.filename).parent == cache_dir()
    assert frame.line == "raise ValueError('unknown mode')"


@pytest.mark.parametrize(
    "name",
    ["plain", "decorated", "string_at_margin", "bracket_at_margin", "commented", "one_line"],
)
def test_a_function_block_is_read_as_inspect_reads_it(name):
    import source_cases

    from s2s.frontend.source import _function_block, parse_function

    fn = getattr(source_cases, name)
    lines, first = inspect.getsourcelines(fn)
    found = _function_block(fn, inspect.getsourcefile(fn))
    if name in ("string_at_margin", "bracket_at_margin"):
        assert found is None  # cut short where a string or a bracket runs on: inspect reads it
    else:
        assert found is not None and found[1] == first
        assert "".join(found[0]).rstrip() == "".join(lines).rstrip().split("\n    # a")[0]
    assert parse_function(fn).tree.name == fn.__name__


def test_a_method_block_is_read_as_inspect_reads_it():
    import source_cases

    from s2s.frontend.source import _function_block

    fn = source_cases.Holder.method
    found = _function_block(fn, inspect.getsourcefile(fn))
    assert found is not None and (found[0], found[1]) == tuple(inspect.getsourcelines(fn))


EDITED_MODULE = """import numpy as np


def f(x):
    return np.sum(x ** 2)


def g(x, y):
    s = 0.0
    for _ in range(3):
        s += x * y
    return s
"""


def _import_from(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ARGUMENTS = {"f": (np.ones(3),), "g": (2.0, 3.0)}


@pytest.mark.parametrize(
    "edit, stale",
    [
        (("def f(x):", "def h(x):\n    return x\n\n\ndef f(x):"), "fg"),  # f's lines hold h
        (
            ("    return np.sum(x ** 2)", "    y = x\n    return np.sum(y ** 2)"),
            "fg",
        ),  # a line more
        (("    for _ in range(3):\n        s += x * y", "    s += x * y"), "g"),  # lines fewer
        (("def g(x, y):", "def g(x, z):"), "g"),  # another parameter
    ],
    ids=["function-before", "line-added", "lines-removed", "parameter-renamed"],
)
def test_a_function_whose_file_changed_since_is_refused(tmp_path, edit, stale):
    """The code Python runs and the source s2s would read disagree: never a derivative of
    other code, but an error that says why."""
    path = tmp_path / "edited_module.py"
    path.write_text(EDITED_MODULE)
    module = _import_from(path)
    path.write_text(EDITED_MODULE.replace(*edit))
    for name in "fg":
        derivative = s2s.grad(getattr(module, name), jit=False)
        if name in stale:
            with pytest.raises(s2s.UnsupportedSyntaxError, match="file changed after the funct"):
                derivative(*ARGUMENTS[name])
        else:
            derivative(*ARGUMENTS[name])


def test_a_function_whose_file_grew_after_it_is_read(tmp_path):
    path = tmp_path / "grown_module.py"
    path.write_text(EDITED_MODULE)
    module = _import_from(path)
    path.write_text(EDITED_MODULE + "\n\ndef later(x):\n    return x\n")
    assert s2s.grad(module.g, jit=False)(2.0, 3.0) == pytest.approx(9.0)


def test_transforming_a_transformation_leaves_its_code_alone():
    """A transformation of another reads the other's program: none of its passes may rewrite
    what the other holds, so the other's source is the same whatever was built from it."""
    from corpus.arrays import tuple_unpacked_for_an_array
    from corpus.helpers import helper_calls_helper, nested_helper_results
    from corpus.linalg import trace_op
    from corpus.programs import pair_energy

    inner = [
        s2s.grad(trace_op),  # (its adjoint reads `b.T`, which normalising spells again)
        s2s.grad(pair_energy),
        s2s.grad(helper_calls_helper),
        s2s.grad(nested_helper_results),
        s2s.jacrev(tuple_unpacked_for_an_array),
        s2s.vmap(s2s.grad(helper_calls_helper)),
    ]
    for fn in inner:
        before = {stage: s2s.show(fn, stage) for stage in ("normalize", "final")}
        for outer in (s2s.grad, s2s.jacfwd, s2s.hessian, s2s.vmap, s2s.jit):
            try:
                s2s.show(outer(fn))
            except s2s.S2SError:
                pass  # (not every pair composes: a Hessian of an array function)
            assert {stage: s2s.show(fn, stage) for stage in before} == before, outer


def test_the_runtime_helpers_the_normal_form_writes_are_listed_as_such():
    """``is_generated`` tells a user's code from s2s's by calls to the runtime other than
    ``NORMAL_FORM_HELPERS``: every helper a frontend pass writes must be among them."""
    import re

    from s2s.frontend import NORMAL_FORM_HELPERS

    written = set()
    for path in (Path(s2s.__file__).parent / "frontend").glob("*.py"):
        written.update(re.findall(r"\"(_s2s\.[a-z_]+)", path.read_text()))
    assert written and written <= NORMAL_FORM_HELPERS, written - NORMAL_FORM_HELPERS
