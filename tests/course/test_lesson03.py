"""Lesson 03's helpers: the chain rule by counting, n-gram storage, the baseline figure."""

import math

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from rnnlab import Vocab  # noqa: E402
from rnnlab.course import lesson03  # noqa: E402
from rnnlab.text import ngram  # noqa: E402

TOKENS = "a b a c a b b a".split()


def test_chain_rule_counts_and_laplace_match_an_ngram_model():
    example = lesson03.chain_rule_example(("a", "b", "a"), alpha=1.0, tokens=TOKENS)
    counts = [(f.count, f.context_count) for f in example.factors]
    # n(a)/N, n(a b)/n(a), n(a b a)/n(a b); the last "a" is followed by nothing
    assert counts == [(4, 8), (2, 3), (1, 2)]
    assert example.plain == pytest.approx(4 / 8 * 2 / 3 * 1 / 2)
    vocab = Vocab(TOKENS)
    idx = vocab[TOKENS]
    models = [ngram.NgramModel(idx, n, len(vocab), alpha=1.0) for n in (1, 2, 3)]
    want = (models[0].prob(vocab["a"]) * models[1].prob(vocab["b"], [vocab["a"]])
            * models[2].prob(vocab["a"], vocab[["a", "b"]]))
    assert example.smoothed == pytest.approx(want)
    assert example.in_vocabulary == (True, True, True)


def test_an_unseen_word_makes_the_plain_product_zero_and_its_context_undefined():
    example = lesson03.chain_rule_example(("a", "z", "b"), alpha=0.5, tokens=TOKENS)
    assert example.factors[1].plain == 0 and example.factors[2].plain is None
    assert example.plain == 0.0 and example.smoothed > 0
    V = len(Vocab(TOKENS))  # a, b, c and <unk>
    assert example.factors[2].smoothed == pytest.approx(0.5 / (0.5 * V))  # 1/V: no evidence
    assert example.in_vocabulary == (True, False, True)
    text = str(example)
    assert "undefined" in text and "so they are <unk>: 'z'" in text


def test_the_notes_example_on_the_book():
    example = lesson03.chain_rule_example()
    assert example.words == ("deep", "learning", "niubi")
    assert example.plain == 0.0 and 0 < example.smoothed < 1e-6
    assert not example.in_vocabulary[2]  # niubi is <unk> to the book's vocabulary


def test_chain_rule_example_rejects_bad_input():
    with pytest.raises(TypeError, match="words must be"):
        lesson03.chain_rule_example("deep learning")
    with pytest.raises(ValueError, match="alpha"):
        lesson03.chain_rule_example(alpha=-1)


def test_ngram_storage_grows_as_v_to_the_n_while_the_text_stays_the_same():
    rows = lesson03.ngram_storage((1, 2, 3), tokens=TOKENS)
    assert [r.table for r in rows] == [4, 16, 64]
    # distinct: a b c | ab ba ac ca bb | aba bac aca cab abb bba
    assert [r.seen for r in rows] == [3, 5, 6]
    assert all(r.seen <= len(TOKENS) - r.n + 1 for r in rows)


def test_plot_baseline_draws_every_alpha_on_a_log_axis_and_marks_the_best():
    baseline = ngram.ngram_baseline(max_tokens=20_000)
    fig = lesson03.plot_baseline(baseline)
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert ax.get_yscale() == "log"
    assert sum("α =" in label for label in labels) == len(ngram.BASELINE_ALPHAS)
    assert any(f"α = {baseline.best_alpha:g} (best)" == label for label in labels)
    assert ax.get_xlabel() and ax.get_ylabel()
    with pytest.raises(ValueError, match="among those the baseline tried"):
        lesson03.plot_baseline(baseline, alphas=[0.5])
    assert math.isfinite(baseline.perplexity)
