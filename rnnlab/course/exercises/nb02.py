"""Checkers for notebook 02 (text preprocessing)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

from ...checks import as_int
from ...i18n import tr
from ...text.corpus import read_time_machine, tokenize
from ...text.vocab import UNK, Vocab
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
    return _check_line_indices(indices, _book_vocab())


@never_crashes
def check_unk_share(share) -> Feedback:
    """Exercise 2: the fraction of the book's word tokens that become <unk> with min_freq=10."""
    want = min_freq_summary(book_word_tokens(), EXERCISE_MIN_FREQ).unk_share
    value = as_number(share)
    if value is None or not math.isfinite(value):
        return wrong(tr("nb02.check_unk_share.not_a_number", share=describe(share)))
    share = value
    if math.isclose(share, want, abs_tol=5e-4):
        return correct(tr("nb02.check_unk_share.correct", want=want, percent=100 * want))
    if math.isclose(share, 100 * want, abs_tol=0.05):
        return wrong(tr("nb02.check_unk_share.percentage_not_fraction"))
    all_types = min_freq_summary(book_word_tokens(), 0).vocab_size - 1  # minus <unk>
    kept_types = min_freq_summary(book_word_tokens(), EXERCISE_MIN_FREQ).vocab_size - 1
    type_share = 1 - kept_types / all_types
    if math.isclose(share, type_share, abs_tol=5e-3):
        return wrong(tr("nb02.check_unk_share.counted_types_not_tokens"))
    return wrong(tr("nb02.check_unk_share.wrong", share=share))


def _book_vocab_counts(min_freq: int):
    """The reference: the book's word vocabulary with ``min_freq`` and the words' counts."""
    tokens = book_word_tokens()
    return Vocab(tokens, min_freq=min_freq), Counter(tokens)


@never_crashes
def check_vocabulary(token_to_idx, indices) -> Feedback:
    """Exercise 1: a word vocabulary of the book built by hand (``min_freq = EXERCISE_MIN_FREQ``)
    as a dict ``token -> index``, and the indices of ``EXERCISE_LINE`` through it."""
    vocab, counts = _book_vocab_counts(EXERCISE_MIN_FREQ)
    want = vocab.token_to_idx
    if token_to_idx is None or indices is None:
        return wrong(tr("nb02.check_vocabulary.placeholder"))
    if not isinstance(token_to_idx, Mapping):
        return wrong(tr("nb02.check_vocabulary.not_a_dict", got=describe(token_to_idx)))
    given = {}
    for token, index in token_to_idx.items():
        if as_int(index) is None:
            return wrong(tr("nb02.check_vocabulary.bad_index", token=describe(token), index=describe(index)))
        given[token] = as_int(index)
    if given.get(UNK) != 0:
        return wrong(tr("nb02.check_vocabulary.unk"))
    rare = [t for t in given if t != UNK and counts.get(t, 0) < EXERCISE_MIN_FREQ]
    if rare:
        return wrong(tr("nb02.check_vocabulary.rare", token=rare[0], count=counts.get(rare[0], 0),
                        min_freq=EXERCISE_MIN_FREQ))
    missing = [t for t in want if t not in given]
    if missing:
        return wrong(tr("nb02.check_vocabulary.missing", token=missing[0], count=counts[missing[0]],
                        min_freq=EXERCISE_MIN_FREQ))
    if given != want:
        if all(given[t] == want[t] - 1 for t in want if t != UNK):
            return wrong(tr("nb02.check_vocabulary.off_by_one"))
        token = min((t for t in want if given[t] != want[t]), key=lambda t: want[t])
        return wrong(tr("nb02.check_vocabulary.order", token=token, count=counts[token],
                        want=want[token], got=given[token]))
    line_feedback = _check_line_indices(indices, vocab)
    if not line_feedback.ok:
        return line_feedback
    return correct(tr("nb02.check_vocabulary.correct", size=len(want), min_freq=EXERCISE_MIN_FREQ,
                      indices=vocab[list(_LINE)]))


def _check_line_indices(indices, vocab: Vocab) -> Feedback:
    """The indices of ``_LINE`` through ``vocab``, with the usual mistakes explained."""
    want = vocab[list(_LINE)]
    if hasattr(indices, "tolist") and not isinstance(indices, (list, tuple)):
        indices = indices.tolist()  # a tensor or an array of indices
    if not isinstance(indices, (list, tuple)) or not all(as_int(i) is not None for i in indices):
        return wrong(tr("nb02.check_indices.not_integer_list", indices=describe(indices)))
    indices = [as_int(i) for i in indices]
    if len(indices) != len(want):
        return wrong(tr("nb02.check_indices.wrong_length", len_want=len(want), len_indices=len(indices)))
    if indices == want:
        return correct(tr("nb02.check_indices.correct", want=want))
    if indices == [i - 1 for i in want]:
        return wrong(tr("nb02.check_indices.off_by_one"))
    first = next(k for k in range(len(want)) if indices[k] != want[k])
    if want[first] == vocab.unk:
        return wrong(tr("nb02.check_vocabulary.line_unk", token=_LINE[first], got=indices[first]))
    return wrong(tr("nb02.check_indices.wrong", first=first, token=_LINE[first],
                    want_index=want[first], got_index=indices[first]))
