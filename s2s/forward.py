"""Forward mode and Jacobians: ``jvp``, ``linearize``, ``jacfwd``, ``jacrev``, ``hessian``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import gast
import numpy as np

from .ad import (
    Spread,
    Transformed,
    _argnums,
    _check_differentiable,
    _is_number,
    entries_of,
    flat_argnums,
    gathered,
    is_generated,
    normalized_program,
    tuple_structures,
    zero_tangent,
)
from .codegen.naming import Namer
from .errors import DifferentiationError
from .program import UNKNOWN_DEFAULT, Program, Unit
from .sparsity import Groups, as_pattern, column_groups, row_groups, symmetric_groups
from .transforms.jacobians import jacfwd_program, jacrev_program
from .transforms.jvp import forward_program
from .transforms.outputs import output_structure
from .transforms.unused import returning_only
from .transforms.vjp import Request, reverse_program


def _signature(program: Program) -> gast.arguments:
    return program.entry_unit.tree.args


def jvp_program(fn: Any) -> Program:
    return forward_program(normalized_program(fn))


def jvp(
    fn: Callable,
    primals: Sequence[Any],
    tangents: Sequence[Any],
    *,
    has_aux: bool = False,
    jit: bool = True,
):
    """``(fn(*primals), tangent_out)``: the Jacobian of ``fn`` at ``primals`` times ``tangents``.

    One tangent per primal, of the same shape (and a float dtype); a tuple's tangent is a
    tuple of tangents, and the tangent of a primal that is not a number or an array (``None``
    for an axis, a string) is None. The output tangent has the structure of the output (a
    tuple for a tuple output). ``has_aux=True``: ``fn`` returns ``(output, aux)``, and ``jvp``
    returns ``(output, tangent_out, aux)``, as JAX's does.

    >>> import s2s
    >>> def f(x, y):
    ...     for _ in range(3):
    ...         x = x * y
    ...     return x
    >>> s2s.jvp(f, (2.0, 3.0), (1.0, 0.0))  # d/dx (x * y**3) = 27
    (54.0, 27.0)
    """
    primals, tangents = tuple(primals), tuple(tangents)
    tangents = _check_tangents(primals, tangents)
    derivative = _cached_jvp(fn, jit)
    primals, tangents = _with_defaults(derivative, primals, tangents)
    out, tangent = derivative(*primals, *tangents)
    if not has_aux:
        return out, tangent
    _check_pair(out, fn)
    return out[0], tangent[0], out[1]


def _check_pair(out: Any, fn: Callable) -> None:
    """``has_aux=True``: ``out`` must be ``(output, aux)``."""
    if not isinstance(out, tuple) or len(out) != 2:
        raise DifferentiationError(
            f"has_aux=True needs the function to return a pair (output, aux), but "
            f"{getattr(fn, '__name__', 'it')} returns {type(out).__name__}"
            + (f" of {len(out)}" if isinstance(out, tuple) else "")
        )


_JVPS: dict[tuple[int, bool], Transformed] = {}


def _cached_jvp(fn: Callable, jit: bool) -> Transformed:
    key = (id(fn), jit)
    entry = _JVPS.get(key)
    if entry is None or entry._fn is not fn:
        entry = Transformed(fn, lambda: jvp_program(fn), jit, "jvp")
        _JVPS[key] = entry
    return entry


def _with_defaults(derivative: Transformed, primals: tuple, tangents: tuple) -> tuple:
    """``primals`` and ``tangents`` with the parameters they omit at their defaults, whose
    tangents are zero: ``fn(*primals)`` is what is differentiated, as in JAX."""
    arity = len(derivative._program.entry_unit.tree.args.args) // 2
    missing = arity - len(primals)
    if missing <= 0:
        return primals, tangents
    if "_defaults" not in derivative.__dict__:
        derivative._defaults = normalized_program(derivative._fn).default_values()
    defaults = derivative._defaults[len(derivative._defaults) - missing :]
    if len(defaults) < missing or UNKNOWN_DEFAULT in defaults:
        raise TypeError(
            f"{derivative.__name__} takes {arity} primal(s) and as many tangents, "
            f"{len(primals)} given"
        )
    zeros = tuple(zero_tangent(d) for d in defaults)
    return primals + tuple(defaults), tangents + zeros


def jvp_transform(fn: Callable, *, jit: bool = False) -> Transformed:
    """``fn``'s Jacobian-vector product as a transformation object (to show or compose):
    called as ``(*primals, *tangents) -> (out, tangent_out)``."""
    return _cached_jvp(fn, jit)


def linearize(fn: Callable, *primals: Any, has_aux: bool = False, jit: bool = True) -> tuple:
    """``(fn(*primals), f_jvp)`` with ``f_jvp(*tangents)`` the Jacobian-vector product;
    ``has_aux=True``: ``fn`` returns ``(output, aux)``, and ``linearize`` returns ``(output,
    f_jvp, aux)``, as JAX's does."""
    derivative = _cached_jvp(fn, jit)
    given = primals
    primals, zeros = _with_defaults(
        derivative, given, _check_tangents(given, map(zero_tangent, given))
    )
    out, _ = derivative(*primals, *zeros)
    if has_aux:
        _check_pair(out, fn)

    def f_jvp(*tangents):
        full, tangents = _with_defaults(derivative, given, _check_tangents(given, tangents))
        tangent = derivative(*full, *tangents)[1]
        return tangent[0] if has_aux else tangent

    return (out[0], f_jvp, out[1]) if has_aux else (out, f_jvp)


