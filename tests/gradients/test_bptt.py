import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnlab
from rnnlab.course import lesson07
from rnnlab.experiments import truncation
from rnnlab.gradients import bptt, jacobians
from rnnlab.gradients.bptt import PARAM_NAMES
from rnnlab.models import RNNScratch


def _problem(seed, vocab_size, num_hiddens, batch_size, num_steps, scale=0.5):
    g = torch.Generator().manual_seed(seed)
    params = rnnlab.RNNScratch(vocab_size, num_hiddens, scale=scale, generator=g)
    with torch.no_grad():
        params.b_h.copy_(torch.randn(num_hiddens, generator=g) * 0.1)
        params.b_q.copy_(torch.randn(vocab_size, generator=g) * 0.1)
    X = torch.randint(0, vocab_size, (batch_size, num_steps), generator=g)
    Y = torch.randint(0, vocab_size, (batch_size, num_steps), generator=g)
    H0 = torch.randn(batch_size, num_hiddens, generator=g) * 0.5
    return params, X, Y, H0, g


def _hiddens(model, X, H0):
    """h_0 … h_T, shape (T+1, B, H), with the graph (so tests can differentiate through it)."""
    return torch.cat([H0[None], model.recurrence(X, H0)])


def _assert_close(hand, auto):
    for name in PARAM_NAMES:
        assert hand[name].shape == auto[name].shape, name
        torch.testing.assert_close(hand[name], auto[name], atol=1e-5, rtol=1e-4, msg=name)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), V=st.integers(2, 9), H=st.integers(1, 8),
       B=st.integers(1, 4), T=st.integers(1, 9))
def test_hand_bptt_equals_autograd(seed, V, H, B, T):
    params, X, Y, H0, _ = _problem(seed, V, H, B, T)
    _assert_close(bptt.bptt_gradients(params, X, Y, H0), bptt.autograd_gradients(params, X, Y, H0))


def test_gradient_for_initial_state_matches_autograd():
    params, X, Y, H0, _ = _problem(3, 5, 4, 2, 6)
    H0 = H0.requires_grad_(True)
    logits, _ = params(X, (H0,))
    (g,) = torch.autograd.grad(torch.nn.functional.cross_entropy(logits, Y.T.reshape(-1)), H0)
    torch.testing.assert_close(bptt.bptt_gradients(params, X, Y, H0)["h0"], g, atol=1e-6, rtol=1e-4)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), T=st.integers(2, 10), k=st.integers(1, 5))
def test_truncated_hand_bptt_equals_detaching_every_k_steps(seed, T, k):
    params, X, Y, H0, _ = _problem(seed, 6, 5, 3, T)
    hand = bptt.bptt_gradients(params, X, Y, H0, carry_weights=bptt.truncation_weights(T, k))
    # Reference: plain autograd where the state is detached at the start of every chunk.
    leaves = [getattr(params, n) for n in PARAM_NAMES]
    logits, H = [], H0
    for s in range(0, T, k):
        out, (H,) = params(X[:, s:s + k], (H.detach(),))
        logits.append(out.view(-1, X.shape[0], out.shape[-1]))
    loss = torch.nn.functional.cross_entropy(torch.cat(logits).flatten(0, 1), Y.T.reshape(-1))
    auto = dict(zip(PARAM_NAMES, torch.autograd.grad(loss, leaves), strict=True))
    _assert_close(hand, auto)


def test_truncation_changes_the_gradient_and_full_is_the_default():
    params, X, Y, H0, _ = _problem(0, 6, 5, 3, 8, scale=1.0)
    full = bptt.bptt_gradients(params, X, Y, H0)
    same = bptt.bptt_gradients(params, X, Y, H0, carry_weights=bptt.truncation_weights(8, None))
    cut = bptt.bptt_gradients(params, X, Y, H0, carry_weights=bptt.truncation_weights(8, 2))
    torch.testing.assert_close(full["W_hh"], same["W_hh"])
    assert not torch.allclose(full["W_hh"], cut["W_hh"], atol=1e-6)
    # The output layer sees no recurrence: truncation leaves its gradient alone.
    torch.testing.assert_close(full["W_hq"], cut["W_hq"])


