"""Checkers for notebook 08 (gradient conflict and PCGrad)."""

from __future__ import annotations

import math

import torch

from ...gradients.pcgrad import pcgrad_update
from ...i18n import tr
from .feedback import Feedback, correct, describe, finite_number, never_crashes, wrong

#: Exercises 1 and 2 use these two task gradients (the students' copies: the checkers judge
#: against their own, so a student's ``g_a /= g_a.norm()`` on these changes nothing that is right).
_REF_A, _REF_B = (3.0, 1.0), (-2.0, 2.0)
G_A = torch.tensor(_REF_A)
G_B = torch.tensor(_REF_B)


def _references() -> tuple[torch.Tensor, torch.Tensor]:
    """Fresh copies of the two exercise gradients, never the public ``G_A``/``G_B``."""
    return torch.tensor(_REF_A), torch.tensor(_REF_B)


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
    g_a, g_b = _references()
    dot = float(g_a @ g_b)
    cos = dot / float(g_a.norm() * g_b.norm())
    if math.isclose(answer, cos, abs_tol=1e-3):
        return correct(tr("nb08.check_cosine.correct", dot=dot, cos=cos,
                          degrees=math.degrees(math.acos(cos))))
    if math.isclose(answer, dot, abs_tol=1e-3):
        return wrong(tr("nb08.check_cosine.gave_dot_product", dot=dot))
    if math.isclose(answer, -cos, abs_tol=1e-3):
        return wrong(tr("nb08.check_cosine.wrong_sign"))
    return wrong(tr("nb08.check_cosine.wrong", answer=answer))


@never_crashes
def check_pcgrad_update(answer) -> Feedback:
    """Exercise 2: the PCGrad update direction for ``G_A`` and ``G_B`` (a 2-vector)."""
    v = _vector(answer)
    if v is None:
        return wrong(tr("nb08.check_pcgrad_update.not_two_numbers", answer=describe(answer)))
    g_a, g_b = _references()
    expected = pcgrad_update([g_a, g_b])
    if torch.allclose(v, expected, atol=1e-3):
        return correct(tr("nb08.check_pcgrad_update.correct",
                          want=[round(x, 3) for x in expected.tolist()]))
    only_b = g_a + (g_b - (g_a @ g_b) / (g_a @ g_a) * g_a)
    only_a = (g_a - (g_a @ g_b) / (g_b @ g_b) * g_b) + g_b
    if torch.allclose(v, only_b, atol=1e-3) or torch.allclose(v, only_a, atol=1e-3):
        return wrong(tr("nb08.check_pcgrad_update.projected_only_one"))
    if torch.allclose(v, g_a + g_b, atol=1e-3):
        return wrong(tr("nb08.check_pcgrad_update.plain_sum"))
    return wrong(tr("nb08.check_pcgrad_update.wrong", got=[round(x, 3) for x in v.tolist()]))


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
        return wrong(tr("nb08.check_pcgrad_combine.not_callable", type=type(fn).__name__))
    for case in COMBINE_CASES:
        n = len(case)
        try:
            result = fn([g.clone() for g in case])
        except Exception as exc:
            return wrong(tr("nb08.check_pcgrad_combine.raised", n=n, error=type(exc).__name__, detail=exc))
        v = None
        if isinstance(result, (list, tuple, torch.Tensor)) and not isinstance(result, (str, bytes)):
            try:
                v = torch.as_tensor(result.detach() if isinstance(result, torch.Tensor) else result)
            except Exception:
                v = None
        if v is None or v.dtype == torch.bool or v.is_complex():
            return wrong(tr("nb08.check_pcgrad_combine.not_vector", got=describe(result)))
        v = v.double()
        size = case[0].numel()
        if v.shape != (size,) or not bool(torch.isfinite(v).all()):
            return wrong(tr("nb08.check_pcgrad_combine.shape", n=n, size=size, got=describe(result)))
        right = pcgrad_in_order(case)
        near = lambda a, b: torch.allclose(a, b, atol=1e-4, rtol=1e-4)  # noqa: E731
        if near(v, right):
            continue
        chained = pcgrad_in_order(case, against_projected=True)
        if near(v, right / n):
            return wrong(tr("nb08.check_pcgrad_combine.mean", n=n))
        if near(v, chained) or near(v, chained / n):
            mean = tr("nb08.check_pcgrad_combine.and_mean") if near(v, chained / n) else ""
            return wrong(tr("nb08.check_pcgrad_combine.chained", mean=mean))
        plain = torch.stack([g.double() for g in case]).sum(0)
        if near(v, plain) or near(v, plain / n):
            return wrong(tr("nb08.check_pcgrad_combine.plain"))
        return wrong(tr("nb08.check_pcgrad_combine.wrong", n=n, want=[round(x, 3) for x in right.tolist()],
                        got=[round(x, 3) for x in v.tolist()]))
    return correct(tr("nb08.check_pcgrad_combine.correct"))
