"""The computations behind the live panels of lessons 04–06.

Each function trains something small, draws it and returns ``(figure, report)``:
the figure is what the reader looks at, the :class:`RunReport` carries the
numbers (the :class:`~rnnlab.training.History`, a generated sample, a summary
line) so that a notebook cell — and a test — can assert on them. The widgets in
the notebooks only wire sliders to these functions.
"""

from __future__ import annotations

import dataclasses
import time

import torch

from .checks import check_choice, check_int, check_positive_float
from .clipping import check_theta
from .generation import predict
from .models import CELLS, RNNModel, RNNScratch
from .training import (
    History,
    Recipe,
    TrainingDiverged,
    plot_grad_norms,
    plot_history,
    quick_train,
    recipe_data,
    train,
)

#: The prefix every panel warms up on before it generates a sample.
PREFIX = "time traveller"
#: Model kinds the concise-RNN panel can train: the scratch RNN and torch's three layers.
MODEL_KINDS = ("scratch",) + CELLS


@dataclasses.dataclass
class RunReport:
    """What one panel update measured; prints as a short summary."""

    history: History | None
    sample: str
    text: str
    diverged: str | None = None
    seconds: float = 0.0

    def __str__(self) -> str:
        return self.text

    def _repr_pretty_(self, p, cycle) -> None:  # how IPython (and the panel) shows it
        p.text(self.text)


def _summary(history: History, seconds: float, sample: str) -> str:
    lines = [f"after {history.epochs} epochs: training perplexity {history.train_ppl[-1]:.2f}"]
    if history.val_ppl:
        lines[0] += (f", validation perplexity {history.val_ppl[-1]:.2f} "
                     f"(best {history.best_val_ppl:.2f})")
    lines.append(f"trained in {seconds:.1f} s")
    lines.append(f"greedy sample: {sample!r}")
    return "\n".join(lines)


def _curves_figure(history: History, title: str):
    """Perplexity curves on the left, the gradient-norm trace on the right."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    plot_history(history, ax=left)
    plot_grad_norms(history, ax=right)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def _diverged_figure(message: str, title: str):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 1.6))
    ax.axis("off")
    ax.text(0.0, 0.5, "training diverged:\n" + message, va="center", wrap=True, fontsize=9)
    ax.set_title(title)
    return fig


def training_panel(hidden: int = 64, num_steps: int = 16, theta=1.0, lr: float = 0.01,
                   epochs: int = 4, *, optimizer: str = "adam", max_tokens: int = 20_000,
                   prefix: str = PREFIX, num_preds: int = 40, seed: int = 0, progress=True):
    """Retrain the scratch RNN with these settings (``quick_train``); return ``(figure, report)``.

    A progress bar shows while it trains (``progress=False`` hides it). A run
    that diverges is not an error here: the reader moved a slider too far
    and should see why, so the figure and the report say so instead.
    """
    title = (f"hidden={hidden}, num_steps={num_steps}, θ={'off' if theta is None else theta}, "
             f"lr={lr:g}, epochs={epochs}")
    start = time.perf_counter()
    try:
        history, model, vocab = quick_train(hidden, num_steps, theta, lr, epochs,
                                            max_tokens=max_tokens, optimizer=optimizer,
                                            seed=seed, progress=progress)
    except TrainingDiverged as exc:
        message = str(exc)
        return _diverged_figure(message, title), RunReport(None, "", f"diverged: {message}",
                                                           diverged=message)
    seconds = time.perf_counter() - start
    sample = predict(prefix, num_preds, model, vocab)
    report = RunReport(history, sample, _summary(history, seconds, sample), seconds=seconds)
    return _curves_figure(history, title), report


def clipping_panel(theta=1.0, lr: float = 5.0, *, hidden: int = 64, num_steps: int = 32,
                   epochs: int = 2, max_tokens: int = 20_000, seed: int = 0, progress=True):
    """Lesson 05's panel: plain SGD (the seed's optimizer) with clipping threshold ``theta``."""
    return training_panel(hidden, num_steps, theta, lr, epochs, optimizer="sgd",
                          max_tokens=max_tokens, seed=seed, progress=progress)


def theta_sweep(thetas, *, lr: float = 5.0, hidden: int = 64, num_steps: int = 32,
                epochs: int = 2, max_tokens: int = 20_000, seed: int = 0) -> dict:
    """Train once per θ (SGD, same seed and data); return ``{theta: History or error message}``."""
    if not thetas:
        raise ValueError(f"thetas must name at least one threshold, got {thetas!r}")
    results = {}
    for theta in thetas:
        check_theta(theta)
        try:
            history, _, _ = quick_train(hidden, num_steps, theta, lr, epochs,
                                        max_tokens=max_tokens, optimizer="sgd", seed=seed,
                                        progress=False)
        except TrainingDiverged as exc:
            results[theta] = f"diverged: {exc}"
        else:
            results[theta] = history
    return results


def plot_theta_sweep(results: dict):
    """Validation perplexity per epoch for each θ of :func:`theta_sweep` (diverged runs noted)."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    for theta, h in results.items():
        name = "off" if theta is None else f"{theta:g}"
        if isinstance(h, str):
            left.plot([], [], label=f"θ = {name}: diverged")
            continue
        left.plot(range(1, h.epochs + 1), h.val_ppl, marker="o", label=f"θ = {name}")
        right.plot(h.step_grad_norms, linewidth=0.7, label=f"θ = {name}")
    left.set_yscale("log")  # a blown-up run is orders of magnitude above the others
    left.xaxis.set_major_locator(MaxNLocator(integer=True))
    left.set_xlabel("epoch")
    left.set_ylabel("validation perplexity")
    left.set_title("Validation perplexity for each θ")
    left.legend()
    right.set_yscale("log")
    right.set_xlabel("training step")
    right.set_ylabel("gradient norm (before clipping)")
    right.set_title("Gradient norm per step")
    right.legend()
    fig.tight_layout()
    return fig


