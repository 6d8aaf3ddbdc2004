"""Export a lesson's checked exercises as an nbgrader assignment (the instructor's "source" version).

    python scripts/export_nbgrader.py --course COURSE_DIR [NN ...]      # default: every lesson

writes ``COURSE_DIR/source/lessonNN/NN_topic.ipynb`` from ``notebooks/exercises/NN_topic.ipynb``
(the one source of the exercises, see CONTRIBUTING.md), in nbgrader's cell metadata (schema 3):

* the cells before the first exercise, as the worked solutions have them (title, imports,
  ``rnnlab.notebook.setup``): read-only cells (``locked``);
* each exercise's text: read-only;
* an exercise that a checker marks (its lesson cell calls ``check_...``): the lesson's code as a
  hint, an answer cell (``solution``) holding the worked solution's code between
  ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (``nbgrader generate_assignment`` replaces it with
  its code stub for the students), and a hidden, read-only test cell (``grade``, 1 point) that runs
  the same checkers again on what the answer cell called them with, in the kernel;
* an exercise without a checker: its text only, marked "not graded automatically".

Then, in COURSE_DIR: ``nbgrader generate_assignment lessonNN``, hand out ``release/``, collect
into ``submitted/STUDENT/lessonNN/``, and ``nbgrader autograde lessonNN``.
``tests/tooling/test_nbgrader_export.py`` grades a right and a wrong submission that way.
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

EXERCISES = ROOT / "notebooks" / "exercises"
CHECK_CALL = re.compile(r"\b(check_\w+)\s*\(")
EXERCISE_TEXT = re.compile(r"^\s*(\d+)\.\s")
SCHEMA = 3

# The test cell: the checkers the answer cell called, called again with the same arguments in
# the kernel (IPython keeps each executed cell's source in `In`; the answer cell ran just before).
TEST_CELL = '''\
# Grading (read-only): the checkers the answer cell above called, called again on its answers.
import ast as _ast
_answer = _ast.parse(In[-2])
_calls = [n for n in _ast.walk(_answer) if isinstance(n, _ast.Call) and isinstance(n.func, _ast.Name)
          and n.func.id in {names!r}]
assert _calls, "call {shown} with your answer in the cell above"
for _call in _calls:
    _feedback = eval(compile(_ast.Expression(_call), "<answer>", "eval"))
    assert _feedback.ok, str(_feedback)'''


def tags(cell: dict) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def source(cell: dict) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def nbgrader_meta(grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False,
                  points: int | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": SCHEMA,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def new_cell(kind: str, text: str, meta: dict) -> dict:
    cell = {"cell_type": kind, "metadata": {"nbgrader": meta}, "source": text}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def split_exercises(cells: list[dict]) -> tuple[list[dict], list[list[dict]]]:
    """The cells before the first exercise, and each exercise's cells (its text first)."""
    preamble, exercises = [], []
    for cell in cells:
        starts = cell["cell_type"] == "markdown" and not tags(cell) and EXERCISE_TEXT.match(source(cell))
        if starts:
            exercises.append([cell])
        elif exercises:
            exercises[-1].append(cell)
        else:
            preamble.append(cell)
    return preamble, exercises


def export(path: Path) -> dict:
    nb = json.loads(path.read_text(encoding="utf-8"))
    number = path.name[:2]
    preamble, exercises = split_exercises(nb["cells"])
    out = []
    for i, cell in enumerate(c for c in preamble if "lesson" not in tags(c)):
        out.append(new_cell(cell["cell_type"], source(cell), nbgrader_meta(f"setup-{i}", locked=True)))
    for exercise in exercises:
        text = exercise[0]
        k = EXERCISE_TEXT.match(source(text)).group(1)
        lesson_code = [c for c in exercise if c["cell_type"] == "code" and "lesson" in tags(c)]
        checkers = sorted({name for c in lesson_code for name in CHECK_CALL.findall(source(c))})
        solution_code = [source(c) for c in exercise if c["cell_type"] == "code" and "solution" in tags(c)]
        if not checkers:
            out.append(new_cell("markdown", source(text).rstrip() + "\n\n*(Not graded automatically.)*",
                                nbgrader_meta(f"exercise-{k}", locked=True)))
            continue
        out.append(new_cell("markdown", source(text), nbgrader_meta(f"exercise-{k}", locked=True)))
        hint = "Start from the lesson's code, and check your answer with the checker:\n\n```python\n" + \
            "\n\n".join(source(c).strip() for c in lesson_code) + "\n```"
        out.append(new_cell("markdown", hint, nbgrader_meta(f"exercise-{k}-hint", locked=True)))
        answer = "### BEGIN SOLUTION\n" + "\n\n".join(s.strip() for s in solution_code) + "\n### END SOLUTION"
        out.append(new_cell("code", answer, nbgrader_meta(f"exercise-{k}-answer", solution=True)))
        test = TEST_CELL.format(names=set(checkers), shown=" / ".join(f"{n}(...)" for n in checkers))
        out.append(new_cell("code", test, nbgrader_meta(f"exercise-{k}-test", grade=True, locked=True,
                                                          points=1)))
    metadata = copy.deepcopy(nb.get("metadata", {}))
    metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})
    metadata.setdefault("language_info", {"name": "python"})
    metadata["rnnlab"] = {"exported_from": f"notebooks/exercises/{path.name}", "lesson": number}
    return {"cells": out, "metadata": metadata, "nbformat": 4, "nbformat_minor": 4}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*", help="two-digit lesson numbers (default: all)")
    parser.add_argument("--course", type=Path, required=True, help="the nbgrader course folder")
    args = parser.parse_args(argv)
    sources = sorted(EXERCISES.glob("[0-9][0-9]_*.ipynb"))
    known = {p.name[:2]: p for p in sources}
    wanted = args.lessons or list(known)
    unknown = [n for n in wanted if n not in known]
    if unknown:
        parser.error(f"lessons must be among {' '.join(known)}; got {' '.join(unknown)}")
    for n in wanted:
        path = known[n]
        nb = export(path)
        target = args.course / "source" / f"lesson{n}" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(target, json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        graded = sum(c["metadata"]["nbgrader"]["grade"] for c in nb["cells"])
        print(f"{target}: {graded} graded exercises")
    return 0


if __name__ == "__main__":
    sys.exit(main())
