"""The names the seed notes take from d2l, so their code runs as written.

Replace ``from d2l import torch as d2l`` with ``from rnnlab import compat as d2l``
and every code block of the notes runs unchanged (only the sample input ``X``,
which the notes never define, has to be made first). The functions follow
d2l's signatures; underneath they are rnnlab's own data pipeline, clipping,
training loop and text generation, so there is one implementation of each.

Two kinds of model work here: rnnlab's models (``RNNScratch``, ``RNNModel``) and
the notes' own d2l-style models — an object with ``.params`` that is called as
``net(X, state)``, or an ``nn.Module`` whose ``begin_state`` may return a bare
tensor. :func:`as_rnnlab_model` wraps the latter so rnnlab's loop can drive it.
"""

from __future__ import annotations

import math
import time

import torch
from torch import nn

from .checks import check_int, check_positive_float
from .device import try_gpu
from .generation import predict as _predict
from .gradients.clipping import grad_clipping as _clip_by_global_norm
from .models import RNNModel as _RNNModel
from .models import RNNScratch, detach_state
from .text.corpus import load_corpus_time_machine, read_time_machine, tokenize
from .text.minibatches import (
    SeqDataLoader,
    load_data_time_machine,
    seq_data_iter_random,
    seq_data_iter_sequential,
)
from .text.vocab import Vocab
from .training.loop import train as _train

__all__ = [
    "Accumulator", "Animator", "RNNModel", "RNNModelScratch", "SeqDataLoader", "Timer", "Vocab",
    "as_rnnlab_model", "grad_clipping", "load_corpus_time_machine", "load_data_time_machine",
    "predict_ch8", "read_time_machine", "seq_data_iter_random", "seq_data_iter_sequential",
    "sgd", "tokenize", "train_ch8", "train_epoch_ch8", "try_gpu",
]


# --------------------------------------------------------------------------- small utilities
class Timer:
    """Record several running times (d2l's ``Timer``): ``start``, ``stop``, ``avg``, ``sum``."""

    def __init__(self):
        self.times: list[float] = []
        self.start()

    def start(self) -> None:
        self.tik = time.perf_counter()

    def stop(self) -> float:
        """Stop the timer, record the time since ``start`` and return it."""
        self.times.append(time.perf_counter() - self.tik)
        return self.times[-1]

    def avg(self) -> float:
        return sum(self.times) / len(self.times) if self.times else 0.0

    def sum(self) -> float:
        return sum(self.times)

    def cumsum(self) -> list[float]:
        out, total = [], 0.0
        for t in self.times:
            total += t
            out.append(total)
        return out


def _as_float(x) -> float:
    # The notes add ``l * y.numel()`` with ``l`` still attached to the graph.
    return float(x.detach()) if isinstance(x, torch.Tensor) else float(x)


class Accumulator:
    """Sums over ``n`` variables (d2l's ``Accumulator``); tensors are added as plain floats."""

    def __init__(self, n: int):
        self.data = [0.0] * check_int("n", n, minimum=1)

    def add(self, *args) -> None:
        if len(args) != len(self.data):
            raise ValueError(f"add takes {len(self.data)} values (one per variable), "
                             f"got {len(args)}")
        self.data = [a + _as_float(b) for a, b in zip(self.data, args, strict=True)]

    def reset(self) -> None:
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


