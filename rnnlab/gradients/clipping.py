"""Gradient clipping by the global L2 norm.

All gradients together form one long vector ``g``. If ``‖g‖ > θ`` every
gradient is scaled by ``θ / ‖g‖``, so ``g`` keeps its direction and its norm
becomes ``θ``; otherwise nothing changes:  ``g ← min(1, θ / ‖g‖) · g``.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ..checks import require_bool, require_positive_float


def _with_grads(model_or_params) -> list[torch.Tensor]:
    if isinstance(model_or_params, nn.Module):
        params = model_or_params.parameters()
    elif isinstance(model_or_params, torch.Tensor):
        params = [model_or_params]
    else:
        params = model_or_params
    params = list(params)
    for p in params:
        if not isinstance(p, torch.Tensor):
            raise TypeError("model_or_params must be an nn.Module or an iterable of tensors, "
                            f"found a {type(p).__name__}")
    return [p for p in params if p.grad is not None]


def global_grad_norm(params) -> float:
    """Lesson 05. ``sqrt(sum of every squared gradient entry)`` over all parameters that have a gradient."""
    params = _with_grads(params)
    if not params:
        return 0.0
    return float(torch.sqrt(sum(torch.sum(p.grad.detach().double() ** 2) for p in params)))


def require_theta(theta):
    """Lesson 05. θ must be a finite number > 0, or None for "do not clip"."""
    return require_positive_float("theta", theta, allow_none=True)


def grad_clipping(model_or_params, theta, *, error_if_nonfinite: bool = False) -> float:
    """Lesson 05. Scale all gradients so that their global norm is at most ``theta``; return the norm before.

    ``g ← min(1, θ/‖g‖)·g`` is the projection of ``g`` onto the ball of radius θ: the closest
    point of that ball. ``theta=None`` leaves the gradients alone but still returns their norm,
    which is how the course draws gradient-norm traces without clipping.

    A non-finite norm (an ``inf`` or ``nan`` somewhere in the gradients) cannot be clipped:
    θ/inf = 0 would turn every finite entry into 0 and every infinite one into ``nan``
    (what ``clip_grad_norm_`` does by default), hiding where the step broke. So the gradients
    are left as they are and the non-finite norm is returned for the caller to act on —
    :func:`rnnlab.train` stops with ``TrainingDiverged`` naming the step. With
    ``error_if_nonfinite=True`` this function raises instead, like
    ``torch.nn.utils.clip_grad_norm_(..., error_if_nonfinite=True)``.
    """
    theta = require_theta(theta)
    error_if_nonfinite = require_bool("error_if_nonfinite", error_if_nonfinite)
    params = _with_grads(model_or_params)
    norm = global_grad_norm(params)
    if not math.isfinite(norm):
        if error_if_nonfinite:
            raise FloatingPointError(f"the global gradient norm is {norm}, so it cannot be clipped "
                                     "to theta; the gradients are left unchanged (lower the "
                                     "learning rate or theta, or pass error_if_nonfinite=False "
                                     "to get the norm back instead)")
        return norm
    if theta is not None and norm > theta:
        scale = theta / norm
        with torch.no_grad():
            for p in params:
                p.grad.mul_(scale)
    return norm


def clip_global_norm(params: list, theta: float | None) -> float:
    """:func:`grad_clipping` (what lesson 05 shows) for arguments already checked: a list of
    parameters and a checked θ. The training loop checks θ once, at its entry point, and
    calls this per batch; a non-finite norm is returned with the gradients untouched.
    """
    params = [p for p in params if p.grad is not None]
    norm = global_grad_norm(params)
    if math.isfinite(norm) and theta is not None and norm > theta:
        with torch.no_grad():   # the same scaling as grad_clipping's
            for p in params:
                p.grad.mul_(theta / norm)
    return norm
