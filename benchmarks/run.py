"""The benchmark suite: s2s against JAX, autograd and hand-written Numba, in one process.

    python benchmarks/run.py                  # every workload
    python benchmarks/run.py --quick          # fewer repeats, no warm-start runs
    python benchmarks/run.py --only rnn,gmm   # some workloads (--only may be repeated)

Writes ``benchmarks/results.md`` (the table) and ``benchmarks/results.png`` (the ratios, log
scale). Needs JAX, autograd and matplotlib: ``pip install -e '.[bench]'``. ``README.md`` beside
this file says how to read the table.

For every workload and implementation: the time per call of the compiled function and of its
derivative (best of repeats, all in this process), their ratio, the derivative's time relative
to s2s's, s2s's transformation time, the first call in a fresh process (transformation and
compilation, empty caches), the first call in another fresh process whose on-disk caches the
previous one filled (warm start), and for s2s the first call of a function not compiled
before, its runtime helpers compiled by an earlier process (new function). Every
implementation's results are checked against the others' before anything is timed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

CHILD_TIMEOUT = 300.0
SLOW_NOTE = "one call timed (a call takes seconds)"


@dataclasses.dataclass
class Row:
    workload: str
    impl: str
    kind: str
    function: float | None = None
    gradient: float | None = None
    calls: int = 0
    transform: float | None = None  # best of 3, seconds
    transform_first: float | None = None  # the first in this process
    source_lines: int | None = None
    generated_lines: int | None = None
    first: float | None = None
    warm: float | None = None
    new: float | None = None  # s2s: a new function, the runtime's helpers in the cache
    status: str = "ok"  # "ok", or why there are no numbers
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.function and self.gradient:
            return self.gradient / self.function
        return None


# ---------------------------------------------------------------------------------------------
# One thread for everyone

THREADS = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMBA_NUM_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
}


def single_thread() -> None:
    """Every library on one thread (unless the caller's environment says otherwise).

    s2s's and Numba's code runs on one thread (``prange`` loops, which ``s2s.vmap`` may
    generate, included); so do autograd's NumPy operations, and JAX's with these flags. Set the
    variables yourself to change it (see README.md).
    """
    for name, value in THREADS.items():
        os.environ.setdefault(name, value)


def installed_like() -> None:
    """Fresh processes load s2s as an installed package does: from bytecode compiled ahead.

    ``pip install`` compiles a package's modules; a checkout run with
    ``PYTHONDONTWRITEBYTECODE`` set would instead compile every module s2s imports in every
    fresh process, and charge that to s2s's first calls and warm starts.
    """
    import compileall
    import importlib.util

    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False
    for folder in importlib.util.find_spec("s2s").submodule_search_locations:  # not imported
        compileall.compile_dir(folder, quiet=1)


def threads() -> str:
    return ", ".join(f"{name}={os.environ.get(name, '(unset)')}" for name in THREADS)


# ---------------------------------------------------------------------------------------------
# First calls, each in a fresh process


def child(workload: str, index: int) -> None:
    """In a fresh process: build implementation ``index``'s derivative and call it once."""
    import suite  # imports numpy and s2s: imports are not part of the first call

    wl = suite.load(workload)
    impl = wl.impls()[index]
    args = wl.make_args()
    prepared = impl.args(args)
    start = time.perf_counter()
    derivative = impl.gradient(args)
    derivative(*prepared)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds}))


def first_call(workload: str, index: int, env: dict[str, str]) -> float:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", workload, str(index)]
    done = subprocess.run(
        command,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
    )
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"fresh process failed: {tail[0]}")
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


def cache_env(kind: str, root: Path, shared_numba: Path) -> dict[str, str]:
    """The environment giving an implementation's fresh processes caches of their own.

    s2s: its generated modules in ``root`` (Numba's cache of them lands under the shared Numba
    cache directory, keyed by the module's path, so it is empty for a new ``root`` too and this
    process reuses what the fresh processes compiled). Numba: a cache directory of its own.
    JAX: its persistent compilation cache.
    """
    if kind == "s2s":
        return {"S2S_CACHE_DIR": str(root / "s2s"), "NUMBA_CACHE_DIR": str(shared_numba)}
    if kind == "numba":
        return {"NUMBA_CACHE_DIR": str(root / "numba")}
    if kind == "jax":
        return {"BENCH_JAX_CACHE": str(root / "jax"), "NUMBA_CACHE_DIR": str(root / "numba")}
    return {}


