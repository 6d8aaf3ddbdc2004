"""Ways in without installing: README's Binder/Colab links and the Colab set-up cell.

README's launch table is the one ``scripts/launch_links.py`` writes (for the repository its
block names), one row per lesson, both editions. The Colab cell is run in a fresh interpreter
that has no rnnlab (``python -I -S``): with a stand-in ``google.colab`` module in
``sys.modules`` (what a Colab kernel has) and a stand-in pip that records its arguments and
"installs" a tiny rnnlab, it installs from the repository and says so; with rnnlab already
there, or outside Colab, it does nothing and says nothing.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import launch_links  # noqa: E402

REPO = "someone/rnnlab"


@pytest.mark.slow  # starts a process
def test_readme_launch_table_is_the_one_the_script_writes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = launch_links.BLOCK.search(readme)
    assert block, "README has no launch-links block"
    assert block.group(0) == launch_links.readme_block(block["repo"], block["branch"])
    lessons = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for name in lessons:
        for path in (f"notebooks/{name}", f"notebooks/zh/{name}"):
            assert f"urlpath=lab/tree/{path})" in block.group(0), path
            assert f"/blob/{block['branch']}/{path})" in block.group(0), path
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "launch_links.py"), "--check",
                           str(ROOT / "README.md")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow  # starts a process
def test_the_script_rewrites_the_block_for_another_repository(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n<!-- launch-links OWNER/rnnlab@main -->\nold\n<!-- /launch-links -->\n\nend\n")
    script = [sys.executable, str(ROOT / "scripts" / "launch_links.py")]
    assert subprocess.run(script + ["--check", str(readme)], capture_output=True, timeout=120).returncode == 1
    done = subprocess.run(script + ["--repo", REPO, "--branch", "dev", str(readme)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    text = readme.read_text()
    assert f"<!-- launch-links {REPO}@dev -->" in text and text.endswith("\n\nend\n")
    lesson = "04_rnn_from_scratch.ipynb"
    assert f"https://mybinder.org/v2/gh/{REPO}/dev?urlpath=lab/tree/notebooks/{lesson}" in text
    assert f"https://colab.research.google.com/github/{REPO}/blob/dev/notebooks/zh/{lesson}" in text
    bad = subprocess.run(script + ["--repo", "not a repo", str(readme)], capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 2 and "--repo must look like OWNER/NAME, got 'not a repo'" in bad.stderr


PRELUDE = '''
import importlib, json, os, subprocess, sys, types
site = sys.argv[1]
sys.path.insert(0, site)
calls = []
if sys.argv[2] == "colab":
    google = types.ModuleType("google")
    google.colab = types.ModuleType("google.colab")
    sys.modules["google"], sys.modules["google.colab"] = google, google.colab

def fake_run(args, check=False, **kwargs):  # pip, as far as the cell can tell
    calls.append(list(args))
    os.makedirs(os.path.join(site, "rnnlab"), exist_ok=True)
    with open(os.path.join(site, "rnnlab", "__init__.py"), "w") as f:
        f.write("INSTALLED_BY = 'fake pip'\\n")
    return subprocess.CompletedProcess(args, 0)

subprocess.run = fake_run
'''

EPILOGUE = '''
try:
    import rnnlab
    where = getattr(rnnlab, "INSTALLED_BY", "already there")
except ModuleNotFoundError:
    where = None
print("RESULT " + json.dumps({"calls": calls, "rnnlab": where}))
'''


def run_cell(tmp_path: Path, runtime: str, preinstalled: bool):
    site = tmp_path / "site"
    site.mkdir()
    if preinstalled:
        (site / "rnnlab").mkdir()
        (site / "rnnlab" / "__init__.py").write_text("")
    code = PRELUDE + launch_links.colab_cell(REPO) + "\n" + EPILOGUE
    # -I -S: no site-packages and no PYTHONPATH, so this interpreter has no rnnlab of its own
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code, str(site), runtime],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    said = [line for line in done.stdout.splitlines() if not line.startswith("RESULT ")]
    result = json.loads(done.stdout.splitlines()[-1].removeprefix("RESULT "))
    return said, result


@pytest.mark.slow  # starts a process
def test_on_colab_without_rnnlab_the_cell_installs_it_from_the_repository(tmp_path):
    said, result = run_cell(tmp_path, "colab", preinstalled=False)
    assert len(result["calls"]) == 1
    call = result["calls"][0]
    assert call[1:4] == ["-m", "pip", "install"]
    assert f"rnnlab @ git+https://github.com/{REPO}@main" in call
    assert result["rnnlab"] == "fake pip"  # importable in the same kernel, right after
    assert said == [f"Colab: installing rnnlab from https://github.com/{REPO} (main), about a minute ...",
                    "Colab: rnnlab is installed."]


@pytest.mark.parametrize("runtime, preinstalled, expected", [
    ("colab", True, "already there"),   # a second run on Colab, or a Colab with rnnlab
    ("local", False, None),             # not Colab: never pip-installs behind a student's back
    ("local", True, "already there"),   # ./course.sh, Binder, nbval
])
@pytest.mark.slow  # starts a process
def test_elsewhere_the_cell_does_nothing(tmp_path, runtime, preinstalled, expected):
    said, result = run_cell(tmp_path, runtime, preinstalled)
    assert result == {"calls": [], "rnnlab": expected}
    assert said == []


@pytest.mark.slow  # starts a process
def test_insert_colab_cell_puts_it_after_the_title_once(tmp_path):
    nb = {"cells": [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": "# 00 · Title"},
                    {"cell_type": "code", "id": "c", "metadata": {}, "execution_count": None, "outputs": [],
                     "source": "import rnnlab"}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "00_x.ipynb"
    path.write_text(json.dumps(nb))
    script = [sys.executable, str(ROOT / "scripts" / "launch_links.py"), "--repo", REPO,
              "--insert-colab-cell"]
    for _ in range(2):  # twice: the second replaces the first
        done = subprocess.run(script + [str(path)], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    cells = json.loads(path.read_text())["cells"]
    assert [c["id"] for c in cells] == ["t", "colab-setup", "c"]
    setup = cells[1]
    assert "".join(setup["source"]) == launch_links.colab_cell(REPO)
    assert setup["metadata"] == {"tags": ["colab-setup"], "slideshow": {"slide_type": "skip"}}
    assert re.search(r'"google\.colab" in sys\.modules', "".join(setup["source"]))
