"""Load generated source as a real module file, so tracebacks, pdb and Numba's cache see it.

Modules live in the cache directory (``$S2S_CACHE_DIR``, default ``~/.cache/s2s``) under a name
derived from a hash of their source and of the values bound into them: the same program always
loads from the same file, which is what lets Numba's on-disk cache find its compiled code.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import os
import pickle
import sys
import types
from pathlib import Path
from typing import Any

from ..cachedir import cache_dir, runtime_fingerprint
from ..errors import SourceLocation
from ..frontend.source import is_vectorized
from ..program import Program
from .printer import printed_tree


def _fingerprint(value: Any) -> bytes:
    if is_vectorized(value):
        return _ufunc_fingerprint(value)
    try:
        return pickle.dumps(value, protocol=4)
    except Exception:
        return repr(value).encode()


def _ufunc_fingerprint(ufunc: Any) -> bytes:
    """A ``@numba.vectorize`` ufunc by its kernel's code and, if it was given signatures, its
    loops: not by what it has compiled since (a dynamic one gains a loop per new type), and
    anew when the kernel is edited (the compiled module holds its code)."""
    kernel = ufunc._dispatcher.py_func
    loops = list(ufunc.types) if getattr(ufunc, "_frozen", True) else []
    return f"{kernel.__module__}.{kernel.__qualname__} {loops} {_code(kernel.__code__)}".encode()


def _code(code: types.CodeType) -> str:
    """What a function's code does, as text the same in every process (``marshal`` of code
    may differ with reference counts; a nested code object's repr holds its address)."""
    consts = [_code(c) if isinstance(c, types.CodeType) else repr(c) for c in code.co_consts]
    return repr((code.co_code, consts, code.co_names, code.co_varnames, code.co_freevars))


def module_name(source: str, constants: dict[str, Any], stem: str) -> str:
    """``s2s_<stem>_<hash>``: the hash covers the source, the bound values and the runtime."""
    digest = hashlib.sha256(source.encode())
    digest.update(runtime_fingerprint())
    for name in sorted(constants):
        digest.update(name.encode())
        digest.update(_fingerprint(constants[name]))
    return f"s2s_{stem}_{digest.hexdigest()[:16]}"


def write_module(source: str, bindings: dict[str, Any], stem: str) -> Path:
    """The file holding ``source``, written once under a name derived from its content."""
    name = module_name(source, bindings, stem)
    path = cache_dir() / f"{name}.py"
    if not path.exists() or path.read_text() != source:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(source)
        os.replace(tmp, path)
    else:
        try:
            os.utime(path)  # used now: `s2s cache clear --older-than` keeps it
        except OSError:
            pass
    return path


def load_module(path: Path, bindings: dict[str, Any], variant: str) -> types.ModuleType:
    """A fresh module object executing ``path`` with ``bindings`` in its namespace."""
    name = f"{path.stem}_{variant}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    module.__dict__.update(bindings)
    spec.loader.exec_module(module)
    sys.modules[name] = module
    return module


def source_map(program: Program, source: str, filename: str) -> dict[int, SourceLocation]:
    """Generated line -> the user's location of the statement it came from."""
    lines: dict[int, SourceLocation] = {}
    generated = ast.parse(source)
    by_name = {n.name: n for n in generated.body if isinstance(n, ast.FunctionDef)}
    for unit in program:
        new = by_name.get(unit.name)
        if new is None:
            continue
        old = printed_tree(unit.tree)
        for a, b in zip(ast.walk(old), ast.walk(new)):
            if isinstance(b, ast.stmt) and getattr(a, "lineno", None):
                lines.setdefault(b.lineno, unit.parsed.location(a))
    return lines
