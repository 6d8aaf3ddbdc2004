"""What autograd keeps for the backward pass: the one saved-tensor meter (lesson 07, benchmarks)."""

from __future__ import annotations

import torch


def saved_tensor_bytes(fn, *args, exclude=()):
    """``fn(*args)`` and the bytes of distinct tensors autograd saved for its backward pass.

    Storages of the tensors in ``exclude`` (say, the parameters and the batch,
    which exist before the forward pass) are not counted.
    """
    skip = {t.untyped_storage().data_ptr() for t in exclude}
    storages = {}

    def pack(t):
        s = t.untyped_storage()
        if s.data_ptr() not in skip:
            storages[s.data_ptr()] = s.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = fn(*args)
    return sum(storages.values()), out
