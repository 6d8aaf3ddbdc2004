"""The names d2l's PyTorch code takes from ``d2l``, so the seed notes and the book's RNN chapters run.

Replace ``from d2l import torch as d2l`` with ``from rnnlab import compat as d2l``
and every code block of the notes runs unchanged (only the sample input ``X``,
which the notes never define, has to be made first), and so does the code of
the d2l chapters this course builds on: sequence models, text preprocessing,
language models and the dataset, RNN from scratch, concise RNN, and GRU, LSTM,
deep and bidirectional RNNs (tested in ``tests/compat/test_d2l_chapters.py``). The
functions follow d2l's signatures; underneath they are rnnlab's own data
pipeline, clipping, training loop and text generation, so there is one
implementation of each.

Two differences from d2l are on purpose. Nothing is downloaded: ``download``
returns the path of the Time Machine that ships inside rnnlab (after checking
its SHA-1) and refuses every other data set. And the corpus here is d2l's
exactly — the characters of all lines run together with nothing between lines,
``(len(corpus), len(vocab)) == (170580, 28)`` — while rnnlab's own
:func:`rnnlab.load_corpus_time_machine` keeps a space between lines
(173,427 characters), so that the last word of a line and the first of the
next stay two words; lesson 02 explains the difference.

Two kinds of model work here: rnnlab's models (``RNNScratch``, ``RNNModel``) and
the notes' own d2l-style models — an object with ``.params`` that is called as
``net(X, state)``, or an ``nn.Module`` whose ``begin_state`` may return a bare
tensor. :func:`as_rnnlab_model` wraps the latter so rnnlab's loop can drive it.
"""

from __future__ import annotations

import os
import time
from importlib import resources

import torch
from torch import nn
from torch.utils import data as _torch_data

from .checks import require_choice, require_int, require_positive_float
from .device import try_gpu
from .generation import predict as _predict
from .gradients.clipping import grad_clipping as _clip_by_global_norm
from .i18n import tr as _tr
from .models import RNNModel as _RNNModel
from .models import RNNScratch
from .text.corpus import read_data_file, read_time_machine, tokenize
from .text.minibatches import SeqDataLoader, seq_data_iter_random, seq_data_iter_sequential
from .text.vocab import Vocab as _Vocab
from .training.loop import train as _train

__all__ = [
    # utilities, models, prediction and training
    "Accumulator", "Animator", "RNNModel", "RNNModelScratch", "SeqDataLoader", "Timer", "Vocab",
    "as_optimizer", "as_rnnlab_model", "grad_clipping", "predict_ch8", "sgd", "train_ch8", "train_epoch_ch8",
    "try_gpu",
    # data
    "DATA_HUB", "DATA_URL", "download", "load_array", "load_corpus_time_machine",
    "load_data_time_machine", "read_time_machine", "seq_data_iter_random",
    "seq_data_iter_sequential", "tokenize",
    # sequence models (d2l 8.1) and the linear-regression helpers they come from
    "evaluate_loss", "linreg", "squared_loss",
    # plotting
    "plot", "set_axes", "set_figsize", "use_svg_display",
    # tensor aliases
    "arange", "argmax", "astype", "concat", "cos", "exp", "eye", "float32", "int32", "linspace",
    "log", "matmul", "normal", "numpy", "ones", "rand", "reduce_mean", "reduce_sum", "reshape",
    "sigmoid", "sin", "size", "stack", "tanh", "tensor", "to", "transpose", "zeros",
]


class Vocab(_Vocab):
    """rnnlab's :class:`~rnnlab.text.vocab.Vocab` with d2l's counting rule: only lists are
    lines, so a tuple of strings is one token (d2l 8.3 builds bigram and trigram
    vocabularies from tuples)."""

    line_types = (list,)


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
        self.data = [0.0] * require_int("n", n, minimum=1)

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
    lr = require_positive_float("lr", lr)
    batch_size = require_int("batch_size", batch_size, minimum=1)
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad / batch_size
            p.grad.zero_()


# --------------------------------------------------------------------------- tensor aliases
# d2l writes framework-neutral code (``d2l.zeros``, ``d2l.reshape(x, shape)``) and maps each name
# to the framework; these are its PyTorch choices. (d2l's ``abs`` is left out: here it would
# shadow Python's own ``abs``.)
ones = torch.ones
zeros = torch.zeros
tensor = torch.tensor
arange = torch.arange
linspace = torch.linspace
eye = torch.eye
normal = torch.normal
rand = torch.rand
sin = torch.sin
cos = torch.cos
tanh = torch.tanh
sigmoid = torch.sigmoid
exp = torch.exp
log = torch.log
matmul = torch.matmul
concat = torch.cat
stack = torch.stack
int32 = torch.int32
float32 = torch.float32


