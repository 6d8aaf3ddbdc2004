"""Ways in without installing: README's Binder/Colab links and the Colab set-up cell.

README's launch table and every lesson's launch cells (links, then the Colab set-up cell, in the
lesson's language) are the ones ``scripts/launch_links.py`` writes for the repository README's
block names, one row per lesson, both editions. The Colab cell is run in a fresh interpreter
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


def _readme_block():
    block = launch_links.BLOCK.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert block, "README has no launch-links block"
    return block


def test_readme_launch_table_is_the_one_the_script_writes():
    block = _readme_block()
    assert block.group(0) == launch_links.readme_block(block["repo"], block["branch"])
    lessons = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for name in lessons:
        for path in (f"notebooks/{name}", f"notebooks/zh/{name}"):
            assert f"urlpath=lab/tree/{path})" in block.group(0), path
            assert f"/blob/{block['branch']}/{path})" in block.group(0), path


LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
@pytest.mark.parametrize("lang", launch_links.LANGS)
def test_every_lesson_opens_with_its_launch_links_and_the_colab_cell(lesson, lang):
    """Right after the title, in the reader's language, for README's repository; the slides skip
    both, and the Chinese cell is the English code with only its comments and messages translated."""
    block = _readme_block()
    repo, branch = block["repo"], block["branch"]
    rel = lesson.relative_to(ROOT).as_posix() if lang == "en" else f"notebooks/zh/{lesson.name}"
    cells = json.loads((ROOT / rel).read_text(encoding="utf-8"))["cells"]
    assert [c["id"] for c in cells[1:3]] == [launch_links.LINKS_ID, launch_links.CELL_ID], rel
    links, setup = ("".join(c["source"]) for c in cells[1:3])
    assert links == launch_links.links_cell(repo, branch, rel, lang)
    assert f"({launch_links.colab_url(repo, branch, rel)})" in links
    assert f"({launch_links.binder_url(repo, branch, rel)})" in links
    assert setup == launch_links.colab_cell(repo, branch, lang)
    assert launch_links.launch_of({"cells": cells}) == (repo, branch)
    for cell in cells[1:3]:
        assert cell["metadata"]["tags"] == [launch_links.TAG]
        assert cell["metadata"]["slideshow"] == {"slide_type": "skip"}
    assert cells[2]["outputs"] == []  # outside Colab it prints nothing
    if lang == "zh":
        import zh_edition

        english = launch_links.colab_cell(repo, branch, "en")
        assert zh_edition.same_code(english, setup) is None
        assert not re.search(r"[A-Za-z]{3,} [A-Za-z]{3,} [A-Za-z]{3,}",
                             "".join(zh_edition.comments(setup)) + links.replace(repo, "")), setup


def test_the_script_moves_every_link_to_another_repository(tmp_path, capsys):
    """README's table and every lesson's cells, from one command; --check says what is stale."""
    (tmp_path / "notebooks").mkdir()
    lesson = "04_rnn_from_scratch.ipynb"
    (tmp_path / "notebooks" / lesson).write_text(json.dumps(
        {"cells": [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": "# 04 · Title"}],
         "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n<!-- launch-links OWNER/rnnlab@main -->\nold\n<!-- /launch-links -->\n\nend\n")
    assert launch_links.main(["--check"], root=tmp_path) == 1
    said = capsys.readouterr().out
    assert "README.md: the launch links are not the ones" in said
    assert f"notebooks/{lesson}: its launch cells are not the ones" in said
    assert launch_links.main(["--repo", REPO, "--branch", "dev"], root=tmp_path) == 0
    text = readme.read_text()
    assert f"<!-- launch-links {REPO}@dev -->" in text and text.endswith("\n\nend\n")
    assert f"https://colab.research.google.com/github/{REPO}/blob/dev/notebooks/zh/{lesson}" in text
    cells = json.loads((tmp_path / "notebooks" / lesson).read_text())["cells"]
    assert [c["id"] for c in cells] == ["t", "launch-links", "colab-setup"]
    binder = f"https://mybinder.org/v2/gh/{REPO}/dev?urlpath=lab/tree/notebooks/{lesson}"
    assert binder in "".join(cells[1]["source"])
    assert launch_links.main(["--check"], root=tmp_path) == 0  # README's repository is the default now
    assert launch_links.main(["--repo", REPO], root=tmp_path) == 0
    assert launch_links.main(["--check"], root=tmp_path) == 0  # the branch stays the block's
    with pytest.raises(SystemExit):
        launch_links.main(["--repo", "not a repo"], root=tmp_path)
    assert "--repo must look like OWNER/NAME, got 'not a repo'" in capsys.readouterr().err


def test_a_lang_the_cells_do_not_have_is_refused():
    with pytest.raises(ValueError, match=r"lang must be one of \('en', 'zh'\), got 'fr'"):
        launch_links.colab_cell(REPO, "main", "fr")


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


def run_cell(tmp_path: Path, runtime: str, preinstalled: bool, lang: str = "en"):
    site = tmp_path / "site"
    site.mkdir()
    if preinstalled:
        (site / "rnnlab").mkdir()
        (site / "rnnlab" / "__init__.py").write_text("")
    code = PRELUDE + launch_links.colab_cell(REPO, "main", lang) + "\n" + EPILOGUE
    # -I -S: no site-packages and no PYTHONPATH, so this interpreter has no rnnlab of its own
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code, str(site), runtime],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    said = [line for line in done.stdout.splitlines() if not line.startswith("RESULT ")]
    result = json.loads(done.stdout.splitlines()[-1].removeprefix("RESULT "))
    return said, result


SAID = {"en": [f"Colab: installing rnnlab from https://github.com/{REPO} (main), about a minute ...",
               "Colab: rnnlab is installed."],
        "zh": [f"Colab：正在从 https://github.com/{REPO}（main 分支）安装 rnnlab，约需一分钟……",
               "Colab：rnnlab 已安装。"]}


@pytest.mark.slow  # starts a process
@pytest.mark.parametrize("lang", launch_links.LANGS)
def test_on_colab_without_rnnlab_the_cell_installs_it_from_the_repository(tmp_path, lang):
    said, result = run_cell(tmp_path, "colab", preinstalled=False, lang=lang)
    assert len(result["calls"]) == 1
    call = result["calls"][0]
    assert call[1:4] == ["-m", "pip", "install"]
    assert f"rnnlab @ git+https://github.com/{REPO}@main" in call
    assert result["rnnlab"] == "fake pip"  # importable in the same kernel, right after
    assert said == SAID[lang]


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
