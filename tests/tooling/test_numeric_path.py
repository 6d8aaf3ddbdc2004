"""scripts/other_numeric_path.sh, the second nbval pass of ./test.sh: a notebook whose stored output
is more precise than the computation supports fails it; one printed at a sensible precision passes.

The notebook is executed here on this CPU's default path (as the lessons are committed), then
checked by the script, which forces PyTorch's and MKL's other code paths."""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "other_numeric_path.sh"

pytestmark = pytest.mark.slow  # starts notebook kernels: left out of ./test.sh --fast

SETUP = ("import torch\ntorch.manual_seed(0)\na, b = torch.randn(300, 300), torch.randn(300, 300)\n"
         "s = (a @ b).sum().item()")
TOO_PRECISE = "print(repr(s))                 # every bit of a float32 sum of 90,000 products"
SENSIBLE = "print(f'{s:.0f}')                # what the computation supports"
OTHER_PATH = {"ATEN_CPU_CAPABILITY": "default", "MKL_ENABLE_INSTRUCTIONS": "SSE4_2",
              "MKL_CBWR": "COMPATIBLE"}


def _executed_notebook(path: Path, cells) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    nbformat.write(nb, path)
    return path


def _check(path: Path):
    env = {k: v for k, v in os.environ.items() if k not in OTHER_PATH}
    return subprocess.run([str(SCRIPT), "-q", str(path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def test_the_two_paths_compute_differently_here():
    """What the check relies on: the forced path rounds differently from the default one."""
    code = SETUP + "\nprint(repr(s))"
    default = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, **OTHER_PATH})
    assert default.stdout != other.stdout
    assert round(float(default.stdout)) == round(float(other.stdout))  # but only in the last bits


def test_an_over_precise_print_fails_and_a_sensible_one_passes(tmp_path):
    precise = _executed_notebook(tmp_path / "precise.ipynb", [SETUP, TOO_PRECISE])
    sensible = _executed_notebook(tmp_path / "sensible.ipynb", [SETUP, SENSIBLE])
    failed = _check(precise)
    assert failed.returncode != 0, failed.stdout + failed.stderr
    assert "1 failed" in failed.stdout, failed.stdout
    passed = _check(sensible)
    assert passed.returncode == 0, passed.stdout + passed.stderr
