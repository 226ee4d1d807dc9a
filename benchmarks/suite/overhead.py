"""Per-call overhead: the gradient of ``x * x + 1.0`` at a Python float.

What a call costs when the work is nothing: s2s's gradient object (argument checks, then the
Numba dispatcher), the bare dispatcher from ``s2s.jit(s2s.grad(f))``, ``jax.jit(jax.grad(f))``,
autograd, and a hand-written Numba function.
"""

from __future__ import annotations

import numba

import s2s

from . import Impl, Workload, jax, synced


def tiny(x):
    return x * x + 1.0


@numba.njit(cache=True)
def tiny_grad_by_hand(x):
    return 2.0 * x


def make_args():
    return (1.5,)


def _jax(grad: bool):
    jx = jax()
    return synced(jx.jit(jx.grad(tiny) if grad else tiny))


def _autograd(grad: bool):
    import autograd

    return autograd.grad(tiny) if grad else tiny


def impls():
    return [
        Impl(
            "s2s (s2s.grad object)",
            "s2s",
            gradient=lambda args: s2s.grad(tiny),
            function=lambda args: s2s.jit(tiny),
            show=lambda: s2s.show(s2s.grad(tiny)),
        ),
        Impl(
            "s2s (dispatcher)",
            "s2s",
            gradient=lambda args: s2s.jit(s2s.grad(tiny)),
            function=lambda args: s2s.jit(tiny),
            note="s2s.jit(s2s.grad(tiny)): the Numba dispatcher, no argument checks",
        ),
        Impl(
            "JAX",
            "jax",
            gradient=lambda args: _jax(True),
            function=lambda args: _jax(False),
            note="called with a Python float; jax.block_until_ready on the result",
        ),
        Impl(
            "autograd",
            "autograd",
            gradient=lambda args: _autograd(True),
            function=lambda args: _autograd(False),
            note="function: plain Python",
        ),
        Impl(
            "Numba (by hand)",
            "numba",
            gradient=lambda args: tiny_grad_by_hand,
            function=lambda args: numba.njit(cache=True)(tiny),
        ),
    ]


WORKLOAD = Workload(
    name="overhead",
    title="Call overhead, x * x + 1",
    derivative="gradient of a scalar function at a float",
    make_args=make_args,
    impls=impls,
    rtol=1e-12,
    source=tiny,
)
