"""Ways into the course without installing: Binder and Colab links, and the Colab set-up cell.

    python scripts/launch_links.py --repo OWNER/NAME [--branch main] [--check] README.md
    python scripts/launch_links.py --repo OWNER/NAME --colab-cell            # print the cell
    python scripts/launch_links.py --repo OWNER/NAME --insert-colab-cell notebooks/0*.ipynb \
        notebooks/zh/0*.ipynb

The first form rewrites README's launch table (between ``<!-- launch-links ... -->`` and
``<!-- /launch-links -->``) for the repository that hosts the course; ``--check`` changes nothing
and exits 1 when the table is not the one this script writes (tests/tooling/test_launch_links.py).
The book (``./book.sh --repo OWNER/NAME``) builds the same links on every page.

Colab opens a notebook straight from GitHub, without the rest of the repository, so a lesson's first
code cell installs ``rnnlab`` from the repository when it is missing there, and says so; anywhere
else (``./course.sh``, Binder, a lab machine) rnnlab is installed and the cell does nothing.
``--insert-colab-cell`` puts that cell (id ``colab-setup``, tag ``colab-setup``, skipped by the
slideshow) right after each notebook's title cell, or replaces the one already there.
"""

from __future__ import annotations

import argparse
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

COLAB_CELL = '''\
# On Colab: install rnnlab, the course's package, from its repository when it is missing.
# (Anywhere else the course is installed already, and this cell does nothing.)
import importlib.util, subprocess, sys
if "google.colab" in sys.modules and importlib.util.find_spec("rnnlab") is None:
    print("Colab: installing rnnlab from https://github.com/{repo} ({branch}), about a minute ...")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "rnnlab @ git+https://github.com/{repo}@{branch}"], check=True)
    importlib.invalidate_caches()
    print("Colab: rnnlab is installed.")'''


def binder_url(repo: str, branch: str, path: str) -> str:
    return f"https://mybinder.org/v2/gh/{repo}/{branch}?urlpath=lab/tree/{path}"


def colab_url(repo: str, branch: str, path: str) -> str:
    return f"https://colab.research.google.com/github/{repo}/blob/{branch}/{path}"


def colab_cell(repo: str, branch: str = "main") -> str:
    return COLAB_CELL.format(repo=repo, branch=branch)


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


def insert_colab_cell(nb: dict, repo: str, branch: str) -> dict:
    cell = {"cell_type": "code", "execution_count": None, "id": CELL_ID, "outputs": [],
            "metadata": {"tags": [CELL_ID], "slideshow": {"slide_type": "skip"}},
            "source": colab_cell(repo, branch).splitlines(keepends=True)}
    cells = [c for c in nb["cells"] if c.get("id") != CELL_ID]
    at = 1 if cells and cells[0]["cell_type"] == "markdown" else 0
    nb = {**nb, "cells": cells[:at] + [cell] + cells[at:]}
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="README.md, or notebooks for --insert-colab-cell")
    parser.add_argument("--repo", help="OWNER/NAME on GitHub (default for README: the one its block names)")
    parser.add_argument("--branch", help="the branch the links open (default: main, or the block's)")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if the README's block differs")
    parser.add_argument("--colab-cell", action="store_true", help="print the Colab set-up cell")
    parser.add_argument("--insert-colab-cell", action="store_true",
                        help="put the Colab cell into the notebooks")
    args = parser.parse_args(argv)
    if args.repo is not None and not REPO_PATTERN.match(args.repo):
        parser.error(f"--repo must look like OWNER/NAME, got {args.repo!r}")
    if args.branch is not None and not re.fullmatch(r"[A-Za-z0-9_./-]+", args.branch):
        parser.error(f"--branch must be a branch name, got {args.branch!r}")
    if args.colab_cell or args.insert_colab_cell:
        if args.repo is None:
            parser.error("--colab-cell and --insert-colab-cell need --repo OWNER/NAME")
        if args.colab_cell:
            print(colab_cell(args.repo, args.branch or "main"))
        for path in args.files if args.insert_colab_cell else []:
            import nbformat

            nb = json.loads(path.read_text(encoding="utf-8"))
            nb = insert_colab_cell(nb, args.repo, args.branch or "main")
            write_text_atomic(path, nbformat.writes(nbformat.from_dict(nb), version=4))
            print(f"{path}: Colab set-up cell in place")
        return 0
    stale = 0
    for path in args.files or [ROOT / "README.md"]:
        text = path.read_text(encoding="utf-8")
        try:
            new = update_readme(text, args.repo, args.branch)
        except ValueError as exc:
            parser.error(f"{path}: {exc}")
        if new != text:
            stale += 1
            if args.check:
                print(f"{path}: the launch links are not the ones scripts/launch_links.py writes")
            else:
                write_text_atomic(path, new)
                print(f"{path}: launch links written")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
