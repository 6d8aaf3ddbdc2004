"""Zipf's law: a few tokens are very common, most are rare.

Sorted by frequency, the count of the token of rank ``r`` falls roughly like a
power law, ``n(r) ∝ r^(-a)``, so ``log n(r) = -a log r + c`` is a straight
line on a log–log plot. The long tail of rare tokens is why ``min_freq`` shrinks
a vocabulary a lot while turning only a small share of the text into ``<unk>``.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass

import torch

from ..checks import require_int
from ..i18n import tr
from .corpus import read_time_machine, tokenize
from .vocab import UNK, count_tokens


@dataclass(frozen=True)
class ZipfFit:
    """Lesson 02. ``log10(count) ≈ slope * log10(rank) + intercept`` over ranks ``first_rank..last_rank``."""

    slope: float
    intercept: float
    first_rank: int
    last_rank: int

    def predict(self, ranks) -> torch.Tensor:
        ranks = torch.as_tensor(ranks, dtype=torch.float64)
        return 10 ** (self.slope * torch.log10(ranks) + self.intercept)


def fit_zipf(freqs, first_rank: int = 1, last_rank: int | None = None) -> ZipfFit:
    """Lesson 02. Least-squares line through ``(log10 rank, log10 count)`` for ranks in the given range.

    ``freqs`` are counts sorted from most to least frequent (rank 1 first).
    The very first ranks (function words) and the tail of count-1 tokens
    often bend away from the line; choose the range to fit the middle.
    """
    freqs = torch.as_tensor(list(freqs), dtype=torch.float64)
    if freqs.ndim != 1 or len(freqs) < 2:
        raise ValueError(f"freqs must be a list of at least 2 counts, got {len(freqs)}")
    if bool((freqs <= 0).any()) or bool((freqs[1:] > freqs[:-1]).any()):
        raise ValueError("freqs must be positive counts sorted from most to least frequent")
    last_rank = len(freqs) if last_rank is None else last_rank
    first_rank = require_int("first_rank", first_rank, minimum=1)
    last_rank = require_int("last_rank", last_rank, minimum=first_rank + 1, maximum=len(freqs))
    ranks = torch.arange(first_rank, last_rank + 1, dtype=torch.float64)
    x, y = torch.log10(ranks), torch.log10(freqs[first_rank - 1 : last_rank])
    slope = float(((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum())
    intercept = float(y.mean() - slope * x.mean())
    return ZipfFit(slope, intercept, first_rank, last_rank)


def plot_zipf(freq_lists: dict, fits: dict | None = None, title: str | None = None, ax=None):
    """Lesson 02. Plot count against rank on log–log axes, one line per entry of ``freq_lists``; the Figure.

    ``fits`` maps some of the same labels to a :class:`ZipfFit`, drawn dashed; ``ax`` draws
    into an axes of yours instead of a new figure; ``title=None`` is "Zipf's law" in the reader's language.
    """
    import matplotlib.pyplot as plt

    if not freq_lists:
        raise ValueError("freq_lists must map at least one label to a list of counts")
    own_figure = ax is None
    fig, ax = plt.subplots(figsize=(8.0, 4.4)) if own_figure else (ax.figure, ax)
    for i, (label, freqs) in enumerate(freq_lists.items()):
        ranks = range(1, len(freqs) + 1)
        ax.plot(ranks, freqs, color=f"C{i}", lw=1.5, label=label)
        fit = (fits or {}).get(label)
        if fit is not None:
            r = torch.arange(fit.first_rank, fit.last_rank + 1)
            ax.plot(r, fit.predict(r), color=f"C{i}", ls="--", lw=1,
                    label=tr("zipf.fit", slope=fit.slope))
    ax.set(xscale="log", yscale="log", xlabel=tr("zipf.rank"), ylabel=tr("zipf.count"),
           title=tr("zipf.title") if title is None else title)
    ax.legend(fontsize=11)
    if own_figure:
        fig.tight_layout()
    return fig


# --- min_freq: what dropping rare tokens costs ---


@dataclass(frozen=True)
class MinFreqSummary:
    """Lesson 02. Effect of ``Vocab(tokens, min_freq)``: how many entries, how much text becomes ``<unk>``."""

    min_freq: int
    vocab_size: int  # including <unk>
    unk_share: float  # fraction of the running text mapped to <unk>
    num_tokens: int

    def __str__(self) -> str:
        return tr("zipf.min_freq_summary", min_freq=self.min_freq, vocab_size=self.vocab_size,
                  percent=100 * self.unk_share, num_tokens=self.num_tokens)

    def _repr_markdown_(self) -> str:
        return str(self)


def min_freq_curve(tokens, min_freqs) -> list[MinFreqSummary]:
    """Lesson 02. :class:`MinFreqSummary` for each ``min_freq``, computed from one count of the tokens.

    Same numbers as building ``Vocab(tokens, min_freq)`` each time, without the
    rebuilding: a token stays iff its count is at least ``min_freq``.
    """
    counts = count_tokens(tokens)
    total = sum(counts.values())
    if total == 0:
        raise ValueError("tokens must contain at least one token")
    literal_unk = counts.pop(UNK, 0)   # Vocab maps the text's own "<unk>" to index 0, always
    by_count = collections.Counter(counts.values())  # count -> number of token types
    out = []
    for m in min_freqs:
        m = require_int("min_freq", m, minimum=0)
        kept_types = sum(types for c, types in by_count.items() if c >= m)
        unk_tokens = literal_unk + sum(c * types for c, types in by_count.items() if c < m)
        out.append(MinFreqSummary(m, 1 + kept_types, unk_tokens / total, total))
    return out


def min_freq_summary(tokens, min_freq: int) -> MinFreqSummary:
    """Lesson 02. Vocabulary size and ``<unk>`` share for one ``min_freq``."""
    return min_freq_curve(tokens, [min_freq])[0]


def book_word_tokens() -> list[str]:
    """Lesson 03. The book as one flat list of word tokens."""
    return [t for line in tokenize(read_time_machine(), "word") for t in line]


