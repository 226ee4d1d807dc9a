"""The CUDA backend: batched functions as ``numba.cuda`` kernels, launched over the batch.

Inputs may be NumPy arrays (copied to the device and the results back) or device arrays:
Numba's, or any object with ``__cuda_array_interface__`` (CuPy, PyTorch), used without a copy;
the outputs then stay on the device. The launch configuration is computed from the batch size:
``threads_per_block`` threads per block (128 unless given), one thread per element up to
``WAVES`` times the threads the device holds at once, past which the kernel's threads stride
through the batch (``transforms/kernel.py``). The outputs' shapes and dtypes
come from the per-element function compiled for the CPU, run once on element 0 for each new
signature of the arguments and remembered.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numba.np import numpy_support

from ..compile import generate
from ..errors import BatchingError, S2SError
from ..program import Program
from ..transforms.batch import shared_writes, shared_writes_error
from ..transforms.device import check_element_arrays, device_program
from ..transforms.kernel import kernel_program
from ..transforms.outputs import leaf_paths, output_structure

THREADS_PER_BLOCK = 128
WAVES = 4  # grid cap, in device-fulls of resident threads: enough to hide the tail of a launch


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
                "target='cuda' compiles batched functions: each batch element in a GPU thread",
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
        shared = shared_writes(self.element, self.in_axes)
        if shared:
            raise shared_writes_error(
                self.element,
                shared,
                "on the GPU,",
                hint="batch it (in_axes=0 on one copy per element) or compute without it",
            )
        self.structure = output_structure(self.element, self.element.entry)
        self.__name__ = f"cuda({batched.__name__})"
        self._kernel = None
        self._max_blocks: int | None = None
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
            # The element function is inlined into the kernel, so that the reads of a thread's
            # two elements are issued before either is computed on.
            inlined = self.element.entry if _can_force_inline(cuda) else None
            for unit in program:
                if unit.name != program.entry:
                    options = {"forceinline": True} if unit.name == inlined else {}
                    device = cuda.jit(device=True, **options)
                    setattr(module, unit.name, device(getattr(module, unit.name)))
            self._kernel = cuda.jit(getattr(module, program.entry))
        return self._kernel

    @property
    def max_blocks(self) -> int:
        """The most blocks a launch gets: ``WAVES`` times what the device holds at once (a
        batch larger than that many threads is strided through). Settable, for tests."""
        if self._max_blocks is None:
            resident = _resident_threads(cuda_module().get_current_device())
            self._max_blocks = max(1, WAVES * resident // self.threads_per_block)
        return self._max_blocks

    @max_blocks.setter
    def max_blocks(self, blocks: int) -> None:
        self._max_blocks = blocks

    def launch_config(self, n: int) -> tuple[int, int]:
        """``(blocks, threads_per_block)`` for ``n`` elements: a thread per element, up to
        ``max_blocks`` blocks."""
        blocks = min(math.ceil(n / self.threads_per_block), self.max_blocks)
        return max(1, blocks), self.threads_per_block

    def output_layout(self, args: tuple, cuda) -> list[tuple[tuple, np.dtype]]:
        """Shape and dtype of each output leaf for one element, per argument signature."""
        key = tuple(_signature(a, axis) for a, axis in zip(args, self.in_axes))
        if key not in self._layouts:
            check_element_arrays(self.element, [len(shape) for _, _, shape in key])
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

    def __call__(self, *args, **kwargs):
        if kwargs:
            args = self.batched.positional(args, kwargs)
        cuda = cuda_module()
        n = self.batched.batch_size(args)
        on_device = any(_is_device_array(a) for a in args)
        device_args = [_to_device(cuda, a) for a in args]
        layout = self.output_layout(args, cuda)
        outs = [cuda.device_array((n,) + shape, dtype=dtype) for shape, dtype in layout]
        blocks, threads = self.launch_config(n)
        self.kernel[blocks, threads](*device_args, *outs, n)
        leaves = iter(outs if on_device else [o.copy_to_host() for o in outs])

        def build(structure):
            if structure is None:
                return next(leaves)
            return tuple(build(s) for s in structure)

        return build(self.structure)


def _can_force_inline(cuda) -> bool:
    """Whether ``cuda.jit`` takes ``forceinline`` (numba-cuda does; the simulator does not)."""
    return "forceinline" in inspect.signature(cuda.jit).parameters


def _resident_threads(device: Any) -> int:
    """Threads the device runs at once: its multiprocessors times the threads each holds (the
    simulator, which has neither attribute, counts as one multiprocessor)."""
    multiprocessors = getattr(device, "MULTIPROCESSOR_COUNT", 1)
    per_multiprocessor = getattr(device, "MAX_THREADS_PER_MULTI_PROCESSOR", 2048)
    return multiprocessors * per_multiprocessor


def _signature(x: Any, axis: int | None) -> tuple:
    """What the output layout may depend on: type, dtype and the shape of one element."""
    shape = tuple(getattr(x, "shape", ()))
    if axis is not None:
        shape = shape[1:]
    return type(x), getattr(x, "dtype", None), shape


def _is_device_array(x: Any) -> bool:
    """A Numba device array, or any array exporting ``__cuda_array_interface__``."""
    return hasattr(x, "copy_to_host") or hasattr(x, "__cuda_array_interface__")


def _to_device(cuda, x: Any) -> Any:
    """A device array as it is, another GPU array viewed as one, a NumPy array copied over;
    numbers as they are."""
    if hasattr(x, "copy_to_host"):
        return x
    if isinstance(x, np.ndarray):
        return cuda.to_device(np.ascontiguousarray(x))
    if hasattr(x, "__cuda_array_interface__"):
        return cuda.as_cuda_array(x)
    return x


def _host_element(cuda, x: Any, axis: int | None) -> Any:
    """Element 0 of a batched argument on the host (or the whole unbatched argument); of a
    batched device array, only element 0 is copied."""
    if _is_device_array(x):
        device = x if hasattr(x, "copy_to_host") else cuda.as_cuda_array(x)
        part = device[0] if axis is not None else device
        return part.copy_to_host() if hasattr(part, "copy_to_host") else part
    return x[0] if axis is not None else x
