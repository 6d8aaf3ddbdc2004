"""Checkers for notebook 03 (language models)."""

from __future__ import annotations

import math

from .feedback import Feedback, as_number, correct, describe, never_crashes, wrong

EXERCISE_TEXT = "abracadabra"
EXERCISE_VOCAB = sorted(set(EXERCISE_TEXT))  # a, b, c, d, r
PERPLEXITY_PROBS = (0.5, 0.25, 0.125, 0.5)


def _finite(x):
    value = as_number(x)
    return value if value is not None and math.isfinite(value) else None


@never_crashes
def check_laplace_bigram(prob) -> Feedback:
    """Exercise 1: P(b | a) in a character bigram model of "abracadabra" with add-one smoothing."""
    if _finite(prob) is None:
        return wrong(f"give one {'number' if as_number(prob) is None else 'finite number'}, "
                     f"got {describe(prob)}")
    prob = _finite(prob)
    V = len(EXERCISE_VOCAB)
    pairs = list(zip(EXERCISE_TEXT, EXERCISE_TEXT[1:], strict=False))
    ab = sum(1 for p in pairs if p == ("a", "b"))
    a_ctx = sum(1 for p in pairs if p[0] == "a")
    want = (ab + 1) / (a_ctx + V)
    if math.isclose(prob, want, rel_tol=1e-6):
        return correct(f"(count(a, b) + 1) / (count(a, ·) + V) = ({ab} + 1) / ({a_ctx} + {V}) "
                       f"= {want:.4f}.")
    if math.isclose(prob, ab / a_ctx):
        return wrong(f"{prob:.4f} is the unsmoothed ratio {ab}/{a_ctx}. Laplace adds 1 to the "
                     "count and the vocabulary size V to the denominator.")
    if math.isclose(prob, (ab + 1) / (a_ctx + 1)):
        return wrong("add V (one per possible next character), not 1, to the denominator — "
                     "otherwise the probabilities over the vocabulary do not sum to 1.")
    if math.isclose(prob, (ab + 1) / (EXERCISE_TEXT.count("a") + V)):
        return wrong(f"'a' occurs {EXERCISE_TEXT.count('a')} times but only {a_ctx} of them "
                     "are followed by a character (the last one ends the text). The denominator "
                     "counts bigrams that start with 'a'.")
    return wrong(f"{prob:.4f} is not it. Count the bigrams starting with 'a' and those equal "
                 f"to 'ab'; the vocabulary is {EXERCISE_VOCAB} (V = {V}).")


@never_crashes
def check_perplexity(value) -> Feedback:
    """Exercise 2: perplexity when a model gave the observed tokens ``PERPLEXITY_PROBS``."""
    if _finite(value) is None:
        return wrong(f"give one {'number' if as_number(value) is None else 'finite number'}, "
                     f"got {describe(value)}")
    value = _finite(value)
    nll = [-math.log(p) for p in PERPLEXITY_PROBS]
    want = math.exp(sum(nll) / len(nll))
    if math.isclose(value, want, rel_tol=1e-4):
        return correct(f"exp(mean NLL) = exp({sum(nll) / len(nll):.4f}) = {want:.4f}: "
                       f"the model is as unsure as a fair choice among about {want:.1f} tokens.")
    if math.isclose(value, sum(nll) / len(nll), rel_tol=1e-4):
        return wrong("that is the mean negative log-likelihood (the cross-entropy loss). "
                     "Perplexity is its exponential.")
    if math.isclose(value, sum(1 / p for p in PERPLEXITY_PROBS) / len(PERPLEXITY_PROBS)):
        return wrong("you averaged 1/p (an arithmetic mean). Perplexity is the *geometric* "
                     "mean of 1/p: average the logs, then exponentiate.")
    if math.isclose(value, len(PERPLEXITY_PROBS) / sum(PERPLEXITY_PROBS)):
        return wrong("that is 1 / (mean probability). Average -log p instead, then "
                     "exponentiate.")
    if math.isclose(value, math.exp(sum(nll)), rel_tol=1e-4):
        return wrong("you summed the negative log-likelihoods; take their *mean* before "
                     "exponentiating, so the answer does not depend on the text's length.")
    return wrong(f"{value:.4f} is not it: compute exp(-(1/N) Σ log p_i) over the {len(nll)} "
                 "probabilities.")


# Exercise (proposed): storage of a full 4-gram table over the book's word vocabulary.
STORAGE_N = 4


def storage_vocab_size() -> int:
    """The size of the book's word vocabulary, every word kept, ``<unk>`` included (4580)."""
    from ...text.vocab import Vocab
    from ...text.zipf import book_word_tokens

    return len(Vocab(book_word_tokens()))


@never_crashes
def check_ngram_storage(count) -> Feedback:
    """How many numbers a full table of a 4-gram model over the book's word vocabulary holds: |V|^4."""
    count = _finite(count)
    if count is None:
        return wrong("give one number (how many probabilities the table holds), e.g. 1e6")
    V, n = storage_vocab_size(), STORAGE_N
    want = V ** n
    if count == want:  # an exact count (below 2**53, so exact as a float too)
        return correct(f"|V|^{n} = {V}^{n} = {want:.3g} numbers: one for each of the |V|^{n - 1} "
                       f"contexts of {n - 1} words times each of the |V| next words — at 4 bytes "
                       f"each, {4 * want:.2g} bytes, for a book of fewer than 33,000 4-grams. That "
                       "is why the RNN replaces the window with a hidden state of fixed size.")
    if count == V ** (n - 1):
        return wrong(f"{V}^{n - 1} counts the contexts (the {n - 1} words before); each "
                     "context needs a probability for every one of the |V| next words.")
    if count in (2 * want, 4 * want, 8 * want):
        return wrong("that is bytes; the question asks how many numbers (probabilities).")
    if count == n * V:
        return wrong(f"{n} × |V| would be {n} separate tables of |V| numbers; but the table has one "
                     f"entry per combination of {n} words.")
    return wrong(f"{count:g} is not it. How many different sequences of {n} words can you form "
                 f"from the {V} entries of the vocabulary?")
