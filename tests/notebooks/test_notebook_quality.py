"""Quality gates: the ways notebooks quietly rot, caught before a student meets them."""

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = sorted((NOTEBOOKS / "solutions").glob("*.ipynb"))
# The Chinese edition (built by scripts/build_zh.py) meets the same gates.
ZH_LESSONS = sorted((NOTEBOOKS / "zh").glob("[0-9][0-9]_*.ipynb"))
ZH_SOLUTIONS = sorted((NOTEBOOKS / "zh" / "solutions").glob("*.ipynb"))
ALL = LESSONS + SOLUTIONS + ZH_LESSONS + ZH_SOLUTIONS
EXERCISES_HEADING = r"^##\s+(Exercises|练习)"
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
MAX_BYTES = 1_500_000


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def ids(paths):
    return [p.relative_to(NOTEBOOKS).as_posix() for p in paths]


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def test_all_nine_lessons_exist_each_with_solutions():
    numbers = [p.name[:2] for p in LESSONS]
    assert numbers == [f"0{i}" for i in range(9)], f"lessons found: {[p.name for p in LESSONS]}"
    for lesson in LESSONS:
        solution = NOTEBOOKS / "solutions" / f"{lesson.stem}_solutions.ipynb"
        assert solution.is_file(), f"{lesson.name} has no worked solutions at {solution}"


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_executed_in_order_without_errors(path):
    nb = load(path)
    counts = [c.get("execution_count") for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), "execute top to bottom in a fresh kernel"
    errors = [o for c in code_cells(nb) for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors, f"stored error output: {errors[0].get('ename')}: {errors[0].get('evalue')}"


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_small_python3_no_widget_state_imports_rnnlab(path):
    nb = load(path)
    assert path.stat().st_size <= MAX_BYTES, f"{path.stat().st_size / 1e6:.2f} MB is over 1.5 MB"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert "widgets" not in nb["metadata"], "stored widget state bloats the file"
    source = "\n".join("".join(c["source"]) for c in code_cells(nb))
    assert re.search(r"^\s*(import rnnlab|from rnnlab)", source, re.M), "a lesson must use rnnlab"


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_slide_metadata_on_every_cell_and_a_title_slide_first(path):
    nb = load(path)
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown" and "".join(first["source"]).lstrip().startswith("# ")
    assert first["metadata"].get("slideshow", {}).get("slide_type") == "slide"
    for i, cell in enumerate(nb["cells"]):
        slide_type = cell["metadata"].get("slideshow", {}).get("slide_type")
        assert slide_type in SLIDE_TYPES, f"cell {i} has slide_type {slide_type!r}"


@pytest.mark.parametrize("path", LESSONS + ZH_LESSONS, ids=ids(LESSONS + ZH_LESSONS))
def test_lesson_ends_with_exercises_and_has_speaker_notes(path):
    nb = load(path)
    headings = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown"
                and re.search(EXERCISES_HEADING, "".join(c["source"]), re.M)]
    assert headings, "a lesson ends with an '## Exercises' section ('## 练习' in the Chinese edition)"
    exercises = "\n".join("".join(c["source"]) for c in nb["cells"][headings[-1]:]
                        if c["cell_type"] == "markdown")
    assert len(re.findall(r"^\s*\d+\.\s", exercises, re.M)) >= 3, "at least three exercises"
    assert "rnnlab.course.exercises" in "".join("".join(c["source"]) for c in nb["cells"]), \
        "at least one exercise has a checker"
    notes = [c for c in nb["cells"] if c["metadata"].get("slideshow", {}).get("slide_type") == "notes"]
    assert notes, "speaker notes for the instructor"


def test_readme_lists_exactly_the_lessons():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"\]\((notebooks/\d\d_[^)]+\.ipynb)\)", readme)
    assert sorted(set(listed)) == [p.relative_to(ROOT).as_posix() for p in LESSONS]


def _links(markdown: str):
    for target in re.findall(r"\]\(([^)\s]+)\)", markdown):
        if not re.match(r"^[a-z]+:", target) and not target.startswith("#"):
            yield unquote(target.split("#")[0])


DOCS = [ROOT / "README.md", ROOT / "README.zh-CN.md", ROOT / "CONTRIBUTING.md"] + ALL


@pytest.mark.parametrize("path", DOCS, ids=[p.relative_to(ROOT).as_posix() for p in DOCS])
def test_relative_links_resolve(path):
    if path.suffix == ".ipynb":
        text = "\n".join("".join(c["source"]) for c in load(path)["cells"] if c["cell_type"] == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    broken = [t for t in _links(text) if t and not (path.parent / t).exists()]
    assert not broken, f"broken relative links: {broken}"


def test_the_chinese_edition_has_the_english_file_names():
    english = {p.relative_to(NOTEBOOKS).as_posix() for p in LESSONS + SOLUTIONS}
    chinese = {p.relative_to(NOTEBOOKS / "zh").as_posix() for p in ZH_LESSONS + ZH_SOLUTIONS}
    assert chinese <= english, f"Chinese notebooks without an English one: {sorted(chinese - english)}"


def test_readme_zh_lists_every_chinese_lesson():
    readme = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"\]\((notebooks/zh/\d\d_[^)]+\.ipynb)\)", readme))
    assert listed == {f"notebooks/zh/{p.name}" for p in LESSONS}, \
        "README.zh-CN.md links each lesson's Chinese edition"
