"""n-gram counts, Laplace smoothing, perplexity and the character n-gram baseline."""

import math

import pytest
import torch

from rnnlab.text import ngram


def test_ngram_counts_and_frequencies():
    tokens = list("abab")
    assert ngram.ngrams(tokens, 2) == [("a", "b"), ("b", "a"), ("a", "b")]
    assert ngram.ngram_counts(tokens, 2)[("a", "b")] == 2
    assert ngram.ngram_frequencies(tokens, 1) == [2, 2]
    assert ngram.ngram_frequencies(tokens, 3) == [1, 1]
    with pytest.raises(ValueError, match="n must be >= 1"):
        ngram.ngrams(tokens, 0)


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.0])
def test_probabilities_sum_to_one(n, alpha):
    tokens = [0, 1, 2, 1, 0, 1, 2, 2, 1, 0]
    model = ngram.NgramModel(tokens, n, vocab_size=5, alpha=alpha)
    for context in [(), (0,), (1, 2), (4, 4)]:  # (4, 4): never seen
        if len(context) < n - 1:
            continue
        dist = model.distribution(context)
        assert dist.shape == (5,)
        assert math.isclose(float(dist.sum()), 1.0, rel_tol=1e-12)


def test_counts_are_ratios_without_smoothing():
    model = ngram.NgramModel([0, 1, 0, 2, 0, 1], 2, vocab_size=3, alpha=0)
    # after 0 come 1, 2, 1
    assert model.prob(1, [0]) == pytest.approx(2 / 3)
    assert model.prob(0, [0]) == 0.0
    assert model.prob(0, [1, 1, 2]) == 1.0  # only the last n-1 tokens count: after 2 comes 0


def test_laplace_gives_no_zero_probabilities():
    model = ngram.NgramModel([0, 1, 0, 1], 2, vocab_size=4, alpha=1.0)
    for context in range(4):
        assert bool((model.distribution([context]) > 0).all())
    # add-one: (count + 1) / (context count + V)
    assert model.prob(1, [0]) == pytest.approx((2 + 1) / (2 + 4))
    assert model.prob(3, [0]) == pytest.approx(1 / 6)


def test_uniform_model_perplexity_is_vocab_size():
    # No training text and alpha > 0: every token gets 1 / V.
    model = ngram.NgramModel([], 1, vocab_size=7, alpha=1.0)
    assert ngram.perplexity(model, [0, 3, 6, 2, 2]) == pytest.approx(7)
    assert ngram.perplexity_from_probs([1 / 7] * 4) == pytest.approx(7)


def test_perplexity_is_exp_mean_nll():
    model = ngram.NgramModel([0, 1, 1, 0, 1], 1, vocab_size=2, alpha=0)
    p0, p1 = 2 / 5, 3 / 5
    expected = math.exp(-(math.log(p0) + 2 * math.log(p1)) / 3)
    assert ngram.perplexity(model, [0, 1, 1]) == pytest.approx(expected)
    assert ngram.perplexity_from_probs([1.0, 1.0]) == 1.0  # perfect prediction


def test_unseen_token_without_smoothing_gives_infinite_perplexity():
    model = ngram.NgramModel([0, 1, 0, 1], 2, vocab_size=3, alpha=0)
    assert ngram.perplexity(model, [0, 1, 2]) == math.inf
    smoothed = model.with_alpha(0.1)
    assert math.isfinite(ngram.perplexity(smoothed, [0, 1, 2]))
    assert model.alpha == 0  # with_alpha leaves the original alone


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="alpha must be a finite number >= 0"):
        ngram.NgramModel([0], 1, 2, alpha=-1)
    with pytest.raises(ValueError, match=r"tokens must be indices in \[0, 1\]"):
        ngram.NgramModel([0, 2], 1, 2)
    with pytest.raises(ValueError, match="vocab_size must be >= 1"):
        ngram.NgramModel([0], 1, 0)
    model = ngram.NgramModel([0, 1, 0], 3, 2)
    with pytest.raises(ValueError, match="needs a context of 2 tokens"):
        model.prob(0, [1])
    with pytest.raises(ValueError, match="start must be >= 2"):
        ngram.perplexity(model, [0, 1, 0], start=1)
    with pytest.raises(ValueError, match=r"probs must lie in \[0, 1\]"):
        ngram.perplexity_from_probs([0.5, 1.5])


def test_more_context_helps_on_structured_text():
    text = [0, 1, 2] * 50
    uni = ngram.NgramModel(text, 1, 3, alpha=0.1)
    tri = ngram.NgramModel(text, 3, 3, alpha=0.1)
    held_out = [0, 1, 2, 0, 1, 2]
    assert ngram.perplexity(tri, held_out, start=2) < ngram.perplexity(uni, held_out, start=2)


def test_baseline_on_small_corpus():
    b = ngram.ngram_baseline(ns=(1, 2, 3), alphas=(1.0, 0.1), max_tokens=5000)
    assert set(b.table) == {(n, a) for n in (1, 2, 3) for a in (1.0, 0.1)}
    assert b.num_train + b.num_val == 5000
    assert b.perplexity == min(b.table.values())
    assert 1 < b.perplexity < b.vocab_size
    # a bigram beats a unigram on English characters
    assert b.table[(2, 1.0)] < b.table[(1, 1.0)]
    assert set(b.by_n(0.1)) == {1, 2, 3}
    assert f"n={b.best_n}" in str(b)


def test_baseline_perplexity_on_the_book():
    value = ngram.baseline_perplexity()
    b = ngram.ngram_baseline()
    assert value == b.perplexity
    assert b.best_n > 1
    # far better than uniform guessing, and a unigram model
    assert value < b.table[(1, 1.0)] < b.vocab_size


def test_distribution_is_a_tensor():
    model = ngram.NgramModel([0, 1], 1, 2)
    assert isinstance(model.distribution(), torch.Tensor)


def test_baseline_with_less_training_text():
    full = ngram.ngram_baseline(ns=(1, 2, 3), alphas=(1.0,), max_tokens=5000)
    small = ngram.ngram_baseline(ns=(1, 2, 3), alphas=(1.0,), max_tokens=5000,
                                 max_train_tokens=1000)
    assert small.num_train == 1000 and small.num_val == full.num_val
    assert small.perplexity > full.perplexity  # less text, worse model, same validation text
    with pytest.raises(ValueError, match="max_train_tokens must be >= -1"):
        ngram.ngram_baseline(max_train_tokens=-5)


def test_baseline_scores_the_heldout_stream_and_can_stop_early():
    from rnnlab.text.corpus import heldout_stream, load_corpus_time_machine, train_val_split

    b = ngram.ngram_baseline(ns=(1, 2, 3), alphas=(1.0,), max_val_tokens=500)
    assert b.num_val == 500
    corpus, vocab = load_corpus_time_machine()
    train, _ = train_val_split(corpus)
    tokens, start = heldout_stream(2, max_val_tokens=500)
    by_hand = ngram.perplexity(ngram.NgramModel(train, 3, len(vocab), alpha=1.0), tokens, start)
    assert b.table[(3, 1.0)] == pytest.approx(by_hand)
