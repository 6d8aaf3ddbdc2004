"""Checkers for notebook 05 (gradient clipping)."""

from __future__ import annotations

import math

import torch

from .feedback import Feedback, correct, finite_number, never_crashes, wrong


def _grads(seed: int, scale: float) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return [scale * torch.randn(3, 4, generator=g), scale * torch.randn(5, generator=g)]


@never_crashes
def check_clip(clip) -> Feedback:
    """Exercise 1: ``clip(grads, theta)`` returns new tensors clipped by their *global* norm."""
    if not callable(clip):
        return wrong(f"pass your function itself, got {type(clip).__name__}")
    for scale, theta in ((3.0, 1.0), (0.05, 1.0), (1.0, 0.5)):
        grads = _grads(5, scale)
        before = [g.clone() for g in grads]
        try:
            got = clip([g.clone() for g in grads], theta)
        except Exception as exc:
            return wrong(f"calling clip(grads, {theta}) raised {type(exc).__name__}: {exc}")
        if not isinstance(got, (list, tuple)) or len(got) != len(grads) \
                or not all(isinstance(t, torch.Tensor) for t in got):
            return wrong("return a list with one tensor per gradient, in the same order")
        shapes = [tuple(t.shape) for t in got]
        if shapes != [tuple(g.shape) for g in before]:
            return wrong(f"return each gradient in its own shape {[tuple(g.shape) for g in before]}, "
                         f"got shapes {shapes}: scale the tensors, don't flatten or reshape them")
        if not all(t.dtype.is_floating_point for t in got):
            return wrong(f"the clipped gradients must hold floats, got dtypes {[t.dtype for t in got]}")
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
            return wrong("you clipped each tensor by its own norm. Clipping by the *global* norm "
                         "treats all gradients as one vector: one norm, one factor for all, so the "
                         "direction of the whole update is kept.")
        if norm < theta and all(torch.allclose(a, b * theta / norm, atol=1e-6)
                                for a, b in zip(got, before, strict=True)):
            return wrong(f"the gradients had norm {norm:.3f} < θ = {theta} and you scaled them "
                         "up to θ. The factor is min(1, θ/‖g‖): small gradients stay as they are.")
        return wrong(f"for θ = {theta} and a global norm of {norm:.3f} the result differs from "
                     "torch.nn.utils.clip_grad_norm_; the factor is min(1, θ / ‖g‖).")
    return correct("same numbers as torch.nn.utils.clip_grad_norm_ for a large and a small "
                   "gradient: one global norm, one factor min(1, θ/‖g‖) for every tensor.")


@never_crashes
def check_cosine_after_clipping(answer) -> Feedback:
    """Exercise 2: two task gradients have cosine -0.6; what is it after clipping at θ = 1?"""
    answer, problem = finite_number(answer, "a")
    if problem is not None:
        return problem
    if math.isclose(answer, -0.6, abs_tol=1e-3):
        return correct("still -0.6. Clipping multiplies every gradient by the same positive "
                       "factor, and cos(c·a, c·b) = cos(a, b) for c > 0: the conflict stays.")
    if math.isclose(answer, 0.0, abs_tol=1e-3):
        return wrong("0 is what a projection (PCGrad) would give for the projected gradient; "
                     "clipping only rescales, it never changes a direction.")
    if math.isclose(answer, 0.6, abs_tol=1e-3):
        return wrong("a positive factor cannot flip a sign: c·(a·b) has the sign of a·b "
                     "when c > 0.")
    return wrong(f"{answer} is not it: what happens to a·b / (‖a‖‖b‖) when a and b are both "
                 "multiplied by the same c > 0?")
