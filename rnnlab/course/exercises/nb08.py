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


#: The "sum vs mean" exercise: task gradients to combine (two tasks, then three).
COMBINE_CASES = (
    (torch.tensor([3.0, 1.0]), torch.tensor([-2.0, 2.0])),
    (torch.tensor([1.0, 0.0]), torch.tensor([-0.8, 1.0]), torch.tensor([-0.6, -1.0])),
    (torch.tensor([2.0, 1.0, 0.0]), torch.tensor([-1.0, 1.0, 1.0]), torch.tensor([0.5, -2.0, 1.0])),
)


def pcgrad_in_order(grads, against_projected: bool = False) -> torch.Tensor:
    """Algorithm 1 with the other tasks visited in index order (no shuffle); the *sum*.

    ``against_projected=True`` is the mistake the exercise checks for: projecting
    task ``i`` against task ``j``'s already projected gradient where there is one.
    """
    originals = [g.detach().double() for g in grads]
    projected: list = []
    for i, g_i in enumerate(originals):
        g = g_i.clone()
        for j, g_j in enumerate(originals):
            if j == i:
                continue
            other = projected[j] if against_projected and j < len(projected) else g_j
            dot = torch.dot(g, other)
            if dot < 0 and torch.dot(other, other) > 0:
                g = g - dot / torch.dot(other, other) * other
        projected.append(g)
    return torch.stack(projected).sum(0)


@never_crashes
def check_pcgrad_combine(fn) -> Feedback:
    """Exercise "sum vs mean": ``fn(grads)`` returns Algorithm 1's update for a list of gradients.

    The other tasks are visited in index order, every projection is against the
    *original* gradient, and the projected gradients are **summed**. Recognises
    the mean instead of the sum and projecting against already projected
    gradients, and says which.
    """
    if not callable(fn):
        return wrong(f"pass your function itself, got {type(fn).__name__}")
    for case in COMBINE_CASES:
        n = len(case)
        try:
            result = fn([g.clone() for g in case])
        except Exception as exc:
            return wrong(f"calling fn on {n} gradients raised {type(exc).__name__}: {exc}")
        v = None
        if isinstance(result, (list, tuple, torch.Tensor)) and not isinstance(result, (str, bytes)):
            try:
                v = torch.as_tensor(result.detach() if isinstance(result, torch.Tensor) else result)
            except Exception:
                v = None
        if v is None or v.dtype == torch.bool or v.is_complex():
            return wrong(f"fn must return one update vector (a tensor), got {describe(result)}")
        v = v.double()
        size = case[0].numel()
        if v.shape != (size,) or not bool(torch.isfinite(v).all()):
            return wrong(f"for {n} gradients of {size} entries fn must return {size} finite "
                         f"numbers, got {describe(result)}")
        right = pcgrad_in_order(case)
        near = lambda a, b: torch.allclose(a, b, atol=1e-4, rtol=1e-4)  # noqa: E731
        if near(v, right):
            continue
        chained = pcgrad_in_order(case, against_projected=True)
        if near(v, right / n):
            return wrong(f"with {n} tasks your update is exactly 1/{n} of Algorithm 1's: you took "
                         "the mean of the projected gradients. Algorithm 1 (and TorchJD) *sums* "
                         "them; Pytorch-PCGrad averages, which under SGD is a learning rate n "
                         "times smaller (Adam hardly notices a constant factor).")
        if near(v, chained) or near(v, chained / n):
            mean = " — and you took the mean, not the sum" if near(v, chained / n) else ""
            return wrong("you projected against gradients that were already projected: when "
                         "task i is projected against task j, use task j's *original* gradient "
                         f"g_j, never its projected version (Algorithm 1){mean}.")
        plain = torch.stack([g.double() for g in case]).sum(0)
        if near(v, plain) or near(v, plain / n):
            return wrong("that is the plain sum (or mean) of the gradients: nothing was "
                         "projected, yet these gradients conflict.")
        return wrong(f"for {n} gradients the update should be "
                     f"{[round(x, 3) for x in right.tolist()]}, you gave "
                     f"{[round(x, 3) for x in v.tolist()]}: project each g_i against every other "
                     "original g_j it conflicts with (g·g_j < 0), in index order, then add.")
    return correct("the projected gradients, each against the others' originals, summed — "
                   "Algorithm 1. (With the mean, SGD would take steps n times shorter.)")
