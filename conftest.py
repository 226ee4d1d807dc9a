"""Test configuration shared by every test directory and the doctests.

Without a GPU, CUDA code runs under Numba's CUDA simulator (set before Numba is imported);
on a machine with one, the same tests run on the device.
"""

import os
import shutil

if "NUMBA_ENABLE_CUDASIM" not in os.environ and shutil.which("nvidia-smi") is None:
    os.environ["NUMBA_ENABLE_CUDASIM"] = "1"