def _as_tensor_arg(name: str, x) -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}; "
                        "make one with d2l.tensor(...) first")
    return x


def numpy(x, *args, **kwargs):
    """``x`` as a NumPy array, detached from the graph and copied to the CPU (d2l's ``numpy``)."""
    return _as_tensor_arg("x", x).detach().cpu().numpy(*args, **kwargs)


def size(x, *args, **kwargs) -> int:
    """The number of elements of ``x`` (d2l's ``size``: ``x.numel()``)."""
    return _as_tensor_arg("x", x).numel(*args, **kwargs)


def reshape(x, *args, **kwargs) -> torch.Tensor:
    """``x.reshape(shape)`` (d2l's ``reshape(x, shape)``)."""
    return _as_tensor_arg("x", x).reshape(*args, **kwargs)


def to(x, *args, **kwargs) -> torch.Tensor:
    """``x.to(device or dtype)``."""
    return _as_tensor_arg("x", x).to(*args, **kwargs)


def reduce_sum(x, *args, **kwargs) -> torch.Tensor:
    """``x.sum(...)``."""
    return _as_tensor_arg("x", x).sum(*args, **kwargs)


def reduce_mean(x, *args, **kwargs) -> torch.Tensor:
    """``x.mean(...)``."""
    return _as_tensor_arg("x", x).mean(*args, **kwargs)


def argmax(x, *args, **kwargs) -> torch.Tensor:
    """``x.argmax(...)``."""
    return _as_tensor_arg("x", x).argmax(*args, **kwargs)


def astype(x, *args, **kwargs) -> torch.Tensor:
    """``x.type(dtype)`` (d2l's ``astype(x, dtype)``)."""
    return _as_tensor_arg("x", x).type(*args, **kwargs)


def transpose(x, *args, **kwargs) -> torch.Tensor:
    """``x.t()`` (a 2-D transpose)."""
    return _as_tensor_arg("x", x).t(*args, **kwargs)


# --------------------------------------------------------------------------- plotting
def __getattr__(name):
    # ``d2l.plt`` is matplotlib.pyplot, imported only when a reader first asks for it.
    if name == "plt":
        import matplotlib.pyplot as plt

        return plt
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | {"plt"})


def use_svg_display() -> None:
    """Show figures as SVG in Jupyter (d2l's ``use_svg_display``); does nothing outside IPython."""
    try:
        from IPython import get_ipython
        from matplotlib_inline import backend_inline
    except ImportError:
        return
    if get_ipython() is not None:
        backend_inline.set_matplotlib_formats("svg")


def _check_figsize(figsize) -> tuple:
    ok = (isinstance(figsize, (tuple, list)) and len(figsize) == 2
          and all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0
                  for v in figsize))
    if not ok:
        raise ValueError(f"figsize must be (width, height) in inches, two numbers > 0, "
                         f"got {figsize!r}")
    return tuple(float(v) for v in figsize)


def set_figsize(figsize=(3.5, 2.5)) -> None:
    """Make later figures ``figsize`` inches (d2l's ``set_figsize``)."""
    figsize = _check_figsize(figsize)
    use_svg_display()
    __getattr__("plt").rcParams["figure.figsize"] = figsize


def set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend) -> None:
    """Label, scale and limit matplotlib ``axes`` (d2l's ``set_axes``)."""
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    axes.set_xlim(xlim)
    axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)
    axes.grid()


def _has_one_axis(X) -> bool:
    # A 1-D tensor or array, or a flat list of numbers.
    return (hasattr(X, "ndim") and X.ndim == 1) or (
        isinstance(X, list) and len(X) > 0 and not hasattr(X[0], "__len__"))


def plot(X, Y=None, xlabel=None, ylabel=None, legend=None, xlim=None, ylim=None,
         xscale="linear", yscale="linear", fmts=("-", "m--", "g-.", "r:"), figsize=(3.5, 2.5),
         axes=None) -> None:
    """Plot data points as d2l does: ``plot(x, [y1, y2])``, ``plot([x1, x2], [y1, y2])``, ``plot(y)``.

    Draws on ``axes`` (default: the current axes, cleared first), like d2l, and
    returns nothing, so a notebook cell shows only the figure.
    """
    if Y is None and X is None:
        raise ValueError("X must hold the data to plot (a tensor, an array or a list), got None")
    legend = [] if legend is None else legend
    set_figsize(figsize)
    axes = axes if axes else __getattr__("plt").gca()
    if _has_one_axis(X):
        X = [X]
    if Y is None:
        X, Y = [[]] * len(X), X
    elif _has_one_axis(Y):
        Y = [Y]
    if len(X) != len(Y):
        X = X * len(Y)
    axes.cla()
    for x, y, fmt in zip(X, Y, fmts):
        if len(x):
            axes.plot(x, y, fmt)
        else:
            axes.plot(y, fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)


