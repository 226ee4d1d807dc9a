"""Per-example gradients of a logistic regression: batch 1024, 100 features.

s2s: ``s2s.vmap(s2s.grad(loss), in_axes=(None, 0, 0))`` (skipped, with a row saying so, in a
version of s2s without ``vmap``); also ``s2s.grad`` called in a Numba loop over the examples,
which works without ``vmap``. The function column is the batch of per-example losses.
"""

from __future__ import annotations

import math

import numba
import numpy as np

import s2s

from . import Impl, Workload, jax, jax_args, synced

BATCH, FEATURES = 1024, 100
IN_AXES = (None, 0, 0)


def loss(w, x, y):
    """Logistic loss of one example, label y in {-1, +1}: log(1 + exp(-y w.x))."""
    z = y * np.dot(w, x)
    if z > 0.0:
        return math.log1p(math.exp(-z))
    return math.log1p(math.exp(z)) - z


@numba.njit(cache=True)
def losses_by_hand(w, X, Y):
    out = np.empty(X.shape[0])
    for i in range(X.shape[0]):
        z = Y[i] * np.dot(w, X[i])
        if z > 0.0:
            out[i] = math.log1p(math.exp(-z))
        else:
            out[i] = math.log1p(math.exp(z)) - z
    return out


@numba.njit(cache=True)
def per_example_grads_by_hand(w, X, Y):
    out = np.empty(X.shape)
    for i in range(X.shape[0]):
        z = Y[i] * np.dot(w, X[i])
        # d/dz log(1 + exp(-z)) = -1 / (1 + exp(z))
        if z > 0.0:
            e = math.exp(-z)
            s = -e / (1.0 + e)
        else:
            s = -1.0 / (1.0 + math.exp(z))
        for j in range(X.shape[1]):
            out[i, j] = s * Y[i] * X[i, j]
    return out


def _in_numba_loop(one):
    """``one(w, x, y)``, a Numba dispatcher, mapped over the rows of X and Y in Numba."""

    @numba.njit
    def scalars(w, X, Y):
        out = np.empty(X.shape[0])
        for i in range(X.shape[0]):
            out[i] = one(w, X[i], Y[i])
        return out

    @numba.njit
    def rows(w, X, Y):
        out = np.empty(X.shape)
        for i in range(X.shape[0]):
            out[i] = one(w, X[i], Y[i])
        return out

    return scalars, rows


def make_args():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(BATCH, FEATURES))
    w_true = rng.normal(size=FEATURES) / math.sqrt(FEATURES)
    Y = np.where(X @ w_true + 0.3 * rng.normal(size=BATCH) > 0.0, 1.0, -1.0)
    w = 0.1 * rng.normal(size=FEATURES)
    return w, X, Y


def _jax_loss():
    jx = jax()
    jnp = jx.numpy

    def loss_jax(w, x, y):
        return jnp.logaddexp(0.0, -y * jnp.dot(w, x))

    return jx, loss_jax


def _autograd():
    import autograd
    import autograd.numpy as anp

    def loss_autograd(w, x, y):
        return anp.logaddexp(0.0, -y * anp.dot(w, x))

    g = autograd.grad(loss_autograd)

    def gradient(w, X, Y):  # autograd has no vmap: a Python loop over the examples
        return np.stack([g(w, X[i], Y[i]) for i in range(X.shape[0])])

    def function(w, X, Y):
        return np.logaddexp(0.0, -Y * (X @ w))

    return function, gradient


def impls():
    has_vmap = hasattr(s2s, "vmap")

    def jax_grad(args):
        jx, f = _jax_loss()
        return synced(jx.jit(jx.vmap(jx.grad(f), in_axes=IN_AXES)))

    def jax_fn(args):
        jx, f = _jax_loss()
        return synced(jx.jit(jx.vmap(f, in_axes=IN_AXES)))

    return [
        Impl(
            "s2s (vmap of grad)",
            "s2s",
            gradient=lambda args: s2s.vmap(s2s.grad(loss), in_axes=IN_AXES),
            function=lambda args: s2s.vmap(loss, in_axes=IN_AXES),
            show=lambda: s2s.show(s2s.vmap(s2s.grad(loss), in_axes=IN_AXES)),
            unavailable=None if has_vmap else "not available: this version of s2s has no vmap",
        ),
        Impl(
            "s2s (grad in a Numba loop)",
            "s2s",
            gradient=lambda args: _in_numba_loop(s2s.jit(s2s.grad(loss)))[1],
            function=lambda args: _in_numba_loop(s2s.jit(loss))[0],
            show=lambda: s2s.show(s2s.grad(loss)),
            note="s2s.jit(s2s.grad(loss)) called from an @njit loop over the examples; that "
            "loop is built at run time, so Numba compiles it again in every process (its warm "
            "start)",
        ),
        Impl("JAX (vmap of grad)", "jax", gradient=jax_grad, function=jax_fn, prepare=jax_args),
        Impl(
            "autograd (loop of grad)",
            "autograd",
            gradient=lambda args: _autograd()[1],
            function=lambda args: _autograd()[0],
            note="no vmap in autograd: a Python loop of autograd.grad over the examples",
        ),
        Impl(
            "Numba (by hand)",
            "numba",
            gradient=lambda args: per_example_grads_by_hand,
            function=lambda args: losses_by_hand,
        ),
    ]


WORKLOAD = Workload(
    name="per_example",
    title=f"Per-example grads, {BATCH}x{FEATURES}",
    derivative="logistic-regression gradient for each of 1024 examples",
    make_args=make_args,
    impls=impls,
    rtol=1e-7,
    source=loss,
)
