"""Pairwise potential energy of 300 bodies in 3-D: gradient w.r.t. the positions (the forces).

The energy is written as Numba users write it: a triangular double loop over pairs, reading
coordinates through rows (``X[i][0]``). s2s adds each such read's share straight into the
positions' adjoint (``_s2s.scatter_add_part``), with no adjoint of the row to clear per read.
JAX and autograd compute the same energy vectorised, over all pairs at once (each pair twice,
halved: the upper triangle of an array of all pairs).
"""

from __future__ import annotations

import math

import numba
import numpy as np

import s2s

from . import Impl, Workload, jax, jax_args, synced

BODIES = 300
SOFTENING = 0.01


def energy(X, m):
    e = 0.0
    n = X.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            dx = X[i][0] - X[j][0]
            dy = X[i][1] - X[j][1]
            dz = X[i][2] - X[j][2]
            e -= m[i] * m[j] / math.sqrt(dx * dx + dy * dy + dz * dz + SOFTENING)
    return e


@numba.njit(cache=True)
def forces_by_hand(X, m):
    """The gradient of ``energy`` w.r.t. ``X``, each pair's share added to both bodies."""
    n = X.shape[0]
    g = np.zeros_like(X)
    for i in range(n):
        for j in range(i + 1, n):
            dx = X[i, 0] - X[j, 0]
            dy = X[i, 1] - X[j, 1]
            dz = X[i, 2] - X[j, 2]
            r2 = dx * dx + dy * dy + dz * dz + SOFTENING
            c = m[i] * m[j] / (r2 * math.sqrt(r2))
            g[i, 0] += c * dx
            g[i, 1] += c * dy
            g[i, 2] += c * dz
            g[j, 0] -= c * dx
            g[j, 1] -= c * dy
            g[j, 2] -= c * dz
    return g


def make_args():
    rng = np.random.default_rng(3)
    return rng.normal(size=(BODIES, 3)), 0.5 + rng.random(BODIES)


def _vectorised(np_):
    """The energy over all pairs at once, for a NumPy-like module ``np_``."""

    def energy_vectorised(X, m):
        d = X[:, None, :] - X[None, :, :]
        r = np_.sqrt(np_.sum(d * d, axis=2) + SOFTENING)
        pairs = np_.triu(m[:, None] * m[None, :] / r, 1)
        return -np_.sum(pairs)

    return energy_vectorised


def _jax_energy():
    jx = jax()
    return jx, _vectorised(jx.numpy)


def _autograd_energy():
    import autograd
    import autograd.numpy as anp

    f = _vectorised(anp)
    return f, autograd.grad(f)


def impls():
    def jax_grad(args):
        jx, f = _jax_energy()
        return synced(jx.jit(jx.grad(f)))

    def jax_fn(args):
        jx, f = _jax_energy()
        return synced(jx.jit(f))

    return [
        Impl(
            "s2s (loops, X[i][0])",
            "s2s",
            gradient=lambda args: s2s.grad(energy),
            function=lambda args: s2s.jit(energy),
            show=lambda: s2s.show(s2s.grad(energy)),
        ),
        Impl("JAX (vectorised)", "jax", gradient=jax_grad, function=jax_fn, prepare=jax_args),
        Impl(
            "autograd (vectorised)",
            "autograd",
            gradient=lambda args: _autograd_energy()[1],
            function=lambda args: _autograd_energy()[0],
        ),
        Impl(
            "Numba (by hand)",
            "numba",
            gradient=lambda args: forces_by_hand,
            function=lambda args: numba.njit(cache=True)(energy),
        ),
    ]


WORKLOAD = Workload(
    name="nbody",
    title=f"Pair energy, {BODIES} bodies",
    derivative="gradient w.r.t. the positions",
    make_args=make_args,
    impls=impls,
    rtol=1e-9,
    source=energy,
)
