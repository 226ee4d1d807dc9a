"""Errors raised inside generated code point back at the user's line."""

import numpy as np
import pytest
import traceback_cases

import s2s
from s2s.codegen.loader import source_map
from s2s.codegen.printer import program_source
from s2s.jit import program_of


def test_error_in_generated_python_names_the_user_line():
    with pytest.raises(IndexError) as info:
        s2s.grad(traceback_cases.out_of_bounds, jit=False)(np.ones(4))
    notes = "\n".join(getattr(info.value, "__notes__", []))
    assert "traceback_cases.py" in notes
    assert "y[i] = x[i] * 2.0" in notes
    assert "line 9" in notes


def test_generated_source_is_a_real_file_for_tracebacks_and_pdb():
    gradient = s2s.grad(traceback_cases.out_of_bounds, jit=False)
    frames = []
    try:
        gradient(np.ones(4))
    except IndexError as exc:
        tb = exc.__traceback__
        while tb is not None:
            frames.append(tb.tb_frame.f_code.co_filename)
            tb = tb.tb_next
    generated = [f for f in frames if "s2s_out_of_bounds_grad" in f]
    assert generated, frames
    with open(generated[-1]) as handle:
        assert "def out_of_bounds_grad(x):" in handle.read()


@pytest.mark.parametrize(
    "transform",
    [lambda f: s2s.vmap(s2s.grad(f)), lambda f: s2s.grad(s2s.grad(f)), s2s.hessian],
    ids=["vmap of grad", "grad of grad", "hessian"],
)
def test_a_transformation_of_generated_code_maps_to_the_user_line(transform):
    """Generated code read again: what comes of ``np.sin(x)`` maps to its line, not to the
    ``def`` (generated expressions carry no position of their own; their statements do)."""
    fn = traceback_cases.sine_then_product
    program = program_of(transform(fn), "final")
    source = program_source(program)
    lines = source_map(program, source, "generated.py")
    sine_line = fn.__code__.co_firstlineno + 1
    cosines = [k for k, text in enumerate(source.splitlines(), 1) if "np.cos(" in text]
    assert cosines, source
    assert {lines[k].lineno for k in cosines} == {sine_line}, source
