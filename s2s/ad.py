"""Reverse-mode public API: ``grad``, ``value_and_grad``, ``vjp`` (JAX's names and semantics)."""

from __future__ import annotations

import dataclasses
import functools
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import pipeline
from .compile import generate
from .errors import DifferentiationError
from .gastutil import clone
from .program import Program
from .transforms.tuple_arguments import (
    leaf_count,
    leaves,
    rebuilt,
    split_tuple_arguments,
    structure_of,
)
from .transforms.vjp import Request, reverse_program


def normalized_program(fn: Any) -> Program:
    """``fn``'s program in A-normal form: plain functions and s2s transformations alike."""
    own = getattr(fn, "__s2s_program__", None)
    if own is not None:
        program = own() if callable(own) else own
        # A copy: normalising rewrites some statements in place (`.T` as `np.transpose`),
        # and these belong to the transformation ``fn``, which prints and compiles them.
        return pipeline.normalize(program.map(lambda unit: clone(unit.tree)))
    return pipeline.frontend(fn, "normalize")


class Transformed:
    """A function s2s has transformed: callable, printable, transformable again."""

    def __init__(self, fn: Callable, build: Callable[[], Program], jit: bool, label: str):
        self.__s2s_original__ = getattr(fn, "__s2s_original__", fn)
        self._fn = fn
        self._build = build
        self._jit = jit
        named = getattr(fn, "__name__", "f")
        if isinstance(fn, functools.partial):
            named = f"partial({getattr(fn.func, '__name__', 'f')})"
        self.__name__ = f"{label}({named})"
        self.__doc__ = getattr(fn, "__doc__", None)
        functools.update_wrapper(self, fn, assigned=("__module__",), updated=())

    @functools.cached_property
    def _program(self) -> Program:
        with pipeline.collection_paused():
            return self._build()

    def __s2s_program__(self) -> Program:
        return self._program

    @functools.cached_property
    def _generated(self):
        return generate(self._program)

    @functools.cached_property
    def function(self) -> Callable:
        """What a call runs: the Numba dispatcher, or the generated Python with ``jit=False``."""
        return (
            self._generated.compile()
            if self._jit
            else _keeping_imaginary_parts(self._generated.py_func)
        )

    @property
    def __s2s_generated__(self) -> Callable:
        return self._generated.py_func

    def __call__(self, *args, **kwargs):
        if kwargs:
            args = self.positional(args, kwargs)
        try:
            return self.function(*args)
        except Exception as exc:
            raise self.annotated(exc) from None

    def positional(self, args: tuple, kwargs: dict) -> tuple:
        """The arguments of a call with keywords, by position (the generated function takes
        them so): each keyword argument at its parameter's place, and the parameters left out
        before one at their defaults; Python's error for arguments that do not fit."""
        try:
            given = self._signature.bind(*args, **kwargs).arguments
        except TypeError as exc:
            raise TypeError(f"{self.__name__}: {exc}") from None
        parameters = list(self._signature.parameters.values())
        last = max(k for k, p in enumerate(parameters) if p.name in given)
        return tuple(given.get(p.name, p.default) for p in parameters[: last + 1])

    @functools.cached_property
    def _signature(self):
        """The parameters a call binds (``positional``), found once."""
        from .frontend.source import call_signature, original_function

        return call_signature(original_function(self.__s2s_original__))

    def annotated(self, exc: BaseException) -> BaseException:
        """``exc`` with notes pointing from generated lines back to the user's code."""
        from .codegen.tracebacks import annotate

        return annotate(exc, self._generated) if "_generated" in self.__dict__ else exc

    def __repr__(self) -> str:
        return f"<s2s {self.__name__}>"


_ComplexWarning = np.exceptions.ComplexWarning if hasattr(np, "exceptions") else np.ComplexWarning
_DROPPED_IMAGINARY_PARTS = (
    "s2s: complex values were cast to real ones, which drops their imaginary parts; Numba "
    "refuses the same cast in compiled code. In derivative code, the rule of the line below "
    "takes real values only"
)


def _keeping_imaginary_parts(fn: Callable) -> Callable:
    """``fn``, generated Python, with NumPy's casts of complex values to real ones made an
    error: a runtime helper written for real values would otherwise give a wrong derivative
    of complex ones, where Numba refuses to type it."""

    @functools.wraps(fn)
    def run(*args):
        with warnings.catch_warnings():
            warnings.simplefilter("error", _ComplexWarning)
            try:
                return fn(*args)
            except _ComplexWarning as exc:
                refused = TypeError(_DROPPED_IMAGINARY_PARTS)
                raise refused.with_traceback(exc.__traceback__) from None

    return run


