"""Every per-element derivative rule in a GPU thread: the function, its gradient and its Hessian,
batched over the entries of random arguments and compiled for CUDA, against the same batch on
the CPU (under Numba's simulator where there is no GPU). The simulator runs Python, so the
same kernels are also typed and lowered by numba-cuda's compiler, which needs no GPU
(``cuda_lowering.py``): a NumPy function that numba-cuda cannot compile fails there.

The rules and the domains of their arguments are those of ``test_rules_property.py``: the
elementwise NumPy functions (those with a zero derivative too), whose entries become the
batch, and the ``math`` functions.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cuda import leaves
from test_rules_property import ELEMENTWISE, MATH, ZERO_GRADIENT, Spec

import s2s

pytest.importorskip("numba.cuda")

# Rules that need a whole array in the thread, which allocates none.
ARRAYS_ONLY = {
    "np.copy",
    "np.array",
    "np.asarray",
    "np.asarray(x, dtype)",
    "x.copy()",
    "x.astype(np.int64)",
    "np.array([...])",
    "np.sinc at 0",
    "np.interp",
    "np.select",
    "np.select, default",
    "np.where",
    "np.where(c, x, 0.5)",
    "np.clip, array bounds",
    "comparisons",
    "x.round()",
    "np.linalg.matrix_rank",
}
# Calls on numbers that Numba compiles for no target (s2s differentiates them in Python).
NOT_IN_NUMBA = {"np.clip", "x.clip", "math.log(x, base)", "math.log(x, base), both", "math.fmod"}
PER_ELEMENT = [
    s
    for s in ELEMENTWISE + ZERO_GRADIENT + MATH
    if s.name not in ARRAYS_ONLY | NOT_IN_NUMBA and not s.xfail
]
BATCH = 8  # entries per launch: the simulator runs one Python thread for each


def _columns(args: tuple) -> list[np.ndarray]:
    """The arguments' entries, broadcast against each other, as one batch per argument."""
    arrays = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in args))
    return [np.ascontiguousarray(a.ravel()[:BATCH]) for a in arrays]


def transforms(spec: Spec, nargs: int):
    argnums = spec.argnums if spec.argnums is not None else tuple(range(nargs))
    hessians = {f"hessian in argument {i}": s2s.hessian(spec.fn, argnums=i) for i in argnums}
    return {"function": spec.fn, "grad": s2s.grad(spec.fn, argnums=argnums), **hessians}


@pytest.mark.parametrize("spec", PER_ELEMENT, ids=[s.name for s in PER_ELEMENT])
@settings(
    max_examples=1,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_rule_per_thread(spec, data):
    columns = _columns(data.draw(spec.strategy(), label="args"))
    for name, fn in transforms(spec, len(columns)).items():
        got = s2s.jit(s2s.vmap(fn), target="cuda")(*columns)
        expected = s2s.vmap(fn)(*columns)
        for g, e in zip(leaves(got), leaves(expected), strict=True):
            np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14, err_msg=name)


LOWERING = Path(__file__).with_name("cuda_lowering.py")
LOWERING_PARTS = 4


@pytest.mark.parametrize("part", range(LOWERING_PARTS))
def test_kernels_lower_for_the_gpu(part):
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "0"}
    run = subprocess.run(
        [sys.executable, str(LOWERING), str(part), str(LOWERING_PARTS)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    if run.returncode == 3:  # cuda_lowering.UNSUPPORTED
        pytest.skip(run.stdout.strip())
    failures = [line for line in run.stdout.splitlines() if line.startswith("FAILED")]
    assert run.returncode == 0 and not failures, "\n".join(failures) or run.stderr[-3000:]
