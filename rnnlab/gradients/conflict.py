"""Measuring gradient conflict between tasks that share parameters (lessons 05 and 08).

Two tasks each pull the shared parameters their own way. The cosine similarity
of their gradients says how: near 1 they agree, near 0 they are unrelated,
below 0 they *conflict*. These measurements are used by PCGrad
(:mod:`rnnlab.gradients.pcgrad`) and by the multi-task experiment
(:mod:`rnnlab.experiments.multitask`); they depend on neither.
"""

from __future__ import annotations

import math

import torch


def _scaled(*vectors: torch.Tensor, each: bool = True) -> list[torch.Tensor]:
    """The vectors in float64, divided by their largest entry (``each=False``: by the largest of
    all), so that squares and dot products stay inside the float range."""
    vs = [v.detach().flatten().double() for v in vectors]
    if any(v.shape != vs[0].shape for v in vs):
        raise ValueError(f"the gradients must have the same number of entries, got "
                         f"{[v.numel() for v in vs]}")
    scales = [v.abs().max() if v.numel() else torch.tensor(0.0, dtype=torch.float64) for v in vs]
    if not each:
        scales = [torch.stack(scales).max()] * len(vs)
    return [v / s if bool(s > 0) and bool(torch.isfinite(s)) else v for v, s in zip(vs, scales)]


def cosine_similarity(a: torch.Tensor, b: torch.Tensor) -> float:
    """Lesson 05. ``a·b / (‖a‖ ‖b‖)`` of two flattened gradients; 0.0 when either is zero (no direction).

    Computed on the vectors scaled to a largest entry of 1: the same number over the whole
    float range (1e-200 or 1e200 as well as 1); NaN when either holds a NaN.
    """
    a, b = _scaled(a, b)
    denom = a.norm() * b.norm()
    return 0.0 if denom == 0 else float(torch.dot(a, b) / denom)


def task_gradients(losses, params) -> list[torch.Tensor]:
    """Lesson 08. One flattened gradient per loss, over ``params`` (the graph is kept for later use)."""
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
    """Lesson 08. The share of steps on which the tasks conflict (cosine < 0); NaN if any cosine is NaN
    (a step whose gradients broke is neither conflict nor agreement)."""
    cosines = [float(c) for c in cosines]
    if not cosines:
        raise ValueError("cosines must hold at least one value, got an empty sequence")
    if any(math.isnan(c) for c in cosines):
        return math.nan
    return sum(c < 0 for c in cosines) / len(cosines)


def magnitude_similarity(a: torch.Tensor, b: torch.Tensor) -> float:
    """Yu et al. (2020), Def. 2: ``2‖a‖‖b‖ / (‖a‖² + ‖b‖²)`` — 1 for equal lengths, → 0 as they differ.

    Lesson 08. The second leg of the paper's "tragic triad" (conflicting
    directions, very different magnitudes, high curvature). 0.0 when both are zero.
    """
    a, b = _scaled(a, b, each=False)   # a common scale: the ratio is unchanged
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
    g_a, g_b = _scaled(g_a, g_b, each=False)   # a common scale keeps the signs
    total = g_a + g_b
    return bool(torch.dot(g_a, total) < 0), bool(torch.dot(g_b, total) < 0)
