"""The example scripts run to the end and print what they claim (the quickstart runs in CI on
its own): each in a fresh process, as a user runs it."""

import re
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(name: str) -> str:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_ode_fit_recovers_the_parameters():
    out = run_example("ode_fit.py")
    true = re.search(r"true parameters\s+r, K, y0 =\s+(.*)", out).group(1).split(",")
    found = re.search(r"recovered parameters r, K, y0 =\s+(.*)", out).group(1).split(",")
    assert [round(float(v), 3) for v in found] == [round(float(v), 3) for v in true]


def test_implicit_steps_move_the_fronts_at_fishers_speed():
    out = run_example("implicit_heat.py")
    assert "(3 forward passes)" in out
    speed, expected = map(float, re.search(r"front speed ([\d.]+) .* = ([\d.]+)\)", out).groups())
    assert abs(speed - expected) < 0.25
