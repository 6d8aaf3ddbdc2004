"""Lesson 02 (text preprocessing): the function behind its min_freq widget, and the lesson's figures."""

from __future__ import annotations

import math

from ..checks import require_int
from ..i18n import tr
from ..text.zipf import book_word_tokens, min_freq_curve, min_freq_summary, plot_zipf

MAX_MIN_FREQ = 50


def min_freq_figure(min_freq: int = 5, tokens=None):
    """Widget compute: vocabulary size and ``<unk>`` share against ``min_freq`` (book's words).

    Returns ``(figure, summary)`` with the current ``min_freq`` marked.
    """
    import matplotlib.pyplot as plt

    tokens = book_word_tokens() if tokens is None else tokens
    min_freq = require_int("min_freq", min_freq, minimum=0, maximum=MAX_MIN_FREQ)
    grid = list(range(1, MAX_MIN_FREQ + 1))
    curve = min_freq_curve(tokens, grid)
    current = min_freq_summary(tokens, min_freq)
    fig, (ax_v, ax_u) = plt.subplots(1, 2, figsize=(11, 4.2))
    ax_v.plot(grid, [s.vocab_size for s in curve], label=tr("lesson02.vocab_size"))
    ax_v.plot([min_freq], [current.vocab_size], "o", color="C3", label=f"min_freq = {min_freq}")
    ax_v.set(xlabel="min_freq", ylabel=tr("lesson02.entries"), yscale="log")
    ax_v.set_title(tr("lesson02.vocab_title"), fontsize=12)
    ax_v.legend(fontsize=11)
    ax_u.plot(grid, [100 * s.unk_share for s in curve], color="C1", label=tr("lesson02.unk_share"))
    ax_u.plot([min_freq], [100 * current.unk_share], "o", color="C3",
              label=f"min_freq = {min_freq}")
    ax_u.set(xlabel="min_freq", ylabel=tr("lesson02.unk_axis"), ylim=(0, max(5, math.ceil(
        100 * max(s.unk_share for s in curve)))))
    ax_u.set_title(tr("lesson02.unk_title"), fontsize=12)
    ax_u.legend(fontsize=11)
    # Fixed margins: tight_layout would draw the log axes once more just to measure them.
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.9, wspace=0.3)
    return fig, current


def plot_word_zipf(freqs, fit):
    """Lesson 02. The book's word counts against their rank, log–log, with the fitted line."""
    label = tr("lesson02.zipf_words")
    return plot_zipf({label: freqs}, fits={label: fit}, title=tr("lesson02.zipf_title"))


PIPELINE_STEPS = ("load", "tokenize", "vocab", "indices")


def plot_pipeline():
    """Lesson 02. The four steps of text preprocessing as boxes, with what each one produces
    for the book's first line: load → tokenize → vocabulary → indices (the notes' four steps)."""
    from .diagrams import FONT, _arrow, _box, _canvas

    fig, ax = _canvas((15, 3.8))
    examples = ("'the time machine\nby h g wells'", "['the', 'time',\n'machine', …]",
                "{'<unk>': 0, 'the': 1,\n'i': 2, …}", "[1, 19, 50, 40,\n2183, 2184, 400]")
    for i, (step, example) in enumerate(zip(PIPELINE_STEPS, examples, strict=True)):
        x = 3.8 * i
        _box(ax, x, 1.6, f"{i + 1}. " + tr(f"lesson02.step_{step}"), fc="#fdae6b" if i == 3 else "white",
             w=3.0, h=0.9, fontsize=FONT)
        ax.text(x, 0.45, example, ha="center", va="center", fontsize=FONT - 1, family="monospace")
        if i:
            _arrow(ax, x - 3.8 + 1.5, 1.6, x - 1.5, 1.6, shrink=2, lw=2)
    ax.set_xlim(-1.9, 3.8 * 3 + 1.9)
    ax.set_ylim(-0.1, 2.3)
    ax.set_title(tr("lesson02.pipeline_title"), fontsize=FONT)
    return fig