class _Derivative(Transformed):
    def __init__(self, fn, request: Request, jit: bool, structures: dict | None = None):
        super().__init__(fn, lambda: derivative_program(fn, request, structures), jit, request.kind)
        self.request = request
        self._for_tuples: dict[tuple, _Derivative] = {}  # by the tuple arguments' structures

    def __call__(self, *args, **kwargs):
        if kwargs:
            args = self.positional(args, kwargs)
        for k in self.request.argnums:
            value = args[k] if -len(args) <= k < len(args) else None
            kind = type(value)
            # The common cases cost one type check; anything else gets the full check.
            if not (kind is float or kind is np.ndarray and value.dtype.kind == "f"):
                if kind is tuple:
                    return self._with_tuples(args)
                _check_differentiable(self._fn, args, k)
        try:
            return self.function(*args)
        except Exception as exc:
            raise self.annotated(exc) from None

    def _with_tuples(self, args: tuple) -> Any:
        """A call passing tuples of floats and float arrays (``grad(loss)((W, b), x)``): the
        derivative of the function taking their leaves as arguments, its gradients regrouped
        into tuples."""
        structures = self.tuple_structures(args)
        flat = self.for_tuples(structures, len(args))
        try:
            result = flat.function(*entries_of(args, structures))
        except Exception as exc:
            raise flat.annotated(exc) from None
        return self.regrouped(result, structures, len(args))

    def tuple_structures(self, args: tuple) -> dict[int, tuple]:
        """The positions of the tuples among the arguments to differentiate, and their
        structures; each argument to differentiate checked."""
        return tuple_structures(self._fn, args, self.request.argnums)

    def regrouped(self, result: Any, structures: dict[int, tuple], count: int) -> Any:
        """The result of ``for_tuples(structures, count)`` with its gradients in tuples."""
        return regrouped(result, self.request, structures, count)

    def for_tuples(self, structures: dict[int, tuple], count: int) -> _Derivative:
        """This derivative for the function taking the leaves of the tuples ``structures``."""
        key = tuple(sorted(structures.items()))
        if key not in self._for_tuples:
            request = _flat_request(self.request, structures, count)
            self._for_tuples[key] = _Derivative(self._fn, request, self._jit, structures)
        return self._for_tuples[key]


class Spread(Transformed):
    """``fn`` taking the leaves of its tuple arguments ``structures`` (position -> the
    tuple's structure) as arguments of their own: what transformations of a call with
    tuples transform. A use of a tuple that cannot be spread raises ``error``."""

    def __init__(
        self, fn: Callable, structures: dict[int, tuple], jit: bool, error=DifferentiationError
    ):
        def build() -> Program:
            return split_tuple_arguments(normalized_program(fn), structures, error)

        super().__init__(fn, build, jit, "spread")


def tuple_structures(fn: Callable, args: tuple, argnums: Sequence[int]) -> dict[int, tuple]:
    """The positions of the tuples among the arguments ``argnums`` of a call of ``fn`` with
    ``args``, and their structures; each argument of ``argnums`` checked."""
    count, structures = len(args), {}
    for k in argnums:
        value = args[k] if -count <= k < count else None
        if type(value) is not tuple:
            _check_differentiable(fn, args, k)
            continue
        structure = structure_of(value)
        if structure is None:
            _check_tuple(fn, value, f"argument {k}")
        structures[k % count] = structure
    return structures


def _check_tuple(fn: Callable, value: tuple, what: str) -> None:
    """Raise the error for the first entry of ``value`` that is neither a float, a float
    array nor such a tuple."""
    if not value:
        raise DifferentiationError(f"{what} is an empty tuple")
    for j, entry in enumerate(value):
        if type(entry) is tuple:
            _check_tuple(fn, entry, f"entry {j} of {what}")
        else:
            _check_differentiable(fn, value, j, f"entry {j} of {what}")


def entries_of(args: tuple, structures: dict[int, tuple]) -> list:
    """``args`` with the tuples at the positions ``structures`` spread into their leaves."""
    return [v for k, a in enumerate(args) for v in leaves(a, structures.get(k))]


def _flat_request(request: Request, structures: dict[int, tuple], count: int) -> Request:
    """``request`` for the function taking the leaves of the tuple arguments."""
    argnums = flat_argnums(request.argnums, structures, count)
    return dataclasses.replace(request, argnums=argnums, tuple_result=True)


