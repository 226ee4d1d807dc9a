"""The ``s2s`` command line: ``s2s show TARGET``, its errors, colours and argument helpers."""

import argparse
import os
import re
import subprocess
import sys
import textwrap

import pytest

import s2s
from s2s import cli
from s2s.forward import jvp_transform

ANSI = re.compile(r"\x1b\[[0-9;]*m")

SOURCE = '''\
import math

import numpy as np

SCALE = 2.0


def helper(v):
    return v * SCALE


def f(x, y):
    """Docstring."""
    total = 0.0
    for v in x:
        total += helper(v) + math.sin(y)  # a comment
    return np.sum(x.T) + total
'''

PARSE = '''\
def f(x, y):
    """Docstring."""
    total = 0.0
    for v in x:
        total += helper(v) + math.sin(y)
    return np.sum(x.T) + total


def helper(v):
    return v * SCALE
'''

FINAL_START = """\
def f(x, y):
    total = 0.0
    for _i1 in range(len(x)):
        v = x[_i1]
"""


@pytest.fixture(autouse=True)
def isolated_imports(monkeypatch):
    """Each test imports its own files: forget modules and sys.path entries it added."""
    modules = set(sys.modules)
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield
    for name in set(sys.modules) - modules:
        module = sys.modules[name]
        origin = getattr(module, "__file__", None) or ""
        # Only the test's own files: libraries imported on the way (SciPy, ...) stay loaded.
        if "site-packages" not in origin and not name.startswith(("s2s", "numba", "scipy")):
            del sys.modules[name]


def write(path, source):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))
    return path


def run(capsys, *argv):
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(status, out, err, *fragments):
    assert status == 2
    assert out == ""
    assert err.startswith("s2s: error: ")
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err


# -- show ----------------------------------------------------------------------------------------
def test_show_file(tmp_path, capsys):
    path = write(tmp_path / "model_a.py", SOURCE)
    status, out, err = run(capsys, "show", f"{path}:f")
    assert (status, err) == (0, "")
    assert out.startswith(FINAL_START)
    assert "\x1b[" not in out  # not a terminal: no colour
    assert "def helper(v):" in out


def test_show_stages(tmp_path, capsys):
    path = write(tmp_path / "model_b.py", SOURCE)
    status, out, _ = run(capsys, "show", f"{path}:f", "--stage", "parse")
    assert status == 0
    assert out == PARSE
    status, normalized, _ = run(capsys, "show", f"{path}:f", "--stage=normalize")
    status_final, final, _ = run(capsys, "show", f"{path}:f", "--stage", "final")
    assert status == status_final == 0
    # What jit compiles is the normal form with its single-use temporaries folded back in.
    assert "_t1 = len(x)" in normalized and "_t1" not in final
    assert "for _i1 in range(len(x)):" in final


def test_show_matches_library(tmp_path, capsys):
    path = write(tmp_path / "model_c.py", SOURCE)
    status, out, _ = run(capsys, "show", f"{path}:f", "--stage", "normalize")
    module = sys.modules["model_c"]
    assert status == 0
    assert out == s2s.show(module.f, "normalize")


def test_relative_path_and_sibling_import(tmp_path, capsys, monkeypatch):
    write(tmp_path / "src" / "siblinghelpers.py", "def double(v):\n    return 2.0 * v\n")
    write(
        tmp_path / "src" / "uses_sibling.py",
        """\
        from siblinghelpers import double

        def g(x):
            return double(x) + 1.0
        """,
    )
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "show", os.path.join("src", "uses_sibling.py") + ":g")
    assert (status, err) == (0, "")
    assert "= double(x)" in out and "def double(v):" in out


def test_file_in_package_with_relative_import(tmp_path, capsys):
    write(tmp_path / "clipkg" / "__init__.py", "")
    write(tmp_path / "clipkg" / "util.py", "def half(v):\n    return 0.5 * v\n")
    write(
        tmp_path / "clipkg" / "model.py",
        """\
        from .util import half

        def h(x):
            return half(x) * 3.0
        """,
    )
    status, out, err = run(capsys, "show", f"{tmp_path / 'clipkg' / 'model.py'}:h")
    assert (status, err) == (0, "")
    assert "def half(v):" in out


