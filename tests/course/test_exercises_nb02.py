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
