"""The course's pictures, drawn by code: every function returns a matplotlib Figure and reads no file.

Lesson 00: the course map. Lesson 01: the AR and latent-AR graphs, the Markov
window. Lesson 03: "machin" → "achine", the batching picture. Lesson 04: with and
without a hidden state, one RNN step, the RNN unrolled with shared parameters, the
state policies. Lesson 07: the unrolled computational graph.

The batching picture of random sampling and sequential partitioning:

The trick: run :func:`rnnlab.seq_data_iter_random` and
:func:`rnnlab.seq_data_iter_sequential` on the *positions* ``0, 1, …, L-1``
instead of token indices. Every value in ``X`` is then the position it came
from, so we can read off which batch and which row each token lands in.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..checks import require_choice, require_int
from ..i18n import tr
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
    require_choice("scheme", scheme, SCHEMES)
    num_tokens = require_int("num_tokens", num_tokens, minimum=2)
    require_int("batch_size", batch_size, minimum=1)
    require_int("num_steps", num_steps, minimum=1)
    generator = torch.Generator().manual_seed(require_int("seed", seed, minimum=0))
    if offset is None:
        offset = int(torch.randint(0, num_steps, (1,), generator=generator))
    offset = require_int("offset", offset, minimum=0, maximum=num_steps - 1)
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
            parts.append(tr("diagrams.batching_summary", scheme=tr(f"diagrams.{lay.scheme}"),
                            batches=lay.num_batches, batch_size=lay.batch_size,
                            num_steps=lay.num_steps, offset=lay.offset, percent=100 * lay.coverage))
        return tr("diagrams.separator").join(parts)

    def _repr_markdown_(self) -> str:
        return str(self)


DEMO_TEXT = "the time machine by h g wells i the time traveller for so it will be"


def plot_batching(batch_size: int = 2, num_steps: int = 5, text: str = DEMO_TEXT,
                  seed: int = 0, width: int = 35):
    """Draw the text twice, once per scheme; each cell's colour is its batch, the label its row.

    The text wraps every ``width`` characters so that the letters stay legible on a projector.
    Returns ``(figure, BatchingPicture)``. Both schemes get the same offset so
    the only difference is how the subsequences are grouped into batches.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    if not isinstance(text, str) or not text:
        raise ValueError(f"text must be a non-empty string, got {text!r}")
    width = require_int("width", width, minimum=5, maximum=80)
    need = min_corpus_length(require_int("batch_size", batch_size, minimum=1),
                             require_int("num_steps", num_steps, minimum=1))
    if len(text) < need:
        raise ValueError(f"text of {len(text)} characters is too short for "
                         f"batch_size={batch_size} and num_steps={num_steps}: need "
                         f"(batch_size + 1) * num_steps = {need}; lower one of them")
    random = batch_layout(len(text), batch_size, num_steps, "random", seed)
    sequential = batch_layout(len(text), batch_size, num_steps, "sequential", seed,
                              offset=random.offset)
    picture = BatchingPicture(random, sequential)

    lines = -(-len(text) // width)
    cmap = plt.get_cmap("tab10")
    fig, axes = plt.subplots(2, 1, figsize=(0.36 * width + 0.6, 2 * (1.0 * lines + 0.7)))

    def where(p):  # (x, y) of position p's cell: lines run top to bottom
        return p % width, (lines - 1 - p // width) * 1.6

    for ax, lay in zip(axes, (random, sequential), strict=True):
        for p, ch in enumerate(text):
            b = int(lay.batch[p])
            x, y = where(p)
            color = "white" if b < 0 else cmap(b % 10)
            ax.add_patch(Rectangle((x, y), 1, 1, facecolor=color, edgecolor="0.85",
                                   alpha=0.75 if b >= 0 else 1))
            ax.text(x + 0.5, y + 0.5, "␣" if ch == " " else ch, ha="center", va="center",
                    fontsize=FONT, color="0.6" if b < 0 else "black")
        for b, r, start in lay.subsequences():
            p = start  # outline the subsequence, one piece per line it spans
            while p < start + num_steps:
                x, y = where(p)
                piece = min(start + num_steps - p, width - x)
                ax.add_patch(Rectangle((x, y), piece, 1, fill=False, edgecolor="black", lw=1.5))
                p += piece
            x, y = where(start)
            ax.text(x + 0.1, y + 1.05, f"b{b} r{r}", ha="left", va="bottom", fontsize=FONT - 2)
        ax.set(xlim=(0, width + 1.2), ylim=(-0.1, (lines - 1) * 1.6 + 1.55), xticks=[], yticks=[])
        name = tr("diagrams.random_sampling" if lay.scheme == "random"
                  else "diagrams.sequential_partitioning")
        ax.set_title(tr("diagrams.batching_title", scheme=name, batches=lay.num_batches),
                     fontsize=FONT, loc="left")
        ax.grid(False)
        for side in ("left", "right", "top", "bottom"):
            ax.spines[side].set_visible(False)
    axes[-1].set_xlabel(tr("diagrams.batching_xlabel", width=width), fontsize=FONT - 1)
    fig.tight_layout()
    return fig, picture


# --- drawing helpers shared by every diagram ------------------------------------------------

PARAM = "#9ecae1"      # parameters (shared weights)
HIGHLIGHT = "#fdae6b"  # what a picture asks you to look at
STATE = "#c7e9c0"      # hidden states
FONT = 13              # legible on a projector


def _canvas(figsize):
    """A figure with one axis, axes off (a diagram, not a plot)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize)
    ax.set_axis_off()
    return fig, ax


def _box(ax, x, y, text, fc="white", w=0.66, h=0.4, fontsize=10, ec="black", lw=1.0, ls="-"):
    """A rounded box centred at (x, y) with ``text`` in it."""
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02",
                                fc=fc, ec=ec, lw=lw, ls=ls))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def _op(ax, x, y, text, r=0.2, fontsize=8):
    """A circle (an operator) centred at (x, y)."""
    from matplotlib.patches import Circle

    ax.add_patch(Circle((x, y), r, fc="#fdd0a2", ec="black"))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def _arrow(ax, x0, y0, x1, y1, shrink=12, color="black", ls="-", lw=1.0, style="->", rad=0.0):
    """An arrow from (x0, y0) to (x1, y1); ``rad`` bends it."""
    ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                arrowprops={"arrowstyle": style, "lw": lw, "shrinkA": shrink, "shrinkB": shrink,
                            "color": color, "linestyle": ls,
                            "connectionstyle": f"arc3,rad={rad}"})


def arrows(fig) -> int:
    """How many arrows a diagram draws (for tests and captions)."""
    from matplotlib.text import Annotation

    return sum(isinstance(t, Annotation) and t.arrow_patch is not None
               for ax in fig.axes for t in ax.texts)


def labels(fig) -> list[str]:
    """Every non-empty text label in a diagram, titles included."""
    out = []
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts if t.get_text()]
        out += [ax.get_title(loc) for loc in ("left", "center", "right") if ax.get_title(loc)]
    return out


def _check_text(name, value, minimum):
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {value!r} ({type(value).__name__})")
    if len(value) < minimum:
        raise ValueError(f"{name} must have at least {minimum} characters, got {value!r}")
    return value


def plot_unrolled_graph(num_steps: int = 3):
    """Lesson 07. The computational graph of a ``num_steps``-step RNN, as in d2l Fig. 9.7.2.

    Boxes are variables, shaded boxes parameters, circles operators; arrows
    follow the forward pass (backpropagation walks them in reverse).
    """
    num_steps = require_int("num_steps", num_steps, minimum=1, maximum=6)
    fig, ax = _canvas((2.6 * num_steps + 1.6, 4.6))

    def box(x, y, text, param=False):
        _box(ax, x, y, text, fc=PARAM if param else "white")

    def op(x, y, text):
        _op(ax, x, y, text)

    def arrow(x0, y0, x1, y1):
        _arrow(ax, x0, y0, x1, y1)

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
    ax.set_title(tr("diagrams.graph_title", num_steps=num_steps, last=_sub(num_steps)), fontsize=10)
    return fig


# --- lesson 00 ------------------------------------------------------------------------------

PREREQUISITES = (("00", "01"), ("01", "02"), ("02", "03"), ("03", "04"), ("04", "05"),
                 ("04", "06"), ("04", "07"), ("05", "08"), ("07", "08"))


def plot_course_map():
    """Lesson 00. The nine lessons as boxes; an arrow A → B means lesson B builds on lesson A."""
    fig, ax = _canvas((14, 4.4))
    dx, w = 2.35, 1.95
    pos = {f"0{i}": (dx * i, 2.0) for i in range(5)}
    pos.update({"05": (5 * dx + 0.3, 3.5), "06": (5 * dx + 0.3, 2.0), "07": (5 * dx + 0.3, 0.5),
                "08": (6 * dx + 0.6, 2.0)})
    for key, (x, y) in pos.items():
        _box(ax, x, y, f"{key}\n{tr('diagrams.lesson' + key)}", fc=PARAM if key == "04" else "white",
             w=w, h=1.1, fontsize=FONT)
    for a, b in PREREQUISITES:
        (x0, y0), (x1, y1) = pos[a], pos[b]
        _arrow(ax, x0 + w / 2, y0, x1 - w / 2, y1, shrink=2, lw=1.6)
    ax.set_xlim(-1.1, 6 * dx + 0.6 + 1.1)
    ax.set_ylim(-0.1, 4.1)
    ax.set_title(tr("diagrams.course_map_title"), fontsize=FONT)
    return fig


# --- lesson 01 ------------------------------------------------------------------------------

def plot_ar_models(tau: int = 3):
    """Lesson 01. Left: an autoregressive model, x_t from the last ``tau`` observations.
    Right: a latent autoregressive model, h_t = g(h_{t-1}, x_{t-1}) summarises the past and
    x̂_t is read from h_t (d2l Fig. 8.1.2)."""
    import matplotlib.pyplot as plt

    tau = require_int("tau", tau, minimum=1, maximum=5)
    fig, (a, b) = plt.subplots(1, 2, figsize=(13, 4.2), gridspec_kw={"width_ratios": [1, 1.3]})
    for ax in (a, b):
        ax.set_axis_off()
    # AR: tau observations, one arrow each into x_t
    for i in range(tau):
        lag = tau - i
        _box(a, i * 1.3, 0.6, f"$x_{{t-{lag}}}$", w=1.05, h=0.55, fontsize=FONT)
        _arrow(a, i * 1.3, 0.9, (tau - 1) * 0.65, 2.4, shrink=4, lw=1.4)
    _box(a, (tau - 1) * 0.65, 2.7, "$x_t$", fc=HIGHLIGHT, w=1.05, h=0.55, fontsize=FONT)
    a.set_xlim(-0.8, max(tau - 1, 1) * 1.3 + 0.8)
    a.set_ylim(0.0, 3.3)
    a.set_title(tr("diagrams.ar_title", tau=tau), fontsize=FONT)
    # latent AR: a chain of hidden states over four steps
    steps = ("t-1", "t", "t+1")
    for i, s in enumerate(steps):
        x = 1.0 + 2.0 * i
        prev = {"t-1": "t-2", "t": "t-1", "t+1": "t"}[s]
        _box(b, x - 0.7, 0.4, f"$x_{{{prev}}}$", w=1.05, h=0.55, fontsize=FONT)
        _box(b, x, 1.6, f"$h_{{{s}}}$", fc=STATE, w=0.9, h=0.55, fontsize=FONT)
        _box(b, x, 2.8, f"$\\hat{{x}}_{{{s}}}$", fc=HIGHLIGHT, w=0.9, h=0.55, fontsize=FONT)
        _arrow(b, x - 0.7, 0.68, x - 0.1, 1.32, shrink=2, lw=1.4)
        _arrow(b, x, 1.88, x, 2.52, shrink=2, lw=1.4)
        _arrow(b, x - 2.0 + 0.45, 1.6, x - 0.45, 1.6, shrink=2, lw=1.4)
    b.text(-0.75, 1.6, "…", ha="center", va="center", fontsize=FONT)
    b.set_xlim(-1.0, 6.0)
    b.set_ylim(0.0, 3.3)
    b.set_title(tr("diagrams.latent_ar_title"), fontsize=FONT)
    fig.tight_layout()
    return fig


def plot_markov_window(tau: int = 4, length: int = 10):
    """Lesson 01. A series x_1 … x_length; the prediction of the last one uses only the
    ``tau`` observations before it (highlighted): the Markov condition of order τ."""
    tau = require_int("tau", tau, minimum=1)
    length = require_int("length", length, minimum=2, maximum=16)
    if tau > length - 1:
        raise ValueError(f"tau must be <= length - 1 = {length - 1} (the window lies before x_t), "
                         f"got tau={tau}")
    fig, ax = _canvas((max(8.0, 1.05 * length + 1.0), 2.8))
    t = length
    for i in range(1, length + 1):
        lag = t - i
        label = "$x_t$" if lag == 0 else f"$x_{{t-{lag}}}$"
        inside = 1 <= lag <= tau
        fc = HIGHLIGHT if lag == 0 else (STATE if inside else "white")
        _box(ax, i, 0.8, label, fc=fc, w=0.95, h=0.6, fontsize=FONT - 2,
             ec="black" if (inside or lag == 0) else "0.6")
        if inside:
            _arrow(ax, i, 1.1, t, 1.1, shrink=3, lw=1.2, rad=-0.35)
    ax.add_patch(_window(t - tau - 0.5, 0.4, tau, 0.8))
    ax.text(t - tau / 2 - 0.5, 0.15, tr("diagrams.markov_window", tau=tau),
            ha="center", va="center", fontsize=FONT - 1)
    ax.set_xlim(0.3, length + 0.7)
    ax.set_ylim(-0.1, 2.5)
    ax.set_title(tr("diagrams.markov_title", tau=tau), fontsize=FONT)
    return fig


def _window(x, y, w, h):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, fill=False, ec="#d94801", lw=2.5, ls="--")


# --- lesson 03 ------------------------------------------------------------------------------

def plot_char_lm(text: str = "machine"):
    """Lesson 03. A character language model reading ``text[:-1]`` and predicting ``text[1:]``:
    at every step the input is one character, the target the next one (d2l Fig. 9.4.2)."""
    text = _check_text("text", text, minimum=2)
    if len(text) > 12:
        raise ValueError(f"text must have at most 12 characters to fit the picture, got {text!r}")
    n = len(text) - 1
    fig, ax = _canvas((max(7.0, 1.4 * n + 1.5), 4.0))
    for i in range(n):
        x = 1.4 * i
        ch_in, ch_out = text[i], text[i + 1]
        _box(ax, x, 0.4, repr(ch_in)[1:-1] or " ", w=0.8, h=0.55, fontsize=FONT + 2)
        _box(ax, x, 1.6, f"$H_{{{i + 1}}}$", fc=STATE, w=0.8, h=0.55, fontsize=FONT)
        _box(ax, x, 2.8, repr(ch_out)[1:-1] or " ", fc=HIGHLIGHT, w=0.8, h=0.55, fontsize=FONT + 2)
        _arrow(ax, x, 0.68, x, 1.32, shrink=2, lw=1.4)
        _arrow(ax, x, 1.88, x, 2.52, shrink=2, lw=1.4)
        if i:
            _arrow(ax, x - 1.0, 1.6, x - 0.4, 1.6, shrink=2, lw=1.4)
    for y, name in ((0.4, tr("diagrams.input")), (1.6, tr("diagrams.hidden_state")),
                    (2.8, tr("diagrams.target"))):
        ax.text(-0.75, y, name, ha="right", va="center", fontsize=FONT - 1)
    ax.set_xlim(-2.2, 1.4 * (n - 1) + 0.7)
    ax.set_ylim(-0.1, 3.4)
    ax.set_title(tr("diagrams.char_lm_title", read=repr(text[:-1]), predict=repr(text[1:])),
                 fontsize=FONT)
    return fig


# --- lesson 04 ------------------------------------------------------------------------------

def plot_hidden_state():
    """Lesson 04. Left: an MLP, H = φ(X W_xh + b_h), no memory between inputs. Right: an RNN,
    H_t = φ(X_t W_xh + H_{t-1} W_hh + b_h): the hidden state loops back to the next step."""
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.4))
    for ax, rnn in ((a, False), (b, True)):
        ax.set_axis_off()
        x_label, h_label, o_label = ("$X_t$", "$H_t$", "$O_t$") if rnn else ("$X$", "$H$", "$O$")
        _box(ax, 0, 0.4, x_label, w=1.1, h=0.55, fontsize=FONT)
        _box(ax, 0, 1.7, h_label, fc=STATE if rnn else "white", w=1.1, h=0.55, fontsize=FONT)
        _box(ax, 0, 3.0, o_label, fc=HIGHLIGHT, w=1.1, h=0.55, fontsize=FONT)
        _arrow(ax, 0, 0.68, 0, 1.42, shrink=2, lw=1.4)
        _arrow(ax, 0, 1.98, 0, 2.72, shrink=2, lw=1.4)
        ax.text(0.15, 1.05, "$W_{xh}$", fontsize=FONT - 1, va="center")
        ax.text(0.15, 2.35, "$W_{hq}$", fontsize=FONT - 1, va="center")
        if rnn:
            _box(ax, -1.9, 1.7, "$H_{t-1}$", fc=STATE, w=1.1, h=0.55, fontsize=FONT, ls="--")
            _arrow(ax, -1.35, 1.7, -0.55, 1.7, shrink=2, lw=1.4)
            ax.text(-0.95, 1.85, "$W_{hh}$", fontsize=FONT - 1, ha="center", va="bottom")
            _arrow(ax, 0.55, 1.8, 1.6, 1.8, shrink=2, lw=1.4, ls="--")
            ax.text(1.7, 1.8, tr("diagrams.to_next_step"), fontsize=FONT - 2, va="center")
            ax.set_title(tr("diagrams.with_state") + "\n$H_t = \\varphi(X_t W_{xh} + H_{t-1} W_{hh} + b_h)$",
                         fontsize=FONT)
        else:
            ax.set_title(tr("diagrams.without_state") + "\n$H = \\varphi(X W_{xh} + b_h)$", fontsize=FONT)
        ax.set_xlim(-2.7, 2.9)
        ax.set_ylim(0.0, 3.5)
    fig.tight_layout()
    return fig


def plot_rnn_step():
    """Lesson 04. One RNN step (d2l Fig. 9.4.1): concatenate [X_t, H_{t-1}] → fully connected
    layer → tanh → H_t → output layer → O_t. The fully connected layer on the concatenation
    is X_t W_xh + H_{t-1} W_hh + b_h with [W_xh; W_hh] stacked."""
    fig, ax = _canvas((13, 3.6))
    _box(ax, 0.0, 2.3, "$X_t$", w=0.9, h=0.55, fontsize=FONT)
    _box(ax, 0.0, 0.9, "$H_{t-1}$", fc=STATE, w=0.9, h=0.55, fontsize=FONT)
    # (centre, text, colour, width): each box wide enough for its longest line at FONT - 1
    steps = [(2.1, tr("diagrams.concatenate") + "\n$[X_t, H_{t-1}]$", "white", 1.9),
             (4.75, tr("diagrams.fully_connected") + "\n$W_{xh}, W_{hh}, b_h$", PARAM, 2.2),
             (6.95, "tanh", "#fdd0a2", 1.0),
             (8.55, "$H_t$", STATE, 1.0),
             (10.55, tr("diagrams.output_layer") + "\n$W_{hq}, b_q$", PARAM, 1.9),
             (12.55, "$O_t$", HIGHLIGHT, 1.0)]
    for x, text, fc, w in steps:
        _box(ax, x, 1.6, text, fc=fc, w=w, h=1.2 if text.count("\n") > 1 else 0.9,
             fontsize=FONT - 1)
    x0 = steps[0][0] - steps[0][3] / 2
    _arrow(ax, 0.45, 2.3, x0, 1.8, shrink=2, lw=1.4)
    _arrow(ax, 0.45, 0.9, x0, 1.4, shrink=2, lw=1.4)
    for (xa, _, _, wa), (xb, _, _, wb) in zip(steps, steps[1:]):
        _arrow(ax, xa + wa / 2, 1.6, xb - wb / 2, 1.6, shrink=2, lw=1.4)
    _arrow(ax, 8.55, 1.15, 8.55, 0.35, shrink=2, lw=1.4, ls="--")
    ax.text(8.7, 0.3, tr("diagrams.state_to_next_step"), fontsize=FONT - 2, va="center")
    ax.set_xlim(-0.6, 13.3)
    ax.set_ylim(0.0, 2.9)
    ax.set_title(tr("diagrams.one_step"), fontsize=FONT)
    return fig


def plot_rnn_unrolled(num_steps: int = 3):
    """Lesson 04. The RNN unrolled over ``num_steps`` time steps: the same parameters (shaded,
    dashed lines) are used at every step; the state H_t is passed from step to step."""
    num_steps = require_int("num_steps", num_steps, minimum=1, maximum=6)
    fig, ax = _canvas((2.6 * num_steps + 3.2, 4.6))
    dx = 2.6
    _box(ax, 0.0, 1.8, "$H_0$", fc=STATE, w=0.8, h=0.5, fontsize=FONT)
    _box(ax, dx * (num_steps + 1) / 2, 4.0, tr("diagrams.shared"), fc=PARAM, w=4.4, h=0.55, fontsize=FONT)
    for t in range(1, num_steps + 1):
        x = dx * t
        _box(ax, x, 0.4, f"$X_{{{t}}}$", w=0.8, h=0.5, fontsize=FONT)
        _box(ax, x, 1.8, tr("diagrams.rnn_cell"), fc="white", w=1.2, h=0.6, fontsize=FONT - 1)
        _box(ax, x, 3.0, f"$O_{{{t}}}$", fc=HIGHLIGHT, w=0.8, h=0.5, fontsize=FONT)
        _arrow(ax, x, 0.65, x, 1.5, shrink=2, lw=1.4)
        _arrow(ax, x, 2.1, x, 2.75, shrink=2, lw=1.4)
        _arrow(ax, x - dx + (0.4 if t == 1 else 0.6), 1.8, x - 0.6, 1.8, shrink=2, lw=1.4)
        ax.text(x - dx / 2 + 0.1, 1.95, f"$H_{{{t - 1}}}$" if t > 1 else "", ha="center",
                va="bottom", fontsize=FONT - 2)
        ax.plot([dx * (num_steps + 1) / 2, x + 0.45], [3.72, 2.1], ls=":", color="#3182bd", lw=1.5)
    _arrow(ax, dx * num_steps + 0.6, 1.8, dx * num_steps + 1.6, 1.8, shrink=2, lw=1.4, ls="--")
    ax.text(dx * num_steps + 1.1, 1.95, f"$H_{{{num_steps}}}$", ha="center", va="bottom",
            fontsize=FONT - 2)
    ax.set_xlim(-0.6, dx * num_steps + 1.9)
    ax.set_ylim(0.0, 4.5)
    ax.set_title(tr("diagrams.unrolled_title", num_steps=num_steps), fontsize=FONT)
    return fig


def plot_state_policies(num_batches: int = 3):
    """Lesson 04. Top: sequential partitioning, where batch i+1 continues the text of batch i,
    so the final state is carried into the next batch, detached (no gradient flows back across
    the cut). Bottom: random sampling, where batches are unrelated, so each starts fresh (H = 0)."""
    import matplotlib.pyplot as plt

    num_batches = require_int("num_batches", num_batches, minimum=2, maximum=5)
    fig, axes = plt.subplots(2, 1, figsize=(3.2 * num_batches + 1.5, 4.6))
    for ax, scheme in zip(axes, ("sequential", "random"), strict=True):
        ax.set_axis_off()
        for i in range(num_batches):
            x = 3.2 * i + 1.5
            _box(ax, x, 0.6, tr("diagrams.batch", i=i + 1), w=1.8, h=0.6, fontsize=FONT)
            if scheme == "sequential":
                if i == 0:
                    _box(ax, x - 1.4, 0.6, "$H=0$", fc=STATE, w=0.8, h=0.5, fontsize=FONT - 2)
                    _arrow(ax, x - 1.0, 0.6, x - 0.9, 0.6, shrink=1, lw=1.4)
                else:
                    _arrow(ax, x - 2.3, 0.6, x - 0.9, 0.6, shrink=2, lw=1.6, ls="--", color="#d94801")
                    ax.text(x - 1.6, 0.78, tr("diagrams.carry_detach"), ha="center", va="bottom",
                            fontsize=FONT - 3, color="#d94801")
            else:
                _box(ax, x - 1.4, 0.6, "$H=0$", fc=STATE, w=0.8, h=0.5, fontsize=FONT - 2)
                _arrow(ax, x - 1.0, 0.6, x - 0.9, 0.6, shrink=1, lw=1.4)
        ax.set_xlim(-0.5, 3.2 * num_batches)   # the first H=0 box reaches -0.32
        ax.set_ylim(0.0, 1.4)
        title = tr(f"diagrams.policy_{scheme}")
        ax.set_title(title, fontsize=FONT - 1, loc="left")
    fig.tight_layout()
    return fig


def _sub(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
