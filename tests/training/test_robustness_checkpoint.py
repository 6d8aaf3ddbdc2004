"""Issue 12, checkpoints: nothing lost, nothing that saves but cannot load, nothing loaded wrong."""

import enum
import itertools
import os

import numpy as np
import pytest
import torch
from torch import nn

from rnnlab import files
from rnnlab.models import RNNModel, RNNScratch
from rnnlab.text.vocab import Vocab
from rnnlab.training import History
from rnnlab.training import checkpoint as ckpt
from rnnlab.training.checkpoint import CheckpointError, load_checkpoint, save_checkpoint

VOCAB = Vocab([list("hello world")])
X = torch.tensor([[1, 2, 3], [4, 5, 6]])


def _same_outputs(a, b):
    a.eval(), b.eval()
    with torch.no_grad():
        torch.testing.assert_close(a(X)[0], b(X)[0], rtol=0, atol=0)


@pytest.fixture
def good(tmp_path):
    torch.manual_seed(0)
    model = RNNScratch(len(VOCAB), 6)
    path = save_checkpoint(tmp_path / "model.pt", model, VOCAB, {"lr": 0.5})
    return path, model


def _leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


# ---------------------------------------------------------------- atomic writes
@pytest.mark.parametrize("exc", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_a_save_interrupted_mid_write_leaves_the_previous_file_intact(good, monkeypatch, exc):
    path, model = good
    before = path.read_bytes()

    def half_then_fail(obj, f, *args, **kwargs):
        f.write(b"PK\x03\x04 half a checkpoint")
        raise exc

    monkeypatch.setattr(ckpt.torch, "save", half_then_fail)
    with pytest.raises(type(exc)):
        save_checkpoint(path, RNNScratch(len(VOCAB), 6), VOCAB, {"lr": 9.0})
    assert path.read_bytes() == before
    monkeypatch.undo()
    loaded, _, hyperparams, _ = load_checkpoint(path, device="cpu")
    assert hyperparams == {"lr": 0.5}
    _same_outputs(loaded, model)
    assert _leftovers(path.parent) == []


def test_a_save_that_would_not_load_back_is_refused_and_the_old_file_kept(good, monkeypatch):
    path, _ = good
    before = path.read_bytes()
    monkeypatch.setattr(ckpt.torch, "save", lambda obj, f, *a, **k: f.write(b"not a zip"))
    with pytest.raises(CheckpointError, match="does not load back, so it was not saved"):
        save_checkpoint(path, RNNScratch(len(VOCAB), 6), VOCAB)
    assert path.read_bytes() == before and _leftovers(path.parent) == []


def test_saving_to_a_directory_names_the_path(tmp_path):
    with pytest.raises(IsADirectoryError, match=f"{tmp_path}.*is a directory"):
        save_checkpoint(tmp_path, RNNScratch(len(VOCAB), 3), VOCAB)
    with pytest.raises(IsADirectoryError, match="is a directory"):
        load_checkpoint(tmp_path)


def test_saving_into_a_missing_folder_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=f"folder '{tmp_path / 'nope'}' does not exist"):
        save_checkpoint(tmp_path / "nope" / "m.pt", RNNScratch(len(VOCAB), 3), VOCAB)


def test_saving_into_a_read_only_folder_names_the_path(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)  # as a read-only folder answers
    with pytest.raises(PermissionError, match=f"cannot save a checkpoint to '{tmp_path / 'm.pt'}'"
                       ".*Permission denied"):
        save_checkpoint(tmp_path / "m.pt", RNNScratch(len(VOCAB), 3), VOCAB)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_saving_into_a_really_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(PermissionError, match="cannot save a checkpoint"):
            save_checkpoint(folder / "m.pt", RNNScratch(len(VOCAB), 3), VOCAB)
    finally:
        folder.chmod(0o755)


# ---------------------------------------------------------------- saves that could never load
class Optim(enum.IntEnum):
    SGD = 1
    ADAM = 2