class Animator:
    """A light stand-in for d2l's ``Animator``: records points; :meth:`plot` draws them.

    ``add(x, ys)`` stores one x with one y per line (``None`` skips a line).
    Nothing is displayed while training, so code written for d2l runs in a
    script or a test as well as in a notebook; call :meth:`plot` for the figure.
    """

    def __init__(self, xlabel=None, ylabel=None, legend=None, xlim=None, ylim=None,
                 xscale="linear", yscale="linear", fmts=("-", "m--", "g-.", "r:"), nrows=1,
                 ncols=1, figsize=(3.5, 2.5)):
        self.xlabel, self.ylabel = xlabel, ylabel
        self.legend = list(legend) if legend else []
        self.xlim, self.ylim, self.xscale, self.yscale = xlim, ylim, xscale, yscale
        self.fmts, self.figsize = fmts, figsize
        self.X: list[list] = []
        self.Y: list[list] = []

    def add(self, x, y) -> None:
        ys = list(y) if isinstance(y, (list, tuple)) else [y]
        xs = list(x) if isinstance(x, (list, tuple)) else [x] * len(ys)
        if len(xs) != len(ys):
            raise ValueError(f"add needs one x per y or a single x, got {len(xs)} x and "
                             f"{len(ys)} y")
        while len(self.X) < len(ys):
            self.X.append([])
            self.Y.append([])
        for i, (a, b) in enumerate(zip(xs, ys, strict=True)):
            if a is not None and b is not None:
                self.X[i].append(float(a))
                self.Y[i].append(float(b))

    def plot(self):
        """A matplotlib Figure of every recorded line."""
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=self.figsize)
        for i, (xs, ys) in enumerate(zip(self.X, self.Y, strict=True)):
            label = self.legend[i] if i < len(self.legend) else None
            ax.plot(xs, ys, self.fmts[i % len(self.fmts)], label=label)
        ax.set_xlabel(self.xlabel or "")
        ax.set_ylabel(self.ylabel or "")
        ax.set_xscale(self.xscale)
        ax.set_yscale(self.yscale)
        if self.xlim:
            ax.set_xlim(self.xlim)
        if self.ylim:
            ax.set_ylim(self.ylim)
        if self.legend:
            ax.legend()
        return fig


def sgd(params, lr, batch_size) -> None:
    """Minibatch SGD as d2l writes it: ``p -= lr * p.grad / batch_size``, then zero the grads."""
    lr = check_positive_float("lr", lr)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad / batch_size
            p.grad.zero_()


# --------------------------------------------------------------------------- models
class RNNModelScratch:
    """d2l's wrapper: parameters from ``get_params``, one-hot inputs, then ``forward_fn``.

    ``net(X, state)`` takes token indices of shape ``(batch, num_steps)``;
    ``forward_fn`` gets one-hot inputs of shape ``(num_steps, batch, vocab_size)``.
    """

    def __init__(self, vocab_size, num_hiddens, device, get_params, init_state, forward_fn):
        self.vocab_size = check_int("vocab_size", vocab_size, minimum=1)
        self.num_hiddens = check_int("num_hiddens", num_hiddens, minimum=1)
        self.params = get_params(vocab_size, num_hiddens, device)
        self.init_state, self.forward_fn = init_state, forward_fn

    def __call__(self, X, state):
        X = nn.functional.one_hot(X.T, self.vocab_size).type(torch.float32)
        return self.forward_fn(X, state, self.params)

    def begin_state(self, batch_size, device):
        return self.init_state(batch_size, self.num_hiddens, device)


def RNNModel(rnn_layer, vocab_size):  # noqa: N802 — d2l's class name
    """d2l's ``RNNModel(rnn_layer, vocab_size)``: an :class:`rnnlab.RNNModel` around the layer."""
    return _RNNModel.from_layer(rnn_layer, vocab_size)


class _D2LModel(nn.Module):
    """rnnlab's model interface around a d2l-style net (tuple state, ``parameters()``)."""

    def __init__(self, net):
        super().__init__()
        self.net = net  # registered as a submodule when it is one
        self._bare_state = False  # True when net's state is a tensor, not a tuple

    def parameters(self, recurse: bool = True):
        if isinstance(self.net, nn.Module):
            return self.net.parameters(recurse)
        return iter(self.net.params)

    def begin_state(self, batch_size: int, device=None) -> tuple:
        if device is None:
            device = next(self.parameters()).device
        state = self.net.begin_state(batch_size=batch_size, device=device)
        self._bare_state = isinstance(state, torch.Tensor)
        return (state,) if self._bare_state else tuple(state)

    def forward(self, X, state=None):
        if state is None:
            state = self.begin_state(X.shape[0])
        y_hat, state = self.net(X, state[0] if self._bare_state else state)
        return y_hat, (state,) if isinstance(state, torch.Tensor) else tuple(state)


def as_rnnlab_model(net) -> nn.Module:
    """``net`` itself if it is an rnnlab model, else a wrapper that gives it rnnlab's interface.

    A d2l-style net is either an object with ``.params``, ``begin_state(batch_size,
    device)`` and ``net(X, state)``, or an ``nn.Module`` with those two methods.
    """
    if isinstance(net, (RNNScratch, _RNNModel, _D2LModel)):
        return net
    if not callable(net) or not hasattr(net, "begin_state"):
        raise TypeError(f"net must be an rnnlab model or a d2l-style net with begin_state() that "
                        f"is called as net(X, state), got {type(net).__name__}")
    if not isinstance(net, nn.Module) and not hasattr(net, "params"):
        raise TypeError(f"net must be an nn.Module or have a .params list of tensors "
                        f"(like RNNModelScratch), got {type(net).__name__}")
    return _D2LModel(net)


