"""Exploding gradients, measured: the gradient norm of an RNN against the number of time steps.

The loss at the last time step reaches ``W_hh`` through every earlier step:
backpropagation multiplies one Jacobian ``diag(tanh') · W_hh^T`` per step. When
``W_hh`` is large (spectral radius well above 1) that product can grow
exponentially with ``num_steps`` — the gradient *explodes*; when it is small
the product shrinks — the gradient *vanishes*. (Lesson 07 takes the Jacobians
apart; here we only need to see the norm.)
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

from ..checks import require_int, require_positive_float
from ..gradients.clipping import global_grad_norm
from ..gradients.jacobians import make_w_hh
from ..i18n import tr
from ..models import RNNScratch

DEFAULT_STEPS = (5, 10, 20, 40, 80)


def grad_norm_vs_steps(radius: float, steps=DEFAULT_STEPS, num_hiddens: int = 64,
                       vocab_size: int = 28, batch_size: int = 8, input_scale: float = 1.0,
                       seed: int = 0) -> list[float]:
    """Lesson 05. Global gradient norm of the last step's loss, one value per entry of ``steps``.

    The model is a :class:`RNNScratch` whose ``W_hh`` has spectral radius
    ``radius`` and whose input weights have scale ``input_scale``; inputs and
    targets are random tokens. Same seed, same weights for every length, so
    only the number of steps changes. The caller's global RNG is left as it was.
    """
    radius = require_positive_float("radius", radius)
    input_scale = require_positive_float("input_scale", input_scale)
    steps = [require_int("steps", T, minimum=1) for T in steps]
    if not steps:
        raise ValueError("steps must name at least one sequence length, got an empty list")
    norms = []
    for T in steps:
        with torch.random.fork_rng(devices=[]):   # seed locally: the caller's stream is untouched
            torch.manual_seed(seed)
            model = RNNScratch(vocab_size, num_hiddens, device="cpu")
            w_xh = torch.randn(vocab_size, num_hiddens) * input_scale
        with torch.no_grad():
            model.W_hh.copy_(make_w_hh(num_hiddens, radius, torch.Generator().manual_seed(seed)))
            model.W_xh.copy_(w_xh)
        g = torch.Generator().manual_seed(seed + 1)
        X = torch.randint(0, vocab_size, (batch_size, T), generator=g)
        y = torch.randint(0, vocab_size, (batch_size,), generator=g)
        outputs, _ = model(X)
        # outputs are time-major: the last batch_size rows are the last step
        F.cross_entropy(outputs[-batch_size:], y).backward()
        norms.append(global_grad_norm(model))
    return norms


def plot_grad_norm_vs_steps(curves: dict, steps=DEFAULT_STEPS, theta: float | None = None,
                            ax=None):
    """Lesson 05. ``{label: norms}`` from :func:`grad_norm_vs_steps` on a log scale (θ as a dashed line)."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots()
    else:
        fig = ax.figure
    for k, (label, norms) in enumerate(curves.items()):   # curves that coincide stay visible
        ax.plot(list(steps), norms, marker="os^D"[k % 4], linestyle=["--", "-", ":", "-."][k % 4],
                fillstyle="none" if k == 0 else "full", label=label)
    if theta is not None:
        ax.axhline(theta, color="tab:red", linestyle="--", label=f"θ = {theta:g}")
    ax.set_yscale("log")
    ax.set_xlabel(tr("explosion.fig.xlabel"))
    ax.set_ylabel(tr("explosion.fig.ylabel"))
    ax.set_title(tr("explosion.fig.title"))
    ax.legend()
    return fig
