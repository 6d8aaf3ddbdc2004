"""Lesson 06 (the concise RNN): training each kind of model the same way, and its panel."""

from __future__ import annotations

import time

import torch

from ..checks import require_choice, require_int, require_positive_float
from ..experiments.recipes import Recipe, recipe_data
from ..generation import predict
from ..gradients.clipping import require_theta
from ..i18n import tr
from ..models import CELLS, RNNModel, RNNScratch
from ..training.loop import train
from .report import PREFIX, RunReport, _curves_figure, _summary, keeping_finished_runs

#: Model kinds the concise-RNN panel can train: the scratch RNN and torch's three layers.
MODEL_KINDS = ("scratch",) + CELLS


def make_model(kind: str, vocab_size: int, num_hiddens: int, device=None, bidirectional: bool = False):
    """``"scratch"`` → :class:`RNNScratch`; ``"rnn"``/``"gru"``/``"lstm"`` → :class:`RNNModel`."""
    require_choice("kind", kind, MODEL_KINDS)
    if kind == "scratch":
        if bidirectional:
            raise ValueError("bidirectional=True needs kind 'rnn', 'gru' or 'lstm', not 'scratch'")
        return RNNScratch(vocab_size, num_hiddens, device=device)
    return RNNModel(vocab_size, num_hiddens, cell=kind, bidirectional=bidirectional, device=device)


def train_kind(kind: str = "rnn", num_hiddens: int = 128, *, epochs: int = 2, lr: float = 0.01,
               num_steps: int = 32, batch_size: int = 32, max_tokens: int = 20_000,
               theta=1.0, seed: int = 0, bidirectional: bool = False, validate: bool = True,
               max_val_tokens: int = 4_000, device=None, progress=False):
    """Train one model kind with the course's loop (Adam); return ``(history, model, vocab)``.

    Validation uses the first ``max_val_tokens`` characters of the held-out end
    of the book (-1: all of it).
    """
    require_int("num_hiddens", num_hiddens, minimum=1)
    recipe = Recipe(max_tokens=require_int("max_tokens", max_tokens, minimum=1),
                    batch_size=require_int("batch_size", batch_size, minimum=1),
                    num_steps=require_int("num_steps", num_steps, minimum=1), num_hiddens=num_hiddens,
                    optimizer="adam", lr=require_positive_float("lr", lr), theta=require_theta(theta),
                    epochs=require_int("epochs", epochs, minimum=1),
                    max_val_tokens=require_int("max_val_tokens", max_val_tokens, minimum=-1),
                    seed=seed)
    with torch.random.fork_rng(devices=[]):  # seed locally: the caller's stream is untouched
        torch.manual_seed(seed)
        train_loader, val_loader, vocab = recipe_data(recipe)
        model = make_model(kind, len(vocab), num_hiddens, device=device, bidirectional=bidirectional)
    history = train(model, train_loader, val_loader if validate else None, epochs=recipe.epochs,
                    lr=recipe.lr, optimizer="adam", theta=recipe.theta, device=device,
                    progress=progress)
    return history, model, vocab


def cell_panel(cell: str = "gru", num_hiddens: int = 128, *, epochs: int = 2, max_tokens: int = 20_000,
               seed: int = 0, progress=True):
    """Lesson 06's panel: train one kind of model briefly; show perplexity and speed."""
    title = tr("lesson06.panel_title", cell=cell, num_hiddens=num_hiddens, epochs=epochs,
               max_tokens=max_tokens)
    start = time.perf_counter()
    history, model, vocab = train_kind(cell, num_hiddens, epochs=epochs, max_tokens=max_tokens,
                                       seed=seed, progress=progress)
    seconds = time.perf_counter() - start
    sample = predict(PREFIX, 40, model, vocab)
    params = sum(p.numel() for p in model.parameters())
    text = (_summary(history, seconds, sample)
            + "\n" + tr("lesson06.panel_speed", params=params, speed=history.tokens_per_s[-1]))
    return _curves_figure(history, title), RunReport(history, sample, text, seconds=seconds)


