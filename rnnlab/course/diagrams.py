"""A picture of how random sampling and sequential partitioning cut a text into minibatches.

The trick: run :func:`rnnlab.seq_data_iter_random` and
:func:`rnnlab.seq_data_iter_sequential` on the *positions* ``0, 1, …, L-1``
instead of token indices. Every value in ``X`` is then the position it came
from, so we can read off which batch and which row each token lands in.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..checks import check_choice, check_int
from ..text.minibatches import min_corpus_length, seq_data_iter_random, seq_data_iter_sequential

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


def plot_unrolled_graph(num_steps: int = 3):
    """The computational graph of a ``num_steps``-step RNN, as in d2l Fig. 9.7.2.

    Boxes are variables, shaded boxes parameters, circles operators; arrows
    follow the forward pass (backpropagation walks them in reverse).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, FancyBboxPatch

    num_steps = check_int("num_steps", num_steps, minimum=1, maximum=6)
    fig, ax = plt.subplots(figsize=(2.6 * num_steps + 1.6, 4.6))
    ax.set_axis_off()

    def box(x, y, text, param=False):
        ax.add_patch(FancyBboxPatch((x - 0.33, y - 0.2), 0.66, 0.4, boxstyle="round,pad=0.02",
                                    fc="#9ecae1" if param else "white", ec="black"))
        ax.text(x, y, text, ha="center", va="center", fontsize=10)

    def op(x, y, text):
        ax.add_patch(Circle((x, y), 0.2, fc="#fdd0a2", ec="black"))
        ax.text(x, y, text, ha="center", va="center", fontsize=8)

    def arrow(x0, y0, x1, y1):
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops={"arrowstyle": "->", "lw": 1.0, "shrinkA": 12, "shrinkB": 12})

    dx = 2.6
    box(0.2, 2.0, "h₀")
    for t in range(1, num_steps + 1):
        x = 0.2 + dx * t
        box(x - 1.2, 0.3, f"x{_sub(t)}")
        box(x - 0.5, 0.9, "W_xh", param=True)
        box(x - 1.25, 2.55, "W_hh", param=True)
        op(x - 0.6, 2.0, "tanh")
        box(x, 2.0, f"h{_sub(t)}")
        box(x + 0.75, 3.15, "W_hq", param=True)
        op(x, 3.0, "·W")
        box(x, 3.8, f"o{_sub(t)}")
        box(x + 0.9, 4.4, f"y{_sub(t)}")
        op(x, 4.6, "CE")
        box(x, 5.3, f"ℓ{_sub(t)}")
        arrow(x - dx, 2.0, x - 0.6, 2.0)
        arrow(x - 1.2, 0.3, x - 0.6, 2.0)
        arrow(x - 0.5, 0.9, x - 0.6, 2.0)
        arrow(x - 1.25, 2.55, x - 0.6, 2.0)
        arrow(x - 0.6, 2.0, x, 2.0)
        arrow(x, 2.0, x, 3.0)
        arrow(x + 0.75, 3.15, x, 3.0)
        arrow(x, 3.0, x, 3.8)
        arrow(x, 3.8, x, 4.6)
        arrow(x + 0.9, 4.4, x, 4.6)
        arrow(x, 4.6, x, 5.3)
    ax.set_xlim(-0.4, 0.8 + dx * num_steps + 0.8)
    ax.set_ylim(-0.1, 5.7)
    ax.set_title(f"RNN unrolled over {num_steps} steps: L = mean(ℓ₁ … ℓ{_sub(num_steps)}) "
                 "(shaded = parameters, circles = operators)", fontsize=10)
    return fig


def _sub(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