def new_function_env(env: dict[str, str], root: Path) -> dict[str, str]:
    """s2s's environment with Numba's cache of the generated code empty again: the derivative
    is compiled as a function never seen before would be, while the runtime's helpers come from
    the cache directory the earlier processes filled."""
    return {**env, "NUMBA_CACHE_DIR": str(root / "numba-new")}


# ---------------------------------------------------------------------------------------------
# One workload, all implementations, in this process


def short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line if len(line) <= 160 else line[:157] + "..."


def compare(reference: list, other: list, rtol: float) -> str | None:
    """Why ``other`` disagrees with ``reference`` (flat lists of arrays), or None."""
    import numpy as np

    if len(reference) != len(other):
        return f"{len(other)} outputs, expected {len(reference)}"
    for k, (a, b) in enumerate(zip(reference, other)):
        if a.shape != b.shape:
            return f"output {k} has shape {b.shape}, expected {a.shape}"
        scale = float(np.max(np.abs(a))) if a.size else 0.0
        if not np.allclose(b, a, rtol=rtol, atol=rtol * scale):
            err = float(np.max(np.abs(b - a)))
            return f"output {k} differs by up to {err:.3g} (scale {scale:.3g})"
    return None


def run_workload(name: str, quick: bool, root: Path, shared_numba: Path, log) -> list[Row]:
    import suite
    from common import fmt, measure_side_by_side

    wl = suite.load(name)
    args = wl.make_args()
    impls = wl.impls()
    rows = [Row(wl.title, impl.name, impl.kind) for impl in impls]
    log(f"\n== {wl.title}: {wl.derivative}")

    # 1. First calls in fresh processes: cold caches, then warm ones (not with --quick).
    #    They run before this process compiles anything, so the caches start empty.
    for index, (impl, row) in enumerate(zip(impls, rows)):
        if impl.unavailable:
            row.status = impl.unavailable
            continue
        if impl.kind == "autograd":
            continue  # autograd compiles nothing
        env = cache_env(impl.kind, root / name / str(index), shared_numba)
        try:
            row.first = first_call(name, index, env)
            if not quick:
                row.warm = min(first_call(name, index, env) for _ in range(2))
            if not quick and impl.kind == "s2s":
                row.new = first_call(name, index, new_function_env(env, root / name / str(index)))
            log(
                f"  {impl.name:32s} first call {fmt(row.first):>9s}, warm start {cell(row.warm)}"
                + (f", new function {cell(row.new)}" if row.new is not None else "")
            )
        except Exception as exc:  # noqa: BLE001  (reported in the table)
            row.note = f"fresh-process first call failed: {short(exc)}"
            log(f"  {impl.name:32s} {row.note}")

    # 2. Build in this process (s2s: reusing the modules the fresh processes generated), run
    #    once, and check the results against each other.
    built = {}
    for index, (impl, row) in enumerate(zip(impls, rows)):
        if impl.unavailable:
            continue
        env = cache_env(impl.kind, root / name / str(index), shared_numba)
        if "S2S_CACHE_DIR" in env:
            os.environ["S2S_CACHE_DIR"] = env["S2S_CACHE_DIR"]
        try:
            if impl.show is not None:
                transform(impl, row, wl)
            prepared = impl.args(args)
            gradient = impl.gradient(args)
            function = impl.function(args) if impl.function is not None else None
            g_out = suite.flat(gradient(*prepared))
            f_out = suite.flat(function(*prepared)) if function is not None else None
            built[index] = (prepared, gradient, function, g_out, f_out)
        except Exception as exc:  # noqa: BLE001
            row.status = f"failed: {short(exc)}"
            log(f"  {impl.name:32s} {row.status}")
            if os.environ.get("BENCH_TRACEBACK"):
                traceback.print_exc()

    if built:
        ref = next(iter(built))
        for index, (_, _, _, g_out, f_out) in built.items():
            if index == ref:
                continue
            why = compare(built[ref][3], g_out, wl.rtol)
            if why is None and f_out is not None and built[ref][4] is not None:
                why = compare(built[ref][4], f_out, wl.rtol)
                why = why and f"function {why}"
            if why is not None:
                rows[index].status = f"mismatch with {impls[ref].name}: {why}"
                log(f"  {impls[index].name:32s} {rows[index].status}")
        for index in list(built):
            if rows[index].status != "ok":
                del built[index]
        log(f"  results agree (rtol {wl.rtol:g}): {', '.join(impls[i].name for i in built)}")

    # 3. Time: every implementation's derivative and function, their rounds interleaved.
    timed = []
    for index, (prepared, gradient, function, _, _) in built.items():
        timed.append((index, "gradient", lambda g=gradient, a=prepared: g(*a)))
        if function is not None:
            timed.append((index, "function", lambda f=function, a=prepared: f(*a)))
    results = measure_side_by_side([fn for _, _, fn in timed], quick)
    for (index, what, _), (seconds, calls) in zip(timed, results):
        setattr(rows[index], what, seconds)
        if what == "gradient":
            rows[index].calls = calls
    for index in built:
        row = rows[index]
        if row.calls == 1:
            row.note = "; ".join(filter(None, [row.note, SLOW_NOTE]))
        ratio = f", {row.ratio:.2f}x the function" if row.ratio else ""
        log(f"  {impls[index].name:32s} derivative {fmt(row.gradient):>9s}{ratio}")
    for impl, row in zip(impls, rows):
        if impl.note:
            row.note = "; ".join(filter(None, [impl.note, row.note]))
    return rows


