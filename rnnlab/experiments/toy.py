"""The two-task 2-D toy from the PCGrad paper (Yu et al. 2020, Fig. 1 / App. D).

Two losses of ``θ = (θ1, θ2)``::

    L1(θ) = 20 · log(max(|0.5 θ1 + tanh θ2|,     5e-6))
    L2(θ) = 25 · log(max(|0.5 θ1 − tanh θ2 + 2|, 5e-6))

Each is a deep, narrow log-valley; both valleys meet only where
``tanh θ2 → 1`` and ``θ1 → −2``. The multi-task objective is ``L1 + L2``.
Where the course's setup differs from the paper's, lesson 08 says so: the
natural log, Adam with a learning rate decaying from 0.1 to 0.001, 6000 steps
(:func:`run_toy`'s defaults, chosen here, not taken from the paper).

The walk along the narrow valleys is chaotic — a start moved by 0.01 can end
somewhere else — so the notebook reports how often each method reaches the
optimum's valley from many starts near ``(0.5, −3)``, not one lucky run.
"""

from __future__ import annotations

import torch

from ..checks import require_choice, require_int, require_positive_float
from ..gradients.pcgrad import pcgrad_rows  # noqa: F401  (re-exported: toy.pcgrad_rows)

TOY_START = (0.5, -3.0)
TOY_METHODS = ("adam", "pcgrad")
_FLOOR = 5e-6


