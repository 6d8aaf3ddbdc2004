"""Lesson 07 (backpropagation through time): the functions behind its widgets and figures."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..checks import require_int
from ..experiments.truncation import measure_bptt_cost
from ..gradients.jacobians import jacobian_norm_matrix, plot_jacobian_norms
from ..i18n import tr

#: The longest sequence the cost panel measures (full BPTT keeps every step's tensors).
MAX_COST_STEPS = 512


@dataclass
class TruncationShare:
    """What chunked truncation keeps of the Jacobian norms of every loss (:func:`truncation_share`)."""

    truncation: int
    num_steps: int
    kept: float            # share of the summed norm, over all losses, that truncation keeps
    sliding: float         # the same share if every loss kept its last k steps (a sliding window)
    mean_steps_kept: float  # steps back each loss keeps, on average (a loss at chunk position j: j)
    mean_steps: float      # steps back each loss has under full BPTT, on average
    per_loss: torch.Tensor  # (num_steps,): the share kept for the loss at step s = 1 … T


def truncation_share(norm_matrix: torch.Tensor, truncation: int) -> TruncationShare:
    """Lesson 07. The share of the Jacobian norms that chunked truncation with chunks of ``truncation`` keeps.

    ``norm_matrix[s, t] = ||∂h_s/∂h_t||`` (:func:`~rnnlab.gradients.jacobians.jacobian_norm_matrix`).
    Chunks are steps ``1…k, k+1…2k, …`` (the state is detached between them, as
    :func:`~rnnlab.gradients.bptt.truncation_weights` cuts): the loss at step ``s`` keeps the
    steps ``t`` of its own chunk, ``t ≥`` the chunk's first step — the loss at chunk position
    ``j`` keeps ``j`` steps, not ``k``. Also reported: what a sliding window of the last ``k``
    steps for every loss would keep, the measure that assumes.
    """
    k = require_int("truncation", truncation, minimum=1)
    N = torch.as_tensor(norm_matrix, dtype=torch.float64)
    if N.ndim != 2 or N.shape[0] != N.shape[1] or N.shape[0] < 2:
        raise ValueError(f"norm_matrix must be a square (T+1, T+1) matrix with T >= 1, got shape "
                         f"{tuple(N.shape)}")
    T = N.shape[0] - 1
    s = torch.arange(1, T + 1)[:, None]                  # loss step
    t = torch.arange(0, T + 1)[None, :]                  # the step its gradient reaches
    valid = (t >= 1) & (t <= s)
    start = (s - 1) // k * k + 1                         # first step of s's chunk
    chunk = valid & (t >= start)
    window = valid & (t > s - k)
    rows = N[1:]
    total = (rows * valid).sum(1)
    kept_rows = (rows * chunk).sum(1)
    return TruncationShare(
        truncation=k, num_steps=T,
        kept=float(kept_rows.sum() / total.sum()),
        sliding=float((rows * window).sum() / total.sum()),
        mean_steps_kept=float(chunk.sum(1).double().mean()),
        mean_steps=float(valid.sum(1).double().mean()),
        per_loss=(kept_rows / total).float())


def bptt_panel(radius: float = 1.0, truncation: int = 10, nonlinearity: str = "tanh",
               num_steps: int = 40):
    """Lesson 07's panel: Jacobian norms for one radius, and what chunked truncation keeps.

    Left: ``||∂h_T/∂h_t||`` for the last loss, the part truncation drops shaded. Right: for
    the loss at every step, the share of its summed Jacobian norm that truncation with chunks
    of ``truncation`` steps keeps (a sawtooth: a loss at chunk position ``j`` keeps ``j``
    steps), beside a sliding window of ``truncation`` steps. Returns ``(figure, text)``.
    """
    import matplotlib.pyplot as plt

    truncation = require_int("truncation", truncation, minimum=1)
    num_steps = require_int("num_steps", num_steps, minimum=2)
    N = jacobian_norm_matrix(radius, num_steps=num_steps, nonlinearity=nonlinearity)
    share = truncation_share(N, truncation)
    last = N[num_steps, 1:].flip(0)                      # ||∂h_T/∂h_(T-d)||, d = 0 … T-1
    j_last = (num_steps - 1) % truncation + 1            # the last loss's position in its chunk
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    plot_jacobian_norms({f"ρ(W_hh) = {radius:g} ({nonlinearity})": last}, j_last, ax=left,
                        band_label=tr("lesson07.fig.cut_last", j=j_last))
    left.set_title(tr("lesson07.fig.last_loss"))
    steps = range(1, num_steps + 1)
    right.plot(steps, share.per_loss, marker="o", ms=3, label=tr("lesson07.fig.chunks_of", k=truncation))
    right.axhline(share.kept, color="tab:blue", linestyle=":",
                  label=tr("lesson07.fig.all_losses", kept=share.kept))
    right.axhline(share.sliding, color="tab:orange", linestyle="--",
                  label=tr("lesson07.fig.sliding", sliding=share.sliding))
    right.set(xlabel=tr("lesson07.fig.loss_step"), ylabel=tr("lesson07.fig.share_kept"),
              ylim=(0, 1.05), title=tr("lesson07.fig.share_title"))
    right.legend(fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    text = tr("lesson07.jacobian_report", radius=radius, nonlinearity=nonlinearity, back=num_steps - 1,
              norm=float(last[-1]), truncation=truncation, num_steps=num_steps,
              steps_kept=share.mean_steps_kept, steps=share.mean_steps, kept=share.kept,
              sliding=share.sliding)
    return fig, text


def cost_lengths(num_steps: int) -> list[int]:
    """Lesson 07. The lengths the cost panel measures: ``num_steps`` / 4, / 2 and ``num_steps``."""
    num_steps = require_int("num_steps", num_steps, minimum=1, maximum=MAX_COST_STEPS)
    return sorted({max(1, num_steps // f) for f in (4, 2, 1)})


def cost_panel(num_steps: int = 128, truncation: int = 16, *, batch_size: int = 32,
               num_hiddens: int = 128, vocab_size: int = 28, repeats: int = 3):
    """Lesson 07's cost panel: memory and time of full and truncated BPTT against ``num_steps``.

    :func:`~rnnlab.experiments.truncation.measure_bptt_cost` at :func:`cost_lengths` ``(num_steps)``,
    for full BPTT and for chunks of ``truncation`` steps. Returns ``(figure, text)``. The text
    gives only the memory, which is the same on every machine; the time (this machine, this
    load) is in the right-hand plot only.
    """
    import matplotlib.pyplot as plt

    truncation = require_int("truncation", truncation, minimum=1)
    lengths = cost_lengths(num_steps)
    kw = dict(batch_size=batch_size, num_hiddens=num_hiddens, vocab_size=vocab_size, repeats=repeats)
    full = measure_bptt_cost(lengths, **kw)
    cut = measure_bptt_cost(lengths, truncation=truncation, **kw)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.4))
    for rows, label in ((full, tr("lesson07.fig.full")), (cut, tr("lesson07.fig.truncated", k=truncation))):
        ax1.plot(lengths, [r["saved_MB"] for r in rows], marker="o", label=label)
        ax2.plot(lengths, [r["ms"] for r in rows], marker="o", label=label)
    ax1.set(xlabel="num_steps", ylabel=tr("lesson07.fig.mb"), title=tr("lesson07.fig.memory_title"))
    ax2.set(xlabel="num_steps", ylabel=tr("lesson07.fig.ms"),
            title=tr("lesson07.fig.time_title", repeats=repeats))
    ax1.legend()
    ax2.legend()
    fig.tight_layout()
    plt.close(fig)
    a, b = full[-1]["saved_MB"], cut[-1]["saved_MB"]
    text = tr("lesson07.cost_report", num_steps=lengths[-1], batch_size=batch_size, num_hiddens=num_hiddens,
              full=a, truncation=truncation, cut=b, ratio=a / b)
    return fig, text


def plot_truncation_chunks(num_steps: int = 16, truncation: int = 4, keep_prob: float = 0.5,
                           seed: int = 2):
    """Lesson 07. Where the gradient may flow back in time, as d2l draws it (d2l Fig. 9.7.1,
    d2l-zh 图8.7.1): full BPTT (one piece), regular truncation (chunks of ``truncation``
    steps) and randomized truncation (cuts where a random carry weight is 0). A red bar is a
    cut: no gradient crosses it; the arrows show the gradient flowing back within a piece.
    """
    import matplotlib.pyplot as plt

    from ..gradients.bptt import random_truncation_weights, truncation_weights
    from .diagrams import FONT, STATE, _box

    num_steps = require_int("num_steps", num_steps, minimum=2, maximum=40)
    truncation = require_int("truncation", truncation, minimum=1, maximum=num_steps)
    rows = [(tr("lesson07.fig.randomized", p=keep_prob),
             random_truncation_weights(num_steps, keep_prob, torch.Generator().manual_seed(seed))),
            (tr("lesson07.fig.regular", k=truncation), truncation_weights(num_steps, truncation)),
            (tr("lesson07.fig.full"), truncation_weights(num_steps, None))]
    fig, ax = plt.subplots(figsize=(0.62 * num_steps + 3.6, 4.2))
    ax.set_axis_off()
    for r, (name, weights) in enumerate(rows):
        y = 1.3 * r
        ax.text(-0.4, y, name, ha="right", va="center", fontsize=FONT)
        cuts = [t for t in range(1, num_steps) if float(weights[t]) == 0]
        for t in range(num_steps):
            _box(ax, t, y, f"$h_{{{t + 1}}}$" if num_steps <= 20 else "", fc=STATE, w=0.7, h=0.5,
                 fontsize=FONT - 4)
        for t in cuts:   # weight 0 at step t: nothing flows from step t back into h_(t-1)
            ax.plot([t - 0.5, t - 0.5], [y - 0.42, y + 0.42], color="#cb181d", lw=3)
        starts = [0] + cuts
        ends = cuts + [num_steps]
        for a, b in zip(starts, ends, strict=True):
            if b - a > 1:
                ax.annotate("", xy=(a - 0.05, y + 0.38), xytext=(b - 0.95, y + 0.38),
                            arrowprops={"arrowstyle": "->", "color": "#08519c", "lw": 1.4,
                                        "connectionstyle": "arc3,rad=0.25"})
    ax.annotate("", xy=(num_steps - 0.4, -0.75), xytext=(-0.4, -0.75),
                arrowprops={"arrowstyle": "->", "lw": 1.2})
    ax.text(num_steps / 2 - 0.5, -0.95, tr("lesson07.fig.time"), ha="center", va="top",
            fontsize=FONT - 1)
    ax.set_xlim(-0.6 - 0.25 * num_steps - 2.5, num_steps)
    ax.set_ylim(-1.3, 1.3 * len(rows) + 0.3)
    ax.set_title(tr("lesson07.fig.chunks_title"), fontsize=FONT)
    fig.tight_layout()
    return fig


def plot_bptt_runs(runs: dict):
    """Lesson 07. Validation perplexity per epoch of full, truncated and randomized BPTT runs."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    for mode, h in runs.items():
        ax.plot(range(1, len(h.val_ppl) + 1), h.val_ppl, marker="o", ms=3,
                label=tr("lesson07.fig.run_label", mode=tr(f"lesson07.fig.mode_{mode}")))
    ax.set_xlabel(tr("lesson05.fig.epoch"))
    ax.set_ylabel(tr("lesson05.fig.val_ppl"))
    ax.set_title(tr("lesson07.fig.runs_title"))
    ax.legend()
    return fig


def plot_gate_sensitivity(curves: dict):
    """Lesson 07. ``{(cell, keep-gate bias): ‖∂h_T/∂x_t‖ by distance}`` on a log axis."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    for (cell, bias), norms in curves.items():
        label = cell.upper() if cell == "rnn" else tr("lesson07.fig.gate_label", cell=cell.upper(), bias=bias)
        ax.semilogy(range(len(norms)), norms, label=label)
    ax.set_xlabel(tr("lesson07.fig.distance"))
    ax.set_ylabel("‖∂h_T/∂x_t‖₂")
    ax.set_title(tr("lesson07.fig.gates_title"))
    ax.legend(fontsize=10)
    return fig