def make_model(kind: str, vocab_size: int, hidden: int, device=None, bidirectional: bool = False):
    """``"scratch"`` → :class:`RNNScratch`; ``"rnn"``/``"gru"``/``"lstm"`` → :class:`RNNModel`."""
    check_choice("kind", kind, MODEL_KINDS)
    if kind == "scratch":
        if bidirectional:
            raise ValueError("bidirectional=True needs kind 'rnn', 'gru' or 'lstm', not 'scratch'")
        return RNNScratch(vocab_size, hidden, device=device)
    return RNNModel(vocab_size, hidden, cell=kind, bidirectional=bidirectional, device=device)


def train_kind(kind: str = "rnn", hidden: int = 128, *, epochs: int = 2, lr: float = 0.01,
               num_steps: int = 32, batch_size: int = 32, max_tokens: int = 20_000,
               theta=1.0, seed: int = 0, bidirectional: bool = False, validate: bool = True,
               max_val_tokens: int = 4_000, device=None, progress=False):
    """Train one model kind with the course's loop (Adam); return ``(history, model, vocab)``.

    Validation uses the first ``max_val_tokens`` characters of the held-out end
    of the book (-1: all of it).
    """
    check_int("hidden", hidden, minimum=1)
    recipe = Recipe(max_tokens=check_int("max_tokens", max_tokens, minimum=1),
                    batch_size=check_int("batch_size", batch_size, minimum=1),
                    num_steps=check_int("num_steps", num_steps, minimum=1), num_hiddens=hidden,
                    optimizer="adam", lr=check_positive_float("lr", lr), theta=check_theta(theta),
                    epochs=check_int("epochs", epochs, minimum=1),
                    max_val_tokens=check_int("max_val_tokens", max_val_tokens, minimum=-1),
                    seed=seed)
    torch.manual_seed(seed)
    train_loader, val_loader, vocab = recipe_data(recipe)
    model = make_model(kind, len(vocab), hidden, device=device, bidirectional=bidirectional)
    history = train(model, train_loader, val_loader if validate else None, epochs=recipe.epochs,
                    lr=recipe.lr, optimizer="adam", theta=recipe.theta, device=device,
                    progress=progress)
    return history, model, vocab


def cell_panel(cell: str = "gru", hidden: int = 128, *, epochs: int = 2, max_tokens: int = 20_000,
               seed: int = 0, progress=True):
    """Lesson 06's panel: train one kind of model briefly; show perplexity and speed."""
    title = f"{cell}, hidden={hidden}, {epochs} epochs on {max_tokens:,} characters"
    start = time.perf_counter()
    history, model, vocab = train_kind(cell, hidden, epochs=epochs, max_tokens=max_tokens,
                                       seed=seed, progress=progress)
    seconds = time.perf_counter() - start
    sample = predict(PREFIX, 40, model, vocab)
    params = sum(p.numel() for p in model.parameters())
    text = (_summary(history, seconds, sample)
            + f"\n{params:,} parameters, {history.tokens_per_s[-1]:,.0f} tokens/s (last epoch)")
    return _curves_figure(history, title), RunReport(history, sample, text, seconds=seconds)


def compare_kinds(kinds=MODEL_KINDS, hidden: int = 128, *, epochs: int = 1,
                  max_tokens: int = 20_000, seed: int = 0) -> dict:
    """Train each kind the same way; return ``{kind: (history, parameter count)}``."""
    if not kinds:
        raise ValueError(f"kinds must name at least one of {MODEL_KINDS}, got {kinds!r}")
    results = {}
    for kind in kinds:
        history, model, _ = train_kind(kind, hidden, epochs=epochs, max_tokens=max_tokens,
                                       seed=seed)
        results[kind] = (history, sum(p.numel() for p in model.parameters()))
    return results


def format_kind_table(results: dict) -> str:
    """A plain-text table of :func:`compare_kinds`: parameters, tokens/s, perplexities."""
    lines = [f"{'model':8s} {'parameters':>10s} {'tokens/s':>10s} {'train ppl':>9s} "
             f"{'val ppl':>8s}"]
    for kind, (history, params) in results.items():
        lines.append(f"{kind:8s} {params:>10,} {history.tokens_per_s[-1]:>10,.0f} "
                     f"{history.train_ppl[-1]:>9.2f} {history.val_ppl[-1]:>8.2f}")
    return "\n".join(lines)
