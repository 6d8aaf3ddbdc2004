"""What autograd keeps for the backward pass: the one saved-tensor meter (lesson 07, benchmarks)."""

from __future__ import annotations

import torch


def saved_tensor_bytes(fn, *args, exclude=()):
    """Lesson 07. ``(bytes, fn(*args))``: the bytes of the distinct storages autograd saved for backward.

    Every tensor saved during ``fn(*args)`` is caught with
    ``torch.autograd.graph.saved_tensors_hooks`` and its storage counted once.
    Storages of the tensors in ``exclude`` — pass the model's parameters and the
    batch — are left out: they exist whether or not backward runs, so what
    remains is the activation memory, the part that grows with ``num_steps``.
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
