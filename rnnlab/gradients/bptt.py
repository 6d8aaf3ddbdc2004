"""Backpropagation through time (BPTT) for the scratch RNN, written out by hand.

The scratch RNN (row-vector convention, batch ``B``, ``T`` steps, ``x_t`` one-hot)::

    a_t = x_t W_xh + h_{t-1} W_hh + b_h        h_t = tanh(a_t)
    o_t = h_t W_hq + b_q                       L = mean over t and batch of CE(o_t, y_t)

:func:`bptt_gradients` walks backwards from ``t = T`` to ``1`` and returns the
gradients of all five parameters without autograd; :func:`autograd_gradients`
computes the same numbers with ``torch.autograd`` so the two can be compared.

How far the gradient travels back in time is set by ``carry_weights``: entry
``t`` multiplies the gradient that step ``t`` sends back into ``h_{t-1}``.

* full BPTT: every weight is 1;
* truncated BPTT (:func:`truncation_weights`): the weight is 0 every ``k``
  steps — exactly what detaching the state between chunks of ``k`` steps does;
* randomized truncation (:func:`random_truncation_weights`, the variant in
  d2l §9.7 after Tallec & Ollivier 2017): each weight is ``1/p`` with
  probability ``p`` and 0 otherwise. Every chain of Jacobians is multiplied by a
  product of independent factors of mean 1, so the *expected* gradient is the
  full one (unbiased), while most chains are cut short.

Everything here works on :class:`rnnlab.models.RNNScratch` — its five
parameters, its ``(H,)`` state, its time-major outputs — so the hand
derivation is checked against the very model lessons 04–06 train. Also here:
training with the three kinds of BPTT (on the one loop, through its
``forward`` hook) and a measurement of memory and time against ``num_steps``.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

from ..checks import require_int, require_positive_float
from ..models import RNNScratch, require_state, require_tokens

PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hq", "b_q")
BPTT_MODES = ("full", "truncated", "randomized")


def _check_model(model) -> RNNScratch:
    if not isinstance(model, RNNScratch):
        raise TypeError(f"model must be an rnnlab RNNScratch (the hand derivation is for its five "
                        f"parameters), got {type(model).__name__}")
    return model


def _check_weights(carry_weights, num_steps):
    if carry_weights is None:
        return torch.ones(num_steps)
    carry_weights = torch.as_tensor(carry_weights, dtype=torch.float32)
    if carry_weights.shape != (num_steps,):
        raise ValueError(f"carry_weights must have shape (num_steps,) = ({num_steps},), "
                         f"got {tuple(carry_weights.shape)}")
    return carry_weights


def _initial_state(model, X, state):
    if state is None:
        return torch.zeros(X.shape[0], model.num_hiddens, dtype=model.W_hh.dtype,
                           device=model.W_hh.device)
    (H,) = require_state(state, [(X.shape[0], model.num_hiddens)])
    return H


def _check_batch(model, X, Y):
    require_tokens(X, model.vocab_size)
    require_tokens(Y, model.vocab_size)
    if X.shape != Y.shape:
        raise ValueError(f"X and Y must have the same shape, got {tuple(X.shape)} and "
                         f"{tuple(Y.shape)}")


# ---------------------------------------------------------------- autograd, for comparison
def autograd_gradients(model, X, Y, state=None, *, carry_weights=None) -> dict:
    """Lesson 07. The same gradients as :func:`bptt_gradients`, computed by ``torch.autograd``.

    Also ``"h0"``, the gradient w.r.t. the initial state. The model's own
    ``.grad`` fields are left alone.
    """
    model = _check_model(model)
    _check_batch(model, X, Y)
    H0 = _initial_state(model, X, state).detach().clone().requires_grad_(True)
    weights = None if carry_weights is None else _check_weights(carry_weights, X.shape[1])
    outputs, _ = model(X, (H0,), carry_weights=weights)
    loss = F.cross_entropy(outputs, Y.T.reshape(-1))
    params = [getattr(model, n) for n in PARAM_NAMES]
    grads = torch.autograd.grad(loss, params + [H0], allow_unused=True)  # h0 is unused when cut
    grads = [torch.zeros_like(t) if g is None else g for g, t in zip(grads, params + [H0])]
    return dict(zip(PARAM_NAMES + ("h0",), grads, strict=True))


# ---------------------------------------------------------------- BPTT by hand
@torch.no_grad()
def bptt_gradients(model, X, Y, state=None, *, carry_weights=None, per_step: bool = False,
                   ) -> dict:
    """Lesson 07. Gradients of the mean cross-entropy w.r.t. ``W_xh, W_hh, b_h, W_hq, b_q`` — no autograd.

    ``model`` is an :class:`~rnnlab.models.RNNScratch`; ``X`` and ``Y`` are
    token indices of shape ``(batch_size, num_steps)``. Returns a dict of
    tensors with the parameters' shapes, plus ``"h0"``: the gradient w.r.t. the
    initial state. ``per_step=True`` adds ``"W_hh_steps"`` (the term each time
    step adds to ``∂L/∂W_hh``, in time order) and ``"dh"`` (``∂L/∂h_t`` for
    ``t = 1 … T``).
    """
    model = _check_model(model)
    _check_batch(model, X, Y)
    W_xh, W_hh, b_h, W_hq, b_q = (getattr(model, n).detach() for n in PARAM_NAMES)
    vocab_size = model.vocab_size
    batch_size, num_steps = X.shape
    weights = _check_weights(carry_weights, num_steps)
    H0 = _initial_state(model, X, state).detach()
    hiddens = torch.cat([H0[None], model.recurrence(X, H0)])  # (T+1, B, H): h_0 … h_T
    xs = F.one_hot(X.T, vocab_size).to(W_xh.dtype)          # (T, B, V)
    ys = F.one_hot(Y.T, vocab_size).to(W_xh.dtype)

    grads = {n: torch.zeros_like(p) for n, p in zip(PARAM_NAMES, (W_xh, W_hh, b_h, W_hq, b_q),
                                                     strict=True)}
    steps, dhs = [], []
    carry = torch.zeros_like(hiddens[0])                     # ∂L/∂h_t arriving from step t+1
    n = batch_size * num_steps                               # the loss is a mean over n terms
    for t in reversed(range(num_steps)):
        h_prev, h = hiddens[t], hiddens[t + 1]
        o = h @ W_hq + b_q
        d_o = (torch.softmax(o, dim=1) - ys[t]) / n          # ∂L/∂o_t for mean softmax-CE
        grads["W_hq"] += h.T @ d_o
        grads["b_q"] += d_o.sum(0)
        d_h = d_o @ W_hq.T + carry                           # the output path + the future path
        d_a = d_h * (1 - h**2)                               # through tanh
        grads["W_xh"] += xs[t].T @ d_a                       # the same W is used at every step,
        grads["W_hh"] += h_prev.T @ d_a                      # so its gradients add up
        steps.append(h_prev.T @ d_a)
        dhs.append(d_h)
        grads["b_h"] += d_a.sum(0)
        carry = weights[t] * (d_a @ W_hh.T)                  # what goes back to h_{t-1}
    grads["h0"] = carry
    if per_step:
        grads["W_hh_steps"], grads["dh"] = steps[::-1], dhs[::-1]
    return grads


def truncation_weights(num_steps: int, k: int | None) -> torch.Tensor:
    """Lesson 07. Carry weights for truncated BPTT: cut every ``k`` steps (``None`` = full BPTT)."""
    num_steps = require_int("num_steps", num_steps, minimum=1)
    weights = torch.ones(num_steps)
    if k is None:
        return weights
    k = require_int("k", k, minimum=1)
    weights[::k] = 0.0    # steps 0, k, 2k, … start a new chunk: nothing flows into the state before
    return weights


def random_truncation_weights(num_steps: int, keep_prob: float,
                              generator: torch.Generator | None = None) -> torch.Tensor:
    """Lesson 07. Carry weights for randomized truncation: ``1/keep_prob`` w.p. ``keep_prob``, else 0.

    The weight at step 0 only affects the gradient w.r.t. the initial state.
    """
    num_steps = require_int("num_steps", num_steps, minimum=1)
    keep_prob = require_positive_float("keep_prob", keep_prob)
    if keep_prob > 1:
        raise ValueError(f"keep_prob must be in (0, 1], got {keep_prob}")
    keep = torch.rand(num_steps, generator=generator) < keep_prob
    return keep.float() / keep_prob