def test_show_module_target(tmp_path, capsys, monkeypatch):
    write(tmp_path / "climodpkg" / "__init__.py", "")
    write(tmp_path / "climodpkg" / "physics.py", SOURCE)
    monkeypatch.syspath_prepend(str(tmp_path))
    status, out, err = run(capsys, "show", "climodpkg.physics:f", "--stage", "parse")
    assert (status, err, out) == (0, "", PARSE)


def test_module_in_current_directory(tmp_path, capsys, monkeypatch):
    write(tmp_path / "cwd_model.py", SOURCE)
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "show", "cwd_model:f", "--stage", "parse")
    assert (status, out) == (0, PARSE)


def test_dotted_function_name(tmp_path, capsys):
    path = write(
        tmp_path / "dotted_target.py",
        """\
        import types

        def f(x):
            return x + 1.0

        ns = types.SimpleNamespace(f=f)
        """,
    )
    status, out, _ = run(capsys, "show", f"{path}:ns.f")
    assert status == 0 and out.startswith("def f(x):")


def test_jitted_function(tmp_path, capsys):
    path = write(
        tmp_path / "jitted_target.py",
        """\
        import numba
        import s2s

        @s2s.jit
        def f(x):
            return x * 2.0 + 1.0

        @numba.njit
        def g(x):
            return x - 1.0
        """,
    )
    for name, line in (("f", "return x * 2.0 + 1.0"), ("g", "return x - 1.0")):
        status, out, err = run(capsys, "show", f"{path}:{name}")
        assert (status, err) == (0, "")
        assert line in out


# -- colour --------------------------------------------------------------------------------------
def test_color_always_and_never(tmp_path, capsys):
    path = write(tmp_path / "model_d.py", SOURCE)
    status, coloured, _ = run(capsys, "show", f"{path}:f", "--stage", "parse", "--color", "always")
    assert status == 0
    assert "\x1b[" in coloured
    assert ANSI.sub("", coloured) == PARSE
    status, plain, _ = run(capsys, "show", f"{path}:f", "--stage", "parse", "--color=never")
    assert (status, plain) == (0, PARSE)


def test_highlight_categories():
    source = (
        'def f(x):\n    """doc"""\n    y = np.linalg.solve(x, 2.5)  # note\n    return abs(y.sum)\n'
    )
    out = cli.highlight(source)
    assert ANSI.sub("", out) == source
    styles = cli.STYLES
    assert f"{styles['keyword']}def\x1b[0m" in out
    assert f"{styles['definition']}f\x1b[0m" in out
    assert f'{styles["string"]}"""doc"""\x1b[0m' in out
    assert f"{styles['module']}np.linalg.solve\x1b[0m" in out
    assert f"{styles['number']}2.5\x1b[0m" in out
    assert f"{styles['comment']}# note\x1b[0m" in out
    assert f"{styles['keyword']}return\x1b[0m" in out
    assert f"{styles['builtin']}abs\x1b[0m" in out
    assert f"{styles['builtin']}sum" not in out  # an attribute, not the builtin


def test_highlight_multiline_string_and_bad_source():
    source = 'x = """a\nb"""\n'
    out = cli.highlight(source)
    assert ANSI.sub("", out) == source
    assert all(line.endswith("\x1b[0m") for line in out.splitlines()[:2])
    assert cli.highlight('x = """unterminated\n') == 'x = """unterminated\n'


class _Stream:
    def __init__(self, tty):
        self.tty = tty

    def isatty(self):
        return self.tty


def test_use_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert cli.use_color("auto", _Stream(True))
    assert not cli.use_color("auto", _Stream(False))
    assert cli.use_color("always", _Stream(False))
    assert not cli.use_color("never", _Stream(True))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli.use_color("auto", _Stream(True))


# -- errors --------------------------------------------------------------------------------------
def test_missing_file(tmp_path, capsys):
    status, out, err = run(capsys, "show", f"{tmp_path / 'nope.py'}:f")
    assert_one_line_error(status, out, err, "no such file", "nope.py")


def test_missing_function(tmp_path, capsys):
    path = write(tmp_path / "model_e.py", SOURCE)
    status, out, err = run(capsys, "show", f"{path}:g")
    assert_one_line_error(status, out, err, f"'{path}' has no function 'g'")


