"""``s2s cache``: what the cache directory holds, and clearing it (all, or what no program
has loaded for some days), without touching files that are not s2s's."""

import os
import shutil
import subprocess
import sys
import time

import pytest

import s2s
from s2s import cli
from s2s.codegen import cache

CUBE = "def cube(x):\n    return x * x * x\n"
RUN = "import s2s, cube; assert s2s.jit(s2s.grad(cube.cube))(2.0) == 12.0"


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """A cache directory holding one compiled gradient, filled by another process (this
    one keeps what it compiled, and would write nothing to a new directory)."""
    where = tmp_path_factory.mktemp("compiled")
    (where / "cube.py").write_text(CUBE)
    env = {**os.environ, "S2S_CACHE_DIR": str(where / "cache"), "PYTHONPATH": str(where)}
    env.pop("NUMBA_CACHE_DIR", None)
    subprocess.run([sys.executable, "-c", RUN], env=env, check=True, cwd=where)
    return where


@pytest.fixture
def root(compiled, tmp_path, monkeypatch):
    """A copy of that directory, with files of others beside s2s's, as S2S_CACHE_DIR."""
    root = tmp_path / "cache"
    shutil.copytree(compiled / "cache", root)
    (root / "notes.txt").write_text("mine")
    (root / "__pycache__" / "other.cpython-311.pyc").write_bytes(b"x")
    (root / "__pycache__" / "s2s_gone_0123456789abcdef.f-1.py311.nbi").write_bytes(b"x")
    monkeypatch.setenv("S2S_CACHE_DIR", str(root))
    monkeypatch.syspath_prepend(str(compiled))
    return root


def test_info_counts_the_modules_and_their_compiled_files(root, capsys):
    modules, leftovers = cache.entries(root)
    assert len(modules) == 1 and modules[0].module.name.startswith("s2s_cube_grad_")
    assert any(f.suffix == ".nbi" for f in modules[0].files)  # Numba's index, same name
    assert [p.name for p in leftovers] == ["s2s_gone_0123456789abcdef.f-1.py311.nbi"]
    assert cli.main(["cache"]) == 0
    out = capsys.readouterr().out
    assert str(root) in out and "generated modules: 1," in out
    assert "compiled runtime helpers: 1 version(s) of the runtime" in out


def test_clear_removes_only_s2s_files(root, capsys):
    assert cli.main(["cache", "clear"]) == 0
    out = capsys.readouterr().out
    assert "removed 1 generated module(s) and 1 folder(s) of compiled runtime helpers" in out
    left = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert left == ["__pycache__/other.cpython-311.pyc", "notes.txt"]


def test_clear_older_than_keeps_what_was_loaded_recently(root):
    (module,) = cache.entries(root)[0]
    assert cache.clear(root, older_than_days=1.0)[0] == 0
    assert module.module.exists() and all(f.exists() for f in module.files)
    old = time.time() - 3 * 86400
    os.utime(module.module, (old, old))
    assert cache.clear(root, older_than_days=1.0)[0] == 1
    assert not any(f.exists() for f in module.files)


def test_clear_older_than_keeps_runtime_helpers_in_use(root):
    (folder,) = cache.runtime_folders(root)
    assert any(folder.glob("*.nbi"))  # Numba's index of a helper the other process compiled
    assert cache.clear(root, older_than_days=1.0).runtime_folders == 0
    old = time.time() - 3 * 86400
    os.utime(folder, (old, old))
    assert cache.clear(root, older_than_days=1.0).runtime_folders == 1
    assert not folder.exists()


def test_loading_a_module_marks_it_used(root):
    (module,) = cache.entries(root)[0]
    old = time.time() - 3 * 86400
    os.utime(module.module, (old, old))
    import cube  # the function the other process compiled

    assert s2s.jit(s2s.grad(cube.cube))(1.0) == 3.0  # finds its module: used now
    assert module.last_used > old + 86400
    assert cache.clear(root, older_than_days=1.0)[0] == 0


def test_older_than_goes_with_clear(root, capsys):
    assert cli.main(["cache", "info", "--older-than", "3"]) == 2
    assert "--older-than goes with 'clear'" in capsys.readouterr().err


def test_sizes_read_as_people_write_them():
    assert cache.human_size(512) == "512 B"
    assert cache.human_size(1536) == "1.5 KB"
    assert cache.human_size(3 * 1024**3) == "3.0 GB"
