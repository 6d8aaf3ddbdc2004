"""The `slow` marker, which ./test.sh --fast leaves out, means "starts another process"; tests/conftest.py
makes that a rule instead of a habit."""

import subprocess
import sys

import pytest


def test_a_test_not_marked_slow_cannot_start_a_process():
    """conftest refuses it, naming the test and the command, so --fast stays fast."""
    with pytest.raises(AssertionError, match=r"test_a_test_not_marked_slow_cannot_start_a_process "
                                             r"starts a process .*not marked @pytest.mark.slow"):
        subprocess.run([sys.executable, "-c", "pass"], check=True)


@pytest.mark.slow
def test_a_slow_test_may_start_one():
    assert subprocess.run([sys.executable, "-c", "print(6 * 7)"], capture_output=True,
                          text=True, check=True).stdout == "42\n"