# ---------------------------------------------------------------------------------------------
# Transformation time and process start


def transform(impl, row: Row, wl) -> None:
    """s2s's transformation time: source to generated source, no compilation (best of 3)."""
    import inspect

    times = []
    for _ in range(3):
        start = time.perf_counter()
        source = impl.show()
        times.append(time.perf_counter() - start)
    row.transform_first, row.transform = times[0], min(times)
    row.generated_lines = len(source.strip().splitlines())
    fn = impl.source or wl.source
    if fn is not None:
        row.source_lines = len(inspect.getsourcelines(fn)[0])


IMPORTS = {
    "s2s": "import s2s",
    "numba": "import numba",
    "jax": "import jax; jax.config.update('jax_enable_x64', True); jax.numpy.zeros(1)",
    "autograd": "import autograd, autograd.numpy",
}


def import_times() -> dict[str, float]:
    """Seconds to import each library in a fresh process (best of 2)."""
    out = {}
    for name, statement in IMPORTS.items():
        code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
        best = None
        for _ in range(2):
            try:
                done = subprocess.run(
                    [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
                )
                seconds = float(done.stdout.strip().splitlines()[-1])
            except Exception:  # noqa: BLE001
                continue
            best = seconds if best is None else min(best, seconds)
        if best is not None:
            out[name] = best
    return out


# ---------------------------------------------------------------------------------------------
# Report


def cell(seconds: float | None) -> str:
    from common import fmt

    return fmt(seconds) if seconds is not None else "–"


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| workload | implementation | function | derivative | deriv. / function "
        "| derivative vs s2s | s2s transform | first call | warm start | new function |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    notes = []
    reference: dict[str, float] = {}
    for row in rows:
        if row.kind == "s2s" and row.gradient and row.workload not in reference:
            reference[row.workload] = row.gradient
    for row in rows:
        base = reference.get(row.workload)
        if row.status != "ok":
            notes.append(f"{row.workload} / {row.impl}: {row.status}")
            lines.append(
                f"| {row.workload} | {row.impl} | {row.status.split(':')[0]} "
                f"[{len(notes)}] | | | | | {cell(row.first)} | {cell(row.warm)} | "
                f"{cell(row.new)} |"
            )
            continue
        mark = ""
        if row.note:
            notes.append(f"{row.workload} / {row.impl}: {row.note}")
            mark = f" [{len(notes)}]"
        ratio = f"{row.ratio:.2f}" if row.ratio else "–"
        versus = f"{row.gradient / base:.2f}" if base and row.gradient else "–"
        lines.append(
            f"| {row.workload} | {row.impl}{mark} | {cell(row.function)} | "
            f"{cell(row.gradient)} | {ratio} | {versus} | {cell(row.transform)} | "
            f"{cell(row.first)} | {cell(row.warm)} | {cell(row.new)} |"
        )
    if notes:
        lines.append("")
        lines.extend(f"[{k}] {text}" for k, text in enumerate(notes, 1))
    return lines


LOAD_AT_START = os.getloadavg() if hasattr(os, "getloadavg") else None


def load() -> str:
    """The machine's load average at the start and the end: other work skews timings."""
    if LOAD_AT_START is None:
        return ""
    end = os.getloadavg()
    return (
        f"Load average (1 min) {LOAD_AT_START[0]:.1f} at the start, {end[0]:.1f} at the end"
        f" ({os.cpu_count()} cores)."
    )


def versions() -> str:
    from importlib import metadata

    parts = []
    for name in ("jax", "jaxlib", "autograd", "matplotlib"):
        try:
            parts.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} not installed")
    return ", ".join(parts)


