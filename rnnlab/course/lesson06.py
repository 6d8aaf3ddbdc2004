"""Lesson 06 (the concise RNN): training each kind of model the same way, and its panel."""

from __future__ import annotations

import time

import torch

from ..checks import check_choice, check_int, check_positive_float
from ..experiments.recipes import Recipe, recipe_data
from ..generation import predict
from ..gradients.clipping import check_theta
from ..i18n import tr
from ..models import CELLS, RNNModel, RNNScratch
from ..training.loop import train
from .report import PREFIX, RunReport, _curves_figure, _summary, keeping_finished_runs

#: Model kinds the concise-RNN panel can train: the scratch RNN and torch's three layers.
MODEL_KINDS = ("scratch",) + CELLS


def make_model(kind: str, vocab_size: int, num_hiddens: int, device=None, bidirectional: bool = False):
    """``"scratch"`` → :class:`RNNScratch`; ``"rnn"``/``"gru"``/``"lstm"`` → :class:`RNNModel`."""
    check_choice("kind", kind, MODEL_KINDS)
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
    check_int("num_hiddens", num_hiddens, minimum=1)
    recipe = Recipe(max_tokens=check_int("max_tokens", max_tokens, minimum=1),
                    batch_size=check_int("batch_size", batch_size, minimum=1),
                    num_steps=check_int("num_steps", num_steps, minimum=1), num_hiddens=num_hiddens,
                    optimizer="adam", lr=check_positive_float("lr", lr), theta=check_theta(theta),
                    epochs=check_int("epochs", epochs, minimum=1),
                    max_val_tokens=check_int("max_val_tokens", max_val_tokens, minimum=-1),
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
    title = f"{cell}, num_hiddens={num_hiddens}, {epochs} epochs on {max_tokens:,} characters"
    start = time.perf_counter()
    history, model, vocab = train_kind(cell, num_hiddens, epochs=epochs, max_tokens=max_tokens,
                                       seed=seed, progress=progress)
    seconds = time.perf_counter() - start
    sample = predict(PREFIX, 40, model, vocab)
    params = sum(p.numel() for p in model.parameters())
    text = (_summary(history, seconds, sample)
            + f"\n{params:,} parameters, {history.tokens_per_s[-1]:,.0f} tokens/s (last epoch)")
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
        check_choice("kinds", kind, MODEL_KINDS)
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
    lines = [tr("lesson06.table.header", model=tr("lesson06.table.model"),
                parameters=tr("lesson06.table.parameters"), speed=tr("lesson06.table.speed"),
                train=tr("lesson06.table.train"), val=tr("lesson06.table.val"))]
    for kind, (history, params) in results.items():
        lines.append(f"{kind:8s} {params:>10,} {history.tokens_per_s[-1]:>10,.0f} "
                     f"{history.train_ppl[-1]:>9.2f} {history.val_ppl[-1]:>8.2f}")
    return "\n".join(lines)
