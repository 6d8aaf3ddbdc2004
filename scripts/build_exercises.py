"""Build each lesson's exercise section and its solutions notebook from one source.

The source of lesson ``NN_name`` is ``notebooks/exercises/NN_name.ipynb``, an unexecuted notebook whose
cells are tagged the way course pipelines (nbgrader, otter-grader, Jupyter Book) tag them:

* no tag          — in both: the statement of an exercise;
* ``lesson``      — only in the lesson: the "## Exercises" heading, the stub a student fills in;
* ``solution``    — only in the solutions notebook: its title, imports, worked answers and explanations.

The lesson keeps every cell before its "## Exercises" heading; from there on it is the source's
untagged and ``lesson`` cells. The solutions notebook ``notebooks/solutions/NN_name_solutions.ipynb`` is
the source's untagged and ``solution`` cells. A cell that is unchanged (same id and source) keeps its
stored outputs; a new or edited one has none until the notebook is executed again
(``scripts/execute_notebooks.py``). ``tests/notebooks/test_exercise_sources.py`` fails when a generated
file is out of date with its source.

    python scripts/build_exercises.py            # rebuild every lesson's exercises and solutions
    python scripts/build_exercises.py --check    # list what is out of date; exit 1 if anything is
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path

from rnnlab.files import write_text_atomic

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SOURCES = NOTEBOOKS / "exercises"
TAGS = {"lesson", "solution"}
HEADING = "## Exercises"


def source_text(cell) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def load(path: Path) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def dump(nb: dict) -> str:
    """The text nbformat writes (sources split into lines, keys sorted): executing a notebook
    and rebuilding it then give the same file."""
    import nbformat

    return nbformat.writes(nbformat.from_dict(nb), version=4)


def write_atomic(path: Path, text: str) -> None:
    write_text_atomic(path, text)


def lesson_path(source: Path) -> Path:
    return source.parent.parent / source.name   # notebooks/exercises/X.ipynb -> notebooks/X.ipynb


def solutions_path(source: Path) -> Path:
    return source.parent.parent / "solutions" / f"{source.stem}_solutions.ipynb"


def validate(source: Path, nb: dict) -> None:
    """Refuse a source the build would turn into a wrong notebook, naming the cell."""
    cells = nb["cells"]
    for i, cell in enumerate(cells):
        unknown = {t for t in tags(cell) if t.startswith(("lesson", "solution")) and t not in TAGS}  # typos
        if unknown:
            raise ValueError(f"{source.name}: cell {i} ({cell.get('id')}) has tag(s) {sorted(unknown)}; "
                             f"allowed: {sorted(TAGS)} or none")
        if tags(cell) >= TAGS:
            raise ValueError(f"{source.name}: cell {i} ({cell.get('id')}) is tagged both 'lesson' and "
                             "'solution'; leave it untagged to put it in both")
        if cell.get("outputs") or cell.get("execution_count"):
            raise ValueError(f"{source.name}: cell {i} ({cell.get('id')}) has outputs; sources are "
                             "stored unexecuted (clear its outputs)")
    lesson = [c for c in cells if "solution" not in tags(c)]
    if not lesson or not source_text(lesson[0]).startswith(HEADING):
        raise ValueError(f"{source.name}: the first cell in the lesson must start with {HEADING!r}")
    solution = [c for c in cells if "lesson" not in tags(c)]
    if not solution or not source_text(solution[0]).startswith("# "):
        raise ValueError(f"{source.name}: the first cell of the solutions notebook must be its "
                         "'# ' title (tag it 'solution')")
    ids = [c.get("id") for c in cells]
    if None in ids or len(set(ids)) != len(ids):
        raise ValueError(f"{source.name}: every cell needs a unique id")


def _clean(cell) -> dict:
    """A source cell as it appears in a built notebook: no build tags, no outputs yet."""
    out = copy.deepcopy(cell)
    kept = [t for t in out["metadata"].get("tags", []) if t not in TAGS]
    if kept:
        out["metadata"]["tags"] = kept
    else:
        out["metadata"].pop("tags", None)
    if out["cell_type"] == "code":
        out["outputs"], out["execution_count"] = [], None
    return out


def _keep_outputs(new_cells: list[dict], old_cells: list[dict]) -> list[dict]:
    """Reuse the stored outputs of cells whose id and source did not change."""
    old = {c.get("id"): c for c in old_cells}
    for cell in new_cells:
        prev = old.get(cell["id"])
        if cell["cell_type"] == "code" and prev is not None and prev["cell_type"] == "code" \
                and source_text(prev) == source_text(cell):
            cell["outputs"] = copy.deepcopy(prev.get("outputs", []))
            cell["execution_count"] = prev.get("execution_count")
    return new_cells


def exercise_start(lesson: dict, path: Path) -> int:
    starts = [i for i, c in enumerate(lesson["cells"])
              if c["cell_type"] == "markdown" and source_text(c).startswith(HEADING)]
    if not starts:
        raise ValueError(f"{path.name}: no cell starting with {HEADING!r} (where the exercises begin)")
    return starts[-1]


def build(source: Path) -> dict[Path, dict]:
    """The lesson and solutions notebooks the source makes, keyed by path."""
    src = load(source)
    validate(source, src)
    lesson_file, solutions_file = lesson_path(source), solutions_path(source)
    lesson = load(lesson_file)
    start = exercise_start(lesson, lesson_file)
    section = [_clean(c) for c in src["cells"] if "solution" not in tags(c)]
    lesson_nb = copy.deepcopy(lesson)
    lesson_nb["cells"] = lesson["cells"][:start] + _keep_outputs(section, lesson["cells"][start:])

    old_solutions = load(solutions_file)["cells"] if solutions_file.exists() else []
    solutions_nb = {"cells": _keep_outputs([_clean(c) for c in src["cells"] if "lesson" not in tags(c)],
                                           old_solutions),
                    "metadata": copy.deepcopy(lesson["metadata"]),
                    "nbformat": lesson["nbformat"], "nbformat_minor": lesson["nbformat_minor"]}
    return {lesson_file: lesson_nb, solutions_file: solutions_nb}


def structure(nb: dict) -> list[tuple]:
    """What the build decides about a notebook: cell types, ids, sources and metadata (not outputs)."""
    return [(c["cell_type"], c.get("id"), source_text(c), json.dumps(c.get("metadata", {}), sort_keys=True))
            for c in nb["cells"]]


def stale(source: Path) -> list[str]:
    """Lines naming each generated file whose cells differ from what the source makes."""
    problems = []
    for path, want in build(source).items():
        have = load(path) if path.exists() else {"cells": []}
        a, b = structure(have), structure(want)
        if a != b:
            where = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            problems.append(f"{_show(path)}: out of date with {_show(source)} from cell {where} "
                            "(run: python scripts/build_exercises.py, then execute the notebook)")
    return problems


def _show(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def all_sources(folder: Path = SOURCES) -> list[Path]:
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report out-of-date files; change nothing")
    parser.add_argument("sources", nargs="*", type=Path, help="sources to build (default: all)")
    args = parser.parse_args(argv)
    sources = [p.resolve() for p in args.sources] or all_sources()
    if args.check:
        problems = [line for s in sources for line in stale(s)]
        print("\n".join(problems) or f"all {len(sources)} exercise sources are built")
        return 1 if problems else 0
    for s in sources:
        for path, nb in build(s).items():
            text = dump(nb)
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                write_atomic(path, text)
                print(f"wrote {_show(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
