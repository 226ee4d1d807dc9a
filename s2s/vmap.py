"""``s2s.vmap``: batch a function over an axis of its arguments (JAX's names and semantics)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numba
import numpy as np

from .ad import Spread, Transformed, entries_of, normalized_program
from .compile import generate
from .errors import BatchingError
from .program import UNKNOWN_DEFAULT, Program
from .transforms.batch import (
    PARALLEL_THRESHOLD,
    Batching,
    batch_program,
    shared_writes,
    shared_writes_error,
)
from .transforms.tuple_arguments import leaf_count, structure_of


def _axes(value: Any, what: str, nested: bool = False) -> int | None | tuple:
    """``value`` checked: an int, None, or a tuple of them (``nested``: of them and of such
    tuples, one for each tuple argument)."""
    if _is_axis(value):
        return None if value is None else int(value)
    if isinstance(value, (tuple, list)) and all(
        _is_axis(v) or nested and isinstance(v, (tuple, list)) for v in value
    ):
        return tuple(
            None if v is None else int(v) if _is_axis(v) else _axes(v, what, nested) for v in value
        )
    tuples = " (for a tuple argument, of such tuples)" if nested else ""
    raise BatchingError(f"{what} must be an int, None or a tuple of them{tuples}, not {value!r}")


def _is_axis(value: Any) -> bool:
    return value is None or isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _leaf_axes(axis: int | None | tuple, structure: tuple | None, argument: str) -> list:
    """The axis of each leaf of an argument of ``structure`` with the in_axes entry ``axis``."""
    if not isinstance(axis, tuple):
        return [axis] * leaf_count(structure)
    if structure is None or len(axis) != len(structure):
        held = "not a tuple" if structure is None else f"a tuple of {len(structure)}"
        raise BatchingError(
            f"in_axes gives {axis!r} for {argument}, which is {held}: give an int or None, "
            "or a tuple with one entry for each entry of the tuple"
        )
    return [a for part, inner in zip(axis, structure) for a in _leaf_axes(part, inner, argument)]


class _Batched(Transformed):
    def __init__(self, fn, in_axes, out_axes, axis_size, jit, parallel):
        self._in_axes = in_axes
        self._out_axes = out_axes
        self._axis_size = axis_size
        self._arity = None
        self._names: list[str] = []
        self._labels: list[str] = []  # how errors name the arguments, where not as above
        self._defaults: list = []  # the values of the last parameters' defaults
        self._normalized: Program | None = None

        self._mode = parallel
        self._shared: list[str] = []  # unbatched arguments the function writes into
        super().__init__(fn, lambda: self._batched_program(bool(parallel)), jit, "vmap")

    def _batched_program(self, parallel: bool) -> Program:
        axes = self._per_argument(self._parameters())
        for k, axis in enumerate(axes):
            _leaf_axes(axis, None, self._argument(k))  # a tuple of axes for no tuple: refused
        program = self._normalized or normalized_program(self._fn)
        self._normalized = None
        self._shared = shared_writes(program, axes)
        if parallel and self._shared:
            raise shared_writes_error(
                program,
                self._shared,
                "vmap(parallel=True):",
                hint="batch it (in_axes=0 on one copy per element), allocate it inside the "
                "function, or run the elements one after another (parallel=False)",
            )
        batching = Batching(axes, self._out_axes, self._axis_size, parallel)
        return batch_program(program, batching)

    def _parameters(self) -> int:
        """How many parameters the function has (its names and defaults learnt too)."""
        if self._arity is None:
            program = self._normalized = normalized_program(self._fn)  # (for the first build)
            params = program.entry_unit.tree.args.args
            self._arity = len(params)
            self._names = [a.id for a in params]
            self._defaults = program.default_values()
        return self._arity

    def _omitting(self, given: int) -> _Batched:
        """This vmap for calls that pass the first ``given`` arguments only: the others are
        their defaults, each the same for every element (``in_axes`` None)."""
        missing = self._arity - given
        if (
            missing > len(self._defaults)
            or UNKNOWN_DEFAULT in self._defaults[given - self._arity :]
        ):
            raise TypeError(f"{self.__name__} takes {self._arity} argument(s), {given} given")
        axes = self._in_axes
        if isinstance(axes, tuple):
            if len(axes) == self._arity and any(a is not None for a in axes[given:]):
                first = given + next(k for k, a in enumerate(axes[given:]) if a is not None)
                raise BatchingError(
                    f"{self._argument(first)} is batched (in_axes) but not given: pass it, "
                    "or None in in_axes to leave it its default"
                )
            axes = axes[:given]
        else:
            axes = (axes,) * given
        key = ("omitting", given)
        if key not in self.__dict__:
            self.__dict__[key] = _Batched(
                self._fn,
                axes + (None,) * missing,
                self._out_axes,
                self._axis_size,
                self._jit,
                self._mode,
            )
        return self.__dict__[key]

    def _per_argument(self, count: int) -> tuple[int | None, ...]:
        axes = self._in_axes
        if isinstance(axes, tuple):
            if len(axes) != count:
                raise BatchingError(
                    f"in_axes has {len(axes)} entries but the function takes {count} "
                    "argument(s): give one entry (an int or None) per argument"
                )
            return axes
        return (axes,) * count

    def _argument(self, k: int) -> str:
        if k < len(self._labels):
            return self._labels[k]
        return f"argument {k} (`{self._names[k]}`)" if k < len(self._names) else f"argument {k}"

    @property
    def function(self) -> Callable:
        """The batched function with a serial loop (or a parallel one for parallel=True)."""
        if "_compiled" not in self.__dict__:
            generated = self._generated
            self._compiled = (
                generated.compile(parallel=bool(self._mode)) if self._jit else generated.py_func
            )
        return self._compiled

    @property
    def parallel_function(self) -> Callable:
        """The batched function with a ``prange`` loop, compiled when a large batch comes."""
        if "_parallel_compiled" not in self.__dict__:
            generated = generate(self._batched_program(True))
            self._parallel_compiled = generated.compile(parallel=True)
        return self._parallel_compiled

    def __call__(self, *args, **kwargs):
        if kwargs:
            args = self.positional(args, kwargs)
        if len(args) < self._parameters():  # the rest take their defaults, unbatched
            return self._omitting(len(args))(*args, *self._defaults[len(args) - self._arity :])
        if any(type(a) is tuple for a in args):
            structures = self._batched_tuples(args)
            if hasattr(self._fn, "for_tuples"):  # a derivative: its tuples to differentiate
                structures.update(self._fn.tuple_structures(args))
            if structures:
                return self._with_tuples(args, structures)
        size = self.batch_size(args)
        try:
            # Elements that write into one shared argument run one after another.
            parallel = self._mode is None and self._jit and not self._shared
            if parallel and self._runs_in_parallel(size):
                return self.parallel_function(*args)
            return self.function(*args)
        except Exception as exc:
            raise self.annotated(exc) from None

    def _batched_tuples(self, args: tuple) -> dict[int, tuple]:
        """The positions of the batched tuples among ``args``, and their structures."""
        self._parameters()
        structures = {}
        for k, (arg, axis) in enumerate(zip(args, self._per_argument(len(args)))):
            if axis is None or type(arg) is not tuple:
                continue  # (a tuple of axes for no tuple is refused with the program)
            structure = structure_of(arg, of_floats=False)
            if structure is None:
                raise BatchingError(
                    f"{self._argument(k)} is a tuple, batched (in_axes={axis}), that holds "
                    "other values than arrays, numbers and such tuples",
                    hint="pass None in in_axes for it, or its entries as arguments of their own",
                )
            structures[k] = structure
        return structures

    def _with_tuples(self, args: tuple, structures: dict[int, tuple]) -> Any:
        """``vmap(f)((W, b), xs)``: the function taking the tuples' entries, batched, each
        entry along its tuple's axis; for a derivative (``vmap(grad(loss))``), its gradients
        regrouped into tuples."""
        derivative = hasattr(self._fn, "for_tuples")
        if derivative and not isinstance(self._out_axes, int):
            raise BatchingError(
                f"out_axes={self._out_axes!r} for gradients of a tuple argument: give one int"
            )
        key = ("tuples", tuple(sorted(structures.items())))
        if key not in self.__dict__:
            axes = self._per_argument(len(args))
            flat_axes = [
                leaf
                for k, axis in enumerate(axes)
                for leaf in _leaf_axes(axis, structures.get(k), self._argument(k))
            ]
            spread = self.__dict__[key] = _Batched(
                self._fn.for_tuples(structures, len(args))
                if derivative
                else Spread(self._fn, structures, self._jit, BatchingError),
                tuple(flat_axes),
                self._out_axes,
                self._axis_size,
                self._jit,
                self._mode,
            )
            spread._labels = [
                label
                for k in range(len(args))
                for label in _entry_labels(self._argument(k), structures.get(k))
            ]
        result = self.__dict__[key](*entries_of(args, structures))
        return self._fn.regrouped(result, structures, len(args)) if derivative else result

    @staticmethod
    def _runs_in_parallel(size: int) -> bool:
        """Whether ``parallel=None`` runs a batch of ``size`` in parallel: a large one, when
        Numba has more than one thread (with one, a parallel loop is a plain one that costs
        more: its body cannot be the element function's, see ``transforms/batch.py``)."""
        return size >= PARALLEL_THRESHOLD and numba.get_num_threads() > 1

    def batch_size(self, args: tuple) -> int:
        """The batch size of a call with ``args``, once they are checked against in_axes."""
        self._program  # noqa: B018  (builds, and checks in_axes against the signature)
        if len(args) != self._arity:
            raise TypeError(f"{self.__name__} takes {self._arity} argument(s), {len(args)} given")
        axes = self._per_argument(len(args))
        size = None
        for k, (arg, axis) in enumerate(zip(args, axes)):
            if axis is None:
                continue
            ndim = np.ndim(arg)
            if ndim == 0:
                raise BatchingError(
                    f"{self._argument(k)} is batched (in_axes={axis}) but is a scalar: "
                    "pass an array, or None in in_axes to broadcast it"
                )
            if not -ndim <= axis < ndim:
                raise BatchingError(
                    f"in_axes={axis} is out of range for {self._argument(k)}, which has {ndim} axes"
                )
            n = np.shape(arg)[axis]
            if size is None:
                size, first = n, k
            elif n != size:
                raise BatchingError(
                    f"batch sizes disagree: {self._argument(first)} has {size} elements "
                    f"along its batch axis, {self._argument(k)} has {n}"
                )
        if size is None and self._axis_size is None:
            raise BatchingError("no argument is batched: give in_axes, or axis_size")
        size = size if size is not None else self._axis_size
        if size == 0:
            raise BatchingError("vmap over an empty batch: the output shape is unknown")
        return size


def vmap(
    fn: Callable,
    in_axes: int | None | Sequence[int | None] = 0,
    out_axes: int | Sequence[int] = 0,
    axis_size: int | None = None,
    *,
    jit: bool = True,
    parallel: bool | None = None,
) -> Callable:
    """Batch ``fn`` over an axis of its arguments: the result stacks ``fn`` over the slices.

    ``in_axes``: the batch axis of each argument (an int for all, or a tuple with one int or
    ``None`` per argument; ``None`` broadcasts the argument to every element). An argument may
    be a tuple of arrays and numbers (or of such tuples), as ``(W, b)``: its entry of ``in_axes``
    is one axis for all its entries, or a tuple with one for each. ``out_axes``:
    where the batch axis goes in each output. Unlike a tracing ``vmap``, each element may take
    its own branch and loop a different number of times. ``parallel``: run the batch loop on
    all cores (``None``: when the batch is large enough and Numba has more than one thread,
    and ``fn`` writes into no argument that all elements share).

    >>> import numpy as np, s2s
    >>> def steps(x):
    ...     n = 0
    ...     while x > 1.0:
    ...         x = x / 2.0
    ...         n += 1
    ...     return n
    >>> s2s.vmap(steps)(np.array([0.5, 3.0, 100.0]))
    array([0, 2, 7])
    """
    in_axes = _axes(in_axes, "in_axes", nested=True)
    out_axes = _axes(out_axes, "out_axes")
    if out_axes is None or isinstance(out_axes, tuple) and None in out_axes:
        raise BatchingError("out_axes must be ints: every output is batched")
    if axis_size is not None and (not isinstance(axis_size, int) or axis_size < 1):
        raise BatchingError(f"axis_size must be a positive int, not {axis_size!r}")
    return _Batched(fn, in_axes, out_axes, axis_size, jit, parallel)


def _entry_labels(argument: str, structure: tuple | None) -> list[str]:
    """How errors name the leaves of an argument of ``structure``: ``entry 1 of argument 0
    (`params`)``, ``entry 0 of entry 1 of ...``."""
    if structure is None:
        return [argument]
    return [
        label
        for j, inner in enumerate(structure)
        for label in _entry_labels(f"entry {j} of {argument}", inner)
    ]
