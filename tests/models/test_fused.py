"""The fused scratch RNN (hand-written BPTT as backward) against autograd, and its memory."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch
from torch.nn import functional as F

import rnnlab
from rnnlab import fused
from rnnlab.gradients.bptt import bptt_gradients, truncation_weights
from rnnlab.gradients.memory import saved_tensor_bytes
from rnnlab.models import RNNScratch

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import seed_style  # noqa: E402

V, H = 11, 9
NAMES = ("W_xh", "W_hh", "b_h", "W_hq", "b_q")
TOL = {torch.float64: 1e-10, torch.float32: 1e-5}


def twins(dtype=torch.float64, device="cpu", hidden=H, seed=0):
    """A fused and an autograd RNNScratch with the same (not tiny) weights."""
    torch.manual_seed(seed)
    # spectral radius about 0.9: a chaotic recurrence would amplify rounding differences
    a = RNNScratch(V, hidden, device=device, fused=True, scale=0.9 / hidden**0.5).to(dtype)
    b = RNNScratch(V, hidden, device=device, fused=False).to(dtype)
    with torch.no_grad():
        a.b_h.normal_(0, 0.3)
        a.b_q.normal_(0, 0.3)
    b.load_state_dict(a.state_dict())
    return a, b


def grads(model, X, Y, H0, carry_weights=None):
    """Gradients of a loss that uses the outputs *and* the final state, for params and H0."""
    H0 = H0.clone().requires_grad_(True)
    outputs, (HT,) = model(X, (H0,), carry_weights=carry_weights)
    loss = F.cross_entropy(outputs, Y.T.reshape(-1)) + (HT * torch.linspace(-1, 1, HT.shape[1],
                                                                            dtype=HT.dtype,
                                                                            device=HT.device)).sum()
    params = [getattr(model, n) for n in NAMES]
    g = torch.autograd.grad(loss, [*params, H0], allow_unused=True)
    g = [torch.zeros_like(t) if gi is None else gi for gi, t in zip(g, [*params, H0], strict=True)]
    return outputs.detach(), HT.detach(), dict(zip([*NAMES, "H0"], g, strict=True))


def assert_same(fused_result, autograd_result, dtype):
    tol = TOL[dtype]
    (o1, h1, g1), (o2, h2, g2) = fused_result, autograd_result
    torch.testing.assert_close(o1, o2, rtol=tol, atol=tol)
    torch.testing.assert_close(h1, h2, rtol=tol, atol=tol)
    for name in g2:
        assert g1[name].abs().max() > 0 or g2[name].abs().max() == 0, name
        torch.testing.assert_close(g1[name], g2[name], rtol=tol, atol=tol, msg=name)


def batch(batch_size, num_steps, device="cpu", seed=1):
    g = torch.Generator().manual_seed(seed)
    X = torch.randint(0, V, (batch_size, num_steps), generator=g)
    Y = torch.randint(0, V, (batch_size, num_steps), generator=g)
    return X.to(device), Y.to(device)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("batch_size, num_steps", [(4, 7), (1, 6), (3, 1), (1, 1)])
def test_fused_equals_autograd(dtype, batch_size, num_steps):
    a, b = twins(dtype)
    X, Y = batch(batch_size, num_steps)
    H0 = torch.randn(batch_size, H, dtype=dtype) * 0.5
    assert_same(grads(a, X, Y, H0), grads(b, X, Y, H0), dtype)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("weights", [truncation_weights(8, 3), [0.5, 2, 1, 0, 1, 1, 0.25, 1],
                                     [0.0] * 8])
def test_fused_supports_carry_weights(dtype, weights):
    a, b = twins(dtype)
    X, Y = batch(3, 8)
    H0 = torch.randn(3, H, dtype=dtype) * 0.5
    assert_same(grads(a, X, Y, H0, weights), grads(b, X, Y, H0, weights), dtype)


def test_fused_equals_lesson07s_hand_bptt():
    a, _ = twins(torch.float64)
    X, Y = batch(4, 6)
    state = torch.zeros(4, H, dtype=torch.float64)
    hand = bptt_gradients(a, X, Y, (state,), carry_weights=truncation_weights(6, 4))
    outputs, _ = a(X, (state,), carry_weights=truncation_weights(6, 4))
    F.cross_entropy(outputs, Y.T.reshape(-1)).backward()
    for n in NAMES:
        torch.testing.assert_close(getattr(a, n).grad, hand[n], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("detach", [True, False])
def test_state_carried_over_two_batches(detach):
    """Batch 2 starts from batch 1's final state, detached (the loop) or not (one long graph)."""
    results = []
    for model in twins(torch.float64):
        (X1, Y1), (X2, Y2) = batch(3, 5, seed=1), batch(3, 5, seed=2)
        out1, (H1,) = model(X1)
        loss = F.cross_entropy(out1, Y1.T.reshape(-1))
        out2, (H2,) = model(X2, (H1.detach(),) if detach else (H1,))
        loss = loss + F.cross_entropy(out2, Y2.T.reshape(-1)) + H2.sum()
        loss.backward()
        results.append((out2.detach(), [getattr(model, n).grad for n in NAMES]))
    (o1, g1), (o2, g2) = results
    torch.testing.assert_close(o1, o2, rtol=1e-10, atol=1e-10)
    for n, x, y in zip(NAMES, g1, g2, strict=True):
        torch.testing.assert_close(x, y, rtol=1e-10, atol=1e-10, msg=n)


