"""The Hessian of the 100-variable Rosenbrock function.

s2s and Numba take the loop over the variables; JAX and autograd the vectorised sum.
``s2s.hessian`` is forward mode over reverse mode; ``jax.hessian`` is ``jacfwd(jacrev)``.
Given the Hessian's tridiagonal pattern, ``s2s.hessian`` makes three passes instead of one per
variable, the structure the hand-written Hessian uses.
"""

from __future__ import annotations

import numba
import numpy as np

import s2s

from . import Impl, Workload, jax, jax_args, synced

N = 100
TRIDIAGONAL = np.abs(np.subtract.outer(np.arange(N), np.arange(N))) <= 1


def rosenbrock(x):
    s = 0.0
    for i in range(x.shape[0] - 1):
        a = x[i + 1] - x[i] * x[i]
        b = 1.0 - x[i]
        s += 100.0 * a * a + b * b
    return s


@numba.njit(cache=True)
def rosenbrock_hessian_by_hand(x):
    """Tridiagonal: each term couples x[i] and x[i + 1] only."""
    n = x.shape[0]
    H = np.zeros((n, n))
    for i in range(n - 1):
        H[i, i] += 1200.0 * x[i] * x[i] - 400.0 * x[i + 1] + 2.0
        H[i, i + 1] -= 400.0 * x[i]
        H[i + 1, i] -= 400.0 * x[i]
        H[i + 1, i + 1] += 200.0
    return H


def make_args():
    rng = np.random.default_rng(4)
    return (1.0 + 0.5 * rng.normal(size=N),)


def _jax():
    jx = jax()
    jnp = jx.numpy

    def rosenbrock_jax(x):
        return jnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)

    return jx, rosenbrock_jax


def _autograd():
    import autograd
    import autograd.numpy as anp

    def rosenbrock_autograd(x):
        return anp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)

    return rosenbrock_autograd, autograd.hessian(rosenbrock_autograd)


def impls():
    def jax_hessian(args):
        jx, f = _jax()
        return synced(jx.jit(jx.hessian(f)))

    def jax_fn(args):
        jx, f = _jax()
        return synced(jx.jit(f))

    return [
        Impl(
            "s2s (loop)",
            "s2s",
            gradient=lambda args: s2s.hessian(rosenbrock),
            function=lambda args: s2s.jit(rosenbrock),
            show=lambda: s2s.show(s2s.hessian(rosenbrock)),
        ),
        Impl(
            "s2s (loop, tridiagonal pattern)",
            "s2s",
            gradient=lambda args: s2s.hessian(rosenbrock, sparsity=TRIDIAGONAL),
            function=lambda args: s2s.jit(rosenbrock),
            show=lambda: s2s.show(s2s.hessian(rosenbrock, sparsity=TRIDIAGONAL)),
            note="s2s.hessian(f, sparsity=...): columns that share no row in one pass, "
            "3 passes instead of 100",
        ),
        Impl("JAX (vectorised)", "jax", gradient=jax_hessian, function=jax_fn, prepare=jax_args),
        Impl(
            "autograd (vectorised)",
            "autograd",
            gradient=lambda args: _autograd()[1],
            function=lambda args: _autograd()[0],
        ),
        Impl(
            "Numba (by hand)",
            "numba",
            gradient=lambda args: rosenbrock_hessian_by_hand,
            function=lambda args: numba.njit(cache=True)(rosenbrock),
            note="the Hessian written out (tridiagonal)",
        ),
    ]


WORKLOAD = Workload(
    name="hessian",
    title=f"Hessian, Rosenbrock n={N}",
    derivative="the 100x100 Hessian",
    make_args=make_args,
    impls=impls,
    rtol=1e-9,
    source=rosenbrock,
)
