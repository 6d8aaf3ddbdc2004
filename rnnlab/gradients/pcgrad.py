"""PCGrad: projecting conflicting gradients (Yu et al. 2020, "Gradient Surgery for Multi-Task
Learning").

Algorithm 1 of the paper, for per-task gradients ``g_1 … g_n`` of the shared
parameters:

1. for each task ``i`` start from its own gradient, ``g_i^PC = g_i``;
2. visit the other tasks ``j`` in a fresh random order;
3. if ``g_i^PC · g_j < 0`` (they conflict), remove from ``g_i^PC`` its
   component along ``g_j``: ``g_i^PC ← g_i^PC − (g_i^PC · g_j / ‖g_j‖²) g_j``.
   ``g_j`` is always the *original* gradient of task ``j``, never a projected one;
4. the update direction is the **sum** ``Σ_i g_i^PC``.

For two tasks this has a closed form: when ``g_1 · g_2 < 0`` the result is
``(1 − g_1·g_2/‖g_1‖²) g_1 + (1 − g_1·g_2/‖g_2‖²) g_2``, otherwise ``g_1 + g_2``.
"""

from __future__ import annotations

import torch

from ..i18n import tr
from .conflict import cosine_similarity, task_gradients


def require_task_grads(grads) -> list[torch.Tensor]:
    """Lesson 08. ``grads`` as a list of 1-D float tensors of one length; a clear error otherwise."""
    if isinstance(grads, torch.Tensor):
        if grads.ndim != 2:
            raise ValueError("grads given as one tensor must be 2-D (num_tasks, num_params), "
                             f"got shape {tuple(grads.shape)}")
        grads = list(grads)
    grads = list(grads)
    if not grads:
        raise ValueError("grads must hold at least one task gradient, got an empty list")
    for i, g in enumerate(grads):
        if not isinstance(g, torch.Tensor):
            raise TypeError(f"grads[{i}] must be a torch.Tensor, got {type(g).__name__}")
        if g.ndim != 1:
            raise ValueError(f"grads[{i}] must be a flattened (1-D) gradient, got shape "
                             f"{tuple(g.shape)}; flatten it with torch.cat([p.grad.flatten() ...])")
        if g.shape != grads[0].shape:
            raise ValueError(f"all task gradients must have the same length; grads[0] has "
                             f"{grads[0].numel()} entries but grads[{i}] has {g.numel()}")
        if not g.dtype.is_floating_point:
            raise TypeError(f"grads[{i}] must be a floating-point tensor, got {g.dtype}")
    return grads


