"""The one training loop: every sequence model and every experiment of the course runs on it.

Per batch: a state (fresh, or the previous batch's final state carried and
detached — the *state policy*), the forward pass, the loss, ``backward``, the
per-batch hooks (measuring, or changing the gradients: PCGrad surgery, …),
clipping by the global norm θ, and the optimizer step. Per epoch: training
perplexity, validation on held-out text, and the epoch hooks, all recorded in
one :class:`~rnnlab.training.history.History`.

The hooks are where experiments differ, so no experiment needs a loop of its own:

* ``forward(model, X, state) -> (outputs, state)`` replaces ``model(X, state)``
  (lesson 07: truncated BPTT scales the gradient that flows through the state);
* ``backward(step)`` replaces ``step.loss.backward()`` (lesson 08: PCGrad
  takes one gradient per task and combines them);
* ``on_batch(step)`` runs after ``backward``, before clipping and the update
  (log a measurement with ``step.log(name, value)``);
* ``on_epoch(epoch, history, model)`` runs after each epoch; ``False`` stops.

A loss function may return one loss, a dict ``{task: loss}`` or a tuple of
per-task losses (summed for the default ``backward``; a dict names the tasks in
the history); the model's outputs and the loader's targets are then tuples too.
"""

from __future__ import annotations

import dataclasses
import math
import time

import torch
from torch import nn
from torch.nn import functional as F

from ..checks import require_bool, require_choice, require_int, require_positive_float
from ..device import resolve_device
from ..gradients.clipping import clip_global_norm, require_theta
from ..i18n import tr
from ..metrics import perplexity
from ..models import detach_state, model_device
from .history import History, plot_history
from .interrupts import RunGuard, TrainingInterrupted  # noqa: F401  (TrainingInterrupted: re-exported)

OPTIMIZERS = ("sgd", "adam")
STATE_POLICIES = ("fresh", "carry")
#: Redraw a live plot at most this often (drawing costs time too).
LIVE_PLOT_INTERVAL_S = 0.5


class TrainingDiverged(RuntimeError):
    """Lesson 04. The loss (or the gradient norm) became NaN or infinite.

    ``history`` holds every epoch completed before it happened.
    """

    def __init__(self, epoch: int, batch: int, what: str, value: float, theta, lr, history=None):
        self.epoch, self.batch, self.history = epoch, batch, history
        hint = ("turn on gradient clipping (theta=1.0, say)" if theta is None
                else f"clip harder (a smaller theta than {theta:g})")
        lr_hint = f" or a smaller learning rate than lr={lr:g}" if isinstance(lr, float) else ""
        kept = ("" if history is None else
                f" The {history.epochs} complete epoch(s) before it are in exc.history.")
        super().__init__(f"training diverged at epoch {epoch}, batch {batch}: the {what} is "
                         f"{value}. Try {hint}{lr_hint}.{kept}")


@dataclasses.dataclass
class Step:
    """Lesson 04. What a per-batch hook sees: the batch, its loss, the model, and where the run is."""

    model: nn.Module
    params: list
    X: torch.Tensor
    Y: object                # targets, time-major (a tensor, or a tuple for several tasks)
    outputs: object
    loss: torch.Tensor       # what the default backward differentiates (the sum over tasks)
    task_losses: tuple       # one loss per task ((loss,) for one task)
    epoch: int
    batch: int
    step: int                # counts batches over the whole run, from 1
    history: History
    task_names: tuple | None = None   # the tasks, when the loss returned a dict or a tuple

    def log(self, name: str, value) -> None:
        """Record one number for this step in ``history.step_metrics[name]``."""
        if isinstance(value, torch.Tensor):
            value = value.detach()
        self.history.step_metrics.setdefault(name, []).append(float(value))


def state_policy(loader, state: str | None) -> str:
    """Lesson 04. ``"fresh"`` or ``"carry"``: as given, or from a :class:`SeqDataLoader`'s sampling scheme."""
    if state is not None:
        return require_choice("state", state, STATE_POLICIES)
    from ..text.minibatches import SeqDataLoader

    if isinstance(loader, SeqDataLoader):
        # random sampling: neighbouring batches are unrelated, so a carried state would lie
        return "fresh" if loader.use_random_iter else "carry"
    raise ValueError(f"state must be 'fresh' or 'carry' for a loader of type "
                     f"{type(loader).__name__} (only a SeqDataLoader says which it needs)")


