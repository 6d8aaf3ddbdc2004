"""Notebook 03's checkers accept the right answer and explain typical wrong ones."""

import math

from rnnlab.course.exercises import nb03
from rnnlab.text import ngram, zipf


def test_laplace_bigram_matches_ngram_model():
    vocab = nb03.EXERCISE_VOCAB
    idx = [vocab.index(c) for c in nb03.EXERCISE_TEXT]
    model = ngram.NgramModel(idx, 2, len(vocab), alpha=1.0)
    p = model.prob(vocab.index("b"), [vocab.index("a")])
    assert nb03.check_laplace_bigram(p).ok


def test_laplace_bigram_typical_mistakes():
    fb = nb03.check_laplace_bigram(0.5)
    assert not fb.ok and "unsmoothed" in fb.message
    fb = nb03.check_laplace_bigram(3 / 5)
    assert not fb.ok and "add V" in fb.message
    fb = nb03.check_laplace_bigram(3 / 10)
    assert not fb.ok and "last one ends the text" in fb.message
    assert not nb03.check_laplace_bigram(True).ok


def test_perplexity_checker():
    p = nb03.PERPLEXITY_PROBS
    assert nb03.check_perplexity(ngram.perplexity_from_probs(p)).ok
    mean_nll = -sum(math.log(x) for x in p) / len(p)
    fb = nb03.check_perplexity(mean_nll)
    assert not fb.ok and "exponential" in fb.message
    fb = nb03.check_perplexity(sum(1 / x for x in p) / len(p))
    assert not fb.ok and "geometric" in fb.message
    fb = nb03.check_perplexity(math.exp(len(p) * mean_nll))
    assert not fb.ok and "*mean*" in fb.message


def test_ngram_storage_accepts_v_to_the_fourth_and_explains_typical_mistakes():
    V = nb03.storage_vocab_size()
    assert V == len(ngram.ngram_counts(zipf.book_word_tokens(), 1)) + 1  # every word and <unk>
    assert nb03.check_ngram_storage(V ** 4).ok
    assert nb03.check_ngram_storage(float(V ** 4)).ok
    fb = nb03.check_ngram_storage(V ** 3)
    assert not fb.ok and "contexts" in fb.message
    fb = nb03.check_ngram_storage(4 * V ** 4)
    assert not fb.ok and "bytes" in fb.message
    fb = nb03.check_ngram_storage(4 * V)
    assert not fb.ok and "combination" in fb.message
    fb = nb03.check_ngram_storage(V ** 4 + 1)
    assert not fb.ok and "not it" in fb.message
    fb = nb03.check_ngram_storage("1e20")
    assert not fb.ok and "number" in fb.message


def test_checker_ignores_a_student_mutating_the_exercise_vocab():
    right = (2 + 1) / (4 + 5)  # ab occurs twice, four bigrams start with a, V = 5
    saved = list(nb03.EXERCISE_VOCAB)
    try:
        nb03.EXERCISE_VOCAB.append("z")  # the student's in-place edit: V would become 6
        assert nb03.check_laplace_bigram(right).ok
        assert not nb03.check_laplace_bigram((2 + 1) / (4 + len(nb03.EXERCISE_VOCAB))).ok
    finally:
        nb03.EXERCISE_VOCAB[:] = saved