# --------------------------------------------------------------------------- data
#: Where d2l fetches its data sets from. rnnlab never does: see :func:`download`.
DATA_URL = "http://d2l-data.s3-accelerate.amazonaws.com/"
_TIME_MACHINE_FILE = "timemachine.txt"
_TIME_MACHINE_SHA1 = "090b5e7e70c295757f55df93cb0a180b9691891a"
#: d2l's registry of data sets, ``name -> (url, sha1)``. The chapter code's own line
#: ``d2l.DATA_HUB['time_machine'] = (d2l.DATA_URL + 'timemachine.txt', '090b5e7e...')``
#: sets the entry that is already here.
DATA_HUB = {"time_machine": (DATA_URL + _TIME_MACHINE_FILE, _TIME_MACHINE_SHA1)}


def download(name, cache_dir=None) -> str:
    """The local path of data set ``name``: the Time Machine bundled with rnnlab, never a download.

    ``name`` must be ``'time_machine'`` and ``DATA_HUB['time_machine']`` must
    still name ``timemachine.txt`` with SHA-1 ``090b5e7e…`` (d2l's entry); the
    bundled file's own SHA-1 is checked too. ``cache_dir`` is accepted for
    d2l's signature and ignored: nothing is written, nothing is fetched.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str such as 'time_machine', got {name!r} "
                        f"({type(name).__name__})")
    if name != "time_machine":
        where = f" (DATA_HUB lists it at {DATA_HUB[name][0]})" if name in DATA_HUB else ""
        raise ValueError(
            f"name must be 'time_machine', got {name!r}{where}: rnnlab bundles only H. G. Wells' "
            "The Time Machine and never downloads anything")
    entry = DATA_HUB.get(name)
    if (not isinstance(entry, (tuple, list)) or len(entry) != 2
            or not str(entry[0]).endswith("/" + _TIME_MACHINE_FILE)
            or entry[1] != _TIME_MACHINE_SHA1):
        raise ValueError(
            f"DATA_HUB['time_machine'] must be (DATA_URL + {_TIME_MACHINE_FILE!r}, "
            f"{_TIME_MACHINE_SHA1!r}), the book rnnlab bundles, got {entry!r}; rnnlab never "
            "downloads, so it can only serve that file")
    read_data_file(_TIME_MACHINE_FILE, _TIME_MACHINE_SHA1)  # raises CorpusError if damaged
    return os.fspath(resources.files("rnnlab.data").joinpath(_TIME_MACHINE_FILE))


def load_corpus_time_machine(max_tokens: int = -1, token: str = "char"):
    """d2l's ``(corpus, vocab)``: every line's tokens run together, nothing between lines.

    For the whole book ``(len(corpus), len(vocab)) == (170580, 28)``, d2l's
    published numbers. :func:`rnnlab.load_corpus_time_machine` differs on
    purpose: it puts a space between lines (173,427 characters).
    """
    require_int("max_tokens", max_tokens, minimum=-1)
    require_choice("token", token, ("word", "char"))
    tokens = tokenize(read_time_machine(), token)
    vocab = Vocab(tokens)
    corpus = [vocab[t] for line in tokens for t in line]
    if max_tokens > 0:
        corpus = corpus[:max_tokens]
    return corpus, vocab


def load_data_time_machine(batch_size: int, num_steps: int, use_random_iter: bool = False,
                           max_tokens: int = 10000, seed: int | None = None):
    """d2l's ``(train_iter, vocab)`` over the first ``max_tokens`` characters of d2l's corpus.

    The loader is rnnlab's :class:`SeqDataLoader`. Without a ``seed`` it takes
    one from torch's global generator, so the chapter code (which never passes
    one) repeats after ``torch.manual_seed``, as d2l's does after ``random.seed``.
    """
    corpus, vocab = load_corpus_time_machine(max_tokens)
    if seed is None:
        seed = int(torch.randint(0, 2**62, (1,)))
    return SeqDataLoader(corpus, batch_size, num_steps, use_random_iter, seed=seed), vocab


def load_array(data_arrays, batch_size: int, is_train: bool = True):
    """A PyTorch ``DataLoader`` over tensors of equal length (shuffled when ``is_train``)."""
    batch_size = require_int("batch_size", batch_size, minimum=1)
    if isinstance(data_arrays, torch.Tensor) or not isinstance(data_arrays, (tuple, list)) \
            or not data_arrays or not all(isinstance(a, torch.Tensor) for a in data_arrays):
        raise TypeError("data_arrays must be a tuple of tensors such as (features, labels), "
                        f"got {type(data_arrays).__name__}")
    lengths = [a.shape[0] if a.ndim else None for a in data_arrays]
    if None in lengths or len(set(lengths)) != 1:
        raise ValueError(f"data_arrays must all have the same number of examples (first "
                         f"dimension), got lengths {lengths}")
    dataset = _torch_data.TensorDataset(*data_arrays)
    return _torch_data.DataLoader(dataset, batch_size, shuffle=bool(is_train))


# --------------------------------------------------------------------------- sequence models
def linreg(X, w, b) -> torch.Tensor:
    """The linear regression model ``X w + b``."""
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y) -> torch.Tensor:
    """``(y_hat - y)**2 / 2`` per example."""
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def evaluate_loss(net, data_iter, loss) -> float:
    """The mean of ``loss`` over every example ``data_iter`` yields (d2l's ``evaluate_loss``).

    ``loss`` may keep one value per example (``reduction='none'``), as d2l's
    chapters use it; each value counts once.
    """
    if not callable(net) or not callable(loss):
        raise TypeError(f"net and loss must be callable (a model and a loss function), got "
                        f"{type(net).__name__} and {type(loss).__name__}")
    metric = Accumulator(2)  # sum of losses, number of values
    with torch.no_grad():
        for X, y in data_iter:
            out = net(X)
            l = loss(out, y.reshape(out.shape))  # noqa: E741 — d2l's name
            metric.add(l.sum(), l.numel())
    if metric[1] == 0:
        raise ValueError("data_iter yielded no examples; evaluate_loss needs at least one batch")
    return metric[0] / metric[1]


# --------------------------------------------------------------------------- models
class RNNModelScratch:
    """d2l's wrapper: parameters from ``get_params``, one-hot inputs, then ``forward_fn``.

    ``net(X, state)`` takes token indices of shape ``(batch, num_steps)``;
    ``forward_fn`` gets one-hot inputs of shape ``(num_steps, batch, vocab_size)``.
    """

    def __init__(self, vocab_size, num_hiddens, device, get_params, init_state, forward_fn):
        self.vocab_size = require_int("vocab_size", vocab_size, minimum=1)
        self.num_hiddens = require_int("num_hiddens", num_hiddens, minimum=1)
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


class _Updater:
    """d2l's ``updater(batch_size)`` as an optimizer: ``step()`` calls ``updater(batch_size=1)``.

    rnnlab's losses are already means over the batch, so d2l's division by the batch size
    must not happen a second time.
    """

    def __init__(self, updater):
        self.updater = updater

    def step(self):
        self.updater(batch_size=1)


def as_optimizer(updater):
    """An optimizer for :func:`rnnlab.train` from d2l's ``updater(batch_size)`` (an Optimizer as is).

    The adaptation lives here, at the d2l edge, so the training loop knows one kind of optimizer.
    """
    if isinstance(updater, torch.optim.Optimizer) or callable(getattr(updater, "step", None)):
        return updater
    if not callable(updater):
        raise TypeError(f"updater must be a torch.optim.Optimizer or a function "
                        f"updater(batch_size), got {type(updater).__name__}")
    return _Updater(updater)


def train_epoch_ch8(net, train_iter, loss, updater, device, use_random_iter):
    """One epoch with a caller-chosen ``loss`` and ``updater``; returns ``(perplexity, tokens/s)``.

    ``updater`` is a ``torch.optim.Optimizer`` or a function ``updater(batch_size)``
    (like ``lambda batch_size: sgd(net.params, lr, batch_size)``). The state is
    fresh for the first batch (and every batch with random sampling), carried
    and detached otherwise; gradients are clipped to norm 1 as in the notes.
    It is one epoch of :func:`rnnlab.train`, the course's one loop.
    """
    model = as_rnnlab_model(net)
    history = _train(model, train_iter, epochs=1, optimizer=as_optimizer(updater), theta=1.0,
                     state="fresh" if use_random_iter else "carry",
                     loss=lambda y_hat, y: loss(y_hat, y.long()).mean(), device=device,
                     perplexity=True)   # d2l's loss here is a cross-entropy in nats
    return history.train_ppl[-1], history.tokens_per_s[-1]


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

    history = _train(model, train_iter, epochs=num_epochs, lr=lr, optimizer="sgd", theta=theta,
                     state="fresh" if use_random_iter else "carry", device=device,
                     on_epoch=each_epoch)
    if verbose:
        print(_tr("compat.train_ch8", ppl=history.train_ppl[-1], speed=history.tokens_per_s[-1],
                 device=device))
        print(predict("time traveller"))
        print(predict("traveller"))
    return history
