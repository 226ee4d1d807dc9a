"""``s2s.show``: the source s2s generates for a function or transformation."""

from __future__ import annotations

from typing import Any

from .codegen.printer import program_source
from .jit import program_of


def show(fn: Any, stage: str = "final") -> str:
    """The generated source of ``fn`` at ``stage`` ('parse', 'normalize' or 'final').

    ``fn`` is a plain function (shown as ``s2s.jit`` compiles it) or the result of a
    transformation such as ``s2s.grad(f)``.

    >>> import s2s
    >>> def f(x, y):
    ...     return (x * y + 1.0) ** 2
    >>> print(s2s.show(f))
    def f(x, y):
        _t3 = x * y
        _t2 = _t3 + 1.0
        _t1 = _t2 ** 2
        return _t1
    <BLANKLINE>
    """
    return program_source(program_of(fn, stage))
