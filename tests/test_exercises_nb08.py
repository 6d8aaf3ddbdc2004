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
