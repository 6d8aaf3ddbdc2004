"""Checkers for notebook 05 (gradient clipping)."""

from __future__ import annotations

import math

import torch

from ...i18n import tr
from .feedback import Feedback, correct, finite_number, never_crashes, wrong


def _grads(seed: int, scale: float) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return [scale * torch.randn(3, 4, generator=g), scale * torch.randn(5, generator=g)]


@never_crashes
def check_clip(clip) -> Feedback:
    """Exercise 1: ``clip(grads, theta)`` returns new tensors clipped by their *global* norm."""
    if not callable(clip):
        return wrong(tr("nb05.check_clip.not_callable", type_name=type(clip).__name__))
    for scale, theta in ((3.0, 1.0), (0.05, 1.0), (1.0, 0.5)):
        grads = _grads(5, scale)
        before = [g.clone() for g in grads]
        try:
            got = clip([g.clone() for g in grads], theta)
        except Exception as exc:
            return wrong(tr("nb05.check_clip.call_raised", theta=theta, type_name=type(exc).__name__,
                            exc=exc))
        if not isinstance(got, (list, tuple)) or len(got) != len(grads) \
                or not all(isinstance(t, torch.Tensor) for t in got):
            return wrong(tr("nb05.check_clip.not_tensor_list"))
        shapes = [tuple(t.shape) for t in got]
        if shapes != [tuple(g.shape) for g in before]:
            return wrong(tr("nb05.check_clip.changed_shapes", want_shapes=[tuple(g.shape) for g in before],
                            shapes=shapes))
        if not all(t.dtype.is_floating_point for t in got):
            return wrong(tr("nb05.check_clip.not_floats", dtypes=[t.dtype for t in got]))
        got = [t.detach().to(torch.float32) for t in got]
        # The reference: torch's own clipping of the same gradients.
        params = [torch.nn.Parameter(torch.zeros_like(b)) for b in before]
        for p, g in zip(params, before, strict=True):
            p.grad = g.clone()
        torch.nn.utils.clip_grad_norm_(params, theta)
        expected = [p.grad for p in params]
        if all(torch.allclose(a, b, atol=1e-6) for a, b in zip(got, expected, strict=True)):
            continue
        norm = math.sqrt(sum(float((g**2).sum()) for g in before))
        per_tensor = []
        for g in before:
            n = float(g.norm())
            per_tensor.append(g * min(1.0, theta / n))
        if all(torch.allclose(a, b, atol=1e-6) for a, b in zip(got, per_tensor, strict=True)):
            return wrong(tr("nb05.check_clip.clipped_per_tensor"))
        if norm < theta and all(torch.allclose(a, b * theta / norm, atol=1e-6)
                                for a, b in zip(got, before, strict=True)):
            return wrong(tr("nb05.check_clip.scaled_up_small_gradients", norm=norm, theta=theta))
        return wrong(tr("nb05.check_clip.differs_from_torch", theta=theta, norm=norm))
    return correct(tr("nb05.check_clip.correct"))


@never_crashes
def check_cosine_after_clipping(answer) -> Feedback:
    """Exercise 2: two task gradients have cosine -0.6; what is it after clipping at θ = 1?"""
    answer, problem = finite_number(answer, "a")
    if problem is not None:
        return problem
    if math.isclose(answer, -0.6, abs_tol=1e-3):
        return correct(tr("nb05.check_cosine_after_clipping.correct"))
    if math.isclose(answer, 0.0, abs_tol=1e-3):
        return wrong(tr("nb05.check_cosine_after_clipping.zero_is_projection"))
    if math.isclose(answer, 0.6, abs_tol=1e-3):
        return wrong(tr("nb05.check_cosine_after_clipping.flipped_sign"))
    return wrong(tr("nb05.check_cosine_after_clipping.wrong", answer=answer))