def test_not_a_function(tmp_path, capsys):
    path = write(tmp_path / "model_f.py", SOURCE + "\nclass Model:\n    pass\n")
    status, out, err = run(capsys, "show", f"{path}:SCALE")
    assert_one_line_error(status, out, err, "'SCALE'", "float, not a function")
    for name in ("Model", "math.sin"):
        status, out, err = run(capsys, "show", f"{path}:{name}")
        assert_one_line_error(status, out, err, f"'{name}'", "not a function")


def test_syntax_error_in_target(tmp_path, capsys):
    path = write(tmp_path / "broken.py", "def f(x:\n    return x\n")
    status, out, err = run(capsys, "show", f"{path}:f")
    assert_one_line_error(status, out, err, "cannot import", "SyntaxError", "line 1")


def test_exception_while_importing_target(tmp_path, capsys):
    path = write(tmp_path / "raises.py", "raise RuntimeError('no\\nway')\n")
    status, out, err = run(capsys, "show", f"{path}:f")
    assert_one_line_error(status, out, err, "RuntimeError: no way")


def test_target_importing_a_missing_module(tmp_path, capsys):
    path = write(tmp_path / "needs_missing.py", "import no_such_dependency_here\n")
    status, out, err = run(capsys, "show", f"{path}:f")
    assert_one_line_error(
        status, out, err, "cannot import", "No module named 'no_such_dependency_here'"
    )


def test_unimportable_module(capsys):
    status, out, err = run(capsys, "show", "no_such_module_anywhere.sub:f")
    assert_one_line_error(status, out, err, "no module named 'no_such_module_anywhere.sub'")


def test_invalid_target(capsys):
    status, out, err = run(capsys, "show", "model.py")
    assert_one_line_error(status, out, err, "invalid target", "FILE.py:FUNCTION")
    status, out, err = run(capsys, "show", "model.py:1f")
    assert_one_line_error(status, out, err, "not a function name")


def test_rejected_construct(tmp_path, capsys):
    path = write(
        tmp_path / "rejected.py",
        """\
        def f(x):
            try:
                return 1.0 / x
            except ZeroDivisionError:
                return 0.0
        """,
    )
    status, out, err = run(capsys, "show", f"{path}:f")
    assert status == 2 and out == ""
    lines = err.splitlines()
    assert lines[0] == "s2s: error: `try` statements are not supported by s2s"
    assert lines[1] == f'  File "{path}", line 2, column 5, in f'
    assert lines[2:4] == ["    try:", "    ^"]
    assert "Traceback" not in err


def test_unresolved_name(tmp_path, capsys):
    path = write(tmp_path / "unresolved.py", "def f(x):\n    return x * missing\n")
    status, out, err = run(capsys, "show", f"{path}:f")
    assert status == 2 and out == ""
    assert err.startswith("s2s: error: name 'missing' is not defined\n")


def test_internal_error_is_one_line(tmp_path, capsys, monkeypatch):
    path = write(tmp_path / "model_g.py", SOURCE)

    def broken(fn, args):
        raise KeyError("boom")

    monkeypatch.setattr(cli, "build_transform", broken)
    status, out, err = run(capsys, "show", f"{path}:f")
    assert status == 1 and out == ""
    assert (
        err == "s2s: error: internal error: KeyError: 'boom' (run with --traceback for details)\n"
    )
    status, out, err = run(capsys, "--traceback", "show", f"{path}:f")
    assert status == 1 and "Traceback" in err and "KeyError" in err


def test_usage_errors(capsys):
    status, out, err = run(capsys)
    assert status == 2 and "usage: s2s" in err
    status, out, err = run(capsys, "show", "x.py:f", "--stage", "bogus")
    assert status == 2 and "invalid choice: 'bogus'" in err


# -- help and version ----------------------------------------------------------------------------
def test_version(capsys):
    status, out, _ = run(capsys, "--version")
    assert (status, out) == (0, f"s2s {s2s.__version__}\n")


def test_help(capsys):
    status, out, _ = run(capsys, "--help")
    assert status == 0
    assert out.startswith("usage: s2s")
    assert "show" in out and "print the source s2s generates" in out
    status, out, _ = run(capsys, "show", "--help")
    assert status == 0
    for text in ("usage: s2s show", "FILE.py:NAME", "MODULE:NAME", "--stage", "--color", "parse"):
        assert text in out


