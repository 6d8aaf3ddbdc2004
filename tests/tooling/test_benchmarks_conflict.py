"""Lesson 08's grid (benchmarks/conflict.py) on a tiny config: structure and bookkeeping, never timings."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import conflict  # noqa: E402
from rnnlab.course import lesson08  # noqa: E402

MICRO = {**conflict.TINY, "seeds": (0, 1), "lrs": {"sgd": (0.1, 0.3)}, "weights": (0.5, 1.0),
         "steps": 6, "stack": 64, "curvature_every": 3}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    cache = tmp_path_factory.mktemp("grid") / "runs.jsonl"
    return conflict.run(MICRO, workers=1, cache=cache), cache


def test_every_cell_is_tuned_then_run_on_every_seed(result):
    result, _ = result
    cells = conflict.cells(MICRO)
    assert len(result["cells"]) == len(cells)
    tune = [r for r in result["rows"] if r["phase"] == "tune"]
    final = [r for r in result["rows"] if r["phase"] == "final"]
    assert len(final) == len(cells) * len(MICRO["seeds"])
    # every cell tried every learning rate, and the weighted arm every weight too
    weighted = [r for r in tune if r["arm"] == "weighted"]
    assert len(weighted) == len(MICRO["lrs"]["sgd"]) * len(MICRO["weights"])
    best = conflict.choose(tune)
    for row in final:
        chosen = best[conflict.tuning_key(row)]
        assert (row["lr"], row["weight"]) == (chosen["lr"], chosen["weight"])
        assert conflict.score(chosen) == min(conflict.score(r) for r in tune
                                             if conflict.tuning_key(r) == conflict.tuning_key(row))


def test_aggregates_pair_by_seed_and_label_detach(result):
    result, _ = result
    by = {c["arm"]: c for c in result["cells"]}
    assert by["single_a"]["rel_a"] == [0.0, 0.0]     # the single-task model against itself
    assert by["single_b"]["rel_b"] == [0.0, 0.0]
    # the weighted arm with w = 1 is the plain sum: if tuning chose 1 (and the sum's lr),
    # it equals the sum seed by seed, on every quantity
    w = by["weighted"]
    if w["weight"] == 1.0 and w["lr"] == by["sum"]["lr"]:
        assert w["vs_sum_a"][0] == w["vs_sum_b"][0] == w["vs_sum_score"][0] == 0.0
    # detach on separate heads: task A sees only its own gradient, like task A alone
    if by["detach"]["lr"] == by["single_a"]["lr"]:
        assert by["detach"]["a_ppl"] == pytest.approx(by["single_a"]["a_ppl"])
    # PCGrad never takes a step that hurts either task to first order
    assert by["pcgrad"]["taken_harm_a"][0] == by["pcgrad"]["taken_harm_b"][0] == 0
    text = conflict.markdown(result)
    assert "0 (by construction)" in text and "harm A (taken)" in text
    rows = [line for line in text.splitlines() if line.startswith("| sgd")]
    assert len(rows) == len(result["cells"])
    for c in result["cells"]:
        assert c["seeds"] == len(MICRO["seeds"]) and 0 <= c["diverged"] <= c["seeds"]


def test_write_and_resume(result, tmp_path, monkeypatch):
    result, cache = result
    paths = tmp_path / "grid.json", tmp_path / "grid.md", tmp_path / "runs.csv"
    conflict.write(result, *paths)
    table = json.loads(paths[0].read_text(encoding="utf-8"))
    assert "rows" not in table and len(table["cells"]) == len(result["cells"])
    assert paths[2].read_text(encoding="utf-8").count("\n") == len(result["rows"]) + 1
    text = lesson08.format_cells(table["cells"])
    assert "by construction" in text and "PCGrad" in text

    def no_training(*args, **kwargs):
        raise AssertionError("a resumed grid must not train again")

    monkeypatch.setattr(conflict, "run_stack", no_training)
    again = conflict.run(MICRO, workers=1, cache=cache)
    assert again["rows"] == result["rows"]


def test_stacks_group_by_optimizer_and_learning_rate():
    jobs = conflict.tuning_jobs(MICRO)
    stacks = conflict.stacks(jobs, 5)
    assert sum(len(s) for s in stacks) == len(jobs) and max(len(s) for s in stacks) <= 5
    assert all(len({(j["optimizer"], j["lr"]) for j in s}) == 1 for s in stacks)


def test_two_workers_give_the_same_rows_as_one(tmp_path):
    config = {**MICRO, "seeds": (0,), "lrs": {"sgd": (0.3,)}, "weights": (0.5,), "stack": 3}
    jobs = conflict.final_jobs(config, conflict.choose(
        conflict._run_all(conflict.tuning_jobs(config), config, 1)))
    one = conflict._run_all(jobs, config, 1)
    two = conflict._run_all(jobs, config, 2)
    for a, b in zip(one, two, strict=True):
        assert a["arm"] == b["arm"] and a["seed"] == b["seed"]
        assert math.isclose(a["a_ppl"], b["a_ppl"], rel_tol=1e-6) or a["diverged"]


def test_lesson_figures_and_tables_from_a_grid(result):
    import matplotlib.pyplot as plt

    result, _ = result
    grid = lesson08.require_grid({k: v for k, v in result.items() if k != "rows"})
    fig = lesson08.plot_grid_effect(grid)
    assert all(ax.get_title() for ax in fig.axes)
    assert fig.axes[0].get_ylabel() == "validation perplexity vs plain sum (%)"
    fig2 = lesson08.plot_grid_harm(grid)
    top = max(c[m][0] + (c[m][1] if math.isfinite(c[m][1]) else 0) for c in grid["cells"]
              if c["arm"] in ("sum", "weighted", "pcgrad") for m in ("harm_a", "taken_harm_a"))
    assert fig2.axes[0].get_ylim()[1] == pytest.approx(1.25 * top + 1e-3)   # scaled to the data
    labels = fig2.axes[0].get_legend_handles_labels()[1]
    assert len(set(labels)) == 2 and any("taken" in x for x in labels)
    plt.close(fig)
    plt.close(fig2)
    assert len(lesson08.grid_cells(grid, arm="pcgrad")) == 1
    with pytest.raises(ValueError, match="can be matched on"):
        lesson08.grid_cells(grid, seed=0)
    table = lesson08.format_cells(grid["cells"])
    assert max(len(line) for line in table.splitlines()[:-1]) <= 110      # fits a slide
    assert "harm A*" in table and "95 %" in table


def test_check_grid_names_what_is_wrong(result):
    result, _ = result
    grid = {k: v for k, v in result.items() if k != "rows"}
    with pytest.raises(ValueError, match="'config' dict"):
        lesson08.require_grid({"cells": []})
    broken = {**grid, "cells": [{k: v for k, v in grid["cells"][0].items() if k != "a_ppl"}]}
    with pytest.raises(ValueError, match="cell 0 lacks"):
        lesson08.require_grid(broken)
    bad = {**grid, "cells": [{**grid["cells"][0], "b_ppl": "7.5"}]}
    with pytest.raises(ValueError, match="mean, half-width"):
        lesson08.require_grid(bad)


def test_run_cells_reproduces_the_grid_rows(result):
    """The lesson's live cell retrains grid cells: the same seeds, settings and code give the
    stored rows (within float rounding)."""
    import matplotlib.pyplot as plt

    from rnnlab.text import load_corpus_time_machine

    result, _ = result
    corpus, vocab = load_corpus_time_machine()
    cells = [c for c in result["cells"] if c["arm"] in ("sum", "pcgrad")]
    settings = {k: MICRO[k] for k in ("num_hiddens", "num_steps", "batch_size", "steps",
                                      "max_tokens", "back")}
    live = lesson08.run_cells(corpus, vocab, cells, seeds=MICRO["seeds"], **settings)
    for r in live:
        rows = sorted((x for x in result["rows"] if x["phase"] == "final" and
                       all(x[k] == r["cell"][k] for k in ("arm", "heads", "optimizer", "p", "lam"))),
                      key=lambda x: x["seed"])
        for mine, stored in zip(r["runs"], rows, strict=True):
            assert mine["a_ppl"] == pytest.approx(stored["a_ppl"], rel=1e-5) or stored["diverged"]
    comparison = lesson08.compare_with_sum(live)
    assert set(comparison) == {"sum", "pcgrad"} and "vs_sum_a" in comparison["pcgrad"]
    assert comparison["pcgrad"]["taken_harm_a"][0] == 0
    assert "PCGrad" in lesson08.format_comparison(comparison)
    with pytest.raises(ValueError, match="plain sum"):
        lesson08.compare_with_sum(live[1:] if live[0]["cell"]["arm"] == "sum" else live[:1])
    fig = lesson08.plot_live(live)
    assert fig.axes[0].get_xlabel() == "training step"
    plt.close(fig)


def test_backward_cost_times_both_side_by_side():
    from benchmarks import pcgrad_cost
    from rnnlab.text import load_corpus_time_machine

    corpus, vocab = load_corpus_time_machine(3000)
    cost = pcgrad_cost.backward_cost(corpus, vocab, num_hiddens=8, num_steps=4, batch_size=4,
                                     rounds=3)
    assert set(cost) == {"sum", "pcgrad", "ratio"}
    assert cost["sum"] > 0 and cost["pcgrad"] > 0
    assert cost["ratio"] == pytest.approx(cost["pcgrad"] / cost["sum"])


def test_the_stored_grid_reproduces():
    """Issue 24: the stored grid carries its settings and versions, and a cheap part of it
    (seed 0 of the SGD plain sum and PCGrad, the full 1,000 steps) reruns to the stored numbers.
    Measured spread: 1.2e-6 relative, both between a 2-run and the grid's 30-run stack and
    under ATEN_CPU_CAPABILITY=default; the tolerance is 1e-4."""
    import csv

    from rnnlab.text import load_corpus_time_machine

    grid = lesson08.load_grid()
    assert "torch" in grid["machine"] and grid["config"]["back"] == 6 and grid["date"]
    assert 1.0 in grid["config"]["weights"]          # the static weight can choose the plain sum
    stored = {r["arm"]: r for r in csv.DictReader(open(ROOT / "benchmarks" / "conflict_runs.csv",
                                                       encoding="utf-8"))
              if r["phase"] == "final" and r["optimizer"] == "sgd" and r["seed"] == "0"}
    corpus, vocab = load_corpus_time_machine()
    cells = [c for c in lesson08.grid_cells(grid, optimizer="sgd") if c["arm"] in ("sum", "pcgrad")]
    for r in lesson08.run_cells(corpus, vocab, cells, seeds=(0,)):
        row = stored[r["cell"]["arm"]]
        for task in ("a", "b"):
            assert r["runs"][0][f"{task}_ppl"] == pytest.approx(float(row[f"{task}_ppl"]), rel=1e-4)


def test_the_stored_grid_names_its_machine_in_the_readers_language():
    from rnnlab.i18n import get_language, set_language

    stored = json.loads((ROOT / "rnnlab" / "data" / lesson08.GRID_FILE).read_text("utf-8"))["machine"]
    before = get_language()
    try:
        set_language("en")
        assert lesson08.load_grid()["machine"] == stored          # the line benchmarks/conflict.py wrote
        set_language("zh")
        zh = lesson08.load_grid()["machine"]
    finally:
        set_language(before)
    assert "CPU 核心" in zh and "thread" not in zh and "2.13.0" in zh
