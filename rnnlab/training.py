"""One training loop for every model in :mod:`rnnlab.models`.

Per batch: start a fresh state (random sampling, or the first batch) or carry
the previous batch's final state, detached (sequential partitioning); compute
the mean cross-entropy over all ``batch * num_steps`` predictions; backprop;
clip the gradients by their global norm; take a step of SGD or Adam.

Per epoch the loop records training perplexity, validation perplexity on
held-out text, the mean gradient norm (before clipping), tokens per second and
seconds, in a :class:`History`.
"""

from __future__ import annotations

import dataclasses
import math
import time
import warnings

import torch
from torch import nn
from torch.nn import functional as F

from .checks import check_choice, check_int, check_positive_float
from .clipping import check_theta, grad_clipping
from .device import resolve_device
from .models import RNNScratch, detach_state, model_device
from .sampling import load_data_time_machine_split

OPTIMIZERS = ("sgd", "adam")
#: Turn the progress bar on automatically when the run looks longer than this.
AUTO_PROGRESS_SECONDS = 3.0
#: Redraw a live plot at most this often (drawing costs time too).
LIVE_PLOT_INTERVAL_S = 0.5


class TrainingDiverged(RuntimeError):
    """The loss (or the gradient norm) became NaN or infinite."""

    def __init__(self, epoch: int, batch: int, what: str, value: float, theta, lr: float):
        self.epoch, self.batch = epoch, batch
        hint = ("turn on gradient clipping (theta=1.0, say)" if theta is None
                else f"clip harder (a smaller theta than {theta:g})")
        super().__init__(
            f"training diverged at epoch {epoch}, batch {batch}: the {what} is {value}. "
            f"Try {hint} or a smaller learning rate than lr={lr:g}.")