def _time_major(Y, device):
    # outputs are time-major (step 0 of every row, then step 1, ...), so targets are too.
    if isinstance(Y, (tuple, list)):
        return tuple(_time_major(y, device) for y in Y)
    return Y.T.reshape(-1).to(device)


def _tokens(Y) -> int:
    return (Y[0] if isinstance(Y, tuple) else Y).numel()


def require_targets(targets: torch.Tensor, num_classes: int) -> None:
    """Lesson 04. Integer class indices in ``[0, num_classes)``, or an error naming the bad target.

    The range is read only for tensors on the CPU (on a GPU it would wait for the device
    at every batch); there torch's own check still stops the run.
    """
    if not isinstance(targets, torch.Tensor):
        raise TypeError(f"targets must be a tensor of class indices, got {type(targets).__name__}")
    if targets.dtype == torch.bool or targets.dtype.is_floating_point or targets.dtype.is_complex:
        raise TypeError(f"targets must hold integer token indices, got dtype {targets.dtype}")
    if targets.device.type == "cpu" and targets.numel():
        lo, hi = int(targets.min()), int(targets.max())
        if lo < 0 or hi >= num_classes:
            bad = lo if lo < 0 else hi
            raise IndexError(f"the targets hold token index {bad}, but the model predicts "
                             f"{num_classes} classes (indices 0 to {num_classes - 1}); were the "
                             "targets made with another vocabulary?")


def cross_entropy(outputs, targets):
    """Lesson 04. The course's loss: mean cross-entropy in nats per task (a tuple when there are several)."""
    if isinstance(outputs, (tuple, list)):
        return tuple(cross_entropy(o, y) for o, y in zip(outputs, targets, strict=True))
    require_targets(targets, outputs.shape[-1])
    return F.cross_entropy(outputs, targets.long())


def _named(losses) -> tuple[tuple | None, tuple]:
    """``(task names or None, losses)`` from what a loss function returned.

    One loss: ``(None, (loss,))``; a dict ``{name: loss}`` names the tasks; a tuple or
    list is ``task0``, ``task1``, ….
    """
    if isinstance(losses, dict):
        if not losses or not all(isinstance(k, str) and k for k in losses):
            raise TypeError(f"a loss returning a dict must map task names (non-empty strings) to "
                            f"losses, got keys {list(losses)!r}")
        return tuple(losses), tuple(losses.values())
    if isinstance(losses, (tuple, list)):
        if not losses:
            raise ValueError("the loss function returned an empty tuple; return one loss per task")
        return tuple(f"task{i}" for i in range(len(losses))), tuple(losses)
    return None, (losses,)


def _as_tasks(losses) -> tuple:
    return _named(losses)[1]


def _forward(model, X, state):
    return model(X, state)


def _state_for(model, X, H, rows, policy, device):
    """The state for batch ``X``: fresh, or the previous batch's (of ``rows`` rows) detached.

    With ``"carry"`` a batch of another size (an uneven last batch) starts fresh: its rows
    cannot be matched to the carried ones.
    """
    if H is None or policy == "fresh" or rows != X.shape[0]:
        return model.begin_state(X.shape[0], device)
    return detach_state(H)


def _evaluate(model, loader, policy, loss, forward, device) -> tuple[tuple | None, tuple]:
    """(task names, mean loss per task) over every token ``loader`` yields; or a hook's result."""
    with RunGuard(model) as guard:
        guard.let_go()
        model.eval()
        with torch.no_grad():
            if _is_hook(loader):
                names, values = _named(loader(model))
                values = tuple(float(v) for v in values)
            else:
                totals, tokens, H, rows, names = None, 0, None, 0, None
                for X, Y in loader:
                    X, y = X.to(device), _time_major(Y, device)
                    H, rows = _state_for(model, X, H, rows, policy, device), X.shape[0]
                    outputs, H = forward(model, X, H)
                    n = _tokens(y)
                    names, losses = _named(loss(outputs, y))
                    batch_values = [float(v) * n for v in losses]
                    totals = (batch_values if totals is None
                              else [a + b for a, b in zip(totals, batch_values)])
                    tokens += n
                if tokens == 0:
                    raise ValueError("the validation loader yielded no batches; it needs more "
                                     "text than one batch")
                values = tuple(t / tokens for t in totals)
        guard.hold()
        return names, values


