"""``s2s.show``: the source s2s generates for a function or transformation."""

from __future__ import annotations

from typing import Any

from .codegen.printer import program_source
from .jit import program_of
from .pipeline import collection_paused


def show(fn: Any, stage: str = "final") -> str:
    """The generated source of ``fn`` at ``stage`` ('parse', 'normalize' or 'final').

    ``fn`` is a plain function (shown as ``s2s.jit`` compiles it) or the result of a
    transformation such as ``s2s.grad(f)``. The transformations work on the normal form, one
    operation per statement; the final code folds the temporaries used once back into
    expressions, which is also what lets Numba fuse elementwise array operations.

    >>> import s2s
    >>> def f(x, y):
    ...     return (x * y + 1.0) ** 2
    >>> print(s2s.show(f, "normalize"))
    def f(x, y):
        _t3 = x * y
        _t2 = _t3 + 1.0
        _t1 = _t2 ** 2
        return _t1
    <BLANKLINE>
    >>> print(s2s.show(s2s.grad(f)))
    def f_grad(x, y):
        _t2 = x * y + 1.0
        _seed = _s2s.grad_seed(_t2 ** 2)
        bx = _s2s.unbroadcast(_seed * 2 * _t2 ** (2 - 1) * y, x)
        return _s2s.cast_like(bx, x)
    <BLANKLINE>
    """
    with collection_paused():
        return program_source(program_of(fn, stage), final=stage == "final")
