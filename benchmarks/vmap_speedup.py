"""vmap against a Python loop, and the parallel batch loop against the serial one.

Targets (issue "vmap"): ``s2s.vmap(f)`` on 10^5 elements at least 20x faster than a Python
loop calling ``f``; with a large batch, the loop runs on every core.

    python benchmarks/vmap_speedup.py
"""

from __future__ import annotations

import math

import numpy as np

import s2s

try:
    from .common import best_time, fmt, machine
except ImportError:
    from common import best_time, fmt, machine


def newton_sqrt(a, tol):
    """A per-element while loop whose trip count depends on the element."""
    x = a if a > 1.0 else 1.0
    n = 0
    while abs(x * x - a) > tol and n < 100:
        x = 0.5 * (x + a / x)
        n += 1
    return x + 0.0 * math.sin(n)


def main(n: int = 100_000) -> dict[str, float]:
    a = np.random.default_rng(0).uniform(0.1, 1e4, n)
    tol = 1e-10
    serial = s2s.vmap(newton_sqrt, in_axes=(0, None), parallel=False)
    parallel = s2s.vmap(newton_sqrt, in_axes=(0, None), parallel=True)
    automatic = s2s.vmap(newton_sqrt, in_axes=(0, None))
    expected = np.array([newton_sqrt(v, tol) for v in a[:1000]])
    for fn in (serial, parallel, automatic):
        np.testing.assert_allclose(fn(a, tol)[:1000], expected)
    sample = a[:2000]
    loop_per_element = best_time(lambda: [newton_sqrt(v, tol) for v in sample], repeat=3)
    times = {
        "Python loop over f": loop_per_element * n / sample.size,
        "s2s.vmap, serial loop": best_time(lambda: serial(a, tol)),
        "s2s.vmap, prange loop": best_time(lambda: parallel(a, tol)),
        "s2s.vmap, parallel=None": best_time(lambda: automatic(a, tol)),
    }
    print(f"vmap of a per-element Newton iteration, {n} elements; {machine()}")
    for name, seconds in times.items():
        print(f"  {name:28s} {fmt(seconds)}")
    speedup = times["Python loop over f"] / times["s2s.vmap, parallel=None"]
    cores = times["s2s.vmap, serial loop"] / times["s2s.vmap, prange loop"]
    print(f"  vmap vs Python loop:         {speedup:.0f}x  (target >= 20)")
    print(f"  parallel vs serial batch:    {cores:.2f}x  (both cores: up to 2)")
    return times


if __name__ == "__main__":
    main()