def test_state_that_needs_no_gradient_gets_none_and_outputs_alone_work():
    a, _ = twins(torch.float64)
    X, Y = batch(2, 4)
    H0 = torch.zeros(2, H, dtype=torch.float64)
    outputs, (HT,) = a(X, (H0,))
    F.cross_entropy(outputs, Y.T.reshape(-1)).backward()      # the final state is not used
    assert H0.grad is None and a.W_hh.grad is not None
    HT.add_(1)  # the returned state is the caller's own copy: changing it breaks nothing
    a.zero_grad()
    _, (HT,) = a(X)
    HT.sum().backward()                                       # only the state is used
    assert a.W_hq.grad is None or a.W_hq.grad.abs().max() == 0
    assert a.W_hh.grad.abs().max() > 0


def test_fused_is_the_default_and_the_switch_round_trips_through_config():
    model = RNNScratch(V, H)
    assert model.fused is True and model.config["fused"] is True
    slow = RNNScratch(**RNNScratch(V, H, fused=False).config)
    assert slow.fused is False and "fused=False" in repr(slow)
    with pytest.raises(TypeError, match="fused must be True"):
        RNNScratch(V, H, fused="yes")
    with pytest.raises(ValueError, match="one weight per step"):
        model(torch.zeros(2, 4, dtype=torch.long), carry_weights=[1.0, 1.0])


def test_fused_model_trains_through_the_loop_like_the_autograd_one():
    corpus, vocab = rnnlab.load_corpus_time_machine(2000)
    loader = rnnlab.SeqDataLoader(corpus, 4, 8, seed=0, random_offset=False)
    histories = []
    for use_fused in (True, False):
        torch.manual_seed(0)
        model = RNNScratch(len(vocab), 16, fused=use_fused)
        histories.append(rnnlab.train(model, loader, epochs=2, lr=1.0, device="cpu"))
    assert histories[0].train_ppl == pytest.approx(histories[1].train_ppl, rel=1e-4)


def per_step_bytes(forward, params, batch_size=4, hidden=16):
    """Saved bytes per time step (the slope between 10 and 30 steps), by the one meter."""
    sizes = {}
    for T in (10, 30):
        X, Y = batch(batch_size, T)

        def loss(X, Y=Y):
            return F.cross_entropy(forward(X), Y.T.reshape(-1))

        sizes[T], _ = saved_tensor_bytes(loss, X, exclude=[*params, X, Y])
    return (sizes[30] - sizes[10]) / 20


def test_fused_keeps_at_most_the_seed_loops_memory_per_step():
    torch.manual_seed(0)
    seed = seed_style.SeedRNN(V, 16)
    model = RNNScratch(V, 16)
    slow = RNNScratch(V, 16, fused=False)
    seed_bytes = per_step_bytes(lambda X: seed(X, seed.begin_state(X.shape[0], "cpu"))[0],
                                seed.params)
    fused_bytes = per_step_bytes(lambda X: model(X)[0], list(model.parameters()))
    autograd_bytes = per_step_bytes(lambda X: slow(X)[0], list(slow.parameters()))
    hidden_state = 4 * 16 * 4                                # one (batch, hidden) float32 state
    assert hidden_state <= fused_bytes <= seed_bytes < autograd_bytes


def test_default_threads_follows_the_measured_table():
    small, large = fused.TWO_THREADS_FROM_HIDDEN // 2, fused.TWO_THREADS_FROM_HIDDEN * 2
    assert fused.default_threads(small, cores=2, load=0.0) == 1     # small models: one thread
    assert fused.default_threads(large, cores=2, load=0.0) == 2     # large, two idle cores
    assert fused.default_threads(large, cores=2, load=0.7) == 1     # a busy core: one thread
    assert fused.default_threads(large, cores=8, load=3.0) == 2
    assert fused.default_threads(large, cores=1, load=0.0) == 1
    assert fused.default_threads(large) in (1, 2)
    with pytest.raises(ValueError, match="num_hiddens"):
        fused.default_threads(0)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_fused_equals_autograd_on_cuda(dtype):
    a, b = twins(dtype, device="cuda", hidden=64)
    X, Y = batch(5, 9, device="cuda")
    H0 = torch.randn(5, 64, dtype=dtype, device="cuda") * 0.5
    weights = [1, 1, 0, 1, 0.5, 1, 1, 1, 1]
    assert_same(grads(a, X, Y, H0), grads(b, X, Y, H0), dtype)
    assert_same(grads(a, X, Y, H0, weights), grads(b, X, Y, H0, weights), dtype)


def test_float32_at_the_seeds_size_is_as_accurate_as_autograd():
    """Both float32 engines against float64 truth, hidden 512, batch 32, 35 steps."""
    torch.manual_seed(0)
    truth_model = RNNScratch(V, 512, scale=0.9 / 512**0.5).double()
    X, Y = batch(32, 35)
    H0 = torch.randn(32, 512, dtype=torch.float64) * 0.5
    truth = grads(truth_model, X, Y, H0)
    for use_fused in (True, False):
        model = RNNScratch(V, 512, fused=use_fused)
        model.load_state_dict({k: v.float() for k, v in truth_model.state_dict().items()})
        _, _, g = grads(model, X, Y, H0.float())
        for name, value in g.items():
            torch.testing.assert_close(value.double(), truth[2][name], rtol=1e-5, atol=1e-5,
                                       msg=name)


def test_two_backward_passes_through_one_graph_agree():
    """retain_graph (lesson 08 takes one gradient per task from the same forward pass)."""
    a, _ = twins(torch.float64)
    X, Y = batch(3, 6)
    outputs, (HT,) = a(X)
    first = torch.autograd.grad(F.cross_entropy(outputs, Y.T.reshape(-1)), [a.W_hh],
                                retain_graph=True)[0]
    again = torch.autograd.grad(F.cross_entropy(outputs, Y.T.reshape(-1)), [a.W_hh])[0]
    torch.testing.assert_close(first, again, rtol=0, atol=0)
