"""Lesson 02 (text preprocessing): the function behind its min_freq widget."""

from __future__ import annotations

import math

from ..checks import check_int
from ..text.zipf import book_word_tokens, min_freq_curve, min_freq_summary

MAX_MIN_FREQ = 50


def min_freq_figure(min_freq: int = 5, tokens=None):
    """Widget compute: vocabulary size and ``<unk>`` share against ``min_freq`` (book's words).

    Returns ``(figure, summary)`` with the current ``min_freq`` marked.
    """
    import matplotlib.pyplot as plt

    tokens = book_word_tokens() if tokens is None else tokens
    min_freq = check_int("min_freq", min_freq, minimum=0, maximum=MAX_MIN_FREQ)
    grid = list(range(1, MAX_MIN_FREQ + 1))
    curve = min_freq_curve(tokens, grid)
    current = min_freq_summary(tokens, min_freq)
    fig, (ax_v, ax_u) = plt.subplots(1, 2, figsize=(9, 3.4))
    ax_v.plot(grid, [s.vocab_size for s in curve], label="vocabulary size")
    ax_v.plot([min_freq], [current.vocab_size], "o", color="C3", label=f"min_freq = {min_freq}")
    ax_v.set(xlabel="min_freq", ylabel="entries (with <unk>)", yscale="log",
             title="Vocabulary shrinks fast")
    ax_v.legend(fontsize=8)
    ax_u.plot(grid, [100 * s.unk_share for s in curve], color="C1", label="<unk> share")
    ax_u.plot([min_freq], [100 * current.unk_share], "o", color="C3",
              label=f"min_freq = {min_freq}")
    ax_u.set(xlabel="min_freq", ylabel="% of tokens that become <unk>",
             title="Share of the text lost to <unk>", ylim=(0, max(5, math.ceil(
                 100 * max(s.unk_share for s in curve)))))
    ax_u.legend(fontsize=8)
    # Fixed margins: tight_layout would draw the log axes once more just to measure them.
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.15, top=0.9, wspace=0.3)
    return fig, current