def flat_argnums(argnums: Sequence[int], structures: dict[int, tuple], count: int) -> tuple:
    """The positions, among the leaves of ``count`` arguments (the tuples ``structures``
    spread), of the leaves of the arguments ``argnums``."""
    starts, position = {}, 0
    for k in range(count):
        starts[k] = position
        position += leaf_count(structures.get(k))
    flat: list[int] = []
    for k in argnums:
        first = starts[k % count]
        flat += range(first, first + leaf_count(structures.get(k % count)))
    return tuple(flat)


def regrouped(result: Any, request: Request, structures: dict[int, tuple], count: int) -> Any:
    """The flat request's result with its gradients gathered back into ``request``'s."""
    flat = result[1] if request.kind == "value_and_grad" else result
    if request.has_aux and request.kind == "grad":
        flat = result[0]
    gradients = gathered(flat, request.argnums, structures, count)
    grads = tuple(gradients) if request.tuple_result else gradients[0]
    if request.kind == "value_and_grad":
        return result[0], grads
    return (grads, result[1]) if request.has_aux else grads


def gathered(flat: tuple, argnums: tuple[int, ...], structures: dict, count: int) -> list:
    """One gradient per argument of ``argnums`` from the flat ones, tuples for tuples."""
    gradients, taken = [], 0
    for k in argnums:
        structure = structures.get(k % count)
        size = leaf_count(structure)
        gradients.append(rebuilt(list(flat[taken : taken + size]), structure))
        taken += size
    return gradients


def derivative_program(
    fn: Any, request: Request, structures: dict[int, tuple] | None = None
) -> Program:
    """Reverse mode of ``fn``; for derivative code (``grad(grad(f))``), forward mode over it.
    ``structures``: the arguments passed as tuples, by position, and their structures.

    The code s2s generates for a gradient keeps tapes for its reverse sweep; its own gradient
    is computed one input direction at a time in forward mode, as ``hessian`` does.
    """
    program = normalized_program(fn)
    if structures:
        program = split_tuple_arguments(program, structures)
    try:
        return reverse_program(program, request)
    except DifferentiationError:
        if not is_generated(program) or request.has_aux or request.kind == "vjp":
            raise
    from .transforms.jacobians import jacfwd_program
    from .transforms.jvp import forward_program

    return jacfwd_program(
        forward_program(program, request.argnums),
        program.entry_unit.tree.args,
        request.argnums,
        f"{program.entry}_{request.kind}",
        request.tuple_result,
        gradient=True,
        with_value=request.kind == "value_and_grad",
    )


def is_generated(program: Program) -> bool:
    """Whether the program holds derivative code s2s generated (calls to its runtime other
    than those the normal form writes into a user's code)."""
    import gast

    from .frontend import NORMAL_FORM_HELPERS
    from .gastutil import attr_path, walk

    def generated(node: gast.AST) -> bool:
        name = attr_path(node.func) or ""
        return name.startswith("_s2s.") and name not in NORMAL_FORM_HELPERS

    return any(
        isinstance(node, gast.Call) and generated(node)
        for unit in program
        for node in walk(unit.tree)
    )


def _argnums(argnums: int | Sequence[int]) -> tuple[tuple[int, ...], bool]:
    if isinstance(argnums, (int, np.integer)) and not isinstance(argnums, bool):
        return (int(argnums),), False
    if (
        isinstance(argnums, (tuple, list))
        and argnums
        and all(isinstance(k, (int, np.integer)) and not isinstance(k, bool) for k in argnums)
    ):
        return tuple(int(k) for k in argnums), True
    raise TypeError(f"argnums must be an int or a non-empty tuple of ints, not {argnums!r}")


def _check_differentiable(fn: Callable, args: tuple, k: int, what: str | None = None) -> None:
    if k >= len(args) or k < -len(args):
        raise DifferentiationError(
            f"argnums={k} is out of range for a call with {len(args)} argument(s)"
        )
    value = args[k]
    what = what or f"argument {k}"
    dtype = getattr(value, "dtype", None)
    kind = np.dtype(dtype).kind if dtype is not None else None
    if isinstance(value, (bool, int, np.integer, np.bool_)) or kind in ("i", "u", "b"):
        raise DifferentiationError(
            f"{what} of {getattr(fn, '__name__', 'the function')} is an integer "
            f"({type(value).__name__}); only float arguments can be differentiated",
            hint="pass a float (e.g. 3.0) or exclude it from argnums",
        )
    if not isinstance(value, (float, np.floating, np.ndarray)) and kind not in ("f",):
        raise DifferentiationError(
            f"{what} of {getattr(fn, '__name__', 'the function')} is a "
            f"{type(value).__name__}; s2s differentiates floats and float arrays"
        )


