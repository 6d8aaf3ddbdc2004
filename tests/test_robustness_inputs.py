"""Issue 12: bad input gets a clear error (naming argument, value, what is allowed), not a wrong result."""

import math
import os

import numpy as np
import pytest
import torch

import rnnlab
from rnnlab import randomness
from rnnlab.generation import predict, sample
from rnnlab.models import RNNModel, RNNScratch, require_tokens
from rnnlab.notebook import setup
from rnnlab.series import noisy_sine
from rnnlab.text.minibatches import (
    SeqDataLoader,
    load_data_time_machine,
    seq_data_iter_random,
    seq_data_iter_sequential,
)
from rnnlab.text.ngram import NgramModel
from rnnlab.text.vocab import Vocab

VOCAB = Vocab([list("hello world")])
CORPUS = list(range(8)) * 10


@pytest.fixture(autouse=True)
def _no_course_seed_left_behind():
    yield
    randomness.set_course_seed(None)


# ------------------------------------------------------------------ generation
def test_generation_refuses_a_model_of_another_vocabulary_size_naming_both():
    model = RNNScratch(len(VOCAB) + 3, 4)
    with pytest.raises(ValueError, match=rf"vocab_size={len(VOCAB) + 3} but the vocabulary holds "
                                         rf"{len(VOCAB)}"):
        predict("he", 3, model, VOCAB)
    with pytest.raises(ValueError, match="vocab_size"):
        sample("he", 3, model, VOCAB)


def test_generation_restores_train_mode_when_it_fails(monkeypatch):
    model = RNNModel(len(VOCAB), 4)
    model.train()
    calls = []

    def broken_forward(X, state=None):
        calls.append(model.training)
        raise RuntimeError("boom")

    monkeypatch.setattr(model, "forward", broken_forward)
    with pytest.raises(RuntimeError, match="boom"):
        predict("hel", 2, model, VOCAB)
    assert calls == [False] and model.training is True


def test_a_tiny_temperature_is_the_greedy_limit_not_a_crash():
    torch.manual_seed(0)
    model = RNNScratch(len(VOCAB), 8)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_()
    greedy = predict("he", 10, model, VOCAB)
    assert sample("he", 10, model, VOCAB, temperature=1e-320, generator=0) == greedy
    assert sample("he", 10, model, VOCAB, temperature=np.float32(1e-30), generator=np.int64(1)) == greedy


# ------------------------------------------------------------------ minibatches
@pytest.mark.parametrize("corpus", [[0.5, 1.7] * 40, torch.rand(80), np.linspace(0, 5, 80)])
def test_a_float_corpus_is_refused_not_truncated(corpus):
    with pytest.raises(TypeError, match="corpus must hold integer token indices.*not truncated"):
        SeqDataLoader(corpus, 2, 3)


@pytest.mark.parametrize("corpus", [list("hello world" * 8), "hello world" * 8])
def test_characters_instead_of_indices_are_explained(corpus):
    with pytest.raises(TypeError, match=r"characters.*vocab\[token\]"):
        SeqDataLoader(corpus, 2, 3)


def test_negative_indices_in_a_corpus_are_refused():
    with pytest.raises(ValueError, match="corpus must hold token indices >= 0, got -1"):
        SeqDataLoader([-1] + CORPUS, 2, 3)


@pytest.mark.parametrize("fn", [seq_data_iter_random, seq_data_iter_sequential])
@pytest.mark.parametrize("offset, error", [(-1, ValueError), (3, ValueError), (10**6, ValueError),
                                           (1.5, TypeError), ("0", TypeError)])
def test_offset_is_checked(fn, offset, error):
    with pytest.raises(error, match=rf"offset must be.*{offset!r}|offset must be [<>]= "):
        list(fn(CORPUS, 2, 3, offset=offset))
    assert len(list(fn(CORPUS, 2, 3, offset=np.int64(2)))) > 0


