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

import math
import time

import torch
from torch.nn import functional as F

from ..checks import check_choice, check_int, check_positive_float
from ..models import RNNScratch, check_state, check_tokens
from ..training.loop import train
from .memory import saved_tensor_bytes

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
    (H,) = check_state(state, [(X.shape[0], model.num_hiddens)])
    return H


def _check_batch(model, X, Y):
    check_tokens(X, model.vocab_size)
    check_tokens(Y, model.vocab_size)
    if X.shape != Y.shape:
        raise ValueError(f"X and Y must have the same shape, got {tuple(X.shape)} and "
                         f"{tuple(Y.shape)}")


# ---------------------------------------------------------------- autograd, for comparison
def autograd_gradients(model, X, Y, state=None, *, carry_weights=None) -> dict:
    """The same gradients as :func:`bptt_gradients`, computed by ``torch.autograd``.

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
    """Carry weights for truncated BPTT: cut every ``k`` steps (``None`` = full BPTT)."""
    num_steps = check_int("num_steps", num_steps, minimum=1)
    weights = torch.ones(num_steps)
    if k is None:
        return weights
    k = check_int("k", k, minimum=1)
    weights[::k] = 0.0    # steps 0, k, 2k, … start a new chunk: nothing flows into the state before
    return weights


def random_truncation_weights(num_steps: int, keep_prob: float,
                              generator: torch.Generator | None = None) -> torch.Tensor:
    """Carry weights for randomized truncation: ``1/keep_prob`` w.p. ``keep_prob``, else 0.

    The weight at step 0 only affects the gradient w.r.t. the initial state.
    """
    num_steps = check_int("num_steps", num_steps, minimum=1)
    keep_prob = check_positive_float("keep_prob", keep_prob)
    if keep_prob > 1:
        raise ValueError(f"keep_prob must be in (0, 1], got {keep_prob}")
    keep = torch.rand(num_steps, generator=generator) < keep_prob
    return keep.float() / keep_prob


# ---------------------------------------------------------------- training with the three modes
def carry_forward(mode: str, truncation: int = 5, keep_prob: float = 0.5,
                  generator: torch.Generator | None = None):
    """A ``forward`` hook for :func:`rnnlab.train`: the scratch RNN with ``mode``'s carry weights."""
    check_choice("mode", mode, BPTT_MODES)
    if mode == "truncated":
        truncation = check_int("truncation", truncation, minimum=1)
    if mode == "randomized":
        keep_prob = check_positive_float("keep_prob", keep_prob)

    def forward(model, X, state):
        if mode == "full" or not model.training:   # validation: no gradient, nothing to cut
            return model(X, state)
        if mode == "truncated":
            weights = truncation_weights(X.shape[1], truncation)
        else:
            weights = random_truncation_weights(X.shape[1], keep_prob, generator)
        return model(X, state, carry_weights=weights)

    return forward


def train_bptt(train_loader, val_loader, vocab_size: int, num_hiddens: int = 64, *,
               mode: str = "full", truncation: int = 5, keep_prob: float = 0.5,
               epochs: int = 5, lr: float = 1.0, theta: float = 1.0, seed: int = 0):
    """Lesson 07. Train a scratch RNN with full, truncated or randomized-truncation BPTT.

    SGD with clipping; every batch starts from a zero state, so the only
    difference between the modes is how far back the gradient of each batch
    reaches. It is :func:`rnnlab.train` with :func:`carry_forward` as its
    ``forward`` hook — the same numbers :func:`bptt_gradients` computes by hand.
    Returns ``(history, model)``.
    """
    check_choice("mode", mode, BPTT_MODES)
    g = torch.Generator().manual_seed(check_int("seed", seed, minimum=0))
    model = RNNScratch(check_int("vocab_size", vocab_size, minimum=1),
                       check_int("num_hiddens", num_hiddens, minimum=1), device="cpu", generator=g)
    history = train(model, train_loader, val_loader, epochs=epochs, lr=lr, optimizer="sgd",
                    theta=check_positive_float("theta", theta), state="fresh",
                    forward=carry_forward(mode, truncation, keep_prob, g),
                    info={"mode": mode, "truncation": truncation, "keep_prob": keep_prob})
    return history, model


# ---------------------------------------------------------------- memory and time
def _chunk_loss(model, X, Y, state):
    outputs, state = model(X, state)
    return F.cross_entropy(outputs, Y.T.reshape(-1)), state


def measure_bptt_cost(num_steps_list=(8, 16, 32, 64), batch_size: int = 32,
                      num_hiddens: int = 128, vocab_size: int = 28, truncation: int | None = None,
                      repeats: int = 3, seed: int = 0) -> list[dict]:
    """Measure memory and time of one forward+backward pass against ``num_steps``.

    Memory is the size of the tensors autograd saves for the backward pass,
    parameters and the batch left out (:func:`~rnnlab.gradients.memory.saved_tensor_bytes`,
    the meter the benchmarks use too): it is exact, the same on every run, and it is the part
    of memory that BPTT makes grow with the sequence. With ``truncation=k`` the
    sequence is processed in chunks of ``k`` steps, each backpropagated before
    the next (state detached), so only one chunk's tensors are alive at a time:
    the peak is reported. Time is the best of ``repeats`` runs, in milliseconds.
    """
    repeats = check_int("repeats", repeats, minimum=1)
    g = torch.Generator().manual_seed(check_int("seed", seed, minimum=0))
    model = RNNScratch(check_int("vocab_size", vocab_size, minimum=1),
                       check_int("num_hiddens", num_hiddens, minimum=1), device="cpu", generator=g)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    rows = []
    for num_steps in num_steps_list:
        num_steps = check_int("num_steps", num_steps, minimum=1)
        X = torch.randint(0, vocab_size, (batch_size, num_steps), generator=g)
        Y = torch.randint(0, vocab_size, (batch_size, num_steps), generator=g)
        chunk = num_steps if truncation is None else check_int("truncation", truncation,
                                                               minimum=1)
        best, peak = math.inf, 0
        for _ in range(repeats):
            start = time.perf_counter()
            state = None
            for s in range(0, num_steps, chunk):
                Xc, Yc = X[:, s:s + chunk], Y[:, s:s + chunk]
                nbytes, (loss, state) = saved_tensor_bytes(
                    _chunk_loss, model, Xc, Yc, state, exclude=[*model.parameters(), X, Y])
                model.zero_grad(set_to_none=True)
                loss.backward()
                state = tuple(h.detach() for h in state)   # what the loop does between batches
                peak = max(peak, nbytes)
            best = min(best, time.perf_counter() - start)
        rows.append({"num_steps": num_steps, "truncation": truncation,
                     "saved_MB": peak / 2**20, "ms": best * 1e3})
    return rows