def test_randomized_truncation_hand_equals_autograd_for_one_sample():
    params, X, Y, H0, g = _problem(5, 6, 5, 3, 7)
    w = bptt.random_truncation_weights(7, 0.5, g)
    _assert_close(bptt.bptt_gradients(params, X, Y, H0, carry_weights=w),
                  bptt.autograd_gradients(params, X, Y, H0, carry_weights=w))


def test_randomized_truncation_is_unbiased_exactly():
    # Enumerate every keep/cut pattern with its probability: the expectation is the full gradient.
    T, p = 5, 0.4
    params, X, Y, H0, _ = _problem(7, 5, 4, 2, T, scale=0.8)
    full = bptt.bptt_gradients(params, X, Y, H0)
    expected = {n: torch.zeros_like(full[n]) for n in PARAM_NAMES}
    for keep in itertools.product([0, 1], repeat=T):
        prob = p ** sum(keep) * (1 - p) ** (T - sum(keep))
        weights = torch.tensor(keep, dtype=torch.float32) / p
        grads = bptt.bptt_gradients(params, X, Y, H0, carry_weights=weights)
        for n in PARAM_NAMES:
            expected[n] += prob * grads[n]
    _assert_close(expected, full)


def test_random_truncation_weights_values_and_errors():
    w = bptt.random_truncation_weights(1000, 0.25, torch.Generator().manual_seed(0))
    assert set(w.unique().tolist()) <= {0.0, 4.0}
    assert 0.15 < float((w > 0).float().mean()) < 0.35
    with pytest.raises(ValueError, match="keep_prob must be in"):
        bptt.random_truncation_weights(5, 1.5)
    with pytest.raises(ValueError, match="keep_prob"):
        bptt.random_truncation_weights(5, 0.0)


def test_works_with_the_scratch_model_attributes():
    model = rnnlab.models.RNNScratch(7, 5)
    g = torch.Generator().manual_seed(0)
    X = torch.randint(0, 7, (2, 4), generator=g)
    Y = torch.randint(0, 7, (2, 4), generator=g)
    out, _ = model(X)
    torch.nn.functional.cross_entropy(out, Y.T.reshape(-1)).backward()
    hand = bptt.bptt_gradients(model, X, Y)
    for n in PARAM_NAMES:
        torch.testing.assert_close(hand[n], getattr(model, n).grad, atol=1e-6, rtol=1e-4)


def test_bad_inputs_raise_clear_errors():
    params, X, Y, H0, _ = _problem(0, 5, 4, 2, 3)
    with pytest.raises(TypeError, match="X must hold integer token indices"):
        bptt.bptt_gradients(params, X.float(), Y)
    with pytest.raises(IndexError, match="token indices must be in"):
        bptt.bptt_gradients(params, X + 10, Y)
    with pytest.raises(ValueError, match="same shape"):
        bptt.bptt_gradients(params, X, Y[:, :2])
    with pytest.raises(ValueError, match="carry_weights must have shape"):
        bptt.bptt_gradients(params, X, Y, carry_weights=torch.ones(7))
    with pytest.raises(TypeError, match="model must be an rnnlab RNNScratch"):
        bptt.bptt_gradients({"W_xh": params.W_xh}, X, Y)
    with pytest.raises(ValueError, match="state has shapes"):
        bptt.bptt_gradients(params, X, Y, torch.ones(3))
    with pytest.raises(TypeError, match="model must be"):
        bptt.bptt_gradients(42, X, Y)
    with pytest.raises(ValueError, match="k must be >= 1"):
        bptt.truncation_weights(5, 0)


@pytest.mark.parametrize("radius", [0.5, 1.0, 2.5])
def test_make_w_hh_has_the_requested_spectral_radius(radius):
    W = jacobians.make_w_hh(16, radius, torch.Generator().manual_seed(1))
    assert W.shape == (16, 16)
    assert jacobians.spectral_radius(W) == pytest.approx(radius, rel=1e-4)


def test_make_w_hh_and_spectral_radius_errors():
    with pytest.raises(ValueError, match="radius must be"):
        jacobians.make_w_hh(4, -1.0)
    with pytest.raises(ValueError, match="square"):
        jacobians.spectral_radius(torch.ones(2, 3))


