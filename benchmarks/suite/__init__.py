"""The benchmark workloads: one module each, every one listing its implementations.

A workload module defines ``WORKLOAD``, a :class:`Workload`. Each implementation builds its
callables lazily (JAX and autograd are imported only by the implementations that use them), so
a subprocess that measures one implementation's first call imports only what that needs.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
from collections.abc import Callable
from typing import Any

import numpy as np

NAMES = (
    "ode",
    "rnn",
    "gmm",
    "mlp",
    "per_example",
    "hessian",
    "overhead",
    "nbody",
    "transform",
)


@dataclasses.dataclass
class Impl:
    """One way of computing a workload's function and its derivative.

    ``gradient(args)`` and ``function(args)`` return callables taking ``*prepare(args)``;
    they may be lazy (JAX's and s2s's are: transformation and compilation happen at the first
    call). ``show()`` returns the source s2s generates for the derivative (s2s only).
    """

    name: str
    kind: str  # "s2s", "jax", "autograd" or "numba"
    gradient: Callable[[tuple], Callable] | None = None
    function: Callable[[tuple], Callable] | None = None
    prepare: Callable[[tuple], tuple] | None = None
    show: Callable[[], str] | None = None
    source: Callable | None = None  # the function s2s transforms, if not the workload's
    unavailable: str | None = None
    note: str = ""

    def args(self, args: tuple) -> tuple:
        return self.prepare(args) if self.prepare is not None else args


@dataclasses.dataclass
class Workload:
    name: str
    title: str
    derivative: str  # what the "gradient" column computes, in words
    make_args: Callable[[], tuple]
    impls: Callable[[], list[Impl]]
    rtol: float = 1e-7
    source: Callable | None = None  # the function s2s transforms (for line counts)


def load(name: str) -> Workload:
    return importlib.import_module(f"suite.{name}").WORKLOAD


def jax():
    """JAX configured for these benchmarks: float64, persistent cache if asked for."""
    import jax

    jax.config.update("jax_enable_x64", True)
    cache = os.environ.get("BENCH_JAX_CACHE")
    if cache:
        jax.config.update("jax_compilation_cache_dir", cache)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return jax


def jax_args(args: tuple) -> tuple:
    """NumPy arrays as JAX arrays (on the device once, not at every call); scalars stay."""
    jnp = jax().numpy
    return tuple(jnp.asarray(a) if isinstance(a, np.ndarray) else a for a in args)


def synced(fn: Callable) -> Callable:
    """``fn`` waiting for its result: JAX dispatches asynchronously."""
    block = jax().block_until_ready

    def call(*args):
        return block(fn(*args))

    return call


def flat(value: Any) -> list[np.ndarray]:
    """A result as a flat list of NumPy arrays, whatever library produced it."""
    if isinstance(value, (tuple, list)):
        return [a for v in value for a in flat(v)]
    return [np.asarray(value, dtype=float)]
