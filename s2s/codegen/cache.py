"""The files of the cache directory: what ``s2s cache`` lists and clears.

Each generated module is a file ``s2s_<name>_<hash>.py`` in the cache directory
(:func:`~s2s.cachedir.cache_dir`); Python and Numba keep what they compile from it in
``__pycache__`` under the same name. The runtime's helpers keep their compiled code in a
folder ``runtime-<hash>`` per version of the runtime (``s2s/runtime/_cache.py``). A new hash
appears whenever a function's source changes, so the directory only grows; loading a module,
or a helper from a runtime folder, marks it as used (its modification time), and
``clear --older-than DAYS`` removes what no program has loaded for that long. Only files named
like s2s's own are ever removed.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import time
from pathlib import Path
from typing import NamedTuple

_STALE_WRITE = 3600.0  # seconds after which a temporary file is a write that was interrupted


@dataclasses.dataclass
class Entry:
    """A generated module and the files compiled from it."""

    module: Path
    files: list[Path]

    @property
    def size(self) -> int:
        return sum(file_size(f) for f in self.files)

    @property
    def last_used(self) -> float:
        return self.module.stat().st_mtime


def entries(root: Path) -> tuple[list[Entry], list[Path]]:
    """The generated modules in ``root``, and the leftovers: compiled files whose module is
    gone, and temporary files of interrupted writes."""
    modules = {p.stem: Entry(p, [p]) for p in root.glob("s2s_*.py")}
    now = time.time()
    leftovers = [p for p in root.glob("s2s_*.tmp") if now - _mtime(p) > _STALE_WRITE]
    compiled = root / "__pycache__"
    for path in sorted(compiled.glob("s2s_*")) if compiled.is_dir() else []:
        entry = modules.get(path.name.split(".", 1)[0])
        (entry.files if entry else leftovers).append(path)
    return sorted(modules.values(), key=lambda e: e.module.name), sorted(leftovers)


_RUNTIME_FOLDER = re.compile(r"runtime-[0-9a-f]{16}")


def runtime_folders(root: Path) -> list[Path]:
    """The folders of compiled runtime helpers in ``root``, one per version of the runtime."""
    found = [p for p in root.glob("runtime-*") if _RUNTIME_FOLDER.fullmatch(p.name)]
    return sorted(p for p in found if p.is_dir())


def last_used(folder: Path) -> float:
    """When a process last loaded a helper from a runtime folder (or compiled one into it)."""
    return _mtime(folder)


def folder_size(folder: Path) -> int:
    return sum(file_size(p) for p in folder.rglob("*") if p.is_file())


class Cleared(NamedTuple):
    """What ``clear`` removed: generated modules, runtime folders, and the bytes they took."""

    modules: int
    runtime_folders: int
    freed: int


def clear(root: Path, older_than_days: float | None = None) -> Cleared:
    """Remove the modules (with their compiled files) and the runtime folders not used for
    ``older_than_days`` days, all of them when None, and the leftovers; say how many modules
    and folders went and the bytes freed."""
    modules, leftovers = entries(root)
    folders = runtime_folders(root)
    if older_than_days is not None:
        cutoff = time.time() - older_than_days * 86400.0
        modules = [e for e in modules if e.last_used < cutoff]
        folders = [f for f in folders if last_used(f) < cutoff]
    freed = 0
    for path in [f for e in modules for f in e.files] + leftovers:
        freed += file_size(path)
        path.unlink(missing_ok=True)
    for folder in folders:
        freed += folder_size(folder)
        shutil.rmtree(folder, ignore_errors=True)
    return Cleared(len(modules), len(folders), freed)


def human_size(count: int) -> str:
    """``1536`` -> ``'1.5 KB'``."""
    size = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return time.time()