def test_jacobian_norms_match_autograd_jacobian():
    params, X, _, H0, _ = _problem(2, 5, 4, 1, 6, scale=0.8)
    with torch.no_grad():
        hiddens = _hiddens(params, X, H0)
    norms = jacobians.jacobian_norms(params.W_hh, hiddens)
    assert norms.shape == (7,) and float(norms[0]) == 1.0
    for t in range(6):   # compare ∂h_T/∂h_t by autograd, rerunning from h_t
        def h_T(h_t, t=t):
            return params.recurrence(X[:, t:], h_t[None])[-1, 0]
        J = torch.autograd.functional.jacobian(h_T, hiddens[t, 0])
        assert float(norms[6 - t]) == pytest.approx(float(torch.linalg.matrix_norm(J, 2)),
                                                    rel=1e-4)


def test_linear_jacobian_norms_follow_the_spectral_radius():
    for radius in (0.5, 1.5):
        norms = jacobians.jacobian_norm_curve(radius, num_steps=60, nonlinearity="linear")
        rate = float((norms[60] / norms[40]) ** (1 / 20))
        assert rate == pytest.approx(radius, rel=0.1)


def test_tanh_vanishes_for_small_radius():
    norms = jacobians.jacobian_norm_curve(0.5, num_steps=30)
    assert float(norms[30]) < 1e-6 < float(norms[1])


def test_bptt_panel_returns_figure_and_text():
    fig, text = lesson07.bptt_panel(radius=1.2, truncation=5, num_steps=20)
    assert fig.axes[0].get_yscale() == "log"
    assert "k = 5" in text and "keeps" in text
    with pytest.raises(ValueError, match="nonlinearity"):
        lesson07.bptt_panel(nonlinearity="relu")


def test_measure_bptt_cost_memory_grows_with_steps_and_truncation_caps_it():
    full = truncation.measure_bptt_cost((4, 8, 16), batch_size=4, num_hiddens=8, repeats=1)
    assert [r["num_steps"] for r in full] == [4, 8, 16]
    mem = [r["saved_MB"] for r in full]
    assert mem[0] < mem[1] < mem[2]
    # Linear growth: equal increments per step.
    assert (mem[2] - mem[1]) == pytest.approx(2 * (mem[1] - mem[0]), rel=0.05)
    cut = truncation.measure_bptt_cost((4, 8, 16), batch_size=4, num_hiddens=8, truncation=4, repeats=1)
    assert [r["saved_MB"] for r in cut] == pytest.approx([mem[0]] * 3, rel=0.01)
    assert all(r["ms"] > 0 for r in full)


def test_train_bptt_modes_learn_and_reject_bad_mode():
    corpus, vocab = rnnlab.load_corpus_time_machine(3000)
    train, val = rnnlab.train_val_split(corpus)
    loader = rnnlab.SeqDataLoader(train, 8, 12, use_random_iter=True, seed=0)
    val_loader = rnnlab.SeqDataLoader(val, 4, 12, seed=0, random_offset=False)
    for mode in ("full", "truncated", "randomized"):
        h, model = truncation.train_bptt(loader, val_loader, len(vocab), 16, mode=mode, truncation=3,
                                   epochs=2, lr=1.0)
        assert len(h.train_ppl) == len(h.val_ppl) == 2 and h.info["mode"] == mode
        assert isinstance(model, rnnlab.RNNScratch)
        assert h.train_ppl[-1] < len(vocab)        # better than guessing uniformly
    with pytest.raises(ValueError, match="mode must be one of"):
        truncation.train_bptt(loader, val_loader, len(vocab), mode="partial")


# ---------------------------------------------------------------- what chunked truncation keeps
@pytest.mark.parametrize("kind", ["tanh", "linear"])
def test_jacobian_norm_matrix_rows_match_jacobian_norms(kind):
    T = 12
    N = jacobians.jacobian_norm_matrix(1.3, num_steps=T, nonlinearity=kind)
    assert N.shape == (T + 1, T + 1) and torch.all(N[:, 0] == 0) and torch.all(N.triu(1) == 0)
    # the last row, read backwards, is the curve of the same RNN
    curve = jacobians.jacobian_norm_curve(1.3, num_steps=T, nonlinearity=kind)
    assert torch.allclose(N[T, 1:].flip(0), curve[:T], rtol=1e-5)
    # a middle row: the Jacobians from that step back, computed on the same hidden states
    W_hh, hiddens = jacobians._random_rnn(1.3, T, 32, kind, 1.0, 8, 0)
    s = 7
    row = jacobians.jacobian_norms(W_hh, None if hiddens is None else hiddens[:s + 1], s)
    assert torch.allclose(N[s, 1:s + 1].flip(0), row[:s], rtol=1e-5)


