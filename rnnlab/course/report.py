"""What one live-panel update measured, and the figures the training panels of lessons 04–06 share."""

from __future__ import annotations

import contextlib
import dataclasses
import math

from ..i18n import tr
from ..training.history import History, plot_grad_norms, plot_history

#: The prefix every panel warms up on before it generates a sample.
PREFIX = "time traveller"


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
    lines = [tr("report.after_epochs", epochs=history.epochs, train_ppl=history.train_ppl[-1])]
    if history.val_ppl:
        lines[0] += tr("report.validation", val_ppl=history.val_ppl[-1], best=history.best_val_ppl)
    lines.append(tr("report.trained_in", seconds=seconds))
    lines.append(tr("report.greedy_sample", sample=sample))
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
    ax.text(0.0, 0.5, tr("report.diverged") + "\n" + message, va="center", wrap=True, fontsize=9)
    ax.set_title(title)
    return fig


@contextlib.contextmanager
def keeping_finished_runs(results: dict):
    """Lessons 05 and 06. Around a sweep: a Ctrl-C, wherever it lands, carries the runs that finished.

    Inside ``train()`` the interrupt is a ``TrainingInterrupted`` (with the cut run in
    ``exc.history``); while the next run loads the book or builds its model it is a plain
    ``KeyboardInterrupt``. Either way ``exc.completed`` is the ``results`` dict as it stood,
    so no finished run is lost.
    """
    try:
        yield results
    except KeyboardInterrupt as exc:
        exc.completed = results
        raise


def rough_number(x: float) -> str:
    """Lessons 05 and 07. ``x`` at the precision that survives another CPU or BLAS.

    Below 1,000 two significant digits (``"1.7"``, ``"170"``); from 1,000 up, and for tiny values, only the
    order of magnitude (``"~1e5"``, ``"~1e-20"``): a norm after many steps of a chaotic recurrence
    moves by tens of percent when one rounding changes, its order of magnitude does not.
    """
    x = float(x)
    if not math.isfinite(x) or x == 0:
        return f"{x:g}"
    if 10 <= abs(x) < 1e3:
        return f"{round(x, 1 - math.floor(math.log10(abs(x)))):.0f}"   # 171 → "170", 54.7 → "55"
    if 1e-2 <= abs(x) < 10:
        return f"{x:.2g}"
    sign = "-" if x < 0 else ""
    return f"~{sign}1e{round(math.log10(abs(x)))}"
