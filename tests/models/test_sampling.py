import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnlab
from rnnlab.text.minibatches import min_corpus_length

SCHEMES = {"random": rnnlab.seq_data_iter_random, "sequential": rnnlab.seq_data_iter_sequential}


@st.composite
def corpus_and_shape(draw):
    batch_size = draw(st.integers(1, 6))
    num_steps = draw(st.integers(1, 8))
    extra = draw(st.integers(0, 80))
    length = min_corpus_length(batch_size, num_steps) + extra
    return list(range(length)), batch_size, num_steps


def _generator(seed):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("scheme", SCHEMES)
@settings(max_examples=60, deadline=None)
@given(args=corpus_and_shape(), seed=st.integers(0, 2**16))
def test_targets_are_next_tokens_and_indices_in_range(scheme, args, seed):
    corpus, batch_size, num_steps = args  # corpus[i] == i, so values are positions
    batches = list(SCHEMES[scheme](corpus, batch_size, num_steps, _generator(seed)))
    assert batches, "a corpus of the minimum length must give at least one batch"
    for X, Y in batches:
        assert X.shape == Y.shape == (batch_size, num_steps)
        assert torch.equal(Y, X + 1)
        assert 0 <= int(X.min()) and int(Y.max()) < len(corpus)
        # each row is a contiguous stretch of text
        assert torch.equal(X[:, 1:] - X[:, :-1], torch.ones(batch_size, num_steps - 1, dtype=torch.long))


@pytest.mark.parametrize("scheme", SCHEMES)
@settings(max_examples=60, deadline=None)
@given(args=corpus_and_shape(), seed=st.integers(0, 2**16))
def test_no_subsequence_repeats_within_an_epoch(scheme, args, seed):
    corpus, batch_size, num_steps = args
    starts = [int(x) for X, _ in SCHEMES[scheme](corpus, batch_size, num_steps, _generator(seed))
              for x in X[:, 0]]
    assert len(starts) == len(set(starts))
    # and no two subsequences overlap
    starts.sort()
    assert all(b - a >= num_steps for a, b in zip(starts, starts[1:]))


@settings(max_examples=60, deadline=None)
@given(args=corpus_and_shape(), seed=st.integers(0, 2**16))
def test_sequential_rows_continue_across_batches(args, seed):
    corpus, batch_size, num_steps = args
    batches = list(rnnlab.seq_data_iter_sequential(corpus, batch_size, num_steps, _generator(seed)))
    for (X0, _), (X1, _) in zip(batches, batches[1:]):
        assert torch.equal(X1[:, 0], X0[:, -1] + 1)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_offset_is_random_within_num_steps(scheme):
    corpus, num_steps = list(range(400)), 5
    firsts = set()
    for seed in range(60):
        X, _ = next(iter(SCHEMES[scheme](corpus, 2, num_steps, _generator(seed))))
        firsts.add(int(X.min()) % num_steps)
    assert firsts == set(range(num_steps))


def test_loader_is_reiterable_with_fixed_len_and_seeded():
    corpus = list(range(1000))
    a = rnnlab.SeqDataLoader(corpus, 4, 7, use_random_iter=True, seed=3)
    b = rnnlab.SeqDataLoader(corpus, 4, 7, use_random_iter=True, seed=3)
    epoch1, epoch2 = list(a), list(a)
    assert len(epoch1) == len(epoch2) == len(a) > 0
    assert not all(torch.equal(x1, x2) for (x1, _), (x2, _) in zip(epoch1, epoch2))
    assert all(torch.equal(x1, x2) for (x1, _), (x2, _) in zip(epoch1, list(b)))


@pytest.mark.parametrize("use_random_iter", [False, True])
@settings(max_examples=40, deadline=None)
@given(args=corpus_and_shape(), seed=st.integers(0, 1000))
def test_loader_len_matches_every_epoch(use_random_iter, args, seed):
    corpus, batch_size, num_steps = args
    loader = rnnlab.SeqDataLoader(corpus, batch_size, num_steps, use_random_iter, seed=seed)
    for _ in range(3):
        assert len(list(loader)) == len(loader) >= 1


def test_load_data_time_machine_matches_the_seed_settings():
    loader, vocab = rnnlab.load_data_time_machine(32, 35)
    assert len(vocab) == 28 and len(loader.corpus) == 10000
    X, Y = next(iter(loader))
    assert X.shape == (32, 35) and X.dtype == torch.long


def test_split_loaders_never_share_text():
    train, val, vocab = rnnlab.load_data_time_machine_split(32, 35, max_tokens=20000)
    assert len(train.corpus) + len(val.corpus) == 20000
    assert not val.random_offset and len(val) >= 1


@pytest.mark.parametrize("kwargs, message", [
    (dict(batch_size=0, num_steps=5), "batch_size must be >= 1, got 0"),
    (dict(batch_size=2, num_steps=0), "num_steps must be >= 1, got 0"),
    (dict(batch_size=2, num_steps=2.5), "num_steps must be an integer, got 2.5"),
    (dict(batch_size=50, num_steps=5), r"corpus of 100 tokens is too short .* at least .* = 255"),
])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_bad_arguments_are_named(scheme, kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        list(SCHEMES[scheme](list(range(100)), **kwargs))


def test_a_two_dimensional_corpus_is_refused():
    with pytest.raises(ValueError, match="flat sequence"):
        rnnlab.SeqDataLoader([[1, 2], [3, 4]], 1, 1)
