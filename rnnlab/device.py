"""Where tensors live: CPU by default, CUDA automatically when a GPU is present."""

from __future__ import annotations

import torch

from .checks import check_int


def default_device() -> torch.device:
    """``cuda`` when a GPU is available, else ``cpu``."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def resolve_device(device=None) -> torch.device:
    """Turn ``None`` (automatic), a string or a ``torch.device`` into a ``torch.device``."""
    if device is None:
        return default_device()
    try:
        device = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"device must be None, 'cpu', 'cuda' or 'cuda:N', got {device!r}") from exc
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={str(device)!r} was asked for but no CUDA GPU is available; "
                         "use device='cpu' or leave device=None")
    return device


def try_gpu(i: int = 0) -> torch.device:
    """GPU ``i`` if it exists, else the CPU (the name the d2l notes use)."""
    i = check_int("i", i, minimum=0)
    if torch.cuda.device_count() >= i + 1:
        return torch.device(f"cuda:{i}")
    return torch.device("cpu")
