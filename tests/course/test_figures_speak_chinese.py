"""Issue 23: every figure rnnlab draws speaks the reader's language.

Each public figure helper of the package (every ``plot*`` function, found by walking ``rnnlab``, and the
cheap panels that draw) is rendered with ``setup(lang="zh")``; its titles, axis labels, legends, word
tick labels and annotations may hold no English word (the rule of
``tests/notebooks/test_zh_shows_no_english.py``, down to a single word: a figure's labels are short).
A helper missing from ``BUILDERS`` fails the test, so a new one is covered when it is written.
Lessons 00-03 and the diagrams have their own figure tests (``test_lessons_00_03_figures.py``,
``test_diagrams.py``); their builders are reused here so that one rule covers all of them.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path

import matplotlib
import pytest
import torch

import rnnlab
from rnnlab.training import History

matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "notebooks"))
import test_zh_shows_no_english as shows  # noqa: E402

MATH = re.compile(r"(?<!\\)\$[^$]+(?<!\\)\$")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# helpers that are not the course's own figures: d2l's plot draws what its caller labels (compat, the edge)
NOT_FIGURES = {"rnnlab.compat.plot", "rnnlab.compat.Animator.plot"}


def _history(epochs=3, steps=6, ppl=True):
    h = History(train_ppl=[9.0 - e for e in range(epochs)], val_ppl=[9.5 - e for e in range(epochs)]) \
        if ppl else History(train_loss=[1.0, 0.5], val_loss=[1.1, 0.6])
    h.step_grad_norms = [1.0 + 0.1 * i for i in range(steps)]
    h.theta = 1.0
    return h


def _builders():
    from rnnlab.course import diagrams, lesson04, lesson05, lesson06, lesson07, lesson08
    from rnnlab.experiments import explosion, toy
    from rnnlab.gradients import jacobians, pcgrad
    from rnnlab.text import ngram, zipf
    from rnnlab.training import history

    words = zipf.book_word_tokens()
    freqs = {n: ngram.ngram_frequencies(words, n) for n in (1, 2)}
    fits = {n: zipf.fit_zipf(f, first_rank=10, last_rank=1000) for n, f in freqs.items()}
    grid = lesson08.load_grid()
    live = [{"cell": {"arm": arm}, "index": [0],
             "history": History(step_metrics={"cosine/0": [0.1, -0.2, 0.3], "taken_harm_a/0": [0, 1, 0]})}
            for arm in ("sum", "pcgrad")]
    runs = {mode: _history() for mode in ("full", "truncated", "randomized")}
    return {
        "rnnlab.text.zipf.plot_zipf": lambda: zipf.plot_zipf(freqs, fits),
        "rnnlab.training.history.plot_history": lambda: history.plot_history(_history()),
        "rnnlab.training.history.plot_history (a loss)": lambda: history.plot_history(_history(ppl=False)),
        "rnnlab.training.history.plot_grad_norms": lambda: history.plot_grad_norms(_history()),
        "rnnlab.gradients.pcgrad.plot_projection": lambda: pcgrad.plot_projection(
            torch.tensor([2.0, 0.5]), torch.tensor([-1.5, 1.5])),
        "rnnlab.gradients.jacobians.plot_jacobian_norms": lambda: jacobians.plot_jacobian_norms(
            {"ρ = 0.9": torch.linspace(1, 0.01, 20)}, truncation=8),
        "rnnlab.experiments.explosion.plot_grad_norm_vs_steps": lambda: explosion.plot_grad_norm_vs_steps(
            {"ρ = 2": [1.0, 10.0]}, steps=(5, 10), theta=1.0),
        "rnnlab.experiments.toy.plot_toy": lambda: toy.plot_toy(
            {"Adam": toy.run_toy("adam", steps=20), "PCGrad": toy.run_toy("pcgrad", steps=20)}),
        "rnnlab.course.lesson04.plot_panel": lambda: lesson04.plot_panel(_history(), 4.5, "θ = 1"),
        "rnnlab.course.lesson04.plot_course_run": lambda: lesson04.plot_course_run(
            _history(5), 6.2, ((0.01, 2), (0.003, 2), (0.001, 1))),
        "rnnlab.course.lesson04.plot_warmup": lesson04.plot_warmup,
        "rnnlab.course.lesson04.plot_time_major": lesson04.plot_time_major,
        "rnnlab.course.lesson04.plot_seed_run": lambda: lesson04.plot_seed_run(lesson04.stored_run("seed")),
        "rnnlab.course.lesson05.plot_theta_sweep": lambda: lesson05.plot_theta_sweep(
            {0.1: _history(), None: "diverged at step 3"}),
        "rnnlab.course.lesson05.plot_explosion_curves": lambda: lesson05.plot_explosion_curves(
            {"ρ = 2": [1.0, 20.0], "ρ = 0.5": [1.0, 0.5]}, (5, 10), theta=1.0),
        "rnnlab.course.lesson05.plot_clipping_ball": lesson05.plot_clipping_ball,
        "rnnlab.course.lesson05.explosion_panel": lambda: lesson05.explosion_panel(num_steps=8),
        "rnnlab.course.lesson06.plot_rnn_layer": lesson06.plot_rnn_layer,
        "rnnlab.course.lesson06.plot_bidirectional": lesson06.plot_bidirectional,
        "rnnlab.course.lesson06.plot_gru_cell": lesson06.plot_gru_cell,
        "rnnlab.course.lesson06.plot_lstm_cell": lesson06.plot_lstm_cell,
        "rnnlab.course.lesson07.plot_truncation_chunks": lesson07.plot_truncation_chunks,
        "rnnlab.course.lesson07.plot_bptt_runs": lambda: lesson07.plot_bptt_runs(runs),
        "rnnlab.course.lesson07.plot_gate_sensitivity": lambda: lesson07.plot_gate_sensitivity(
            {("rnn", 0.0): torch.ones(5), ("gru", 4.0): torch.ones(5)}),
        "rnnlab.course.lesson07.bptt_panel": lambda: lesson07.bptt_panel(num_steps=12),
        "rnnlab.course.lesson07.cost_panel": lambda: lesson07.cost_panel(
            num_steps=8, truncation=4, batch_size=2, num_hiddens=8, repeats=1),
        "rnnlab.course.lesson08.plot_grid_effect": lambda: lesson08.plot_grid_effect(grid),
        "rnnlab.course.lesson08.plot_grid_harm": lambda: lesson08.plot_grid_harm(grid),
        "rnnlab.course.lesson08.plot_live": lambda: lesson08.plot_live(live, smooth=2),
        "rnnlab.course.lesson08.plot_two_task_network": lesson08.plot_two_task_network,
        "rnnlab.course.lesson08.plot_projection": lambda: lesson08.plot_projection(
            torch.tensor([2.0, 0.5]), torch.tensor([-1.5, 1.5])),
        "rnnlab.course.lesson08.toy_panel": lambda: lesson08.toy_panel(steps=20),
        **{f"rnnlab.course.diagrams.{name}": getattr(diagrams, name) for name in (
            "plot_unrolled_graph", "plot_hidden_state", "plot_rnn_step", "plot_rnn_unrolled",
            "plot_state_policies")},
    }


def _covered_elsewhere():
    """The helpers lessons 00-03's figure test renders (with the same language switch)."""
    import test_lessons_00_03_figures as early

    src = inspect.getsource(early._figures)
    return {q for q in _figure_helpers() if q.rsplit(".", 1)[1] + "(" in src}


