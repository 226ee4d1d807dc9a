"""s2s quickstart: compile ordinary imperative NumPy code and read what s2s generates.

Run it with ``python examples/quickstart.py``. The functions below are plain module-level
Python, so the command-line tool can show them too::

    s2s show examples/quickstart.py:energy
    s2s show examples/quickstart.py:energy --stage parse
"""

from __future__ import annotations

import math

import numpy as np

import s2s


# -- the code a scientist writes for Numba ------------------------------------------------------
def soft_clip(v, limit):
    """A smooth clip to (-limit, limit): a helper, called without any decorator."""
    return limit * math.tanh(v / limit)


def energy(x, steps):
    """Relax a 1-D profile for ``steps`` sweeps, then return its energy.

    A loop, a branch, in-place updates of an array, a helper function and a ``math`` call:
    everything that Numba compiles and that ``jax.grad`` cannot trace.
    """
    y = x.copy()
    for _ in range(steps):
        for i in range(1, y.shape[0] - 1):
            lap = y[i - 1] - 2.0 * y[i] + y[i + 1]
            if lap > 0.0:
                y[i] += 0.25 * lap
            else:
                y[i] += 0.25 * soft_clip(lap, 0.5)
    return np.sum(y * y)


# -- sections -------------------------------------------------------------------------------
def section(title: str) -> None:
    print()
    print(f"== {title} " + "=" * max(0, 74 - len(title)))


def show_source(x: np.ndarray, steps: int) -> None:
    section("What s2s compiles: s2s.show(energy)")
    print(s2s.show(energy))


def compile_and_compare(x: np.ndarray, steps: int) -> None:
    section("s2s.jit(energy) against plain Python")
    fast = s2s.jit(energy)
    compiled = fast(x, steps)
    reference = energy(x, steps)
    print(f"s2s.jit(energy)(x, {steps}) = {float(compiled):.15g}")
    print(f"energy(x, {steps})          = {float(reference):.15g}   (plain Python)")
    assert math.isclose(compiled, reference, rel_tol=1e-12), (compiled, reference)


SECTIONS = [show_source, compile_and_compare]


def main() -> None:
    x = np.sin(np.linspace(0.0, 3.0, 8)) ** 3
    steps = 10
    for run in SECTIONS:
        run(x, steps)


if __name__ == "__main__":
    main()
