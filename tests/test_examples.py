"""The examples run unmodified under real torch and under `python -m jtorch` and, from the
same initial weights (written by the torch run, loaded by the jtorch run), print the same
losses to 4 decimals."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(args, cwd):
    env = dict(os.environ, PYTHONPATH=ROOT)
    done = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.parametrize("script", ["sin_fit.py", "lenet.py"])
def test_example_prints_torchs_losses(script, tmp_path):
    path = os.path.join(ROOT, "examples", script)
    init = str(tmp_path / "init.pt")
    expected = run([path, init], tmp_path)
    assert os.path.exists(init)
    got = run(["-m", "jtorch", path, init], tmp_path)
    assert len(expected) > 5
    assert got == expected
