"""Transformation time on a long function: a damped double pendulum, RK4 written out.

``pendulum`` is about a hundred lines of straight-line scalar code in a time loop (the four
Runge-Kutta stages spelled out, as one writes a hot loop for Numba). What this workload
measures first is how long s2s takes to turn it into its gradient's source (target: under
50 ms); the gradient itself is timed too, and checked against central differences computed
with the Numba-compiled function.
"""

from __future__ import annotations

import math

import numba
import numpy as np

import s2s

from . import Impl, Workload

STEPS = 1000


def pendulum(params, state, h, steps):
    """Energy and path cost of a damped double pendulum after ``steps`` RK4 steps."""
    m1 = params[0]
    m2 = params[1]
    l1 = params[2]
    l2 = params[3]
    g = params[4]
    damping = params[5]
    th1 = state[0]
    th2 = state[1]
    w1 = state[2]
    w2 = state[3]
    total = m1 + m2
    cost = 0.0
    for _ in range(steps):
        # stage 1
        d = th1 - th2
        c = math.cos(d)
        s = math.sin(d)
        den = total - m2 * c * c
        f1 = -m2 * l1 * w1 * w1 * s * c - m2 * l2 * w2 * w2 * s
        f1 = f1 - total * g * math.sin(th1) + m2 * g * math.sin(th2) * c
        f2 = total * l1 * w1 * w1 * s + m2 * l2 * w2 * w2 * s * c
        f2 = f2 + total * g * math.sin(th1) * c - total * g * math.sin(th2)
        k1a = w1
        k1b = w2
        k1c = f1 / (l1 * den) - damping * w1
        k1d = f2 / (l2 * den) - damping * w2
        # stage 2
        a = th1 + 0.5 * h * k1a
        b = th2 + 0.5 * h * k1b
        u = w1 + 0.5 * h * k1c
        v = w2 + 0.5 * h * k1d
        d = a - b
        c = math.cos(d)
        s = math.sin(d)
        den = total - m2 * c * c
        f1 = -m2 * l1 * u * u * s * c - m2 * l2 * v * v * s
        f1 = f1 - total * g * math.sin(a) + m2 * g * math.sin(b) * c
        f2 = total * l1 * u * u * s + m2 * l2 * v * v * s * c
        f2 = f2 + total * g * math.sin(a) * c - total * g * math.sin(b)
        k2a = u
        k2b = v
        k2c = f1 / (l1 * den) - damping * u
        k2d = f2 / (l2 * den) - damping * v
        # stage 3
        a = th1 + 0.5 * h * k2a
        b = th2 + 0.5 * h * k2b
        u = w1 + 0.5 * h * k2c
        v = w2 + 0.5 * h * k2d
        d = a - b
        c = math.cos(d)
        s = math.sin(d)
        den = total - m2 * c * c
        f1 = -m2 * l1 * u * u * s * c - m2 * l2 * v * v * s
        f1 = f1 - total * g * math.sin(a) + m2 * g * math.sin(b) * c
        f2 = total * l1 * u * u * s + m2 * l2 * v * v * s * c
        f2 = f2 + total * g * math.sin(a) * c - total * g * math.sin(b)
        k3a = u
        k3b = v
        k3c = f1 / (l1 * den) - damping * u
        k3d = f2 / (l2 * den) - damping * v
        # stage 4
        a = th1 + h * k3a
        b = th2 + h * k3b
        u = w1 + h * k3c
        v = w2 + h * k3d
        d = a - b
        c = math.cos(d)
        s = math.sin(d)
        den = total - m2 * c * c
        f1 = -m2 * l1 * u * u * s * c - m2 * l2 * v * v * s
        f1 = f1 - total * g * math.sin(a) + m2 * g * math.sin(b) * c
        f2 = total * l1 * u * u * s + m2 * l2 * v * v * s * c
        f2 = f2 + total * g * math.sin(a) * c - total * g * math.sin(b)
        k4a = u
        k4b = v
        k4c = f1 / (l1 * den) - damping * u
        k4d = f2 / (l2 * den) - damping * v
        # update
        th1 = th1 + h / 6.0 * (k1a + 2.0 * k2a + 2.0 * k3a + k4a)
        th2 = th2 + h / 6.0 * (k1b + 2.0 * k2b + 2.0 * k3b + k4b)
        w1 = w1 + h / 6.0 * (k1c + 2.0 * k2c + 2.0 * k3c + k4c)
        w2 = w2 + h / 6.0 * (k1d + 2.0 * k2d + 2.0 * k3d + k4d)
        # path cost: keep the lower arm near the vertical, penalise fast swings
        x2 = l1 * math.sin(th1) + l2 * math.sin(th2)
        if abs(x2) > 0.5 * (l1 + l2):
            cost += h * (abs(x2) - 0.5 * (l1 + l2)) ** 2
        cost += 1e-3 * h * (w1 * w1 + w2 * w2)
    # final energy
    kinetic = 0.5 * m1 * l1 * l1 * w1 * w1
    kinetic += 0.5 * m2 * (l1 * l1 * w1 * w1 + l2 * l2 * w2 * w2)
    kinetic += m2 * l1 * l2 * w1 * w2 * math.cos(th1 - th2)
    potential = -total * g * l1 * math.cos(th1) - m2 * g * l2 * math.cos(th2)
    return kinetic + potential + cost


def make_args():
    params = np.array([1.0, 0.8, 1.0, 0.7, 9.81, 0.05])
    state = np.array([1.2, -0.4, 0.0, 0.3])
    return params, state, 1e-3, STEPS


def _central_differences():
    f = numba.njit(cache=True)(pendulum)

    def gradient(params, state, h, steps):
        out = []
        for x in (params, state):
            g = np.empty_like(x)
            for i in range(x.size):
                step = 1e-6 * max(1.0, abs(x[i]))
                up, down = x.copy(), x.copy()
                up[i] += step
                down[i] -= step
                if x is params:
                    g[i] = (f(up, state, h, steps) - f(down, state, h, steps)) / (2 * step)
                else:
                    g[i] = (f(params, up, h, steps) - f(params, down, h, steps)) / (2 * step)
            out.append(g)
        return tuple(out)

    return f, gradient


ARGNUMS = (0, 1)


def impls():
    return [
        Impl(
            "s2s",
            "s2s",
            gradient=lambda args: s2s.grad(pendulum, argnums=ARGNUMS),
            function=lambda args: s2s.jit(pendulum),
            show=lambda: s2s.show(s2s.grad(pendulum, argnums=ARGNUMS)),
        ),
        Impl(
            "Numba, central differences",
            "numba",
            gradient=lambda args: _central_differences()[1],
            function=lambda args: _central_differences()[0],
            note="20 evaluations of the compiled function; the check on s2s's gradient",
        ),
    ]


WORKLOAD = Workload(
    name="transform",
    title=f"Long function: pendulum RK4, {STEPS} steps",
    derivative="gradient w.r.t. 6 parameters and the initial state",
    make_args=make_args,
    impls=impls,
    rtol=1e-5,
    source=pendulum,
)
