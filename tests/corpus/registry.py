"""Case registry for the test corpus.

Every corpus function is registered with :func:`case`, which records how to
build its arguments (:class:`ArgSpec`), what it returns and which arguments a
derivative may be taken with respect to.  :func:`make_args` turns the
specification into concrete, deterministic arguments.
"""

from __future__ import annotations

import inspect
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

OUTPUT_KINDS = ("scalar", "array", "tuple")
ARG_KINDS = ("float", "int", "array")

# Tags a case may carry.  Keep this list in sync with the cases: the
# self-check rejects unknown tags so that a typo does not silently
# exclude a case from a filtered test.
KNOWN_TAGS = frozenset(
    {
        "math",  # math.* functions on Python floats
        "ufunc",  # NumPy element-wise functions
        "reduction",  # sum/mean/prod/max/min/cumsum/var/std ...
        "method",  # ndarray methods and attributes (x.sum(), x.T, x.shape ...)
        "tuple",  # tuple packing/unpacking/swaps or tuple return values
        "if",  # if statements or conditional expressions
        "data_dependent",  # control flow that depends on float values
        "early_return",  # a return statement before the end of the function
        "loop",  # for loops
        "while",  # while loops
        "break",
        "continue",
        "nested",  # nested loops
        "index",  # element reads by integer index
        "slice",  # slice reads or writes
        "fancy_index",  # integer-array or boolean-mask indexing
        "inplace",  # writes into arrays allocated by the function
        "recurrence",  # values written to an array and read back later
        "shape",  # reshape/transpose/stack/concatenate/... shape operations
        "broadcast",  # arithmetic between arrays of different shapes
        "linalg",  # matrix products and np.linalg
        "blas",  # needs BLAS/LAPACK under Numba (dot, @, np.linalg.*)
        "helper",  # calls undecorated helper functions of the module
        "global",  # reads module-level constants
        "closure",  # reads variables captured from an enclosing function
        "int_arg",  # takes a Python int argument
        "program",  # a realistic small program
        "piecewise",  # kinks or jumps exist, but not near the sampled arguments
        "nondiff",  # kinks or jumps near the samples: finite differences unreliable
    }
)


@dataclass(frozen=True)
class ArgSpec:
    """How to build one argument of a corpus function."""

    kind: str  # "float" (Python float), "int" (Python int), "array" (float64 ndarray)
    shape: tuple = ()  # for arrays
    low: float = -1.0  # sampling range for floats/arrays
    high: float = 1.0
    value: object = None  # fixed value instead of sampling (required for "int")
    spd: bool = False  # array only: build a symmetric positive definite matrix

    def __post_init__(self):
        if self.kind not in ARG_KINDS:
            raise ValueError(f"unknown argument kind {self.kind!r}")
        if self.kind == "int" and not isinstance(self.value, int):
            raise ValueError("an 'int' argument needs a fixed integer value")
        if self.spd and (
            self.kind != "array" or len(self.shape) != 2 or self.shape[0] != self.shape[1]
        ):
            raise ValueError("spd needs a square array shape")
        if not self.low < self.high:
            raise ValueError("sampling range must satisfy low < high")


def scalar(low=-1.0, high=1.0) -> ArgSpec:
    """A Python float sampled uniformly from [low, high]."""
    return ArgSpec("float", (), float(low), float(high))


def array(*shape, low=-1.0, high=1.0) -> ArgSpec:
    """A float64 array of the given shape sampled uniformly from [low, high]."""
    return ArgSpec("array", tuple(int(s) for s in shape), float(low), float(high))


def integer(value: int) -> ArgSpec:
    """A fixed Python int."""
    return ArgSpec("int", (), value=int(value))


def fixed(value) -> ArgSpec:
    """A fixed float (Python float) or float64 array, never sampled."""
    if np.ndim(value) == 0:
        return ArgSpec("float", (), value=float(value))
    arr = np.array(value, dtype=np.float64)
    return ArgSpec("array", arr.shape, value=arr)


def spd(n) -> ArgSpec:
    """A symmetric positive definite n x n matrix ``A @ A.T + n * I``."""
    return ArgSpec("array", (int(n), int(n)), spd=True)


@dataclass(frozen=True)
class Case:
    fn: Callable
    args: tuple[ArgSpec, ...]
    output: str  # "scalar", "array" or "tuple"
    argnums: tuple[int, ...]  # float/array arguments a derivative may be taken w.r.t.
    tags: frozenset[str]
    name: str  # "<module>.<function>", unique across the corpus

    def __repr__(self):
        return f"Case({self.name})"


REGISTRY: list[Case] = []
_NAMES: set[str] = set()


def _short_module(fn) -> str:
    return fn.__module__.rsplit(".", 1)[-1]


def case(*args: ArgSpec, output="scalar", argnums=None, tags=()):
    """Register a corpus function; returns the function unchanged."""
    for spec in args:
        if not isinstance(spec, ArgSpec):
            raise TypeError(f"expected ArgSpec, got {spec!r}")
    if output not in OUTPUT_KINDS:
        raise ValueError(f"unknown output kind {output!r}")
    tags = frozenset(tags)
    unknown = tags - KNOWN_TAGS
    if unknown:
        raise ValueError(f"unknown tags {sorted(unknown)}")
    if argnums is None:
        argnums = tuple(i for i, spec in enumerate(args) if spec.kind != "int")
    argnums = tuple(int(i) for i in argnums)
    for i in argnums:
        if not 0 <= i < len(args) or args[i].kind == "int":
            raise ValueError(f"argnum {i} is not a float or array argument")

    def register(fn):
        n_params = len(inspect.signature(fn).parameters)
        if n_params != len(args):
            raise ValueError(f"{fn.__name__}: {n_params} parameters but {len(args)} specs")
        name = f"{_short_module(fn)}.{fn.__name__}"
        if name in _NAMES:
            raise ValueError(f"duplicate corpus case name {name!r}")
        _NAMES.add(name)
        REGISTRY.append(Case(fn, tuple(args), output, argnums, tags, name))
        return fn

    return register


def _make_one(spec: ArgSpec, rng: np.random.Generator):
    if spec.kind == "int":
        return int(spec.value)
    if spec.value is not None:
        if spec.kind == "float":
            return float(spec.value)
        return np.array(spec.value, dtype=np.float64, order="C", copy=True)
    if spec.kind == "float":
        return float(rng.uniform(spec.low, spec.high))
    if spec.spd:
        n = spec.shape[0]
        a = rng.uniform(spec.low, spec.high, size=(n, n))
        return np.ascontiguousarray(a @ a.T + n * np.eye(n))
    return np.ascontiguousarray(rng.uniform(spec.low, spec.high, size=spec.shape))


def make_args(case: Case, seed: int = 0) -> tuple:
    """Deterministic arguments for ``case``; arrays are fresh copies on every call."""
    rng = np.random.default_rng([int(seed), zlib.crc32(case.name.encode())])
    return tuple(_make_one(spec, rng) for spec in case.args)
