"""Lessons 00-03: every figure helper speaks the reader's language, and the pictures say what is true."""

import re

import matplotlib
import pytest
import torch

import rnnlab
from rnnlab import Vocab, read_time_machine, series, tokenize
from rnnlab.course import diagrams, lesson00, lesson01, lesson02, lesson03
from rnnlab.text import ngram, zipf

matplotlib.use("Agg")


def _figures():
    """Every figure lessons 00-03 draw through rnnlab, built in the current language."""
    time, x = series.noisy_sine()
    model = series.fit_autoregressive(x, 4, n_train=600)
    fit = series.interpolation_vs_extrapolation(time, x, fit_end=600, degree=7)
    one = series.predict_one_step(model, x)
    free = series.predict_free_running(model, x, n_observed=600)
    words = zipf.book_word_tokens()
    freqs = {n: ngram.ngram_frequencies(words, n) for n in (1, 2)}
    fits = {n: zipf.fit_zipf(f, first_rank=10, last_rank=1000) for n, f in freqs.items()}
    yield "lesson00.plot", lesson00.plot(0.9)
    yield "course map", diagrams.plot_course_map()
    yield "interpolation", lesson01.plot_interpolation(time, x, fit)
    yield "one step", lesson01.plot_one_step(time, x, one, 4, 600)
    yield "free running", lesson01.plot_free_running(time, x, one, free, 4, 600)
    yield "k-step", lesson01.plot_k_step_predictions(time, x, model)
    yield "errors", lesson01.plot_k_step_errors([1, 2], [0.05, 0.06], [0.05, 0.06], [0.001, 0.001], 20)
    yield "latent", lesson01.plot_latent_states(time, x, series.latent_states(x))
    yield "var", lesson01.plot_var(series.simulate_var(series.WEATHER_A, num_steps=200))
    yield "feedback", lesson01.plot_k_step_feedback()
    yield "widget 01", lesson01.ar_prediction_figure(tau=4, k=8)[0]
    yield "markov", diagrams.plot_markov_window()
    yield "ar models", diagrams.plot_ar_models()
    yield "pipeline", lesson02.plot_pipeline()
    yield "zipf 02", lesson02.plot_word_zipf(freqs[1], fits[1])
    yield "widget 02", lesson02.min_freq_figure(5)[0]
    yield "zipf 03", lesson03.plot_ngram_zipf(freqs, fits)
    yield "baseline", lesson03.plot_baseline(ngram.ngram_baseline(max_tokens=20_000))
    yield "char lm", diagrams.plot_char_lm()
    yield "batching", diagrams.plot_batching()[0]


def _texts(fig):
    out = []
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
        out += [ax.get_title(loc) for loc in ("left", "center", "right")]
        out += [ax.get_xlabel(), ax.get_ylabel()]
        legend = ax.get_legend()
        if legend is not None:
            out += [t.get_text() for t in legend.get_texts()]
    return [t for t in out if t]


# English words a Chinese figure must not show (symbols, code names and data stay).
ENGLISH = re.compile(r"\b(the|of|and|step|steps|ahead|time|data|error|model|prediction|predictions|"
                     r"vocabulary|text|batch|batches|rank|count|lesson|window|input|target|state|"
                     r"hidden|grows|useless|fit|fitted|training|uniform|guessing|baseline|language|"
                     r"sampling|partitioning|preprocessing|day|value|series|mean|noise|variance)\b",
                     re.IGNORECASE)
# what a figure may show in any language: the example text and code in the pictures
ALLOWED = ("'the time machine", "by h g wells'", "['the', 'time',", "'machine', …]", "'the': 1", "'machine'",
           "'machin'", "'achine'")


@pytest.fixture
def zh():
    rnnlab.notebook.setup(lang="zh", quiet=True)
    yield
    rnnlab.notebook.setup(lang="en", quiet=True)


def test_chinese_figures_of_lessons_00_to_03_have_no_english_words(zh):
    import matplotlib.pyplot as plt

    leaks = []
    for name, fig in _figures():
        for text in _texts(fig):
            if any(a in text for a in ALLOWED) or len(text) == 1:
                continue
            found = ENGLISH.findall(re.sub(r"\$[^$]*\$", "", text))
            if found:
                leaks.append((name, text, found))
        plt.close(fig)
    assert leaks == []


def test_english_figures_of_lessons_00_to_03_stay_english():
    import matplotlib.pyplot as plt

    rnnlab.notebook.setup(lang="en", quiet=True)
    for name, fig in _figures():
        texts = _texts(fig)
        assert texts, name
        assert not any(re.search(r"[\u4e00-\u9fff]", t) for t in texts), name
        plt.close(fig)


def test_pipeline_picture_shows_the_books_real_first_line_and_indices():
    import matplotlib.pyplot as plt

    lines = read_time_machine()
    tokens = tokenize(lines, "word")
    vocab = Vocab(tokens)
    fig = lesson02.plot_pipeline()
    shown = " ".join(t.get_text().replace("\n", " ") for t in fig.axes[0].texts)
    assert repr(lines[0]) == "'the time machine by h g wells'" and repr(lines[0]) in shown
    assert str(vocab[tokens[0]]).replace(" ", "") in shown.replace(" ", "")
    assert "'<unk>': 0" in shown and f"'the': {vocab['the']}" in shown
    plt.close(fig)


def test_k_step_feedback_counts_the_predictions_in_each_window():
    import matplotlib.pyplot as plt

    for tau, k in ((3, 3), (2, 4), (1, 2)):
        fig = lesson01.plot_k_step_feedback(tau=tau, k=k)
        rows = [t.get_text() for t in fig.axes[0].texts if "inputs are predictions" in t.get_text()]
        assert rows == [f"{min(j - 1, tau)} of {tau} inputs are predictions" for j in range(1, k + 1)]
        plt.close(fig)
    with pytest.raises(ValueError, match="tau"):
        lesson01.plot_k_step_feedback(tau=0)


def test_batching_strips_are_legible_and_wrap_the_text():
    import matplotlib.pyplot as plt

    fig, picture = diagrams.plot_batching(width=35)
    letters = [t for t in fig.axes[0].texts if len(t.get_text()) == 1]
    assert len(letters) == len(diagrams.DEMO_TEXT)
    assert min(t.get_fontsize() for t in letters) >= 12
    width_in = fig.get_size_inches()[0]
    assert width_in / 35 >= 0.3  # each letter's cell at least 0.3 inch wide at the figure's size
    assert picture.sequential.num_batches == picture.random.num_batches
    plt.close(fig)


def test_dynamic_programming_on_a_chain_equals_the_sum_over_paths():
    # the lesson's worked cell, in miniature: P(x_T) by T - 1 vector-matrix products
    import itertools

    P = torch.tensor([[0.7, 0.2, 0.1], [0.3, 0.4, 0.3], [0.2, 0.3, 0.5]], dtype=torch.float64)
    p1 = torch.tensor([0.2, 0.5, 0.3], dtype=torch.float64)
    T, p = 5, p1
    for _ in range(T - 1):
        p = p @ P
    brute = torch.zeros(3, dtype=torch.float64)
    for path in itertools.product(range(3), repeat=T):
        prob = p1[path[0]]
        for a, b in zip(path, path[1:]):
            prob = prob * P[a, b]
        brute[path[-1]] += prob
    assert torch.allclose(p, brute) and abs(float(p.sum()) - 1) < 1e-12
