"""Hostile round 3 (issue 25, issue 20 points 3–4): one test per defect, each failing on d156ef6.

Imports sit inside the tests, so that on the old code each test fails on its own defect
(a missing name is one of them) instead of the whole file failing to import. The
interrupt-at-every-line test is ``tests/training/test_interrupts.py``; the checkpoint
format-3 tests are ``tests/training/test_checkpoint_v3.py``.
"""

import math

import numpy as np
import pytest
import torch

V = 6


def _batches(n=2, rows=2, seed=0, steps=3):
    g = torch.Generator().manual_seed(seed)
    return [(torch.randint(0, V, (rows, steps), generator=g),
             torch.randint(0, V, (rows, steps), generator=g)) for _ in range(n)]


def _model(**kw):
    from rnnlab.models import RNNScratch

    return RNNScratch(V, 4, generator=torch.Generator().manual_seed(0), **kw)


# --------------------------------------------------------------------------- interrupts
def test_train_under_a_callers_no_grad_trains_and_leaves_autograd_off():
    from rnnlab.training import train

    model = _model()
    with torch.no_grad():
        history = train(model, _batches(), epochs=1, lr=0.5, state="fresh")
        assert not torch.is_grad_enabled()
    assert history.epochs == 1


def test_an_interrupt_in_a_validation_hook_keeps_mode_autograd_and_a_consistent_history():
    from rnnlab.training import TrainingInterrupted, train

    model = _model().eval()
    calls = []

    def validate(m):   # a validation hook; the second one is interrupted
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return torch.tensor(1.0)

    with pytest.raises(TrainingInterrupted) as info:
        train(model, _batches(), validate, epochs=3, lr=0.5, state="fresh")
    h = info.value.history
    assert h.epochs == 1 and h.val_epochs == [1] and len(h.val_ppl) == len(h.val_loss) == 1
    assert torch.is_grad_enabled() and not model.training


# --------------------------------------------------------------------------- checkpoints
@pytest.mark.parametrize("dtype", [torch.float64, torch.bfloat16])
def test_checkpoint_keeps_the_dtype(tmp_path, dtype):
    from rnnlab.text.vocab import Vocab
    from rnnlab.training import load_checkpoint, save_checkpoint

    vocab = Vocab(list("abcde"))
    model = _model().to(dtype)
    save_checkpoint(tmp_path / "m.pt", model, vocab)
    loaded = load_checkpoint(tmp_path / "m.pt")[0]
    assert loaded.W_hh.dtype == dtype and torch.equal(loaded.W_hh, model.W_hh)


def test_checkpoint_digest_is_checked_before_the_model_is_built(tmp_path, monkeypatch):
    from rnnlab.models import RNNScratch
    from rnnlab.text.vocab import Vocab
    from rnnlab.training import CheckpointError, checkpoint, load_checkpoint, save_checkpoint

    save_checkpoint(tmp_path / "m.pt", _model(), Vocab(list("abcde")))
    payload = torch.load(tmp_path / "m.pt", weights_only=True)
    payload["model_config"]["num_hiddens"] = 200_000
    torch.save(payload, tmp_path / "m.pt")
    built = []
    monkeypatch.setitem(checkpoint.MODEL_CLASSES, "RNNScratch",
                        lambda *a, **k: built.append(1) or RNNScratch(*a, **k))
    with pytest.raises(CheckpointError):
        load_checkpoint(tmp_path / "m.pt")
    assert not built


def test_checkpoint_save_and_load_leave_the_global_rng_alone(tmp_path):
    from rnnlab.text.vocab import Vocab
    from rnnlab.training import load_checkpoint, save_checkpoint

    torch.manual_seed(5)
    save_checkpoint(tmp_path / "m.pt", _model(), Vocab(list("abcde")))
    load_checkpoint(tmp_path / "m.pt")
    got = torch.rand(2)
    torch.manual_seed(5)
    assert torch.equal(got, torch.rand(2))


