"""Ways into the course without installing: Binder and Colab links, and the Colab set-up cell.

    python scripts/launch_links.py [--repo OWNER/NAME] [--branch main] [--check]
    python scripts/launch_links.py --repo OWNER/NAME --colab-cell            # print the cell

The first form writes the launch links for the repository that hosts the course: README's launch
table (between ``<!-- launch-links ... -->`` and ``<!-- /launch-links -->``) and, at the top of
every English lesson, a links cell and the Colab set-up cell (then ``scripts/build_zh.py`` gives the
Chinese lessons theirs, in Chinese, from the same repository). Without ``--repo`` it keeps the
repository README's table names, so one command moves every link. ``--check`` changes nothing and
exits 1 when README or a lesson is not what this script writes (tests/tooling/test_launch_links.py).
The book (``./book.sh --repo OWNER/NAME``) builds the same links on every page.

Colab opens a notebook straight from GitHub, without the rest of the repository, so a lesson's first
code cell installs ``rnnlab`` from the repository when it is missing there, and says so; anywhere
else (``./course.sh``, Binder, a lab machine) rnnlab is installed and the cell does nothing.
The two cells (ids ``launch-links`` and ``colab-setup``, tag ``launch``, skipped by the slideshow;
the book has its own links on each page and leaves them out) go right after the lesson's title
cell, replacing the ones already there.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rnnlab.files import write_text_atomic  # noqa: E402

REPO_PATTERN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
BLOCK = re.compile(r"<!-- launch-links (?P<repo>\S+)@(?P<branch>\S+) -->\n.*?<!-- /launch-links -->", re.S)
CELL_ID = "colab-setup"
LINKS_ID = "launch-links"
TAG = "launch"
LANGS = ("en", "zh")

# The Colab cell's code is the same in both languages (scripts/zh_edition.py checks its tokens);
# only its comments and messages are translated.
COLAB_CELL = '''\
# {comment1}
# {comment2}
import importlib.util, subprocess, sys
if "google.colab" in sys.modules and importlib.util.find_spec("rnnlab") is None:
    print("{installing}")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "rnnlab @ git+https://github.com/{repo}@{branch}"], check=True)
    importlib.invalidate_caches()
    print("{installed}")'''

TEXTS = {
    "en": {"comment1": "On Colab: install rnnlab, the course's package, from its repository when it "
                       "is missing.",
           "comment2": "(Anywhere else the course is installed already, and this cell does nothing.)",
           "installing": "Colab: installing rnnlab from https://github.com/{repo} ({branch}), "
                         "about a minute ...",
           "installed": "Colab: rnnlab is installed.",
           "links": "**Run this lesson without installing anything:** [Open in Colab]({colab}) "
                    "(a Google account; the next cell installs the course's package there) · "
                    "[Open in Binder]({binder}) (JupyterLab with the live widgets and the slideshow; "
                    "it can take a few minutes to start). On your own machine: `./course.sh` (README)."},
    "zh": {"comment1": "在 Colab 上：若没有 rnnlab（本课程的 Python 包），就从课程仓库安装。",
           "comment2": "（在其他环境中课程已经装好，这个单元格什么也不做。）",
           "installing": "Colab：正在从 https://github.com/{repo}（{branch} 分支）安装 rnnlab，约需一分钟……",
           "installed": "Colab：rnnlab 已安装。",
           "links": "**不安装任何东西也能运行本课：**[在 Colab 中打开]({colab})（需要 Google 账号；"
                    "下一个单元格会在那里安装课程的 Python 包）· [在 Binder 中打开]({binder})"
                    "（JupyterLab，交互控件和幻灯片都能用；启动可能要几分钟）。"
                    "在自己的电脑上：运行 `./course.sh`（见 README）。"},
}


def binder_url(repo: str, branch: str, path: str) -> str:
    return f"https://mybinder.org/v2/gh/{repo}/{branch}?urlpath=lab/tree/{path}"


def colab_url(repo: str, branch: str, path: str) -> str:
    return f"https://colab.research.google.com/github/{repo}/blob/{branch}/{path}"


def _lang(lang: str) -> dict:
    if lang not in TEXTS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return TEXTS[lang]


def colab_cell(repo: str, branch: str = "main", lang: str = "en") -> str:
    texts = _lang(lang)
    return COLAB_CELL.format(repo=repo, branch=branch, comment1=texts["comment1"],
                             comment2=texts["comment2"], installed=texts["installed"],
                             installing=texts["installing"].format(repo=repo, branch=branch))


def links_cell(repo: str, branch: str, path: str, lang: str = "en") -> str:
    """The markdown at the top of a lesson: Colab and Binder links to this very notebook."""
    return _lang(lang)["links"].format(colab=colab_url(repo, branch, path),
                                       binder=binder_url(repo, branch, path))


LINK_IN_CELL = re.compile(r"git\+https://github\.com/(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)@(?P<branch>[A-Za-z0-9_./-]+)\"")


def launch_of(nb: dict) -> tuple[str, str] | None:
    """``(repo, branch)`` the notebook's Colab cell installs from; None without one."""
    for cell in nb["cells"]:
        if cell.get("id") == CELL_ID:
            match = LINK_IN_CELL.search("".join(cell["source"]))
            if match:
                return match["repo"], match["branch"]
    return None


