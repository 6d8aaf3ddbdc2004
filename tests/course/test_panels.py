import matplotlib

matplotlib.use("Agg")

import matplotlib.figure  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from rnnlab.course import (
    lesson04,
    lesson05,
    lesson06,  # noqa: E402
    )
from rnnlab.course.report import PREFIX  # noqa: E402
from rnnlab.models import RNNModel, RNNScratch  # noqa: E402
from rnnlab.text.corpus import load_corpus_time_machine  # noqa: E402
from rnnlab.training import History  # noqa: E402

TINY = dict(max_tokens=2_000, seed=0, progress=False)
SMALL = dict(num_hiddens=8, updates=20, seed=0, progress=False)  # one pass: 20 updates


@pytest.fixture(autouse=True)
def fresh_panel_cache():
    lesson04._panel_run.cache_clear()   # each test trains for itself
    yield
    plt.close("all")


def test_training_panel_trains_draws_and_generates():
    fig, report = lesson04.training_panel(num_steps=8, temperature=0.7, **{**SMALL, "updates": 40})
    assert isinstance(fig, matplotlib.figure.Figure) and len(fig.axes) == 2
    h = report.history
    assert h.epochs == 2 and len(h.val_ppl) == 2 and h.val_epochs == [1, 2]   # after each pass
    assert report.sample.startswith(PREFIX) and len(report.sample) == len(PREFIX) + 40
    assert "validation perplexity" in report.text and report.diverged is None
    assert "T = 0.7: 'time traveller" in report.text
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any(t.startswith("best n-gram, same text") for t in legend)
    assert fig.axes[0].get_xlabel() == "updates"


def test_training_panel_budget_is_the_same_for_every_num_steps():
    runs = {T: lesson04.training_panel(num_steps=T, **SMALL)[1].history for T in (4, 64)}
    for T, h in runs.items():
        assert len(h.step_grad_norms) == 20                               # the same updates …
        assert h.info["batch_size"] * T == lesson04.TOKENS_PER_UPDATE   # … of the same size
    report = lesson04.training_panel(num_steps=64, **SMALL)[1]
    assert "20 updates × 1,024 tokens (batch 16 × num_steps 64) = 20,480 tokens" in report.text


