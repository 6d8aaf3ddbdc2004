"""Notebook 08's checkers accept the right answer and explain typical wrong ones."""

import torch

import rnnlab
from rnnlab.course.exercises import nb08


def test_cosine():
    right = rnnlab.cosine_similarity(nb08.G_A, nb08.G_B)
    assert nb08.check_cosine(right).ok
    fb = nb08.check_cosine(float(nb08.G_A @ nb08.G_B))
    assert not fb.ok and "dot product" in fb.message
    fb = nb08.check_cosine(-right)
    assert not fb.ok and "sign" in fb.message
    assert not nb08.check_cosine([1, 2]).ok


def test_pcgrad_update():
    assert nb08.check_pcgrad_update(rnnlab.pcgrad_update([nb08.G_A, nb08.G_B])).ok
    assert nb08.check_pcgrad_update([1.2, 4.4]).ok
    fb = nb08.check_pcgrad_update(nb08.G_A + nb08.G_B)
    assert not fb.ok and "plain sum" in fb.message
    gA, gB = nb08.G_A, nb08.G_B
    only_b = gA + (gB - (gA @ gB) / (gA @ gA) * gA)
    fb = nb08.check_pcgrad_update(only_b)
    assert not fb.ok and "only one" in fb.message
    fb = nb08.check_pcgrad_update(torch.zeros(2))
    assert not fb.ok and "normal plane" in fb.message
    assert not nb08.check_pcgrad_update([1.0, 2.0, 3.0]).ok


def _mean(grads):
    return nb08.pcgrad_in_order(grads) / len(grads)


def test_pcgrad_combine_accepts_algorithm_1_and_names_each_mistake():
    assert nb08.check_pcgrad_combine(nb08.pcgrad_in_order).ok
    # with two tasks the order does not matter: the library's random order is right too
    two = nb08.COMBINE_CASES[0]
    torch.testing.assert_close(nb08.pcgrad_in_order(two), rnnlab.pcgrad_update(two).double())
    fb = nb08.check_pcgrad_combine(_mean)
    assert not fb.ok and "mean" in fb.message and "projected against" not in fb.message
    fb = nb08.check_pcgrad_combine(lambda g: nb08.pcgrad_in_order(g, against_projected=True))
    assert not fb.ok and "already projected" in fb.message and "mean, not the sum" not in fb.message
    fb = nb08.check_pcgrad_combine(lambda g: nb08.pcgrad_in_order(g, True) / len(g))
    assert not fb.ok and "already projected" in fb.message and "mean, not the sum" in fb.message
    fb = nb08.check_pcgrad_combine(lambda g: torch.stack(g).sum(0))
    assert not fb.ok and "plain sum" in fb.message
    fb = nb08.check_pcgrad_combine(lambda g: torch.zeros_like(g[0]))
    assert not fb.ok and "should be" in fb.message
    assert not nb08.check_pcgrad_combine(3.0).ok
    assert not nb08.check_pcgrad_combine(lambda g: "x").ok


def test_pcgrad_combine_cases_tell_the_mistakes_apart():
    for case in nb08.COMBINE_CASES:
        right = nb08.pcgrad_in_order(case)
        variants = [right / len(case), nb08.pcgrad_in_order(case, True), torch.stack(case).sum(0)]
        for v in variants:
            assert not torch.allclose(right, v.double(), atol=1e-3)


def test_checkers_keep_their_own_references():
    """Issue 25: a student normalising the lesson's G_A/G_B in place must not change what the
    checkers accept — the right answer stays right, the wrong one stays wrong."""
    right_cos = rnnlab.cosine_similarity(nb08.G_A, nb08.G_B)
    right_update = rnnlab.pcgrad_update([nb08.G_A, nb08.G_B]).clone()
    saved = nb08.G_A.clone(), nb08.G_B.clone()
    try:
        nb08.G_A /= nb08.G_A.norm()          # what a student may do to the lesson's variables
        nb08.G_B *= 3
        assert nb08.check_cosine(right_cos).ok
        assert nb08.check_pcgrad_update(right_update).ok
        wrong_now = rnnlab.pcgrad_update([nb08.G_A, nb08.G_B])      # from the mutated copies
        assert not nb08.check_pcgrad_update(wrong_now).ok
    finally:
        nb08.G_A.copy_(saved[0])
        nb08.G_B.copy_(saved[1])