def write_markdown(path: Path, rows, imports, workloads, quick, elapsed) -> str:
    from common import fmt, machine

    today = datetime.date.today().isoformat()
    lines = [
        "# Benchmark results",
        "",
        f"{today}; {machine()}; {versions()}.",
        f"`python benchmarks/run.py{' --quick' if quick else ''}`"
        f" ({', '.join(workloads)}), {elapsed:.0f} s. Threads: {threads()}. {load()}",
        "",
        "Times per call, best of repeats, all in one process (see README.md). *derivative*: "
        "the gradient (Hessian, per-example gradients) the workload names; *deriv. / function*: "
        "its time over the same implementation's function; *derivative vs s2s*: its time over "
        "s2s's (above 1: s2s is faster); *first call*: transformation, compilation and one call "
        "in a fresh process with empty caches; *warm start*: the same in another fresh process "
        "reusing the on-disk caches the first one filled (best of 2); *new function*: for s2s, "
        "the first call in a third process where only the runtime's compiled helpers are "
        "cached, as for a function s2s has not compiled before"
        + (" (not measured with --quick)." if quick else "."),
        "",
        *table(rows),
    ]
    transforms = [r for r in rows if r.transform is not None]
    if transforms:
        lines += [
            "",
            "## s2s transformation time",
            "",
            "Source to generated source, `s2s.show(s2s.grad(f))` (`hessian`, `vmap` likewise), "
            "without compilation: the first in the process, and the best of 3.",
            "",
            "| workload | implementation | source lines | generated lines | first | best |",
            "|---|---|--:|--:|--:|--:|",
        ]
        for r in transforms:
            lines.append(
                f"| {r.workload} | {r.impl} | {r.source_lines or '–'} | {r.generated_lines} | "
                f"{fmt(r.transform_first)} | {fmt(r.transform)} |"
            )
    if imports:
        lines += [
            "",
            "## Import time",
            "",
            "In a fresh process, best of 2; not part of the first-call times above.",
            "",
            "| " + " | ".join(imports) + " |",
            "|" + "--:|" * len(imports),
            "| " + " | ".join(fmt(v) for v in imports.values()) + " |",
        ]
    text = "\n".join(lines) + "\n"
    path.write_text(text)
    return text


COLORS = {"s2s": "#1f77b4", "jax": "#d62728", "autograd": "#2ca02c", "numba": "#7f7f7f"}


