"""scripts/export_nbgrader.py: the checked exercises as an nbgrader assignment, graded for real.

Every lesson exports: one answer cell (nbgrader ``solution``) and one read-only test cell
(``grade``, 1 point) per exercise whose lesson cell calls a checker, the rest read-only.
Lesson 00's assignment then goes through nbgrader itself, in a temporary course folder:
``generate_assignment`` (the students' version: the worked answers replaced by nbgrader's stub),
two submissions, ``autograde``: the worked solutions' answers score full points, the lesson's
starting code (its wrong placeholder answers) scores zero.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import export_nbgrader  # noqa: E402

SOURCES = sorted((ROOT / "notebooks" / "exercises").glob("[0-9][0-9]_*.ipynb"))


def meta(cell: dict) -> dict:
    return cell["metadata"]["nbgrader"]


@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_every_lesson_exports_graded_exercises(path):
    nb = export_nbgrader.export(path)
    nbformat.validate(nbformat.from_dict(nb))
    cells = nb["cells"]
    ids = [meta(c)["grade_id"] for c in cells]
    assert len(ids) == len(set(ids)), "grade ids are unique"
    tests = [i for i, c in enumerate(cells) if meta(c)["grade"]]
    assert len(tests) >= 2
    module = __import__(f"rnnlab.course.exercises.nb{path.name[:2]}", fromlist=["_"])
    for i in tests:
        test, answer = cells[i], cells[i - 1]
        assert meta(test) == {"grade": True, "grade_id": meta(test)["grade_id"], "locked": True, "points": 1,
                              "schema_version": 3, "solution": False, "task": False}
        assert meta(answer)["solution"] and not meta(answer)["locked"]
        assert answer["source"].startswith("### BEGIN SOLUTION\n")
        assert answer["source"].endswith("\n### END SOLUTION")
        names = re.search(r"n\.func\.id in (\{[^}]*\})", test["source"]).group(1)
        for name in eval(names):  # the checkers the test calls exist in the lesson's module
            assert callable(getattr(module, name)), name
    for cell in cells:
        if not (meta(cell)["grade"] or meta(cell)["solution"]):
            assert meta(cell)["locked"], cell["source"][:80]


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def submission(release: dict, source: dict, right: bool) -> dict:
    """A student's notebook: the worked answers (right) or the lesson's starting code (wrong)."""
    by_id = {meta(c)["grade_id"]: c for c in source["cells"]}
    nb = json.loads(json.dumps(release))
    for cell in nb["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            if right:
                text = re.sub(r"### (BEGIN|END) SOLUTION\n?", "", "".join(by_id[grade_id]["source"]))
            else:
                hint = "".join(by_id[grade_id.removesuffix("-answer") + "-hint"]["source"])
                text = hint.split("```python\n", 1)[1].rsplit("\n```", 1)[0]
            cell["source"] = text
    return nb


@pytest.mark.slow  # starts a process
def test_nbgrader_grades_a_right_and_a_wrong_submission(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'rnnlab'\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{course}/gradebook.db'\n")
    export = [sys.executable, str(ROOT / "scripts" / "export_nbgrader.py"), "--course", str(course), "00"]
    done = subprocess.run(export, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    name = SOURCES[0].name
    nbgrader(course, "generate_assignment", "lesson00", "--force")
    release = json.loads((course / "release" / "lesson00" / name).read_text())
    answers = [c for c in release["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
    assert answers and all("raise NotImplementedError()" in "".join(c["source"]) for c in answers)
    source = json.loads((course / "source" / "lesson00" / name).read_text())
    for student, right in (("right", True), ("wrong", False)):
        folder = course / "submitted" / student / "lesson00"
        folder.mkdir(parents=True)
        (folder / name).write_text(json.dumps(submission(release, source, right)))
    nbgrader(course, "autograde", "lesson00", "--force", "--create")
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course}/gradebook.db") as gradebook:
        scores = {s: (gradebook.find_submission("lesson00", s).score,
                      gradebook.find_submission("lesson00", s).max_score) for s in ("right", "wrong")}
    assert scores == {"right": (2.0, 2.0), "wrong": (0.0, 2.0)}
