"""scripts/tidy_notebooks.py: nbval's markers become cell tags, claim-checking asserts a hidden 'check' cell.

Tried on a small synthetic notebook (every case the script distinguishes), twice (a second run
changes nothing), and through nbval itself: a tagged cell whose output differs from the stored
one passes, the same cell untagged fails, so the tag is what nbval honours.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import tidy_notebooks  # noqa: E402


def code(source: str, cell_id: str, outputs=None, **metadata) -> dict:
    return {"cell_type": "code", "id": cell_id, "metadata": metadata, "execution_count": 1,
            "outputs": outputs or [], "source": source.splitlines(keepends=True)}


def markdown(source: str, cell_id: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": source.splitlines(True)}


def stream(text: str) -> list[dict]:
    return [{"name": "stdout", "output_type": "stream", "text": [text]}]


def notebook(*cells) -> dict:
    return {"cells": list(cells), "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def sample() -> dict:
    return notebook(
        markdown("# A lesson", "m0"),
        code("# NBVAL_IGNORE_OUTPUT\nprint(1)", "marker", stream("1\n")),
        code("x = 2\nprint(x)\n\n# the claim, checked\nassert x == 2\nassert x > 0", "trailing",
             stream("2\n"),
             slideshow={"slide_type": "fragment"}),
        code("assert True", "only"),
        code("y = 3\ny\nassert y", "shown"),
        code("for i in range(2):\n    assert i < 2\nz = 1", "nested"),
        code("%time q = 1\nassert q", "magic"),
        code("#   NBVAL_SKIP\nimport time", "skip"),
        markdown("## Exercises", "m1"),
        code("# NBVAL_IGNORE_OUTPUT\nanswer = 1\nassert answer", "exercise"),
    )


def by_id(nb: dict) -> dict:
    return {c["id"]: c for c in nb["cells"]}


def src(cell: dict) -> str:
    return "".join(cell["source"])


def test_markers_become_tags_and_trailing_asserts_a_hidden_check_cell():
    before = sample()
    after = tidy_notebooks.tidy(before)
    cells = by_id(after)
    assert src(cells["marker"]) == "print(1)"
    assert cells["marker"]["metadata"]["tags"] == ["nbval-ignore-output"]
    assert cells["marker"]["outputs"] == stream("1\n")
    assert src(cells["skip"]) == "import time" and cells["skip"]["metadata"]["tags"] == ["nbval-skip"]
    # the trailing asserts, with their comment, move into the next cell; the outputs stay
    assert src(cells["trailing"]) == "x = 2\nprint(x)" and cells["trailing"]["outputs"] == stream("2\n")
    assert cells["trailing"]["metadata"] == {"slideshow": {"slide_type": "fragment"}}
    ids = [c["id"] for c in after["cells"]]
    assert ids[ids.index("trailing") + 1] == "trailing-check"
    check = cells["trailing-check"]
    assert src(check) == "# the claim, checked\nassert x == 2\nassert x > 0"
    assert check["metadata"] == {"tags": ["check"], "jupyter": {"source_hidden": True},
                                 "slideshow": {"slide_type": "skip"}}
    assert check["outputs"] == [] and check["cell_type"] == "code"
    # a cell of asserts only is tagged as it is
    assert cells["only"]["metadata"]["tags"] == ["check"] and "only-check" not in cells
    assert cells["only"]["metadata"]["jupyter"] == {"source_hidden": True}
    # left alone: a split that would display `y`, asserts inside a block, magics, the exercises
    for left in ("shown", "nested", "magic", "exercise"):
        assert cells[left] == by_id(before)[left], left
        assert f"{left}-check" not in cells
    assert len(after["cells"]) == len(before["cells"]) + 1
    nbformat.validate(nbformat.from_dict(after))


def test_tidying_twice_changes_nothing():
    once = tidy_notebooks.tidy(sample())
    assert tidy_notebooks.tidy(once) == once


@pytest.mark.slow  # starts a process
def test_the_command_writes_checks_and_names_bad_files(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(sample()))
    script = [sys.executable, str(ROOT / "scripts" / "tidy_notebooks.py")]
    run = lambda *a: subprocess.run(script + list(a), capture_output=True, text=True, timeout=120)  # noqa: E731
    stale = run("--check", str(path))
    assert stale.returncode == 1 and "would be tidied (1 check cells split off)" in stale.stdout
    assert json.loads(path.read_text()) == sample()  # --check changes nothing
    assert run(str(path)).returncode == 0
    assert run("--check", str(path)).returncode == 0
    assert json.loads(path.read_text()) == tidy_notebooks.tidy(sample())
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [')
    done = run(str(broken))
    assert done.returncode == 2 and f"{broken}: not a readable notebook" in done.stderr


def run_nbval(tmp_path: Path, nb: dict) -> subprocess.CompletedProcess:
    folder = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    (folder / "pytest.ini").write_text("[pytest]\n")  # not the repository's settings
    (folder / "tiny.ipynb").write_text(json.dumps(nb))
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
                           "--nbval-current-env", "tiny.ipynb"], cwd=folder, capture_output=True,
                          text=True, timeout=600, env=env)


@pytest.mark.slow  # starts a process
@pytest.mark.parametrize("tagged", [True, False], ids=["tagged", "untagged"])
def test_nbval_honours_the_tag_tidy_writes(tmp_path, tagged):
    """A stored output that differs from what the cell prints: only the tag lets it pass."""
    source = "# NBVAL_IGNORE_OUTPUT\nimport random\nprint(random.random())" if tagged else \
        "import random\nprint(random.random())"
    nb = tidy_notebooks.tidy(notebook(code(source, "c0", stream("0.5\n"))))
    assert ("nbval-ignore-output" in nb["cells"][0]["metadata"].get("tags", [])) == tagged
    assert "NBVAL" not in src(nb["cells"][0])
    done = run_nbval(tmp_path, nb)
    assert (done.returncode == 0) == tagged, done.stdout[-3000:]