def grad_clipping(net, theta) -> float:
    """Clip all gradients of ``net`` to global norm ``theta`` (d2l's signature).

    ``net`` is an ``nn.Module``, an object with ``.params`` (the notes'
    ``RNNModelScratch``) or a list of tensors. Returns the norm before clipping.
    """
    if not isinstance(net, nn.Module) and hasattr(net, "params"):
        net = net.params
    return _clip_by_global_norm(net, theta)


# --------------------------------------------------------------------------- prediction, training
def predict_ch8(prefix, num_preds, net, vocab, device=None) -> str:
    """Warm up on ``prefix``, then append ``num_preds`` greedy (argmax) predictions."""
    model = as_rnnlab_model(net)
    return _predict(prefix, num_preds, model, vocab, device=device)


def train_epoch_ch8(net, train_iter, loss, updater, device, use_random_iter):
    """One epoch with a caller-chosen ``loss`` and ``updater``; returns ``(perplexity, tokens/s)``.

    ``updater`` is a ``torch.optim.Optimizer`` or a function ``updater(batch_size)``
    (like ``lambda batch_size: sgd(net.params, lr, batch_size)``). The state is
    fresh for the first batch (and every batch with random sampling), carried
    and detached otherwise; gradients are clipped to norm 1 as in the notes.
    """
    model = as_rnnlab_model(net)
    params = list(model.parameters())
    state, timer, metric = None, Timer(), Accumulator(2)  # loss sum, tokens
    for X, Y in train_iter:
        if state is None or use_random_iter:
            state = model.begin_state(X.shape[0], device)
        else:
            state = detach_state(state)
        y = Y.T.reshape(-1).to(device)
        y_hat, state = model(X.to(device), state)
        l = loss(y_hat, y.long()).mean()  # noqa: E741 — the notes' name
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.backward()
            grad_clipping(params, 1)
            updater.step()
        else:
            l.backward()
            grad_clipping(params, 1)
            updater(batch_size=1)  # the loss is already a mean
        metric.add(float(l.detach()) * y.numel(), y.numel())
    if metric[1] == 0:
        raise ValueError("train_iter yielded no batches; it needs more text than one batch")
    return math.exp(metric[0] / metric[1]), metric[1] / timer.stop()


class _Loader:
    """A loader seen through d2l's ``use_random_iter`` flag (fresh state for every batch)."""

    def __init__(self, loader, use_random_iter: bool):
        self.loader, self.use_random_iter = loader, bool(use_random_iter)

    def __iter__(self):
        return iter(self.loader)

    def __len__(self) -> int:
        return len(self.loader)


def train_ch8(net, train_iter, vocab, lr, num_epochs, device=None, use_random_iter=False,
              theta=1.0, verbose=True, animator=None):
    """d2l's ``train_ch8`` on rnnlab's training loop (SGD, clipping θ = 1); returns the History.

    Prints a greedy continuation of "time traveller" every 10 epochs and, at
    the end, the final perplexity and speed, as d2l does (``verbose=False``:
    silent). The perplexity per epoch is in ``history.train_ppl``, and is also
    added to ``animator`` (an :class:`Animator`) when one is given.
    """
    model = as_rnnlab_model(net)
    device = next(model.parameters()).device if device is None else device

    def predict(prefix):
        return predict_ch8(prefix, 50, model, vocab, device)

    def each_epoch(epoch, history, _model):
        if animator is not None:
            animator.add(epoch, [history.train_ppl[-1]])
        if verbose and epoch % 10 == 0:
            print(predict("time traveller"))

    loader = _Loader(train_iter, use_random_iter)
    history = _train(model, loader, epochs=num_epochs, lr=lr, optimizer="sgd", theta=theta,
                     device=device, progress=False, callback=each_epoch)
    if verbose:
        print(f"perplexity {history.train_ppl[-1]:.1f}, "
              f"{history.tokens_per_s[-1]:.1f} tokens/sec on {device}")
        print(predict("time traveller"))
        print(predict("traveller"))
    return history
