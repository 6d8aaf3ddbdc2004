"""Checkers for notebook 04 (an RNN from scratch)."""

from __future__ import annotations

import torch

from ...i18n import tr
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
        return wrong(tr("nb04.check_num_params.wrong2", answer=describe(answer)))
    answer = count
    if answer == right:
        return correct(tr("nb04.check_num_params.correct", right=right))
    hints = {
        V * H + H * V: "nb04.check_num_params.no_w_hh",
        V * H + H * H + H * V: "nb04.check_num_params.no_biases",
        V * H + H * H + H * V + V: "nb04.check_num_params.no_b_h",
        V * H + H * H + H * V + H: "nb04.check_num_params.no_b_q",
    }
    if answer in hints:
        return wrong(tr(hints[answer]))
    return wrong(tr("nb04.check_num_params.wrong", answer=answer, V=V, H=H))


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
        return wrong(tr("nb04.check_rnn_step.wrong", type_name=type(rnn_step).__name__))
    x, H, params = _step_problem()
    W_xh, W_hh, b_h, W_hq, b_q = params
    given_x, given_H, given_params = x.clone(), H.clone(), [p.clone() for p in params]
    try:
        with torch.no_grad():
            out = rnn_step(given_x, given_H, given_params)
    except Exception as exc:  # the student's code: report, don't crash
        return wrong(tr("nb04.check_rnn_step.wrong12", type_name=type(exc).__name__, exc=exc))
    changed = [name for name, p, q in zip(("W_xh", "W_hh", "b_h", "W_hq", "b_q"), params,
                                          given_params, strict=True)
               if p.shape != q.shape or not torch.equal(p, q)]
    if changed or not torch.equal(given_x, x):
        what = ", ".join(changed) if changed else "x"
        return wrong(tr("nb04.check_rnn_step.wrong2", what=what))
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        return wrong(tr("nb04.check_rnn_step.wrong3"))
    O, H_new = (_as_tensor(t) for t in out)  # noqa: E741 (the notes' name for the output)
    if H_new is None or O is None:
        which, value = ("H_new", out[1]) if H_new is None else ("O", out[0])
        return wrong(tr("nb04.check_rnn_step.wrong4", which=which, value=describe(value)))
    pre = x @ W_xh + H @ W_hh + b_h
    H_ref = torch.tanh(pre)
    O_ref = H_ref @ W_hq + b_q
    if tuple(H_new.shape) != tuple(H_ref.shape):
        return wrong(tr("nb04.check_rnn_step.wrong5", tuple_shape=tuple(H_ref.shape),
                        tuple_shape2=tuple(H_new.shape)))
    if torch.allclose(H_new, pre, atol=1e-5):
        return wrong(tr("nb04.check_rnn_step.wrong6"))
    if not torch.allclose(H_new, H_ref, atol=1e-5):
        return wrong(tr("nb04.check_rnn_step.wrong7"))
    if tuple(O.shape) != tuple(O_ref.shape):
        return wrong(tr("nb04.check_rnn_step.wrong8", tuple_shape=tuple(O_ref.shape),
                        tuple_shape2=tuple(O.shape)))
    if torch.allclose(O, pre @ W_hq + b_q, atol=1e-5):
        return wrong(tr("nb04.check_rnn_step.wrong9"))
    if torch.allclose(O, H @ W_hq + b_q, atol=1e-5):
        return wrong(tr("nb04.check_rnn_step.wrong10"))
    if not torch.allclose(O, O_ref, atol=1e-5):
        return wrong(tr("nb04.check_rnn_step.wrong11"))
    note = ""
    if not torch.equal(given_H, H):
        note = tr("nb04.check_rnn_step.overwrote_h")
    return correct(tr("nb04.check_rnn_step.correct") + note)


@never_crashes
def check_temperature_softmax(softmax_t) -> Feedback:
    """Exercise 3: ``softmax_t(logits, temperature)`` -> the probabilities to sample from."""
    if not callable(softmax_t):
        return wrong(tr("nb04.check_temperature_softmax.wrong", type_name=type(softmax_t).__name__))
    logits = torch.tensor([2.0, 1.0, 0.0, -1.0])
    cases = {}
    try:
        for t in (0.5, 1.0, 3.0):
            got = softmax_t(logits.clone(), t)
            if isinstance(got, torch.Tensor):
                got = got.detach()
            cases[t] = torch.as_tensor(got, dtype=torch.float32)
    except Exception as exc:  # the student's code, or a result that is not numbers
        return wrong(tr("nb04.check_temperature_softmax.wrong2", type_name=type(exc).__name__, exc=exc))
    for t, got in cases.items():
        if tuple(got.shape) != (4,):
            return wrong(tr("nb04.check_temperature_softmax.wrong3", tuple_shape=tuple(got.shape)))
        if not torch.isclose(got.sum(), torch.tensor(1.0), atol=1e-5):
            return wrong(tr("nb04.check_temperature_softmax.wrong4", float=float(got.sum()), t=t))
        if torch.allclose(got, torch.softmax(logits * t, 0), atol=1e-5) and t != 1.0:
            return wrong(tr("nb04.check_temperature_softmax.wrong5"))
        if torch.allclose(got, torch.softmax(logits, 0), atol=1e-5) and t != 1.0:
            return wrong(tr("nb04.check_temperature_softmax.wrong6", t=t))
        if not torch.allclose(got, torch.softmax(logits / t, 0), atol=1e-5):
            return wrong(tr("nb04.check_temperature_softmax.wrong7", t=t))
    return correct(tr("nb04.check_temperature_softmax.correct"))
