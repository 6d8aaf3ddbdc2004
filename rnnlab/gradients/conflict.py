"""Measuring gradient conflict between tasks that share parameters (lessons 05 and 08).

Two tasks each pull the shared parameters their own way. The cosine similarity
of their gradients says how: near 1 they agree, near 0 they are unrelated,
below 0 they *conflict*. These measurements are used by PCGrad
(:mod:`rnnlab.gradients.pcgrad`) and by the multi-task experiment
(:mod:`rnnlab.experiments.multitask`); they depend on neither.
"""

from __future__ import annotations

import torch


def cosine_similarity(a: torch.Tensor, b: torch.Tensor) -> float:
    """``a·b / (‖a‖ ‖b‖)`` of two flattened gradients; 0.0 when either is zero (no direction)."""
    a, b = a.detach().flatten().double(), b.detach().flatten().double()
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same number of entries, got {a.numel()} "
                         f"and {b.numel()}")
    denom = a.norm() * b.norm()
    return 0.0 if denom == 0 else float(torch.dot(a, b) / denom)


def task_gradients(losses, params) -> list[torch.Tensor]:
    """One flattened gradient per loss, over ``params`` (the graph is kept for later use)."""
    params = [p for p in params if p.requires_grad]
    if not params:
        raise ValueError("params must contain at least one parameter that requires grad")
    out = []
    for loss in losses:
        grads = torch.autograd.grad(loss, params, retain_graph=True, allow_unused=True)
        out.append(torch.cat([(torch.zeros_like(p) if g is None else g).flatten()
                              for g, p in zip(grads, params, strict=True)]))
    return out


def conflict_share(cosines) -> float:
    """The share of steps on which the tasks conflict (cosine < 0)."""
    cosines = [float(c) for c in cosines]
    if not cosines:
        raise ValueError("cosines must hold at least one value, got an empty sequence")
    return sum(c < 0 for c in cosines) / len(cosines)


def magnitude_similarity(a: torch.Tensor, b: torch.Tensor) -> float:
    """Yu et al. (2020), Def. 2: ``2‖a‖‖b‖ / (‖a‖² + ‖b‖²)`` — 1 for equal lengths, → 0 as they differ.

    Lesson 08. The second leg of the paper's "tragic triad" (conflicting
    directions, very different magnitudes, high curvature). 0.0 when both are zero.
    """
    a, b = a.detach().flatten().double(), b.detach().flatten().double()
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same number of entries, got {a.numel()} "
                         f"and {b.numel()}")
    na, nb = a.norm(), b.norm()
    denom = na ** 2 + nb ** 2
    return 0.0 if denom == 0 else float(2 * na * nb / denom)


def harms(g_a: torch.Tensor, g_b: torch.Tensor) -> tuple[bool, bool]:
    """Lesson 08. Does the summed step ``−(g_a + g_b)`` raise task A's / task B's loss (first order)?

    ``(g_a·(g_a+g_b) < 0, g_b·(g_a+g_b) < 0)``. The first is ``g_a·g_b < −‖g_a‖²``:
    a negative cosine alone does not hurt; only a conflict larger than the task's
    own squared length does. At most one of the two can be true (their sum is
    ``‖g_a+g_b‖² ≥ 0``).
    """
    g_a, g_b = g_a.detach().flatten().double(), g_b.detach().flatten().double()
    if g_a.shape != g_b.shape:
        raise ValueError(f"g_a and g_b must have the same number of entries, got {g_a.numel()} "
                         f"and {g_b.numel()}")
    total = g_a + g_b
    return bool(torch.dot(g_a, total) < 0), bool(torch.dot(g_b, total) < 0)
