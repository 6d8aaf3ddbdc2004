"""Checkers for notebook 07 (backpropagation through time)."""

from __future__ import annotations

import math

import torch

from ...gradients.bptt import truncation_weights
from .feedback import Feedback, as_number, correct, describe, finite_number, never_crashes, wrong

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


def _matrix_with_eigenvalues(eigenvalues, seed: int) -> torch.Tensor:
    """A non-symmetric matrix ``Q diag(λ) Q⁻¹`` (so its spectral norm is not its spectral radius)."""
    g = torch.Generator().manual_seed(seed)
    n = len(eigenvalues)
    Q = torch.randn(n, n, generator=g, dtype=torch.float64) + 2 * torch.eye(n, dtype=torch.float64)
    return Q @ torch.diag(torch.tensor(eigenvalues, dtype=torch.float64)) @ torch.linalg.inv(Q)


#: Exercise (power iteration): (eigenvalues, num_iters) of the matrices the checker tries.
POWER_CASES = (((1.7, 0.9, -0.5, 0.3, 0.1, -0.05), 200),   # a growing direction
               ((0.8, 0.5, -0.4, 0.2, 0.1, 0.05), 200),    # everything shrinks
               ((-1.5, 0.9, 0.6, -0.3, 0.2, 0.1), 200),    # the dominant eigenvalue is negative
               ((5.0, 2.0, -1.0, 0.5, 0.3, 0.1), 500))     # 5^500 overflows without normalising


@never_crashes
def check_power_iteration(fn) -> Feedback:
    """Exercise: ``fn(W, num_iters)`` estimates the spectral radius ρ(W) by power iteration.

    The matrices tried have a real dominant eigenvalue (one of them negative), so the factor of
    the last step converges; with a complex pair on top it oscillates, and only the geometric
    mean of many steps' factors converges — the exercise's second part.
    """
    if not callable(fn):
        return wrong(f"pass your function itself, got {type(fn).__name__}")
    for seed, (eigenvalues, num_iters) in enumerate(POWER_CASES):
        W = _matrix_with_eigenvalues(eigenvalues, seed)
        rho = max(abs(e) for e in eigenvalues)
        try:
            result = fn(W.clone(), num_iters)
        except Exception as exc:
            return wrong(f"calling fn(W, {num_iters}) raised {type(exc).__name__}: {exc}")
        value = as_number(result)
        if value is not None and not math.isfinite(value):
            return wrong(f"for a W with ρ = {rho:g} and {num_iters} iterations you returned "
                         f"{value}: the vector grew like ρ^k until it overflowed (or shrank to 0). "
                         "Divide it by its norm after every multiplication; the growth factor of "
                         "one step is then ‖v W‖ (or ‖W v‖).")
        answer, problem = finite_number(result, "one")
        if problem is not None:
            return problem
        if math.isclose(answer, rho, rel_tol=1e-2):
            continue
        if answer > 0 and abs(math.log(answer) / num_iters - math.log(rho)) < 0.05:
            return wrong(f"for a W with ρ = {rho:g} you returned {answer:.4g}, about ρ^{num_iters}: "
                         "the length of v after all the multiplications, not the growth of one "
                         "step. Divide v by its norm after every multiplication (or it overflows) "
                         "and return the factor ‖v W‖ of the last step.")
        if math.isclose(answer, -rho, rel_tol=1e-2):
            return wrong(f"you returned {answer:.4g}, the dominant eigenvalue itself; the spectral "
                         "radius is its absolute value, |λ|, which is what sets the growth rate.")
        if math.isclose(answer, float(torch.linalg.matrix_norm(W, ord=2)), rel_tol=1e-3):
            return wrong(f"{answer:.4g} is the spectral norm ‖W‖₂ (the largest singular value), "
                         f"not the spectral radius ρ = {rho:g}. For a non-symmetric W they differ: "
                         "‖W‖₂ bounds one step's stretch, ρ the long-run growth rate.")
        return wrong(f"for a W with ρ = {rho:g} and {num_iters} iterations you returned "
                     f"{answer:.4g}. Start from a random vector v; repeat v ← v W, v ← v / ‖v‖; the "
                     "factor ‖v W‖ of the last step is the estimate (or, steadier, the geometric "
                     "mean of the factors of the last steps).")
    return correct("power iteration finds ρ: after many multiplications only the direction of the "
                   "largest |eigenvalue| is left, and each step stretches it by ρ. That is also why "
                   "the linear RNN's gradient from d steps back scales like ρ^d.")