def evaluate(model: nn.Module, loader, *, state: str | None = None, loss=cross_entropy,
             forward=None, device=None) -> tuple[float, ...]:
    """Lesson 04. Mean loss per task over every token ``loader`` yields (token-weighted), without gradients.

    The model's train/eval mode and autograd are as before afterwards, Ctrl-C included.
    """
    device = model_device(model) if device is None else resolve_device(device)
    policy = state_policy(loader, state)
    forward = _forward if forward is None else _check_hook("forward", forward)
    return _evaluate(model, loader, policy, loss, forward, device)[1]


def evaluate_perplexity(model: nn.Module, loader, device=None, *, state: str | None = None) -> float:
    """Lesson 06. Perplexity on every token ``loader`` yields (state policy as in :func:`train`)."""
    return perplexity(sum(evaluate(model, loader, state=state, device=device)))


def stream_perplexity(model: nn.Module, tokens, start: int, *, chunk: int = 512,
                      device=None) -> float:
    """Lesson 04. Perplexity on ``tokens[start:]``, each token predicted from *all* tokens before it.

    ``exp`` of :func:`stream_loss` (which a validation hook returns: ``train(model, loader,
    lambda m: stream_loss(m, tokens, start), ...)``).
    """
    return perplexity(stream_loss(model, tokens, start, chunk=chunk, device=device))


def stream_loss(model: nn.Module, tokens, start: int, *, chunk: int = 512,
                device=None) -> float:
    """Lesson 04. Mean cross-entropy (nats) on ``tokens[start:]``, each token predicted from
    *all* tokens before it.

    The text is read as one row (batch size 1), ``chunk`` steps at a time, the
    state carried from chunk to chunk; ``tokens[:start]`` only warm the state up.
    These are the tokens ``rnnlab.text.ngram.perplexity(model, tokens, start)``
    scores, so an RNN and an n-gram model are compared on the same predictions
    (a validation loader instead starts each of its rows from a zero state and
    drops the rows' tails).
    """
    tokens = torch.as_tensor(tokens).reshape(-1)
    if tokens.dtype == torch.bool or tokens.dtype.is_floating_point or tokens.dtype.is_complex:
        raise TypeError(f"tokens must be integer token indices, got dtype {tokens.dtype}")
    tokens = tokens.long()
    start = require_int("start", start, minimum=1, maximum=max(1, len(tokens) - 1))
    if len(tokens) < 2:
        raise ValueError(f"tokens must hold at least 2 tokens, got {len(tokens)}")
    chunk = require_int("chunk", chunk, minimum=1)
    device = model_device(model) if device is None else resolve_device(device)
    total, H = 0.0, None
    with RunGuard(model) as guard:
        guard.let_go()
        model.eval()
        with torch.no_grad():
            inputs, targets = tokens[:-1], tokens[1:]   # inputs[t] predicts targets[t] = tokens[t + 1]
            for begin in range(0, len(inputs), chunk):
                X = inputs[begin:begin + chunk].reshape(1, -1).to(device)     # (1, steps)
                y = targets[begin:begin + chunk].to(device)                    # (steps,)
                H = model.begin_state(1, device) if H is None else H
                outputs, H = model(X, H)                                       # (steps, vocab)
                nll = F.cross_entropy(outputs, y, reduction="none")            # (steps,)
                first = max(0, start - 1 - begin)    # skip targets before tokens[start]
                total += float(nll[first:].sum())
        guard.hold()
        return total / (len(tokens) - start)


def _sgd_step(params, lr: float) -> None:
    # The notes' update: the loss is already a mean, so no division by batch size.
    with torch.no_grad():
        for p in params:
            if p.grad is not None:
                p -= lr * p.grad


def _updater(optimizer, params, lr):
    """A function that takes one optimizer step, for a name or an optimizer object.

    An optimizer is anything with a ``step()`` method (a ``torch.optim.Optimizer``;
    d2l's ``updater(batch_size)`` is adapted by :func:`rnnlab.compat.as_optimizer`).
    """
    if isinstance(optimizer, str):
        optimizer = require_choice("optimizer", optimizer, OPTIMIZERS)
        if optimizer == "adam":
            return torch.optim.Adam(params, lr=lr).step
        return lambda: _sgd_step(params, lr)
    step = getattr(optimizer, "step", None)
    if not callable(step):
        hint = ("; wrap d2l's updater(batch_size) with rnnlab.compat.as_optimizer(updater)"
                if callable(optimizer) else "")
        raise TypeError(f"optimizer must be one of {', '.join(map(repr, OPTIMIZERS))} or an "
                        f"optimizer with a step() method (a torch.optim.Optimizer), got "
                        f"{type(optimizer).__name__}{hint}")
    return step


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