def toy_losses(theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Lesson 08. ``(L1, L2)`` at ``theta`` of shape ``(..., 2)`` (works on a whole grid at once)."""
    theta = torch.as_tensor(theta)
    if theta.shape[-1:] != (2,):
        raise ValueError("theta must have a last dimension of size 2, got shape "
                         f"{tuple(theta.shape)}")
    t1, t2 = theta[..., 0], theta[..., 1]
    floor = torch.tensor(_FLOOR, dtype=theta.dtype)
    l1 = 20 * torch.log(torch.maximum((0.5 * t1 + torch.tanh(t2)).abs(), floor))
    l2 = 25 * torch.log(torch.maximum((0.5 * t1 - torch.tanh(t2) + 2).abs(), floor))
    return l1, l2


def toy_grads(theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Lesson 08. ``(∇L1, ∇L2)`` at ``theta`` of shape ``(..., 2)``, in closed form (many points at once).

    ``d/dθ [c · log|u|] = c · u'/u`` while ``|u|`` is above the floor, and 0 on the floor.
    """
    theta = torch.as_tensor(theta, dtype=torch.float64)
    t1, t2 = theta[..., 0], theta[..., 1]
    sech2 = 1 - torch.tanh(t2) ** 2
    u1 = 0.5 * t1 + torch.tanh(t2)
    u2 = 0.5 * t1 - torch.tanh(t2) + 2
    c1 = torch.where(u1.abs() > _FLOOR, 20 / u1, torch.zeros_like(u1))
    c2 = torch.where(u2.abs() > _FLOOR, 25 / u2, torch.zeros_like(u2))
    return torch.stack([0.5 * c1, sech2 * c1], -1), torch.stack([0.5 * c2, -sech2 * c2], -1)


def run_toy(method: str = "adam", start=TOY_START, lr: float = 0.1, lr_end: float = 0.001,
            steps: int = 6000) -> torch.Tensor:
    """Lesson 08. Minimise ``L1 + L2`` with Adam, on the summed gradient or on the PCGrad direction.

    The learning rate decays geometrically from ``lr`` to ``lr_end``. ``start``
    is one point ``(θ1, θ2)`` or ``N`` points ``(N, 2)`` — Adam works element by
    element, so ``N`` starts are ``N`` independent runs. Returns the trajectory,
    shape ``(steps + 1, *start.shape)``.
    """
    require_choice("method", method, TOY_METHODS)
    lr = require_positive_float("lr", lr)
    lr_end = require_positive_float("lr_end", lr_end)
    steps = require_int("steps", steps, minimum=1)
    start = torch.as_tensor(start, dtype=torch.float64)
    if start.shape[-1:] != (2,) or start.ndim > 2:
        raise ValueError(f"start must be a point (θ1, θ2) or an (N, 2) array of points, "
                         f"got shape {tuple(start.shape)}")
    theta = start.clone().requires_grad_(True)
    optimizer = torch.optim.Adam([theta], lr=lr)
    path = [theta.detach().clone()]
    for step in range(steps):
        optimizer.param_groups[0]["lr"] = lr * (lr_end / lr) ** (step / steps)
        g1, g2 = toy_grads(theta.detach())
        theta.grad = pcgrad_rows(g1, g2) if method == "pcgrad" else g1 + g2
        optimizer.step()
        path.append(theta.detach().clone())
    return torch.stack(path)


def toy_triad(path: torch.Tensor) -> dict:
    """Lesson 08. The triad along a toy trajectory ``(steps, 2)``: at every point the cosine and
    the magnitude similarity of ``∇L1`` and ``∇L2``, whether the summed step hurts task 1 / 2
    (first order).

    Returns tensors ``{"cosine", "magnitude", "harm_1", "harm_2"}``, one value per point.
    """
    path = torch.as_tensor(path, dtype=torch.float64)
    if path.ndim != 2 or path.shape[-1] != 2:
        raise ValueError(f"path must have shape (steps, 2), got {tuple(path.shape)}")
    g1, g2 = toy_grads(path)
    dot, n1, n2 = (g1 * g2).sum(-1), (g1 * g1).sum(-1), (g2 * g2).sum(-1)
    norms = (n1 * n2).sqrt()
    return {"cosine": torch.where(norms > 0, dot / norms.clamp_min(1e-300), torch.zeros_like(dot)),
            "magnitude": torch.where(n1 + n2 > 0, 2 * norms / (n1 + n2).clamp_min(1e-300),
                                     torch.zeros_like(dot)),
            "harm_1": n1 + dot < 0, "harm_2": n2 + dot < 0}


def near_optimum(theta: torch.Tensor) -> torch.Tensor:
    """Lesson 08. True where ``θ`` lies in the joint valley towards the optimum: ``|θ1 + 2| < 0.5``,
    ``θ2 > 1``."""
    theta = torch.as_tensor(theta)
    return ((theta[..., 0] + 2).abs() < 0.5) & (theta[..., 1] > 1)


def plot_toy(trajectories: dict, ax=None, extent=(-10.0, 10.0, -10.0, 10.0)):
    """Lesson 08. Contours of ``L1 + L2`` with each ``{label: trajectory}`` drawn on top, and the floor of
    each loss's valley (``0.5 θ1 + tanh θ2 = 0`` for L1, ``0.5 θ1 − tanh θ2 + 2 = 0`` for L2)
    drawn and labelled, so a reader sees which valley a path ends in."""
    import matplotlib.pyplot as plt

    from ..i18n import tr

    if ax is None:
        fig, ax = plt.subplots(figsize=(7.2, 5.6))
    else:
        fig = ax.figure
    x1, x2, y1, y2 = extent
    grid = torch.stack(torch.meshgrid(torch.linspace(x1, x2, 300, dtype=torch.float64),
                                      torch.linspace(y1, y2, 300, dtype=torch.float64),
                                      indexing="xy"), dim=-1)
    l1, l2 = toy_losses(grid)
    cs = ax.contourf(grid[..., 0], grid[..., 1], l1 + l2, levels=30, cmap="viridis")
    fig.colorbar(cs, ax=ax).set_label(tr("lesson08.toy.colorbar"), fontsize=12)
    t2 = torch.linspace(y1, y2, 400, dtype=torch.float64)
    for theta1, key, color, where in ((-2 * torch.tanh(t2), "valley1", "white", 8.0),
                                      (2 * torch.tanh(t2) - 4, "valley2", "yellow", -8.0)):
        ax.plot(theta1, t2, color=color, lw=1.5, ls="--")
        k = int((t2 - where).abs().argmin())
        ax.annotate(tr(f"lesson08.toy.{key}"), (float(theta1[k]), where), xytext=(8, 0),
                    textcoords="offset points", color=color, fontsize=12, fontweight="bold",
                    va="center")
    # Bright colours that stand out on viridis; a grey legend box keeps them readable there too.
    for (label, path), color in zip(trajectories.items(), ("magenta", "red", "orange", "cyan"),
                                    strict=False):
        path = torch.as_tensor(path)
        ax.plot(path[:, 0], path[:, 1], color=color, lw=2.5, label=label)
        ax.plot(path[-1, 0], path[-1, 1], "o", color=color, ms=8)
        ax.plot(path[0, 0], path[0, 1], "x", color="black", ms=10, mew=2)
    ax.set_xlim(x1, x2)
    ax.set_ylim(y1, y2)
    ax.set_xlabel("θ1", fontsize=12)
    ax.set_ylabel("θ2", fontsize=12)
    ax.set_title(tr("lesson08.toy.title"), fontsize=13)
    ax.legend(loc="lower right", fontsize=11, facecolor="0.75", framealpha=0.9)
    fig.tight_layout()
    return fig
