"""Hessian-vector products against gradients (forward over reverse).

Target (issue "forward mode"): a Hessian-vector product costs at most about 2x a gradient.

    python benchmarks/hvp.py
"""

from __future__ import annotations

import numpy as np

import s2s
from s2s.forward import jvp_transform

try:
    from .common import best_time, fmt, machine
except ImportError:
    from common import best_time, fmt, machine


def rosenbrock(x):
    total = 0.0
    for i in range(x.shape[0] - 1):
        a = x[i + 1] - x[i] * x[i]
        b = 1.0 - x[i]
        total += 100.0 * a * a + b * b
    return total


def main(n: int = 100) -> dict[str, float]:
    rng = np.random.default_rng(0)
    x, v = rng.standard_normal(n), rng.standard_normal(n)
    gradient = s2s.grad(rosenbrock)
    hvp = jvp_transform(gradient, jit=True)  # (x, v) -> (gradient, Hessian @ v)
    hessian = s2s.hessian(rosenbrock)
    np.testing.assert_allclose(hvp(x, v)[1], hessian(x) @ v, rtol=1e-10)
    times = {
        "gradient": best_time(lambda: gradient(x)),
        "Hessian-vector product": best_time(lambda: hvp(x, v)),
        "full Hessian": best_time(lambda: hessian(x)),
    }
    print(f"Rosenbrock, {n} variables (a loop); {machine()}")
    for name, seconds in times.items():
        print(f"  {name:24s} {fmt(seconds)}")
    ratio = times["Hessian-vector product"] / times["gradient"]
    print(f"  HVP / gradient:          {ratio:.2f}x  (target <= about 2)")
    return times


if __name__ == "__main__":
    main()