def compare_kinds(kinds=MODEL_KINDS, num_hiddens: int = 128, *, epochs: int = 1,
                  max_tokens: int = 20_000, batch_size: int = 32, max_val_tokens: int = 4_000,
                  seed: int = 0) -> dict:
    """Lesson 06. Train each kind the same way (same data, epochs, Adam settings, seed).

    Returns ``{kind: (history, parameter count)}``. ``max_tokens`` larger than the training
    part of the book means all of it; ``max_val_tokens=-1`` validates on all the held-out text.

    Ctrl-C stops the comparison wherever it lands (training, loading the book, building a
    model); the ``KeyboardInterrupt`` carries the finished kinds in ``exc.completed``.
    """
    if not kinds:
        raise ValueError(f"kinds must name at least one of {MODEL_KINDS}, got {kinds!r}")
    for kind in kinds:   # every kind checked before the first run starts
        require_choice("kinds", kind, MODEL_KINDS)
    results = {}
    with keeping_finished_runs(results):   # Ctrl-C anywhere keeps the finished kinds
        for kind in kinds:
            history, model, _ = train_kind(kind, num_hiddens, epochs=epochs,
                                           max_tokens=max_tokens, batch_size=batch_size,
                                           max_val_tokens=max_val_tokens, seed=seed)
            results[kind] = (history, sum(p.numel() for p in model.parameters()))
    return results


def format_kind_table(results: dict) -> str:
    """A plain-text table of :func:`compare_kinds`: parameters, tokens/s, perplexities."""
    head = [tr(f"lesson06.table.{key}") for key in ("model", "parameters", "speed", "train", "val")]
    lines = [f"{head[0]:8s} {head[1]:>10s} {head[2]:>10s} {head[3]:>9s} {head[4]:>8s}"]
    for kind, (history, params) in results.items():
        lines.append(f"{kind:8s} {params:>10,} {history.tokens_per_s[-1]:>10,.0f} "
                     f"{history.train_ppl[-1]:>9.2f} {history.val_ppl[-1]:>8.2f}")
    return "\n".join(lines)


# --- lesson 06's diagrams (drawn by code; text through the catalogues) ----------------------

def plot_rnn_layer(num_layers: int = 2, bidirectional: bool = True):
    """Lesson 06. What ``nn.RNN`` takes and returns: X (num_steps, batch, input_size) and a state
    (layers × directions, batch, num_hiddens) in; Y (num_steps, batch, directions × num_hiddens),
    the last step's hidden state of every layer, and the new state out. Right: the state's first
    axis, one slice per (layer, direction), in torch's order."""
    import matplotlib.pyplot as plt

    from .diagrams import FONT, HIGHLIGHT, PARAM, STATE, _arrow, _box

    num_layers = require_int("num_layers", num_layers, minimum=1, maximum=4)
    if not isinstance(bidirectional, bool):
        raise TypeError(f"bidirectional must be True or False, got {bidirectional!r}")
    dirs = 2 if bidirectional else 1
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(14, 4.6), gridspec_kw={"width_ratios": [2.3, 1]})
    for a in (ax, bx):
        a.set_axis_off()
    _box(ax, 3.0, 1.8, tr("lesson06.fig.layer", layers=num_layers, dirs=dirs), fc=PARAM, w=2.6, h=1.0,
         fontsize=FONT)
    _box(ax, 3.0, 0.2, "X: (num_steps, batch, input_size)", w=4.2, h=0.5, fontsize=FONT - 1)
    _box(ax, 3.0, 3.5, tr("lesson06.fig.y", dirs=dirs), fc=HIGHLIGHT, w=8.6, h=0.6, fontsize=FONT - 1)
    _box(ax, -0.6, 1.8, tr("lesson06.fig.state_in"), fc=STATE, w=2.6, h=0.8, fontsize=FONT - 2)
    _box(ax, 6.6, 1.8, tr("lesson06.fig.state_out"), fc=STATE, w=2.6, h=0.8, fontsize=FONT - 2)
    _arrow(ax, 3.0, 0.45, 3.0, 1.3, shrink=2, lw=1.5)
    _arrow(ax, 3.0, 2.3, 3.0, 3.2, shrink=2, lw=1.5)
    _arrow(ax, 0.7, 1.8, 1.7, 1.8, shrink=2, lw=1.5)
    _arrow(ax, 4.3, 1.8, 5.3, 1.8, shrink=2, lw=1.5)
    ax.set_xlim(-2.0, 8.0)
    ax.set_ylim(-0.3, 4.1)   # the Y box is wider than the layer: it holds the whole shape
    ax.set_title(tr("lesson06.fig.layer_title"), fontsize=FONT)
    for i in range(num_layers * dirs):   # torch's order: index = layer × directions + direction
        layer, direction = divmod(i, dirs)
        arrow = "→" if direction == 0 else "←"
        _box(bx, 1.0, num_layers * dirs - i, tr("lesson06.fig.slice", i=i, layer=layer + 1, arrow=arrow),
             fc=STATE, w=3.2, h=0.7, fontsize=FONT - 1)
    bx.set_xlim(-1.0, 3.0)
    bx.set_ylim(0.2, num_layers * dirs + 0.8)
    bx.set_title(tr("lesson06.fig.axis_title"), fontsize=FONT)
    fig.tight_layout()
    return fig


