"""Numba's on-disk cache keeps apart the ways of compiling one generated module (``fastmath``,
``parallel``) and Numba's settings that change its code (``NUMBA_OPT``)."""

import json
import os
import subprocess
import sys
import textwrap

import pytest
from numba.core import config

from s2s import cachedir
from s2s.backends import cache
from s2s.codegen.loader import load_module

PROGRAM = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import s2s

    def f(x):
        s = 0.0
        for i in range(x.shape[0]):
            s += x[i] * x[i] + 0.1 * x[i]
        return s

    g = s2s.jit(s2s.grad(f), fastmath=sys.argv[1] == "fastmath")
    print(json.dumps(g(np.linspace(0.0, 1.0, 5)).tolist()))
    """
)


def _run(tmp_path, how: str, **env) -> list[float]:
    script = tmp_path / "program.py"  # s2s reads the function's source from its file
    script.write_text(PROGRAM)
    env = {**os.environ, "S2S_CACHE_DIR": str(tmp_path / "cache"), **env}
    env.pop("NUMBA_CACHE_DIR", None)
    done = subprocess.run(
        [sys.executable, str(script), how], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _indexes(tmp_path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "cache" / "__pycache__").glob("s2s_f_grad_*.nbi"))


def test_each_way_of_compiling_a_module_has_its_own_cached_code(tmp_path):
    # Loaded for fastmath=False, the fastmath variant's cached code imported its own module,
    # which this process never made: ModuleNotFoundError.
    fast = _run(tmp_path, "fastmath")
    plain = _run(tmp_path, "plain")
    assert plain == pytest.approx(fast)
    first = _indexes(tmp_path)
    assert len(first) == 2
    assert any("-nb011-" in name for name in first) and any("-nb001-" in name for name in first)
    assert _run(tmp_path, "plain") == plain  # loaded again, nothing new
    assert _indexes(tmp_path) == first


def test_code_numba_optimised_otherwise_is_not_loaded(tmp_path):
    # The suite runs at NUMBA_OPT=0; a program run afterwards must not load that code.
    _run(tmp_path, "plain", NUMBA_OPT="0")
    _run(tmp_path, "plain", NUMBA_OPT="3")
    indexes = _indexes(tmp_path)
    assert len(indexes) == 2 and len({name.split("-")[-1] for name in indexes}) == 2
    assert len(list((tmp_path / "cache").glob("runtime-*"))) == 2


def test_only_generated_functions_are_named_after_their_variant(tmp_path, monkeypatch):
    module_file = tmp_path / "s2s_g_0123456789abcdef.py"
    module_file.write_text("def g(x):\n    return x + 1.0\n")
    module = load_module(module_file, {}, "nb001")
    g = module.g
    assert cache.variant(g, str(module_file)) == "nb001"
    assert cache.variant(_own, __file__) is None
    locator = next(
        found for c in _variant_locators() if (found := c.from_function(g, str(module_file)))
    )
    before = locator.get_disambiguator()
    assert before == f"1-nb001-{cachedir.codegen_flavour()}"
    monkeypatch.setattr(config, "OPT", config._OptLevel(1 if config.OPT != 1 else 2))
    assert locator.get_disambiguator() != before


def _variant_locators():
    from numba.core import caching

    return [c for c in caching.CacheImpl._locator_classes if hasattr(c, "keeps_variants_apart")]


def _own(x):
    return x