def _as_tangent(primal: Any, tangent: Any) -> Any:
    """``tangent`` in the primal's float dtype (float64 for an integer primal), so that the
    generated code computes tangents in floating point whatever number type was passed."""
    kind = np.asarray(primal).dtype
    dtype = kind if kind.kind == "f" else np.dtype(np.float64)
    if isinstance(primal, np.ndarray):
        return np.asarray(tangent, dtype=dtype)
    if isinstance(primal, np.generic):
        return dtype.type(tangent)
    return float(tangent)


def _check_tangents(primals: tuple, tangents) -> tuple:
    """Check one tangent per primal, of its shape and a real type; return them as floats."""
    tangents = tuple(tangents)
    if len(primals) != len(tangents):
        raise DifferentiationError(
            f"jvp needs one tangent per primal: {len(primals)} primal(s), "
            f"{len(tangents)} tangent(s)"
        )
    return tuple(_checked_tangent(p, t, str(k)) for k, (p, t) in enumerate(zip(primals, tangents)))


def _checked_tangent(p: Any, t: Any, where: str) -> Any:
    """The tangent ``t`` of primal ``p`` (``where`` names them in errors), checked: an array
    or number takes a real tangent of its shape, a tuple or list one tangent per item, and
    anything else (None, a string) None."""
    if isinstance(p, (tuple, list)):
        if not isinstance(t, (tuple, list)) or len(t) != len(p):
            raise DifferentiationError(
                f"tangent {where} must be a tuple of {len(p)} tangent(s), one per item of "
                f"primal {where}, not {t!r}"
            )
        checked = [
            _checked_tangent(pk, tk, f"{where}[{k}]") for k, (pk, tk) in enumerate(zip(p, t))
        ]
        return checked if isinstance(p, list) else tuple(checked)
    if not (isinstance(p, np.ndarray) or _is_number(p)):
        if t is not None:
            raise DifferentiationError(
                f"primal {where} is {type(p).__name__}, not a number or an array: its tangent "
                f"must be None, not {t!r}"
            )
        return 0.0  # what the generated code takes for "no tangent": rules add it up
    if np.shape(p) != np.shape(t):
        raise DifferentiationError(
            f"tangent {where} has shape {np.shape(t)}, but primal {where} has shape {np.shape(p)}"
        )
    kind = np.asarray(t).dtype.kind
    primal_kind = np.asarray(p).dtype.kind
    if kind not in "fiub" or (primal_kind == "f" and kind not in "fiu"):
        raise DifferentiationError(
            f"tangent {where} has dtype {np.asarray(t).dtype}, but primal {where} is "
            f"{np.asarray(p).dtype}: tangents must be real numbers"
        )
    if primal_kind in "iub" and np.any(np.asarray(t) != 0):
        raise DifferentiationError(
            f"primal {where} is an integer; its tangent must be zero, not {t!r}"
        )
    return _as_tangent(p, t)


