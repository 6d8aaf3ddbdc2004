"""Checkers for notebook 07 (backpropagation through time)."""

from __future__ import annotations

import math

import torch

from ...gradients.bptt import truncation_weights
from ...i18n import tr
from .feedback import Feedback, as_number, correct, describe, finite_number, never_crashes, wrong

# Exercise 1: a *linear* RNN whose W_hh is ρ times an orthogonal matrix, ρ = 0.9, over 20 steps.
# Private constants: nothing a student rebinds can change what is right.
_RADIUS, _DISTANCE = 0.9, 20


@never_crashes
def check_vanishing_factor(answer) -> Feedback:
    """Exercise 1: ``||∂h_T/∂h_{T-20}||`` for a linear RNN, ``W_hh = 0.9·Q``, Q orthogonal."""
    answer, problem = finite_number(answer, "one")
    if problem is not None:
        return problem
    rho, d = _RADIUS, _DISTANCE
    expected = rho**d
    if math.isclose(answer, expected, rel_tol=1e-3):
        return correct(tr("nb07.check_vanishing_factor.correct", expected=expected))
    if math.isclose(answer, rho * d, rel_tol=1e-3):
        return wrong(tr("nb07.check_vanishing_factor.multiplied_not_compounded"))
    if math.isclose(answer, rho ** (d + 1), rel_tol=1e-3) or math.isclose(answer, rho ** (d - 1),
                                                                           rel_tol=1e-3):
        return wrong(tr("nb07.check_vanishing_factor.off_by_one"))
    if math.isclose(answer, 1.0, rel_tol=1e-3):
        return wrong(tr("nb07.check_vanishing_factor.ignored_radius"))
    return wrong(tr("nb07.check_vanishing_factor.wrong", answer=answer))


@never_crashes
def check_carry_weights(fn) -> Feedback:
    """Exercise 2: ``fn(num_steps, k)`` returns the carry weights of truncated BPTT."""
    if not callable(fn):
        return wrong(tr("nb07.check_carry_weights.not_callable", type_name=type(fn).__name__))
    for num_steps, k in ((10, 3), (8, 4), (5, 1), (6, 6)):
        try:
            result = fn(num_steps, k)
        except Exception as exc:
            return wrong(tr("nb07.check_carry_weights.call_raised", num_steps=num_steps, k=k,
                            type_name=type(exc).__name__, exc=exc))
        try:
            got = torch.as_tensor(result).detach().to(torch.float32)
        except Exception:
            got = None
        if got is None or isinstance(result, (str, bytes)) or got.is_complex():
            return wrong(tr("nb07.check_carry_weights.not_numbers", num_steps=num_steps, k=k,
                            result=describe(result)))
        expected = truncation_weights(num_steps, k)
        if got.shape != expected.shape:
            return wrong(tr("nb07.check_carry_weights.wrong_length", num_steps=num_steps, k=k,
                            tuple_shape=tuple(got.shape)))
        if torch.equal(got, expected):
            continue
        shifted = torch.ones(num_steps)
        shifted[k::k] = 0
        if torch.equal(got, shifted) or torch.equal(got, 1 - expected):
            return wrong(tr("nb07.check_carry_weights.misplaced_chunk_starts", num_steps=num_steps, k=k,
                            got=got.tolist()))
        shifted = torch.ones(num_steps)
        shifted[k - 1::k] = 0
        if torch.equal(got, shifted):
            return wrong(tr("nb07.check_carry_weights.off_by_one", num_steps=num_steps, k=k))
        return wrong(tr("nb07.check_carry_weights.wrong_weights", num_steps=num_steps, k=k,
                        want=expected.tolist(),
                        got=got.tolist()))
    return correct(tr("nb07.check_carry_weights.correct"))


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
        return wrong(tr("nb07.check_power_iteration.not_callable", type=type(fn).__name__))
    for seed, (eigenvalues, num_iters) in enumerate(POWER_CASES):
        W = _matrix_with_eigenvalues(eigenvalues, seed)
        rho = max(abs(e) for e in eigenvalues)
        try:
            result = fn(W.clone(), num_iters)
        except Exception as exc:
            return wrong(tr("nb07.check_power_iteration.raised", num_iters=num_iters,
                            error=type(exc).__name__, detail=exc))
        value = as_number(result)
        if value is not None and not math.isfinite(value):
            return wrong(tr("nb07.check_power_iteration.overflow", rho=rho, num_iters=num_iters, value=value))
        answer, problem = finite_number(result, "one")
        if problem is not None:
            return problem
        if math.isclose(answer, rho, rel_tol=1e-2):
            continue
        if answer > 0 and abs(math.log(answer) / num_iters - math.log(rho)) < 0.05:
            return wrong(tr("nb07.check_power_iteration.power", rho=rho, answer=answer, num_iters=num_iters))
        if math.isclose(answer, -rho, rel_tol=1e-2):
            return wrong(tr("nb07.check_power_iteration.signed", answer=answer))
        if math.isclose(answer, float(torch.linalg.matrix_norm(W, ord=2)), rel_tol=1e-3):
            return wrong(tr("nb07.check_power_iteration.norm", answer=answer, rho=rho))
        return wrong(tr("nb07.check_power_iteration.wrong", rho=rho, num_iters=num_iters, answer=answer))
    return correct(tr("nb07.check_power_iteration.correct"))
