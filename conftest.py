"""Test configuration shared by every test directory and the doctests (set before Numba is
imported).

Without a GPU, CUDA code runs under Numba's CUDA simulator; on a machine with one, the same
tests run on the device.
"""

import os
import shutil

if "NUMBA_ENABLE_CUDASIM" not in os.environ and shutil.which("nvidia-smi") is None:
    os.environ["NUMBA_ENABLE_CUDASIM"] = "1"

# The suite compiles hundreds of generated functions and checks what they compute, not how
# fast: its processes compile at LLVM's optimisation level 0. Their code is cached apart from
# optimised code (s2s/backends/cache.py). Benchmarks run without it.
os.environ.setdefault("NUMBA_OPT", "0")