class _Jacobian(Transformed):
    def __init__(
        self,
        fn,
        build,
        jit,
        label,
        argnums,
        as_tuple,
        groups: Groups | None = None,
        has_aux: bool = False,
    ):
        super().__init__(fn, build, jit, label)
        self.kind = label  # "jacfwd", "jacrev" or "hessian"
        self.argnums = argnums
        self.as_tuple = as_tuple
        self.groups = groups  # of a sparsity pattern
        self.has_aux = has_aux  # (the program returns (jacobian, aux))
        self._for_tuples: dict[tuple, _Jacobian] = {}  # by the tuple arguments' structures

    def __call__(self, *args, **kwargs):
        if kwargs:
            args = self.positional(args, kwargs)
        count = len(args)
        for k in self.argnums:
            if -count <= k < count and type(args[k]) is tuple:
                structures = self.tuple_structures(args)
                flat = self.for_tuples(structures, count)(*entries_of(args, structures))
                if self.has_aux:
                    flat, aux = flat
                    return self.regrouped(flat, structures, count), aux
                return self.regrouped(flat, structures, count)
            _check_differentiable(self._fn, args, k)
            # (said here with the argument's name; the program's own `_s2s.real_columns`
            # refuses it too where the Jacobian is transformed again, batched or compiled)
            if self.kind != "jacrev" and np.iscomplexobj(args[k]):
                raise DifferentiationError(
                    f"{self.kind} takes real arguments, as in JAX: argument {k} of "
                    f"{getattr(self._fn, '__name__', 'the function')} is complex, and forward "
                    "mode along its real directions would leave out the imaginary ones",
                    hint="use grad, jacrev or vjp (complex arguments get conjugate gradients, "
                    "as in JAX), or pass real and imaginary parts as arguments of their own",
                )
        if self.groups is not None:
            _check_pattern(self.groups.shape, self.kind, args, self.argnums[0])
        return self.function(*args)

    def tuple_structures(self, args: tuple) -> dict[int, tuple]:
        """The positions of the tuples among the arguments to differentiate, and their
        structures; each argument to differentiate checked."""
        return tuple_structures(self._fn, args, self.argnums)

    def for_tuples(self, structures: dict[int, tuple], count: int) -> _Jacobian:
        """This Jacobian for the function taking the leaves of the tuples ``structures``
        (``jacrev(f)((W, b), x)``): one Jacobian per leaf."""
        if self.kind == "hessian" or self.groups is not None:
            what = "hessian" if self.kind == "hessian" else f"{self.kind} with a sparsity pattern"
            raise DifferentiationError(
                f"{what} takes a float or a float array as argument {min(structures)}, not a tuple",
                hint="pass the tuple's entries as arguments of their own",
            )
        key = tuple(sorted(structures.items()))
        if key not in self._for_tuples:
            make = jacfwd if self.kind == "jacfwd" else jacrev
            argnums = flat_argnums(self.argnums, structures, count)
            self._for_tuples[key] = make(
                Spread(self._fn, structures, self._jit),
                argnums,
                has_aux=self.has_aux,
                jit=self._jit,
            )
        return self._for_tuples[key]

    def regrouped(self, flat: tuple, structures: dict[int, tuple], count: int) -> Any:
        """The leaves' Jacobians in tuples of the structures of their arguments."""
        jacobians = gathered(flat, self.argnums, structures, count)
        return tuple(jacobians) if self.as_tuple else jacobians[0]


