"""Fit the parameters of an ODE, integrated with an explicit loop, by gradient descent.

Logistic growth, ``dy/dt = r * y * (1 - y / K)``, is integrated with the classic fourth-order
Runge-Kutta scheme in a ``for`` loop that writes each step into a preallocated array: the code
one writes for Numba. ``s2s.value_and_grad`` differentiates the mean squared error against
observations with respect to ``(r, K, y0)``, and Adam, written in NumPy, recovers the
parameters that generated the observations.

Run it with ``python examples/ode_fit.py``. The derivative code is printed by::

    s2s show examples/ode_fit.py:loss --grad

The tutorial docs/02-gradients.md walks through the same fit.
"""

from __future__ import annotations

import time

import numpy as np

import s2s
from s2s.testing import check_grads


# -- the model, as written for Numba ------------------------------------------------------------
def growth(y, r, K):
    """The right-hand side of the logistic equation."""
    return r * y * (1.0 - y / K)


def simulate(params, dt, n):
    """Integrate from y0 with RK4, ``n`` points ``dt`` apart; ``params`` is ``(r, K, y0)``."""
    r, K, y = params[0], params[1], params[2]
    traj = np.zeros(n)
    traj[0] = y
    for i in range(1, n):
        k1 = growth(y, r, K)
        k2 = growth(y + 0.5 * dt * k1, r, K)
        k3 = growth(y + 0.5 * dt * k2, r, K)
        k4 = growth(y + dt * k3, r, K)
        y = y + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        traj[i] = y
    return traj


def loss(params, obs, dt):
    """Mean squared error between the simulated trajectory and the observations."""
    traj = simulate(params, dt, obs.shape[0])
    return np.mean((traj - obs) ** 2)


# -- the optimiser --------------------------------------------------------------------------------
def adam(loss_and_grad, params, args, steps, lr=0.05, b1=0.9, b2=0.999, report_every=50):
    """Minimise with Adam; print the loss every ``report_every`` steps; return the parameters."""
    m = np.zeros_like(params)
    v = np.zeros_like(params)
    for k in range(1, steps + 1):
        value, g = loss_and_grad(params, *args)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        params = params - lr * (m / (1 - b1**k)) / (np.sqrt(v / (1 - b2**k)) + 1e-8)
        if k == 1 or k % report_every == 0:
            print(f"  step {k:4d}   loss {value:.3e}   r, K, y0 = {format_params(params)}")
    return params


def format_params(params: np.ndarray) -> str:
    return ", ".join(f"{p:8.5f}" for p in params)


def time_per_call(fn, args, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn(*args)
    return (time.perf_counter() - start) / calls


def main() -> None:
    true_params = np.array([0.8, 10.0, 0.5])  # r, K, y0
    dt, n = 0.1, 101  # t from 0 to 10
    obs = simulate(true_params, dt, n)
    start = np.array([0.5, 6.0, 1.0])

    print("Logistic growth dy/dt = r y (1 - y/K), RK4 with dt = 0.1, 101 points")
    print(f"true parameters      r, K, y0 = {format_params(true_params)}")
    print(f"starting guess       r, K, y0 = {format_params(start)}")

    # The gradient against central differences, as plain Python (nothing to compile).
    check_grads(loss, (start, obs, dt), argnums=0, jit=False)
    print("check_grads(loss) at the starting guess: ok")

    loss_and_grad = s2s.value_and_grad(loss)
    t0 = time.perf_counter()
    loss_and_grad(start, obs, dt)
    print(
        f"first call of s2s.value_and_grad(loss) (compiles, or loads Numba's cache): "
        f"{time.perf_counter() - t0:.2f} s"
    )

    print("Adam, learning rate 0.05:")
    params = adam(loss_and_grad, start.copy(), (obs, dt), steps=600)

    final = loss(params, obs, dt)
    print(f"true parameters      r, K, y0 = {format_params(true_params)}")
    print(f"recovered parameters r, K, y0 = {format_params(params)}")
    print(f"final loss {final:.3e}")
    assert final < 1e-4 and np.allclose(params, true_params, rtol=1e-3), params

    compiled = time_per_call(loss_and_grad, (params, obs, dt), 2000)
    python = time_per_call(s2s.value_and_grad(loss, jit=False), (params, obs, dt), 5)
    print(
        f"time per gradient call: {compiled * 1e6:.1f} us compiled, "
        f"{python * 1e3:.1f} ms as plain Python (jit=False)"
    )


if __name__ == "__main__":
    main()
