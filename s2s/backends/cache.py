"""Numba's on-disk cache of generated functions: one set of files per way of compiling them.

A generated module is one file, ``s2s_<name>_<hash>.py``, loaded once for each way of
compiling it (``parallel``, ``fastmath``, ``cache``: a module named ``<file>_nb011``, say).
Numba names its cache files after the source file, the function and its line, and tells
entries apart by signature and CPU only: the code of one variant was loaded for another (a
process that asked for ``fastmath=False`` after another compiled ``fastmath=True`` failed to
import the other's module), and code compiled with other settings of Numba (the test suite's
``NUMBA_OPT=0``) was loaded as if optimised. Here each of Numba's locators, for a generated
function, adds the variant and ``cachedir.codegen_flavour()`` to the name of its files.
"""

from __future__ import annotations

from pathlib import Path

from ..cachedir import codegen_flavour


def variant(py_func, py_file: str) -> str | None:
    """How a generated function is compiled (``nb011``), from its module's name; None for
    any other function."""
    path = Path(py_file)
    module = getattr(py_func, "__module__", None) or ""
    if not (path.name.startswith("s2s_") and module.startswith(path.stem + "_")):
        return None
    return module[len(path.stem) + 1 :]


def _keeping_variants_apart(locator: type) -> type:
    """``locator``, its files named after the generated function's variant too."""

    class Variant(locator):
        keeps_variants_apart = True
        variant = ""

        def get_disambiguator(self) -> str:
            return f"{super().get_disambiguator()}-{self.variant}-{codegen_flavour()}"

        @classmethod
        def from_function(cls, py_func, py_file):
            kind = variant(py_func, py_file)
            if kind is None:
                return None
            self = super().from_function(py_func, py_file)
            if self is not None:
                self.variant = kind
            return self

    Variant.__name__ = Variant.__qualname__ = f"Variant{locator.__name__}"
    return Variant


def _install() -> bool:
    """Put a variant-aware copy of each of Numba's locators before them; False where this
    Numba has no list of locators to extend."""
    try:
        from numba.core import caching
    except ImportError:  # pragma: no cover - Numba moved it
        return False
    impl = getattr(caching, "CacheImpl", None) or getattr(caching, "_CacheImpl", None)
    locators = getattr(impl, "_locator_classes", None)
    if locators is None:  # pragma: no cover
        return False
    if not any(getattr(c, "keeps_variants_apart", False) for c in locators):
        ours = [_keeping_variants_apart(c) for c in locators]
        impl._locator_classes = [*ours, *locators]
    return True


INSTALLED = _install()
