"""Checkers for notebook 02 (text preprocessing)."""

from __future__ import annotations

import math

from ...checks import as_int
from ...i18n import tr
from ...text.corpus import read_time_machine, tokenize
from ...text.vocab import Vocab
from ...text.zipf import book_word_tokens, min_freq_summary
from .feedback import Feedback, as_number, correct, describe, never_crashes, wrong

# The checkers read the immutable _LINE: a student editing EXERCISE_LINE cannot change what is right.
_LINE = ("the", "time", "traveller", "for", "so", "it", "will", "be", "convenient")
EXERCISE_LINE = list(_LINE)
EXERCISE_MIN_FREQ = 10


def _book_vocab() -> Vocab:
    return Vocab(tokenize(read_time_machine(), "word"))


@never_crashes
def check_indices(indices) -> Feedback:
    """Exercise 1: the indices of ``EXERCISE_LINE`` in the book's word vocabulary (min_freq=0)."""
    vocab = _book_vocab()
    want = vocab[list(_LINE)]
    if hasattr(indices, "tolist") and not isinstance(indices, (list, tuple)):
        indices = indices.tolist()  # a tensor or an array of indices
    if not isinstance(indices, (list, tuple)) or not all(
            as_int(i) is not None for i in indices):
        return wrong(tr("nb02.check_indices.wrong2", indices=describe(indices)))
    indices = [as_int(i) for i in indices]
    if len(indices) != len(want):
        return wrong(tr("nb02.check_indices.wrong3", len_want=len(want), len_indices=len(indices)))
    if indices == want:
        return correct(tr("nb02.check_indices.correct", want=want))
    if indices == [i - 1 for i in want]:
        return wrong(tr("nb02.check_indices.wrong4"))
    first = next(k for k in range(len(want)) if indices[k] != want[k])
    return wrong(tr("nb02.check_indices.wrong", first=first, token=_LINE[first],
                    want_index=want[first], got_index=indices[first]))


@never_crashes
def check_unk_share(share) -> Feedback:
    """Exercise 2: the fraction of the book's word tokens that become <unk> with min_freq=10."""
    want = min_freq_summary(book_word_tokens(), EXERCISE_MIN_FREQ).unk_share
    value = as_number(share)
    if value is None or not math.isfinite(value):
        return wrong(tr("nb02.check_unk_share.wrong2", share=describe(share)))
    share = value
    if math.isclose(share, want, abs_tol=5e-4):
        return correct(tr("nb02.check_unk_share.correct", want=want, percent=100 * want))
    if math.isclose(share, 100 * want, abs_tol=0.05):
        return wrong(tr("nb02.check_unk_share.wrong3"))
    all_types = min_freq_summary(book_word_tokens(), 0).vocab_size - 1  # minus <unk>
    kept_types = min_freq_summary(book_word_tokens(), EXERCISE_MIN_FREQ).vocab_size - 1
    type_share = 1 - kept_types / all_types
    if math.isclose(share, type_share, abs_tol=5e-3):
        return wrong(tr("nb02.check_unk_share.wrong4"))
    return wrong(tr("nb02.check_unk_share.wrong", share=share))