def write_chart(path: Path, rows: list[Row]) -> None:
    """Two panels of horizontal bars, one bar per implementation, log scale."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    reference = {}
    for r in rows:
        if r.kind == "s2s" and r.gradient and r.workload not in reference:
            reference[r.workload] = r.gradient
    shown = [r for r in rows if r.gradient]
    labels, ticks, headers, ys, y, previous = [], [], [], [], 0.0, None
    for r in shown:
        if r.workload != previous:  # a title row for each workload
            if previous is not None:
                y += 0.5
            headers.append(len(labels))
            labels.append(r.workload)
            ticks.append(y)
            y += 1.0
            previous = r.workload
        labels.append(r.impl)
        ticks.append(y)
        ys.append(y)
        y += 1.0
    height = 1.2 + 0.24 * y
    fig, axes = plt.subplots(1, 2, figsize=(14, height), sharey=True)
    panels = (
        (axes[0], "derivative time / s2s's (above 1: s2s is faster)", reference.get),
        (axes[1], "derivative time / function time (same implementation)", None),
    )
    for ax, title, base in panels:
        for r, yy in zip(shown, ys):
            d = base(r.workload) if base is not None else r.function
            if not d:
                continue
            value = r.gradient / d
            ax.barh(yy, value, 0.8, color=COLORS.get(r.kind, "#9467bd"))
            ax.text(value, yy, f" {value:.3g}", va="center", fontsize=7)
        ax.axvline(1.0, color="black", linewidth=0.8)
        ax.set_xscale("log")
        ax.set_xlabel(title)
        ax.margins(x=0.15)
        ax.grid(axis="x", which="major", alpha=0.3)
    axes[0].set_yticks(ticks)
    axes[0].set_yticklabels(labels, fontsize=7)
    for k in headers:
        axes[0].get_yticklabels()[k].set_fontweight("bold")
    axes[0].tick_params(axis="y", length=0)
    axes[0].invert_yaxis()
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in COLORS.values()]
    axes[1].legend(handles, ["s2s", "JAX", "autograd", "Numba (by hand)"], loc="upper right")
    fig.suptitle("s2s benchmarks: ratios of times per call (log scale)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer timing repeats; first calls in a fresh process but no warm starts",
    )
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="workloads to run (comma-separated)"
    )
    parser.add_argument("--child", nargs=2, metavar=("WORKLOAD", "INDEX"), help=argparse.SUPPRESS)
    options = parser.parse_args(argv)

    if options.child:
        child(options.child[0], int(options.child[1]))
        return 0

    single_thread()
    installed_like()
    # Every cache this run fills lives in a temporary directory, set before Numba is imported.
    root = Path(tempfile.mkdtemp(prefix="s2s-bench-"))
    shared_numba = root / "numba"
    os.environ["NUMBA_CACHE_DIR"] = str(shared_numba)
    os.environ["S2S_CACHE_DIR"] = str(root / "main")

    import suite

    names = list(suite.NAMES)
    if options.only:
        wanted = [n.strip() for group in options.only for n in group.split(",") if n.strip()]
        unknown = [n for n in wanted if n not in suite.NAMES]
        if unknown:
            parser.error(f"unknown workload(s) {', '.join(unknown)}; choose from {suite.NAMES}")
        names = [n for n in names if n in wanted]

    def log(text: str) -> None:
        print(text, flush=True)

    started = time.perf_counter()
    rows: list[Row] = []
    try:
        for name in names:
            begun = time.perf_counter()
            try:
                rows += run_workload(name, options.quick, root, shared_numba, log)
            except Exception as exc:  # noqa: BLE001
                log(f"  workload {name} failed: {short(exc)}")
                traceback.print_exc()
                rows.append(Row(name, "(all)", "?", status=f"failed: {short(exc)}"))
            log(f"  ({time.perf_counter() - begun:.0f} s)")
        log("\n== s2s transformation time (best of 3)")
        for r in rows:
            if r.transform is not None:
                log(
                    f"  {r.workload:36s} {r.impl:28s} {r.generated_lines:5d} lines "
                    f"{r.transform * 1e3:8.1f} ms"
                )
        log("\n== import time")
        imports = import_times()
        log("  " + ", ".join(f"{k} {v:.2f} s" for k, v in imports.items()))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    elapsed = time.perf_counter() - started
    markdown = HERE / "results.md"
    write_markdown(markdown, rows, imports, names, options.quick, elapsed)
    write_chart(HERE / "results.png", rows)
    log(f"\nwrote {markdown} and {HERE / 'results.png'} ({elapsed:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
