"""A small MLP's loss: batch 128, 16 inputs, two hidden layers of 64 (tanh), one output.

Gradient of the mean squared error w.r.t. all six weight and bias arrays.
"""

from __future__ import annotations

import numba
import numpy as np

import s2s

from . import Impl, Workload, jax, jax_args, synced

BATCH, INPUTS, WIDTH = 128, 16, 64


def mlp(W1, b1, W2, b2, W3, b3, x, y):
    h1 = np.tanh(x @ W1 + b1)
    h2 = np.tanh(h1 @ W2 + b2)
    out = h2 @ W3 + b3
    d = out[:, 0] - y
    return np.mean(d * d)


@numba.njit(cache=True)
def mlp_grad_by_hand(W1, b1, W2, b2, W3, b3, x, y):
    h1 = np.tanh(x @ W1 + b1)
    h2 = np.tanh(h1 @ W2 + b2)
    out = h2 @ W3 + b3
    bout = (2.0 / y.shape[0]) * (out - y.reshape(-1, 1))
    bW3 = np.ascontiguousarray(h2.T) @ bout
    bb3 = bout.sum(axis=0)
    bz2 = (bout @ np.ascontiguousarray(W3.T)) * (1.0 - h2 * h2)
    bW2 = np.ascontiguousarray(h1.T) @ bz2
    bb2 = bz2.sum(axis=0)
    bz1 = (bz2 @ np.ascontiguousarray(W2.T)) * (1.0 - h1 * h1)
    bW1 = np.ascontiguousarray(x.T) @ bz1
    bb1 = bz1.sum(axis=0)
    return bW1, bb1, bW2, bb2, bW3, bb3


def make_args():
    rng = np.random.default_rng(2)
    W1 = rng.normal(size=(INPUTS, WIDTH)) / np.sqrt(INPUTS)
    W2 = rng.normal(size=(WIDTH, WIDTH)) / np.sqrt(WIDTH)
    W3 = rng.normal(size=(WIDTH, 1)) / np.sqrt(WIDTH)
    b1, b2, b3 = 0.1 * rng.normal(size=WIDTH), 0.1 * rng.normal(size=WIDTH), np.zeros(1)
    x = rng.normal(size=(BATCH, INPUTS))
    y = np.sin(x[:, 0]) + 0.1 * rng.normal(size=BATCH)
    return W1, b1, W2, b2, W3, b3, x, y


def _jax_mlp():
    jx = jax()
    jnp = jx.numpy

    def mlp_jax(W1, b1, W2, b2, W3, b3, x, y):
        h1 = jnp.tanh(x @ W1 + b1)
        h2 = jnp.tanh(h1 @ W2 + b2)
        out = h2 @ W3 + b3
        d = out[:, 0] - y
        return jnp.mean(d * d)

    return jx, mlp_jax


def _autograd_mlp():
    import autograd
    import autograd.numpy as anp

    def mlp_autograd(W1, b1, W2, b2, W3, b3, x, y):
        h1 = anp.tanh(anp.dot(x, W1) + b1)
        h2 = anp.tanh(anp.dot(h1, W2) + b2)
        out = anp.dot(h2, W3) + b3
        d = out[:, 0] - y
        return anp.mean(d * d)

    g = autograd.grad(lambda params, x, y: mlp_autograd(*params, x, y))

    def gradient(W1, b1, W2, b2, W3, b3, x, y):
        return g((W1, b1, W2, b2, W3, b3), x, y)

    return mlp_autograd, gradient


ARGNUMS = (0, 1, 2, 3, 4, 5)


def impls():
    def jax_grad(args):
        jx, f = _jax_mlp()
        return synced(jx.jit(jx.grad(f, argnums=ARGNUMS)))

    def jax_fn(args):
        jx, f = _jax_mlp()
        return synced(jx.jit(f))

    return [
        Impl(
            "s2s",
            "s2s",
            gradient=lambda args: s2s.grad(mlp, argnums=ARGNUMS),
            function=lambda args: s2s.jit(mlp),
            show=lambda: s2s.show(s2s.grad(mlp, argnums=ARGNUMS)),
        ),
        Impl("JAX", "jax", gradient=jax_grad, function=jax_fn, prepare=jax_args),
        Impl(
            "autograd",
            "autograd",
            gradient=lambda args: _autograd_mlp()[1],
            function=lambda args: _autograd_mlp()[0],
        ),
        Impl(
            "Numba (by hand)",
            "numba",
            gradient=lambda args: mlp_grad_by_hand,
            function=lambda args: numba.njit(cache=True)(mlp),
        ),
    ]


WORKLOAD = Workload(
    name="mlp",
    title=f"MLP, batch {BATCH}, 2x{WIDTH} tanh",
    derivative="gradient w.r.t. 3 weight matrices and 3 biases",
    make_args=make_args,
    impls=impls,
    rtol=1e-7,
    source=mlp,
)
