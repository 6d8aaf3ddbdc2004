"""Checkers for notebook 04 (an RNN from scratch)."""

from __future__ import annotations

import torch

from .feedback import Feedback, as_count, correct, describe, never_crashes, wrong


def _as_tensor(value):
    """A student's returned array as a float32 tensor, or None if it is not numbers."""
    if value is None or isinstance(value, (str, bytes)):
        return None
    try:
        t = torch.as_tensor(value.detach() if isinstance(value, torch.Tensor) else value)
    except Exception:  # objects, ragged lists
        return None
    if t.dtype == torch.bool or t.is_complex() or not (t.dtype.is_floating_point or t.dtype in (
            torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8)):
        return None
    return t.to(torch.float32)


@never_crashes
def check_num_params(vocab_size: int, num_hiddens: int, answer) -> Feedback:
    """Exercise 1: how many numbers does the scratch RNN learn for this vocabulary and hidden size?
    """
    V, H = vocab_size, num_hiddens
    right = V * H + H * H + H + H * V + V
    count = as_count(answer)
    if count is None:
        return wrong(f"give one integer, got {describe(answer)}")
    answer = count
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


def _step_problem():
    """The exercise's weights, input and state, drawn from their own generator (never torch's)."""
    g = torch.Generator().manual_seed(4)
    V, H, batch = 5, 4, 3
    # larger weights than a trained model's, so that a missing tanh shows
    params = [torch.randn(V, H, generator=g), torch.randn(H, H, generator=g),
              torch.randn(H, generator=g), torch.randn(H, V, generator=g),
              torch.randn(V, generator=g)]
    x = torch.nn.functional.one_hot(torch.tensor([0, 3, 1]), V).float()
    state = torch.randn(batch, H, generator=g)
    return x, state, params


@never_crashes
def check_rnn_step(rnn_step) -> Feedback:
    """Exercise 2: ``rnn_step(x_onehot, H, params) -> (O, H_new)``.

    ``params`` is ``[W_xh, W_hh, b_h, W_hq, b_q]``. The function gets copies: what it
    returns is compared with the step computed from the untouched originals.
    """
    if not callable(rnn_step):
        return wrong(f"pass your function itself, got {type(rnn_step).__name__}")
    x, H, params = _step_problem()
    W_xh, W_hh, b_h, W_hq, b_q = params
    given_x, given_H, given_params = x.clone(), H.clone(), [p.clone() for p in params]
    try:
        with torch.no_grad():
            out = rnn_step(given_x, given_H, given_params)
    except Exception as exc:  # the student's code: report, don't crash
        return wrong(f"calling rnn_step(x, H, params) raised {type(exc).__name__}: {exc}")
    changed = [name for name, p, q in zip(("W_xh", "W_hh", "b_h", "W_hq", "b_q"), params,
                                          given_params, strict=True)
               if p.shape != q.shape or not torch.equal(p, q)]
    if changed or not torch.equal(given_x, x):
        what = ", ".join(changed) if changed else "x"
        return wrong(f"your function changed {what} in place. A step must only read its inputs "
                     "(the weights are shared by every step); compute new tensors instead.")
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        return wrong("return a pair (O, H_new): the output for this step and the new hidden state")
    O, H_new = (_as_tensor(t) for t in out)  # noqa: E741 (the notes' name for the output)
    if H_new is None or O is None:
        which, value = ("H_new", out[1]) if H_new is None else ("O", out[0])
        return wrong(f"{which} must be a tensor of numbers, got {describe(value)}")
    pre = x @ W_xh + H @ W_hh + b_h
    H_ref = torch.tanh(pre)
    O_ref = H_ref @ W_hq + b_q
    if tuple(H_new.shape) != tuple(H_ref.shape):
        return wrong(f"H_new should have shape (batch, num_hiddens) = {tuple(H_ref.shape)}, "
                     f"got {tuple(H_new.shape)}")
    if torch.allclose(H_new, pre, atol=1e-5):
        return wrong("H_new is the pre-activation: apply tanh to X W_xh + H W_hh + b_h.")
    if not torch.allclose(H_new, H_ref, atol=1e-5):
        return wrong("H_new is not tanh(X W_xh + H W_hh + b_h); check which weights multiply "
                     "the input (W_xh) and which the previous state (W_hh).")
    if tuple(O.shape) != tuple(O_ref.shape):
        return wrong(f"O should have shape (batch, vocab_size) = {tuple(O_ref.shape)}, "
                     f"got {tuple(O.shape)}")
    if torch.allclose(O, pre @ W_hq + b_q, atol=1e-5):
        return wrong("O must be computed from the new state H_new (after tanh), not from the "
                     "pre-activation.")
    if torch.allclose(O, H @ W_hq + b_q, atol=1e-5):
        return wrong("O must use the new hidden state H_new, not the previous one H.")
    if not torch.allclose(O, O_ref, atol=1e-5):
        return wrong("O is not H_new W_hq + b_q.")
    note = ""
    if not torch.equal(given_H, H):
        note = (" (Your function overwrote the H it was given; that works here, but a caller "
                "that keeps the old state would lose it — prefer returning a new tensor.)")
    return correct("that is one step of the recurrence; RNNScratch.forward runs it "
                   "num_steps times." + note)


@never_crashes
def check_temperature_softmax(softmax_t) -> Feedback:
    """Exercise 3: ``softmax_t(logits, temperature)`` -> the probabilities to sample from."""
    if not callable(softmax_t):
        return wrong(f"pass your function itself, got {type(softmax_t).__name__}")
    logits = torch.tensor([2.0, 1.0, 0.0, -1.0])
    cases = {}
    try:
        for t in (0.5, 1.0, 3.0):
            got = softmax_t(logits.clone(), t)
            if isinstance(got, torch.Tensor):
                got = got.detach()
            cases[t] = torch.as_tensor(got, dtype=torch.float32)
    except Exception as exc:  # the student's code, or a result that is not numbers
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
