"""Lesson 01's experiment: the nonlinear autoregressive model (an MLP over the τ window) trained
through the course's one loop. The model and the linear fits live in :mod:`rnnlab.series`."""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from ..checks import require_int
from ..series import MLPAutoregressive, lag_features
from ..training.loop import train


def fit_mlp_autoregressive(x, tau: int, n_train: int | None = None, *, num_hiddens: int = 10,
                           epochs: int = 5, batch_size: int = 16, lr: float = 0.01,
                           seed: int = 0) -> MLPAutoregressive:
    """Lesson 01. Train an :class:`~rnnlab.series.MLPAutoregressive` on the windows whose label
    lies in ``x[:n_train]``.

    The same training windows as :func:`~rnnlab.series.fit_autoregressive`; squared error, Adam,
    minibatches of ``batch_size`` windows in an order drawn from ``seed`` (which also draws the initial
    weights), through the course's one loop, :func:`rnnlab.train` (its "perplexity" columns
    are ``exp(MSE)`` here and mean nothing). The defaults are d2l-zh §8.1's (d2l-en 0.17 §8.1).
    Returns the trained model in evaluation mode, its parameters frozen.
    """
    features, labels = lag_features(x, tau)
    n_train = len(x) if n_train is None else require_int("n_train", n_train, maximum=len(x))
    rows = n_train - tau
    if rows < 1:
        raise ValueError(f"n_train={n_train} gives no training window for tau={tau}; "
                         f"need n_train > tau")
    seed = require_int("seed", seed, minimum=0)
    batch_size = require_int("batch_size", batch_size, minimum=1)
    model = MLPAutoregressive(tau, num_hiddens, seed=seed)
    data = TensorDataset(features[:rows], labels[:rows].reshape(-1, 1))  # Y: (batch, 1)
    loader = DataLoader(data, batch_size=batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    train(model, loader, epochs=epochs, lr=lr, optimizer="adam", theta=None, state="fresh",
          forward=lambda net, X, state: (net(X), state),
          loss=lambda outputs, y: nn.functional.mse_loss(outputs, y))
    model.eval()
    model.requires_grad_(False)
    return model
