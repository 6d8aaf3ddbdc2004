"""Measures every layer shares: perplexity (lessons 03–08) and the spectral radius (lessons 01, 05, 07)."""

from __future__ import annotations

import math

import torch


# --------------------------------------------------------------------------- helpers
def perplexity(mean_loss: float) -> float:
    """Lesson 00. ``exp`` of the mean per-token cross-entropy (in nats); ``inf`` past what a float holds."""
    try:
        return math.exp(mean_loss)
    except OverflowError:  # a diverging run (loss > ~709 nats) is reported, not crashed
        return math.inf


def spectral_radius(W: torch.Tensor) -> float:
    """Lesson 03. The largest absolute eigenvalue of a square matrix."""
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be a square matrix, got shape {tuple(W.shape)}")
    return float(torch.linalg.eigvals(W.double()).abs().max())
