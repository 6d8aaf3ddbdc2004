"""scripts/lesson_budget.py counts a lesson's main path; every lesson keeps within the guide
(at most 60 cells and 2,600 words of markdown: a 50-minute path)."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("lesson_budget", ROOT / "scripts" / "lesson_budget.py")
lesson_budget = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lesson_budget)


def test_going_further_cells_do_not_count(tmp_path):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["one two\n", "three"]},
             {"cell_type": "code", "metadata": {}, "source": "x = 1  # not words"},
             {"cell_type": "markdown", "metadata": {"tags": ["going-further"]}, "source": "a b c d"},
             {"cell_type": "code", "metadata": {"tags": ["check"]}, "source": "assert x == 1"}]
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    assert lesson_budget.budget(str(path)) == (2, 3, 1)


LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_there_are_nine_lessons():
    assert len(LESSONS) == 9


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name[:2])
def test_every_lesson_main_path_is_within_the_guide(lesson):
    cells, words, _ = lesson_budget.budget(str(lesson))
    assert cells <= 60 and words <= 2_600, f"{lesson.name}: {cells} cells, {words} words"


def test_lesson_04_keeps_its_extras_apart():
    assert lesson_budget.budget(str(ROOT / "notebooks" / "04_rnn_from_scratch.ipynb"))[2] > 0