def _check_pattern(shape: tuple[int, int], kind: str, args: tuple, k: int) -> None:
    """The pattern's columns stand for the argument's entries (its rows too, for a Hessian);
    the output's size is checked by the compiled code, which computes it."""
    size = int(np.size(args[k]))
    if shape[1] != size or kind == "hessian" and shape[0] != size:
        need = f"{size} x {size}" if kind == "hessian" else f"(output size) x {size}"
        raise DifferentiationError(
            f"the sparsity pattern is {shape[0]} x {shape[1]}, but argument {k} has {size} "
            f"entries: {kind} needs a pattern of {need}"
        )


def jacfwd(
    fn: Callable,
    argnums: int | Sequence[int] = 0,
    *,
    has_aux: bool = False,
    sparsity: Any = None,
    jit: bool = True,
) -> Callable:
    """The Jacobian of ``fn`` by forward mode: shape ``out.shape + in.shape``.

    ``sparsity``: where the Jacobian may be non-zero, a boolean array of shape
    ``(out.size, in.size)`` (or a SciPy sparse matrix), for one argument (``argnums`` an int).
    Columns that share no row are then computed in one pass, which returns their sum: as
    many passes as the pattern's rows need (3 for a tridiagonal Jacobian) instead of one per
    input. Entries outside the pattern come out zero. The pattern is trusted: a non-zero it
    leaves out (beyond rounding, or a NaN) raises ``ValueError`` where no column of its group
    may reach that row, and is otherwise added into another entry of the row, so check a new
    pattern once against the dense Jacobian.

    ``has_aux=True``: ``fn`` returns ``(output, aux)``, and the Jacobian (of the output) comes
    with the aux, ``(jacobian, aux)``, as from JAX's; so for :func:`jacrev` and
    :func:`hessian`.

    >>> import numpy as np, s2s
    >>> def f(x):
    ...     y = np.zeros(2)
    ...     y[0] = x[0] * x[1]
    ...     y[1] = np.sin(x[0])
    ...     return y
    >>> s2s.jacfwd(f)(np.array([0.0, 2.0]))
    array([[2., 0.],
           [1., 0.]])
    """
    nums, as_tuple = _argnums(argnums)
    groups = _grouped(sparsity, as_tuple, column_groups)

    def build():
        primal, name, aux = _differentiated(fn, "jacfwd", has_aux)
        _check_one_output(primal, "jacfwd")
        program = forward_program(primal, nums)
        return jacfwd_program(
            program, _signature(primal), nums, name, as_tuple, groups=groups, aux=aux
        )

    return _Jacobian(fn, build, jit, "jacfwd", nums, as_tuple, groups, has_aux)


def jacrev(
    fn: Callable,
    argnums: int | Sequence[int] = 0,
    *,
    has_aux: bool = False,
    sparsity: Any = None,
    jit: bool = True,
) -> Callable:
    """The Jacobian of ``fn`` by reverse mode (one vector-Jacobian product per output entry).

    Agrees with :func:`jacfwd`; cheaper when the output is smaller than the input.
    ``sparsity`` as for :func:`jacfwd`: rows that share no column are computed in one pass.
    """
    nums, as_tuple = _argnums(argnums)
    groups = _grouped(sparsity, as_tuple, row_groups)

    def build():
        primal, name, aux = _differentiated(fn, "jacrev", has_aux)
        _check_one_output(primal, "jacrev")
        try:
            vjp = reverse_program(primal, Request("vjp", nums, False, True))
        except DifferentiationError:
            if not is_generated(primal):
                raise
            # Derivative code (`jacrev(grad(f))`): the same Jacobian, by forward mode over it,
            # as `grad(grad(f))` computes its own.
            by_columns = _grouped(sparsity, as_tuple, column_groups)
            program = forward_program(primal, nums)
            return jacfwd_program(
                program, _signature(primal), nums, name, as_tuple, groups=by_columns, aux=aux
            )
        vjp.units[primal.entry] = primal.entry_unit
        return jacrev_program(
            vjp, primal.entry, _signature(primal), nums, name, as_tuple, groups=groups, aux=aux
        )

    return _Jacobian(fn, build, jit, "jacrev", nums, as_tuple, groups, has_aux)


