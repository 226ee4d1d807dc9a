"""Implicit time steps of a reaction-diffusion equation, Newton's method on a sparse Jacobian.

Fisher's equation, ``u_t = D u_xx + r u (1 - u)``, on a line of ``N`` points with ``u = 0`` at
both ends, stepped with backward Euler: each step solves ``F(u) = 0`` for the new state, where
``F`` is written as a loop over the grid points, the way one writes it for Numba. Newton's
method needs the Jacobian of ``F``; each point reads only its neighbours, so the Jacobian is
tridiagonal, and ``s2s.jacfwd(residual, sparsity=pattern)`` builds it in three forward passes
instead of ``N``: columns three apart share no row, so they go through together.

The fronts that spread from the initial bump travel at about Fisher's speed, ``2 sqrt(D r)``,
which the script measures. Run it with ``python examples/implicit_heat.py``; what s2s generates
is printed by ``print(s2s.show(s2s.jacfwd(residual, sparsity=tridiagonal(N))))``: a loop over
the three groups calling the residual's forward-mode derivative (``s2s show
examples/implicit_heat.py:residual --jacfwd`` prints the dense one, a loop over every column).
"""

from __future__ import annotations

import time

import numpy as np

import s2s

N = 400
D, R = 1.0, 4.0
LENGTH = 20.0
H = LENGTH / (N + 1)  # grid spacing
DT = 0.05


def residual(u, u_old, dt, h):
    """Backward Euler's equations for the new state ``u`` after ``u_old``: zero at the
    solution. Point i reads points i - 1 and i + 1 (zero beyond the ends)."""
    n = u.shape[0]
    F = np.empty(n)
    for i in range(n):
        left = 0.0
        right = 0.0
        if i > 0:
            left = u[i - 1]
        if i < n - 1:
            right = u[i + 1]
        laplacian = (left - 2.0 * u[i] + right) / (h * h)
        F[i] = u[i] - u_old[i] - dt * (D * laplacian + R * u[i] * (1.0 - u[i]))
    return F


def tridiagonal(n: int) -> np.ndarray:
    """Where the Jacobian may be non-zero: the diagonal and its two neighbours."""
    offsets = np.subtract.outer(np.arange(n), np.arange(n))
    return np.abs(offsets) <= 1


def step(u_old, jacobian, tolerance=1e-10):
    """One backward-Euler step: Newton's method from the old state; returns the new state
    and the number of Newton iterations."""
    u = u_old.copy()
    for iteration in range(1, 20):
        F = residual(u, u_old, DT, H)
        u -= np.linalg.solve(jacobian(u, u_old, DT, H), F)
        if np.max(np.abs(F)) < tolerance:
            return u, iteration
    raise RuntimeError("Newton's method did not converge")


def time_per_call(fn, *args, repeat=20) -> float:
    fn(*args)  # compile
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeat):
            fn(*args)
        best = min(best, (time.perf_counter() - start) / repeat)
    return best


def main() -> None:
    x = np.linspace(H, LENGTH - H, N)
    u = np.exp(-((x - LENGTH / 2) ** 2))  # a bump in the middle, which spreads as two fronts

    sparse = s2s.jacfwd(residual, sparsity=tridiagonal(N))
    dense = s2s.jacfwd(residual)
    args = (u, u, DT, H)
    assert np.allclose(sparse(*args), dense(*args), rtol=1e-12, atol=1e-12)  # the pattern holds
    t_sparse, t_dense = time_per_call(sparse, *args), time_per_call(dense, *args, repeat=3)
    print(f"Jacobian of the residual, {N} x {N}:")
    print(f"  sparsity=tridiagonal: {t_sparse * 1e3:7.3f} ms (3 forward passes)")
    print(f"  dense:                {t_dense * 1e3:7.3f} ms ({N} forward passes)")

    iterations = 0
    steps = 40
    fronts = {}
    for k in range(1, steps + 1):
        u, used = step(u, sparse)
        iterations += used
        if k % 10 == 0:
            fronts[k] = x[np.argmax(u > 0.5)]  # where the left front crosses 1/2
            print(f"t = {k * DT:4.1f}   max u = {u.max():.4f}   left front at x = {fronts[k]:6.3f}")
    speed = (fronts[20] - fronts[40]) / (20 * DT)
    print(f"{steps} implicit steps, {iterations} Newton iterations")
    print(f"front speed {speed:.2f} (Fisher's 2 sqrt(D r) = {2 * np.sqrt(D * R):.2f})")


if __name__ == "__main__":
    main()
