"""Checkers for notebook 08 (gradient conflict and PCGrad)."""

from __future__ import annotations

import math

import torch

from ...gradients.pcgrad import pcgrad_update
from ...i18n import tr
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
        return correct(tr("nb08.check_cosine.correct", dot=dot, cos=cos,
                          degrees=math.degrees(math.acos(cos))))
    if math.isclose(answer, dot, abs_tol=1e-3):
        return wrong(tr("nb08.check_cosine.wrong2", dot=dot))
    if math.isclose(answer, -cos, abs_tol=1e-3):
        return wrong(tr("nb08.check_cosine.wrong3"))
    return wrong(tr("nb08.check_cosine.wrong", answer=answer))


@never_crashes
def check_pcgrad_update(answer) -> Feedback:
    """Exercise 2: the PCGrad update direction for ``G_A`` and ``G_B`` (a 2-vector)."""
    v = _vector(answer)
    if v is None:
        return wrong(tr("nb08.check_pcgrad_update.wrong2", answer=describe(answer)))
    expected = pcgrad_update([G_A, G_B])
    if torch.allclose(v, expected, atol=1e-3):
        return correct(tr("nb08.check_pcgrad_update.correct",
                          want=[round(x, 3) for x in expected.tolist()]))
    only_b = G_A + (G_B - (G_A @ G_B) / (G_A @ G_A) * G_A)
    only_a = (G_A - (G_A @ G_B) / (G_B @ G_B) * G_B) + G_B
    if torch.allclose(v, only_b, atol=1e-3) or torch.allclose(v, only_a, atol=1e-3):
        return wrong(tr("nb08.check_pcgrad_update.wrong3"))
    if torch.allclose(v, G_A + G_B, atol=1e-3):
        return wrong(tr("nb08.check_pcgrad_update.wrong4"))
    return wrong(tr("nb08.check_pcgrad_update.wrong", got=[round(x, 3) for x in v.tolist()]))
