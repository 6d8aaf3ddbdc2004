"""What autograd keeps for the backward pass: the one saved-tensor meter (lesson 07, benchmarks)."""

from __future__ import annotations

import torch


def saved_tensor_bytes(fn, *args):
    """``fn(*args)`` and the bytes of distinct tensors autograd saved for its backward pass."""
    storages = {}

    def pack(t):
        s = t.untyped_storage()
        storages[s.data_ptr()] = s.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = fn(*args)
    return sum(storages.values()), out
