"""Write the source s2s generates for about 2500 transformations into one file.

    python tests/generated_snapshot.py OUT.txt

The transformations: every corpus function through each transformation that applies to it,
the benchmarks' s2s implementations, and 210 random programs (drawn the same way on every run).
A change meant to leave the generated code alone (a faster pass, a refactoring) is checked by
writing the file before and after it and comparing the two with ``cmp``; errors are recorded
too, by their first line. The file takes about 20 seconds to write.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "benchmarks")]

from corpus import CASES  # noqa: E402
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from random_programs import load, program_sources  # noqa: E402

import s2s  # noqa: E402


def shown(make) -> str:
    try:
        return s2s.show(make())
    except Exception as exc:  # noqa: BLE001  (an error is part of what is compared)
        first = str(exc).splitlines()[0] if str(exc) else ""
        return f"!! {type(exc).__name__}: {first}"


def corpus_records():
    for case in CASES:
        f, nums = case.fn, case.argnums
        if not nums:
            yield f"{case.name} vmap", lambda f=f: s2s.vmap(f)
            continue
        scalar = case.output == "scalar"
        if scalar:
            yield f"{case.name} grad", lambda f=f, n=nums: s2s.grad(f, argnums=n)
            yield (
                f"{case.name} value_and_grad",
                lambda f=f, n=nums: s2s.value_and_grad(f, argnums=n),
            )
            yield f"{case.name} hessian", lambda f=f, n=nums: s2s.hessian(f, argnums=n[0])
        if case.output != "tuple":
            yield f"{case.name} jacfwd", lambda f=f, n=nums: s2s.jacfwd(f, argnums=n)
            yield f"{case.name} jacrev", lambda f=f, n=nums: s2s.jacrev(f, argnums=n)
        yield f"{case.name} vmap", lambda f=f: s2s.vmap(f)
        yield f"{case.name} vmap of grad", lambda f=f, n=nums: s2s.vmap(s2s.grad(f, argnums=n))
        if scalar:
            first = nums[0]
            if case.args[first].shape:
                yield (
                    f"{case.name} jacfwd of grad",
                    lambda f=f, k=first: s2s.jacfwd(s2s.grad(f, argnums=k)),
                )
            else:
                yield (
                    f"{case.name} grad of grad",
                    lambda f=f, k=first: s2s.grad(s2s.grad(f, argnums=k), argnums=k),
                )


def random_sources() -> list[str]:
    sources: list[str] = []
    for output, count, draw_seed in (("scalar", 150, 1234), ("array", 60, 99)):

        @seed(draw_seed)
        @settings(
            max_examples=count,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(program_sources(output=output))
        def collect(source):
            sources.append(source)

        collect()
    return sources


def random_records(directory: Path):
    for k, source in enumerate(random_sources()):
        f = load(source, directory)
        yield f"random {k} grad", lambda f=f: s2s.grad(f, argnums=(0, 1))
        yield f"random {k} jacfwd", lambda f=f: s2s.jacfwd(f)
        yield f"random {k} jacrev", lambda f=f: s2s.jacrev(f)
        yield f"random {k} hessian", lambda f=f: s2s.hessian(f)
        yield f"random {k} vmap", lambda f=f: s2s.vmap(f, in_axes=(0, None))


def benchmark_records():
    import suite

    for name in suite.NAMES:
        workload = suite.load(name)
        for impl in workload.impls():
            if impl.kind == "s2s" and impl.show is not None:
                yield f"benchmark {name}: {impl.name}", impl.show


def main(out: str) -> None:
    parts = []
    with tempfile.TemporaryDirectory() as directory:
        for label, make in [*corpus_records(), *random_records(Path(directory))]:
            parts.append(f"#### {label}\n{shown(make)}\n")
        for label, show in benchmark_records():
            parts.append(f"#### {label}\n{show()}\n")
    text = "".join(parts)
    Path(out).write_text(text)
    digest = hashlib.sha1(text.encode()).hexdigest()[:12]
    where = Path(s2s.__file__).parent
    print(f"{len(parts)} transformations by {where}, {digest}, written to {out}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
