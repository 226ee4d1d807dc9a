"""Type and lower the GPU kernels of the per-element rules with numba-cuda's own compiler, on a
machine without a GPU: what would stop a kernel compiling on the device (a NumPy function that
numba-cuda lacks, say) fails here as it would there. Only the last step, NVVM's translation of
the LLVM IR to PTX, is left out.

Run by ``test_cuda_rules.py`` in a process of its own, since the CUDA simulator, which the other
tests use without a GPU, replaces ``numba.cuda`` for the whole process:
``python tests/cuda_lowering.py CHUNK CHUNKS`` lowers every CHUNKS-th kernel from CHUNK on and
prints one line per failure, ``FAILED <kernel>: <error>``.
"""

from __future__ import annotations

import inspect
import os
import sys
import types as pytypes

import numpy as np

COMPUTE_CAPABILITY = (9, 0)
UNSUPPORTED = 3  # the exit status where this numba-cuda has no compiler to call


def lower(function, *args) -> str:
    """The LLVM IR of the kernel of ``function`` (an ``s2s.jit(..., target="cuda")``) for
    ``args`` (NumPy arrays and numbers)."""
    import numba.cuda.dispatcher as dispatcher
    from numba import cuda, typeof
    from numba import types as nbtypes
    from numba.cuda.compiler import compile_cuda
    from numba.np.numpy_support import from_dtype

    # Device functions ask the current device for its compute capability; there is none.
    device = pytypes.SimpleNamespace(compute_capability=COMPUTE_CAPABILITY)
    dispatcher.get_current_device = lambda: device
    layout = function.output_layout(args, cuda)
    argtypes = [typeof(np.ascontiguousarray(a) if np.ndim(a) else a) for a in args]
    argtypes += [nbtypes.Array(from_dtype(dtype), 1 + len(shape), "C") for shape, dtype in layout]
    argtypes.append(nbtypes.int64)
    result = compile_cuda(
        function.kernel.py_func, nbtypes.void, tuple(argtypes), cc=COMPUTE_CAPABILITY
    )
    return result.library.get_llvm_str()


def _kernels(chunk: int, chunks: int):
    """``(name, function, in_axes, args)`` of the kernels to lower: each rule's function,
    gradient and Hessians, and the functions of ``test_cuda.py``, every ``chunks``-th from
    ``chunk`` on."""
    import cuda_cases as cc
    from test_cuda_rules import PER_ELEMENT, transforms

    import s2s

    x, rows = np.linspace(0.3, 0.7, 4), np.linspace(0.1, 2.0, 12).reshape(4, 3)
    # (name, function, in_axes, arguments, whether to lower its derivatives too)
    cases = [
        ("looped", cc.looped, (0, None), (x, 0.1), True),
        ("with_helpers", cc.with_helpers, (0, None, None), (x, 1.0, 0.5), True),
        ("kinked", cc.kinked, 0, (x, x + 0.5), True),
        ("two_outputs", cc.two_outputs, 0, (x, x), False),
        ("reads_row", cc.reads_row, (0, None), (rows, 2.0), False),
        ("parallel_loop_and_closure", cc.parallel_loop_and_closure, (0, None), (x, 0.3), True),
        (
            "row_reductions_and_elements",
            cc.row_reductions_and_elements,
            (0, None),
            (rows, 0.5),
            False,
        ),
    ]
    for name, fn, axes, args, derivatives in cases[chunk::chunks]:
        yield name, fn, axes, args
        if derivatives:
            yield f"{name}: grad", s2s.grad(fn), axes, args
            yield f"{name}: hessian", s2s.hessian(fn), axes, args
    for spec in PER_ELEMENT[chunk::chunks]:
        nargs = len(inspect.signature(spec.fn).parameters)
        args = tuple(np.linspace(0.3, 0.7, 4) + 0.01 * k for k in range(nargs))
        for name, fn in transforms(spec, nargs).items():
            yield f"{spec.name}: {name}", fn, 0, args


def main(chunk: int, chunks: int) -> int:
    os.environ["NUMBA_ENABLE_CUDASIM"] = "0"  # before Numba is imported
    sys.path.insert(0, os.path.dirname(__file__))
    try:
        from numba.cuda.compiler import compile_cuda  # noqa: F401
    except ImportError as exc:
        print(f"this numba-cuda cannot lower without a GPU: {exc}")
        return UNSUPPORTED
    import s2s

    lowered = failed = 0
    for name, fn, axes, args in _kernels(chunk, chunks):
        lowered += 1
        try:
            lower(s2s.jit(s2s.vmap(fn, in_axes=axes), target="cuda"), *args)
        except Exception as exc:  # noqa: BLE001 - every failure is reported
            failed += 1
            first_line = (str(exc).strip().splitlines() or [""])[0]
            print(f"FAILED {name}: {type(exc).__name__}: {first_line}")
    print(f"lowered {lowered} kernels, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2])))
