import pytest
import torch

from rnnlab.models import RNNModel, RNNScratch
from rnnlab.text.vocab import Vocab
from rnnlab.training import History
from rnnlab.training.checkpoint import CheckpointError, load_checkpoint, save_checkpoint

VOCAB = Vocab([list("hello world")], reserved_tokens=["<pad>"])
X = torch.tensor([[1, 2, 3], [4, 5, 6]])


@pytest.fixture
def saved(tmp_path):
    torch.manual_seed(0)
    model = RNNScratch(len(VOCAB), 6)
    history = History(train_ppl=[5.0, 4.0], val_ppl=[6.0, 5.5], grad_norm=[1.0, 0.5],
                      step_grad_norms=[1.0, 0.5], tokens_per_s=[10.0, 11.0],
                      seconds=[0.1, 0.1], theta=1.0)
    path = save_checkpoint(tmp_path / "model.pt", model, VOCAB,
                           {"lr": 0.01, "optimizer": "adam", "sizes": [1, 2]}, history)
    return path, model, history


def test_round_trip_gives_the_same_outputs_vocab_hyperparams_and_history(saved):
    path, model, history = saved
    loaded, vocab, hyperparams, loaded_history = load_checkpoint(path, device="cpu")
    assert isinstance(loaded, RNNScratch)
    torch.testing.assert_close(loaded(X)[0], model(X)[0], rtol=0, atol=0)
    assert vocab.idx_to_token == VOCAB.idx_to_token and vocab["o"] == VOCAB["o"]
    assert vocab.token_freqs == VOCAB.token_freqs
    assert hyperparams == {"lr": 0.01, "optimizer": "adam", "sizes": [1, 2]}
    assert loaded_history == history


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_round_trip_of_concise_models(tmp_path, cell):
    model = RNNModel(len(VOCAB), 5, cell=cell, num_layers=2, bidirectional=True)
    path = save_checkpoint(tmp_path / "m.pt", model, VOCAB, {})
    loaded, _, _, history = load_checkpoint(path)
    assert loaded.config == model.config and history is None
    torch.testing.assert_close(loaded(X)[0], model(X)[0], rtol=0, atol=0)


def test_truncated_file_is_a_clear_checkpoint_error(saved, tmp_path):
    path, _, _ = saved
    cut = tmp_path / "cut.pt"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(CheckpointError, match="not a readable rnnlab checkpoint"):
        load_checkpoint(cut)


def test_damaged_bytes_are_a_clear_checkpoint_error(saved, tmp_path):
    path, _, _ = saved
    raw = bytearray(path.read_bytes())
    raw[:64] = b"\x00" * 64
    bad = tmp_path / "bad.pt"
    bad.write_bytes(bytes(raw))
    with pytest.raises(CheckpointError, match="truncated, damaged"):
        load_checkpoint(bad)


def test_text_file_is_not_a_checkpoint(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some text\n")
    with pytest.raises(CheckpointError, match="not a readable rnnlab checkpoint"):
        load_checkpoint(path)


def test_plain_state_dict_is_not_a_checkpoint(tmp_path):
    path = tmp_path / "weights.pt"
    torch.save(RNNScratch(4, 3).state_dict(), path)
    with pytest.raises(CheckpointError, match="not an rnnlab checkpoint"):
        load_checkpoint(path)


def test_pickled_objects_are_refused_without_running_them(tmp_path):
    path = tmp_path / "evil.pt"
    torch.save({"format": "rnnlab-checkpoint", "payload": Vocab()}, path)
    with pytest.raises(CheckpointError, match="not a readable"):
        load_checkpoint(path)


def test_wrong_version_and_missing_entries(tmp_path):
    path = tmp_path / "v.pt"
    torch.save({"format": "rnnlab-checkpoint", "version": 99}, path)
    with pytest.raises(CheckpointError, match="version 99"):
        load_checkpoint(path)
    torch.save({"format": "rnnlab-checkpoint", "version": 1, "model_class": "RNNScratch"}, path)
    with pytest.raises(CheckpointError, match="missing"):
        load_checkpoint(path)


def test_weights_that_do_not_fit_the_model_are_reported(saved, tmp_path):
    path, _, _ = saved
    payload = torch.load(path, weights_only=True)
    payload["state_dict"]["W_hh"] = torch.zeros(2, 2)
    torch.save(payload, tmp_path / "shape.pt")
    with pytest.raises(CheckpointError, match="damaged.*digest"):   # the digest is checked first
        load_checkpoint(tmp_path / "shape.pt")
    from rnnlab.training.checkpoint import _digest

    payload["digest"] = _digest(payload)   # a file consistent with itself, wrong for the model
    torch.save(payload, tmp_path / "shape.pt")
    with pytest.raises(CheckpointError, match="damaged.*W_hh"):
        load_checkpoint(tmp_path / "shape.pt")


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        load_checkpoint(tmp_path / "nope.pt")


def test_save_rejects_what_cannot_be_loaded_safely(tmp_path):
    model = RNNScratch(len(VOCAB), 3)
    with pytest.raises(TypeError, match=r"hyperparams.*\['fn'\] is a function"):
        save_checkpoint(tmp_path / "x.pt", model, VOCAB, {"fn": lambda x: x})
    with pytest.raises(TypeError, match="vocab must be an rnnlab.Vocab"):
        save_checkpoint(tmp_path / "x.pt", model, {"a": 1})
    with pytest.raises(TypeError, match="model must be one of"):
        save_checkpoint(tmp_path / "x.pt", torch.nn.Linear(2, 2), VOCAB)