def plot_bidirectional(num_steps: int = 4):
    """Lesson 06. A bidirectional RNN (d2l Fig. 10.4.1, d2l-zh 图9.4.2): a forward layer reads
    x_1 … x_T, a backward layer x_T … x_1; the output at step t reads both states."""
    import matplotlib.pyplot as plt

    from .diagrams import FONT, HIGHLIGHT, STATE, _arrow, _box

    num_steps = require_int("num_steps", num_steps, minimum=2, maximum=6)
    fig, ax = plt.subplots(figsize=(2.4 * num_steps + 2.6, 4.8))
    ax.set_axis_off()
    for t in range(1, num_steps + 1):
        x = 2.4 * t
        _box(ax, x, 0.3, f"$x_{{{t}}}$", w=0.8, h=0.5, fontsize=FONT)
        _box(ax, x, 1.5, f"$\\overrightarrow{{h}}_{{{t}}}$", fc=STATE, w=0.9, h=0.6, fontsize=FONT)
        _box(ax, x, 2.8, f"$\\overleftarrow{{h}}_{{{t}}}$", fc="#fdd0a2", w=0.9, h=0.6, fontsize=FONT)
        _box(ax, x, 4.1, f"$o_{{{t}}}$", fc=HIGHLIGHT, w=0.8, h=0.5, fontsize=FONT)
        _arrow(ax, x, 0.55, x, 1.2, shrink=2, lw=1.3)
        _arrow(ax, x - 0.25, 0.55, x - 0.25, 2.5, shrink=2, lw=1.0, rad=0.0, ls=":")
        _arrow(ax, x + 0.25, 1.8, x + 0.25, 3.85, shrink=2, lw=1.0, ls=":")
        _arrow(ax, x, 3.1, x, 3.85, shrink=2, lw=1.3)
        if t < num_steps:
            _arrow(ax, x + 0.45, 1.5, x + 1.95, 1.5, shrink=2, lw=1.5, color="#238b45")
            _arrow(ax, x + 1.95, 2.8, x + 0.45, 2.8, shrink=2, lw=1.5, color="#d94801")
    ax.text(0.9, 1.5, tr("lesson06.fig.forward"), ha="right", va="center", fontsize=FONT - 1,
            color="#238b45")
    ax.text(0.9, 2.8, tr("lesson06.fig.backward"), ha="right", va="center", fontsize=FONT - 1,
            color="#d94801")
    ax.set_xlim(-0.2, 2.4 * num_steps + 0.8)
    ax.set_ylim(-0.1, 4.6)
    ax.set_title(tr("lesson06.fig.bidirectional_title"), fontsize=FONT)
    fig.tight_layout()
    return fig


