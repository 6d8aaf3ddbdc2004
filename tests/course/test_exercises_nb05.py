import torch

from rnnlab.course.exercises import nb05


def _right_clip(grads, theta):
    norm = torch.sqrt(sum((g**2).sum() for g in grads))
    factor = min(1.0, theta / float(norm))
    return [g * factor for g in grads]


def test_clip_accepts_global_norm_clipping():
    assert nb05.check_clip(_right_clip).ok


def test_clip_rejects_per_tensor_clipping():
    def per_tensor(grads, theta):
        return [g * min(1.0, theta / float(g.norm())) for g in grads]

    fb = nb05.check_clip(per_tensor)
    assert not fb.ok and "global" in fb.message


def test_clip_rejects_scaling_small_gradients_up():
    def always_scale(grads, theta):
        norm = float(torch.sqrt(sum((g**2).sum() for g in grads)))
        return [g * theta / norm for g in grads]

    fb = nb05.check_clip(always_scale)
    assert not fb.ok and "min(1" in fb.message


def test_clip_rejects_wrong_return_type():
    assert not nb05.check_clip(lambda grads, theta: None).ok
    assert not nb05.check_clip("clip").ok


def test_cosine_after_clipping():
    assert nb05.check_cosine_after_clipping(-0.6).ok
    zero = nb05.check_cosine_after_clipping(0.0)
    assert not zero.ok and "PCGrad" in zero.message
    flipped = nb05.check_cosine_after_clipping(0.6)
    assert not flipped.ok and "sign" in flipped.message
    assert not nb05.check_cosine_after_clipping("same").ok
