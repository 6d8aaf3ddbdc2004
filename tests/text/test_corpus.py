import hashlib
from importlib import resources

import pytest

import rnnlab
from rnnlab.text import corpus


def test_bundled_file_has_the_published_sha1():
    raw = resources.files("rnnlab.data").joinpath("timemachine.txt").read_bytes()
    assert hashlib.sha1(raw).hexdigest() == corpus.TIME_MACHINE_SHA1


def test_read_time_machine_keeps_letters_only_lower_case():
    lines = rnnlab.read_time_machine()
    assert lines[0] == "the time machine by h g wells"
    text = "".join(lines)
    assert set(text) <= set("abcdefghijklmnopqrstuvwxyz ")
    assert all(line == line.strip() for line in lines)


def test_tokenize_word_and_char():
    lines = ["the time", "ab"]
    assert rnnlab.tokenize(lines, "word") == [["the", "time"], ["ab"]]
    assert rnnlab.tokenize(lines, "char") == [list("the time"), ["a", "b"]]


def test_tokenize_rejects_unknown_kind_naming_it():
    with pytest.raises(ValueError, match=r"token must be one of 'word', 'char'; got 'byte'"):
        rnnlab.tokenize(["abc"], token="byte")


def test_tokenize_rejects_a_bare_string():
    with pytest.raises(TypeError, match="lines must be a list"):
        rnnlab.tokenize("the time machine")


def test_seed_example_word_vocabulary():
    tokens = rnnlab.tokenize(rnnlab.read_time_machine())
    vocab = rnnlab.Vocab(tokens)
    assert list(vocab.token_to_idx.items())[:6] == [
        ("<unk>", 0), ("the", 1), ("i", 2), ("and", 3), ("of", 4), ("a", 5)]
    assert tokens[0] == ["the", "time", "machine", "by", "h", "g", "wells"]
    assert vocab[tokens[0]] == [1, 19, 50, 40, 2183, 2184, 400]


def test_char_corpus_and_vocab():
    corpus, vocab = rnnlab.load_corpus_time_machine()
    assert len(vocab) == 28  # <unk>, space and 26 letters
    assert vocab.idx_to_token[:3] == ["<unk>", " ", "e"]
    text = "".join(vocab.to_tokens(corpus[:29]))
    assert text == "the time machine by h g wells"
    assert vocab.unk not in corpus  # every character of the book is in its own vocabulary


def test_max_tokens_truncates():
    corpus, _ = rnnlab.load_corpus_time_machine(max_tokens=100)
    assert len(corpus) == 100
    with pytest.raises(ValueError, match="max_tokens must be >= -1, got -2"):
        rnnlab.load_corpus_time_machine(max_tokens=-2)


def test_word_corpus():
    corpus, vocab = rnnlab.load_corpus_time_machine(token="word")
    assert vocab.to_tokens(corpus[:3]) == ["the", "time", "machine"]


def test_train_val_split_holds_out_the_end():
    corpus = list(range(100))
    train, val = rnnlab.train_val_split(corpus, 0.2)
    assert train == list(range(80)) and val == list(range(80, 100))
    with pytest.raises(ValueError, match=r"val_fraction must be in \(0, 1\), got 1.5"):
        rnnlab.train_val_split(corpus, 1.5)
    with pytest.raises(ValueError, match="too short to split"):
        rnnlab.train_val_split([1, 2, 3], 0.5)


@pytest.fixture
def fake_data(tmp_path, monkeypatch):
    """Point the package's data folder at a temporary one we can damage."""
    monkeypatch.setattr(corpus.resources, "files", lambda package: tmp_path)
    return tmp_path


def test_altered_data_file_is_refused_with_the_reason(fake_data):
    (fake_data / "timemachine.txt").write_text("The Time Machine, abridged\n")
    with pytest.raises(rnnlab.CorpusError, match="altered or damaged"):
        rnnlab.read_time_machine()


def test_missing_data_file_is_reported(fake_data):
    with pytest.raises(rnnlab.CorpusError, match="missing"):
        rnnlab.read_time_machine()


def test_heldout_stream_is_the_training_tail_then_the_validation_text():
    from rnnlab.text.corpus import heldout_stream, load_corpus_time_machine, train_val_split

    corpus, _ = load_corpus_time_machine()
    train, val = train_val_split(corpus)
    tokens, start = heldout_stream(6)
    assert start == 6 and tokens[:6] == list(train[-6:]) and tokens[6:] == list(val)
    short, start = heldout_stream(64, max_val_tokens=100)
    assert short[:64] == list(train[-64:]) and short[64:] == list(val[:100])
    with pytest.raises(ValueError, match="max_val_tokens"):
        heldout_stream(6, max_val_tokens=0)
    with pytest.raises(ValueError, match="context"):
        heldout_stream(-1)
