"""Exercises and solutions come from one source (notebooks/exercises/); answers pass their checkers."""

import copy
import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("build_exercises", ROOT / "scripts" / "build_exercises.py")
build_exercises = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_exercises)

SOURCES = build_exercises.all_sources()
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHECK_CALL = re.compile(r"\b(check_\w+)\(")


def ids(paths):
    return [p.stem for p in paths]


def outputs_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append("".join(out["text"]))
        data = out.get("data", {})
        for kind in ("text/markdown", "text/plain"):
            if kind in data:
                parts.append("".join(data[kind]))
                break
    return "\n".join(parts)


def checked_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code" and CHECK_CALL.search(
        build_exercises.source_text(c))]


def test_every_lesson_has_an_exercise_source():
    assert [p.name for p in SOURCES] == [p.name for p in LESSONS]


@pytest.mark.parametrize("source", SOURCES, ids=ids(SOURCES))
def test_generated_lesson_and_solutions_are_up_to_date(source):
    assert build_exercises.stale(source) == []


@pytest.mark.parametrize("source", SOURCES, ids=ids(SOURCES))
def test_reference_answers_pass_their_checkers_and_stubs_do_not(source):
    """nbval re-runs the solutions and compares with these stored outputs, so a ✅ here is re-earned."""
    built = build_exercises.build(source)
    lesson_nb, solutions_nb = (built[build_exercises.lesson_path(source)],
                               built[build_exercises.solutions_path(source)])
    solved = checked_cells(solutions_nb)
    assert solved, "every lesson has at least one checked exercise with a reference answer"
    for cell in solved:
        text, src = outputs_text(cell), build_exercises.source_text(cell)
        tags = cell.get("metadata", {}).get("tags", [])
        assert "NBVAL_IGNORE_OUTPUT" not in src and "NBVAL_SKIP" not in src, \
            f"{cell['id']}: nbval must compare a checker's verdict"
        assert not {"nbval-ignore-output", "nbval-skip"} & set(tags), \
            f"{cell['id']}: nbval must compare a checker's verdict"
        assert "✅" in text and "❌" not in text, f"reference answer {cell['id']} fails its checker: {text!r}"
    stubs = [c for c in checked_cells(lesson_nb)]
    for cell in stubs:
        assert "❌" in outputs_text(cell), f"stub {cell['id']} passes its checker before a student answers"
    used = {name for c in stubs for name in CHECK_CALL.findall(build_exercises.source_text(c))}
    answered = {name for c in solved for name in CHECK_CALL.findall(build_exercises.source_text(c))}
    assert used <= answered, f"checked exercises without a reference answer: {sorted(used - answered)}"


@pytest.fixture
def notebooks_copy(tmp_path):
    """A copy of notebooks/ (lesson 04, its solutions and its source) to edit."""
    root = tmp_path / "notebooks"
    for rel in ("04_rnn_from_scratch.ipynb", "solutions/04_rnn_from_scratch_solutions.ipynb",
                "exercises/04_rnn_from_scratch.ipynb"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "notebooks" / rel, root / rel)
    return root


def edit(path: Path, change):
    nb = json.loads(path.read_text(encoding="utf-8"))
    change(nb)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def solution_cell(nb):
    return next(c for c in nb["cells"] if "solution" in c["metadata"].get("tags", [])
                and c["cell_type"] == "code" and "check_predict" in build_exercises.source_text(c))


def test_an_edited_source_makes_both_notebooks_stale_until_rebuilt(notebooks_copy):
    source = notebooks_copy / "exercises" / "04_rnn_from_scratch.ipynb"
    assert build_exercises.stale(source) == []

    def change(nb):
        solution_cell(nb)["source"] = "# a better answer\n" + build_exercises.source_text(solution_cell(nb))
        stub = next(c for c in nb["cells"] if "lesson" in c["metadata"].get("tags", [])
                    and "check_predict" in build_exercises.source_text(c))
        stub["source"] = "# a clearer stub\n" + build_exercises.source_text(stub)

    edit(source, change)
    problems = build_exercises.stale(source)
    assert len(problems) == 2
    assert any("04_rnn_from_scratch_solutions.ipynb: out of date" in p for p in problems)
    assert any(p.startswith(str(notebooks_copy / "04_rnn_from_scratch.ipynb")) for p in problems)
    assert build_exercises.main([str(source)]) == 0
    assert build_exercises.stale(source) == []
    rebuilt = json.loads((notebooks_copy / "solutions" / "04_rnn_from_scratch_solutions.ipynb").read_text())
    edited = next(c for c in rebuilt["cells"] if "a better answer" in build_exercises.source_text(c))
    assert edited["outputs"] == [] and edited["execution_count"] is None, "an edited cell awaits execution"
    kept = next(c for c in rebuilt["cells"] if "check_num_params" in build_exercises.source_text(c))
    assert "✅" in outputs_text(kept), "an unchanged cell keeps its stored outputs"
    assert "tags" not in kept["metadata"], "the build tags stay in the source"


def test_editing_a_generated_notebook_is_reported(notebooks_copy):
    source = notebooks_copy / "exercises" / "04_rnn_from_scratch.ipynb"
    edit(notebooks_copy / "solutions" / "04_rnn_from_scratch_solutions.ipynb",
         lambda nb: nb["cells"][-1].__setitem__("source", "edited by hand"))
    assert build_exercises.main(["--check", str(source)]) == 1
    (problem,) = build_exercises.stale(source)
    assert "04_rnn_from_scratch_solutions.ipynb: out of date" in problem


@pytest.mark.parametrize("breakage, message", [
    (lambda nb: nb["cells"][0]["metadata"].__setitem__("tags", ["lesson", "solution"]), "both"),
    (lambda nb: nb["cells"][0]["metadata"].__setitem__("tags", ["solutions"]), "allowed"),
    (lambda nb: nb["cells"][0].__setitem__("source", "## Exercise\n"), "must start with '## Exercises'"),
    (lambda nb: nb["cells"][1].__setitem__("source", "no title"), "'# ' title"),
    (lambda nb: nb["cells"][2].__setitem__("outputs", [{"output_type": "stream", "name": "stdout",
                                                        "text": "x"}]), "unexecuted"),
    (lambda nb: nb["cells"][3].__setitem__("id", nb["cells"][2]["id"]), "unique id"),
])
def test_a_broken_source_is_refused_naming_the_cell(notebooks_copy, breakage, message):
    source = notebooks_copy / "exercises" / "04_rnn_from_scratch.ipynb"
    nb = json.loads(source.read_text(encoding="utf-8"))
    assert build_exercises.source_text(nb["cells"][0]).startswith("## Exercises")
    assert "solution" in nb["cells"][1]["metadata"]["tags"] and nb["cells"][2]["cell_type"] == "code"
    broken = copy.deepcopy(nb)
    breakage(broken)
    source.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)):
        build_exercises.build(source)