def lesson_paths(root: Path = ROOT) -> list[tuple[str, str]]:
    """(number, repository path) of every English lesson, in order."""
    lessons = sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    return [(p.name[:2], p.relative_to(root).as_posix()) for p in lessons]


def readme_block(repo: str, branch: str = "main", root: Path = ROOT) -> str:
    rows = [f"<!-- launch-links {repo}@{branch} -->",
            "| lesson | Binder (JupyterLab, the slideshow, live widgets) | Colab (Google account) |",
            "|---|---|---|"]
    for number, path in lesson_paths(root):
        zh = path.replace("notebooks/", "notebooks/zh/", 1)
        rows.append(f"| {number} | [English]({binder_url(repo, branch, path)}) · "
                    f"[中文]({binder_url(repo, branch, zh)}) | [English]({colab_url(repo, branch, path)}) · "
                    f"[中文]({colab_url(repo, branch, zh)}) |")
    rows.append("<!-- /launch-links -->")
    return "\n".join(rows)


def update_readme(text: str, repo: str | None, branch: str | None) -> str:
    match = BLOCK.search(text)
    if match is None:
        raise ValueError("no launch-links block (<!-- launch-links OWNER/NAME@BRANCH --> ... "
                         "<!-- /launch-links -->) in the README")
    repo = repo or match["repo"]
    branch = branch or match["branch"]
    return text[:match.start()] + readme_block(repo, branch) + text[match.end():]


def insert_launch_cells(nb: dict, repo: str, branch: str, path: str, lang: str = "en") -> dict:
    """``nb`` with the links cell and the Colab cell right after its title (replacing old ones)."""
    skip = {"tags": [TAG], "slideshow": {"slide_type": "skip"}}
    links = {"cell_type": "markdown", "id": LINKS_ID, "metadata": copy.deepcopy(skip),
             "source": links_cell(repo, branch, path, lang).splitlines(keepends=True)}
    setup = {"cell_type": "code", "execution_count": None, "id": CELL_ID, "outputs": [],
             "metadata": copy.deepcopy(skip),
             "source": colab_cell(repo, branch, lang).splitlines(keepends=True)}
    cells = [c for c in nb["cells"] if c.get("id") not in (CELL_ID, LINKS_ID)]
    at = 1 if cells and cells[0]["cell_type"] == "markdown" else 0
    return {**nb, "cells": cells[:at] + [links, setup] + cells[at:]}


def _same_cells(a: dict, b: dict) -> bool:
    strip = lambda nb: [(c.get("id"), c["cell_type"], "".join(c["source"]), c.get("metadata"))  # noqa: E731
                        for c in nb["cells"]]
    return strip(a) == strip(b)


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", help="OWNER/NAME on GitHub (default: the one README's table names)")
    parser.add_argument("--branch", help="the branch the links open (default: README's, else main)")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if README or a lesson differs")
    parser.add_argument("--colab-cell", action="store_true", help="print the Colab set-up cell")
    args = parser.parse_args(argv)
    if args.repo is not None and not REPO_PATTERN.match(args.repo):
        parser.error(f"--repo must look like OWNER/NAME, got {args.repo!r}")
    if args.branch is not None and not re.fullmatch(r"[A-Za-z0-9_./-]+", args.branch):
        parser.error(f"--branch must be a branch name, got {args.branch!r}")
    if args.colab_cell:
        if args.repo is None:
            parser.error("--colab-cell needs --repo OWNER/NAME")
        print(colab_cell(args.repo, args.branch or "main"))
        return 0
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    match = BLOCK.search(text)
    if match is None:
        parser.error(f"{readme}: no launch-links block (<!-- launch-links OWNER/NAME@BRANCH --> ... "
                     "<!-- /launch-links -->)")
    repo, branch = args.repo or match["repo"], args.branch or match["branch"]
    stale = 0
    new = update_readme(text, repo, branch)
    if new != text:
        stale += 1
        if args.check:
            print(f"{readme}: the launch links are not the ones scripts/launch_links.py writes")
        else:
            write_text_atomic(readme, new)
            print(f"{readme}: launch links for {repo}@{branch}")
    for _number, rel in lesson_paths(root):
        import nbformat

        path = root / rel
        nb = json.loads(path.read_text(encoding="utf-8"))
        wanted = insert_launch_cells(nb, repo, branch, rel)
        if _same_cells(nb, wanted):
            continue
        stale += 1
        if args.check:
            print(f"{rel}: its launch cells are not the ones scripts/launch_links.py writes")
        else:
            write_text_atomic(path, nbformat.writes(nbformat.from_dict(wanted), version=4))
            print(f"{rel}: launch cells for {repo}@{branch} (rebuild the Chinese edition: "
                  "scripts/build_zh.py)")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
