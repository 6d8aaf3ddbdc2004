"""Notebook 02's checkers accept the right answer and explain typical wrong ones."""

from rnnlab import Vocab, read_time_machine, tokenize
from rnnlab.course.exercises import nb02


def book_vocab(min_freq=0):
    return Vocab(tokenize(read_time_machine(), "word"), min_freq=min_freq)


def test_indices_right_and_off_by_one():
    want = book_vocab()[nb02.EXERCISE_LINE]
    assert nb02.check_indices(want).ok
    fb = nb02.check_indices([i - 1 for i in want])
    assert not fb.ok and "<unk>" in fb.message
    fb = nb02.check_indices(want[:-1])
    assert not fb.ok and "expect 9 indices" in fb.message
    wrong_vocab = Vocab(tokenize(read_time_machine()[:50], "word"))[nb02.EXERCISE_LINE]
    fb = nb02.check_indices(wrong_vocab)
    assert not fb.ok and "*all* the book" in fb.message
    assert not nb02.check_indices("1 19 71").ok


def test_unk_share():
    tokens = [t for line in tokenize(read_time_machine(), "word") for t in line]
    vocab = book_vocab(nb02.EXERCISE_MIN_FREQ)
    share = sum(vocab[t] == vocab.unk for t in tokens) / len(tokens)
    assert nb02.check_unk_share(share).ok
    fb = nb02.check_unk_share(100 * share)
    assert not fb.ok and "percentage" in fb.message
    type_share = 1 - (len(vocab) - 1) / (len(book_vocab()) - 1)
    fb = nb02.check_unk_share(type_share)
    assert not fb.ok and "distinct words" in fb.message
    assert not nb02.check_unk_share(None).ok


def test_checker_ignores_a_student_mutating_the_exercise_line():
    vocab = book_vocab()
    right = vocab[list(nb02.EXERCISE_LINE)]
    saved = list(nb02.EXERCISE_LINE)
    try:
        nb02.EXERCISE_LINE[1] = "machine"  # the student's in-place edit
        assert nb02.check_indices(right).ok
        assert not nb02.check_indices(vocab[nb02.EXERCISE_LINE]).ok
    finally:
        nb02.EXERCISE_LINE[:] = saved


def hand_vocabulary(min_freq=nb02.EXERCISE_MIN_FREQ, order=None):
    import collections

    counts = collections.Counter(t for line in tokenize(read_time_machine(), "word") for t in line)
    items = counts.most_common() if order is None else order(counts)
    token_to_idx = {"<unk>": 0}
    for word, count in items:
        if count >= min_freq:
            token_to_idx[word] = len(token_to_idx)
    return token_to_idx


def test_vocabulary_by_hand_accepts_the_right_dict_and_explains_typical_mistakes():
    right = hand_vocabulary()
    line = [right.get(w, 0) for w in nb02.EXERCISE_LINE]
    assert nb02.check_vocabulary(right, line).ok
    assert line[-1] == 0  # "convenient" is rarer than min_freq: <unk>
    fb = nb02.check_vocabulary(hand_vocabulary(min_freq=5), line)
    assert not fb.ok and "dropped" in fb.message
    fb = nb02.check_vocabulary(hand_vocabulary(min_freq=11), line)
    assert not fb.ok and "belongs in the vocabulary" in fb.message
    fb = nb02.check_vocabulary(hand_vocabulary(order=lambda c: sorted(c.items())), line)
    assert not fb.ok and "decreasing count" in fb.message
    shifted = {t: (i - 1 if t != "<unk>" else 0) for t, i in right.items()}
    fb = nb02.check_vocabulary(shifted, line)
    assert not fb.ok and "one too small" in fb.message
    fb = nb02.check_vocabulary({k: v for k, v in right.items() if k != "<unk>"}, line)
    assert not fb.ok and "index 0" in fb.message
    fb = nb02.check_vocabulary(right, line[:-1] + [-1])
    assert not fb.ok and "maps to <unk>" in fb.message
    fb = nb02.check_vocabulary(list(right), line)
    assert not fb.ok and "dict" in fb.message
    assert not nb02.check_vocabulary(None, None).ok


def test_vocabulary_checker_ignores_a_student_mutating_the_exercise_line():
    right = hand_vocabulary()
    line = [right.get(w, 0) for w in nb02.EXERCISE_LINE]
    saved = list(nb02.EXERCISE_LINE)
    try:
        nb02.EXERCISE_LINE[-1] = "machine"
        assert nb02.check_vocabulary(right, line).ok
        assert not nb02.check_vocabulary(right, [right.get(w, 0) for w in nb02.EXERCISE_LINE]).ok
    finally:
        nb02.EXERCISE_LINE[:] = saved
