"""scripts/stress_nbval.py reports a notebook whose stored output no longer matches; passes one that does."""

import importlib.util
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow  # starts other processes: left out of ./test.sh --fast

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("stress_nbval", ROOT / "scripts" / "stress_nbval.py")
stress_nbval = importlib.util.module_from_spec(spec)
spec.loader.exec_module(stress_nbval)


def notebook(path: Path, stored: str) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(6 * 7)", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored)]
    nb.cells = [cell]
    nbformat.write(nb, path)
    return path


def test_a_mismatching_output_fails_and_a_matching_one_passes(tmp_path, capsys):
    good = notebook(tmp_path / "good.ipynb", "42\n")
    bad = notebook(tmp_path / "bad.ipynb", "41\n")
    args = ["--runs", "1", "--burners", "1", "--out", str(tmp_path / "out")]
    assert stress_nbval.main([str(good), *args]) == 0
    assert "PASS: 0 failure(s)" in capsys.readouterr().out
    assert stress_nbval.main([str(bad), *args]) == 1
    out = capsys.readouterr().out
    assert "run 1: 1 failed" in out and "FAIL: 1 failure(s)" in out and "bad.ipynb" in out


def test_it_runs_nbval_with_the_options_of_test_sh():
    test_sh = (ROOT / "test.sh").read_text()
    assert " ".join(stress_nbval.NBVAL_STRICT) in " ".join(test_sh.replace("\\\n", " ").split())
