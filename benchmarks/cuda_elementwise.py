"""Elementwise kernels on the GPU: bandwidth, a hand-written reference, and call overhead.

Measures, on one NVIDIA GPU, what ``s2s.jit(s2s.vmap(f), target="cuda")`` achieves for
elementwise functions of a few flops, whose speed is set by memory traffic alone:

(a) ``vmap(affine)`` and ``vmap(grad(cube))`` over 10^7 and 10^8 float32 elements, device arrays
    in and out: the kernel's bandwidth (bytes read and written over the kernel time, timed with
    CUDA events) as a fraction of the device's copy bandwidth (a device-to-device copy of the
    same array); also the whole call, which allocates the output;
(b) the same computations as CuPy ``ElementwiseKernel``s when CuPy is installed (else as JAX
    functions on the GPU, else skipped with a note), and the ratio;
(c) the overhead of a call on a small batch (32 elements, device arrays, warm): the median of
    many calls, against a bare Numba launch of the same kernel.

Targets (``benchmarks/CUDA.md``): at least 80% of copy bandwidth, at most 1.2x CuPy, less than
20 us per small call.

    python benchmarks/cuda_elementwise.py                    # needs a GPU
    python benchmarks/cuda_elementwise.py --sizes 1e7,1e8 --output results.md
    python benchmarks/cuda_elementwise.py --smoke            # tiny sizes, CUDA simulator

Without a GPU (or under the simulator) the measurements refuse to run: the simulator's timings
mean nothing. ``--smoke`` runs every code path at tiny sizes, under the simulator when there is
no GPU, to check the script itself.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

if __name__ == "__main__" and "--smoke" in sys.argv[1:]:
    # Before Numba is imported: without a GPU, the smoke run uses the CUDA simulator.
    import shutil

    if "NUMBA_ENABLE_CUDASIM" not in os.environ and shutil.which("nvidia-smi") is None:
        os.environ["NUMBA_ENABLE_CUDASIM"] = "1"

import numba
import numpy as np
from numba import cuda

import s2s

SIZES = (10**7, 10**8)
SMOKE_SIZES = (300,)  # more than one block of 128, and a partial block
SMALL = 32
CALLS = 2000
SMOKE_CALLS = 5
MIN_ROUND = 0.02  # seconds of GPU time per timed round
ROUNDS = 5

TARGET_BANDWIDTH = 0.80  # of copy bandwidth
TARGET_RATIO = 1.2  # s2s time / reference time
TARGET_OVERHEAD = 20e-6  # seconds per small call


# -- the functions ------------------------------------------------------------------------------
def affine(x):
    """Two flops per element, in float32."""
    return x * np.float32(1.5) + np.float32(0.5)


def cube(x):
    """``x ** 3``; its derivative, ``3 x ** 2``, is what the benchmark computes."""
    return x * x * x


@dataclass
class Workload:
    name: str  # as in the table
    function: Callable  # the per-element function given to vmap
    expected: Callable[[np.ndarray], np.ndarray]  # NumPy reference, for the check
    cupy_body: str  # the same computation in CUDA C, for a CuPy ElementwiseKernel

    def bytes_moved(self, n: int) -> int:
        return 2 * 4 * n  # one float32 read and one written per element


WORKLOADS = (
    Workload(
        "vmap(affine)",
        affine,
        lambda x: x * np.float32(1.5) + np.float32(0.5),
        "y = x * 1.5f + 0.5f",
    ),
    Workload(
        "vmap(grad(cube))",
        s2s.grad(cube),
        lambda x: np.float32(3.0) * x * x,
        "y = 3.0f * x * x",
    ),
)


# -- timing -------------------------------------------------------------------------------------
def simulated() -> bool:
    return bool(numba.config.ENABLE_CUDASIM)


def event_time(run: Callable[[], object], repeats: int) -> float:
    """Seconds per call of ``run``, ``repeats`` calls between two CUDA events on the default
    stream (wall-clock time under the simulator, whose events record nothing)."""
    start, end = cuda.event(), cuda.event()
    wall = time.perf_counter()
    start.record()
    for _ in range(repeats):
        run()
    end.record()
    end.synchronize()
    wall = time.perf_counter() - wall
    ms = start.elapsed_time(end)
    return (ms * 1e-3 if ms > 0 else wall) / repeats


def best_event_time(run: Callable[[], object], smoke: bool) -> float:
    """Best of ``ROUNDS`` rounds of enough calls to fill ``MIN_ROUND`` (one call when smoke)."""
    run()
    cuda.synchronize()
    if smoke:
        return event_time(run, 1)
    once = event_time(run, 1)
    repeats = max(1, min(1000, int(MIN_ROUND / max(once, 1e-7))))
    return min(event_time(run, repeats) for _ in range(ROUNDS))


def wall_time(run: Callable[[], object], smoke: bool) -> float:
    """Seconds per call by the wall clock: for calls that synchronise themselves (JAX's)."""
    run()
    repeats = 1 if smoke else 10
    best = float("inf")
    for _ in range(1 if smoke else ROUNDS):
        start = time.perf_counter()
        for _ in range(repeats):
            run()
        best = min(best, (time.perf_counter() - start) / repeats)
    return best


def median_call(run: Callable[[], object], calls: int, sync: bool) -> float:
    """Median seconds of single calls of ``run`` (each followed by a device synchronisation
    when ``sync``), after a few warm-up calls."""
    for _ in range(min(calls, 20)):
        run()
    cuda.synchronize()
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        run()
        if sync:
            cuda.synchronize()
        samples.append(time.perf_counter() - start)
    cuda.synchronize()
    return statistics.median(samples)


# -- the reference implementations ---------------------------------------------------------------
class Reference:
    """CuPy's ElementwiseKernel, or JAX on the GPU: ``name``, ``note`` and timings."""

    name = "none"
    note = "neither CuPy nor JAX with a GPU is installed: no reference measured"

    def copy(self, dst, src) -> None:
        """A device-to-device copy of ``src`` into ``dst``, the yardstick of bandwidth."""
        dst.copy_to_device(src)

    def kernel_time(self, workload: Workload, x, smoke: bool) -> float | None:
        return None

    def call_time(self, workload: Workload, x, smoke: bool) -> float | None:
        return None

    def small_call(self, workload: Workload, x, calls: int) -> float | None:
        return None


class CupyReference(Reference):
    note = ""

    def __init__(self, cp):
        self.cp = cp
        self.name = f"CuPy {cp.__version__} ElementwiseKernel"
        self.kernels = {
            w.name: cp.ElementwiseKernel("float32 x", "float32 y", w.cupy_body, f"bench_{i}")
            for i, w in enumerate(WORKLOADS)
        }

    def copy(self, dst, src) -> None:
        # The driver's asynchronous copy on the default stream: Numba's copy_to_device spends
        # about 130 us on the host per call, which would be timed instead of the copy at 10^7.
        if simulated():  # no device pointers to copy between
            return super().copy(dst, src)
        nbytes = src.size * src.dtype.itemsize
        device_to_device = 3  # cudaMemcpyDeviceToDevice
        ptr = src.__cuda_array_interface__["data"][0], dst.__cuda_array_interface__["data"][0]
        self.cp.cuda.runtime.memcpyAsync(ptr[1], ptr[0], nbytes, device_to_device, 0)

    def _check(self, workload: Workload, x_cp, y_cp) -> None:
        head = min(x_cp.size, 10**6)
        np.testing.assert_allclose(
            self.cp.asnumpy(y_cp[:head]), workload.expected(self.cp.asnumpy(x_cp[:head])), rtol=1e-5
        )

    def kernel_time(self, workload, x, smoke):
        x_cp = self.cp.asarray(x)  # the same device memory, no copy
        y_cp = self.cp.empty_like(x_cp)
        kernel = self.kernels[workload.name]
        kernel(x_cp, y_cp)
        self._check(workload, x_cp, y_cp)
        return best_event_time(lambda: kernel(x_cp, y_cp), smoke)

    def call_time(self, workload, x, smoke):
        x_cp = self.cp.asarray(x)
        kernel = self.kernels[workload.name]
        return best_event_time(lambda: kernel(x_cp), smoke)

    def small_call(self, workload, x, calls):
        x_cp = self.cp.asarray(x)
        kernel = self.kernels[workload.name]
        return median_call(lambda: kernel(x_cp), calls, sync=True)


class JaxReference(Reference):
    def __init__(self, jax, device):
        import jax.numpy as jnp

        self.jax, self.device = jax, device
        self.name = f"JAX {jax.__version__} on {device}"
        self.note = "JAX times are by the wall clock, to block_until_ready, call included"
        self.functions = {
            "vmap(affine)": jax.jit(lambda x: x * jnp.float32(1.5) + jnp.float32(0.5)),
            "vmap(grad(cube))": jax.jit(jax.vmap(jax.grad(lambda x: x * x * x))),
        }

    def _put(self, x):
        return self.jax.device_put(x.copy_to_host(), self.device)

    def call_time(self, workload, x, smoke):
        x_jax = self._put(x)
        fn = self.functions[workload.name]
        head = min(x.size, 10**6)
        np.testing.assert_allclose(
            np.asarray(fn(x_jax))[:head], workload.expected(np.asarray(x_jax)[:head]), rtol=1e-5
        )
        return wall_time(lambda: fn(x_jax).block_until_ready(), smoke)

    def small_call(self, workload, x, calls):
        x_jax = self._put(x)
        fn = self.functions[workload.name]
        fn(x_jax).block_until_ready()
        samples = []
        for _ in range(calls):
            start = time.perf_counter()
            fn(x_jax).block_until_ready()
            samples.append(time.perf_counter() - start)
        return statistics.median(samples)


def find_reference() -> Reference:
    """CuPy if importable, else JAX with a GPU device, else none (with a note)."""
    try:
        import cupy

        return CupyReference(cupy)
    except ImportError:
        pass
    try:
        import jax

        gpus = [d for d in jax.devices() if d.platform in ("gpu", "cuda")]
    except Exception:  # not installed, or no usable backend
        gpus = []
    if gpus:
        return JaxReference(jax, gpus[0])
    return Reference()


# -- the measurements --------------------------------------------------------------------------
@dataclass
class Row:
    workload: str
    n: int
    copy: float  # seconds, device-to-device copy of the input
    kernel: float  # seconds, the s2s kernel alone (output preallocated)
    call: float  # seconds, the s2s call (allocates the output)
    bytes_moved: int
    ref_kernel: float | None = None
    ref_call: float | None = None

    @property
    def bandwidth(self) -> float:
        return self.bytes_moved / self.kernel

    @property
    def copy_bandwidth(self) -> float:
        return self.bytes_moved / self.copy

    @property
    def fraction(self) -> float:
        return self.bandwidth / self.copy_bandwidth


@dataclass
class Overhead:
    name: str
    seconds: float | None


@dataclass
class Results:
    device: str
    versions: str
    reference: str
    notes: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    overhead: list[Overhead] = field(default_factory=list)
    small: int = SMALL
    judged: bool = True  # False when the timings mean nothing (simulator)


def device_description() -> str:
    device = cuda.get_current_device()
    name = getattr(device, "name", None)
    if isinstance(name, bytes):
        name = name.decode()
    if simulated():
        return "Numba CUDA simulator (no GPU): timings are meaningless"
    cc = ".".join(map(str, device.compute_capability))
    return f"{name} (compute capability {cc})"


def versions() -> str:
    from importlib import metadata

    try:
        numba_cuda = metadata.version("numba-cuda")
    except metadata.PackageNotFoundError:
        numba_cuda = "built into numba"
    return f"s2s {s2s.__version__}, Numba {numba.__version__}, numba-cuda {numba_cuda}"


def bandwidth_row(workload: Workload, n: int, reference: Reference, smoke: bool) -> Row:
    host = np.random.default_rng(0).random(n, dtype=np.float32)
    x = cuda.to_device(host)
    batched = s2s.jit(s2s.vmap(workload.function), target="cuda")

    out = batched(x)  # compiles; device in, device out
    head = min(n, 10**6)
    np.testing.assert_allclose(out[:head].copy_to_host(), workload.expected(host[:head]), rtol=1e-5)
    assert out.dtype == np.float32, f"{workload.name}: float32 in, {out.dtype} out"

    copy_out = cuda.device_array_like(x)
    reference.copy(copy_out, x)
    np.testing.assert_array_equal(copy_out[:head].copy_to_host(), host[:head])
    copy = best_event_time(lambda: reference.copy(copy_out, x), smoke)

    kernel = batched.kernel
    blocks, threads = batched.launch_config(n)
    preallocated = cuda.device_array_like(x)
    kernel_time = best_event_time(lambda: kernel[blocks, threads](x, preallocated, n), smoke)
    call_time = best_event_time(lambda: batched(x), smoke)

    return Row(
        workload.name,
        n,
        copy,
        kernel_time,
        call_time,
        workload.bytes_moved(n),
        reference.kernel_time(workload, x, smoke),
        reference.call_time(workload, x, smoke),
    )


def overhead_rows(reference: Reference, n: int, calls: int) -> list[Overhead]:
    workload = WORKLOADS[0]
    x = cuda.to_device(np.linspace(0.0, 1.0, n, dtype=np.float32))
    batched = s2s.jit(s2s.vmap(workload.function), target="cuda")
    batched(x)
    kernel = batched.kernel
    blocks, threads = batched.launch_config(n)
    out = cuda.device_array_like(x)
    return [
        Overhead("s2s call, until it returns", median_call(lambda: batched(x), calls, sync=False)),
        Overhead("s2s call, and synchronize", median_call(lambda: batched(x), calls, sync=True)),
        Overhead(
            "bare Numba launch of the same kernel, and synchronize",
            median_call(lambda: kernel[blocks, threads](x, out, n), calls, sync=True),
        ),
    ] + (
        [
            Overhead(
                f"{reference.name} call, and synchronize", reference.small_call(workload, x, calls)
            )
        ]
        if isinstance(reference, (CupyReference, JaxReference))
        else []
    )


def run(
    sizes: tuple[int, ...] = SIZES, small: int = SMALL, calls: int = CALLS, smoke: bool = False
) -> Results:
    reference = find_reference()
    results = Results(
        device_description(),
        versions(),
        reference.name,
        small=small,
        judged=not (smoke or simulated()),
    )
    if reference.note:
        results.notes.append(reference.note)
    if smoke:
        results.notes.append("smoke run: tiny sizes, timings meaningless")
    for n in sizes:
        for workload in WORKLOADS:
            results.rows.append(bandwidth_row(workload, n, reference, smoke))
    results.overhead = overhead_rows(reference, small, calls)
    return results


# -- the report ---------------------------------------------------------------------------------
def count(n: int) -> str:
    """``10^7`` for powers of ten, else the number."""
    digits = len(str(n)) - 1
    return f"10^{digits}" if n == 10**digits and digits > 2 else str(n)


def us(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1e6:.1f} µs"


def ratio(a: float | None, b: float | None) -> str:
    return "—" if a is None or b is None or b <= 0 else f"{a / b:.2f}x"


def verdict(ok: bool) -> str:
    return "meets target" if ok else "misses target"


def markdown(results: Results) -> str:
    lines = [
        "# CUDA elementwise benchmark",
        "",
        f"Device: {results.device}  ",
        f"Software: {results.versions}  ",
        f"Reference: {results.reference}",
        "",
    ]
    lines += [f"* {note}" for note in results.notes]
    if results.notes:
        lines.append("")
    lines += [
        "## Bandwidth (float32, device arrays in and out)",
        "",
        "| workload | elements | copy | copy GB/s | s2s kernel | s2s GB/s | of copy "
        "| s2s call | ref. kernel | ref. call | kernel / ref. | call / ref. |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results.rows:
        lines.append(
            f"| {r.workload} | {count(r.n)} | {us(r.copy)} | {r.copy_bandwidth / 1e9:.0f} "
            f"| {us(r.kernel)} | {r.bandwidth / 1e9:.0f} | {100 * r.fraction:.0f}% "
            f"| {us(r.call)} | {us(r.ref_kernel)} | {us(r.ref_call)} "
            f"| {ratio(r.kernel, r.ref_kernel)} | {ratio(r.call, r.ref_call)} |"
        )
    lines += [
        "",
        f"## Call overhead ({results.small} elements, device arrays, warm; median)",
        "",
        "| call | time |",
        "|---|---:|",
    ]
    lines += [f"| {o.name} | {us(o.seconds)} |" for o in results.overhead]
    lines += ["", "## Against the targets", ""]
    if not results.judged:
        lines.append("* not judged: a smoke run, or the simulator, whose timings mean nothing")
        return "\n".join(lines) + "\n"
    if results.rows:
        worst = min(r.fraction for r in results.rows)
        lines.append(
            f"* bandwidth: worst {100 * worst:.0f}% of copy bandwidth "
            f"(target ≥ {100 * TARGET_BANDWIDTH:.0f}%): {verdict(worst >= TARGET_BANDWIDTH)}"
        )
        ratios = [r.kernel / r.ref_kernel for r in results.rows if r.ref_kernel]
        ratios += [r.call / r.ref_call for r in results.rows if r.ref_call and not r.ref_kernel]
        if ratios:
            lines.append(
                f"* against the reference: worst {max(ratios):.2f}x "
                f"(target ≤ {TARGET_RATIO}x): {verdict(max(ratios) <= TARGET_RATIO)}"
            )
        else:
            lines.append("* against the reference: not measured")
    call = results.overhead[0].seconds if results.overhead else None
    if call is not None:
        lines.append(
            f"* small-call overhead: {us(call)} (target < {us(TARGET_OVERHEAD)}): "
            f"{verdict(call < TARGET_OVERHEAD)}"
        )
    return "\n".join(lines) + "\n"


# -- the command line ---------------------------------------------------------------------------
def parse_sizes(text: str) -> tuple[int, ...]:
    return tuple(int(float(part)) for part in text.split(",") if part.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=parse_sizes, default=None, help="batch sizes, e.g. 1e7,1e8 (the default)"
    )
    parser.add_argument("--small", type=int, default=SMALL, help="batch of the overhead test")
    parser.add_argument("--calls", type=int, default=None, help="calls timed for the overhead")
    parser.add_argument("--output", help="also write the Markdown table to this file")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="tiny sizes, few calls: check the code paths (under the CUDA simulator without a GPU)",
    )
    args = parser.parse_args(argv)
    if not args.smoke and (simulated() or not cuda.is_available()):
        why = (
            "the CUDA simulator is on (NUMBA_ENABLE_CUDASIM=1)"
            if simulated()
            else "no CUDA GPU is available"
        )
        print(
            f"cuda_elementwise: {why}; these measurements need an NVIDIA GPU. "
            "Use --smoke to check the script at tiny sizes.",
            file=sys.stderr,
        )
        return 2
    sizes = args.sizes or (SMOKE_SIZES if args.smoke else SIZES)
    calls = args.calls or (SMOKE_CALLS if args.smoke else CALLS)
    report = markdown(run(sizes, args.small, calls, args.smoke))
    print(report, end="")
    if args.output:
        with open(args.output, "w") as f:
            f.write(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
