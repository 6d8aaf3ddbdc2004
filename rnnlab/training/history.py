"""One record of a training run, for every model and experiment in the course, and its figures."""

from __future__ import annotations

import dataclasses


# --------------------------------------------------------------------------- history
@dataclasses.dataclass
class History:
    """What happened in training: the one record every loop and experiment of the course returns.

    Per epoch: ``train_ppl``, ``grad_norm`` (mean before clipping),
    ``tokens_per_s`` (training only) and ``seconds`` (wall-clock of that epoch,
    validation included; ``total_seconds`` sums them). ``val_ppl[i]`` was
    measured after epoch ``val_epochs[i]``; ``val_metrics`` holds further
    validation numbers at those same epochs (e.g. each task's perplexity).
    Per step: ``step_grad_norms`` and ``step_metrics`` (what the per-batch
    hooks logged, e.g. the cosine between two tasks' gradients). ``info``
    names the run (method, mode, …); ``interrupted`` is True when the run was
    stopped by Ctrl-C or an error before its last epoch.
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

    def __post_init__(self):
        if self.val_ppl and not self.val_epochs:  # validated every epoch
            self.val_epochs = list(range(1, len(self.val_ppl) + 1))
        if len(self.val_epochs) != len(self.val_ppl):
            raise ValueError(f"val_epochs has {len(self.val_epochs)} entries but val_ppl has "
                             f"{len(self.val_ppl)}; they must pair up")

    @property
    def epochs(self) -> int:
        return len(self.train_ppl)

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
        lists = ("train_ppl", "val_ppl", "val_epochs", "grad_norm", "step_grad_norms",
                 "tokens_per_s", "seconds")
        clean = {}
        for name, value in data.items():
            if name in lists:
                if not isinstance(value, (list, tuple)):
                    raise TypeError(f"History field {name} must be a list of numbers, got "
                                    f"{value!r} ({type(value).__name__})")
                convert, what = (as_int, "integers") if name == "val_epochs" else (as_real, "numbers")
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
    """Training (and validation) perplexity per epoch; returns the Figure."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    own_figure = ax is None
    if own_figure:
        fig, ax = plt.subplots()
    else:
        fig = ax.figure
    epochs = range(1, history.epochs + 1)
    ax.plot(epochs, history.train_ppl, label="training perplexity")
    if history.val_ppl:
        ax.plot(history.val_epochs, history.val_ppl, label="validation perplexity",
                marker="." if len(history.val_ppl) < 30 else None)
    ax.set_xlabel("epoch")
    ax.set_ylabel("perplexity")
    if history.train_ppl and max(history.train_ppl + history.val_ppl) > 20 * min(
            history.train_ppl + history.val_ppl):
        ax.set_yscale("log")
    title = "Perplexity per epoch"
    if history.best_val_ppl is not None:
        title += f" (best validation {history.best_val_ppl:.2f})"
    ax.set_title(title)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend()
    if own_figure:
        fig.tight_layout()
    return fig


def plot_grad_norms(history: History, theta="history", ax=None, label: str = "gradient norm"):
    """The global gradient norm (before clipping) at every step, with θ as a dashed line."""
    import matplotlib.pyplot as plt

    own_figure = ax is None
    if own_figure:
        fig, ax = plt.subplots()
    else:
        fig = ax.figure
    if theta == "history":
        theta = history.theta
    ax.plot(range(1, len(history.step_grad_norms) + 1), history.step_grad_norms,
            label=label, linewidth=0.8)
    if theta is not None:
        ax.axhline(theta, color="tab:red", linestyle="--", label=f"θ = {theta:g}")
    ax.set_yscale("log")
    ax.set_xlabel("training step")
    ax.set_ylabel("‖g‖ (before clipping)")
    ax.set_title("Global gradient norm per step")
    ax.legend()
    if own_figure:
        fig.tight_layout()
    return fig