@pytest.mark.parametrize("flag", ["False", "True", 0, 1, None])
def test_use_random_iter_must_be_a_bool(flag):
    with pytest.raises(TypeError, match=rf"use_random_iter must be True or False, got {flag!r}"):
        SeqDataLoader(CORPUS, 2, 3, use_random_iter=flag)
    with pytest.raises(TypeError, match="use_random_iter must be True or False"):
        load_data_time_machine(2, 3, use_random_iter=flag)


@pytest.mark.parametrize("use_random_iter", [False, True])
def test_every_batch_is_full_and_every_epoch_has_len_batches(use_random_iter):
    for n in range(12, 70, 7):
        for b, s in [(1, 1), (2, 3), (3, 4), (4, 2)]:
            if n < (b + 1) * s:
                continue
            loader = SeqDataLoader(list(range(n)), b, s, use_random_iter, seed=n)
            for _ in range(3):
                shapes = [(tuple(X.shape), tuple(Y.shape)) for X, Y in loader]
                assert len(shapes) == len(loader)
                assert set(shapes) <= {((b, s), (b, s))}


# ------------------------------------------------------------------ seed=None after setup
def _first_batch():
    loader, _ = load_data_time_machine(4, 5)
    return next(iter(loader))[0]


def test_after_setup_the_default_loader_is_repeatable():
    setup(0, quiet=True)
    a, a2 = _first_batch(), _first_batch()
    setup(0, quiet=True)
    b, b2 = _first_batch(), _first_batch()
    assert torch.equal(a, b) and torch.equal(a2, b2)
    setup(0, quiet=True)
    seed0 = SeqDataLoader(CORPUS, 2, 3).seed
    setup(1, quiet=True)
    assert SeqDataLoader(CORPUS, 2, 3).seed != seed0


def test_drawing_a_loader_seed_leaves_torch_global_rng_alone():
    setup(0, quiet=True)
    state = torch.get_rng_state()
    _first_batch()
    assert torch.equal(torch.get_rng_state(), state)


def test_without_setup_seed_none_is_fresh_and_an_explicit_seed_always_wins():
    randomness.set_course_seed(None)
    seeds = {SeqDataLoader(CORPUS, 2, 3).seed for _ in range(5)}
    assert len(seeds) == 5
    setup(0, quiet=True)
    assert SeqDataLoader(CORPUS, 2, 3, seed=7).seed == 7


# ------------------------------------------------------------------ models
@pytest.mark.parametrize("dtype", [torch.int32, torch.int16, torch.uint8, torch.int8])
@pytest.mark.parametrize("make", [lambda: RNNModel(len(VOCAB), 4), lambda: RNNModel(len(VOCAB), 4, "lstm"),
                                  lambda: RNNScratch(len(VOCAB), 4)])
def test_any_integer_dtype_of_tokens_works(make, dtype):
    model = make()
    X = torch.tensor([[1, 2, 3], [4, 5, 6]])
    torch.testing.assert_close(model(X.to(dtype))[0], model(X)[0], rtol=0, atol=0)


def test_tokens_as_characters_are_explained():
    with pytest.raises(TypeError, match=r"turn characters into indices first with vocab\[\.\.\.\]"):
        require_tokens([["h", "e"]], len(VOCAB))
    with pytest.raises(TypeError, match="turn characters into indices"):
        RNNModel(len(VOCAB), 4)("he")


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_a_float64_state_gets_a_clear_error(cell):
    model = RNNModel(len(VOCAB), 4, cell)
    state = tuple(s.double() for s in model.begin_state(2))
    with pytest.raises(TypeError, match=r"state tensors must have dtype torch.float32.*got torch.float64"):
        model(torch.tensor([[1, 2], [3, 4]]), state)
    ints = tuple(s.long() for s in model.begin_state(2))
    with pytest.raises(TypeError, match="state tensors must have dtype"):
        model(torch.tensor([[1, 2], [3, 4]]), ints)


def test_model_constructors_accept_numpy_sizes():
    model = RNNModel(np.int64(len(VOCAB)), np.int32(4), num_layers=np.int64(2), bidirectional=np.bool_(True))
    assert model.config["num_hiddens"] == 4 and type(model.config["vocab_size"]) is int
    assert model.bidirectional is True


