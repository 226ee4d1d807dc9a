"""s2s quickstart: compile ordinary imperative NumPy code and read what s2s generates.

Run it with ``python examples/quickstart.py``. The functions below are plain module-level
Python, so the command-line tool can show them too::

    s2s show examples/quickstart.py:energy
    s2s show examples/quickstart.py:energy --stage parse
    s2s show examples/quickstart.py:smoothed_energy --grad
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


def smoothed_energy(x):
    """A recursive filter written into an array it allocates, then its energy."""
    y = np.zeros(x.shape[0])
    y[0] = x[0]
    for i in range(1, x.shape[0]):
        y[i] = 0.5 * y[i - 1] + math.sin(x[i])  # in-place write, math on a scalar
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


def central_differences(f, x: np.ndarray, *args, eps: float = 1e-6) -> np.ndarray:
    """The gradient of ``f`` at ``x`` by central differences, one entry at a time."""
    out = np.zeros_like(x)
    for i in range(x.shape[0]):
        step = np.zeros_like(x)
        step[i] = eps
        out[i] = (f(x + step, *args) - f(x - step, *args)) / (2 * eps)
    return out


def gradients(x: np.ndarray, steps: int) -> None:
    section("The derivative code: s2s.show(s2s.grad(smoothed_energy))")
    print(s2s.show(s2s.grad(smoothed_energy)))

    section("s2s.grad against central differences")
    z = np.linspace(0.0, 1.0, 5)
    for name, f, args, at in [
        ("smoothed_energy", smoothed_energy, (), z),
        ("energy", energy, (steps,), x),
    ]:
        exact = s2s.grad(f)(at, *args)
        approx = central_differences(f, at, *args)
        print(f"{name}:  i   s2s.grad          central difference")
        for i in range(at.shape[0]):
            print(f"{'':{len(name)}}  {i:2d}  {exact[i]: .10f}      {approx[i]: .10f}")
        assert np.allclose(exact, approx, rtol=1e-6, atol=1e-8), (exact, approx)


SECTIONS = [show_source, compile_and_compare, gradients]


def main() -> None:
    x = np.sin(np.linspace(0.0, 3.0, 8)) ** 3
    steps = 10
    for run in SECTIONS:
        run(x, steps)


if __name__ == "__main__":
    main()
