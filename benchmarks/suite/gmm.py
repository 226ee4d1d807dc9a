"""Gaussian-mixture negative log-likelihood, 1000 points in 1-D, 5 components.

Gradient w.r.t. the mixture logits, the means and the log standard deviations. s2s
differentiates the same likelihood written with explicit loops (as for Numba) and vectorised
(NumPy broadcasting; a global shift stands in for a per-row max, which Numba's ``np.max``
cannot take along an axis).
"""

from __future__ import annotations

import math

import numba
import numpy as np

import s2s

from . import Impl, Workload, jax, jax_args, synced

POINTS, COMPONENTS = 1000, 5
LOG_2PI = math.log(2.0 * math.pi)


def gmm_loops(logits, mu, logsigma, x):
    k = logits.shape[0]
    top = logits[0]
    for j in range(1, k):
        if logits[j] > top:
            top = logits[j]
    norm = 0.0
    for j in range(k):
        norm += math.exp(logits[j] - top)
    lognorm = top + math.log(norm)
    a = np.empty(k)
    nll = 0.0
    for i in range(x.shape[0]):
        amax = -math.inf
        for j in range(k):
            z = (x[i] - mu[j]) * math.exp(-logsigma[j])
            a[j] = logits[j] - lognorm - 0.5 * z * z - logsigma[j] - 0.5 * LOG_2PI
            if a[j] > amax:
                amax = a[j]
        s = 0.0
        for j in range(k):
            s += math.exp(a[j] - amax)
        nll -= amax + math.log(s)
    return nll


def gmm_vectorised(logits, mu, logsigma, x):
    logw = logits - np.log(np.sum(np.exp(logits)))
    z = (x[:, None] - mu[None, :]) * np.exp(-logsigma)[None, :]
    a = logw[None, :] - 0.5 * z * z - logsigma[None, :] - 0.5 * LOG_2PI
    m = np.max(a)
    return -np.sum(m + np.log(np.sum(np.exp(a - m), axis=1)))


@numba.njit(cache=True)
def gmm_grad_by_hand(logits, mu, logsigma, x):
    k = logits.shape[0]
    top = logits[0]
    for j in range(1, k):
        top = max(top, logits[j])
    w = np.empty(k)
    norm = 0.0
    for j in range(k):
        w[j] = math.exp(logits[j] - top)
        norm += w[j]
    lognorm = top + math.log(norm)
    w /= norm
    inv = np.exp(-logsigma)
    a = np.empty(k)
    z = np.empty(k)
    blogits = np.zeros(k)
    bmu = np.zeros(k)
    blogsigma = np.zeros(k)
    for i in range(x.shape[0]):
        amax = -math.inf
        for j in range(k):
            z[j] = (x[i] - mu[j]) * inv[j]
            a[j] = logits[j] - lognorm - 0.5 * z[j] * z[j] - logsigma[j] - 0.5 * LOG_2PI
            amax = max(amax, a[j])
        s = 0.0
        for j in range(k):
            a[j] = math.exp(a[j] - amax)
            s += a[j]
        for j in range(k):
            r = a[j] / s  # responsibility; d nll / d a_j = -r
            blogits[j] -= r
            bmu[j] -= r * z[j] * inv[j]
            blogsigma[j] -= r * (z[j] * z[j] - 1.0)
    blogits += x.shape[0] * w
    return blogits, bmu, blogsigma


def make_args():
    rng = np.random.default_rng(1)
    centres = np.array([-4.0, -1.5, 0.0, 2.0, 5.0])
    x = centres[rng.integers(0, COMPONENTS, POINTS)] + rng.normal(size=POINTS)
    logits = 0.3 * rng.normal(size=COMPONENTS)
    mu = centres + 0.5 * rng.normal(size=COMPONENTS)
    logsigma = 0.2 * rng.normal(size=COMPONENTS)
    return logits, mu, logsigma, x


def _jax_gmm():
    jx = jax()
    jnp = jx.numpy

    def gmm_jax(logits, mu, logsigma, x):
        logw = jx.nn.log_softmax(logits)
        z = (x[:, None] - mu[None, :]) * jnp.exp(-logsigma)[None, :]
        a = logw[None, :] - 0.5 * z * z - logsigma[None, :] - 0.5 * LOG_2PI
        return -jnp.sum(jx.nn.logsumexp(a, axis=1))

    return jx, gmm_jax


def _autograd_gmm():
    import autograd
    import autograd.numpy as anp
    from autograd.scipy.special import logsumexp

    def gmm_autograd(logits, mu, logsigma, x):
        logw = logits - logsumexp(logits)
        z = (x[:, None] - mu[None, :]) * anp.exp(-logsigma)[None, :]
        a = logw[None, :] - 0.5 * z * z - logsigma[None, :] - 0.5 * LOG_2PI
        return -anp.sum(logsumexp(a, axis=1))

    g = autograd.grad(lambda p, x: gmm_autograd(p[0], p[1], p[2], x))

    def gradient(logits, mu, logsigma, x):
        return g((logits, mu, logsigma), x)

    return gmm_autograd, gradient


ARGNUMS = (0, 1, 2)


def impls():
    def jax_grad(args):
        jx, f = _jax_gmm()
        return synced(jx.jit(jx.grad(f, argnums=ARGNUMS)))

    def jax_fn(args):
        jx, f = _jax_gmm()
        return synced(jx.jit(f))

    return [
        Impl(
            "s2s (loops)",
            "s2s",
            gradient=lambda args: s2s.grad(gmm_loops, argnums=ARGNUMS),
            function=lambda args: s2s.jit(gmm_loops),
            show=lambda: s2s.show(s2s.grad(gmm_loops, argnums=ARGNUMS)),
        ),
        Impl(
            "s2s (vectorised)",
            "s2s",
            gradient=lambda args: s2s.grad(gmm_vectorised, argnums=ARGNUMS),
            function=lambda args: s2s.jit(gmm_vectorised),
            show=lambda: s2s.show(s2s.grad(gmm_vectorised, argnums=ARGNUMS)),
            source=gmm_vectorised,
        ),
        Impl("JAX (vectorised)", "jax", gradient=jax_grad, function=jax_fn, prepare=jax_args),
        Impl(
            "autograd (vectorised)",
            "autograd",
            gradient=lambda args: _autograd_gmm()[1],
            function=lambda args: _autograd_gmm()[0],
        ),
        Impl(
            "Numba (by hand, loops)",
            "numba",
            gradient=lambda args: gmm_grad_by_hand,
            function=lambda args: numba.njit(cache=True)(gmm_loops),
        ),
    ]


WORKLOAD = Workload(
    name="gmm",
    title=f"GMM NLL, {POINTS} points, {COMPONENTS} comp.",
    derivative="gradient w.r.t. logits, means, log std devs",
    make_args=make_args,
    impls=impls,
    rtol=1e-7,
    source=gmm_loops,
)
