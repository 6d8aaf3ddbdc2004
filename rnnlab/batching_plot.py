"""A picture of how random sampling and sequential partitioning cut a text into minibatches.

The trick: run :func:`rnnlab.seq_data_iter_random` and
:func:`rnnlab.seq_data_iter_sequential` on the *positions* ``0, 1, …, L-1``
instead of token indices. Every value in ``X`` is then the position it came
from, so we can read off which batch and which row each token lands in.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .checks import check_choice, check_int
from .sampling import min_corpus_length, seq_data_iter_random, seq_data_iter_sequential

SCHEMES = ("random", "sequential")


@dataclass(frozen=True)
class BatchLayout:
    """Where each position of the text goes: ``batch[p]``, ``row[p]``, ``step[p]`` (-1 = unused).

    ``step[p]`` is the column of ``X`` (the time step inside the subsequence).
    """

    scheme: str
    batch_size: int
    num_steps: int
    offset: int
    batch: torch.Tensor
    row: torch.Tensor
    step: torch.Tensor

    @property
    def num_batches(self) -> int:
        return int(self.batch.max()) + 1 if bool((self.batch >= 0).any()) else 0

    @property
    def coverage(self) -> float:
        """Share of the positions that appear in some ``X``."""
        return float((self.batch >= 0).double().mean())

    def subsequences(self) -> list[tuple[int, int, int]]:
        """``(batch, row, first_position)`` for every row of every batch, in batch order."""
        out = []
        for p in range(len(self.batch)):
            if self.step[p] == 0:
                out.append((int(self.batch[p]), int(self.row[p]), p))
        return sorted(out)


def batch_layout(num_tokens: int, batch_size: int, num_steps: int, scheme: str,
                 seed: int = 0, offset: int | None = None) -> BatchLayout:
    """Cut ``num_tokens`` positions with one scheme and record where each position lands.

    ``offset=None`` draws the random start offset from ``seed``, as training does.
    """
    check_choice("scheme", scheme, SCHEMES)
    num_tokens = check_int("num_tokens", num_tokens, minimum=2)
    check_int("batch_size", batch_size, minimum=1)
    check_int("num_steps", num_steps, minimum=1)
    generator = torch.Generator().manual_seed(check_int("seed", seed, minimum=0))
    if offset is None:
        offset = int(torch.randint(0, num_steps, (1,), generator=generator))
    offset = check_int("offset", offset, minimum=0, maximum=num_steps - 1)
    fn = seq_data_iter_random if scheme == "random" else seq_data_iter_sequential
    positions = torch.arange(num_tokens)
    batch, row, step = (torch.full((num_tokens,), -1, dtype=torch.long) for _ in range(3))
    for b, (X, _) in enumerate(fn(positions, batch_size, num_steps, generator, offset)):
        batch[X] = b
        row[X] = torch.arange(X.shape[0])[:, None].expand_as(X)
        step[X] = torch.arange(X.shape[1])[None, :].expand_as(X)
    return BatchLayout(scheme, batch_size, num_steps, offset, batch, row, step)


@dataclass(frozen=True)
class BatchingPicture:
    """The two layouts a :func:`plot_batching` figure shows."""

    random: BatchLayout
    sequential: BatchLayout

    def __str__(self) -> str:
        parts = []
        for lay in (self.random, self.sequential):
            parts.append(f"{lay.scheme}: {lay.num_batches} batches of "
                         f"{lay.batch_size} x {lay.num_steps}, offset {lay.offset}, "
                         f"{100 * lay.coverage:.0f}% of the text used")
        return "; ".join(parts)

    def _repr_markdown_(self) -> str:
        return str(self)


DEMO_TEXT = "the time machine by h g wells i the time traveller for so it will be"


def plot_batching(batch_size: int = 2, num_steps: int = 5, text: str = DEMO_TEXT,
                  seed: int = 0):
    """Draw the text twice, once per scheme; each cell's colour is its batch, the label its row.

    Returns ``(figure, BatchingPicture)``. Both schemes get the same offset so
    the only difference is how the subsequences are grouped into batches.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    if not isinstance(text, str) or not text:
        raise ValueError(f"text must be a non-empty string, got {text!r}")
    need = min_corpus_length(check_int("batch_size", batch_size, minimum=1),
                             check_int("num_steps", num_steps, minimum=1))
    if len(text) < need:
        raise ValueError(f"text of {len(text)} characters is too short for "
                         f"batch_size={batch_size} and num_steps={num_steps}: need "
                         f"(batch_size + 1) * num_steps = {need}; lower one of them")
    random = batch_layout(len(text), batch_size, num_steps, "random", seed)
    sequential = batch_layout(len(text), batch_size, num_steps, "sequential", seed,
                              offset=random.offset)
    picture = BatchingPicture(random, sequential)

    cmap = plt.get_cmap("tab10")
    fig, axes = plt.subplots(2, 1, figsize=(max(8, 0.17 * len(text)), 3.4))
    for ax, lay in zip(axes, (random, sequential), strict=True):
        for p, ch in enumerate(text):
            b = int(lay.batch[p])
            color = "white" if b < 0 else cmap(b % 10)
            ax.add_patch(Rectangle((p, 0), 1, 1, facecolor=color, edgecolor="0.85",
                                   alpha=0.75 if b >= 0 else 1))
            ax.text(p + 0.5, 0.5, "␣" if ch == " " else ch, ha="center", va="center",
                    fontsize=8, color="0.6" if b < 0 else "black")
        for b, r, start in lay.subsequences():
            ax.add_patch(Rectangle((start, 0), num_steps, 1, fill=False, edgecolor="black",
                                   lw=1.2))
            ax.text(start + num_steps / 2, 1.12, f"b{b} r{r}", ha="center", va="bottom",
                    fontsize=7)
        ax.set(xlim=(0, len(text)), ylim=(0, 1.6), yticks=[])
        ax.set_title(f"{lay.scheme} {'sampling' if lay.scheme == 'random' else 'partitioning'}"
                     f": {lay.num_batches} batches (colour = batch b, r = row in the batch)",
                     fontsize=9, loc="left")
        ax.grid(False)
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
    axes[-1].set_xlabel("token position in the text (grey = not used this epoch)")
    fig.tight_layout()
    return fig, picture
