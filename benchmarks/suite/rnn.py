"""A recurrent network over 100 time steps, hidden size 32: gradient w.r.t. W, U and b.

    h_t = tanh(W h_{t-1} + U x_t + b),   loss = sum_t (v . h_t - y_t)^2

s2s differentiates the NumPy code (``W @ h`` in the loop) and the same network written with
explicit loops, as one writes it for Numba; the hand-written Numba adjoint is
backpropagation through time with explicit loops.
"""

from __future__ import annotations

import math

import numba
import numpy as np

import s2s

from . import Impl, Workload, jax, jax_args, synced

T, HIDDEN, INPUTS = 100, 32, 8


def rnn(W, U, b, v, xs, ys):
    h = np.zeros(W.shape[0])
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + U @ xs[t] + b)
        d = np.dot(v, h) - ys[t]
        loss += d * d
    return loss


def rnn_loops(W, U, b, v, xs, ys):
    n, m = U.shape
    h = np.zeros(n)
    hnew = np.zeros(n)
    loss = 0.0
    for t in range(xs.shape[0]):
        for i in range(n):
            s = b[i]
            for j in range(n):
                s += W[i, j] * h[j]
            for j in range(m):
                s += U[i, j] * xs[t, j]
            hnew[i] = math.tanh(s)
        out = 0.0
        for i in range(n):
            h[i] = hnew[i]
            out += v[i] * h[i]
        d = out - ys[t]
        loss += d * d
    return loss


@numba.njit(cache=True)
def rnn_grad_by_hand(W, U, b, v, xs, ys):
    """Backpropagation through time: store the hidden states, sweep back."""
    steps = xs.shape[0]
    n, m = U.shape
    hs = np.zeros((steps + 1, n))
    ds = np.empty(steps)
    for t in range(steps):
        for i in range(n):
            s = b[i]
            for j in range(n):
                s += W[i, j] * hs[t, j]
            for j in range(m):
                s += U[i, j] * xs[t, j]
            hs[t + 1, i] = math.tanh(s)
        out = 0.0
        for i in range(n):
            out += v[i] * hs[t + 1, i]
        ds[t] = out - ys[t]
    bW = np.zeros((n, n))
    bU = np.zeros((n, m))
    bb = np.zeros(n)
    bh = np.zeros(n)
    bs = np.empty(n)
    for t in range(steps - 1, -1, -1):
        for i in range(n):
            h = hs[t + 1, i]
            bs[i] = (bh[i] + 2.0 * ds[t] * v[i]) * (1.0 - h * h)
        for j in range(n):
            bh[j] = 0.0
        for i in range(n):
            bb[i] += bs[i]
            for j in range(n):
                bW[i, j] += bs[i] * hs[t, j]
                bh[j] += W[i, j] * bs[i]
            for j in range(m):
                bU[i, j] += bs[i] * xs[t, j]
    return bW, bU, bb


def make_args():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(HIDDEN, HIDDEN)) / math.sqrt(HIDDEN)
    U = rng.normal(size=(HIDDEN, INPUTS)) / math.sqrt(INPUTS)
    b = 0.1 * rng.normal(size=HIDDEN)
    v = rng.normal(size=HIDDEN) / math.sqrt(HIDDEN)
    xs = rng.normal(size=(T, INPUTS))
    ys = rng.normal(size=T)
    return W, U, b, v, xs, ys


def _jax_rnn():
    jx = jax()
    jnp = jx.numpy

    def rnn_jax(W, U, b, v, xs, ys):
        def step(h, xy):
            x, y = xy
            h = jnp.tanh(W @ h + U @ x + b)
            d = v @ h - y
            return h, d * d

        _, losses = jx.lax.scan(step, jnp.zeros(W.shape[0]), (xs, ys))
        return jnp.sum(losses)

    return jx, rnn_jax


def _autograd_rnn():
    import autograd
    import autograd.numpy as anp

    def rnn_autograd(W, U, b, v, xs, ys):
        h = anp.zeros(W.shape[0])
        loss = 0.0
        for t in range(xs.shape[0]):
            h = anp.tanh(anp.dot(W, h) + anp.dot(U, xs[t]) + b)
            d = anp.dot(v, h) - ys[t]
            loss = loss + d * d
        return loss

    def params(p, W, U, b, v, xs, ys):  # one argument for autograd: W, U, b packed
        n, m = U.shape
        return rnn_autograd(
            p[: n * n].reshape(n, n),
            p[n * n : n * n + n * m].reshape(n, m),
            p[n * n + n * m :],
            v,
            xs,
            ys,
        )

    g = autograd.grad(params)

    def gradient(W, U, b, v, xs, ys):
        n, m = U.shape
        flat = g(np.concatenate([W.ravel(), U.ravel(), b]), W, U, b, v, xs, ys)
        return flat[: n * n].reshape(n, n), flat[n * n : n * n + n * m].reshape(n, m), flat[-n:]

    return rnn_autograd, gradient


ARGNUMS = (0, 1, 2)


def impls():
    def jax_grad(args):
        jx, f = _jax_rnn()
        return synced(jx.jit(jx.grad(f, argnums=ARGNUMS)))

    def jax_fn(args):
        jx, f = _jax_rnn()
        return synced(jx.jit(f))

    return [
        Impl(
            "s2s (W @ h)",
            "s2s",
            gradient=lambda args: s2s.grad(rnn, argnums=ARGNUMS),
            function=lambda args: s2s.jit(rnn),
            show=lambda: s2s.show(s2s.grad(rnn, argnums=ARGNUMS)),
        ),
        Impl(
            "s2s (loops)",
            "s2s",
            gradient=lambda args: s2s.grad(rnn_loops, argnums=ARGNUMS),
            function=lambda args: s2s.jit(rnn_loops),
            show=lambda: s2s.show(s2s.grad(rnn_loops, argnums=ARGNUMS)),
            source=rnn_loops,
        ),
        Impl("JAX (lax.scan)", "jax", gradient=jax_grad, function=jax_fn, prepare=jax_args),
        Impl(
            "autograd",
            "autograd",
            gradient=lambda args: _autograd_rnn()[1],
            function=lambda args: _autograd_rnn()[0],
        ),
        Impl(
            "Numba (by hand, loops)",
            "numba",
            gradient=lambda args: rnn_grad_by_hand,
            function=lambda args: numba.njit(cache=True)(rnn_loops),
        ),
    ]


WORKLOAD = Workload(
    name="rnn",
    title=f"RNN, {T} steps, hidden {HIDDEN}",
    derivative="gradient w.r.t. W (32x32), U (32x8), b",
    make_args=make_args,
    impls=impls,
    rtol=1e-7,
    source=rnn,
)