def test_every_num_steps_stop_and_both_schemes_make_the_same_updates_per_pass():
    from rnnlab.text.corpus import load_corpus_time_machine
    from rnnlab.text.minibatches import SeqDataLoader

    corpus, _ = load_corpus_time_machine(lesson04.PANEL_TRAIN_TOKENS)
    for T in lesson04.NUM_STEPS_CHOICES:
        for random_iter in (False, True):
            loader = SeqDataLoader(corpus, lesson04.TOKENS_PER_UPDATE // T, T, random_iter, seed=0)
            assert len(loader) == lesson04.UPDATES_PER_PASS
            assert sum(1 for _ in loader) == lesson04.UPDATES_PER_PASS


def test_training_panel_same_settings_same_numbers():
    a = lesson04.training_panel(num_steps=8, **SMALL)[1]
    lesson04._panel_run.cache_clear()
    b = lesson04.training_panel(num_steps=8, **SMALL)[1]
    assert a.history is not b.history                       # trained twice …
    assert a.history.val_ppl == b.history.val_ppl and a.text.splitlines()[-1] == \
        b.text.splitlines()[-1]                             # … to the same numbers and sample


def test_changing_the_temperature_resamples_without_retraining():
    cold = lesson04.training_panel(num_steps=8, temperature=0.1, **SMALL)[1]
    hot = lesson04.training_panel(num_steps=8, temperature=2.0, **SMALL)[1]
    assert hot.history is cold.history                      # the same trained model
    assert cold.text.splitlines()[-1].startswith("T = 0.1: ")
    assert hot.text.splitlines()[-1].startswith("T = 2: ")


def test_training_panel_schemes_and_optimizers_reach_the_loop():
    h = lesson04.training_panel(num_steps=8, scheme="random", optimizer="adam", lr=0.01,
                                **SMALL)[1].history
    assert h.info["scheme"] == "random"
    seq = lesson04.training_panel(num_steps=8, scheme="sequential", optimizer="adam", lr=0.01,
                                  **SMALL)[1].history
    assert seq.train_ppl != h.train_ppl                     # another batch order, another run


def test_training_panel_validates_on_the_held_out_characters_the_ngram_scores():
    from rnnlab.text.corpus import train_val_split
    from rnnlab.training import evaluate_perplexity

    _, report = lesson04.training_panel(num_steps=8, **SMALL)
    panel_val = report.history.val_ppl[-1]
    # retrain the same model by hand and score it on the panel's validation text
    history, model, _ = lesson04._panel_run(8, 8, 1.0, 3.0, 20, "sgd", "sequential", 0, False)
    loader = lesson04.panel_val_loader()
    _, val = train_val_split(load_corpus_time_machine()[0])
    assert loader.batch_size == 1 and not loader.use_random_iter   # one row, state carried
    assert loader.num_tokens_per_epoch == lesson04.PANEL_VAL_TOKENS - 1   # all but the first
    row = torch.cat([X[0] for X, _ in loader])
    assert row.tolist() == list(val[:lesson04.PANEL_VAL_TOKENS - 1])
    assert evaluate_perplexity(model, loader) == panel_val
    assert report.history.val_epochs == [1]                       # validated by train itself


def test_training_panel_reports_divergence_instead_of_raising():
    fig, report = lesson04.training_panel(num_steps=8, theta=None, lr=1e6, **SMALL)
    assert report.history is None and "diverged" in report.text
    assert "theta" in report.diverged  # the hint names the knob to turn
    assert "budget: 20 updates" in report.text


@pytest.mark.parametrize("bad, match", [
    (dict(theta=-1.0), "theta"), (dict(num_hiddens=0), "num_hiddens"),
    (dict(num_steps=12), "num_steps must divide"), (dict(updates=30), "multiple of 20"),
    (dict(scheme="shuffled"), "scheme"), (dict(optimizer="rmsprop"), "optimizer"),
    (dict(temperature=0.0), "temperature"), (dict(lr=-1.0), "lr"),
])
def test_training_panel_rejects_bad_settings(bad, match):
    with pytest.raises(ValueError, match=match):
        lesson04.training_panel(**{**SMALL, **bad})


def test_clipping_panel_uses_sgd_and_records_norms_before_clipping():
    fig, report = lesson05.clipping_panel(theta=0.1, lr=1.0, num_hiddens=8, num_steps=8, epochs=1,
                                        **TINY)
    norms = report.history.step_grad_norms
    assert report.history.theta == 0.1 and len(norms) > 0
    assert max(norms) > 0.1  # recorded before clipping, so they can exceed θ
    plt.close(fig)


def test_theta_sweep_one_entry_per_theta_and_checks_input():
    results = lesson05.theta_sweep([0.1, None], num_hiddens=8, num_steps=8, epochs=1, max_tokens=2_000)
    assert list(results) == [0.1, None]
    assert all(isinstance(h, (History, str)) for h in results.values())
    fig = lesson05.plot_theta_sweep(results)
    assert len(fig.axes) == 2
    plt.close(fig)
    with pytest.raises(ValueError, match="thetas"):
        lesson05.theta_sweep([])
    with pytest.raises(ValueError, match="theta"):
        lesson05.theta_sweep([0.0])


def test_make_model_kinds_and_errors():
    assert isinstance(lesson06.make_model("scratch", 5, 4, device="cpu"), RNNScratch)
    lstm = lesson06.make_model("lstm", 5, 4, device="cpu", bidirectional=True)
    assert isinstance(lstm, RNNModel) and lstm.cell == "lstm" and lstm.bidirectional
    with pytest.raises(ValueError, match="kind"):
        lesson06.make_model("transformer", 5, 4)
    with pytest.raises(ValueError, match="bidirectional"):
        lesson06.make_model("scratch", 5, 4, bidirectional=True)


def test_cell_panel_reports_perplexity_and_speed():
    fig, report = lesson06.cell_panel("gru", num_hiddens=8, epochs=1, max_tokens=2_000, progress=False)
    assert report.history.epochs == 1 and report.history.tokens_per_s[-1] > 0
    assert "tokens/s" in report.text and "parameters" in report.text
    plt.close(fig)


def test_compare_kinds_trains_each_kind_the_same_way():
    results = lesson06.compare_kinds(("scratch", "lstm"), num_hiddens=8, max_tokens=2_000)
    assert list(results) == ["scratch", "lstm"]
    (h_s, n_s), (h_l, n_l) = results["scratch"], results["lstm"]
    assert n_l > n_s and h_s.epochs == h_l.epochs == 1
    table = lesson06.format_kind_table(results)
    assert table.count("\n") == 2 and "lstm" in table
    bigger = lesson06.compare_kinds(("scratch",), num_hiddens=8, max_tokens=2_000, batch_size=4,
                                    max_val_tokens=1_000)
    # batch_size reaches the loader: batches of 4 take more steps over the same text than of 32
    assert len(bigger["scratch"][0].step_grad_norms) > 4 * len(h_s.step_grad_norms)
    with pytest.raises(ValueError, match="kinds"):
        lesson06.compare_kinds(())


def test_ctrl_c_stops_a_sweep_and_keeps_the_runs_that_finished(monkeypatch):
    from rnnlab.training import History, TrainingInterrupted

    calls = []

    def fake_quick_train(num_hiddens, num_steps, theta, *args, **kwargs):
        calls.append(theta)
        if len(calls) == 2:
            raise TrainingInterrupted(History(interrupted=True))
        return History(train_ppl=[5.0], val_ppl=[6.0]), None, None

    monkeypatch.setattr(lesson05, "quick_train", fake_quick_train)
    with pytest.raises(TrainingInterrupted) as info:
        lesson05.theta_sweep([0.1, 1.0, None])
    assert calls == [0.1, 1.0]                      # the third run never started
    assert list(info.value.completed) == [0.1]      # the finished run is kept, the cut one marked
    assert info.value.history.interrupted
    with pytest.raises(ValueError, match="theta"):
        lesson05.theta_sweep([0.1, -1.0])           # a bad θ is refused before any training
    assert calls == [0.1, 1.0]


def test_ctrl_c_stops_compare_kinds_and_keeps_the_kinds_that_finished(monkeypatch):
    from rnnlab.training import History, TrainingInterrupted

    def fake_train_kind(kind, *args, **kwargs):
        if kind == "gru":
            raise TrainingInterrupted(History(interrupted=True))
        return History(train_ppl=[5.0]), RNNScratch(28, 4), None

    monkeypatch.setattr(lesson06, "train_kind", fake_train_kind)
    with pytest.raises(TrainingInterrupted) as info:
        lesson06.compare_kinds(("scratch", "gru", "lstm"))
    assert list(info.value.completed) == ["scratch"]
    with pytest.raises(ValueError, match="kinds"):
        lesson06.compare_kinds(("scratch", "transformer"))


def test_explosion_lengths_double_up_to_num_steps_and_check_it():
    assert lesson05.explosion_lengths(1) == [1]
    assert lesson05.explosion_lengths(40) == [1, 2, 4, 8, 16, 32, 40]
    assert lesson05.explosion_lengths(32) == [1, 2, 4, 8, 16, 32]
    with pytest.raises(ValueError, match="num_steps"):
        lesson05.explosion_lengths(0)
    with pytest.raises(ValueError, match="num_steps"):
        lesson05.explosion_lengths(lesson05.MAX_EXPLOSION_STEPS + 1)
    with pytest.raises(TypeError, match="num_steps"):
        lesson05.explosion_lengths(4.5)


def test_explosion_panel_grows_with_num_steps_and_reports_what_clipping_does():
    from rnnlab.course.report import rough_number
    from rnnlab.experiments.explosion import grad_norm_vs_steps

    fig, text = lesson05.explosion_panel(num_steps=40, radius=4.0, theta=1.0)
    line = fig.axes[0].lines[0]
    assert list(line.get_xdata()) == [1, 2, 4, 8, 16, 32, 40]
    norms = list(line.get_ydata())
    assert norms[-1] > 1e3 * norms[0]                     # ρ = 4: it explodes with num_steps
    assert norms == grad_norm_vs_steps(4.0, [1, 2, 4, 8, 16, 32, 40])
    factor = 1.0 / norms[-1]
    # chaotic norms are printed as orders of magnitude (rough_number), as lesson 05 promises
    assert f"num_steps = 40: ‖g‖ = {rough_number(norms[-1])}" in text and rough_number(factor) in text
    assert rough_number(norms[-1]).startswith("~1e")
    _, same = lesson05.explosion_panel(num_steps=40, radius=4.0, theta=1.0)
    assert same == text                                   # no timing: the same text every run
    _, small = lesson05.explosion_panel(num_steps=10, radius=0.5, theta=100.0)
    assert "clipping leaves it alone" in small
    _, off = lesson05.explosion_panel(num_steps=10, radius=4.0, theta=None)
    assert "no clipping" in off
    plt.close("all")
    with pytest.raises(ValueError, match="theta"):
        lesson05.explosion_panel(theta=0.0)
    with pytest.raises(ValueError, match="radius"):
        lesson05.explosion_panel(radius=-1.0)


def test_plot_course_run_marks_every_learning_rate_drop():
    history = History(train_ppl=[9.0, 7.0, 6.0, 5.5, 5.2], val_ppl=[9.5, 7.5, 6.5, 6.0, 5.8])
    fig = lesson04.plot_course_run(history, 6.2, ((0.01, 2), (0.003, 2), (0.001, 1)))
    ax = fig.axes[0]
    drops = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert [line.get_xdata()[0] for line in drops] == [2.5, 4.5]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "lr 0.01 → 0.003" in legend and "lr 0.003 → 0.001" in legend
    assert "best n-gram (6.20)" in legend
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "perplexity"


def test_the_ablation_table_is_found_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)                       # a lesson in notebooks/zh/ runs from there
    assert lesson04.ablation_table().startswith("Each run")
    monkeypatch.setattr(lesson04, "ABLATION_TABLE", tmp_path / "missing.md")
    with pytest.raises(FileNotFoundError, match="benchmarks/ablation.py"):
        lesson04.ablation_table()


