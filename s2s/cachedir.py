"""The cache directory: generated modules, and the code Numba compiles from them and from the
runtime's helpers (``$S2S_CACHE_DIR``, default ``~/.cache/s2s``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