def test_truncation_share_counts_the_steps_of_each_chunk():
    T, k = 10, 4
    ones = torch.tril(torch.ones(T + 1, T + 1))       # every Jacobian norm 1: shares count steps
    ones[:, 0] = 0
    share = lesson07.truncation_share(ones, k)
    # chunks 1-4, 5-8, 9-10: a loss at chunk position j keeps j steps
    kept_steps = [1, 2, 3, 4, 1, 2, 3, 4, 1, 2]
    assert share.mean_steps_kept == pytest.approx(sum(kept_steps) / T)
    assert share.mean_steps == pytest.approx(sum(range(1, T + 1)) / T)
    assert share.kept == pytest.approx(sum(kept_steps) / sum(range(1, T + 1)))
    window = [min(s, k) for s in range(1, T + 1)]
    assert share.sliding == pytest.approx(sum(window) / sum(range(1, T + 1)))
    assert share.per_loss.tolist() == pytest.approx([j / s for j, s in zip(kept_steps, range(1, T + 1))])
    assert lesson07.truncation_share(ones, T).kept == pytest.approx(1.0)   # one chunk: all kept
    with pytest.raises(ValueError, match="norm_matrix"):
        lesson07.truncation_share(torch.ones(3, 4), 2)
    with pytest.raises(ValueError, match="truncation"):
        lesson07.truncation_share(ones, 0)


def test_truncation_share_agrees_with_the_carry_weights_of_hand_bptt():
    """The steps a chunk keeps are the ones truncation_weights lets the gradient reach."""
    T, k = 9, 4
    torch.manual_seed(0)
    model = RNNScratch(5, 3, device="cpu")
    X = torch.randint(0, 5, (1, T))
    H0 = torch.zeros(1, 3)
    weights = bptt.truncation_weights(T, k)
    for s in range(1, T + 1):                         # which h_t the loss at step s reaches
        H = H0.clone().requires_grad_(True)
        states, h = [], H
        for t in range(T):
            h = torch.tanh(model.W_xh[X[0, t]] + (h if weights[t] else h.detach()) @ model.W_hh
                           + model.b_h)
            h.retain_grad()
            states.append(h)
        states[s - 1].sum().backward()
        reached = [t + 1 for t in range(s) if states[t].grad is not None and states[t].grad.abs().sum() > 0]
        ones = torch.tril(torch.ones(T + 1, T + 1))
        ones[:, 0] = 0
        per_loss = lesson07.truncation_share(ones, k).per_loss[s - 1]
        assert len(reached) == round(float(per_loss) * s)


def test_bptt_panel_text_reports_the_chunked_share():
    fig, text = lesson07.bptt_panel(radius=1.2, truncation=5, num_steps=20)
    share = lesson07.truncation_share(jacobians.jacobian_norm_matrix(1.2, num_steps=20), 5)
    assert f"{share.kept:.1%}" in text and f"{share.sliding:.1%}" in text
    assert share.kept < share.sliding                  # chunks keep less than a sliding window
    assert len(fig.axes) == 2
    plt.close(fig)


def test_cost_lengths_and_panel_report_deterministic_memory():
    assert lesson07.cost_lengths(128) == [32, 64, 128]
    assert lesson07.cost_lengths(2) == [1, 2]
    with pytest.raises(ValueError, match="num_steps"):
        lesson07.cost_lengths(lesson07.MAX_COST_STEPS + 1)
    kw = dict(batch_size=4, num_hiddens=8, repeats=1)
    fig, text = lesson07.cost_panel(16, 4, **kw)
    full = truncation.measure_bptt_cost([16], **kw)[0]["saved_MB"]
    cut = truncation.measure_bptt_cost([16], truncation=4, **kw)[0]["saved_MB"]
    assert f"saves {full:.2f} MB" in text and f"at most {cut:.2f} MB" in text and cut < full
    assert lesson07.cost_panel(16, 4, **kw)[1] == text          # no timing in the text
    assert [list(line.get_xdata()) for line in fig.axes[0].lines] == [[4, 8, 16]] * 2
    plt.close("all")
    with pytest.raises(ValueError, match="truncation"):
        lesson07.cost_panel(16, 0, **kw)
