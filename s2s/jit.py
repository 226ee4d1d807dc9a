"""``s2s.jit``: compile a function (or any s2s transformation of one) with Numba."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import pipeline
from .compile import Generated, generate
from .errors import NameResolutionError
from .program import Program

TARGETS = ("cpu", "cuda")


def program_of(fn: Any, stage: str = "final") -> Program:
    """The program s2s generates for ``fn``: a transformation's own, or ``fn`` normalised."""
    own = getattr(fn, "__s2s_program__", None)
    if own is not None and stage == "final":
        return own() if callable(own) else own
    original = getattr(fn, "__s2s_original__", fn)
    return pipeline.frontend(original, "parse" if stage == "parse" else "normalize")


def jit(
    fn: Callable | None = None,
    *,
    target: str = "cpu",
    parallel: bool = False,
    fastmath: bool = False,
    cache: bool = True,
    threads_per_block: int | None = None,
) -> Callable:
    """Compile ``fn`` with Numba after s2s has resolved and normalised it.

    ``fn`` may call undecorated helper functions (they are compiled too), use module globals,
    closure constants, ``math`` and NumPy under any alias. ``fn`` may also be the result of
    another s2s transformation: ``s2s.jit(s2s.grad(f))``.

    >>> import numpy as np, s2s
    >>> def helper(v):
    ...     return v * v
    >>> @s2s.jit
    ... def sum_of_squares(a):
    ...     total = 0.0
    ...     for v in a:
    ...         total += helper(v)
    ...     return total
    >>> sum_of_squares(np.arange(4.0))
    14.0

    Returns the Numba dispatcher itself, so calls cost what a Numba call costs (and other
    Numba code can call it). It takes what the generated code takes: arrays and numbers. A
    transformation called with a tuple of parameters (``s2s.grad(loss)((W, b), x)``) compiles
    a version of its own for each structure of tuple; call it directly for those.

    ``cache=True`` keeps the compiled code in the cache directory (``$S2S_CACHE_DIR``) for the
    next process. The runtime helpers that generated code calls are kept there whatever
    ``cache`` says, so that a new function compiles only itself.

    ``target="cuda"`` compiles a batched function, ``s2s.jit(s2s.vmap(f), target="cuda")``,
    to a CUDA kernel that runs each batch element in a GPU thread (``threads_per_block`` per
    block; threads stride through batches larger than a few device-fulls);
    derivatives work too (``s2s.vmap(s2s.grad(f))``), computed in forward mode on the GPU.
    """
    if fn is None:
        return lambda f: jit(
            f,
            target=target,
            parallel=parallel,
            fastmath=fastmath,
            cache=cache,
            threads_per_block=threads_per_block,
        )
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; choose one of {', '.join(TARGETS)}")
    if target == "cuda":
        from .backends.cuda import CudaFunction

        return CudaFunction(fn, threads_per_block)
    options = dict(parallel=parallel, fastmath=fastmath, cache=cache)
    try:
        return _compile(fn, options)
    except NameResolutionError as exc:
        if "is not defined" not in exc.message:
            raise
        return _LazyJit(fn, options)  # a helper defined later in the module: wait for the call


def _compile(fn: Any, options: dict) -> Callable:
    generated = generate(program_of(fn))
    dispatcher = generated.compile(**options)
    _annotate(dispatcher, fn, generated)
    return dispatcher


def _annotate(dispatcher: Any, fn: Any, generated: Generated) -> None:
    dispatcher.__s2s_original__ = getattr(fn, "__s2s_original__", fn)
    dispatcher.__s2s_program__ = generated.program
    dispatcher.__s2s_generated__ = generated.py_func


class _LazyJit:
    """Compiles on first call: for functions whose helpers are defined after them."""

    def __init__(self, fn: Any, options: dict):
        self.__s2s_original__ = getattr(fn, "__s2s_original__", fn)
        self._fn = fn
        self._options = options
        self._dispatcher = None
        self.__name__ = getattr(fn, "__name__", "f")
        self.__doc__ = getattr(fn, "__doc__", None)

    @property
    def dispatcher(self) -> Callable:
        if self._dispatcher is None:
            self._dispatcher = _compile(self._fn, self._options)
        return self._dispatcher

    def __call__(self, *args, **kwargs):
        return self.dispatcher(*args, **kwargs)

    def __s2s_program__(self) -> Program:
        return program_of(self._fn)