# ------------------------------------------------------------------ vocab
def test_reserved_tokens_as_one_string_is_refused_not_split():
    with pytest.raises(TypeError, match=r"reserved_tokens must be a list of strings, got the single "
                                        r"string '<pad>'; write \['<pad>'\]"):
        Vocab([list("abc")], reserved_tokens="<pad>")


def test_lines_given_as_tuples_are_flattened():
    as_lists = Vocab([list("hello"), list("world")])
    as_tuples = Vocab([tuple("hello"), tuple("world")])
    assert as_tuples.idx_to_token == as_lists.idx_to_token
    assert Vocab((tuple("ab"), ("c",))).idx_to_token == ["<unk>", "a", "b", "c"]


@pytest.mark.parametrize("tokens, match", [
    (["a", ["b", "c"]], "mixes token lines and single tokens: item 0 is a token but item 1"),
    ([["a"], "b"], "mixes token lines and single tokens: item 0 is a line but item 1"),
    ([["a", 1]], "tokens must be strings; line 0, token 1 is 1"),
    (["a", None], "tokens must be strings; token 1 is None"),
    ("hello", "got a single str"),
])
def test_mixed_or_non_string_tokens_get_a_clear_error(tokens, match):
    with pytest.raises(TypeError, match=match):
        Vocab(tokens)


@pytest.mark.parametrize("key", [3, torch.tensor(3), np.int64(3), 2.0, None])
def test_looking_up_an_index_is_an_error_not_unk(key):
    with pytest.raises(TypeError, match=r"vocab\[\.\.\.\] looks up tokens.*vocab.to_tokens"):
        VOCAB[key]


def test_lookups_that_are_tokens_still_work():
    assert VOCAB[np.str_("h")] == VOCAB["h"]
    assert VOCAB[np.array(["h", "e"])] == [VOCAB["h"], VOCAB["e"]]
    assert VOCAB["never seen"] == VOCAB.unk
    assert Vocab([np.array(list("abc")).tolist()]).idx_to_token == ["<unk>", "a", "b", "c"]


# ------------------------------------------------------------------ messages
@pytest.mark.parametrize("call, error, match", [
    (lambda: setup("a", quiet=True), TypeError, r"seed must be an integer, got 'a' \(str\)"),
    (lambda: setup(-1, quiet=True), ValueError, "seed must be >= 0, got -1"),
    (lambda: setup(0, quiet=True, threads=10**6), ValueError,
     rf"threads must be <= {os.cpu_count()}, got 1000000"),
    (lambda: setup(0, quiet=True, threads=0), ValueError, "threads must be >= 1, got 0"),
    (lambda: setup(0, quiet="yes"), TypeError, "quiet must be True or False"),
    (lambda: rnnlab.try_gpu(-1), ValueError, "i must be >= 0, got -1"),
    (lambda: rnnlab.try_gpu("0"), TypeError, "i must be an integer, got '0'"),
    (lambda: NgramModel([0, 1], 1, 2, alpha="1"), TypeError, r"alpha must be a finite number >= 0.*'1'"),
    (lambda: NgramModel([0, 1], 1, 2, alpha=np.float32("nan")), ValueError, "alpha must be a finite number"),
    (lambda: noisy_sine(noise=math.inf), ValueError, "noise must be a finite number >= 0, got inf"),
    (lambda: noisy_sine(noise=math.nan), ValueError, "noise must be a finite number >= 0, got nan"),
    (lambda: noisy_sine(noise="0.1"), TypeError, "noise must be a finite number >= 0, got '0.1'"),
])
def test_bad_arguments_are_named_with_their_value(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_numpy_numbers_are_accepted_where_python_numbers_are():
    assert NgramModel([0, 1, 0], 1, 2, alpha=np.float32(1)).alpha == 1.0
    _, x = noisy_sine(np.int64(50), np.float64(0.01), np.float32(0.2), np.int64(3))
    assert len(x) == 50
    assert rnnlab.try_gpu(np.int64(0)).type in ("cpu", "cuda")
    setup(np.int64(0), quiet=True, threads=np.int64(1))
    torch.set_num_threads(1)
