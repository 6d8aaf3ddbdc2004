"""Notebook 07's checkers accept the right answer and explain typical wrong ones."""

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
    norms = rnnlab.jacobian_norms(nb07.EXERCISE_RADIUS * Q, None, nb07.EXERCISE_DISTANCE)
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
