"""Checkers for notebook 02 (text preprocessing)."""

from __future__ import annotations

import math

from ...checks import as_int
from ...text.corpus import read_time_machine, tokenize
from ...text.vocab import Vocab
from ...text.zipf import book_word_tokens, min_freq_summary
from .feedback import Feedback, as_number, correct, describe, never_crashes, wrong

EXERCISE_LINE = ["the", "time", "traveller", "for", "so", "it", "will", "be", "convenient"]
EXERCISE_MIN_FREQ = 10


def _book_vocab() -> Vocab:
    return Vocab(tokenize(read_time_machine(), "word"))


@never_crashes
def check_indices(indices) -> Feedback:
    """Exercise 1: the indices of ``EXERCISE_LINE`` in the book's word vocabulary (min_freq=0)."""
    vocab = _book_vocab()
    want = vocab[EXERCISE_LINE]
    if hasattr(indices, "tolist") and not isinstance(indices, (list, tuple)):
        indices = indices.tolist()  # a tensor or an array of indices
    if not isinstance(indices, (list, tuple)) or not all(
            as_int(i) is not None for i in indices):
        return wrong(f"give a list of integers, one per token; got {describe(indices)}")
    indices = [as_int(i) for i in indices]
    if len(indices) != len(want):
        return wrong(f"the line has {len(want)} tokens, so expect {len(want)} indices; "
                     f"got {len(indices)}")
    if indices == want:
        return correct(f"{want}. Frequent words get small indices: 'the' is 1 because it is "
                       "the most common token, right after <unk> at 0.")
    if indices == [i - 1 for i in want]:
        return wrong("every index is one too small: index 0 is reserved for <unk>, so the "
                     "most frequent word 'the' is 1.")
    first = next(k for k in range(len(want)) if indices[k] != want[k])
    return wrong(f"token {first} ({EXERCISE_LINE[first]!r}) should map to {want[first]}, "
                 f"got {indices[first]}. Build Vocab(tokens) from *all* the book's word tokens "
                 "and look each word up with vocab[token].")


@never_crashes
def check_unk_share(share) -> Feedback:
    """Exercise 2: the fraction of the book's word tokens that become <unk> with min_freq=10."""
    want = min_freq_summary(book_word_tokens(), EXERCISE_MIN_FREQ).unk_share
    value = as_number(share)
    if value is None or not math.isfinite(value):
        return wrong(f"give one number (a fraction between 0 and 1), got {describe(share)}")
    share = value
    if math.isclose(share, want, abs_tol=5e-4):
        return correct(f"{want:.4f}: about {100 * want:.0f}% of the running text is lost to "
                       "<unk>, although the vocabulary shrinks far more than that — the long "
                       "Zipf tail holds many types but few tokens.")
    if math.isclose(share, 100 * want, abs_tol=0.05):
        return wrong("that looks like a percentage; give the fraction (divide by 100).")
    all_types = min_freq_summary(book_word_tokens(), 0).vocab_size - 1  # minus <unk>
    kept_types = min_freq_summary(book_word_tokens(), EXERCISE_MIN_FREQ).vocab_size - 1
    type_share = 1 - kept_types / all_types
    if math.isclose(share, type_share, abs_tol=5e-3):
        return wrong("you measured the share of *distinct words* (types) dropped. The question "
                     "asks for the share of the running text (tokens): count every occurrence.")
    return wrong(f"{share:.4f} is not it. Build Vocab(tokens, min_freq=10), map every token of "
                 "the book and count how many become vocab.unk, divided by the number of tokens.")
