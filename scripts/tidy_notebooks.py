"""Put the notebooks' test scaffolding out of a student's sight, without losing any of it.

    python scripts/tidy_notebooks.py [--check] NOTEBOOK.ipynb ...

Two things, both idempotent (a second run changes nothing):

1. nbval's comment markers (a line ``# NBVAL_IGNORE_OUTPUT``, ``# NBVAL_SKIP``,
   ``# NBVAL_CHECK_OUTPUT``, ``# NBVAL_RAISES_EXCEPTION``) become the cell tags nbval reads
   as the same thing (``nbval-ignore-output``, ``nbval-skip``, ``nbval-check-output``,
   ``nbval-raises-exception``); the comment line goes.
2. The claim-checking asserts stay (they are the course's honesty) but in a cell of their own,
   tagged ``check``: JupyterLab shows its code collapsed (``metadata.jupyter.source_hidden``),
   the slideshow skips it (``metadata.slideshow.slide_type = "skip"``) and the book shows it
   behind a "checks" toggle. A cell made only of asserts is tagged as it is; a cell that ends
   with asserts is split in two: the asserts (and the comments right above them) move into a
   new cell just after it, with the id ``<id>-check``, so the English and Chinese editions split
   alike. The outputs stay with the first cell: an assert prints nothing. A cell is not split
   where that would change what it shows: when the statement left last would become a
   displayed expression (a bare value, not a ``print(...)`` call).

Cells from the ``## Exercises`` (``## 练习``) heading on are left alone: they are built from
``notebooks/exercises/`` by ``scripts/build_exercises.py``. Code cells that are not plain
Python (IPython magics) are left alone too.

``--check`` changes nothing and exits 1 naming each notebook that a run would change.
After a run, re-execute the notebooks (``scripts/execute_notebooks.py``, ``scripts/build_zh.py
--execute``) so that execution counts follow the new cells.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rnnlab.files import write_text_atomic  # noqa: E402

MARKERS = {"NBVAL_IGNORE_OUTPUT": "nbval-ignore-output",
           "PYTEST_VALIDATE_IGNORE_OUTPUT": "nbval-ignore-output",
           "NBVAL_CHECK_OUTPUT": "nbval-check-output", "NBVAL_RAISES_EXCEPTION": "nbval-raises-exception",
           "NBVAL_SKIP": "nbval-skip"}
CHECK_TAG = "check"
EXERCISES = re.compile(r"^##\s+(Exercises|练习)\s*$", re.M)


def source_text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def set_source(cell: dict, text: str) -> None:
    cell["source"] = text.splitlines(keepends=True)


def add_tag(cell: dict, tag: str) -> None:
    tags = cell.setdefault("metadata", {}).setdefault("tags", [])
    if tag not in tags:
        tags.append(tag)


def hide_as_check(cell: dict) -> None:
    add_tag(cell, CHECK_TAG)
    meta = cell["metadata"]
    meta.setdefault("jupyter", {})["source_hidden"] = True
    meta.setdefault("slideshow", {})["slide_type"] = "skip"


def move_markers_to_tags(cell: dict) -> bool:
    lines = source_text(cell).splitlines(keepends=True)
    kept, found = [], []
    for line in lines:
        comment = line.strip().lstrip("#").strip() if line.strip().startswith("#") else None
        if comment in MARKERS:
            found.append(MARKERS[comment])
        else:
            kept.append(line)
    for tag in found:
        add_tag(cell, tag)
    if found:
        set_source(cell, "".join(kept).lstrip("\n"))
    return bool(found)


def _is_displayed(statement: ast.stmt) -> bool:
    """Would this statement, left last in a cell, show its value? A bare value would; print() would not."""
    if not isinstance(statement, ast.Expr):
        return False
    call = statement.value
    return not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "print")


def split_checks(cell: dict) -> dict | None:
    """Tag a cell of asserts only, or split trailing asserts off into a new check cell (returned)."""
    if CHECK_TAG in cell.get("metadata", {}).get("tags", []):
        return None
    text = source_text(cell)
    try:
        body = ast.parse(text).body
    except SyntaxError:  # IPython magics: not plain Python, left alone
        return None
    if not body or not isinstance(body[-1], ast.Assert):
        return None
    first = len(body)
    while first > 0 and isinstance(body[first - 1], ast.Assert):
        first -= 1
    if first == 0:
        hide_as_check(cell)
        return None
    if _is_displayed(body[first - 1]):
        return None
    lines = text.splitlines(keepends=True)
    start = body[first].lineno - 1
    while start > body[first - 1].end_lineno and (not lines[start - 1].strip()
                                                  or lines[start - 1].lstrip().startswith("#")):
        start -= 1  # the comments (and blank lines) just above the asserts go with them
    head, tail = "".join(lines[:start]).rstrip() + "\n", "".join(lines[start:]).strip("\n") + "\n"
    set_source(cell, head.rstrip("\n"))
    check = {"cell_type": "code", "execution_count": None, "id": f"{cell.get('id', 'cell')}-check"[:64],
             "metadata": {}, "outputs": [], "source": []}
    set_source(check, tail.rstrip("\n"))
    hide_as_check(check)
    return check


def tidy(nb: dict) -> dict:
    nb = copy.deepcopy(nb)
    cells = []
    in_exercises = False
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and EXERCISES.search(source_text(cell)):
            in_exercises = True
        cells.append(cell)
        if in_exercises or cell["cell_type"] != "code":
            continue
        move_markers_to_tags(cell)
        check = split_checks(cell)
        if check is not None:
            cells.append(check)
    ids = [c.get("id") for c in cells]
    duplicated = sorted({i for i in ids if i is not None and ids.count(i) > 1})
    if duplicated:
        raise ValueError(f"tidy_notebooks: the split would repeat the cell ids {duplicated}")
    nb["cells"] = cells
    return nb


def dumps(nb: dict) -> str:
    """The text nbformat writes, as scripts/execute_notebooks.py does (validated on the way)."""
    import nbformat

    return nbformat.writes(nbformat.from_dict(nb), version=4)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a run would")
    args = parser.parse_args(argv)
    stale = []
    for path in args.notebooks:
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
            cells = nb["cells"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            parser.error(f"{path}: not a readable notebook ({type(exc).__name__}: {exc})")
        tidied = tidy(nb)
        if tidied == nb:
            continue
        stale.append(path)
        added = len(tidied["cells"]) - len(cells)
        if args.check:
            print(f"{path}: would be tidied ({added} check cells split off)")
        else:
            write_text_atomic(path, dumps(tidied))
            print(f"{path}: tidied ({added} check cells split off)")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