def _unit_scale(g: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``(g / s, s)`` with ``s = max |g|`` (1 where ``g`` is zero): entries of at most 1, so
    dot products neither overflow (gradients near 1e20 in float32) nor underflow (near 1e-23)."""
    s = g.abs().amax(-1, keepdim=True)
    s = torch.where(s > 0, s, torch.ones_like(s))
    return g / s, s


def project_conflicting(grads, generator: torch.Generator | None = None) -> list[torch.Tensor]:
    """Lesson 08. Steps 1–3: each task's gradient after projections (a list, before summing).

    Each projection ``g − (g·g_j / ‖g_j‖²) g_j`` is computed on the vectors scaled to a largest
    entry of 1, so it holds over the whole float range (the result is the same number).
    """
    grads = require_task_grads(grads)
    originals = [g.detach() for g in grads]
    units = [_unit_scale(g)[0] for g in originals]
    sq_norms = [torch.dot(u, u) for u in units]
    projected = []
    for i, g_i in enumerate(originals):
        g = g_i.clone()
        others = [j for j in range(len(originals)) if j != i]
        for k in torch.randperm(len(others), generator=generator).tolist():
            j = others[k]
            u, scale = _unit_scale(g)
            dot = torch.dot(u, units[j])
            # A zero g_j has no direction to remove (and ‖g_j‖² = 0 would give NaN).
            if dot < 0 and sq_norms[j] > 0:
                g = g - (scale * (dot / sq_norms[j])) * units[j]
        projected.append(g)
    return projected


def pcgrad_update(grads, generator: torch.Generator | None = None) -> torch.Tensor:
    """Lesson 08. PCGrad update direction: the sum of the projected task gradients (Algorithm 1)."""
    return torch.stack(project_conflicting(grads, generator)).sum(0)


def pcgrad_backward(losses, shared_params, task_params=(), generator=None,
                    surgery: bool = True) -> dict:
    """Lesson 08. Fill ``.grad`` from several task losses, with PCGrad on the shared parameters.

    * shared parameters get the PCGrad direction of the per-task gradients
      (``surgery=False`` gives the plain sum, for comparison);
    * task-specific parameters (``task_params``, e.g. each task's head) get the
      ordinary gradient of the summed loss — only their own task reaches them.

    Returns ``{"cosine": …, "task_norms": […]}`` measured on the shared
    gradients before surgery (the cosine for two tasks, the mean pairwise
    cosine otherwise).
    """
    losses = list(losses)
    if not losses:
        raise ValueError("losses must hold at least one task loss, got an empty list")
    shared_params = [p for p in shared_params if p.requires_grad]
    task_params = [p for p in task_params if p.requires_grad]
    if not shared_params:
        raise ValueError("shared_params must contain at least one parameter that requires grad")
    task_grads = task_gradients(losses, shared_params)
    if task_params:
        head_grads = torch.autograd.grad(sum(losses), task_params, allow_unused=True)
        for p, g in zip(task_params, head_grads, strict=True):
            p.grad = None if g is None else g.detach()
    combined = pcgrad_update(task_grads, generator) if surgery else torch.stack(task_grads).sum(0)
    offset = 0
    for p in shared_params:
        n = p.numel()
        p.grad = combined[offset:offset + n].view_as(p).clone()
        offset += n
    pairs = [cosine_similarity(task_grads[i], task_grads[j])
             for i in range(len(task_grads)) for j in range(i + 1, len(task_grads))]
    return {"cosine": sum(pairs) / len(pairs) if pairs else float("nan"),
            "task_norms": [float(g.norm()) for g in task_grads]}


def pcgrad_rows(g1: torch.Tensor, g2: torch.Tensor) -> torch.Tensor:
    """:func:`pcgrad_update` of ``[g1[i], g2[i]]`` for every row ``i`` at once (two tasks).

    With two tasks the random order does not matter, so the closed form can be
    applied to all rows in one go (the toy's many starts, lesson 08's stacked
    models); the tests check it equals ``pcgrad_update`` row by row.
    """
    u1, s1 = _unit_scale(g1)
    u2, s2 = _unit_scale(g2)
    dot = (u1 * u2).sum(-1, keepdim=True)                    # the sign of g1·g2, scaled
    n1, n2 = (u1 * u1).sum(-1, keepdim=True), (u2 * u2).sum(-1, keepdim=True)
    conflict = dot < 0
    p1 = torch.where(conflict & (n2 > 0), g1 - s1 * (dot / n2.clamp_min(1e-30)) * u2, g1)
    p2 = torch.where(conflict & (n1 > 0), g2 - s2 * (dot / n1.clamp_min(1e-30)) * u1, g2)
    return p1 + p2


def plot_projection(g_a, g_b, ax=None):
    """Lesson 08. Two 2-D task gradients, their PCGrad projections, and the plain vs PCGrad update."""
    import matplotlib.pyplot as plt

    g_a, g_b = torch.as_tensor(g_a, dtype=torch.float64), torch.as_tensor(g_b, dtype=torch.float64)
    if g_a.shape != (2,) or g_b.shape != (2,):
        raise ValueError(f"g_a and g_b must be 2-D vectors (two numbers each), got shapes "
                         f"{tuple(g_a.shape)} and {tuple(g_b.shape)}")
    p_a, p_b = project_conflicting([g_a, g_b])
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.2, 4.4))
    else:
        fig = ax.figure
    arrows = [(g_a, "C0", "-", "g_A"), (g_b, "C1", "-", "g_B"),
              (p_a, "C0", "--", tr("pcgrad.fig.projected", g="g_A")),
              (p_b, "C1", "--", tr("pcgrad.fig.projected", g="g_B")),
              (g_a + g_b, "0.5", ":", tr("pcgrad.fig.sum")),
              (p_a + p_b, "C3", "-", tr("pcgrad.fig.update"))]
    for vec, color, style, label in arrows:
        ax.annotate("", xy=vec.tolist(), xytext=(0, 0),
                    arrowprops={"arrowstyle": "->", "color": color, "lw": 2, "ls": style})
        ax.plot([], [], color=color, ls=style, lw=2, label=label)
    # The line each projection lands on: the normal plane of the other gradient.
    for g, color in ((g_a, "C0"), (g_b, "C1")):
        normal = torch.stack([-g[1], g[0]]) / g.norm() * 4
        ax.plot([-normal[0], normal[0]], [-normal[1], normal[1]], color=color, lw=0.6, alpha=0.5)
    lim = float(torch.stack([g_a, g_b, p_a + p_b, g_a + g_b]).abs().max()) * 1.2
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel(tr("pcgrad.fig.component", theta="θ₁"))
    ax.set_ylabel(tr("pcgrad.fig.component", theta="θ₂"))
    ax.set_title(tr("pcgrad.fig.title", cos=float(g_a @ g_b / (g_a.norm() * g_b.norm()))))
    ax.legend(fontsize=7, loc="lower left")
    return fig
