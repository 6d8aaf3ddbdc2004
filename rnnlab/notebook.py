"""One call at the top of every notebook: repeatable seeds, readable figures, the device in use."""

from __future__ import annotations

import random

import torch

from .device import default_device


def setup(seed: int = 0, quiet: bool = False):
    """Seed Python and torch, set a figure style that stays small on disk; return the device."""
    random.seed(seed)
    torch.manual_seed(seed)
    try:
        import matplotlib

        matplotlib.rcParams.update({
            "figure.figsize": (6.4, 3.6),
            "figure.dpi": 80,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
        })
    except ImportError:  # pragma: no cover
        pass
    device = default_device()
    if not quiet:
        print(f"rnnlab ready: torch {torch.__version__.split('+')[0]}, device = {device.type}")
    return device
