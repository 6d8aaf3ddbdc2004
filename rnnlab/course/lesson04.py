"""Lesson 04 (an RNN from scratch): the function behind its live training panel."""

from __future__ import annotations

import time

from ..generation import predict
from ..i18n import tr
from ..training.loop import TrainingDiverged
from ..training.recipes import quick_train
from .report import PREFIX, RunReport, _curves_figure, _diverged_figure, _summary


def training_panel(num_hiddens: int = 64, num_steps: int = 16, theta=1.0, lr: float = 0.01,
                   epochs: int = 4, *, optimizer: str = "adam", max_tokens: int = 20_000,
                   prefix: str = PREFIX, num_preds: int = 40, seed: int = 0, progress=True):
    """Retrain the scratch RNN with these settings (``quick_train``); return ``(figure, report)``.

    A progress bar shows while it trains (``progress=False`` hides it). A run
    that diverges is not an error here: the reader moved a slider too far
    and should see why, so the figure and the report say so instead.
    """
    title = (f"num_hiddens={num_hiddens}, num_steps={num_steps}, θ={'off' if theta is None else theta}, "
             f"lr={lr:g}, epochs={epochs}")
    start = time.perf_counter()
    try:
        history, model, vocab = quick_train(num_hiddens, num_steps, theta, lr, epochs,
                                            max_tokens=max_tokens, optimizer=optimizer,
                                            seed=seed, progress=progress)
    except TrainingDiverged as exc:
        message = str(exc)
        return _diverged_figure(message, title), RunReport(None, "", tr("lesson04.diverged", message=message),
                                                           diverged=message)
    seconds = time.perf_counter() - start
    sample = predict(prefix, num_preds, model, vocab)
    report = RunReport(history, sample, _summary(history, seconds, sample), seconds=seconds)
    return _curves_figure(history, title), report