# --------------------------------------------------------------------------- history
@dataclasses.dataclass
class History:
    """What happened in training, one entry per epoch (``step_grad_norms``: one per batch).

    ``val_ppl[i]`` was measured after epoch ``val_epochs[i]`` (every epoch
    unless ``train(..., val_every=k)``). ``seconds`` is the wall-clock time of
    each epoch including validation; ``tokens_per_s`` counts training only.
    """

    train_ppl: list = dataclasses.field(default_factory=list)
    val_ppl: list = dataclasses.field(default_factory=list)
    val_epochs: list = dataclasses.field(default_factory=list)
    grad_norm: list = dataclasses.field(default_factory=list)
    step_grad_norms: list = dataclasses.field(default_factory=list)
    tokens_per_s: list = dataclasses.field(default_factory=list)
    seconds: list = dataclasses.field(default_factory=list)
    theta: float | None = None

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
        """Plain lists and floats: safe for JSON and for a ``weights_only`` checkpoint."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> History:
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown History fields {sorted(unknown)}; known: {sorted(names)}")
        return cls(**data)

    def __repr__(self) -> str:
        best = self.best_val_ppl
        val = "" if best is None else f", best_val_ppl={best:.2f}"
        train = "" if not self.train_ppl else f", train_ppl={self.train_ppl[-1]:.2f}"
        return f"History(epochs={self.epochs}{train}{val}, seconds={self.total_seconds:.1f})"


# --------------------------------------------------------------------------- helpers
def perplexity(mean_loss: float) -> float:
    """``exp`` of the mean per-token cross-entropy (in nats); ``inf`` past what a float holds."""
    try:
        return math.exp(mean_loss)
    except OverflowError:  # a diverging run (loss > ~709 nats) is reported, not crashed
        return math.inf


def _state_for(model, loader, state, batch_size: int, device):
    """A fresh state (first batch, or random sampling) or the carried one, detached."""
    if state is None or getattr(loader, "use_random_iter", False):
        return model.begin_state(batch_size, device)
    return detach_state(state)


def _targets(Y: torch.Tensor, device) -> torch.Tensor:
    # outputs are time-major (step 0 of every row, then step 1, ...), so targets are too.
    return Y.T.reshape(-1).to(device)


def evaluate_perplexity(model: nn.Module, loader, device=None) -> float:
    """Perplexity on every token ``loader`` yields: state carried across batches, token-weighted."""
    device = model_device(model) if device is None else resolve_device(device)
    total_loss, total_tokens, state = 0.0, 0, None
    was_training = model.training
    model.eval()
    with torch.no_grad():
        for X, Y in loader:
            X, y = X.to(device), _targets(Y, device)
            state = _state_for(model, loader, state, X.shape[0], device)
            y_hat, state = model(X, state)
            total_loss += float(F.cross_entropy(y_hat, y, reduction="sum"))
            total_tokens += y.numel()
    model.train(was_training)
    if total_tokens == 0:
        raise ValueError("loader yielded no batches; it needs more text than one batch")
    return perplexity(total_loss / total_tokens)


def _sgd_step(params, lr: float) -> None:
    # The seed's update: the loss is already a mean, so no division by batch size.
    with torch.no_grad():
        for p in params:
            if p.grad is not None:
                p -= lr * p.grad


class _LivePlot:
    """One figure, redrawn in place in Jupyter (so the saved notebook keeps only the last one)."""

    def __init__(self):
        import matplotlib.pyplot as plt
        from IPython.display import display

        self.plt = plt
        self.fig, self.ax = plt.subplots()
        self.handle = display(self.fig, display_id=True)
        self.last = 0.0

    def update(self, history: History, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self.last < LIVE_PLOT_INTERVAL_S:
            return
        self.last = now
        self.ax.clear()
        plot_history(history, ax=self.ax)
        if self.handle is not None:
            self.handle.update(self.fig)

    def close(self, history: History) -> None:
        self.update(history, force=True)
        self.plt.close(self.fig)  # else Jupyter would draw it a second time at the end of the cell


def _make_bar(progress, total: int, done: int, seconds_so_far: float):
    """A tqdm bar when asked for, or (``progress=None``) when the run looks long."""
    if progress is False:
        return None
    if progress is None:
        expected = seconds_so_far / max(done, 1) * total
        if expected < AUTO_PROGRESS_SECONDS:
            return None
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=done, desc="training", unit="batch", leave=True)


# --------------------------------------------------------------------------- the loop
def train(model: nn.Module, train_loader, val_loader=None, *, epochs: int, lr: float,
          optimizer: str = "sgd", theta=1.0, device=None, progress=None, live_plot: bool = False,
          callback=None, val_every: int = 1) -> History:
    """Train any rnnlab model; return its :class:`History`.

    ``theta`` is the clipping threshold (None: no clipping). ``progress``:
    True/False for a progress bar, None to show one only when the run is long.
    ``live_plot`` redraws one perplexity figure in place after each epoch.
    ``callback(epoch, history, model)`` runs after each epoch; returning
    ``False`` stops training early. ``val_every=k`` measures validation
    perplexity only every k-th epoch (and after the last one), for long runs.
    """
    epochs = check_int("epochs", epochs, minimum=1)
    lr = check_positive_float("lr", lr)
    optimizer = check_choice("optimizer", optimizer, OPTIMIZERS)
    theta = check_theta(theta)
    val_every = check_int("val_every", val_every, minimum=1)
    if progress not in (None, True, False):
        raise ValueError(f"progress must be None (automatic), True or False, got {progress!r}")
    if len(train_loader) == 0:
        raise ValueError("train_loader yields no batches; it needs more text than one batch")
    device = resolve_device(device)
    model.to(device)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    adam = torch.optim.Adam(params, lr=lr) if optimizer == "adam" else None

    history = History(theta=theta)
    plot = _LivePlot() if live_plot else None
    bar, decided, total_steps, steps_done = None, False, epochs * len(train_loader), 0
    start = time.perf_counter()
    try:
        for epoch in range(1, epochs + 1):
            epoch_start = time.perf_counter()
            loss_sum, tokens, norms, state = 0.0, 0, [], None
            for batch, (X, Y) in enumerate(train_loader, start=1):
                X, y = X.to(device), _targets(Y, device)
                state = _state_for(model, train_loader, state, X.shape[0], device)
                y_hat, state = model(X, state)
                loss = F.cross_entropy(y_hat, y)  # mean over batch * num_steps predictions
                loss_value = float(loss.detach())
                if not math.isfinite(loss_value):
                    raise TrainingDiverged(epoch, batch, "loss", loss_value, theta, lr)
                for p in params:
                    p.grad = None  # forget the previous batch's gradients
                loss.backward()
                norm = grad_clipping(params, theta)  # the norm before clipping
                if not math.isfinite(norm):
                    raise TrainingDiverged(epoch, batch, "gradient norm", norm, theta, lr)
                if adam is not None:
                    adam.step()
                else:
                    _sgd_step(params, lr)
                norms.append(norm)
                loss_sum += loss_value * y.numel()
                tokens += y.numel()
                steps_done += 1
                if bar is None and not decided:
                    elapsed = time.perf_counter() - start
                    if progress is not None or elapsed > 0.3 or steps_done >= 10:
                        decided = True
                        bar = _make_bar(progress, total_steps, steps_done, elapsed)
                elif bar is not None:
                    bar.update(1)
            train_seconds = time.perf_counter() - epoch_start
            train_ppl = perplexity(loss_sum / tokens)
            if not math.isfinite(train_ppl):  # every loss finite, yet too large to exponentiate
                raise TrainingDiverged(epoch, batch, "training perplexity", train_ppl, theta, lr)
            history.train_ppl.append(train_ppl)
            history.grad_norm.append(sum(norms) / len(norms))
            history.step_grad_norms.extend(norms)
            history.tokens_per_s.append(tokens / train_seconds)
            if val_loader is not None and (epoch % val_every == 0 or epoch == epochs):
                history.val_ppl.append(evaluate_perplexity(model, val_loader, device))
                history.val_epochs.append(epoch)
            history.seconds.append(time.perf_counter() - epoch_start)
            if bar is not None:
                postfix = {"train_ppl": f"{history.train_ppl[-1]:.2f}"}
                if history.val_ppl:
                    postfix["val_ppl"] = f"{history.val_ppl[-1]:.2f}"
                bar.set_postfix(postfix)
            if plot is not None:
                plot.update(history, force=epoch == 1)
            if callback is not None and callback(epoch, history, model) is False:
                break
    except KeyboardInterrupt:
        # A reader who stops a long run in Jupyter keeps the model and the curves so far.
        warnings.warn(f"training interrupted after {history.epochs} complete epoch(s); "
                      "returning the history so far (the model keeps its trained weights)",
                      stacklevel=2)
    finally:
        if bar is not None:
            bar.close()
        if plot is not None:
            plot.close(history)
    return history


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


# --------------------------------------------------------------------------- recipes
@dataclasses.dataclass(frozen=True)
class Recipe:
    """Everything needed to repeat a run of :class:`RNNScratch` on *The Time Machine*.

    ``max_tokens`` limits the *training* text to the first characters of the
    book (-1: all of the training part); validation is always the last
    ``val_fraction`` of the book, so runs with different recipes are compared
    on the same held-out text (``max_val_tokens`` > 0 keeps only its start,
    for quick runs).
    """

    max_tokens: int
    batch_size: int
    num_steps: int
    num_hiddens: int
    optimizer: str
    lr: float
    theta: float | None
    epochs: int
    use_random_iter: bool = False
    val_fraction: float = 0.1
    max_val_tokens: int = -1
    seed: int = 0

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


#: The notes' recipe: first 10,000 characters, sequential batches, SGD with lr 1, θ = 1, 500 epochs.
SEED_RECIPE = Recipe(max_tokens=10_000, batch_size=32, num_steps=35, num_hiddens=512,
                     optimizer="sgd", lr=1.0, theta=1.0, epochs=500)

#: Found by measuring (2-core CPU shared with other jobs, one torch thread): validation perplexity
#: 5.89 after epoch 4 and 5.18 after epoch 8, all 8 epochs in 21-39 s depending on the load.
#: Random sampling beat sequential partitioning here (5.57 after 10 epochs); Adam with lr 0.02
#: stalled near 8.7; hidden 512 was too slow to pass 7 within a minute.
COURSE_RECIPE = Recipe(max_tokens=-1, batch_size=64, num_steps=32, num_hiddens=256,
                       optimizer="adam", lr=0.01, theta=1.0, epochs=8, use_random_iter=True)

def recipe_data(recipe: Recipe):
    """``(train_loader, val_loader, vocab)`` for a recipe."""
    train_loader, val_loader, vocab = load_data_time_machine_split(
        recipe.batch_size, recipe.num_steps, recipe.use_random_iter, max_tokens=-1,
        val_fraction=recipe.val_fraction, seed=recipe.seed)
    if recipe.max_tokens > 0:
        train_loader = type(train_loader)(
            train_loader.corpus[:recipe.max_tokens], recipe.batch_size, recipe.num_steps,
            recipe.use_random_iter, seed=recipe.seed)
    if recipe.max_val_tokens > 0:
        val = val_loader.corpus[:recipe.max_val_tokens]
        val_batch = max(1, min(recipe.batch_size, len(val) // (2 * recipe.num_steps)))
        val_loader = type(val_loader)(val, val_batch, recipe.num_steps, use_random_iter=False,
                                      seed=0, random_offset=False)
    return train_loader, val_loader, vocab


def run_recipe(recipe: Recipe, device=None, progress=None, live_plot: bool = False,
               callback=None, validate: bool = True, val_every: int = 1):
    """Train a fresh :class:`RNNScratch` by ``recipe``; return ``(history, model, vocab)``."""
    if not isinstance(recipe, Recipe):
        raise TypeError(f"recipe must be a Recipe, got {type(recipe).__name__}")
    device = resolve_device(device)
    torch.manual_seed(recipe.seed)
    train_loader, val_loader, vocab = recipe_data(recipe)
    model = RNNScratch(len(vocab), recipe.num_hiddens, device=device)
    history = train(model, train_loader, val_loader if validate else None, epochs=recipe.epochs,
                    lr=recipe.lr, optimizer=recipe.optimizer, theta=recipe.theta, device=device,
                    progress=progress, live_plot=live_plot, callback=callback,
                    val_every=val_every)
    return history, model, vocab


def quick_train(hidden: int = 64, num_steps: int = 16, theta=1.0, lr: float = 0.01,
                epochs: int = 5, max_tokens: int = 10_000, batch_size: int = 32,
                optimizer: str = "adam", max_val_tokens: int = 4_000, seed: int = 0,
                device=None, progress=True, live_plot: bool = False):
    """A few-second run for the notebooks' live panels; returns ``(history, model, vocab)``.

    Trains :class:`RNNScratch` on the first ``max_tokens`` characters of the
    book and validates on the first ``max_val_tokens`` of the held-out end of
    the book. ``progress=None`` shows a bar only when the run looks long.
    """
    recipe = Recipe(max_tokens=check_int("max_tokens", max_tokens, minimum=1),
                    batch_size=check_int("batch_size", batch_size, minimum=1),
                    num_steps=check_int("num_steps", num_steps, minimum=1),
                    num_hiddens=check_int("hidden", hidden, minimum=1),
                    optimizer=check_choice("optimizer", optimizer, OPTIMIZERS),
                    lr=check_positive_float("lr", lr), theta=check_theta(theta),
                    epochs=check_int("epochs", epochs, minimum=1),
                    max_val_tokens=check_int("max_val_tokens", max_val_tokens, minimum=-1),
                    seed=seed)
    return run_recipe(recipe, device=device, progress=progress, live_plot=live_plot)
