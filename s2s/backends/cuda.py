"""The CUDA backend: batched functions as ``numba.cuda`` kernels, launched over the batch.

Inputs may be NumPy arrays (copied to the device and the results back) or device arrays:
Numba's, or any object with ``__cuda_array_interface__`` (CuPy, PyTorch), used without a copy;
the outputs then stay on the device. The launch configuration is computed from the batch size
(``threads_per_block`` threads per block, 128 unless given).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..compile import generate
from ..errors import BatchingError, S2SError
from ..program import Program
from ..transforms.batch import output_count
from ..transforms.device import device_program
from ..transforms.kernel import kernel_program

THREADS_PER_BLOCK = 128


def cuda_module():
    """``numba.cuda`` (from the numba-cuda package where installed), or a clear error."""
    try:
        from numba import cuda
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise S2SError("target='cuda' needs numba's CUDA support: pip install 's2s[cuda]'") from exc
    return cuda


class CudaFunction:
    """A batched function compiled to a CUDA kernel; called like the batched function."""

    def __init__(self, batched: Any, threads_per_block: int | None = None):
        from ..vmap import _Batched

        if not isinstance(batched, _Batched):
            raise S2SError(
                "target='cuda' compiles batched functions: one GPU thread per batch element",
                hint="wrap the function first: s2s.jit(s2s.vmap(f, in_axes=...), target='cuda')",
            )
        if batched._out_axes not in (0, (0,)) and not (
            isinstance(batched._out_axes, tuple) and set(batched._out_axes) == {0}
        ):
            raise BatchingError("on the GPU, outputs have their batch axis first (out_axes=0)")
        self.batched = batched
        self.threads_per_block = threads_per_block or THREADS_PER_BLOCK
        self.element = device_program(batched._fn)
        params = self.element.entry_unit.tree.args.args
        self.in_axes = batched._per_argument(len(params))
        self.outputs = output_count(self.element, self.element.entry)
        self.__name__ = f"cuda({batched.__name__})"
        self._kernel = None

    def __s2s_program__(self) -> Program:
        program = kernel_program(self.element, self.in_axes, self.outputs)
        program.bindings["cuda"] = cuda_module()
        return program

    @property
    def _element_on_host(self) -> Callable:
        """The per-element function as plain Python: runs element 0 to size the outputs."""
        if "_host" not in self.__dict__:
            self._host = generate(self.element).py_func
        return self._host

    @property
    def kernel(self) -> Callable:
        if self._kernel is None:
            cuda = cuda_module()
            program = self.__s2s_program__()
            module = generate(program).load("cuda")
            for unit in program:
                if unit.name != program.entry:
                    setattr(module, unit.name, cuda.jit(device=True)(getattr(module, unit.name)))
            self._kernel = cuda.jit(getattr(module, program.entry))
        return self._kernel

    def launch_config(self, n: int) -> tuple[int, int]:
        """``(blocks, threads_per_block)`` covering ``n`` elements."""
        return max(1, math.ceil(n / self.threads_per_block)), self.threads_per_block

    def __call__(self, *args):
        cuda = cuda_module()
        n = self.batched.batch_size(args)
        on_device = any(_is_device_array(a) for a in args)
        device_args = [_to_device(cuda, a) for a in args]
        first = self._element_on_host(
            *[_host_element(a, axis) for a, axis in zip(args, self.in_axes)]
        )
        firsts = first if self.outputs > 1 else (first,)
        outs = [cuda.device_array((n,) + np.shape(f), dtype=np.asarray(f).dtype) for f in firsts]
        blocks, threads = self.launch_config(n)
        self.kernel[blocks, threads](*device_args, *outs, n)
        results = outs if on_device else [o.copy_to_host() for o in outs]
        return tuple(results) if self.outputs > 1 else results[0]


def _is_device_array(x: Any) -> bool:
    """A Numba device array, or any array exporting ``__cuda_array_interface__``."""
    return hasattr(x, "__cuda_array_interface__") or hasattr(x, "copy_to_host")


def _to_device(cuda, x: Any) -> Any:
    if _is_device_array(x):
        return x if hasattr(x, "copy_to_host") else cuda.as_cuda_array(x)
    if isinstance(x, np.ndarray):
        return cuda.to_device(np.ascontiguousarray(x))
    return x


def _host_element(x: Any, axis: int | None) -> Any:
    """Element 0 of a batched argument, on the host (or the whole unbatched argument)."""
    if _is_device_array(x):
        host = x.copy_to_host() if hasattr(x, "copy_to_host") else np.asarray(x)
        return host[0] if axis is not None else host
    return x[0] if axis is not None else x
