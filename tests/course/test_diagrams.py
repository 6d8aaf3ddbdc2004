"""The course's diagrams: each draws what its caption promises, with axes off, and refuses bad arguments."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from rnnlab.course import diagrams
from rnnlab.i18n import tr  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _axes_off(fig):
    return all(not ax.axison for ax in fig.axes)


def test_course_map_has_nine_lessons_and_one_arrow_per_prerequisite():
    fig = diagrams.plot_course_map()
    text = diagrams.labels(fig)
    for key in (f"{i:02d}" for i in range(9)):
        assert f"{key}\n{tr('diagrams.lesson' + key)}" in text
    assert diagrams.arrows(fig) == len(diagrams.PREREQUISITES) == 9
    assert ("04", "06") in diagrams.PREREQUISITES and ("07", "08") in diagrams.PREREQUISITES
    assert _axes_off(fig)


@pytest.mark.parametrize("tau", [1, 3, 5])
def test_ar_models_draw_tau_inputs_and_a_latent_chain(tau):
    fig = diagrams.plot_ar_models(tau)
    text = diagrams.labels(fig)
    assert [f"$x_{{t-{lag}}}$" for lag in range(tau, 0, -1)] == [t for t in text[:tau]]
    assert "$h_{t}$" in text and "$h_{t-1}$" in text and "$\\hat{x}_{t}$" in text
    # tau arrows into x_t; three steps of the latent chain with three arrows each
    assert diagrams.arrows(fig) == tau + 9
    assert _axes_off(fig)


def test_markov_window_highlights_exactly_tau_observations():
    fig = diagrams.plot_markov_window(tau=3, length=8)
    text = diagrams.labels(fig)
    assert "$x_t$" in text and "$x_{t-7}$" in text
    assert any("τ = 3" in t for t in text)
    assert diagrams.arrows(fig) == 3
    highlighted = [p for p in fig.axes[0].patches
                   if matplotlib.colors.to_hex(p.get_facecolor()) == diagrams.STATE]
    assert len(highlighted) == 3
    assert _axes_off(fig)


def test_char_lm_reads_machin_and_predicts_achine():
    fig = diagrams.plot_char_lm("machine")
    text = diagrams.labels(fig)
    assert "reading 'machin', predicting 'achine'" in " ".join(text)
    # per step the input character, then the target character (the next one)
    assert [t for t in text if len(t) == 1] == [c for pair in zip("machin", "achine") for c in pair]
    # per step: input -> state, state -> target; state -> next state between steps
    assert diagrams.arrows(fig) == 2 * 6 + 5
    assert _axes_off(fig)


def test_hidden_state_and_rnn_step_name_their_parts():
    fig = diagrams.plot_hidden_state()
    text = " ".join(diagrams.labels(fig))
    assert "$H_{t-1}$" in text and "without a hidden state" in text and "with a hidden state" in text
    assert diagrams.arrows(fig) == 2 + 4
    fig = diagrams.plot_rnn_step()
    text = " ".join(" ".join(label.split()) for label in diagrams.labels(fig))
    for part in ("concatenate", "fully connected", "tanh", "$H_t$", "output layer", "$O_t$"):
        assert part in text
    assert diagrams.arrows(fig) == 2 + 5 + 1
    assert _axes_off(fig)


@pytest.mark.parametrize("num_steps", [1, 3])
def test_rnn_unrolled_shares_one_parameter_box(num_steps):
    fig = diagrams.plot_rnn_unrolled(num_steps)
    text = diagrams.labels(fig)
    assert sum("shared" in t for t in text) == 1
    assert text.count("RNN cell") == num_steps
    assert diagrams.arrows(fig) == 3 * num_steps + 1
    assert len(fig.axes[0].lines) == num_steps  # one dotted line from the parameters to each cell
    assert _axes_off(fig)


def test_state_policies_carry_in_sequential_and_reset_in_random():
    fig = diagrams.plot_state_policies(3)
    seq, rnd = fig.axes
    assert sum("detach" in t.get_text() for t in seq.texts) == 2
    assert sum(t.get_text() == "$H=0$" for t in seq.texts) == 1
    assert sum(t.get_text() == "$H=0$" for t in rnd.texts) == 3
    assert "sequential partitioning" in seq.get_title(loc="left")
    assert "random sampling" in rnd.get_title(loc="left")
    assert _axes_off(fig)


def test_unrolled_graph_still_draws_its_eleven_arrows_per_step():
    fig = diagrams.plot_unrolled_graph(2)
    assert diagrams.arrows(fig) == 22
    assert _axes_off(fig)


@pytest.mark.parametrize("call, error, message", [
    (lambda: diagrams.plot_ar_models(0), ValueError, "tau must be >= 1, got 0"),
    (lambda: diagrams.plot_ar_models(2.5), TypeError, "tau must be an integer"),
    (lambda: diagrams.plot_markov_window(tau=8, length=8), ValueError, "tau must be <= length - 1 = 7"),
    (lambda: diagrams.plot_markov_window(length=40), ValueError, "length must be <= 16"),
    (lambda: diagrams.plot_char_lm("m"), ValueError, "text must have at least 2 characters"),
    (lambda: diagrams.plot_char_lm(3), TypeError, "text must be a string"),
    (lambda: diagrams.plot_char_lm("a" * 13), ValueError, "at most 12 characters"),
    (lambda: diagrams.plot_rnn_unrolled(0), ValueError, "num_steps must be >= 1"),
    (lambda: diagrams.plot_state_policies(1), ValueError, "num_batches must be >= 2"),
])
def test_diagrams_refuse_bad_arguments(call, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(")):
        call()


def _boxed_texts(fig):
    """(text extent, box extent) in pixels for every label drawn at the centre of a box."""
    from matplotlib.patches import FancyBboxPatch

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    pairs = []
    for ax in fig.axes:
        boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
        for t in ax.texts:
            for box in boxes:
                ext = box.get_window_extent(renderer)
                cx, cy = ax.transData.transform(t.get_position())
                if abs(cx - (ext.x0 + ext.x1) / 2) < 1 and abs(cy - (ext.y0 + ext.y1) / 2) < 1:
                    pairs.append((t.get_text(), t.get_window_extent(renderer), ext))
    return pairs


@pytest.mark.parametrize("draw", [diagrams.plot_rnn_step, diagrams.plot_hidden_state,
                                  lambda: diagrams.plot_rnn_unrolled(3),
                                  lambda: diagrams.plot_state_policies(3)])
def test_box_labels_fit_inside_their_boxes_and_boxes_inside_the_axes(draw):
    fig = draw()
    pairs = _boxed_texts(fig)
    assert pairs
    for text, inner, outer in pairs:
        assert outer.x0 <= inner.x0 and inner.x1 <= outer.x1, f"{text!r} overflows its box"
        assert outer.y0 <= inner.y0 and inner.y1 <= outer.y1, f"{text!r} overflows its box"
    for ax in fig.axes:
        axes_box = ax.get_window_extent()
        for patch in ax.patches:
            ext = patch.get_window_extent()
            assert axes_box.x0 - 1 <= ext.x0 and ext.x1 <= axes_box.x1 + 1, "a box is clipped"
    plt.close(fig)


# --- lessons 05-07: drawn in the reader's language ------------------------------------------

def _lesson_diagrams():
    from rnnlab.course import lesson05, lesson06, lesson07

    return {"clipping_ball": lesson05.plot_clipping_ball, "rnn_layer": lesson06.plot_rnn_layer,
            "bidirectional": lesson06.plot_bidirectional, "gru_cell": lesson06.plot_gru_cell,
            "lstm_cell": lesson06.plot_lstm_cell, "truncation_chunks": lesson07.plot_truncation_chunks}


def _all_text(fig):
    texts = diagrams.labels(fig)
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is not None:
            texts += [t.get_text() for t in legend.get_texts()]
    return texts


@pytest.mark.parametrize("name", sorted(_lesson_diagrams()))
def test_lesson_diagrams_speak_the_readers_language(name):
    import re

    from rnnlab.i18n import get_language, set_language

    before = get_language()
    try:
        set_language("zh")
        zh = " ".join(_all_text(_lesson_diagrams()[name]()))
        set_language("en")
        en = " ".join(_all_text(_lesson_diagrams()[name]()))
    finally:
        set_language(before)
    assert re.search(r"[\u4e00-\u9fff]", zh) and not re.search(r"[\u4e00-\u9fff]", en)
    # no English word of three letters or more left in the Chinese figure, beyond code names
    code = {"RNN", "GRU", "LSTM", "BPTT", "PCGrad", "tanh", "batch"}   # names, not English
    words = {w for w in re.findall(r"[A-Za-z_]{3,}", re.sub(r"\$[^$]*\$", "", zh))
             if "_" not in w} - code                                     # o_t, num_steps: symbols
    assert not words, words


def test_truncation_chunks_cut_where_the_carry_weights_are_zero():
    from rnnlab.course import lesson07

    fig = lesson07.plot_truncation_chunks(num_steps=12, truncation=4)
    red = [line for line in fig.axes[0].lines if line.get_color() == "#cb181d"]
    # regular truncation at k = 4 over 12 steps cuts twice; full BPTT never
    full_y, regular_y = 2 * 1.3, 1.3
    assert sum(abs(line.get_ydata()[0] - (regular_y - 0.42)) < 1e-9 for line in red) == 2
    assert not any(abs(line.get_ydata()[0] - (full_y - 0.42)) < 1e-9 for line in red)
    with pytest.raises(ValueError, match="truncation"):
        lesson07.plot_truncation_chunks(num_steps=8, truncation=9)


def test_rnn_layer_draws_one_state_slice_per_layer_and_direction():
    from rnnlab.course import lesson06

    for layers, bidirectional in ((1, False), (2, True), (3, False)):
        fig = lesson06.plot_rnn_layer(layers, bidirectional)
        slices = [t for t in diagrams.labels(fig) if t.startswith("[")]
        assert len(slices) == layers * (2 if bidirectional else 1)
    with pytest.raises(TypeError, match="bidirectional"):
        lesson06.plot_rnn_layer(2, "yes")


def test_clipping_ball_puts_the_clipped_gradient_on_the_sphere():
    from rnnlab.course import lesson05

    fig = lesson05.plot_clipping_ball(g=(3.0, 4.0), theta=2.0)
    tips = [t.xy for t in fig.axes[0].texts if t.arrow_patch is not None]
    lengths = sorted(round((x * x + y * y) ** 0.5, 6) for x, y in tips)
    assert lengths == [1.0, 2.0, 5.0]          # inside (θ/2), clipped (θ), original (‖g‖)
    with pytest.raises(ValueError, match="theta"):
        lesson05.plot_clipping_ball(theta=None)


def test_lesson07_plots_one_line_per_run_and_per_cell_with_catalogue_text():
    import torch

    from rnnlab.course import lesson07
    from rnnlab.i18n import get_language, set_language
    from rnnlab.training import History

    runs = {mode: History(train_ppl=[9.0, 8.0], val_ppl=[9.5, 8.5])
            for mode in ("full", "truncated", "randomized")}
    curves = {("rnn", 0.0): torch.ones(5), ("gru", 4.0): torch.ones(5)}
    before = get_language()
    try:
        for lang, word in (("en", "randomized"), ("zh", "随机截断")):
            set_language(lang)
            fig = lesson07.plot_bptt_runs(runs)
            assert len(fig.axes[0].lines) == 3
            assert any(word in t.get_text() for t in fig.axes[0].get_legend().get_texts())
            fig = lesson07.plot_gate_sensitivity(curves)
            assert len(fig.axes[0].lines) == 2
    finally:
        set_language(before)
