"""Checkers for notebook 03 (language models)."""

from __future__ import annotations

import math

from ...i18n import tr
from .feedback import Feedback, correct, finite_number, never_crashes, wrong

EXERCISE_TEXT = "abracadabra"
# The checkers read the immutable _VOCAB: a student editing EXERCISE_VOCAB cannot change what is right.
_VOCAB = tuple(sorted(set(EXERCISE_TEXT)))  # a, b, c, d, r
EXERCISE_VOCAB = list(_VOCAB)
PERPLEXITY_PROBS = (0.5, 0.25, 0.125, 0.5)


@never_crashes
def check_laplace_bigram(prob) -> Feedback:
    """Exercise 1: P(b | a) in a character bigram model of "abracadabra" with add-one smoothing."""
    prob, problem = finite_number(prob, "one")
    if problem is not None:
        return problem
    V = len(_VOCAB)
    pairs = list(zip(EXERCISE_TEXT, EXERCISE_TEXT[1:], strict=False))
    ab = sum(1 for p in pairs if p == ("a", "b"))
    a_ctx = sum(1 for p in pairs if p[0] == "a")
    want = (ab + 1) / (a_ctx + V)
    if math.isclose(prob, want, rel_tol=1e-6):
        return correct(tr("nb03.check_laplace_bigram.correct", ab=ab, a_ctx=a_ctx, V=V, want=want))
    if math.isclose(prob, ab / a_ctx):
        return wrong(tr("nb03.check_laplace_bigram.unsmoothed_ratio", prob=prob, ab=ab, a_ctx=a_ctx))
    if math.isclose(prob, (ab + 1) / (a_ctx + 1)):
        return wrong(tr("nb03.check_laplace_bigram.added_one_not_v"))
    if math.isclose(prob, (ab + 1) / (EXERCISE_TEXT.count("a") + V)):
        return wrong(tr("nb03.check_laplace_bigram.counted_final_a", count_a=EXERCISE_TEXT.count('a'),
                        a_ctx=a_ctx))
    return wrong(tr("nb03.check_laplace_bigram.wrong", prob=prob, EXERCISE_VOCAB=list(_VOCAB), V=V))


@never_crashes
def check_perplexity(value) -> Feedback:
    """Exercise 2: perplexity when a model gave the observed tokens ``PERPLEXITY_PROBS``."""
    value, problem = finite_number(value, "one")
    if problem is not None:
        return problem
    nll = [-math.log(p) for p in PERPLEXITY_PROBS]
    want = math.exp(sum(nll) / len(nll))
    if math.isclose(value, want, rel_tol=1e-4):
        return correct(tr("nb03.check_perplexity.correct", mean_nll=sum(nll) / len(nll), want=want))
    if math.isclose(value, sum(nll) / len(nll), rel_tol=1e-4):
        return wrong(tr("nb03.check_perplexity.gave_mean_nll"))
    if math.isclose(value, sum(1 / p for p in PERPLEXITY_PROBS) / len(PERPLEXITY_PROBS)):
        return wrong(tr("nb03.check_perplexity.arithmetic_mean_of_inverse"))
    if math.isclose(value, len(PERPLEXITY_PROBS) / sum(PERPLEXITY_PROBS)):
        return wrong(tr("nb03.check_perplexity.inverse_mean_probability"))
    if math.isclose(value, math.exp(sum(nll)), rel_tol=1e-4):
        return wrong(tr("nb03.check_perplexity.summed_not_averaged"))
    return wrong(tr("nb03.check_perplexity.wrong", value=value, len_nll=len(nll)))


# Exercise: storage of a full 4-gram table over the book's word vocabulary.
STORAGE_N = 4


def storage_vocab_size() -> int:
    """The size of the book's word vocabulary, every word kept, ``<unk>`` included (4580)."""
    from ...text.vocab import Vocab
    from ...text.zipf import book_word_tokens

    return len(Vocab(book_word_tokens()))


@never_crashes
def check_ngram_storage(count) -> Feedback:
    """How many numbers a full table of a 4-gram model over the book's word vocabulary holds: |V|^4."""
    count, problem = finite_number(count)
    if problem is not None:
        return wrong(tr("nb03.check_ngram_storage.no_number"))
    V, n = storage_vocab_size(), STORAGE_N
    want = V ** n
    if count == want:  # an exact count (below 2**53, so exact as a float too)
        return correct(tr("nb03.check_ngram_storage.correct", V=V, n=n, context=n - 1, want=want,
                          bytes=4 * want))
    if count == V ** (n - 1):
        return wrong(tr("nb03.check_ngram_storage.contexts", V=V, context=n - 1))
    if count in (2 * want, 4 * want, 8 * want):
        return wrong(tr("nb03.check_ngram_storage.bytes"))
    if count == n * V:
        return wrong(tr("nb03.check_ngram_storage.n_tables", n=n))
    return wrong(tr("nb03.check_ngram_storage.wrong", count=count, n=n, V=V))
