"""One record of a training run, for every model and experiment in the course, and its figures."""

from __future__ import annotations

import dataclasses
import math

from ..i18n import tr


# --------------------------------------------------------------------------- history
def _nats(ppl) -> float:
    return math.log(ppl) if ppl > 0 else math.nan
#: Lists with one entry per epoch (``train_ppl`` may be empty: a loss that is not in nats).
EPOCH_LISTS = ("train_loss", "train_ppl", "grad_norm", "tokens_per_s", "seconds", "epoch_steps")
#: Lists with one entry per validation, at the epochs in ``val_epochs`` (``val_ppl`` may be empty).
VAL_LISTS = ("val_loss", "val_ppl", "val_epochs")


@dataclasses.dataclass
class History:
    """Lesson 04. What happened in training: the one record every loop and experiment of the course returns.

    **One convention for every number.** Losses are stored as the loss function gave them
    (for the course's cross-entropy: nats per token); a perplexity is derived from a loss
    only where it means something — a cross-entropy in nats — so it is absent for lesson
    01's squared error and for the sum of two tasks' losses.

    Per epoch (the epoch axis, 1, 2, …): ``train_loss`` (mean over the epoch's tokens, the
    sum over tasks), ``train_ppl`` (its perplexity, or empty), ``grad_norm`` (mean before
    clipping), ``tokens_per_s`` (training only), ``seconds`` (wall-clock of that epoch,
    validation included; ``total_seconds`` sums them) and ``epoch_steps`` (steps done by
    the end of that epoch: where the epoch axis meets the step axis). Per validation:
    ``val_loss[i]``, ``val_ppl[i]`` (or empty) and ``val_metrics[name][i]`` (each task's
    ``{task}_loss``, and ``{task}_ppl`` for a cross-entropy) were measured after epoch
    ``val_epochs[i]``. Per step (the step axis, 1, 2, …): ``step_grad_norms`` and
    ``step_metrics`` (what the per-batch hooks logged). ``info`` names the run (method,
    mode, …); ``interrupted`` is True when Ctrl-C or an error stopped the run before its
    last epoch. A history holds complete epochs only (``close_incomplete``).
    """

    train_ppl: list = dataclasses.field(default_factory=list)
    val_ppl: list = dataclasses.field(default_factory=list)
    val_epochs: list = dataclasses.field(default_factory=list)
    grad_norm: list = dataclasses.field(default_factory=list)
    step_grad_norms: list = dataclasses.field(default_factory=list)
    tokens_per_s: list = dataclasses.field(default_factory=list)
    seconds: list = dataclasses.field(default_factory=list)
    theta: float | None = None
    step_metrics: dict = dataclasses.field(default_factory=dict)
    val_metrics: dict = dataclasses.field(default_factory=dict)
    info: dict = dataclasses.field(default_factory=dict)
    interrupted: bool = False
    train_loss: list = dataclasses.field(default_factory=list)
    val_loss: list = dataclasses.field(default_factory=list)
    epoch_steps: list = dataclasses.field(default_factory=list)

    def __post_init__(self):
        # a history written before losses were stored (checkpoint version 2) has perplexities only
        if self.train_ppl and not self.train_loss:
            self.train_loss = [_nats(p) for p in self.train_ppl]
        if self.val_ppl and not self.val_loss:
            self.val_loss = [_nats(p) for p in self.val_ppl]
        if self.val_loss and not self.val_epochs:  # validated every epoch
            self.val_epochs = list(range(1, len(self.val_loss) + 1))
        for name in ("val_ppl", "val_loss"):
            values = getattr(self, name)
            if values and len(self.val_epochs) != len(values):
                raise ValueError(f"val_epochs has {len(self.val_epochs)} entries but {name} has "
                                 f"{len(values)}; they must pair up")
        if self.train_ppl and len(self.train_ppl) != len(self.train_loss):
            raise ValueError(f"train_ppl has {len(self.train_ppl)} entries but train_loss has "
                             f"{len(self.train_loss)}; they must pair up")
        self.mark_complete()

    def mark_complete(self) -> None:
        """Remember every list's length: what :meth:`close_incomplete` goes back to.

        The training loop calls it once an epoch is fully recorded; the snapshot is built
        first and assigned in one step, so a Ctrl-C during the recording leaves the previous one.
        """
        self._complete = self._lengths()

    def _lengths(self) -> dict:
        lists = {name: len(getattr(self, name)) for name in
                 EPOCH_LISTS + VAL_LISTS + ("step_grad_norms",)}
        for group in ("step_metrics", "val_metrics"):
            for key, values in getattr(self, group).items():
                lists[(group, key)] = len(values)
        return lists

    def close_incomplete(self) -> None:
        """Drop what an epoch cut short had recorded (so every list lines up) and mark the run
        interrupted."""
        complete = getattr(self, "_complete", {})
        for name in EPOCH_LISTS + VAL_LISTS + ("step_grad_norms",):
            del getattr(self, name)[complete.get(name, 0):]
        for group in ("step_metrics", "val_metrics"):
            metrics = getattr(self, group)
            for key in list(metrics):
                keep = complete.get((group, key), 0)
                if keep:
                    del metrics[key][keep:]
                else:
                    del metrics[key]
        self.interrupted = True

    @property
    def epochs(self) -> int:
        """Complete epochs recorded."""
        return max(len(self.train_loss), len(self.train_ppl))

    @property
    def total_seconds(self) -> float:
        """Wall-clock seconds of the whole run (training and validation)."""
        return float(sum(self.seconds))

    @property
    def best_val_ppl(self) -> float | None:
        """The lowest validation perplexity seen, or None without validation."""
        return min(self.val_ppl) if self.val_ppl else None

    @property
    def final_train_ppl(self) -> float | None:
        return self.train_ppl[-1] if self.train_ppl else None

    def to_dict(self) -> dict:
        """Plain lists and floats: safe for JSON and for a ``weights_only`` checkpoint.

        numpy or tensor scalars that crept in (``np.float64(3.2)``) become Python numbers.
        """
        from ..checks import to_builtin

        return to_builtin(dataclasses.asdict(self), "history")

    @classmethod
    def from_dict(cls, data: dict) -> History:
        """The History that :meth:`to_dict` gave; every field is checked, with a clear error."""
        from ..checks import as_int, as_real

        if not isinstance(data, dict):
            raise TypeError(f"History.from_dict needs a dict like History.to_dict() returns, "
                            f"got {data!r} ({type(data).__name__})")
        fields = {f.name: f for f in dataclasses.fields(cls)}
        unknown = set(data) - set(fields)
        if unknown:
            raise ValueError(f"unknown History fields {sorted(unknown)}; known: {sorted(fields)}")
        lists = EPOCH_LISTS + VAL_LISTS + ("step_grad_norms",)
        clean = {}
        for name, value in data.items():
            if name in lists:
                if not isinstance(value, (list, tuple)):
                    raise TypeError(f"History field {name} must be a list of numbers, got "
                                    f"{value!r} ({type(value).__name__})")
                convert, what = ((as_int, "integers") if name in ("val_epochs", "epoch_steps")
                                 else (as_real, "numbers"))
                items = [convert(v) for v in value]
                bad = [v for v, n in zip(value, items, strict=True) if n is None]
                if bad:
                    raise TypeError(f"History field {name} must be a list of {what}; it holds "
                                    f"{bad[0]!r} ({type(bad[0]).__name__})")
                clean[name] = items
            elif name == "theta":
                if value is not None and as_real(value) is None:
                    raise TypeError(f"History field theta must be a number or None, got "
                                    f"{value!r} ({type(value).__name__})")
                clean[name] = None if value is None else as_real(value)
            elif name in ("step_metrics", "val_metrics", "info"):
                if not isinstance(value, dict):
                    raise TypeError(f"History field {name} must be a dict, got {value!r} "
                                    f"({type(value).__name__})")
                clean[name] = dict(value)
            elif name == "interrupted":
                if not isinstance(value, bool):
                    raise TypeError(f"History field interrupted must be True or False, got "
                                    f"{value!r} ({type(value).__name__})")
                clean[name] = value
            else:  # pragma: no cover - a field added to History but not here
                clean[name] = value
        return cls(**clean)

    def __repr__(self) -> str:
        best = self.best_val_ppl
        val = "" if best is None else f", best_val_ppl={best:.2f}"
        train = "" if not self.train_ppl else f", train_ppl={self.train_ppl[-1]:.2f}"
        return f"History(epochs={self.epochs}{train}{val}, seconds={self.total_seconds:.1f})"


