"""The cache directory: generated modules, and the code Numba compiles from them and from the
runtime's helpers (``$S2S_CACHE_DIR``, default ``~/.cache/s2s``).

Nothing here imports the runtime: its fingerprint is a hash of its files.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path

RUNTIME = Path(__file__).resolve().parent / "runtime"


def cache_dir() -> Path:
    """The cache directory, created if need be (a temporary one where it cannot be)."""
    root = os.environ.get("S2S_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "s2s")
    path = Path(root)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        path = Path(tempfile.gettempdir()) / "s2s-cache"
        path.mkdir(parents=True, exist_ok=True)
    return path


@functools.lru_cache(maxsize=1)
def runtime_fingerprint() -> bytes:
    """A hash of the runtime's source: compiled code cached with other helpers is stale."""
    digest = hashlib.sha256()
    for path in sorted(RUNTIME.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.digest()


# Numba's settings that change the machine code it makes, none of which its on-disk cache
# tells apart: code compiled at ``NUMBA_OPT=0`` (as the test suite does) was loaded by every
# later process, 25 times slower in one helper.
_CODEGEN_SETTINGS = (
    "OPT",
    "LOOP_VECTORIZE",
    "SLP_VECTORIZE",
    "ENABLE_AVX",
    "BOUNDSCHECK",
    "DEBUGINFO_DEFAULT",
    "EXTEND_VARIABLE_LIFETIMES",
)


def codegen_flavour() -> str:
    """A short hash of Numba's version and of its settings that change the code it makes:
    compiled code is kept apart for each."""
    import numba
    from numba.core import config

    settings = [numba.__version__] + [repr(getattr(config, k, None)) for k in _CODEGEN_SETTINGS]
    return hashlib.sha256("\n".join(settings).encode()).hexdigest()[:8]


def runtime_folder(root: Path) -> Path:
    """Where the helpers of this version of the runtime keep their compiled code, for these
    settings of Numba."""
    digest = hashlib.sha256(runtime_fingerprint() + codegen_flavour().encode())
    return root / f"runtime-{digest.hexdigest()[:16]}"
