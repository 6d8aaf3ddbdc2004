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

A loss function may return one loss or a tuple of per-task losses (summed for
the default ``backward``); the model's outputs and the loader's targets are
then tuples too.
"""

from __future__ import annotations

import dataclasses
import math
import time

import torch
from torch import nn
from torch.nn import functional as F

from ..checks import check_choice, check_int, check_positive_float
from ..device import resolve_device
from ..gradients.clipping import check_theta, grad_clipping
from ..i18n import tr
from ..metrics import perplexity
from ..models import detach_state, model_device
from .history import History, plot_history

OPTIMIZERS = ("sgd", "adam")
STATE_POLICIES = ("fresh", "carry")
#: Redraw a live plot at most this often (drawing costs time too).
LIVE_PLOT_INTERVAL_S = 0.5


class TrainingDiverged(RuntimeError):
    """The loss (or the gradient norm) became NaN or infinite.

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


class TrainingInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`train`; ``history`` holds the complete epochs (marked interrupted).

    It is a ``KeyboardInterrupt``, so a helper that trains several runs stops
    as a whole instead of carrying on with the next run.
    """

    def __init__(self, history: History):
        self.history = history
        super().__init__(f"training interrupted after {history.epochs} complete epoch(s); "
                         "exc.history holds them (the model keeps its trained weights)")


@dataclasses.dataclass
class Step:
    """What a per-batch hook sees: the batch, its loss, the model, and where the run is."""

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

    def log(self, name: str, value) -> None:
        """Record one number for this step in ``history.step_metrics[name]``."""
        if isinstance(value, torch.Tensor):
            value = value.detach()
        self.history.step_metrics.setdefault(name, []).append(float(value))


def state_policy(loader, state: str | None) -> str:
    """``"fresh"`` or ``"carry"``: as given, or from a :class:`SeqDataLoader`'s sampling scheme."""
    if state is not None:
        return check_choice("state", state, STATE_POLICIES)
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


def cross_entropy(outputs, targets):
    """The course's loss: mean cross-entropy per task (a tuple when there are several)."""
    if isinstance(outputs, (tuple, list)):
        return tuple(F.cross_entropy(o, y) for o, y in zip(outputs, targets, strict=True))
    return F.cross_entropy(outputs, targets)


def _as_tasks(losses) -> tuple:
    return tuple(losses) if isinstance(losses, (tuple, list)) else (losses,)


def _forward(model, X, state):
    return model(X, state)


def evaluate(model: nn.Module, loader, *, state: str | None = None, loss=cross_entropy,
             forward=None, device=None) -> tuple[float, ...]:
    """Mean loss per task over every token ``loader`` yields (token-weighted), without gradients."""
    device = model_device(model) if device is None else resolve_device(device)
    policy = state_policy(loader, state)
    forward = _forward if forward is None else forward
    totals, tokens, H = None, 0, None
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            for X, Y in loader:
                X, y = X.to(device), _time_major(Y, device)
                H = (model.begin_state(X.shape[0], device) if H is None or policy == "fresh"
                     else detach_state(H))
                outputs, H = forward(model, X, H)
                n = _tokens(y)
                values = [float(v) * n for v in _as_tasks(loss(outputs, y))]
                totals = values if totals is None else [a + b for a, b in zip(totals, values)]
                tokens += n
    finally:
        model.train(was_training)
    if tokens == 0:
        raise ValueError("the validation loader yielded no batches; it needs more text than one "
                         "batch")
    return tuple(t / tokens for t in totals)


def evaluate_perplexity(model: nn.Module, loader, device=None, *, state: str | None = None) -> float:
    """Perplexity on every token ``loader`` yields (state policy as in :func:`train`)."""
    return perplexity(sum(evaluate(model, loader, state=state, device=device)))


def stream_perplexity(model: nn.Module, tokens, start: int, *, chunk: int = 512,
                      device=None) -> float:
    """Lesson 04. Perplexity on ``tokens[start:]``, each token predicted from *all* tokens before it.

    The text is read as one row (batch size 1), ``chunk`` steps at a time, the
    state carried from chunk to chunk; ``tokens[:start]`` only warm the state up.
    These are the tokens ``rnnlab.text.ngram.perplexity(model, tokens, start)``
    scores, so an RNN and an n-gram model are compared on the same predictions
    (a validation loader instead starts each of its rows from a zero state and
    drops the rows' tails).
    """
    tokens = torch.as_tensor(tokens, dtype=torch.long).reshape(-1)
    start = check_int("start", start, minimum=1, maximum=max(1, len(tokens) - 1))
    if len(tokens) < 2:
        raise ValueError(f"tokens must hold at least 2 tokens, got {len(tokens)}")
    chunk = check_int("chunk", chunk, minimum=1)
    device = model_device(model) if device is None else resolve_device(device)
    was_training = model.training
    model.eval()
    total, H = 0.0, None
    try:
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
    finally:
        model.train(was_training)
    return perplexity(total / (len(tokens) - start))


