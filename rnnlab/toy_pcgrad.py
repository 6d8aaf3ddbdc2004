"""The two-task 2-D toy from the PCGrad paper (Yu et al. 2020, Fig. 1 / App. D).

Two losses of ``θ = (θ1, θ2)``::

    L1(θ) = 20 · log(max(|0.5 θ1 + tanh θ2|,     5e-6))
    L2(θ) = 25 · log(max(|0.5 θ1 − tanh θ2 + 2|, 5e-6))

Each is a deep, narrow log-valley; both valleys meet only where
``tanh θ2 → 1`` and ``θ1 → −2``. The multi-task objective is ``L1 + L2``.
(The figure in the paper draws a landscape with a further term we could not
reproduce exactly; the course uses these two losses alone and says so.)
"""

from __future__ import annotations

import math

import torch

from .checks import check_choice, check_int, check_positive_float
from .pcgrad import pcgrad

__all__ = ["TOY_START", "toy_losses", "toy_grads", "run_toy", "plot_toy", "toy_panel"]

TOY_START = (0.5, -3.0)
TOY_METHODS = ("adam", "pcgrad")
_FLOOR = 5e-6


def toy_losses(theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``(L1, L2)`` at ``theta`` of shape ``(..., 2)`` (works on a whole grid at once)."""
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
    """``(∇L1, ∇L2)`` at one point, in closed form (autograd per step would be ~3× slower).

    ``d/dθ [c · log|u|] = c · u'/u`` while ``|u|`` is above the floor, and 0 on the floor.
    """
    t1, t2 = float(theta[0]), float(theta[1])
    sech2 = 1.0 - math.tanh(t2) ** 2
    u1 = 0.5 * t1 + math.tanh(t2)
    u2 = 0.5 * t1 - math.tanh(t2) + 2
    c1 = 20 / u1 if abs(u1) > _FLOOR else 0.0
    c2 = 25 / u2 if abs(u2) > _FLOOR else 0.0
    return (torch.tensor([0.5 * c1, sech2 * c1], dtype=torch.float64),
            torch.tensor([0.5 * c2, -sech2 * c2], dtype=torch.float64))


def run_toy(method: str = "adam", start=TOY_START, lr: float = 0.01, steps: int = 2000,
            seed: int = 0) -> torch.Tensor:
    """Minimise ``L1 + L2`` with Adam, on the plain summed gradient or on the PCGrad direction.

    Returns the trajectory, shape ``(steps + 1, 2)``, starting at ``start``.
    """
    check_choice("method", method, TOY_METHODS)
    lr = check_positive_float("lr", lr)
    steps = check_int("steps", steps, minimum=1)
    start = torch.as_tensor(start, dtype=torch.float64)
    if start.shape != (2,):
        raise ValueError(f"start must be two numbers (θ1, θ2), got {start.tolist()!r}")
    generator = torch.Generator().manual_seed(check_int("seed", seed, minimum=0))
    theta = start.clone().requires_grad_(True)
    optimizer = torch.optim.Adam([theta], lr=lr)
    path = [theta.detach().clone()]
    for _ in range(steps):
        g1, g2 = toy_grads(theta.detach())
        theta.grad = pcgrad([g1, g2], generator) if method == "pcgrad" else g1 + g2
        optimizer.step()
        path.append(theta.detach().clone())
    return torch.stack(path)


def plot_toy(trajectories: dict, ax=None, extent=(-10.0, 10.0, -10.0, 10.0)):
    """Contours of ``L1 + L2`` with each ``{label: trajectory}`` drawn on top."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(5.6, 4.4))
    else:
        fig = ax.figure
    x1, x2, y1, y2 = extent
    grid = torch.stack(torch.meshgrid(torch.linspace(x1, x2, 300, dtype=torch.float64),
                                      torch.linspace(y1, y2, 300, dtype=torch.float64),
                                      indexing="xy"), dim=-1)
    l1, l2 = toy_losses(grid)
    cs = ax.contourf(grid[..., 0], grid[..., 1], l1 + l2, levels=30, cmap="viridis")
    fig.colorbar(cs, ax=ax, label="L1 + L2")
    for (label, path), color in zip(trajectories.items(), ("white", "red", "orange", "cyan"),
                                    strict=False):
        path = torch.as_tensor(path)
        ax.plot(path[:, 0], path[:, 1], color=color, lw=2, label=label)
        ax.plot(path[-1, 0], path[-1, 1], "o", color=color, ms=6)
        ax.plot(path[0, 0], path[0, 1], "x", color="black", ms=8)
    ax.set_xlim(x1, x2)
    ax.set_ylim(y1, y2)
    ax.set_xlabel("θ1")
    ax.set_ylabel("θ2")
    ax.set_title("PCGrad toy: trajectories on L1 + L2 (× = start, ● = end)")
    ax.legend(loc="lower right", fontsize=8)
    return fig


def toy_panel(theta1: float = TOY_START[0], theta2: float = TOY_START[1], method: str = "both",
              lr: float = 0.01, steps: int = 2000):
    """The widget's compute: run Adam and/or Adam+PCGrad from a start point; figure and text."""
    import matplotlib.pyplot as plt

    check_choice("method", method, TOY_METHODS + ("both",))
    methods = TOY_METHODS if method == "both" else (method,)
    paths = {m: run_toy(m, (theta1, theta2), lr=lr, steps=steps) for m in methods}
    labels = {"adam": "Adam (summed gradient)", "pcgrad": "Adam + PCGrad"}
    fig = plot_toy({labels[m]: p for m, p in paths.items()})
    lines = []
    for m, p in paths.items():
        l1, l2 = toy_losses(p[-1])
        lines.append(f"{labels[m]}: end θ = ({float(p[-1, 0]):.2f}, {float(p[-1, 1]):.2f}), "
                     f"L1 + L2 = {float(l1 + l2):.1f}")
    plt.close(fig)
    return fig, "\n".join(lines)
