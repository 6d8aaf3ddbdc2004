"""scripts/lesson_budget.py counts a lesson's main path; lesson 04 keeps within the guide."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("lesson_budget", ROOT / "scripts" / "lesson_budget.py")
lesson_budget = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lesson_budget)


def test_going_further_cells_do_not_count(tmp_path):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["one two\n", "three"]},
             {"cell_type": "code", "metadata": {}, "source": "x = 1  # not words"},
             {"cell_type": "markdown", "metadata": {"tags": ["going-further"]}, "source": "a b c d"}]
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    assert lesson_budget.budget(str(path)) == (2, 3, 1)


def test_lesson_04_main_path_is_within_the_guide():
    cells, words, extra = lesson_budget.budget(str(ROOT / "notebooks" / "04_rnn_from_scratch.ipynb"))
    assert cells <= 60 and words <= 2_600 and extra > 0