# --------------------------------------------------------------------------- figures
def plot_history(history: History, ax=None):
    """Lesson 04. Training (and validation) perplexity per epoch (the loss where there is none);
    returns the Figure."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    own_figure = ax is None
    if own_figure:
        fig, ax = plt.subplots()
    else:
        fig = ax.figure
    epochs = range(1, history.epochs + 1)
    if history.train_ppl:   # a cross-entropy: perplexity, as the lessons read it
        train, val, what = history.train_ppl, history.val_ppl, tr("history.fig.perplexity")
        title = tr("history.fig.perplexity_title")
    else:                   # any other loss (squared error, a sum of tasks): the loss itself
        train, val, what = history.train_loss, history.val_loss, tr("history.fig.loss")
        title = tr("history.fig.loss_title")
    ax.plot(epochs, train, label=tr("history.fig.training", what=what))
    if val:
        ax.plot(history.val_epochs, val, label=tr("history.fig.validation", what=what),
                marker="." if len(val) < 30 else None)
    ax.set_xlabel(tr("history.fig.epoch"))
    ax.set_ylabel(what)
    positive = [v for v in train + val if v > 0]
    if positive and len(positive) == len(train + val) and max(positive) > 20 * min(positive):
        ax.set_yscale("log")
    if history.best_val_ppl is not None:
        title += tr("history.fig.best_validation", best=history.best_val_ppl)
    ax.set_title(title)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend()
    if own_figure:
        fig.tight_layout()
    return fig


def plot_grad_norms(history: History, theta="history", ax=None, label: str | None = None):
    """Lesson 04. The global gradient norm (before clipping) at every step, with θ as a dashed line
    (``label=None``: "gradient norm" in the reader's language)."""
    import matplotlib.pyplot as plt

    own_figure = ax is None
    if own_figure:
        fig, ax = plt.subplots()
    else:
        fig = ax.figure
    if theta == "history":
        theta = history.theta
    ax.plot(range(1, len(history.step_grad_norms) + 1), history.step_grad_norms,
            label=tr("history.fig.grad_norm") if label is None else label, linewidth=0.8)
    if theta is not None:
        ax.axhline(theta, color="tab:red", linestyle="--", label=f"θ = {theta:g}")
    ax.set_yscale("log")
    ax.set_xlabel(tr("history.fig.step"))
    ax.set_ylabel(tr("history.fig.grad_norm_ylabel"))
    ax.set_title(tr("history.fig.grad_norm_title"))
    ax.legend()
    if own_figure:
        fig.tight_layout()
    return fig

