"""Numba's on-disk cache for the runtime's helpers, so that a new function compiles only itself.

Every overload of the runtime is compiled with ``cache=True`` (the ``overload`` and
``register_jitable`` here are Numba's with that option). Without it, the first call of each
new derivative compiled again every helper it calls, for every type it meets: for a small
RNN's gradient 63 compilations and 7 s, of which 2 s with the helpers loaded from the cache.
A helper's compiled code goes to a folder of the cache directory named after a hash of the
runtime's source, ``runtime-<hash>``: Numba checks only that the file defining a function is
unchanged, not the helpers it calls, so an edit of any helper starts a new folder. The hash
covers Numba's settings that change its code too (``cachedir.codegen_flavour``): Numba's cache
does not tell them apart, and helpers the test suite compiled at ``NUMBA_OPT=0`` were loaded
by every later program (a Jacobian's column copy 25 times slower). Where
Numba's cache cannot be set up so, the helpers are compiled in every process as before.

Compiled code is named after the function's qualified name and a number Numba counts up in
each process; code loaded from the cache keeps the number of the process that compiled it.
Two processes can give one name to two different functions (two closures of one ``lambda``,
say), and a process that loads one and compiles the other calls a single body for both
(numba/numba#10486): a wrong answer. The numbers are drawn at random here instead, for all of
Numba's compilations once the runtime is imported (by the first generated module).
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

from numba import extending

from ..cachedir import RUNTIME, cache_dir, runtime_fingerprint, runtime_folder


@functools.cache
def _mark_used(folder: Path) -> None:
    """Once per process: `s2s cache clear --older-than` keeps a folder in use."""
    try:
        os.utime(folder)
    except OSError:
        pass


class _RandomIds:
    """Numba's per-process counter of compiled functions, drawn at random instead."""

    def __iter__(self):
        return self

    def __next__(self) -> int:
        return int.from_bytes(os.urandom(8), "little") >> 1


def _install():
    """Put a cache locator for the runtime's files first in Numba's list, and draw Numba's
    numbers at random; return the locator's class, or None where this Numba has no place
    for either."""
    try:
        from numba.core import bytecode, caching
    except ImportError:  # pragma: no cover - Numba moved them
        return None
    base = getattr(caching, "_CacheLocator", None)
    impl = getattr(caching, "CacheImpl", None) or getattr(caching, "_CacheImpl", None)
    identity = getattr(bytecode, "FunctionIdentity", None)
    if base is None or impl is None or not hasattr(identity, "_unique_ids"):
        return None

    class RuntimeLocator(base):
        """Numba's cache of a runtime helper: the runtime's folder in the cache directory."""

        def __init__(self, py_func, folder: Path):
            self._lineno = py_func.__code__.co_firstlineno
            self._py_file = py_func.__code__.co_filename  # where Numba's warnings point
            self._folder = folder

        def get_cache_path(self) -> str:
            return str(self._folder)

        def get_source_stamp(self) -> str:
            return runtime_fingerprint().hex()

        def get_disambiguator(self) -> str:
            return str(self._lineno)

        @classmethod
        def from_function(cls, py_func, py_file):
            if Path(py_file).resolve().parent != RUNTIME:
                return None
            for root in (cache_dir(), Path(tempfile.gettempdir()) / "s2s-cache"):
                self = cls(py_func, runtime_folder(root))
                try:
                    self.ensure_cache_path()
                except OSError:
                    continue
                _mark_used(self._folder)
                return self
            return None

    impl._locator_classes = [RuntimeLocator, *impl._locator_classes]
    identity._unique_ids = _RandomIds()
    return RuntimeLocator


LOCATOR = _install()
_CACHED = {"cache": True} if LOCATOR is not None else {}


def overload(func, jit_options=None, **kwargs):
    """``numba.extending.overload``, its implementations kept in the runtime's cache."""
    return extending.overload(func, jit_options={**_CACHED, **(jit_options or {})}, **kwargs)


def register_jitable(fn=None, **options):
    """``numba.extending.register_jitable``, kept in the runtime's cache."""
    options = {**_CACHED, **options}
    if fn is None:
        return lambda fn: register_jitable(fn, **options)
    if not options:  # (Numba's takes the function itself only when given no options)
        return extending.register_jitable(fn)
    return extending.register_jitable(**options)(fn)
