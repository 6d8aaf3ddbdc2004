"""Checkers for notebook 07 (backpropagation through time)."""

from __future__ import annotations

import math

import torch

from ...gradients.bptt import truncation_weights
from ...i18n import tr
from .feedback import Feedback, correct, describe, finite_number, never_crashes, wrong

#: Exercise 1: a *linear* RNN whose W_hh is ρ times an orthogonal matrix, ρ = 0.9.
EXERCISE_RADIUS = 0.9
EXERCISE_DISTANCE = 20


@never_crashes
def check_vanishing_factor(answer) -> Feedback:
    """Exercise 1: ``||∂h_T/∂h_{T-20}||`` for a linear RNN, ``W_hh = 0.9·Q``, Q orthogonal."""
    answer, problem = finite_number(answer, "one")
    if problem is not None:
        return problem
    rho, d = EXERCISE_RADIUS, EXERCISE_DISTANCE
    expected = rho**d
    if math.isclose(answer, expected, rel_tol=1e-3):
        return correct(tr("nb07.check_vanishing_factor.correct", expected=expected))
    if math.isclose(answer, rho * d, rel_tol=1e-3):
        return wrong(tr("nb07.check_vanishing_factor.wrong2"))
    if math.isclose(answer, rho ** (d + 1), rel_tol=1e-3) or math.isclose(answer, rho ** (d - 1),
                                                                           rel_tol=1e-3):
        return wrong(tr("nb07.check_vanishing_factor.wrong3"))
    if math.isclose(answer, 1.0, rel_tol=1e-3):
        return wrong(tr("nb07.check_vanishing_factor.wrong4"))
    return wrong(tr("nb07.check_vanishing_factor.wrong", answer=answer))


@never_crashes
def check_carry_weights(fn) -> Feedback:
    """Exercise 2: ``fn(num_steps, k)`` returns the carry weights of truncated BPTT."""
    if not callable(fn):
        return wrong(tr("nb07.check_carry_weights.wrong", type_name=type(fn).__name__))
    for num_steps, k in ((10, 3), (8, 4), (5, 1), (6, 6)):
        try:
            result = fn(num_steps, k)
        except Exception as exc:
            return wrong(tr("nb07.check_carry_weights.wrong7", num_steps=num_steps, k=k,
                            type_name=type(exc).__name__, exc=exc))
        try:
            got = torch.as_tensor(result).detach().to(torch.float32)
        except Exception:
            got = None
        if got is None or isinstance(result, (str, bytes)) or got.is_complex():
            return wrong(tr("nb07.check_carry_weights.wrong3", num_steps=num_steps, k=k,
                            result=describe(result)))
        expected = truncation_weights(num_steps, k)
        if got.shape != expected.shape:
            return wrong(tr("nb07.check_carry_weights.wrong4", num_steps=num_steps, k=k,
                            tuple_shape=tuple(got.shape)))
        if torch.equal(got, expected):
            continue
        shifted = torch.ones(num_steps)
        shifted[k::k] = 0
        if torch.equal(got, shifted) or torch.equal(got, 1 - expected):
            return wrong(tr("nb07.check_carry_weights.wrong5", num_steps=num_steps, k=k, got=got.tolist()))
        shifted = torch.ones(num_steps)
        shifted[k - 1::k] = 0
        if torch.equal(got, shifted):
            return wrong(tr("nb07.check_carry_weights.wrong6", num_steps=num_steps, k=k))
        return wrong(tr("nb07.check_carry_weights.wrong2", num_steps=num_steps, k=k, want=expected.tolist(),
                        got=got.tolist()))
    return correct(tr("nb07.check_carry_weights.correct"))