def _gate_figure(title, width):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, 5.0))
    ax.set_axis_off()
    ax.set_title(title, fontsize=13)
    return fig, ax


def plot_gru_cell():
    """Lesson 06. The GRU cell (after d2l Fig. 10.2.3, d2l-zh 图9.1.3): reset gate R, update gate Z
    (σ, shaded), candidate H̃ (tanh), and H_t = Z ⊙ H_{t-1} + (1 − Z) ⊙ H̃."""
    from .diagrams import FONT, HIGHLIGHT, PARAM, STATE, _arrow, _box, _op

    fig, ax = _gate_figure(tr("lesson06.fig.gru_title"), 12)
    _box(ax, 0.0, 4.0, "$H_{t-1}$", fc=STATE, w=1.0, h=0.55, fontsize=FONT)
    _box(ax, 9.6, 4.0, "$H_t$", fc=STATE, w=0.9, h=0.55, fontsize=FONT)
    _box(ax, 1.5, 0.2, "$X_t$", w=0.8, h=0.5, fontsize=FONT)
    for x, text in ((1.6, "$R_t$: σ"), (3.4, "$Z_t$: σ"), (5.6, "$\\tilde H_t$: tanh")):
        _box(ax, x, 1.6, text, fc=PARAM, w=1.5, h=0.6, fontsize=FONT - 1)
    _op(ax, 4.4, 2.7, "⊙", r=0.25, fontsize=FONT)          # R ⊙ H_{t-1}
    _op(ax, 5.4, 4.0, "⊙", r=0.25, fontsize=FONT)          # Z ⊙ H_{t-1}
    _op(ax, 6.6, 2.9, "1−", r=0.25, fontsize=FONT - 2)
    _op(ax, 7.6, 2.9, "⊙", r=0.25, fontsize=FONT)          # (1 − Z) ⊙ H̃
    _op(ax, 7.6, 4.0, "+", r=0.25, fontsize=FONT)
    _arrow(ax, 0.5, 4.0, 5.15, 4.0, shrink=2, lw=1.4)                    # H_{t-1} along the top
    _arrow(ax, 5.65, 4.0, 7.35, 4.0, shrink=2, lw=1.4)
    _arrow(ax, 7.85, 4.0, 9.15, 4.0, shrink=2, lw=1.4)
    _arrow(ax, 0.5, 3.85, 1.6, 1.9, shrink=4, lw=1.0)                    # H_{t-1} into the gates
    _arrow(ax, 0.5, 3.85, 3.4, 1.9, shrink=4, lw=1.0)
    _arrow(ax, 0.5, 3.85, 4.2, 2.85, shrink=4, lw=1.0)
    for x in (1.6, 3.4, 5.6):                                            # X_t into every transform
        _arrow(ax, 1.5, 0.45, x, 1.3, shrink=2, lw=1.0)
    _arrow(ax, 1.6, 1.9, 4.2, 2.6, shrink=2, lw=1.0)                     # R into R ⊙ H
    _arrow(ax, 4.6, 2.6, 5.5, 1.9, shrink=2, lw=1.0)                     # R ⊙ H into the candidate
    _arrow(ax, 3.4, 1.9, 5.35, 3.75, shrink=2, lw=1.0)                   # Z into Z ⊙ H
    _arrow(ax, 3.6, 1.9, 6.4, 2.8, shrink=2, lw=1.0, rad=-0.2)           # Z into 1 − Z
    _arrow(ax, 6.85, 2.9, 7.35, 2.9, shrink=2, lw=1.0)
    _arrow(ax, 6.35, 1.6, 7.55, 2.65, shrink=2, lw=1.0)                  # H̃ into (1 − Z) ⊙ H̃
    _arrow(ax, 7.6, 3.15, 7.6, 3.75, shrink=2, lw=1.0)
    _arrow(ax, 9.6, 4.25, 9.6, 4.8, shrink=2, lw=1.4)
    _box(ax, 9.6, 5.0, tr("lesson06.fig.to_output"), fc=HIGHLIGHT, w=2.2, h=0.4, fontsize=FONT - 3)
    ax.set_xlim(-0.7, 10.9)
    ax.set_ylim(-0.2, 5.4)
    fig.tight_layout()
    return fig