def _check_hook(name, hook):
    if hook is not None and not callable(hook):
        raise TypeError(f"{name} must be a function or None, got {type(hook).__name__} {hook!r}")
    return hook


def _is_hook(val) -> bool:
    """A validation given as a function ``validate(model)`` rather than a loader."""
    return callable(val) and not hasattr(val, "__iter__")


def _check_val(val_loader):
    if val_loader is None or _is_hook(val_loader):
        return val_loader
    if not hasattr(val_loader, "__iter__"):
        raise TypeError(f"val_loader must be a loader of (X, Y) batches, a function "
                        f"validate(model) returning losses, or None; got "
                        f"{type(val_loader).__name__}")
    try:
        empty = len(val_loader) == 0
    except TypeError:  # a loader that does not know its length is found out after one epoch
        empty = False
    if empty:
        raise ValueError("val_loader yields no batches (its text is shorter than one batch); give "
                         "it more text, a smaller batch, or val_loader=None")
    return val_loader


def _mean_loss(values) -> float:
    return float(sum(values))


# --------------------------------------------------------------------------- the loop
def train(model: nn.Module, train_loader, val_loader=None, *, epochs: int, lr=None,
          optimizer="sgd", theta=1.0, state: str | None = None, loss=cross_entropy,
          forward=None, backward=None, on_batch=None, on_epoch=None, device=None,
          progress: bool = False, live_plot: bool = False, val_every: int = 1,
          info: dict | None = None, perplexity: bool | None = None,
          history: History | None = None) -> History:
    """Lesson 04. Train ``model`` on ``train_loader``; return its :class:`History`.

    ``optimizer``: ``"sgd"`` (the notes' update, ``p -= lr * grad``), ``"adam"``,
    or a ``torch.optim.Optimizer`` (anything with ``step()``; d2l's
    ``updater(batch_size)`` through :func:`rnnlab.compat.as_optimizer`); ``lr``
    is needed for the two names. ``theta`` is the clipping threshold (None: no
    clipping, the norm is still recorded). ``state``: ``"fresh"`` (a zero state
    for every batch) or ``"carry"`` (the previous batch's final state, detached;
    a batch of another size starts fresh); None takes it from a
    :class:`~rnnlab.text.minibatches.SeqDataLoader` (fresh for random sampling,
    carried for sequential partitioning). The hooks are described in the module
    docstring.

    Validation: ``val_loader`` is a loader (evaluated with ``loss``) or a function
    ``validate(model)`` returning losses as ``loss`` does; it runs every
    ``val_every``-th epoch and after the last. What a loss returns names the tasks:
    one loss, a dict ``{task: loss}`` or a tuple (``task0``, ``task1``, …).
    ``perplexity``: whether the loss is a cross-entropy in nats, so that perplexities
    mean something (None: only for the default ``cross_entropy``). The
    :class:`History` documents where each number goes.

    ``progress=True`` shows a tqdm bar; ``live_plot`` redraws one figure after
    each epoch; ``info`` is stored in the history. ``history``: the history of
    an earlier run of this model (from a checkpoint) to continue: training
    resumes at epoch ``history.epochs + 1`` and runs to ``epochs``.

    Ctrl-C raises :class:`TrainingInterrupted` and a diverged loss
    :class:`TrainingDiverged`; both (and any other error) carry the history of
    the complete epochs. Autograd and the model's train/eval mode are as they
    were before the call, however it ends.
    """
    with RunGuard(model) as guard:   # it starts holding: a Ctrl-C waits until let_go
        resumed = history is not None
        if resumed and not isinstance(history, History):
            raise TypeError(f"history must be a History to continue, or None; got "
                            f"{type(history).__name__}")
        history = guard.history = History() if history is None else history
        guard.let_go()   # Ctrl-C stops the run from here on, with this history
        run = _prepare(model, train_loader, val_loader, history, resumed, epochs=epochs, lr=lr,
                       optimizer=optimizer, theta=theta, state=state, loss=loss,
                       forward=forward, backward=backward, on_batch=on_batch,
                       on_epoch=on_epoch, device=device, progress=progress,
                       live_plot=live_plot, val_every=val_every, info=info,
                       perplexity=perplexity)
        # checked once, above; nothing below checks an argument again per batch
        device, policy, forward, params, step_fn, theta = (run.device, run.policy, run.forward,
                                                           run.params, run.step_fn, run.theta)
        step_count, bar = run.step_count, run.bar
        with run:   # closes its progress bar and live plot however the epochs end
            for epoch in range(run.first, run.epochs + 1):
                epoch_start = time.perf_counter()
                loss_sum, tokens, norms, H, rows, batch = 0.0, 0, [], None, 0, 0
                for batch, (X, Y) in enumerate(train_loader, start=1):
                    X, y = X.to(device), _time_major(Y, device)
                    H, rows = _state_for(model, X, H, rows, policy, device), X.shape[0]
                    outputs, H = forward(model, X, H)
                    names, task_losses = _named(loss(outputs, y))
                    total = task_losses[0] if len(task_losses) == 1 else sum(task_losses)
                    loss_value = float(total.detach())
                    if not math.isfinite(loss_value):
                        raise TrainingDiverged(epoch, batch, "loss", loss_value, theta, lr, history)
                    for p in params:
                        p.grad = None  # forget the previous batch's gradients
                    step_count += 1
                    step = Step(model, params, X, y, outputs, total, task_losses, epoch, batch,
                                step_count, history, names)
                    if backward is None:
                        total.backward()
                    else:
                        backward(step)
                    if on_batch is not None:
                        on_batch(step)
                    norm = clip_global_norm(params, theta)  # the norm before clipping
                    if not math.isfinite(norm):
                        raise TrainingDiverged(epoch, batch, "gradient norm", norm, theta, lr,
                                               history)
                    step_fn()
                    norms.append(norm)
                    n = _tokens(y)
                    loss_sum += loss_value * n
                    tokens += n
                    if bar is not None:
                        bar.update(1)
                _end_epoch(run, model, history, epoch, batch, step_count, loss_sum, tokens, norms,
                           len(task_losses) if tokens else 0, epoch_start)
                stop = on_epoch is not None and on_epoch(epoch, history, model) is False
                history.mark_complete()   # with what the hook recorded (cut short: taken back)
                if stop:
                    break
        guard.hold()   # from here a Ctrl-C waits until the caller's state is restored
        return history


