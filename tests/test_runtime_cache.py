"""The runtime's helpers are compiled once and kept in the cache directory: a new process
compiles only the new function, and gets the same numbers."""

import os
import subprocess
import sys
import textwrap

import numba
import numpy as np
from numba.core import bytecode

import s2s
from s2s import cachedir
from s2s.runtime import _cache

# Compiles a gradient whose helpers are arrays' (`accumulate_into`, `unbroadcast`, a product's
# adjoint ...), and prints how many runtime helpers Numba compiled and the gradient.
PROGRAM = textwrap.dedent(
    """
    import json, os
    import numpy as np
    from numba.core import event
    import s2s
    from s2s.cachedir import RUNTIME, cache_dir, runtime_folder
    compiled = []

    class Count(event.Listener):
        def on_start(self, ev):
            code = getattr(ev.data["dispatcher"].py_func, "__code__", None)
            if code is not None and os.path.dirname(code.co_filename) == str(RUNTIME):
                compiled.append(code.co_name)

        def on_end(self, ev):
            pass

    event.register("numba:compile", Count())

    def loss(W, x):
        h = np.tanh(W @ x)
        return np.sum(h * h) + np.dot(x, x)

    W = np.arange(12.0).reshape(3, 4) / 10.0
    x = np.linspace(-1.0, 1.0, 4)
    gW, gx = s2s.jit(s2s.grad(loss, argnums=(0, 1)))(W, x)
    out = {"helpers": len(compiled), "gW": gW.tolist(), "gx": gx.tolist()}
    print(json.dumps({**out, "folder": str(runtime_folder(cache_dir()))}))
    """
)


def _run(tmp_path, numba_cache: str) -> dict:
    import json

    env = {**os.environ, "S2S_CACHE_DIR": str(tmp_path / "cache"), "NUMBA_CACHE_DIR": numba_cache}
    script = tmp_path / "program.py"  # s2s reads the function's source from its file
    script.write_text(PROGRAM)
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_new_process_loads_the_helpers_and_compiles_only_the_function(tmp_path):
    first = _run(tmp_path, str(tmp_path / "numba-1"))
    assert first["helpers"] > 5
    (folder,) = (tmp_path / "cache").glob("runtime-*")
    assert str(folder) == first["folder"]  # (the program's Numba settings may not be these)
    assert any(folder.glob("*.nbi")) and any(folder.glob("*.nbc"))
    # A new Numba cache: the gradient itself is compiled again, its helpers are loaded.
    second = _run(tmp_path, str(tmp_path / "numba-2"))
    assert second["helpers"] == 0
    assert second["gW"] == first["gW"] and second["gx"] == first["gx"]
    assert not any((tmp_path / "numba-2").rglob("runtime*"))  # not in Numba's own folder


def test_the_folder_is_named_after_the_runtime_source_and_numba_settings(tmp_path, monkeypatch):
    from numba.core import config

    name = cachedir.runtime_folder(tmp_path).name
    assert name.startswith("runtime-") and len(name) == len("runtime-") + 16
    # Code Numba optimised otherwise (the suite's NUMBA_OPT=0) goes to a folder of its own.
    monkeypatch.setattr(config, "OPT", config._OptLevel(1 if config.OPT != 1 else 2))
    assert cachedir.runtime_folder(tmp_path).name != name
    monkeypatch.undo()
    assert cachedir.runtime_folder(tmp_path).name == name


def test_only_the_runtime_files_go_to_the_runtime_folder(tmp_path, monkeypatch):
    def mine(x):
        return x + 1.0

    monkeypatch.setenv("S2S_CACHE_DIR", str(tmp_path))
    helper = s2s.runtime.shares._accumulate_into
    locator = _cache.LOCATOR.from_function(helper, helper.__code__.co_filename)
    assert locator.get_cache_path() == str(cachedir.runtime_folder(tmp_path))
    assert locator.get_source_stamp() == cachedir.runtime_fingerprint().hex()
    assert _cache.LOCATOR.from_function(mine, __file__) is None  # Numba's own locators


def test_numba_numbers_compiled_functions_at_random():
    """Two processes never give one symbol to two functions (numba/numba#10486)."""
    ids = bytecode.FunctionIdentity._unique_ids
    assert isinstance(ids, _cache._RandomIds)
    drawn = {next(ids) for _ in range(100)}
    assert len(drawn) == 100 and all(0 < k < 2**63 for k in drawn)
    add = numba.njit(lambda a, b: a + b)
    assert add(1.0, 2.0) == 3.0
    assert s2s.jit(s2s.grad(_square))(np.float64(3.0)) == 6.0


def _square(x):
    return x * x
