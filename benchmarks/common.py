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
    calls = _calls_for(fn, min_time)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def _calls_for(fn: Callable[[], object], min_time: float) -> int:
    """How many calls of ``fn`` (already warm) last at least ``min_time``."""
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        if time.perf_counter() - start >= min_time:
            return calls
        calls *= 2


def measure_side_by_side(
    fns: list[Callable[[], object]], quick: bool = False, slow: float = 0.25
) -> list[tuple[float, int]]:
    """:func:`measure` for several functions, their rounds interleaved (one round of each,
    then the next): a slow spell of a shared machine then costs all of them alike, and the
    best rounds compare like with like."""
    results: list[tuple[float, int] | None] = [None] * len(fns)
    fast = []
    for k, fn in enumerate(fns):
        start = time.perf_counter()
        fn()
        if time.perf_counter() - start > slow:
            results[k] = measure(fn, quick, slow)
        else:
            fast.append(k)
    repeat, min_time = (3, 0.01) if quick else (7, 0.05)
    calls = {k: _calls_for(fns[k], min_time) for k in fast}
    best = {k: float("inf") for k in fast}
    for _ in range(repeat):
        for k in fast:
            fn, n = fns[k], calls[k]
            start = time.perf_counter()
            for _ in range(n):
                fn()
            best[k] = min(best[k], (time.perf_counter() - start) / n)
    for k in fast:
        results[k] = (best[k], repeat)
    return results  # type: ignore[return-value]


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