def grad(
    fn: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False, *, jit: bool = True
) -> Callable:
    """The gradient of a scalar-valued ``fn`` with respect to argument(s) ``argnums``.

    ``fn`` may use loops, branches, ``while``, ``break``, in-place writes to arrays it
    allocates, helper functions, ``math`` and NumPy. The result has the shape and dtype of the
    argument; with a tuple ``argnums``, a tuple of gradients. An argument passed as a tuple
    (of tuples) of floats and float arrays (``grad(loss)((W, b), x)``), which ``fn`` reads by
    constant indices, gets gradients of the same structure. ``has_aux=True``: ``fn`` returns
    ``(value, aux)`` and the gradient function returns ``(gradient, aux)``.
    ``jit=False`` runs the generated Python instead of compiling it (for debugging).

    >>> import s2s
    >>> def f(x):
    ...     y = 1.0
    ...     for i in range(3):
    ...         y = y * x + i
    ...     return y
    >>> s2s.grad(f)(2.0)  # d/dx (x**3 + x + 2) = 3x**2 + 1
    13.0
    """
    nums, as_tuple = _argnums(argnums)
    return _Derivative(fn, Request("grad", nums, has_aux, as_tuple), jit)


def value_and_grad(
    fn: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False, *, jit: bool = True
) -> Callable:
    """Like :func:`grad`, returning ``(value, gradient)`` (``((value, aux), gradient)``)."""
    nums, as_tuple = _argnums(argnums)
    return _Derivative(fn, Request("value_and_grad", nums, has_aux, as_tuple), jit)


def vjp(fn: Callable, *primals: Any, has_aux: bool = False, jit: bool = True) -> tuple:
    """``(fn(*primals), vjp_fn)``: ``vjp_fn(cotangent)`` is one adjoint per primal, a tuple.

    ``cotangent`` has the structure of the output: an array of its shape, or a tuple for a
    tuple output. A primal that is a tuple (of tuples) of floats and float arrays, read by
    constant indices, gets adjoints of the same structure (as in :func:`grad`).
    ``has_aux=True``: ``fn`` returns ``(output, aux)``, and ``vjp`` returns ``(output, vjp_fn,
    aux)``, as JAX's does; the cotangent is the output's alone.
    """
    count = len(primals)
    request = Request("vjp", tuple(range(count)), has_aux, True, floats=False)
    derivative = _Derivative(fn, request, jit)
    # Tuples of floats and float arrays (parameters): differentiated leaf by leaf.
    structures = {
        k: structure for k, p in enumerate(primals) if (structure := structure_of(p)) is not None
    }
    if structures:
        derivative = derivative.for_tuples(structures, count)
    entries = entries_of(primals, structures)
    function = derivative.function  # (built first: reverse mode checks the outputs' shape)
    value, _ = function(*entries, _zero_cotangent_of(fn, primals, jit, has_aux))
    if has_aux:
        value, aux = value

    def vjp_fn(cotangent):
        _check_cotangent(value, cotangent)
        adjoints = function(*entries, cotangent)[1]
        return tuple(gathered(adjoints, request.argnums, structures, count))

    vjp_fn.__s2s_program__ = derivative.__s2s_program__
    return (value, vjp_fn, aux) if has_aux else (value, vjp_fn)


def _zero_cotangent_of(fn, primals, jit, has_aux=False):
    from .jit import jit as compile_jit

    out = (compile_jit(fn) if jit else fn)(*primals)
    # (with has_aux, reverse mode has checked that the function returns a pair)
    return zero_tangent(out[0] if has_aux else out)


def zero_tangent(primal: Any) -> Any:
    """The zero tangent of ``primal``: zeros of an array's shape, ``0.0`` for a number, a
    tuple (list) of zero tangents for a tuple (list), and None for anything else (``None``
    passed for an axis, a string)."""
    if isinstance(primal, np.ndarray):
        return np.zeros(primal.shape)
    if isinstance(primal, tuple):  # a named tuple too (np.linalg.slogdet's)
        return tuple(zero_tangent(p) for p in primal)
    if isinstance(primal, list):
        return [zero_tangent(p) for p in primal]
    return 0.0 if _is_number(primal) else None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, complex, np.number, np.bool_))


def _check_cotangent(value, cotangent) -> None:
    if isinstance(value, tuple):
        if not isinstance(cotangent, tuple) or len(cotangent) != len(value):
            raise DifferentiationError(
                f"the cotangent must be a tuple of {len(value)} entries, like the output"
            )
        for v, c in zip(value, cotangent):
            _check_cotangent(v, c)
        return
    if np.shape(value) != np.shape(cotangent):
        raise DifferentiationError(
            f"the cotangent has shape {np.shape(cotangent)}, the output {np.shape(value)}"
        )