def test_numpy_scalars_enums_and_numpy_histories_round_trip_as_plain_values(tmp_path):
    hyper = {"lr": np.float64(0.1), "batch": np.int64(32), "opt": Optim.ADAM, "clip": np.bool_(True),
             "sizes": (np.int32(1), 2), "arr": np.array([1.5, 2.5]), "name": np.str_("adam")}
    history = History(train_ppl=[np.float64(5.0), np.float32(4.0)], val_ppl=[np.float64(6.0)],
                      theta=np.float64(1.0), info={"seed": np.int64(3)})
    path = save_checkpoint(tmp_path / "m.pt", RNNScratch(len(VOCAB), 3), VOCAB, hyper, history)
    _, _, loaded_hyper, loaded_history = load_checkpoint(path, device="cpu")
    assert loaded_hyper == {"lr": 0.1, "batch": 32, "opt": 2, "clip": True, "sizes": (1, 2),
                            "arr": [1.5, 2.5], "name": "adam"}
    assert type(loaded_hyper["lr"]) is float and type(loaded_hyper["opt"]) is int
    assert loaded_history.train_ppl == [5.0, 4.0] and loaded_history.theta == 1.0
    assert all(type(v) is float for v in loaded_history.train_ppl)


def test_a_vocab_built_from_numpy_strings_round_trips(tmp_path):
    vocab = Vocab([list(np.array(list("hello world")))])
    path = save_checkpoint(tmp_path / "m.pt", RNNScratch(len(vocab), 3), vocab)
    _, loaded, _, _ = load_checkpoint(path, device="cpu")
    assert loaded.idx_to_token == [str(t) for t in vocab.idx_to_token]
    assert loaded["o"] == vocab["o"] and all(type(t) is str for t in loaded.idx_to_token)


def test_a_model_that_does_not_fit_the_vocabulary_is_refused_at_save_time(tmp_path):
    with pytest.raises(ValueError, match=rf"vocab_size=3 but the vocabulary holds {len(VOCAB)}"):
        save_checkpoint(tmp_path / "m.pt", RNNScratch(3, 4), VOCAB)
    assert not (tmp_path / "m.pt").exists()


def test_hyperparams_that_cannot_be_stored_say_where(tmp_path):
    with pytest.raises(TypeError, match=r"hyperparams\['opt'\]\['w'\] is a Tensor.*tolist"):
        save_checkpoint(tmp_path / "m.pt", RNNScratch(len(VOCAB), 3), VOCAB,
                        {"opt": {"w": torch.zeros(3)}})
    with pytest.raises(TypeError, match="hyperparams must be a dict or None"):
        save_checkpoint(tmp_path / "m.pt", RNNScratch(len(VOCAB), 3), VOCAB, [1, 2])


# ---------------------------------------------------------------- a reloaded model computes the same
CONFIGS = [dict(cell=cell, num_layers=layers, bidirectional=bi, bias=bias, dropout=dropout,
                nonlinearity=nl)
           for cell, layers, bi, bias, dropout, nl in itertools.product(
               ["rnn", "gru", "lstm"], [1, 2], [False, True], [True, False], [0.0, 0.25],
               ["tanh", "relu"])
           if not (cell != "rnn" and nl == "relu")]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(str(v) for v in c.values()))
def test_every_constructor_configuration_round_trips(tmp_path, config):
    torch.manual_seed(1)
    model = RNNModel(len(VOCAB), 4, **config)
    path = save_checkpoint(tmp_path / "m.pt", model, VOCAB)
    loaded, _, _, _ = load_checkpoint(path, device="cpu")
    assert loaded.config == model.config
    assert repr(loaded.rnn) == repr(model.rnn)
    _same_outputs(loaded, model)


LAYERS = [
    lambda V: nn.RNN(V, 5, nonlinearity="relu"),
    lambda V: nn.RNN(V, 5, bias=False),
    lambda V: nn.RNN(V, 5, num_layers=2, dropout=0.3, nonlinearity="relu", bidirectional=True),
    lambda V: nn.GRU(V, 5, bias=False, num_layers=3, dropout=0.1),
    lambda V: nn.LSTM(V, 5, bidirectional=True, bias=False),
]