def hessian(
    fn: Callable,
    argnums: int | Sequence[int] = 0,
    *,
    has_aux: bool = False,
    sparsity: Any = None,
    jit: bool = True,
) -> Callable:
    """The Hessian of a scalar-valued ``fn``: forward mode over reverse mode (symmetric).

    ``sparsity``: where the Hessian may be non-zero, an ``(n, n)`` boolean array for an
    argument of ``n`` entries (see :func:`jacfwd`): a banded Hessian then costs as many
    gradient-and-tangent passes as it has diagonals, and symmetry is used where it saves
    passes (an arrowhead, dense in one row and column, takes 2).

    >>> import numpy as np, s2s
    >>> def f(x):
    ...     return x[0] ** 2 * x[1] + np.sin(x[1])
    >>> s2s.hessian(f)(np.array([1.0, 0.0]))
    array([[0., 2.],
           [2., 0.]])
    """
    nums, as_tuple = _argnums(argnums)
    if as_tuple:
        raise DifferentiationError("hessian takes one argument number (an int), not a tuple")
    groups = _grouped(sparsity, False, symmetric_groups)

    def build():
        primal, name, aux = _differentiated(fn, "hessian", has_aux)
        gradient = reverse_program(primal, Request("grad", nums, False, False))
        from . import pipeline

        program = forward_program(pipeline.normalize(gradient), nums)
        return jacfwd_program(
            program, _signature(primal), nums, name, False, groups=groups, aux=aux
        )

    return _Jacobian(fn, build, jit, "hessian", nums, False, groups, has_aux)


def _differentiated(fn: Callable, kind: str, has_aux: bool) -> tuple[Program, str, str | None]:
    """What a Jacobian of ``fn`` differentiates (the output alone, with ``has_aux``), the
    Jacobian's name, and the function its code calls for the aux (None without)."""
    primal = normalized_program(fn)
    name = f"{primal.entry}_{kind}"
    if not has_aux:
        return primal, name, None
    return _output_alone(primal, kind), name, primal.entry


def _output_alone(primal: Program, kind: str) -> Program:
    """``primal``, whose function ``f`` returns ``(output, aux)`` (``has_aux=True``), with a
    new entry ``f_output`` returning the output alone, without what only the aux needed: the
    function differentiated. ``f`` stays beside it, called once for the aux."""
    entry = primal.entry_unit
    structure = output_structure(primal, primal.entry)
    alone = returning_only(entry.tree, 0)
    if alone is None or not isinstance(structure, tuple) or len(structure) != 2:
        raise DifferentiationError(
            f"{kind} with has_aux=True needs the function to return a pair (output, aux), "
            f"and {entry.parsed.fn.__name__} does not (at its end, in one return)",
            entry.parsed.location(entry.tree),
        )
    taken = set(primal.units) | set(primal.bindings)
    name = Namer(taken | {"np", "math", "_s2s"}).fresh(f"{primal.entry}_output")
    alone.name = name
    units = {name: Unit(entry.parsed, alone), **primal.units}
    return Program(name, units, primal.bindings, primal.custom_vjps)


def _check_one_output(primal: Program, kind: str) -> None:
    """A Jacobian is of one output: an array or a number, not a tuple of them."""
    structure = output_structure(primal, primal.entry)
    if isinstance(structure, tuple):
        entry = primal.entry_unit
        raise DifferentiationError(
            f"{kind} takes a function with one output (an array or a number), but "
            f"{entry.parsed.fn.__name__} returns a tuple of {len(structure)} values",
            entry.parsed.location(entry.tree),
            hint="return one array (np.concatenate or np.stack the outputs), or take the "
            "Jacobian of a function for each output",
        )


def _grouped(sparsity: Any, as_tuple: bool, grouping: Callable[[np.ndarray], Groups]):
    """The groups of a sparsity pattern (None without one), for a single argument."""
    if sparsity is None:
        return None
    if as_tuple:
        raise DifferentiationError(
            "sparsity describes the Jacobian of one argument: give argnums as an int"
        )
    return grouping(as_pattern(sparsity))
