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

Also here: Jacobian norms ``||∂h_T/∂h_t||`` against the distance ``T - t``,
recurrent matrices with a chosen spectral radius, a short training loop for
the three kinds of BPTT, and a measurement of memory and time against
``num_steps``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import torch
from torch.nn import functional as F

from ..checks import check_choice, check_int, check_positive_float
from ..training.metrics import perplexity
from .clipping import grad_clipping
from .memory import saved_tensor_bytes

PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hq", "b_q")
BPTT_MODES = ("full", "truncated", "randomized")


# ---------------------------------------------------------------- parameters
def _unpack(params):
    """The five tensors from a dict, a 5-sequence or a model with attributes ``W_xh`` …."""
    if isinstance(params, dict):
        missing = [n for n in PARAM_NAMES if n not in params]
        if missing:
            raise ValueError(f"params is missing {missing}; it needs keys {list(PARAM_NAMES)}")
        return tuple(params[n] for n in PARAM_NAMES)
    if all(hasattr(params, n) for n in PARAM_NAMES):
        return tuple(getattr(params, n) for n in PARAM_NAMES)
    if isinstance(params, (list, tuple)) and len(params) == 5:
        return tuple(params)
    raise TypeError("params must be a dict with keys W_xh, W_hh, b_h, W_hq, b_q, a sequence of "
                    f"those five tensors, or a model with those attributes; got {type(params)}")


def init_rnn_params(vocab_size: int, num_hiddens: int, scale: float = 0.01,
                    generator: torch.Generator | None = None) -> dict:
    """Fresh scratch-RNN parameters (normal * ``scale`` weights, zero biases), as in the notes."""
    vocab_size = check_int("vocab_size", vocab_size, minimum=1)
    num_hiddens = check_int("num_hiddens", num_hiddens, minimum=1)
    scale = check_positive_float("scale", scale)

    def normal(*shape):
        return torch.randn(*shape, generator=generator) * scale

    return {"W_xh": normal(vocab_size, num_hiddens), "W_hh": normal(num_hiddens, num_hiddens),
            "b_h": torch.zeros(num_hiddens), "W_hq": normal(num_hiddens, vocab_size),
            "b_q": torch.zeros(vocab_size)}


def _check_tokens(name, X, vocab_size):
    if not isinstance(X, torch.Tensor) or X.ndim != 2 or X.dtype.is_floating_point:
        raise ValueError(f"{name} must be an integer tensor of token indices with shape "
                         f"(batch_size, num_steps); got {getattr(X, 'shape', X)!r}")
    if X.numel() and (int(X.min()) < 0 or int(X.max()) >= vocab_size):
        raise ValueError(f"{name} holds indices outside [0, {vocab_size - 1}] "
                         f"(vocab_size={vocab_size})")


def _check_weights(carry_weights, num_steps):
    if carry_weights is None:
        return torch.ones(num_steps)
    carry_weights = torch.as_tensor(carry_weights, dtype=torch.float32)
    if carry_weights.shape != (num_steps,):
        raise ValueError(f"carry_weights must have shape (num_steps,) = ({num_steps},), "
                         f"got {tuple(carry_weights.shape)}")
    return carry_weights


def _scale_grad(x: torch.Tensor, weight: float) -> torch.Tensor:
    """Identity in the forward pass; multiplies the gradient by ``weight`` in the backward pass."""
    if weight == 1.0:
        return x
    if weight == 0.0:
        return x.detach()
    # x - x.detach() is exactly zero, so the value is x itself; its gradient is `weight`.
    return x.detach() + weight * (x - x.detach())