@pytest.mark.parametrize("make", LAYERS, ids=["relu", "no-bias", "relu-2-dropout", "gru", "lstm"])
def test_from_layer_keeps_the_whole_layer_configuration_through_a_checkpoint(tmp_path, make):
    torch.manual_seed(2)
    layer = make(len(VOCAB))
    model = RNNModel.from_layer(layer, len(VOCAB))
    assert repr(model.rnn) == repr(layer)
    path = save_checkpoint(tmp_path / "m.pt", model, VOCAB)
    loaded, _, _, _ = load_checkpoint(path, device="cpu")
    assert repr(loaded.rnn) == repr(layer)
    assert getattr(loaded.rnn, "nonlinearity", "tanh") == getattr(layer, "nonlinearity", "tanh")
    assert loaded.rnn.dropout == layer.dropout and loaded.rnn.bias == layer.bias
    _same_outputs(loaded, model)


def test_model_constructor_rejects_bad_layer_settings():
    with pytest.raises(ValueError, match="nonlinearity must be one of 'tanh', 'relu'; got 'sigmoid'"):
        RNNModel(5, 3, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="nonlinearity='relu' applies only to cell='rnn'"):
        RNNModel(5, 3, cell="gru", nonlinearity="relu")
    with pytest.raises(ValueError, match="dropout must be a finite number in"):
        RNNModel(5, 3, dropout=1.5)
    with pytest.raises(TypeError, match="bias must be True or False, got 'no'"):
        RNNModel(5, 3, bias="no")
    double = RNNModel.from_layer(nn.RNN(5, 3).double(), 5)   # any float dtype, the head follows
    assert double.linear.weight.dtype == torch.float64


# ---------------------------------------------------------------- damage is detected
def test_a_flipped_bit_inside_the_weights_is_reported_as_damage(good, tmp_path):
    path, model = good
    raw = bytearray(path.read_bytes())
    weights = model.W_hh.detach().contiguous().numpy().tobytes()
    at = raw.find(weights)
    assert at > 0, "the weights are stored uncompressed in the zip"
    raw[at + 17] ^= 0x04
    bad = tmp_path / "flipped.pt"
    bad.write_bytes(bytes(raw))
    payload = torch.load(bad, weights_only=True)  # torch itself reads it without complaint
    assert not torch.equal(payload["state_dict"]["W_hh"], model.W_hh.detach())
    with pytest.raises(CheckpointError, match="damaged.*digest"):
        load_checkpoint(bad)


def test_a_changed_setting_is_reported_as_damage(good, tmp_path):
    path, _ = good
    payload = torch.load(path, weights_only=True)
    payload["hyperparams"]["lr"] = 0.6
    torch.save(payload, tmp_path / "edited.pt")
    with pytest.raises(CheckpointError, match="digest"):
        load_checkpoint(tmp_path / "edited.pt")


def test_a_version_1_file_without_a_digest_still_loads(good, tmp_path):
    path, model = good
    payload = torch.load(path, weights_only=True)
    del payload["digest"]
    payload["version"] = 1
    torch.save(payload, tmp_path / "v1.pt")
    loaded, _, _, _ = load_checkpoint(tmp_path / "v1.pt", device="cpu")
    _same_outputs(loaded, model)


# ---------------------------------------------------------------- History.from_dict
@pytest.mark.parametrize("data, error, match", [
    ({"train_ppl": 5}, TypeError, "train_ppl must be a list of numbers, got 5 \\(int\\)"),
    ({"train_ppl": [1.0, "x"]}, TypeError, "train_ppl must be a list of numbers; it holds 'x'"),
    ({"val_ppl": [1.0], "val_epochs": [1.5]}, TypeError, "val_epochs must be a list of integers"),
    ({"theta": "off"}, TypeError, "theta must be a number or None, got 'off'"),
    ({"info": [1]}, TypeError, "info must be a dict"),
    ({"interrupted": "no"}, TypeError, "interrupted must be True or False"),
    ({"train": [1.0]}, ValueError, "unknown History fields \\['train'\\]"),
    ([1, 2], TypeError, "History.from_dict needs a dict"),
])
def test_history_from_dict_names_the_bad_field(data, error, match):
    with pytest.raises(error, match=match):
        History.from_dict(data)


def test_history_from_dict_accepts_numpy_numbers_as_plain_ones():
    h = History.from_dict({"train_ppl": [np.float32(2.5)], "val_epochs": [np.int64(1)],
                           "val_ppl": [np.float64(3.0)], "theta": np.float64(1.0)})
    assert h.train_ppl == [2.5] and h.val_epochs == [1] and type(h.val_epochs[0]) is int
    assert History.from_dict(h.to_dict()) == h
