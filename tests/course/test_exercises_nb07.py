"""Notebook 07's checkers accept the right answer and explain typical wrong ones."""

import pytest
import torch

import rnnlab
from rnnlab.course.exercises import nb07


def test_vanishing_factor():
    assert nb07.check_vanishing_factor(0.9**20).ok
    assert nb07.check_vanishing_factor(torch.tensor(0.9**20)).ok
    fb = nb07.check_vanishing_factor(0.9 * 20)
    assert not fb.ok and "compound" in fb.message
    fb = nb07.check_vanishing_factor(0.9**21)
    assert not fb.ok and "off by one" in fb.message
    fb = nb07.check_vanishing_factor(1.0)
    assert not fb.ok and "0.9" in fb.message
    assert not nb07.check_vanishing_factor("small").ok


def test_vanishing_factor_answer_is_what_the_package_measures():
    g = torch.Generator().manual_seed(0)
    Q, _ = torch.linalg.qr(torch.randn(8, 8, generator=g))
    norms = rnnlab.jacobian_norms(0.9 * Q, None, 20)   # the exercise's ρ = 0.9 over 20 steps
    assert nb07.check_vanishing_factor(float(norms[-1])).ok


def test_carry_weights():
    assert nb07.check_carry_weights(rnnlab.truncation_weights).ok

    def cut_after_first_chunk(num_steps, k):
        w = torch.ones(num_steps)
        w[k::k] = 0
        return w

    fb = nb07.check_carry_weights(cut_after_first_chunk)
    assert not fb.ok and "step 0 included" in fb.message

    def off_by_one(num_steps, k):
        w = torch.ones(num_steps)
        w[k - 1::k] = 0
        return w

    fb = nb07.check_carry_weights(off_by_one)
    assert not fb.ok and "off by one" in fb.message
    fb = nb07.check_carry_weights(lambda n, k: torch.ones(n + 1))
    assert not fb.ok and "one per step" in fb.message
    assert not nb07.check_carry_weights([1, 0, 1]).ok


def _power(W, num_iters, normalise=True):
    v = torch.ones(W.shape[0], dtype=W.dtype)
    for _ in range(num_iters):
        w = v @ W
        factor = w.norm()
        v = w / factor if normalise else w
    return float(factor) if normalise else float(v.norm())


def test_power_iteration_accepts_power_iteration_and_the_exact_radius():
    assert nb07.check_power_iteration(_power).ok
    assert nb07.check_power_iteration(lambda W, n: float(torch.linalg.eigvals(W).abs().max())).ok
    # the checker's matrices have the spectral radius it claims, and a different spectral norm
    for seed, (eigenvalues, _) in enumerate(nb07.POWER_CASES):
        W = nb07._matrix_with_eigenvalues(eigenvalues, seed)
        rho = max(abs(e) for e in eigenvalues)
        assert rnnlab.spectral_radius(W) == pytest.approx(rho, rel=1e-6)
        assert float(torch.linalg.matrix_norm(W, ord=2)) > 1.05 * rho


def test_power_iteration_explains_the_typical_mistakes():
    fb = nb07.check_power_iteration(lambda W, n: _power(W, n, normalise=False))
    assert not fb.ok and ("overflowed" in fb.message or "growth of one step" in fb.message)
    fb = nb07.check_power_iteration(lambda W, n: float(torch.linalg.matrix_norm(W, ord=2)))
    assert not fb.ok and "spectral norm" in fb.message

    def signed(W, n):
        v = torch.ones(W.shape[0], dtype=W.dtype)
        for _ in range(n):
            w = v @ W
            v = w / w.norm()
        return float((v @ W) @ v)           # the Rayleigh quotient keeps the sign

    fb = nb07.check_power_iteration(signed)
    assert not fb.ok and "absolute value" in fb.message
    fb = nb07.check_power_iteration(lambda W, n: _power(W, 1))   # far too few steps
    assert not fb.ok and "v ← v W" in fb.message
    assert not nb07.check_power_iteration(42).ok
    assert not nb07.check_power_iteration(lambda W, n: torch.ones(3)).ok


def test_power_iteration_works_on_copies():
    seen = []

    def mutating(W, n):
        seen.append(W.clone())
        estimate = _power(W, n)
        W.zero_()
        return estimate

    assert nb07.check_power_iteration(mutating).ok and all(float(w.abs().sum()) > 0 for w in seen)
