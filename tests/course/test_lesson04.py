"""Lesson 04's module: the warm-up measure, its pictures and the stored runs' report."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
import torch  # noqa: E402

from rnnlab.course import diagrams, lesson04  # noqa: E402
from rnnlab.i18n import set_language  # noqa: E402
from rnnlab.models import RNNScratch  # noqa: E402


def test_warmup_comparison_without_a_prefix_to_read_is_no_comparison():
    model = RNNScratch(10, 8, device="cpu", scale=0.5, generator=torch.Generator().manual_seed(0))
    tokens = torch.randint(0, 10, (300,), generator=torch.Generator().manual_seed(1))
    warm, cold = lesson04.warmup_comparison(model, tokens, prefix_len=1, num_prefixes=50)
    assert warm == pytest.approx(cold)                 # one character: both read the same input
    warm, cold = lesson04.warmup_comparison(model, tokens, prefix_len=12, num_prefixes=50)
    assert warm != pytest.approx(cold)                 # a longer prefix changes the state


def test_warmup_comparison_matches_a_one_by_one_reading():
    model = RNNScratch(10, 8, device="cpu", scale=0.5, generator=torch.Generator().manual_seed(0))
    tokens = torch.randint(0, 10, (40,), generator=torch.Generator().manual_seed(2))
    warm, _ = lesson04.warmup_comparison(model, tokens, prefix_len=5, num_prefixes=1, seed=3)
    start = int(torch.randint(0, 35, (1,), generator=torch.Generator().manual_seed(3)))
    state = model.begin_state(1)
    with torch.no_grad():
        for t in tokens[start:start + 5]:
            out, state = model(t.reshape(1, 1), state)
        nll = torch.nn.functional.cross_entropy(out, tokens[start + 5].reshape(1))
    assert warm == pytest.approx(float(torch.exp(nll)), rel=1e-5)


def test_warmup_comparison_rejects_a_prefix_longer_than_the_text():
    model = RNNScratch(10, 8, device="cpu")
    with pytest.raises(ValueError, match="prefix_len"):
        lesson04.warmup_comparison(model, torch.arange(5), prefix_len=5)


def test_warmup_picture_feeds_back_every_prediction_but_the_last():
    fig = lesson04.plot_warmup("time ", "tra")
    text = diagrams.labels(fig)
    assert all(f"'{ch}'" in text for ch in "time") and "'␣'" in text
    red = [t for t in fig.axes[0].texts if getattr(t, "arrow_patch", None) is not None
           and t.arrowprops.get("color") == "tab:red" and t.arrowprops["arrowstyle"] == "->"]
    assert len(red) == 2                                # 't' → input, 'r' → input; 'a' is the last
    with pytest.raises(ValueError, match="prefix"):
        lesson04.plot_warmup("t", "x")


def test_time_major_picture_marks_the_rows_that_Y_reshape_gets_wrong():
    fig = lesson04.plot_time_major(2, 3)
    text = diagrams.labels(fig)
    assert sum("✗" in t for t in text) == 4            # rows 1-4 pair with another position
    assert sum(t.endswith("✓") for t in text) == 6 + 2


def test_lesson04_figures_speak_chinese():
    from rnnlab.i18n.fonts import use_cjk_font

    set_language("zh")
    try:
        with matplotlib.rc_context():   # the CJK font for this test only
            use_cjk_font()
            text = " ".join(diagrams.labels(lesson04.plot_warmup()) + diagrams.labels(
                lesson04.plot_time_major()))
    finally:
        set_language("en")
    assert "预热期" in text and "输出" in text and "warm-up" not in text and "outputs" not in text


def test_run_report_reads_the_stored_runs():
    seed = lesson04.run_report(lesson04.stored_run("seed"))
    assert "stored (scripts/long_run_04.py" in seed and "epoch 55" in seed
    course = lesson04.run_report(lesson04.stored_run("course"))
    assert "n-gram 4.50" in course
    with pytest.raises(TypeError, match="LongRun"):
        lesson04.run_report("seed")
    fig = lesson04.plot_seed_run(lesson04.stored_run("seed"))
    assert fig.axes[0].get_yscale() == "log"


def test_warmup_report_prints_stored_numbers_to_one_decimal_and_live_ones_whole():
    text = lesson04.warmup_report({"train_ch8": (11.14, 12.31), "course": (4.39, 10.55)})
    assert "with warm-up 11, without 12" in text and "with warm-up 4.4, without 10.6" in text