# -- transformation flags ------------------------------------------------------------------------
TWO_ARGUMENTS = """\
import numpy as np


def energy(x, w):
    total = 0.0
    for i in range(x.shape[0]):
        total += w * np.sin(x[i]) ** 2
    return total


def field(x, w):
    return w * np.tanh(x)
"""


def vmap_of_grad(fn):
    return s2s.vmap(s2s.grad(fn, jit=False), in_axes=(0, None), jit=False)


@pytest.mark.parametrize(
    ("flags", "name", "transform"),
    [
        (["--grad"], "energy", lambda f: s2s.grad(f, jit=False)),
        (["--grad", "--argnums", "0,1"], "energy", lambda f: s2s.grad(f, (0, 1), jit=False)),
        (["--jvp"], "energy", jvp_transform),
        (["--hessian"], "energy", lambda f: s2s.hessian(f, jit=False)),
        (["--jacfwd"], "field", lambda f: s2s.jacfwd(f, jit=False)),
        (["--jacrev", "--argnums", "1"], "field", lambda f: s2s.jacrev(f, 1, jit=False)),
        (["--grad", "--vmap", "--in-axes", "0,None"], "energy", vmap_of_grad),
    ],
)
def test_transformation_flags_show_what_the_library_generates(
    tmp_path, capsys, flags, name, transform
):
    path = write(tmp_path / "model_flags.py", TWO_ARGUMENTS)
    status, out, err = run(capsys, "show", f"{path}:{name}", *flags)
    assert (status, err) == (0, "")
    fn = getattr(sys.modules["model_flags"], name)
    assert out == s2s.show(transform(fn))


def test_transformation_flags_exclude_each_other(tmp_path, capsys):
    path = write(tmp_path / "model_exclusive.py", TWO_ARGUMENTS)
    status, out, err = run(capsys, "show", f"{path}:field", "--jacfwd", "--jacrev")
    assert_one_line_error(status, out, err, "choose one of --grad, --jvp, --hessian")


def test_build_transform_is_identity_without_flags():
    args = cli.build_parser().parse_args(["show", "m.py:f"])
    assert cli.build_transform(len, args) is len


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", 0), ("2", 2), ("0,1", (0, 1)), (" 0 , 2 ", (0, 2)), ("1,", (1,)), ("-1", -1)],
)
def test_parse_argnums(text, expected):
    assert cli.parse_argnums(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("None", None),
        ("none", None),
        ("0,None,-1", (0, None, -1)),
        ("1, None", (1, None)),
        ("None,", (None,)),
    ],
)
def test_parse_in_axes(text, expected):
    assert cli.parse_in_axes(text) == expected


@pytest.mark.parametrize("text", ["", ",", "0,,1", "a", "0,x", "1.5", ",1"])
def test_parse_helpers_reject(text):
    with pytest.raises(argparse.ArgumentTypeError):
        cli.parse_argnums(text)
    with pytest.raises(argparse.ArgumentTypeError):
        cli.parse_in_axes(text)


def test_parse_helpers_as_argparse_types(capsys):
    parser = argparse.ArgumentParser(prog="t")
    parser.add_argument("--argnums", type=cli.parse_argnums)
    parser.add_argument("--in-axes", type=cli.parse_in_axes)
    args = parser.parse_args(["--argnums", "0,1", "--in-axes", "0,None"])
    assert (args.argnums, args.in_axes) == ((0, 1), (0, None))
    with pytest.raises(SystemExit):
        parser.parse_args(["--argnums", "x"])
    assert "invalid argument numbers 'x'" in capsys.readouterr().err


# -- as a program --------------------------------------------------------------------------------
def run_module(*argv, cwd):
    return subprocess.run(
        [sys.executable, "-m", "s2s", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_python_dash_m(tmp_path):
    write(tmp_path / "model_h.py", SOURCE)
    done = run_module("show", "model_h.py:f", "--stage", "parse", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == PARSE  # a pipe, not a terminal: no colour


def test_python_dash_m_error(tmp_path):
    done = run_module("show", "missing.py:f", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == "s2s: error: no such file: 'missing.py'\n"