def _figure_helpers() -> set[str]:
    """Every public ``plot*`` function and method of the package, by qualified name."""
    found = set()
    for info in pkgutil.walk_packages(rnnlab.__path__, "rnnlab."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if getattr(obj, "__module__", None) != info.name or name.startswith("_"):
                continue
            if inspect.isfunction(obj) and name.startswith("plot"):
                found.add(f"{info.name}.{name}")
            elif inspect.isclass(obj):
                found |= {f"{info.name}.{name}.{m}" for m in vars(obj) if m.startswith("plot")}
    return found


def _figure_texts(fig) -> list[str]:
    out = [fig._suptitle.get_text()] if fig._suptitle else []
    out += [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
        out += [ax.get_title(loc) for loc in ("left", "center", "right")]
        out += [ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        legend = ax.get_legend()
        if legend is not None:
            out += [t.get_text() for t in legend.get_texts()]
            out.append(legend.get_title().get_text())
    return [t for t in out if t.strip()]


def english_words(text: str) -> list[str]:
    """English words of a figure's text: the notebook rule, with a run of one word already a leak."""
    return shows.english_runs(text, min_run=1)


@pytest.fixture
def zh():
    rnnlab.notebook.setup(lang="zh", quiet=True)
    yield
    rnnlab.notebook.setup(lang="en", quiet=True)


def test_every_figure_helper_is_rendered_here_or_in_the_early_lessons_test():
    names = {name.split(" (")[0] for name in _builders()}
    missing = _figure_helpers() - names - _covered_elsewhere() - NOT_FIGURES \
        - {"rnnlab.course.diagrams.plot_course_map", "rnnlab.course.diagrams.plot_ar_models",
           "rnnlab.course.diagrams.plot_markov_window", "rnnlab.course.diagrams.plot_char_lm",
           "rnnlab.course.diagrams.plot_batching"}   # drawn by the early lessons' test by their names
    assert missing == set(), f"add a builder to BUILDERS for {sorted(missing)}"


def test_the_figure_rule_finds_an_english_label_and_passes_a_chinese_one():
    assert english_words("epoch") == ["epoch"]
    assert english_words("validation perplexity vs plain sum (%)") == ["validation perplexity vs plain sum"]
    assert english_words("验证困惑度（θ = 1，ρ = 0.9）") == []
    assert english_words("‖g‖（裁剪前），GRU 与 LSTM，W_hh") == []


@pytest.mark.parametrize("name", sorted(_builders()))
def test_a_chinese_figure_has_no_english_word(zh, name):
    import matplotlib.pyplot as plt

    result = _builders()[name]()
    fig = result[0] if isinstance(result, tuple) else result
    texts = _figure_texts(fig)
    leaks = [(text, words) for text in texts if (words := english_words(text))]
    # matplotlib draws a line holding $math$ with its math font, which has no Chinese glyphs (boxes)
    boxes = [line for text in texts for line in text.splitlines()
             if MATH.search(line) and CJK.search(line)]
    plt.close("all")
    assert leaks == [] and boxes == [], f"{name}: {leaks or boxes}"
