"""nbval settings for the lessons: a machine under load must not fail a notebook for nothing.

nbval reads a cell's outputs with a fixed 5-second wait between two messages. On a
loaded machine (CI shares its cores) a kernel that has finished a long cell can take
longer than that to deliver its last messages, and nbval then fails the cell and
x-fails the rest ("Timeout of 5 seconds exceeded waiting for output") although every
output would have matched. Waiting longer changes nothing else: a cell that really
hangs still meets --nbval-cell-timeout.
"""

import pytest

OUTPUT_TIMEOUT_S = 120


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        if hasattr(item, "output_timeout"):   # nbval's IPyNbCell
            item.output_timeout = OUTPUT_TIMEOUT_S

# The exercise sources are unexecuted templates (scripts/build_exercises.py builds the lessons'
# exercise sections and the solutions from them); nbval runs what they build, not them.
collect_ignore_glob = ["exercises/*"]
