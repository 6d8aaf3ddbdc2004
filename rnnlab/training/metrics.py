"""Perplexity: ``exp`` of the mean per-token cross-entropy, for the RNNs and the n-gram models."""

from __future__ import annotations

import math


# --------------------------------------------------------------------------- helpers
def perplexity(mean_loss: float) -> float:
    """``exp`` of the mean per-token cross-entropy (in nats); ``inf`` past what a float holds."""
    try:
        return math.exp(mean_loss)
    except OverflowError:  # a diverging run (loss > ~709 nats) is reported, not crashed
        return math.inf
