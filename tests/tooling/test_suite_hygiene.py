"""What tests/conftest.py promises the rest of the suite: figures never outlive a test, and a
test that needs ../shared/ is skipped, saying why, where the folder is absent."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow  # starts other processes: left out of ./test.sh --fast


LEAVES_A_FIGURE = '''
import matplotlib.pyplot as plt


def test_a_test_may_leave_a_figure_open():
    plt.figure()
    assert plt.get_fignums()


def test_the_next_test_starts_with_no_figure():
    assert plt.get_fignums() == []
'''


def _run_pytest_in_copy(tmp_path, name, text, *args):
    """Run one test file under a copy of the suite's conftest.py, in a fresh process, so the
    order of its tests is the file's own whatever order (or subset) this suite runs in."""
    tests = tmp_path / "repo" / "tests"  # tmp_path/shared does not exist
    tests.mkdir(parents=True)
    shutil.copy(TESTS / "conftest.py", tests / "conftest.py")
    shutil.copytree(TESTS / "netblock", tests / "netblock",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (tests / name).write_text(text)
    out = subprocess.run([sys.executable, "-m", "pytest", "-rs", "-p", "no:cacheprovider",
                          *args, str(tests)],
                         cwd=tmp_path / "repo", capture_output=True, text=True, timeout=300)
    return out.returncode, out.stdout + out.stderr


def test_a_figure_left_open_is_closed_before_the_next_test(tmp_path):
    code, text = _run_pytest_in_copy(tmp_path, "test_figures.py", LEAVES_A_FIGURE)
    assert code == 0, text
    assert "2 passed" in text, text


NEEDS_SHARED = '''
from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed"


def read_notes():
    return sorted(SEED.glob("*.txt"))


def test_reads_the_notes():
    assert read_notes(), "no notes"


def test_needs_nothing_from_shared():
    assert 1 + 1 == 2
'''


def test_tests_that_need_shared_are_skipped_saying_so_when_it_is_absent(tmp_path):
    code, text = _run_pytest_in_copy(tmp_path, "test_needs_shared.py", NEEDS_SHARED)
    assert code == 0, text
    assert "1 passed, 1 skipped" in text, text
    assert f"needs {tmp_path / 'shared'}/ (the seed notes), which is absent" in text, text

