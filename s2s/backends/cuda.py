"""The CUDA backend: batched functions as ``numba.cuda`` kernels, launched over the batch.

Inputs may be NumPy arrays (copied to the device and the results back) or device arrays:
Numba's, or any object with ``__cuda_array_interface__`` (CuPy, PyTorch), used without a copy;
the outputs then stay on the device. The launch configuration is computed from the batch size
(``threads_per_block`` threads per block, 128 unless given). The outputs' shapes and dtypes
come from the per-element function compiled for the CPU, run once on element 0 for each new
signature of the arguments and remembered.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numba.np import numpy_support

from ..compile import generate
from ..errors import BatchingError, S2SError
from ..program import Program
from ..transforms.device import device_program
from ..transforms.kernel import kernel_program
from ..transforms.outputs import leaf_paths, output_structure

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
        axes = batched._out_axes
        if any(a != 0 for a in (axes if isinstance(axes, tuple) else (axes,))):
            raise BatchingError("on the GPU, outputs have their batch axis first (out_axes=0)")
        self.batched = batched
        self.threads_per_block = threads_per_block or THREADS_PER_BLOCK
        self.element = device_program(batched._fn)
        params = self.element.entry_unit.tree.args.args
        self.in_axes = batched._per_argument(len(params))
        self.structure = output_structure(self.element, self.element.entry)
        self.__name__ = f"cuda({batched.__name__})"
        self._kernel = None
        self._layouts: dict[tuple, list[tuple[tuple, np.dtype]]] = {}

    def __s2s_program__(self) -> Program:
        program = kernel_program(self.element, self.in_axes, self.structure)
        program.bindings["cuda"] = cuda_module()
        return program

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

    def output_layout(self, args: tuple, cuda) -> list[tuple[tuple, np.dtype]]:
        """Shape and dtype of each output leaf for one element, per argument signature."""
        key = tuple(_signature(a, axis) for a, axis in zip(args, self.in_axes))
        if key not in self._layouts:
            host = generate(self.element).compile()  # Numba's types, as in the kernel
            elements = [_host_element(cuda, a, axis) for a, axis in zip(args, self.in_axes)]
            first = host(*elements)
            types = tuple(host.typeof_pyval(e) for e in elements)
            returned = host.overloads[types].signature.return_type
            leaves = []
            for path in leaf_paths(self.structure):
                value, kind = first, returned
                for k in path:
                    value, kind = value[k], kind.types[k] if hasattr(kind, "types") else kind
                dtype = numpy_support.as_dtype(getattr(kind, "dtype", kind))
                leaves.append((np.shape(value), dtype))
            self._layouts[key] = leaves
        return self._layouts[key]

    def __call__(self, *args):
        cuda = cuda_module()
        n = self.batched.batch_size(args)
        on_device = any(_is_device_array(a) for a in args)
        layout = self.output_layout(args, cuda)
        device_args = [_to_device(cuda, a) for a in args]
        outs = [cuda.device_array((n,) + shape, dtype=dtype) for shape, dtype in layout]
        blocks, threads = self.launch_config(n)
        self.kernel[blocks, threads](*device_args, *outs, n)
        leaves = iter(outs if on_device else [o.copy_to_host() for o in outs])

        def build(structure):
            if structure is None:
                return next(leaves)
            return tuple(build(s) for s in structure)

        return build(self.structure)


def _signature(x: Any, axis: int | None) -> tuple:
    """What the output layout may depend on: type, dtype and the shape of one element."""
    shape = tuple(getattr(x, "shape", ()))
    if axis is not None:
        shape = shape[1:]
    return type(x).__name__, str(getattr(x, "dtype", type(x).__name__)), shape


def _is_device_array(x: Any) -> bool:
    """A Numba device array, or any array exporting ``__cuda_array_interface__``."""
    return hasattr(x, "__cuda_array_interface__") or hasattr(x, "copy_to_host")


def _to_device(cuda, x: Any) -> Any:
    if _is_device_array(x):
        return x if hasattr(x, "copy_to_host") else cuda.as_cuda_array(x)
    if isinstance(x, np.ndarray):
        return cuda.to_device(np.ascontiguousarray(x))
    return x


def _host_element(cuda, x: Any, axis: int | None) -> Any:
    """Element 0 of a batched argument on the host (or the whole unbatched argument); of a
    batched device array, only element 0 is copied."""
    if _is_device_array(x):
        device = x if hasattr(x, "copy_to_host") else cuda.as_cuda_array(x)
        part = device[0] if axis is not None else device
        return part.copy_to_host() if hasattr(part, "copy_to_host") else part
    return x[0] if axis is not None else x
