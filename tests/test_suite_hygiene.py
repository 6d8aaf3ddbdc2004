"""What tests/conftest.py promises the rest of the suite: figures never outlive a test, and a
test that needs ../shared/ is skipped, saying why, where the folder is absent."""

import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt

TESTS = Path(__file__).resolve().parent


def test_a_test_may_leave_a_figure_open():
    plt.figure()
    assert plt.get_fignums()


def test_the_next_test_starts_with_no_figure():  # runs after the one above (file order)
    assert plt.get_fignums() == []


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
    tests = tmp_path / "repo" / "tests"  # tmp_path/shared does not exist
    tests.mkdir(parents=True)
    shutil.copy(TESTS / "conftest.py", tests / "conftest.py")
    shutil.copytree(TESTS / "netblock", tests / "netblock",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (tests / "test_needs_shared.py").write_text(NEEDS_SHARED)
    out = subprocess.run([sys.executable, "-m", "pytest", "-rs", "-p", "no:cacheprovider", str(tests)],
                         cwd=tmp_path / "repo", capture_output=True, text=True, timeout=300)
    text = out.stdout + out.stderr
    assert out.returncode == 0, text
    assert "1 passed, 1 skipped" in text, text
    assert f"needs {tmp_path / 'shared'}/ (the seed notes), which is absent" in text, text