def _sgd_step(params, lr: float) -> None:
    # The notes' update: the loss is already a mean, so no division by batch size.
    with torch.no_grad():
        for p in params:
            if p.grad is not None:
                p -= lr * p.grad


def _updater(optimizer, params, lr):
    """A function that takes one optimizer step, for a name, an Optimizer or d2l's updater."""
    if isinstance(optimizer, torch.optim.Optimizer):
        return optimizer.step
    if callable(optimizer) and not isinstance(optimizer, str):
        return lambda: optimizer(batch_size=1)  # d2l's updater(batch_size); the loss is a mean
    optimizer = check_choice("optimizer", optimizer, OPTIMIZERS)
    if optimizer == "adam":
        return torch.optim.Adam(params, lr=lr).step
    return lambda: _sgd_step(params, lr)


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


# --------------------------------------------------------------------------- the loop
def train(model: nn.Module, train_loader, val_loader=None, *, epochs: int, lr=None,
          optimizer="sgd", theta=1.0, state: str | None = None, loss=cross_entropy,
          forward=None, backward=None, on_batch=None, on_epoch=None, device=None,
          progress: bool = False, live_plot: bool = False, val_every: int = 1,
          info: dict | None = None) -> History:
    """Lesson 04. Train ``model`` on ``train_loader``; return its :class:`History`.

    ``optimizer``: ``"sgd"`` (the notes' update, ``p -= lr * grad``), ``"adam"``,
    a ``torch.optim.Optimizer`` or a d2l-style ``updater(batch_size)``; ``lr``
    is needed for the two names. ``theta`` is the clipping threshold (None: no
    clipping, the norm is still recorded). ``state``: ``"fresh"`` (a zero state
    for every batch) or ``"carry"`` (the previous batch's final state, detached);
    None takes it from a :class:`~rnnlab.text.minibatches.SeqDataLoader`
    (fresh for random sampling, carried for sequential partitioning). The
    hooks are described in the module docstring. ``progress=True`` shows a
    tqdm bar; ``live_plot`` redraws one perplexity figure after each epoch;
    ``val_every=k`` validates every k-th epoch (and after the last one);
    ``info`` is stored in the history (``info["tasks"]`` names the tasks of a
    multi-task loss: their validation perplexities go to ``history.val_metrics``).

    Ctrl-C raises :class:`TrainingInterrupted` and a diverged loss
    :class:`TrainingDiverged`; both carry the history of the complete epochs.
    """
    epochs = check_int("epochs", epochs, minimum=1)
    if isinstance(optimizer, str):
        optimizer = check_choice("optimizer", optimizer, OPTIMIZERS)
        lr = check_positive_float("lr", lr)
    theta = check_theta(theta)
    val_every = check_int("val_every", val_every, minimum=1)
    policy = state_policy(train_loader, state)
    # validation follows its own loader's scheme when it is a SeqDataLoader, else training's
    val_policy = (None if val_loader is None else
                  state_policy(val_loader, None) if _is_seq_loader(val_loader) else policy)
    for name, hook in (("loss", loss), ("forward", forward), ("backward", backward),
                       ("on_batch", on_batch), ("on_epoch", on_epoch)):
        _check_hook(name, hook)
    if progress not in (True, False):
        raise TypeError(f"progress must be True or False, got {progress!r}")
    try:  # a loader need not know its length (d2l's own SeqDataLoader does not)
        num_batches = len(train_loader)
    except TypeError:
        num_batches = None
    if num_batches == 0:
        raise ValueError("train_loader yields no batches; it needs more text than one batch")
    device = resolve_device(device) if device is not None else model_device(model)
    model.to(device)
    model.train()
    forward = _forward if forward is None else forward
    params = [p for p in model.parameters() if p.requires_grad]
    step_fn = _updater(optimizer, params, lr)

    history = History(theta=theta, info=dict(info or {}))
    plot = _LivePlot() if live_plot else None
    bar = None
    if progress:
        from tqdm.auto import tqdm

        # mininterval: a long run sends a redraw at most twice a second, not per batch
        bar = tqdm(total=None if num_batches is None else epochs * num_batches,
                   desc=tr("progress.training"), unit=tr("progress.unit"), mininterval=0.5)
    step_count, epoch, batch = 0, 0, 0
    try:
        for epoch in range(1, epochs + 1):
            epoch_start = time.perf_counter()
            loss_sum, tokens, norms, H = 0.0, 0, [], None
            for batch, (X, Y) in enumerate(train_loader, start=1):
                X, y = X.to(device), _time_major(Y, device)
                H = (model.begin_state(X.shape[0], device) if H is None or policy == "fresh"
                     else detach_state(H))
                outputs, H = forward(model, X, H)
                task_losses = _as_tasks(loss(outputs, y))
                total = task_losses[0] if len(task_losses) == 1 else sum(task_losses)
                loss_value = float(total.detach())
                if not math.isfinite(loss_value):
                    raise TrainingDiverged(epoch, batch, "loss", loss_value, theta, lr, history)
                for p in params:
                    p.grad = None  # forget the previous batch's gradients
                step_count += 1
                step = Step(model, params, X, y, outputs, total, task_losses, epoch, batch,
                            step_count, history)
                if backward is None:
                    total.backward()
                else:
                    backward(step)
                if on_batch is not None:
                    on_batch(step)
                norm = grad_clipping(params, theta)  # the norm before clipping
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
            train_seconds = time.perf_counter() - epoch_start
            if tokens == 0:
                raise ValueError("train_loader yielded no batches; it needs more text than one "
                                 "batch")
            train_ppl = perplexity(loss_sum / tokens)
            if not math.isfinite(train_ppl):  # every loss finite, yet too large to exponentiate
                raise TrainingDiverged(epoch, batch, "training perplexity", train_ppl, theta, lr,
                                       history)
            val = None
            if val_loader is not None and (epoch % val_every == 0 or epoch == epochs):
                val = evaluate(model, val_loader, state=val_policy, loss=loss, forward=forward,
                               device=device)
            # Record the epoch only once it is complete, so a history is always consistent.
            history.train_ppl.append(train_ppl)
            history.grad_norm.append(sum(norms) / len(norms))
            history.step_grad_norms.extend(norms)
            history.tokens_per_s.append(tokens / train_seconds)
            if val is not None:
                history.val_ppl.append(perplexity(sum(val)))
                history.val_epochs.append(epoch)
                if len(val) > 1:
                    names = history.info.get("tasks") or [f"task{i}" for i in range(len(val))]
                    for name, v in zip(names, val, strict=True):
                        history.val_metrics.setdefault(f"{name}_ppl", []).append(perplexity(v))
            history.seconds.append(time.perf_counter() - epoch_start)
            if bar is not None:
                postfix = {tr("progress.train_ppl"): f"{train_ppl:.2f}"}
                if history.val_ppl:
                    postfix[tr("progress.val_ppl")] = f"{history.val_ppl[-1]:.2f}"
                bar.set_postfix(postfix)
            if plot is not None:
                plot.update(history, force=epoch == 1)
            if on_epoch is not None and on_epoch(epoch, history, model) is False:
                break
    except KeyboardInterrupt:
        _trim(history)
        history.interrupted = True
        raise TrainingInterrupted(history) from None
    except TrainingDiverged:
        _trim(history)
        history.interrupted = True
        raise
    except Exception as exc:
        _trim(history)
        history.interrupted = True
        exc.history = history
        if history.epochs and hasattr(exc, "add_note"):  # Python >= 3.11
            exc.add_note(f"rnnlab: the {history.epochs} complete epoch(s) before this error are "
                         "in exc.history")
        raise
    finally:
        if bar is not None:
            bar.close()
        if plot is not None:
            plot.close(history)
    return history


def _is_seq_loader(loader) -> bool:
    from ..text.minibatches import SeqDataLoader

    return isinstance(loader, SeqDataLoader)


def _trim(history: History) -> None:
    """Drop per-step entries of an epoch that did not complete, so every list lines up."""
    steps = len(history.step_grad_norms)
    for values in history.step_metrics.values():
        del values[steps:]
