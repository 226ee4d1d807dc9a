"""Loop-heavy scalar workload: an explicit Euler integrator over 10^5 steps.

Compares, in one process: the compiled function (``s2s.jit``), its compiled gradient
(``s2s.grad``), and a hand-written Numba adjoint of the same function. Targets (issue
"reverse mode"): gradient <= 3x the function, <= 1.25x the hand-written adjoint.

    python benchmarks/euler_adjoint.py
"""

from __future__ import annotations

import math

import numba
import numpy as np

import s2s

try:
    from .common import best_time, fmt, machine
except ImportError:
    from common import best_time, fmt, machine


def euler(theta, y0, h, n):
    """Final state of dy/dt = a y - b y^2 + sin(c t), explicit Euler, ``n`` steps."""
    y = y0
    for i in range(n):
        t = i * h
        y = y + h * (theta[0] * y - theta[1] * y * y + math.sin(theta[2] * t))
    return y


@numba.njit(cache=True)
def euler_adjoint_by_hand(theta, y0, h, n):
    """(d/d theta, d/d y0) of ``euler``, written by hand: store the states, sweep back."""
    ys = np.empty(n + 1)
    ys[0] = y0
    y = y0
    for i in range(n):
        t = i * h
        y = y + h * (theta[0] * y - theta[1] * y * y + math.sin(theta[2] * t))
        ys[i + 1] = y
    btheta = np.zeros(3)
    by = 1.0
    for i in range(n - 1, -1, -1):
        t = i * h
        yi = ys[i]
        btheta[0] += by * h * yi
        btheta[1] -= by * h * yi * yi
        btheta[2] += by * h * math.cos(theta[2] * t) * t
        by = by * (1.0 + h * (theta[0] - 2.0 * theta[1] * yi))
    return btheta, by


def main(n: int = 100_000) -> dict[str, float]:
    theta = np.array([0.3, 0.2, 1.5])
    y0, h = 0.5, 1e-4
    function = s2s.jit(euler)
    gradient = s2s.grad(euler)
    expected = euler_adjoint_by_hand(theta, y0, h, n)[0]
    np.testing.assert_allclose(gradient(theta, y0, h, n), expected, rtol=1e-9)
    times = {
        "function (s2s.jit)": best_time(lambda: function(theta, y0, h, n)),
        "gradient (s2s.grad)": best_time(lambda: gradient(theta, y0, h, n)),
        "gradient (hand-written Numba)": best_time(lambda: euler_adjoint_by_hand(theta, y0, h, n)),
    }
    print(f"Euler integrator, {n} steps; {machine()}")
    for name, seconds in times.items():
        print(f"  {name:32s} {fmt(seconds)}")
    ratio_fn = times["gradient (s2s.grad)"] / times["function (s2s.jit)"]
    ratio_hand = times["gradient (s2s.grad)"] / times["gradient (hand-written Numba)"]
    print(f"  gradient / function:            {ratio_fn:.2f}x  (target <= 3)")
    print(f"  gradient / hand-written adjoint: {ratio_hand:.2f}x  (target <= 1.25)")
    return times


if __name__ == "__main__":
    main()
