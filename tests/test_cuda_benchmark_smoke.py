"""The CUDA benchmark's code paths at tiny sizes (under the simulator without a GPU).

The measurements themselves need a GPU; these tests check that the script runs end to end,
checks its results, prints its table and refuses full runs where its timings would mean
nothing.
"""

import importlib.util
import sys
import types
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("numba.cuda")

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "cuda_elementwise.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("cuda_elementwise", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_smoke_run_prints_the_tables(bench, capsys, tmp_path):
    output = tmp_path / "cuda.md"
    assert bench.main(["--smoke", "--sizes", "200", "--calls", "3", "--output", str(output)]) == 0
    printed = capsys.readouterr().out
    assert output.read_text() == printed
    for text in (
        "| vmap(affine) | 200 |",
        "| vmap(grad(cube)) | 200 |",
        "s2s call, until it returns",
        "bare Numba launch",
        "Device: ",
    ):
        assert text in printed


def test_full_runs_refuse_under_the_simulator(bench, capsys):
    if not bench.simulated():
        pytest.skip("a GPU is present: a full run would measure")
    assert bench.main(["--sizes", "1000"]) == 2
    assert "need an NVIDIA GPU" in capsys.readouterr().err


class FakeCupy(types.ModuleType):
    """Just enough of CuPy, on host arrays, for the reference's code path."""

    __version__ = "0.0-fake"

    def __init__(self):
        super().__init__("cupy")

    @staticmethod
    def asarray(x):
        return x.copy_to_host() if hasattr(x, "copy_to_host") else np.asarray(x)

    asnumpy = staticmethod(np.asarray)
    empty_like = staticmethod(np.empty_like)

    @staticmethod
    def ElementwiseKernel(in_params, out_params, body, name):  # noqa: N802 (CuPy's name)
        expression = body.split("=", 1)[1].replace("f", "")

        def kernel(x, y=None):
            y = np.empty_like(x) if y is None else y
            y[...] = eval(expression, {}, {"x": x})
            return y

        return kernel


def test_cupy_reference_path(bench, monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", FakeCupy())
    # The fake holds host arrays: no device pointers for CuPy's copy of device memory.
    monkeypatch.setattr(bench.CupyReference, "copy", bench.Reference.copy)
    results = bench.run(sizes=(130,), small=8, calls=2, smoke=True)
    assert results.reference.startswith("CuPy 0.0-fake")
    assert all(row.ref_kernel is not None and row.ref_call is not None for row in results.rows)
    assert results.overhead[-1].name.startswith("CuPy")
    assert "| kernel / ref. |" in bench.markdown(results)