def _raise_on_call(fn, k, calls):
    """``fn``, except that its ``k``-th call raises a bare KeyboardInterrupt (a Ctrl-C there)."""
    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) == k:
            raise KeyboardInterrupt
        return fn(*args, **kwargs)
    return wrapper


@pytest.mark.parametrize("phase", ["recipe_data", "train"])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_ctrl_c_anywhere_in_a_theta_sweep_keeps_every_finished_run(monkeypatch, phase, k):
    from rnnlab.experiments import recipes

    calls = []
    monkeypatch.setattr(recipes, phase, _raise_on_call(getattr(recipes, phase), k, calls))
    thetas = [0.1, 1.0, None]
    with pytest.raises(KeyboardInterrupt) as info:
        lesson05.theta_sweep(thetas, num_hiddens=4, num_steps=8, epochs=1, max_tokens=600)
    completed = info.value.completed
    assert list(completed) == thetas[:k - 1]      # every run before the k-th, none after
    assert all(isinstance(h, (History, str)) for h in completed.values())


@pytest.mark.parametrize("phase", ["recipe_data", "make_model", "train"])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_ctrl_c_anywhere_in_compare_kinds_keeps_every_finished_kind(monkeypatch, phase, k):
    calls = []
    monkeypatch.setattr(lesson06, phase, _raise_on_call(getattr(lesson06, phase), k, calls))
    kinds = ("scratch", "rnn", "gru")
    with pytest.raises(KeyboardInterrupt) as info:
        lesson06.compare_kinds(kinds, num_hiddens=4, max_tokens=2_000, max_val_tokens=300)
    completed = info.value.completed
    assert list(completed) == list(kinds[:k - 1])
    assert all(isinstance(h, History) and n > 0 for h, n in completed.values())


def test_rough_number_prints_what_survives_another_numeric_path():
    from rnnlab.course.report import rough_number

    assert [rough_number(x) for x in (1.688, 54.72, 171.0, 2.38)] == ["1.7", "55", "170", "2.4"]
    # the spread measured on two numeric paths (lesson 05, ρ = 4): one printed text each
    assert rough_number(7.57e4) == rough_number(1.157e5) == "~1e5"
    assert rough_number(4.014e10) == rough_number(7.58e10) == "~1e11"
    assert rough_number(2.47e6) == rough_number(2.701e6) == "~1e6"
    assert rough_number(-5e6) == "~-1e7" and rough_number(4.78e-20) == "~1e-19"
    assert rough_number(0.0) == "0" and rough_number(float("inf")) == "inf"