# ---------------------------------------------------------------- forward + autograd
def rnn_forward(params, X: torch.Tensor, state: torch.Tensor | None = None, *,
                carry_weights=None):
    """Run the scratch RNN; return ``(logits (T*B, V) time-major, hiddens (T+1, B, H))``.

    ``hiddens[0]`` is the initial state. ``carry_weights`` scales the gradient
    that flows from step ``t`` back into ``h_{t-1}`` (see the module docstring).
    """
    W_xh, W_hh, b_h, W_hq, b_q = _unpack(params)
    vocab_size, num_hiddens = W_xh.shape
    _check_tokens("X", X, vocab_size)
    batch_size, num_steps = X.shape
    weights = _check_weights(carry_weights, num_steps)
    if state is None:
        H = torch.zeros(batch_size, num_hiddens)
    elif not isinstance(state, torch.Tensor) or state.shape != (batch_size, num_hiddens):
        raise ValueError(f"state must be a tensor of shape (batch_size, num_hiddens) = "
                         f"({batch_size}, {num_hiddens}), got {getattr(state, 'shape', state)!r}; "
                         "pass carry weights by name: carry_weights=...")
    else:
        H = state
    hiddens, outputs = [H], []
    for t, x in enumerate(F.one_hot(X.T, vocab_size).to(W_xh.dtype)):
        H = torch.tanh(x @ W_xh + _scale_grad(H, float(weights[t])) @ W_hh + b_h)
        hiddens.append(H)
        outputs.append(H @ W_hq + b_q)
    return torch.cat(outputs, dim=0), torch.stack(hiddens)


def _loss(logits, Y):
    return F.cross_entropy(logits, Y.T.reshape(-1))


def autograd_gradients(params, X, Y, state=None, *, carry_weights=None) -> dict:
    """The same gradients as :func:`bptt_gradients`, computed by ``torch.autograd``."""
    leaves = [p.detach().clone().requires_grad_(True) for p in _unpack(params)]
    logits, _ = rnn_forward(leaves, X, state, carry_weights=carry_weights)
    _check_tokens("Y", Y, leaves[0].shape[0])
    grads = torch.autograd.grad(_loss(logits, Y), leaves)
    return dict(zip(PARAM_NAMES, grads, strict=True))


# ---------------------------------------------------------------- BPTT by hand
@torch.no_grad()
def bptt_gradients(params, X, Y, state=None, *, carry_weights=None, per_step: bool = False,
                   ) -> dict:
    """Gradients of the mean cross-entropy w.r.t. ``W_xh, W_hh, b_h, W_hq, b_q`` — no autograd.

    ``X`` and ``Y`` are token indices of shape ``(batch_size, num_steps)``.
    Returns a dict of tensors with the parameters' shapes, plus ``"h0"``: the
    gradient w.r.t. the initial state. ``per_step=True`` adds ``"W_hh_steps"``
    (the term each time step adds to ``∂L/∂W_hh``, in time order) and
    ``"dh"`` (``∂L/∂h_t`` for ``t = 1 … T``).
    """
    W_xh, W_hh, b_h, W_hq, b_q = (p.detach() for p in _unpack(params))
    vocab_size = W_xh.shape[0]
    _check_tokens("X", X, vocab_size)
    _check_tokens("Y", Y, vocab_size)
    if X.shape != Y.shape:
        raise ValueError(f"X and Y must have the same shape, got {tuple(X.shape)} and "
                         f"{tuple(Y.shape)}")
    batch_size, num_steps = X.shape
    weights = _check_weights(carry_weights, num_steps)
    _, hiddens = rnn_forward((W_xh, W_hh, b_h, W_hq, b_q), X, state)
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
@dataclass
class BPTTHistory:
    """Per-epoch training and validation perplexity of :func:`train_bptt`, and the trained params."""

    mode: str
    train_ppl: list = field(default_factory=list)
    val_ppl: list = field(default_factory=list)
    seconds: float = 0.0
    params: dict = field(default_factory=dict, repr=False)


def _carry(mode, num_steps, truncation, keep_prob, generator):
    if mode == "full":
        return None
    if mode == "truncated":
        return truncation_weights(num_steps, truncation)
    return random_truncation_weights(num_steps, keep_prob, generator)


