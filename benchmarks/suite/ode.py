"""Explicit Euler integrator, 10^5 steps: gradient w.r.t. the parameters and the initial state.

The function is ``euler`` from ``euler_adjoint.py``: dy/dt = a y - b y^2 + sin(c t).
"""

from __future__ import annotations

import numba
import numpy as np
from euler_adjoint import euler
from euler_adjoint import euler_adjoint_by_hand as euler_grad_by_hand

import s2s

from . import Impl, Workload, jax, synced

N_STEPS = 100_000


def make_args():
    return (np.array([0.3, 0.2, 1.5]), 0.5, 1e-4, N_STEPS)


def _jax(args):
    jx = jax()
    jnp, lax = jx.numpy, jx.lax
    _, _, h, n = args

    def euler_jax(theta, y0):
        def step(i, y):
            t = i * h
            return y + h * (theta[0] * y - theta[1] * y * y + jnp.sin(theta[2] * t))

        return lax.fori_loop(0, n, step, y0)

    return jx, euler_jax


def impls():
    s2s_grad = lambda args: s2s.grad(euler, argnums=(0, 1))  # noqa: E731
    return [
        Impl(
            "s2s",
            "s2s",
            gradient=s2s_grad,
            function=lambda args: s2s.jit(euler),
            show=lambda: s2s.show(s2s.grad(euler, argnums=(0, 1))),
        ),
        Impl(
            "JAX (lax.fori_loop)",
            "jax",
            gradient=lambda args: synced(_jax_grad(args)),
            function=lambda args: synced(_jax_fn(args)),
            prepare=lambda args: (jax().numpy.asarray(args[0]), args[1]),
        ),
        Impl(
            "autograd",
            "autograd",
            unavailable="not run: one gradient call takes about 80 s at 10^5 steps "
            "(a Python-level tape of ~10^6 scalar operations)",
        ),
        Impl(
            "Numba (by hand)",
            "numba",
            gradient=lambda args: euler_grad_by_hand,
            function=lambda args: numba.njit(cache=True)(euler),
        ),
    ]


def _jax_grad(args):
    jx, f = _jax(args)
    return jx.jit(jx.grad(f, argnums=(0, 1)))


def _jax_fn(args):
    jx, f = _jax(args)
    return jx.jit(f)


WORKLOAD = Workload(
    name="ode",
    title=f"Euler ODE, {N_STEPS:,} steps",
    derivative="gradient w.r.t. 3 parameters and the initial state",
    make_args=make_args,
    impls=impls,
    rtol=1e-6,
    source=euler,
)
