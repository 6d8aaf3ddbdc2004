"""Checkpoint format 3: dtypes kept, the digest checked first, the caller's RNG untouched, resume."""

from pathlib import Path

import pytest
import torch

from rnnlab.models import RNNModel, RNNScratch
from rnnlab.text.vocab import Vocab
from rnnlab.training import (
    CheckpointError,
    History,
    load_checkpoint,
    load_optimizer_state,
    save_checkpoint,
    train,
)
from rnnlab.training import checkpoint as ckpt

FIXTURES = Path(__file__).parent / "fixtures"
VOCAB = Vocab(list("hello world the time machine"))


@pytest.mark.parametrize("dtype", [torch.float64, torch.bfloat16, torch.float16])
@pytest.mark.parametrize("make", [lambda v: RNNScratch(v, 8), lambda v: RNNModel(v, 8, "gru")])
def test_a_model_reloads_in_the_dtype_it_was_saved_in(tmp_path, dtype, make):
    model = make(len(VOCAB)).to(dtype)
    X = torch.randint(0, len(VOCAB), (2, 5))
    before = model(X, model.begin_state(2))[0]
    save_checkpoint(tmp_path / "m.pt", model, VOCAB)
    loaded = load_checkpoint(tmp_path / "m.pt")[0]
    assert {p.dtype for p in loaded.parameters()} == {dtype}
    after = loaded(X, loaded.begin_state(2))[0]
    assert after.dtype == dtype and torch.equal(before, after)


def test_the_digest_is_checked_before_anything_is_built_from_the_settings(tmp_path, monkeypatch):
    save_checkpoint(tmp_path / "m.pt", RNNScratch(len(VOCAB), 8), VOCAB)
    payload = torch.load(tmp_path / "m.pt", weights_only=True)
    payload["model_config"]["num_hiddens"] = 200_000      # a damaged size: 160 GB if built
    torch.save(payload, tmp_path / "m.pt")
    built = []
    monkeypatch.setitem(ckpt.MODEL_CLASSES, "RNNScratch",
                        lambda *a, **k: built.append(k) or RNNScratch(*a, **k))
    with pytest.raises(CheckpointError, match="digest"):
        load_checkpoint(tmp_path / "m.pt")
    assert built == []


def test_the_optimizer_state_is_covered_by_the_digest(tmp_path):
    model = RNNScratch(len(VOCAB), 4)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    model(torch.zeros(1, 3, dtype=torch.long))[0].sum().backward()
    opt.step()
    save_checkpoint(tmp_path / "m.pt", model, VOCAB, optimizer=opt)
    payload = torch.load(tmp_path / "m.pt", weights_only=True)
    payload["optimizer"]["state"]["state"][0]["exp_avg"][0, 0] += 1.0
    torch.save(payload, tmp_path / "m.pt")
    with pytest.raises(CheckpointError, match="digest"):
        load_checkpoint(tmp_path / "m.pt")


@pytest.mark.parametrize("make", [lambda v: RNNScratch(v, 8), lambda v: RNNModel(v, 8, "lstm")])
def test_saving_and_loading_draw_nothing_from_the_callers_rng(tmp_path, make):
    model = make(len(VOCAB))
    torch.manual_seed(123)
    save_checkpoint(tmp_path / "m.pt", model, VOCAB)
    load_checkpoint(tmp_path / "m.pt")
    after = torch.rand(3)
    torch.manual_seed(123)
    assert torch.equal(after, torch.rand(3))