def test_checkpoint_resume_gives_the_same_next_losses(tmp_path):
    from rnnlab.text.vocab import Vocab
    from rnnlab.training import load_checkpoint, load_optimizer_state, save_checkpoint, train

    vocab, data = Vocab(list("abcde")), _batches(3)
    m = _model()
    whole = train(m, data, epochs=3, optimizer=torch.optim.Adam(m.parameters(), 0.05),
                  state="carry")
    m = _model()
    opt = torch.optim.Adam(m.parameters(), 0.05)
    first = train(m, data, epochs=1, optimizer=opt, state="carry")
    save_checkpoint(tmp_path / "m.pt", m, vocab, history=first, optimizer=opt)
    m, _, _, history = load_checkpoint(tmp_path / "m.pt")
    opt = torch.optim.Adam(m.parameters(), 0.05)
    load_optimizer_state(tmp_path / "m.pt", opt)
    assert train(m, data, epochs=3, optimizer=opt, state="carry",
                 history=history).train_loss == whole.train_loss


# --------------------------------------------------------------------------- one metrics convention
def test_a_squared_error_run_has_no_perplexity():
    from rnnlab.training import train

    class Net(torch.nn.Linear):   # lesson 01's MLP has the same shape of interface
        def begin_state(self, batch_size, device=None):
            return ()

    net = Net(3, 1)
    data = [(torch.randn(4, 3), torch.randn(4, 1)) for _ in range(2)]
    history = train(net, data, data, epochs=2, lr=0.1, state="fresh", theta=None,
                    forward=lambda m, X, s: (m(X), s),
                    loss=lambda out, y: torch.nn.functional.mse_loss(out, y.reshape(-1, 1)))
    assert history.train_ppl == [] and history.val_ppl == []       # exp(MSE) means nothing
    assert len(history.train_loss) == 2 and len(history.val_loss) == 2


