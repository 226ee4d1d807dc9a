"""Timing helpers shared by the benchmarks: best of repeats, side by side in one process."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable

import numpy as np


def best_time(fn: Callable[[], object], repeat: int = 7, min_time: float = 0.05) -> float:
    """Seconds per call: best over ``repeat`` rounds of enough calls to last ``min_time``."""
    fn()
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            break
        calls *= 2
    best = elapsed / calls
    for _ in range(repeat - 1):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def measure(fn: Callable[[], object], quick: bool = False, slow: float = 0.25) -> tuple[float, int]:
    """``(seconds per call, calls timed)``: :func:`best_time`, or a few single calls for a
    function slower than ``slow`` seconds (the first, already warm, call counts as one)."""
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    if first > slow:
        rounds = 1 if quick or first > 5.0 else 3
        best = first
        for _ in range(rounds - 1):
            start = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - start)
        return best, rounds
    if quick:
        return best_time(fn, repeat=3, min_time=0.01), 3
    return best_time(fn), 7


def cpu_name() -> str:
    """The processor's model name (``/proc/cpuinfo`` on Linux), else what ``platform`` says."""
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    import numba

    return (
        f"{cpu_name()} ({os.cpu_count()} cores), {platform.system()}, "
        f"Python {platform.python_version()}, NumPy {np.__version__}, Numba {numba.__version__}"
    )


def fmt(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds:.3g} s"
