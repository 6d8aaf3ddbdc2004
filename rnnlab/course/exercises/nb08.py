"""Checkers for notebook 08 (gradient conflict and PCGrad)."""

from __future__ import annotations

import math

import torch

from ...gradients.pcgrad import pcgrad_update
from .feedback import Feedback, correct, describe, finite_number, never_crashes, wrong

#: Exercise 1 and 2 use these two task gradients.
G_A = torch.tensor([3.0, 1.0])
G_B = torch.tensor([-2.0, 2.0])


def _vector(answer):
    if answer is None or isinstance(answer, (str, bytes, bool)):
        return None
    try:
        v = torch.as_tensor(answer.detach() if isinstance(answer, torch.Tensor) else answer)
    except Exception:  # objects, ragged lists
        return None
    if v.dtype == torch.bool or v.is_complex():
        return None
    v = v.to(torch.float32).flatten()
    return v if v.shape == (2,) and bool(torch.isfinite(v).all()) else None


@never_crashes
def check_cosine(answer) -> Feedback:
    """Exercise 1: the cosine similarity of ``G_A`` and ``G_B``."""
    answer, problem = finite_number(answer, "one")
    if problem is not None:
        return problem
    dot = float(G_A @ G_B)
    cos = dot / float(G_A.norm() * G_B.norm())
    if math.isclose(answer, cos, abs_tol=1e-3):
        return correct(f"cos = {dot:g} / (√10 · √8) ≈ {cos:.3f} < 0, an angle of "
                       f"{math.degrees(math.acos(cos)):.0f}°: the tasks conflict — a step along "
                       "g_A alone would increase task B's loss (to first order).")
    if math.isclose(answer, dot, abs_tol=1e-3):
        return wrong(f"{dot:g} is the dot product; divide by both lengths ‖g_A‖ ‖g_B‖ so the "
                     "answer is a cosine between −1 and 1.")
    if math.isclose(answer, -cos, abs_tol=1e-3):
        return wrong("check the sign: g_A · g_B = 3·(−2) + 1·2 is negative.")
    return wrong(f"{answer} is not it: cos = g_A·g_B / (‖g_A‖ ‖g_B‖).")


@never_crashes
def check_pcgrad_update(answer) -> Feedback:
    """Exercise 2: the PCGrad update direction for ``G_A`` and ``G_B`` (a 2-vector)."""
    v = _vector(answer)
    if v is None:
        return wrong(f"give the update as two finite numbers, e.g. [x, y]; got {describe(answer)}")
    expected = pcgrad_update([G_A, G_B])
    if torch.allclose(v, expected, atol=1e-3):
        return correct(f"{[round(x, 3) for x in expected.tolist()]}: both gradients are "
                       "projected (each against the other's *original*), then summed.")
    only_b = G_A + (G_B - (G_A @ G_B) / (G_A @ G_A) * G_A)
    only_a = (G_A - (G_A @ G_B) / (G_B @ G_B) * G_B) + G_B
    if torch.allclose(v, only_b, atol=1e-3) or torch.allclose(v, only_a, atol=1e-3):
        return wrong("you projected only one of the two gradients. PCGrad treats every task the "
                     "same way: g_A is projected away from g_B *and* g_B away from g_A, then the "
                     "two projected gradients are added.")
    if torch.allclose(v, G_A + G_B, atol=1e-3):
        return wrong("that is the plain sum g_A + g_B. The two gradients conflict "
                     "(g_A · g_B < 0), so PCGrad first removes the conflicting components.")
    return wrong(f"not yet: project g_A on the normal plane of g_B and g_B on that of g_A "
                 f"(g ← g − (g·g_other / ‖g_other‖²) g_other), then add them. You gave "
                 f"{[round(x, 3) for x in v.tolist()]}.")
