import pytest
from hypothesis import given
from hypothesis import strategies as st

import rnnlab

tokens_strategy = st.lists(st.lists(st.sampled_from(list("abcdefg")), max_size=8), max_size=8)


def test_order_unk_then_reserved_then_frequency():
    vocab = rnnlab.Vocab([["b", "a", "b", "c", "b", "a"]], reserved_tokens=["<pad>", "<bos>", "<eos>"])
    assert vocab.idx_to_token == ["<unk>", "<pad>", "<bos>", "<eos>", "b", "a", "c"]
    assert vocab.token_freqs == [("b", 3), ("a", 2), ("c", 1)]
    assert vocab.unk == 0 and vocab["zzz"] == 0


def test_ties_keep_first_appearance_order():
    assert rnnlab.Vocab(["y", "x", "z"]).idx_to_token == ["<unk>", "y", "x", "z"]


def test_min_freq_drops_rare_tokens_to_unk():
    vocab = rnnlab.Vocab([["a", "a", "b"]], min_freq=2)
    assert vocab.idx_to_token == ["<unk>", "a"]
    assert vocab["b"] == vocab.unk


def test_lookup_and_back_with_lists_tuples_and_single_items():
    vocab = rnnlab.Vocab([["a", "b", "b"]])
    assert vocab[["b", "a"]] == [1, 2] and vocab[("a",)] == [2]
    assert vocab.to_tokens([1, 2]) == ["b", "a"]
    assert vocab.to_tokens([2]) == ["a"]
    assert vocab.to_tokens(1) == "b"
    assert "a" in vocab and "q" not in vocab


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="min_freq must be >= 0, got -1"):
        rnnlab.Vocab([["a"]], min_freq=-1)
    with pytest.raises(TypeError, match="min_freq must be an integer"):
        rnnlab.Vocab([["a"]], min_freq=1.5)
    with pytest.raises(ValueError, match="reserved_tokens must be distinct"):
        rnnlab.Vocab([["a"]], reserved_tokens=["<unk>"])
    with pytest.raises(IndexError, match=r"index must be in \[0, 1\], got 5"):
        rnnlab.Vocab([["a"]]).to_tokens(5)


@given(tokens_strategy, st.integers(0, 3))
def test_round_trip_and_frequency_order(lines, min_freq):
    vocab = rnnlab.Vocab(lines, min_freq=min_freq)
    flat = [t for line in lines for t in line]
    for token in set(flat):
        idx = vocab[token]
        if flat.count(token) >= min_freq:
            assert vocab.to_tokens(idx) == token
        else:
            assert idx == vocab.unk
    counts = [flat.count(t) for t in vocab.idx_to_token[1:]]
    assert counts == sorted(counts, reverse=True)
    assert len(set(vocab.idx_to_token)) == len(vocab)
