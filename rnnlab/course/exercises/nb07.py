"""Checkers for notebook 07 (backpropagation through time)."""

from __future__ import annotations

import math

import torch

from ...gradients.bptt import truncation_weights
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
        return correct(f"0.9^20 ≈ {expected:.4f}. The Jacobian is (W_hhᵀ)^20 = 0.9^20 · (Qᵀ)^20 "
                       "and an orthogonal matrix has norm 1: the gradient shrinks by a factor "
                       "0.9 every step, to about an eighth after 20 steps.")
    if math.isclose(answer, rho * d, rel_tol=1e-3):
        return wrong("you multiplied 0.9 by 20. The chain rule *multiplies* one Jacobian per "
                     "step, so the factors compound: 0.9 · 0.9 · … (20 times).")
    if math.isclose(answer, rho ** (d + 1), rel_tol=1e-3) or math.isclose(answer, rho ** (d - 1),
                                                                           rel_tol=1e-3):
        return wrong("off by one step: going from h_{T-20} to h_T applies the recurrence exactly "
                     "20 times.")
    if math.isclose(answer, 1.0, rel_tol=1e-3):
        return wrong("the orthogonal part keeps the norm, but the factor 0.9 does not: "
                     "each step scales the gradient by 0.9.")
    return wrong(f"{answer} is not it. Write ∂h_T/∂h_(T-20) as a product of 20 Jacobians "
                 "W_hhᵀ (no tanh here) and use ‖Qᵀ‖ = 1.")


@never_crashes
def check_carry_weights(fn) -> Feedback:
    """Exercise 2: ``fn(num_steps, k)`` returns the carry weights of truncated BPTT."""
    if not callable(fn):
        return wrong(f"pass your function itself, got {type(fn).__name__}")
    for num_steps, k in ((10, 3), (8, 4), (5, 1), (6, 6)):
        try:
            result = fn(num_steps, k)
        except Exception as exc:
            return wrong(f"calling fn({num_steps}, {k}) raised {type(exc).__name__}: {exc}")
        try:
            got = torch.as_tensor(result).detach().to(torch.float32)
        except Exception:
            got = None
        if got is None or isinstance(result, (str, bytes)) or got.is_complex():
            return wrong(f"fn({num_steps}, {k}) must return {num_steps} numbers (a list or a "
                         f"tensor), got {describe(result)}")
        expected = truncation_weights(num_steps, k)
        if got.shape != expected.shape:
            return wrong(f"fn({num_steps}, {k}) must give {num_steps} weights (one per step), "
                         f"got shape {tuple(got.shape)}")
        if torch.equal(got, expected):
            continue
        shifted = torch.ones(num_steps)
        shifted[k::k] = 0
        if torch.equal(got, shifted) or torch.equal(got, 1 - expected):
            return wrong(f"for num_steps={num_steps}, k={k} you gave {got.tolist()}. Chunks start "
                         "at steps 0, k, 2k, …: the weight is 0 exactly there (step 0 included: "
                         "nothing flows back into the state before the first chunk) and 1 "
                         "everywhere else.")
        shifted = torch.ones(num_steps)
        shifted[k - 1::k] = 0
        if torch.equal(got, shifted):
            return wrong(f"off by one for num_steps={num_steps}, k={k}: you cut at steps k-1, "
                         "2k-1, …; the weight of step t is what flows from step t back into "
                         "h_(t-1), so the cut belongs to the *first* step of each chunk.")
        return wrong(f"for num_steps={num_steps}, k={k} the weights should be "
                     f"{expected.tolist()}, you gave {got.tolist()}")
    return correct("0 at the first step of every chunk of k steps, 1 elsewhere — the same "
                   "gradient as detaching the state every k steps.")