def test_a_two_task_run_names_its_tasks_through_its_loss_and_sums_no_perplexities():
    from rnnlab.training import cross_entropy, train

    class Two(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = _model()

        def begin_state(self, batch, device=None):
            return self.rnn.begin_state(batch, device)

        def forward(self, X, state):
            out, state = self.rnn(X, state)
            return (out, out * 2), state

    data = [(X, (Y, Y)) for X, Y in _batches()]
    history = train(Two(), data, data, epochs=1, lr=0.5, state="fresh", perplexity=True,
                    loss=lambda o, y: dict(zip(("next", "aux"), cross_entropy(o, y))))
    assert history.train_ppl == [] and history.val_ppl == []       # no exp(L_A + L_B)
    assert set(history.val_metrics) == {"next_loss", "next_ppl", "aux_loss", "aux_ppl"}
    assert history.val_metrics["next_ppl"][0] == pytest.approx(
        math.exp(history.val_metrics["next_loss"][0]))


def test_validation_can_be_a_hook():
    from rnnlab.training import train

    history = train(_model(), _batches(), lambda model: torch.tensor(math.log(3.0)), epochs=2,
                    lr=0.5, state="fresh")
    assert history.val_ppl == pytest.approx([3.0, 3.0]) and history.val_epochs == [1, 2]


def test_an_empty_validation_loader_is_found_before_training():
    from rnnlab.training import train

    steps = []
    with pytest.raises(ValueError, match="val_loader"):
        train(_model(), _batches(), [], epochs=1, lr=0.5, state="fresh",
              on_batch=lambda step: steps.append(1))
    assert steps == []


def test_carry_with_an_uneven_last_batch():
    from rnnlab.training import train

    data = _batches(2, rows=3) + _batches(1, rows=1, seed=4)
    assert train(_model(), data, data, epochs=1, lr=0.5, state="carry").epochs == 1


def test_targets_outside_the_vocabulary_get_a_clear_error():
    from rnnlab.training import train

    X, Y = _batches(1)[0]
    Y = Y.clone()
    Y[0, 0] = V + 3
    with pytest.raises(IndexError, match=f"targets hold token index {V + 3}"):
        train(_model(), [(X, Y)], epochs=1, lr=0.5, state="fresh")


# --------------------------------------------------------------------------- d2l and speed at the edges
def test_the_loop_takes_no_d2l_updater_compat_adapts_it():
    from rnnlab.compat import as_optimizer
    from rnnlab.training import train

    model = _model()
    calls = []
    with pytest.raises(TypeError, match="as_optimizer"):
        train(model, _batches(), epochs=1, optimizer=lambda batch_size: None, state="fresh")
    train(model, _batches(), epochs=1, state="fresh",
          optimizer=as_optimizer(lambda batch_size: calls.append(batch_size)))
    assert calls == [1, 1]


def test_theta_is_checked_once_per_run_not_per_batch(monkeypatch):
    from rnnlab.gradients import clipping
    from rnnlab.training import loop

    calls = []
    for module in (clipping, loop):
        original = module.require_theta
        monkeypatch.setattr(module, "require_theta",
                            lambda theta, original=original: calls.append(1) or original(theta))
    loop.train(_model(), _batches(4), epochs=2, lr=0.5, state="fresh")
    assert len(calls) == 1


@pytest.mark.parametrize("theta", [None, 0.01, 1e6])
def test_the_loops_clipping_is_what_lesson_05_shows(theta):
    from rnnlab.gradients.clipping import clip_global_norm, grad_clipping

    grads = [torch.randn(3, 4, generator=torch.Generator().manual_seed(i)) for i in range(2)]
    a = [torch.zeros(3, 4, requires_grad=True) for _ in grads]
    b = [torch.zeros(3, 4, requires_grad=True) for _ in grads]
    for p, q, g in zip(a, b, grads):
        p.grad, q.grad = g.clone(), g.clone()
    assert grad_clipping(a, theta) == clip_global_norm(b, theta)
    assert all(torch.equal(p.grad, q.grad) for p, q in zip(a, b))


def test_one_thread_policy():
    from rnnlab import device, fused

    assert fused.default_threads is device.default_threads
    assert device.default_threads(64, cores=2, load=0.0) == 1


# --------------------------------------------------------------------------- no silent wrong result
def test_the_fused_engine_refuses_or_gets_second_derivatives_right():
    X, y = _batches(1)[0]
    results = []
    for fused in (True, False):
        model = _model(fused=fused)
        out, _ = model(X)
        loss = torch.nn.functional.cross_entropy(out, y.T.reshape(-1))
        try:
            (g,) = torch.autograd.grad(loss, model.W_hq, create_graph=True)
            (g.square().sum()).backward()
            results.append(model.W_hh.grad)
        except RuntimeError as exc:
            assert fused and "fused" in str(exc)
            results.append("refused")
    assert results[0] == "refused" or torch.allclose(results[0], results[1], atol=1e-9)


def test_ngram_prob_refuses_tokens_outside_the_vocabulary_and_float_indices():
    from rnnlab.text.ngram import NgramModel

    model = NgramModel([0, 1, 2, 1], 1, vocab_size=3)
    with pytest.raises(ValueError, match="token"):
        model.prob(7)
    with pytest.raises(TypeError, match="token"):
        model.prob(1.7)
    with pytest.raises(TypeError):
        NgramModel([0.0, 1.9], 1, vocab_size=3)


@pytest.mark.parametrize("scale", [1e20, 1e-23])
def test_pcgrad_over_the_float32_range(scale):
    from rnnlab.gradients.pcgrad import pcgrad_rows, pcgrad_update

    a = torch.tensor([1.0, 0.5]) * scale
    b = torch.tensor([-1.0, 1.0]) * scale
    expected = torch.tensor([0.15, 1.95], dtype=torch.float64) * scale
    for got in (pcgrad_update([a, b]), pcgrad_rows(a[None], b[None])[0]):
        assert torch.isfinite(got).all()
        assert torch.allclose(got.double(), expected, rtol=1e-5, atol=0)


def test_conflict_share_does_not_count_nan_as_agreement():
    from rnnlab.gradients.conflict import conflict_share, cosine_similarity

    assert math.isnan(conflict_share([0.5, float("nan")]))
    a = torch.tensor([1e200, 0.0], dtype=torch.float64)
    assert cosine_similarity(a, -a) == pytest.approx(-1.0)


@pytest.mark.parametrize("fused", [True, False])
def test_carry_weights_are_checked(fused):
    X = _batches(1)[0][0]
    with pytest.raises(ValueError, match="carry_weights"):
        _model(fused=fused)(X, None, carry_weights=[1.0, float("nan"), 1.0])
    with pytest.raises(TypeError, match="carry_weights"):
        _model(fused=fused)(X, None, carry_weights=[1.0, "1", 1.0])


def test_min_freq_summary_agrees_with_vocab_on_a_literal_unk():
    from rnnlab.text.vocab import Vocab
    from rnnlab.text.zipf import min_freq_summary

    text = ["a", "a", "b", "<unk>", "<unk>", "c"]
    for m in (1, 2, 3):
        vocab, summary = Vocab(text, min_freq=m), min_freq_summary(text, m)
        assert summary.vocab_size == len(vocab)
        assert summary.unk_share == sum(i == 0 for i in vocab[text]) / len(text)


# --------------------------------------------------------------------------- sizes
def test_sizes_are_bounded_with_argument_value_and_limit():
    from rnnlab.checks import MAX_NUM_HIDDENS, require_num_hiddens
    from rnnlab.gradients.jacobians import make_w_hh
    from rnnlab.models import RNNScratch
    from rnnlab.series import noisy_sine

    with pytest.raises(ValueError, match=r"num_hiddens must be <= 8,192 .*got 200,000"):
        RNNScratch(28, 200_000)
    with pytest.raises(ValueError, match=r"num_points must be <= 10,000,000"):
        noisy_sine(10**10)
    with pytest.raises(ValueError, match="num_hiddens must be <="):   # the shared checker
        require_num_hiddens(10**5)
    with pytest.raises(ValueError, match=r"num_hiddens must be <= 8,192 .*got 100,000"):
        make_w_hh(100_000, 1.0)   # before allocating 80 GB
    assert require_num_hiddens(np.int64(MAX_NUM_HIDDENS)) == MAX_NUM_HIDDENS


# --------------------------------------------------------------------------- numbers and flags
def test_flags_are_checked_one_way():
    from rnnlab.experiments.multitask import TwoTaskRNN
    from rnnlab.training import train

    with pytest.raises(TypeError, match="detach_b"):
        TwoTaskRNN(5, heads="separate", detach_b="False")
    with pytest.raises(TypeError, match="progress"):
        train(_model(), _batches(), epochs=1, lr=0.5, state="fresh", progress=0)
    assert _model(fused=np.True_).fused is True
    with pytest.raises(TypeError, match="fused"):
        _model(fused="yes")


def test_numpy_scalars_and_0d_tensors_are_numbers():
    from rnnlab.experiments.multitask import TwoTaskRNN
    from rnnlab.text.corpus import train_val_split

    assert TwoTaskRNN(np.int64(5)).vocab_size == 5
    for fraction in (np.float64(0.1), torch.tensor(0.1)):
        assert len(train_val_split(list(range(100)), fraction)[1]) == 10


@pytest.mark.parametrize("dtype", [torch.float64, torch.float16, torch.bfloat16])
def test_rnnmodel_runs_in_other_dtypes(dtype):
    from rnnlab.models import RNNModel

    model = RNNModel(V, 4, "lstm").to(dtype)
    out, state = model(_batches(1)[0][0], model.begin_state(2))
    assert out.dtype == dtype and state[0].dtype == dtype


def test_ngram_baseline_takes_lists():
    from rnnlab.text.ngram import ngram_baseline

    base = ngram_baseline(ns=[1, 2], alphas=[1.0], max_tokens=5000)
    assert base.best_n in (1, 2)