@dataclasses.dataclass
class _Run:
    """A run's checked settings and what it set up (the optimizer step, a bar, a live plot)."""

    first: int
    epochs: int
    device: torch.device
    policy: str
    val_loader: object
    val_policy: str
    forward: object
    loss: object
    params: list
    step_fn: object
    lr: object
    theta: float | None
    val_every: int
    in_nats: bool
    step_count: int
    bar: object = None
    plot: object = None

    history: object = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
        if self.plot is not None:
            self.plot.close(self.history)
        return False


def _prepare(model, train_loader, val_loader, history, resumed, *, epochs, lr, optimizer, theta,
             state, loss, forward, backward, on_batch, on_epoch, device, progress, live_plot,
             val_every, info, perplexity) -> _Run:
    """Check every argument of :func:`train` once and set the run up."""
    epochs = require_int("epochs", epochs, minimum=1)
    first = history.epochs + 1
    if resumed and first > epochs:
        raise ValueError(f"epochs={epochs} but the history to continue already holds "
                         f"{history.epochs} epochs; ask for more epochs")
    if isinstance(optimizer, str):
        optimizer = require_choice("optimizer", optimizer, OPTIMIZERS)
        lr = require_positive_float("lr", lr)
    theta = require_theta(theta)
    val_every = require_int("val_every", val_every, minimum=1)
    policy = state_policy(train_loader, state)
    val_loader = _check_val(val_loader)
    # validation follows its own loader's scheme when it is a SeqDataLoader, else training's
    val_policy = (state_policy(val_loader, None) if _is_seq_loader(val_loader) else policy)
    for name, hook in (("loss", loss), ("forward", forward), ("backward", backward),
                       ("on_batch", on_batch), ("on_epoch", on_epoch)):
        _check_hook(name, hook)
    progress = require_bool("progress", progress)
    live_plot = require_bool("live_plot", live_plot)
    if info is not None and not isinstance(info, dict):
        raise TypeError(f"info must be a dict or None, got {type(info).__name__}")
    in_nats = (loss is cross_entropy if perplexity is None
               else require_bool("perplexity", perplexity))
    try:  # a loader need not know its length (d2l's own SeqDataLoader does not)
        num_batches = len(train_loader)
    except TypeError:
        num_batches = None
    if num_batches == 0:
        raise ValueError("train_loader yields no batches; it needs more text than one batch")
    device = resolve_device(device) if device is not None else model_device(model)
    params = [p for p in model.parameters() if p.requires_grad]
    step_fn = _updater(optimizer, params, lr)
    if resumed and history.theta != theta:
        raise ValueError(f"theta={theta} but the run to continue used theta={history.theta}")
    history.theta = theta
    history.info.update(info or {})
    model.to(device)
    model.train()
    torch.set_grad_enabled(True)   # even under a caller's no_grad (restored by the guard)
    run = _Run(first, epochs, device, policy, val_loader, val_policy,
               _forward if forward is None else forward, loss, params, step_fn, lr, theta,
               val_every, in_nats,
               history.epoch_steps[-1] if history.epoch_steps else len(history.step_grad_norms),
               history=history)
    run.plot = _LivePlot() if live_plot else None
    if progress:
        from tqdm.auto import tqdm

        # mininterval: a long run sends a redraw at most twice a second, not per batch
        run.bar = tqdm(total=None if num_batches is None else (epochs - first + 1) * num_batches,
                       desc=tr("progress.training"), unit=tr("progress.unit"), mininterval=0.5)
    return run