def plot_lstm_cell():
    """Lesson 06. The LSTM cell (after d2l Fig. 10.1.4, d2l-zh 图9.2.4): forget, input and output
    gates (σ) and the candidate memory C̃ (tanh); C_t = F ⊙ C_{t-1} + I ⊙ C̃ runs along the top,
    H_t = O ⊙ tanh(C_t)."""
    from .diagrams import FONT, PARAM, STATE, _arrow, _box, _op

    fig, ax = _gate_figure(tr("lesson06.fig.lstm_title"), 12)
    _box(ax, 0.0, 4.2, "$C_{t-1}$", fc="#fdd0a2", w=1.0, h=0.55, fontsize=FONT)
    _box(ax, 0.0, 1.6, "$H_{t-1}$", fc=STATE, w=1.0, h=0.55, fontsize=FONT)
    _box(ax, 1.2, 0.2, "$X_t$", w=0.8, h=0.5, fontsize=FONT)
    _box(ax, 9.6, 4.2, "$C_t$", fc="#fdd0a2", w=0.9, h=0.55, fontsize=FONT)
    _box(ax, 9.6, 1.6, "$H_t$", fc=STATE, w=0.9, h=0.55, fontsize=FONT)
    gates = ((2.0, "$F_t$: σ"), (3.8, "$I_t$: σ"), (5.4, "$\\tilde C_t$: tanh"), (7.0, "$O_t$: σ"))
    for x, text in gates:
        _box(ax, x, 1.6, text, fc=PARAM, w=1.4, h=0.6, fontsize=FONT - 1)
        _arrow(ax, 0.5, 1.45, x - 0.2, 1.3, shrink=2, lw=0.8, rad=0.3)   # H_{t-1} into every gate
        _arrow(ax, 1.2, 0.45, x, 1.3, shrink=2, lw=1.0)                  # X_t into every gate
    _op(ax, 2.0, 4.2, "⊙", r=0.25, fontsize=FONT)     # F ⊙ C_{t-1}
    _op(ax, 4.6, 3.1, "⊙", r=0.25, fontsize=FONT)     # I ⊙ C̃
    _op(ax, 4.6, 4.2, "+", r=0.25, fontsize=FONT)
    _op(ax, 8.0, 3.1, "tanh", r=0.3, fontsize=FONT - 4)
    _op(ax, 8.0, 1.6, "⊙", r=0.25, fontsize=FONT)     # O ⊙ tanh(C)
    _arrow(ax, 0.5, 4.2, 1.75, 4.2, shrink=2, lw=1.6)
    _arrow(ax, 2.25, 4.2, 4.35, 4.2, shrink=2, lw=1.6)
    _arrow(ax, 4.85, 4.2, 9.15, 4.2, shrink=2, lw=1.6)
    _arrow(ax, 2.0, 1.9, 2.0, 3.95, shrink=2, lw=1.0)           # F
    _arrow(ax, 3.8, 1.9, 4.4, 2.9, shrink=2, lw=1.0)            # I
    _arrow(ax, 5.4, 1.9, 4.8, 2.9, shrink=2, lw=1.0)            # C̃
    _arrow(ax, 4.6, 3.35, 4.6, 3.95, shrink=2, lw=1.0)
    _arrow(ax, 8.0, 4.2, 8.0, 3.4, shrink=2, lw=1.0)            # C_t into tanh
    _arrow(ax, 8.0, 2.8, 8.0, 1.85, shrink=2, lw=1.0)
    _arrow(ax, 7.7, 1.6, 7.75, 1.6, shrink=0, lw=1.0)                  # O into O ⊙ tanh(C)
    _arrow(ax, 8.25, 1.6, 9.15, 1.6, shrink=2, lw=1.6)
    ax.set_xlim(-0.7, 10.5)
    ax.set_ylim(-0.2, 4.8)
    fig.tight_layout()
    return fig
