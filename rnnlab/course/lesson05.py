"""Lesson 05 (gradient clipping): the functions behind its panels and its θ sweep."""

from __future__ import annotations

import math
import time

import torch

from ..checks import require_int
from ..experiments.explosion import grad_norm_vs_steps, plot_grad_norm_vs_steps
from ..experiments.recipes import quick_train
from ..generation import predict
from ..gradients.clipping import require_theta
from ..i18n import tr
from ..training.loop import TrainingDiverged
from .report import (
    PREFIX,
    RunReport,
    _curves_figure,
    _diverged_figure,
    _summary,
    keeping_finished_runs,
    rough_number,
)


def clipping_panel(theta=1.0, lr: float = 5.0, *, num_hiddens: int = 64, num_steps: int = 32,
                   epochs: int = 2, max_tokens: int = 20_000, seed: int = 0, progress=True):
    """Lesson 05's panel: plain SGD (the seed's optimizer) with clipping threshold ``theta``.

    Returns ``(figure, report)``. A run that diverges is not an error here: the figure and the
    report say so instead.
    """
    title = tr("lesson05.panel_title", num_hiddens=num_hiddens, num_steps=num_steps, lr=lr, epochs=epochs,
               theta=tr("lesson05.fig.off") if theta is None else f"{theta:g}")
    start = time.perf_counter()
    try:
        history, model, vocab = quick_train(num_hiddens, num_steps, theta, lr, epochs,
                                            max_tokens=max_tokens, optimizer="sgd",
                                            seed=seed, progress=progress)
    except TrainingDiverged as exc:
        message = str(exc)
        return _diverged_figure(message, title), RunReport(None, "", tr("lesson05.diverged", message=message),
                                                           diverged=message)
    seconds = time.perf_counter() - start
    sample = predict(PREFIX, 40, model, vocab)
    report = RunReport(history, sample, _summary(history, seconds, sample), seconds=seconds)
    return _curves_figure(history, title), report


def theta_sweep(thetas, *, lr: float = 5.0, num_hiddens: int = 64, num_steps: int = 32,
                epochs: int = 2, max_tokens: int = 20_000, seed: int = 0) -> dict:
    """Train once per θ (SGD, same seed and data); return ``{theta: History or error message}``.

    Ctrl-C stops the sweep wherever it lands (training, loading the book, building a model): the
    ``KeyboardInterrupt`` carries the finished runs in ``exc.completed``; inside training it is a
    :class:`TrainingInterrupted` whose ``exc.history`` holds the cut run (marked ``interrupted``).
    """
    if not thetas:
        raise ValueError(f"thetas must name at least one threshold, got {thetas!r}")
    for theta in thetas:   # every θ checked before the first run starts
        require_theta(theta)
    results = {}
    with keeping_finished_runs(results):   # Ctrl-C anywhere keeps the finished runs
        for theta in thetas:
            try:
                history, _, _ = quick_train(num_hiddens, num_steps, theta, lr, epochs,
                                            max_tokens=max_tokens, optimizer="sgd", seed=seed,
                                            progress=False)
            except TrainingDiverged as exc:
                results[theta] = tr("lesson05.diverged", message=exc)
            else:
                results[theta] = history
    return results


