"""Lesson 08 (gradient conflict and PCGrad): the functions behind its widgets and figures."""

from __future__ import annotations

import torch

from ..checks import check_choice
from ..gradients.multitask import eval_steps, val_loss
from ..gradients.toy import TOY_METHODS, TOY_START, plot_toy, run_toy, toy_losses
from ..i18n import tr


def toy_panel(theta1: float = TOY_START[0], theta2: float = TOY_START[1], method: str = "both",
              steps: int = 6000):
    """The widget's compute: run Adam and/or Adam+PCGrad from a start point; figure and text."""
    import matplotlib.pyplot as plt

    check_choice("method", method, TOY_METHODS + ("both",))
    methods = TOY_METHODS if method == "both" else (method,)
    paths = {m: run_toy(m, (theta1, theta2), steps=steps) for m in methods}
    labels = {"adam": "Adam (summed gradient)", "pcgrad": "Adam + PCGrad"}
    fig = plot_toy({labels[m]: p for m, p in paths.items()})
    lines = []
    for m, p in paths.items():
        l1, l2 = toy_losses(p[-1])
        lines.append(tr("lesson08.toy_report", method=labels[m], theta1=float(p[-1, 0]),
                        theta2=float(p[-1, 1]), loss=float(l1 + l2)))
    plt.close(fig)
    return fig, "\n".join(lines)


def plot_multitask(histories, smooth: int = 20):
    """Left: the cosine between the task gradients per step; right: validation losses."""
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
    for i, h in enumerate(histories):
        color, method, aux = f"C{i}", h.info["method"], h.info["aux"]   # one colour per method
        c = torch.tensor(h.step_metrics["cosine"])
        k = max(1, min(smooth, len(c)))
        avg = torch.nn.functional.avg_pool1d(c[None, None], k, stride=1)[0, 0]
        ax1.plot(range(k, len(c) + 1), avg, color=color, label=method)
        ax2.plot(eval_steps(h), val_loss(h, "next"), color=color, label=f"{method}: next char")
        ax2.plot(eval_steps(h), val_loss(h, aux), "--", color=color, label=f"{method}: {aux}")
    ax1.axhline(0, color="black", lw=0.8)
    ax1.set_xlabel("training step")
    ax1.set_ylabel(f"cos(g_next, g_aux), mean of {smooth}")
    ax1.set_title("Conflict on the shared layer")
    ax1.legend(fontsize=8)
    ax2.set_xlabel("training step")
    ax2.set_ylabel("validation loss (nats)")
    ax2.set_title("Both tasks on held-out text")
    ax2.legend(fontsize=7)
    fig.tight_layout()
    return fig
