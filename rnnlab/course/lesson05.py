"""Lesson 05 (gradient clipping): the functions behind its panel and its θ sweep."""

from __future__ import annotations

import time

from ..generation import predict
from ..gradients.clipping import check_theta
from ..training.loop import TrainingDiverged, TrainingInterrupted
from ..training.recipes import quick_train
from .report import PREFIX, RunReport, _curves_figure, _diverged_figure, _summary


def clipping_panel(theta=1.0, lr: float = 5.0, *, num_hiddens: int = 64, num_steps: int = 32,
                   epochs: int = 2, max_tokens: int = 20_000, seed: int = 0, progress=True):
    """Lesson 05's panel: plain SGD (the seed's optimizer) with clipping threshold ``theta``.

    Returns ``(figure, report)``. A run that diverges is not an error here: the figure and the
    report say so instead.
    """
    title = (f"num_hiddens={num_hiddens}, num_steps={num_steps}, θ={'off' if theta is None else theta}, "
             f"lr={lr:g}, epochs={epochs}")
    start = time.perf_counter()
    try:
        history, model, vocab = quick_train(num_hiddens, num_steps, theta, lr, epochs,
                                            max_tokens=max_tokens, optimizer="sgd",
                                            seed=seed, progress=progress)
    except TrainingDiverged as exc:
        message = str(exc)
        return _diverged_figure(message, title), RunReport(None, "", f"diverged: {message}",
                                                           diverged=message)
    seconds = time.perf_counter() - start
    sample = predict(PREFIX, 40, model, vocab)
    report = RunReport(history, sample, _summary(history, seconds, sample), seconds=seconds)
    return _curves_figure(history, title), report


def theta_sweep(thetas, *, lr: float = 5.0, num_hiddens: int = 64, num_steps: int = 32,
                epochs: int = 2, max_tokens: int = 20_000, seed: int = 0) -> dict:
    """Train once per θ (SGD, same seed and data); return ``{theta: History or error message}``.

    Ctrl-C stops the sweep: the :class:`TrainingInterrupted` it raises carries the finished runs
    in ``exc.completed`` and the cut one in ``exc.history`` (marked ``interrupted``).
    """
    if not thetas:
        raise ValueError(f"thetas must name at least one threshold, got {thetas!r}")
    for theta in thetas:   # every θ checked before the first run starts
        check_theta(theta)
    results = {}
    for theta in thetas:
        try:
            history, _, _ = quick_train(num_hiddens, num_steps, theta, lr, epochs,
                                        max_tokens=max_tokens, optimizer="sgd", seed=seed,
                                        progress=False)
        except TrainingDiverged as exc:
            results[theta] = f"diverged: {exc}"
        except TrainingInterrupted as exc:   # Ctrl-C stops the whole sweep, keeping what finished
            exc.completed = results
            raise
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
