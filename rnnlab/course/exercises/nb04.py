"""Checkers for notebook 04 (an RNN from scratch)."""

from __future__ import annotations

import numbers

import torch

from ...models import RNNScratch
from .feedback import Feedback, correct, wrong


def _is_number(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def check_num_params(vocab_size: int, num_hiddens: int, answer) -> Feedback:
    """Exercise 1: how many numbers does the scratch RNN learn for this vocabulary and hidden size?
    """
    V, H = vocab_size, num_hiddens
    right = V * H + H * H + H + H * V + V
    if not _is_number(answer):
        return wrong(f"give one integer, got {answer!r}")
    if answer == right:
        return correct(f"V·H + H·H + H + H·V + V = {right}. The count does not depend on "
                       "num_steps: every time step reuses the same five tensors.")
    hints = {
        V * H + H * V: "you counted W_xh and W_hq only: W_hh (H × H), the recurrent weights, "
                       "and the two biases are missing.",
        V * H + H * H + H * V: "the weights are right; now add the biases b_h (H) and b_q (V).",
        V * H + H * H + H * V + V: "b_h (length H) is missing.",
        V * H + H * H + H * V + H: "b_q (length V, one per output token) is missing.",
    }
    if answer in hints:
        return wrong(hints[answer])
    return wrong(f"{answer} is not it. List the five tensors W_xh {V}×{H}, W_hh {H}×{H}, "
                 f"b_h {H}, W_hq {H}×{V}, b_q {V} and add their sizes.")


def check_rnn_step(rnn_step) -> Feedback:
    """Exercise 2: ``rnn_step(x_onehot, H, params) -> (O, H_new)``.

    ``params`` is ``[W_xh, W_hh, b_h, W_hq, b_q]``.
    """
    if not callable(rnn_step):
        return wrong(f"pass your function itself, got {type(rnn_step).__name__}")
    torch.manual_seed(4)
    model = RNNScratch(5, 4, device="cpu")
    with torch.no_grad():
        for p in model.parameters():  # larger weights so that a missing tanh shows
            p.copy_(torch.randn_like(p))
    x = torch.nn.functional.one_hot(torch.tensor([0, 3, 1]), 5).float()
    H = torch.randn(3, 4)
    params = [model.W_xh, model.W_hh, model.b_h, model.W_hq, model.b_q]
    try:
        with torch.no_grad():
            out = rnn_step(x, H, params)
    except Exception as exc:  # the student's code: report, don't crash
        return wrong(f"calling rnn_step(x, H, params) raised {type(exc).__name__}: {exc}")
    if not isinstance(out, tuple) or len(out) != 2:
        return wrong("return a pair (O, H_new): the output for this step and the new hidden state")
    O, H_new = out  # noqa: E741 (the notes' name for the output)
    with torch.no_grad():
        O_ref, H_ref = model.step(x, H)
        pre = x @ model.W_xh + H @ model.W_hh + model.b_h
    if tuple(H_new.shape) != tuple(H_ref.shape):
        return wrong(f"H_new should have shape (batch, num_hiddens) = {tuple(H_ref.shape)}, "
                     f"got {tuple(H_new.shape)}")
    if torch.allclose(H_new, pre, atol=1e-5):
        return wrong("H_new is the pre-activation: apply tanh to X W_xh + H W_hh + b_h.")
    if not torch.allclose(H_new, H_ref, atol=1e-5):
        return wrong("H_new is not tanh(X W_xh + H W_hh + b_h); check which weights multiply "
                     "the input (W_xh) and which the previous state (W_hh).")
    if torch.allclose(O, pre @ model.W_hq + model.b_q, atol=1e-5):
        return wrong("O must be computed from the new state H_new (after tanh), not from the "
                     "pre-activation.")
    if torch.allclose(O, H @ model.W_hq + model.b_q, atol=1e-5):
        return wrong("O must use the new hidden state H_new, not the previous one H.")
    if not torch.allclose(O, O_ref, atol=1e-5):
        return wrong("O is not H_new W_hq + b_q.")
    return correct("that is one step of the recurrence; RNNScratch.forward runs it "
                   "num_steps times.")


def check_temperature_softmax(softmax_t) -> Feedback:
    """Exercise 3: ``softmax_t(logits, temperature)`` -> the probabilities to sample from."""
    if not callable(softmax_t):
        return wrong(f"pass your function itself, got {type(softmax_t).__name__}")
    logits = torch.tensor([2.0, 1.0, 0.0, -1.0])
    cases = {}
    try:
        for t in (0.5, 1.0, 3.0):
            cases[t] = torch.as_tensor(softmax_t(logits.clone(), t), dtype=torch.float32)
    except Exception as exc:
        return wrong(f"calling softmax_t(logits, temperature) raised {type(exc).__name__}: {exc}")
    for t, got in cases.items():
        if tuple(got.shape) != (4,):
            return wrong(f"return one probability per token: shape (4,), got {tuple(got.shape)}")
        if not torch.isclose(got.sum(), torch.tensor(1.0), atol=1e-5):
            return wrong(f"the probabilities must sum to 1, yours sum to {float(got.sum()):.4f} "
                         f"at temperature {t}: normalise with softmax.")
        if torch.allclose(got, torch.softmax(logits * t, 0), atol=1e-5) and t != 1.0:
            return wrong("you multiplied the logits by the temperature; divide them: a low "
                         "temperature must make the distribution sharper (closer to greedy).")
        if torch.allclose(got, torch.softmax(logits, 0), atol=1e-5) and t != 1.0:
            return wrong(f"at temperature {t} you returned the plain softmax: divide the logits "
                         "by the temperature before the softmax.")
        if not torch.allclose(got, torch.softmax(logits / t, 0), atol=1e-5):
            return wrong(f"at temperature {t} expected softmax(logits / {t}).")
    return correct("softmax(logits / T): T < 1 sharpens towards the greedy choice, T > 1 "
                   "flattens towards uniform; rnnlab.sample draws from exactly this.")