@torch.no_grad()
def _perplexity(params, loader):
    total, count = 0.0, 0
    for X, Y in loader:
        logits, _ = rnn_forward(params, X)
        total += float(_loss(logits, Y)) * Y.numel()
        count += Y.numel()
    return perplexity(total / count)


def train_bptt(train_loader, val_loader, vocab_size: int, num_hiddens: int = 64, *,
               mode: str = "full", truncation: int = 5, keep_prob: float = 0.5,
               epochs: int = 5, lr: float = 1.0, theta: float = 1.0, seed: int = 0,
               ) -> BPTTHistory:
    """Train a scratch RNN with full, truncated or randomized-truncation BPTT (SGD + clipping).

    Every batch starts from a zero state, so the only difference between the
    modes is how far back the gradient of each batch reaches. The backward
    pass is autograd on :func:`rnn_forward` with the mode's carry weights —
    the same numbers :func:`bptt_gradients` computes by hand.
    """
    check_choice("mode", mode, BPTT_MODES)
    epochs = check_int("epochs", epochs, minimum=1)
    lr = check_positive_float("lr", lr)
    theta = check_positive_float("theta", theta)
    g = torch.Generator().manual_seed(check_int("seed", seed, minimum=0))
    params = [p.requires_grad_(True) for p in init_rnn_params(vocab_size, num_hiddens,
                                                              generator=g).values()]
    history = BPTTHistory(mode)
    start = time.perf_counter()
    for _ in range(epochs):
        total, count = 0.0, 0
        for X, Y in train_loader:
            weights = _carry(mode, X.shape[1], truncation, keep_prob, g)
            logits, _ = rnn_forward(params, X, carry_weights=weights)
            loss = _loss(logits, Y)
            for p in params:
                p.grad = None
            loss.backward()
            grad_clipping(params, theta)
            with torch.no_grad():
                for p in params:
                    p -= lr * p.grad
            total += loss.item() * Y.numel()
            count += Y.numel()
        history.train_ppl.append(perplexity(total / count))
        history.val_ppl.append(_perplexity(params, val_loader) if val_loader is not None
                               else float("nan"))
    history.seconds = time.perf_counter() - start
    history.params = {n: p.detach() for n, p in zip(PARAM_NAMES, params, strict=True)}
    return history


# ---------------------------------------------------------------- memory and time
def _chunk_loss(params, X, Y, state):
    logits, hiddens = rnn_forward(params, X, state)
    return _loss(logits, Y), hiddens


def measure_bptt_cost(num_steps_list=(8, 16, 32, 64), batch_size: int = 32,
                      num_hiddens: int = 128, vocab_size: int = 28, truncation: int | None = None,
                      repeats: int = 3, seed: int = 0) -> list[dict]:
    """Measure memory and time of one forward+backward pass against ``num_steps``.

    Memory is the size of the tensors autograd saves for the backward pass
    (counted once per storage through ``saved_tensors_hooks``): it is exact,
    the same on every run, and it is the part of memory that BPTT makes grow
    with the sequence. With ``truncation=k`` the sequence is processed in
    chunks of ``k`` steps, each backpropagated before the next (state detached),
    so only one chunk's tensors are alive at a time: the peak is reported.
    Time is the best of ``repeats`` runs, in milliseconds.
    """
    repeats = check_int("repeats", repeats, minimum=1)
    g = torch.Generator().manual_seed(check_int("seed", seed, minimum=0))
    params = [p.requires_grad_(True) for p in init_rnn_params(vocab_size, num_hiddens,
                                                              generator=g).values()]
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
                nbytes, (loss, hiddens) = saved_tensor_bytes(_chunk_loss, params, Xc, Yc, state)
                loss.backward()
                state = hiddens[-1].detach().clone()   # not a view into the old stack
                peak = max(peak, nbytes)
            best = min(best, time.perf_counter() - start)
        rows.append({"num_steps": num_steps, "truncation": truncation,
                     "saved_MB": peak / 2**20, "ms": best * 1e3})
    return rows