def test_the_previous_format_still_loads():
    """The fixture was written by the version-2 code (d156ef6): RNNScratch(15, 8), weights from
    torch.Generator().manual_seed(0), a two-epoch history."""
    model, vocab, hyperparams, history = load_checkpoint(FIXTURES / "checkpoint_v2.pt")
    expected = RNNScratch(len(vocab), 8, generator=torch.Generator().manual_seed(0))
    assert vocab.idx_to_token == VOCAB.idx_to_token
    for (name, p), q in zip(model.named_parameters(), expected.parameters(), strict=True):
        assert torch.equal(p, q), name
    assert hyperparams == {"lr": 0.5, "num_steps": 5}
    assert history.train_ppl == [9.5, 8.25] and history.val_epochs == [2]
    assert history.train_loss == pytest.approx([2.2512918, 2.1102132])   # ln of the perplexities
    assert history.epochs == 2 and torch.torch.is_grad_enabled()


def _batches(seed, n=3):
    g = torch.Generator().manual_seed(seed)
    V = len(VOCAB)
    return [(torch.randint(0, V, (4, 6), generator=g), torch.randint(0, V, (4, 6), generator=g))
            for _ in range(n)]


@pytest.mark.parametrize("state", ["fresh", "carry"])
def test_a_resumed_run_continues_as_the_uninterrupted_one(tmp_path, state):
    batches, val = _batches(0), _batches(1, 1)

    def fresh():
        model = RNNScratch(len(VOCAB), 8, generator=torch.Generator().manual_seed(0))
        return model, torch.optim.Adam(model.parameters(), lr=0.05)

    model, opt = fresh()
    whole = train(model, batches, val, epochs=4, optimizer=opt, state=state)

    model, opt = fresh()
    first = train(model, batches, val, epochs=2, optimizer=opt, state=state)
    save_checkpoint(tmp_path / "half.pt", model, VOCAB, history=first, optimizer=opt)
    del model, opt
    model, _, _, history = load_checkpoint(tmp_path / "half.pt")
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    load_optimizer_state(tmp_path / "half.pt", opt)
    resumed = train(model, batches, val, epochs=4, optimizer=opt, state=state, history=history)
    assert resumed.epochs == 4 and resumed.epoch_steps == whole.epoch_steps
    assert resumed.train_loss == whole.train_loss          # the same next losses, exactly
    assert resumed.val_loss == whole.val_loss and resumed.val_epochs == whole.val_epochs
    assert resumed.step_grad_norms == whole.step_grad_norms


def test_a_plain_adam_restart_differs_so_the_resume_test_can_fail(tmp_path):
    batches = _batches(0)
    model = RNNScratch(len(VOCAB), 8, generator=torch.Generator().manual_seed(0))
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    whole = train(model, batches, epochs=3, optimizer=opt, state="fresh")
    model = RNNScratch(len(VOCAB), 8, generator=torch.Generator().manual_seed(0))
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    first = train(model, batches, epochs=2, optimizer=opt, state="fresh")
    restarted = train(model, batches, epochs=3, optimizer=torch.optim.Adam(model.parameters(),
                                                                            lr=0.05),
                      state="fresh", history=first)
    assert restarted.train_loss[:2] == whole.train_loss[:2]
    assert restarted.train_loss[2] != whole.train_loss[2]


def test_optimizer_state_errors_are_clear(tmp_path):
    model = RNNScratch(len(VOCAB), 4)
    save_checkpoint(tmp_path / "m.pt", model, VOCAB)
    with pytest.raises(CheckpointError, match="no optimizer state"):
        load_optimizer_state(tmp_path / "m.pt", torch.optim.Adam(model.parameters()))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    save_checkpoint(tmp_path / "m.pt", model, VOCAB, optimizer=opt)
    with pytest.raises(ValueError, match="state of a SGD"):
        load_optimizer_state(tmp_path / "m.pt", torch.optim.Adam(model.parameters()))
    with pytest.raises(TypeError, match="optimizer must be a torch.optim.Optimizer"):
        save_checkpoint(tmp_path / "m.pt", model, VOCAB, optimizer="sgd")
    with pytest.raises(ValueError, match="already holds 2 epochs"):
        train(model, _batches(0), epochs=2, lr=0.1, state="fresh",
              history=History(train_ppl=[5.0, 4.0]))