def plot_theta_sweep(results: dict, top: float = 40.0):
    """Validation perplexity per epoch for each θ of :func:`theta_sweep`, and the gradient norms.

    The left axis is linear up to ``top``, so that runs which learn can be told apart (10.4 vs
    10.8 would be one line on a log axis reaching 1e70); a run that ends above ``top`` is drawn
    up to the edge and named in the legend with its order of magnitude.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for theta, h in results.items():
        name = tr("lesson05.fig.off") if theta is None else f"{theta:g}"
        if isinstance(h, str):
            left.plot([], [], label=tr("lesson05.fig.theta_diverged", name=name))
            continue
        final = h.val_ppl[-1]
        if final > top:
            label = tr("lesson05.fig.theta_off_scale", name=name, value=rough_number(final))
            shown = [min(v, top) for v in h.val_ppl]
            left.plot(range(1, h.epochs + 1), shown, marker="^", linestyle=":", label=label)
        else:
            left.plot(range(1, h.epochs + 1), h.val_ppl, marker="o",
                      label=tr("lesson05.fig.theta_final", name=name, value=final))
        right.plot(h.step_grad_norms, linewidth=0.8, label=f"θ = {name}")
    left.set_ylim(0, top)
    left.xaxis.set_major_locator(MaxNLocator(integer=True))
    left.set_xlabel(tr("lesson05.fig.epoch"))
    left.set_ylabel(tr("lesson05.fig.val_ppl"))
    left.set_title(tr("lesson05.fig.val_ppl_title", top=top))
    left.legend(fontsize=10, loc="center right")
    right.set_yscale("log")
    right.set_xlabel(tr("lesson05.fig.step"))
    right.set_ylabel(tr("lesson05.fig.grad_norm"))
    right.set_title(tr("lesson05.fig.grad_norm_title"))
    right.legend(fontsize=10)
    fig.tight_layout()
    return fig


def plot_explosion_curves(curves: dict, steps, theta: float | None = None):
    """Lesson 05. The gradient norms of :func:`grad_norm_vs_steps`: all curves on a log axis, and
    the ones that stay small (below 10) again on a linear axis, where they no longer hide each other.
    """
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    plot_grad_norm_vs_steps(curves, steps, theta=theta, ax=left)
    left.set_title(tr("lesson05.fig.explosion_title"))
    styles = ["--", "-", ":"]
    for k, (label, norms) in enumerate(curves.items()):
        if max(norms) < 10:
            right.plot(list(steps), norms, marker="os^"[k % 3], linestyle=styles[k % 3], label=label)
    right.set_ylim(bottom=0)
    right.set_xlabel(left.get_xlabel())
    right.set_ylabel(left.get_ylabel())
    right.set_title(tr("lesson05.fig.flat_title"))
    right.legend(fontsize=10)
    fig.tight_layout()
    return fig


#: The longest sequence the num_steps panel accepts (a tanh RNN at ρ = 4 stays below float32's
#: largest number up to here).
MAX_EXPLOSION_STEPS = 200


def explosion_lengths(num_steps: int) -> list[int]:
    """Lesson 05. The lengths the num_steps panel measures: 1, 2, 4, … below ``num_steps``, then it."""
    num_steps = require_int("num_steps", num_steps, minimum=1, maximum=MAX_EXPLOSION_STEPS)
    lengths, T = [], 1
    while T < num_steps:
        lengths.append(T)
        T *= 2
    return lengths + [num_steps]


def explosion_panel(num_steps: int = 40, radius: float = 4.0, theta=1.0):
    """Lesson 05's num_steps panel: the gradient norm against the number of steps it flows through.

    The tanh scratch RNN of :func:`rnnlab.experiments.explosion.grad_norm_vs_steps` (64 hidden
    units, ``ρ(W_hh) = radius``, random tokens, the same weights for every length), measured at
    :func:`explosion_lengths` ``(num_steps)``; θ dashed. Returns ``(figure, text)``; the text
    says what clipping at θ does to the gradient at ``num_steps``, its norms as :func:`rough_number`
    gives them (orders of magnitude once large: they are chaotic). No timing: the same on every machine.
    """
    import matplotlib.pyplot as plt

    theta = require_theta(theta)
    lengths = explosion_lengths(num_steps)
    norms = grad_norm_vs_steps(radius, lengths)
    fig = plot_grad_norm_vs_steps({f"ρ(W_hh) = {radius:g} (tanh)": norms}, lengths, theta=theta)
    fig.axes[0].set_title(tr("lesson05.fig.panel_title", num_steps=lengths[-1]))
    plt.close(fig)
    norm = norms[-1]
    text = tr("lesson05.explosion.head", radius=radius, num_steps=lengths[-1], norm=rough_number(norm))
    if len(norms) > 1 and math.isfinite(norm):
        text += tr("lesson05.explosion.growth", factor=rough_number(norm / norms[0]))
    if not math.isfinite(norm):
        text += tr("lesson05.explosion.nonfinite")
    elif theta is None:
        text += tr("lesson05.explosion.unclipped")
    elif norm > theta:
        text += tr("lesson05.explosion.clipped", theta=theta, factor=rough_number(theta / norm))
    else:
        text += tr("lesson05.explosion.below", theta=theta)
    return fig, text


def plot_clipping_ball(g=(3.0, 4.0), theta: float = 1.0, g_a=(2.0, 0.5), g_b=(-1.5, 1.5)):
    """Lesson 05. Two projections in the plane. Left: clipping projects ``g`` onto the ball of
    radius θ (same direction, length θ); a gradient inside the ball stays. Right (lesson 08):
    PCGrad projects a conflicting ``g_b`` onto the line orthogonal to ``g_a`` (the direction changes).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle

    theta = require_theta(theta)
    if theta is None:
        raise ValueError("theta must be a positive number for this picture, got None")
    g, g_a, g_b = (torch.tensor(v, dtype=torch.float64) for v in (g, g_a, g_b))
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 5))
    # left: the θ-ball
    left.add_patch(Circle((0, 0), theta, fc="#c6dbef", ec="#08519c", lw=1.5,
                          label=tr("lesson05.fig.ball", theta=theta)))
    clipped = g * min(1.0, theta / float(g.norm()))
    small = 0.5 * theta * g / g.norm()
    for vec, colour, label, style in ((g, "#d94801", tr("lesson05.fig.g"), "-"),
                                      (clipped, "#08519c", tr("lesson05.fig.clipped"), "-"),
                                      (small, "#41ab5d", tr("lesson05.fig.inside"), "-")):
        left.annotate("", xy=(float(vec[0]), float(vec[1])), xytext=(0, 0),
                      arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 2.2, "linestyle": style})
        left.plot([], [], color=colour, lw=2.2, label=label)
    left.plot([float(g[0]), float(clipped[0])], [float(g[1]), float(clipped[1])], ls=":", color="grey",
              lw=1.5, label=tr("lesson05.fig.distance"))
    lim = 1.15 * float(g.norm())
    left.set_xlim(-0.4 * lim, lim)
    left.set_ylim(-0.4 * lim, lim)
    left.set_title(tr("lesson05.fig.ball_title"), fontsize=13)
    # right: PCGrad's projection
    projected = g_b - (g_b @ g_a) / (g_a @ g_a) * g_a if float(g_b @ g_a) < 0 else g_b
    normal = torch.tensor([-float(g_a[1]), float(g_a[0])])
    normal = normal / normal.norm() * 1.2 * float(max(g_a.norm(), g_b.norm()))
    right.plot([-float(normal[0]), float(normal[0])], [-float(normal[1]), float(normal[1])], ls="--",
               color="grey", lw=1.2, label=tr("lesson05.fig.plane"))
    for vec, colour, label in ((g_a, "#6a51a3", "$g_A$"), (g_b, "#d94801", "$g_B$"),
                               (projected, "#08519c", tr("lesson05.fig.projected"))):
        right.annotate("", xy=(float(vec[0]), float(vec[1])), xytext=(0, 0),
                       arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 2.2})
        right.plot([], [], color=colour, lw=2.2, label=label)
    right.plot([float(g_b[0]), float(projected[0])], [float(g_b[1]), float(projected[1])], ls=":",
               color="grey", lw=1.5)
    r = 1.3 * float(max(g_a.norm(), g_b.norm()))
    right.set_xlim(-r, r)
    right.set_ylim(-0.5 * r, r)
    right.set_title(tr("lesson05.fig.pcgrad_title"), fontsize=13)
    for ax in (left, right):
        ax.set_aspect("equal")
        ax.axhline(0, color="black", lw=0.5)
        ax.axvline(0, color="black", lw=0.5)
        ax.set_xlabel("$g_1$", fontsize=13)
        ax.set_ylabel("$g_2$", fontsize=13)
        ax.legend(fontsize=11, loc="upper left")
    fig.tight_layout()
    return fig