def _end_epoch(run: _Run, model, history, epoch, batch, step_count, loss_sum, tokens, norms,
               num_tasks, epoch_start) -> None:
    """Validate, then record the epoch in ``history`` (complete once ``mark_complete`` ran)."""
    train_seconds = time.perf_counter() - epoch_start
    if tokens == 0:
        raise ValueError("train_loader yielded no batches; it needs more text than one batch")
    train_loss = loss_sum / tokens
    train_ppl = perplexity(train_loss) if run.in_nats and num_tasks == 1 else None
    if train_ppl is not None and not math.isfinite(train_ppl):
        # every loss finite, yet too large to exponentiate
        raise TrainingDiverged(epoch, batch, "training perplexity", train_ppl, run.theta, run.lr,
                               history)
    val = None
    if run.val_loader is not None and (epoch % run.val_every == 0 or epoch == run.epochs):
        val = _evaluate(model, run.val_loader, run.val_policy, run.loss, run.forward, run.device)
    # Record the epoch; a Ctrl-C before mark_complete() takes all of it back (close_incomplete).
    history.train_loss.append(train_loss)
    if train_ppl is not None:
        history.train_ppl.append(train_ppl)
    history.grad_norm.append(sum(norms) / len(norms))
    history.step_grad_norms.extend(norms)
    history.tokens_per_s.append(tokens / train_seconds if train_seconds > 0 else math.inf)
    history.epoch_steps.append(step_count)
    if val is not None:
        val_names, values = val
        history.val_epochs.append(epoch)
        history.val_loss.append(_mean_loss(values))
        if run.in_nats and len(values) == 1:
            history.val_ppl.append(perplexity(values[0]))
        if len(values) > 1:
            val_names = val_names or tuple(f"task{i}" for i in range(len(values)))
            for name, v in zip(val_names, values, strict=True):
                history.val_metrics.setdefault(f"{name}_loss", []).append(v)
                if run.in_nats:
                    history.val_metrics.setdefault(f"{name}_ppl", []).append(perplexity(v))
    history.seconds.append(time.perf_counter() - epoch_start)
    history.mark_complete()   # the model holds this epoch's training: so does the history
    if run.bar is not None:
        postfix = {}
        if history.train_ppl:
            postfix[tr("progress.train_ppl")] = f"{history.train_ppl[-1]:.2f}"
        if history.val_ppl:
            postfix[tr("progress.val_ppl")] = f"{history.val_ppl[-1]:.2f}"
        run.bar.set_postfix(postfix)
    if run.plot is not None:
        run.plot.update(history, force=epoch == run.first)


def _is_seq_loader(loader) -> bool:
    from ..text.minibatches import SeqDataLoader

    return isinstance(loader, SeqDataLoader)
