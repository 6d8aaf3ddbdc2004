"""Lesson 07's experiments: training with full, truncated and randomized-truncation BPTT, and
what a forward+backward pass costs in memory and time as ``num_steps`` grows.

The gradients themselves are algorithms (:mod:`rnnlab.gradients.bptt`); this module drives
the one training loop with them.
"""

from __future__ import annotations

import math
import time

import torch
from torch.nn import functional as F

from ..checks import require_choice, require_int, require_positive_float
from ..gradients.bptt import BPTT_MODES, random_truncation_weights, truncation_weights
from ..gradients.memory import saved_tensor_bytes
from ..models import RNNScratch
from ..training.loop import train


# ---------------------------------------------------------------- training with the three modes
def carry_forward(mode: str, truncation: int = 5, keep_prob: float = 0.5,
                  generator: torch.Generator | None = None):
    """Lesson 07. A ``forward`` hook for :func:`rnnlab.train`: the scratch RNN with ``mode``'s carry
    weights."""
    require_choice("mode", mode, BPTT_MODES)
    if mode == "truncated":
        truncation = require_int("truncation", truncation, minimum=1)
    if mode == "randomized":
        keep_prob = require_positive_float("keep_prob", keep_prob)

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
    require_choice("mode", mode, BPTT_MODES)
    g = torch.Generator().manual_seed(require_int("seed", seed, minimum=0))
    model = RNNScratch(require_int("vocab_size", vocab_size, minimum=1),
                       require_int("num_hiddens", num_hiddens, minimum=1), device="cpu", generator=g)
    history = train(model, train_loader, val_loader, epochs=epochs, lr=lr, optimizer="sgd",
                    theta=require_positive_float("theta", theta), state="fresh",
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
    """Lesson 07. Measure memory and time of one forward+backward pass against ``num_steps``.

    Memory is the size of the tensors autograd saves for the backward pass,
    parameters and the batch left out (:func:`~rnnlab.gradients.memory.saved_tensor_bytes`,
    the meter the benchmarks use too): it is exact, the same on every run, and it is the part
    of memory that BPTT makes grow with the sequence. With ``truncation=k`` the
    sequence is processed in chunks of ``k`` steps, each backpropagated before
    the next (state detached), so only one chunk's tensors are alive at a time:
    the peak is reported. Time is the best of ``repeats`` runs, in milliseconds.
    """
    repeats = require_int("repeats", repeats, minimum=1)
    g = torch.Generator().manual_seed(require_int("seed", seed, minimum=0))
    model = RNNScratch(require_int("vocab_size", vocab_size, minimum=1),
                       require_int("num_hiddens", num_hiddens, minimum=1), device="cpu", generator=g)
    batch_size = require_int("batch_size", batch_size, minimum=1)
    rows = []
    for num_steps in num_steps_list:
        num_steps = require_int("num_steps", num_steps, minimum=1)
        X = torch.randint(0, vocab_size, (batch_size, num_steps), generator=g)
        Y = torch.randint(0, vocab_size, (batch_size, num_steps), generator=g)
        chunk = num_steps if truncation is None else require_int("truncation", truncation,
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
