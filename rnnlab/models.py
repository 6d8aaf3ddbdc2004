"""Character-level RNN language models that share one interface.

Every model here takes token indices ``X`` of shape ``(batch, num_steps)`` and a
state, and returns ``(outputs, state)``:

* ``outputs`` has shape ``(num_steps * batch, vocab_size)`` in *time-major*
  order (all batch rows of step 0, then step 1, …), so the matching targets
  are ``Y.T.reshape(-1)``;
* ``state`` is **always a tuple** of tensors: ``(H,)`` for the scratch RNN,
  ``(h,)`` for ``nn.RNN``/``nn.GRU`` and ``(h, c)`` for ``nn.LSTM``.

Because the state is always a tuple, :func:`detach_state` and ``begin_state``
work the same way for every model and the training loop never asks which
model it is training.
"""

from __future__ import annotations

import warnings

import torch
from torch import nn
from torch.nn import functional as F

from .checks import (
    MAX_PARAMETERS,
    MAX_VOCAB_SIZE,
    require_bool,
    require_choice,
    require_float,
    require_int,
    require_num_hiddens,
    require_positive_float,
    require_size,
)
from .device import resolve_device
from .fused import fused_rnn

CELLS = ("rnn", "gru", "lstm")
NONLINEARITIES = ("tanh", "relu")  # nn.RNN's choices


# --------------------------------------------------------------------------- checks
def require_tokens(X, vocab_size: int) -> torch.Tensor:
    """Lesson 04. Return ``X`` as a ``torch.long`` tensor of token indices in ``[0, vocab_size)``,
    shape (batch, steps).

    Any integer dtype is accepted (``int32``, ``uint8``, …) and converted to ``long``, the
    dtype torch's one-hot and embedding need. The range check reads the tensor's min and
    max; on a CUDA tensor that would wait for the GPU at every call (every generated
    character, every batch), so it is done only for tensors on the CPU — which is where the
    course's loaders and :func:`rnnlab.predict` build them.
    """
    if not isinstance(X, torch.Tensor):
        hint, first = "", X
        while isinstance(first, (list, tuple)) and first:
            first = first[0]
        if isinstance(first, str):
            hint = "; turn characters into indices first with vocab[...] and torch.tensor"
        elif isinstance(X, (list, tuple)):
            hint = "; wrap the indices with torch.tensor(...)"
        raise TypeError(f"X must be a torch.Tensor of token indices, got {type(X).__name__}{hint}")
    if X.dtype == torch.bool or X.dtype.is_floating_point or X.dtype.is_complex:
        raise TypeError(f"X must hold integer token indices (torch.long), got dtype {X.dtype}; "
                        "pass indices, not one-hot vectors (the model makes the one-hot itself)")
    if X.ndim != 2:
        raise ValueError(f"X must have shape (batch, num_steps), got shape {tuple(X.shape)}")
    if X.numel() == 0:
        raise ValueError(f"X must not be empty, got shape {tuple(X.shape)}")
    if X.dtype != torch.long:
        X = X.long()
    if X.device.type == "cpu":
        lo, hi = int(X.min()), int(X.max())
        if lo < 0 or hi >= vocab_size:
            bad = lo if lo < 0 else hi
            raise IndexError(f"X holds token index {bad}, but token indices must be in "
                             f"[0, {vocab_size - 1}] for vocab_size={vocab_size}")
    return X


def require_state(state, shapes: list[tuple], dtype: torch.dtype | None = None) -> tuple:
    """Lesson 04. Return ``state`` as a tuple if it matches ``shapes`` (one shape per tensor).

    Every tensor must hold floating-point numbers; with ``dtype`` (the model's parameter
    dtype) they must hold exactly that dtype.
    """
    if isinstance(state, torch.Tensor):
        state = (state,)
    if not isinstance(state, (tuple, list)) or not all(isinstance(s, torch.Tensor) for s in state):
        raise TypeError(f"state must be a tuple of tensors like model.begin_state(batch_size) "
                        f"returns, got {type(state).__name__}")
    got = [tuple(s.shape) for s in state]
    if got != [tuple(s) for s in shapes]:
        raise ValueError(f"state has shapes {got}, expected {[tuple(s) for s in shapes]} "
                         "(one entry per state tensor); make it with model.begin_state(batch_size) "
                         "for the batch size of X")
    for s in state:
        if not s.dtype.is_floating_point or (dtype is not None and s.dtype != dtype):
            want = dtype if dtype is not None else "a floating-point dtype"
            raise TypeError(f"state tensors must have dtype {want} (the model's), got {s.dtype}; "
                            "make the state with model.begin_state(batch_size)")
    return tuple(state)


def require_parameter_count(vocab_size: int, num_hiddens: int, count: int) -> None:
    """Lesson 04. Refuse a model of more than ``MAX_PARAMETERS`` numbers, naming both sizes."""
    if count > MAX_PARAMETERS:
        raise ValueError(f"vocab_size={vocab_size:,} with num_hiddens={num_hiddens:,} makes "
                         f"{count:,} parameters, more than the course's bound of "
                         f"{MAX_PARAMETERS:,} (what a laptop's memory holds with gradients); use "
                         "a smaller num_hiddens")


def require_carry_weights(weights, num_steps: int) -> list[float]:
    """``weights`` as ``num_steps`` finite Python floats (lesson 07's per-step gradient weights)."""
    if isinstance(weights, torch.Tensor):
        weights = weights.detach().reshape(-1).tolist()
    if isinstance(weights, (str, bytes)) or not hasattr(weights, "__len__"):
        raise TypeError(f"carry_weights must be a list of numbers, one per step, got "
                        f"{type(weights).__name__}")
    if len(weights) != num_steps:
        raise ValueError(f"carry_weights must have one weight per step (num_steps = "
                         f"{num_steps}), got {len(weights)}")
    return [require_float(f"carry_weights[{t}]", w) for t, w in enumerate(weights)]


def detach_state(state) -> tuple:
    """Lesson 04. The same state cut from the graph of earlier batches (a tuple, for every model)."""
    if isinstance(state, torch.Tensor):
        state = (state,)
    return tuple(s.detach() for s in state)


def scale_grad(x: torch.Tensor, weight: float) -> torch.Tensor:
    """Lesson 04. Identity in the forward pass; multiplies the gradient by ``weight`` in the backward pass."""
    if weight == 1.0:
        return x
    if weight == 0.0:
        return x.detach()
    # x - x.detach() is exactly zero, so the value is x itself; its gradient is `weight`.
    return x.detach() + weight * (x - x.detach())


def model_device(model: nn.Module) -> torch.device:
    """Lesson 04. The device of a model's parameters."""
    return next(model.parameters()).device


# --------------------------------------------------------------------------- scratch RNN
class RNNScratch(nn.Module):
    """The seed's RNN written out.

    ``H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)`` and ``O_t = H_t W_hq + b_q``.

    ``X_t`` is one-hot, so ``X_t W_xh`` simply picks row ``x_t`` of ``W_xh``;
    :meth:`forward` does that lookup instead of multiplying by a vector of
    zeros (same numbers, same gradients, much less work) and applies the output
    layer to all time steps at once after the loop, the only part that has to
    be sequential being the recurrence itself.

    ``fused=True`` (the default) runs forward and backward through
    :func:`rnnlab.fused.fused_rnn`: the same function, no autograd graph, and
    lesson 07's hand-derived BPTT as the backward pass (faster, and it keeps
    only the hidden states). ``fused=False`` runs :meth:`recurrence` under
    autograd, the path lesson 04 teaches; both give the same gradients.
    """

    def __init__(self, vocab_size: int, num_hiddens: int, device=None, *, scale: float = 0.01,
                 generator: torch.Generator | None = None, fused: bool = True):
        super().__init__()
        self.vocab_size = require_size("vocab_size", vocab_size, MAX_VOCAB_SIZE)
        self.num_hiddens = require_num_hiddens(num_hiddens)
        require_parameter_count(self.vocab_size, self.num_hiddens,
                              2 * self.vocab_size * self.num_hiddens + self.num_hiddens ** 2)
        self.fused = require_bool("fused", fused)
        scale = require_positive_float("scale", scale)
        device = resolve_device(device)
        V, H = self.vocab_size, self.num_hiddens

        def normal(*shape):  # the notes' initialisation: N(0, 1) * 0.01 (drawn on the CPU)
            return nn.Parameter((torch.randn(*shape, generator=generator) * scale).to(device))

        self.W_xh = normal(V, H)
        self.W_hh = normal(H, H)
        self.b_h = nn.Parameter(torch.zeros(H, device=device))
        self.W_hq = normal(H, V)
        self.b_q = nn.Parameter(torch.zeros(V, device=device))

    @property
    def config(self) -> dict:
        """The constructor arguments (what a checkpoint needs to rebuild the model)."""
        return {"vocab_size": self.vocab_size, "num_hiddens": self.num_hiddens,
                "fused": self.fused}

    def begin_state(self, batch_size: int, device=None) -> tuple:
        """A zero hidden state ``(H,)`` with ``H`` of shape ``(batch_size, num_hiddens)``."""
        require_int("batch_size", batch_size, minimum=1)
        device = model_device(self) if device is None else resolve_device(device)
        return (torch.zeros(batch_size, self.num_hiddens, device=device, dtype=self.W_hh.dtype),)

    def recurrence(self, X: torch.Tensor, H: torch.Tensor, carry_weights=None) -> torch.Tensor:
        """Lesson 04. ``H_t = tanh(X_t W_xh + b_h + H_{t-1} W_hh)`` for every step; all ``H_t``.

        ``X`` holds token indices ``(batch, num_steps)``; returns ``(num_steps, batch,
        num_hiddens)``. ``carry_weights[t]`` (lesson 07) scales the gradient that
        step ``t`` sends back into ``H_{t-1}``: 0 cuts it (truncated BPTT), 1 keeps it.
        """
        # Row lookup == one_hot(X) @ W_xh, for every step at once: (num_steps, batch, H).
        # unbind, not XW[t]: indexing would make backward build a full-size zero
        # tensor per step (quadratic in num_steps); unbind's backward stacks once.
        XW = (F.embedding(X.T, self.W_xh) + self.b_h).unbind(0)
        hiddens = []
        for t, xw in enumerate(XW):                           # xw: (batch, num_hiddens)
            if carry_weights is not None:
                H = scale_grad(H, float(carry_weights[t]))
            H = torch.tanh(torch.addmm(xw, H, self.W_hh))     # xw + H @ W_hh, in one call
            hiddens.append(H)
        return torch.stack(hiddens)                           # (num_steps, batch, num_hiddens)

    def forward(self, X: torch.Tensor, state=None, carry_weights=None):
        X = require_tokens(X, self.vocab_size).to(self.W_xh.device)
        batch = X.shape[0]
        if state is None:
            state = self.begin_state(batch)
        (H,) = require_state(state, [(batch, self.num_hiddens)])
        if carry_weights is not None:
            carry_weights = require_carry_weights(carry_weights, X.shape[1])
        if self.fused:   # the same numbers, with lesson 07's BPTT as the backward pass
            outputs, H = fused_rnn(X, H, self.W_xh, self.W_hh, self.b_h, self.W_hq, self.b_q,
                                   carry_weights)
            return outputs, (H,)                              # (num_steps * batch, vocab_size)
        hiddens = self.recurrence(X, H, carry_weights)
        # The output layer does not feed the recurrence: one matmul for all steps.
        outputs = torch.addmm(self.b_q, hiddens.reshape(-1, self.num_hiddens), self.W_hq)
        # the last state as a tensor of its own: a view would keep the whole stack alive while
        # the state is carried to the next batch
        return outputs, (hiddens[-1].clone(),)                # (num_steps * batch, vocab_size)

    # -- exchanging weights with torch's own layers -------------------------
    @classmethod
    def from_torch(cls, rnn: nn.RNN, linear: nn.Linear) -> RNNScratch:
        """A scratch RNN with the weights of a one-layer tanh ``nn.RNN`` and its ``nn.Linear``.

        ``nn.RNN`` keeps ``W^T`` (it computes ``x W^T``) and two biases whose sum
        plays the role of ``b_h``.
        """
        if not isinstance(rnn, nn.RNN) or rnn.num_layers != 1 or rnn.bidirectional \
                or rnn.nonlinearity != "tanh" or rnn.batch_first or not rnn.bias:
            raise ValueError("rnn must be a one-layer, one-direction, tanh nn.RNN with biases and "
                             f"batch_first=False, got {rnn!r}")
        if not isinstance(linear, nn.Linear) or linear.in_features != rnn.hidden_size \
                or linear.bias is None:
            raise ValueError(f"linear must be an nn.Linear({rnn.hidden_size}, vocab_size) "
                             f"with a bias, got {linear!r}")
        if linear.out_features != rnn.input_size:
            raise ValueError(f"linear.out_features ({linear.out_features}) must equal "
                             f"rnn.input_size ({rnn.input_size}): both are the vocabulary size")
        model = cls(rnn.input_size, rnn.hidden_size, device=rnn.weight_ih_l0.device)
        with torch.no_grad():
            model.W_xh.copy_(rnn.weight_ih_l0.T)
            model.W_hh.copy_(rnn.weight_hh_l0.T)
            model.b_h.copy_(rnn.bias_ih_l0 + rnn.bias_hh_l0)
            model.W_hq.copy_(linear.weight.T)
            model.b_q.copy_(linear.bias)
        return model

    def to_torch(self) -> tuple[nn.RNN, nn.Linear]:
        """``(nn.RNN, nn.Linear)`` computing the same function (``bias_hh`` set to zero)."""
        device = self.W_xh.device
        rnn = nn.RNN(self.vocab_size, self.num_hiddens, device=device)
        linear = nn.Linear(self.num_hiddens, self.vocab_size, device=device)
        with torch.no_grad():
            rnn.weight_ih_l0.copy_(self.W_xh.T)
            rnn.weight_hh_l0.copy_(self.W_hh.T)
            rnn.bias_ih_l0.copy_(self.b_h)
            rnn.bias_hh_l0.zero_()
            linear.weight.copy_(self.W_hq.T)
            linear.bias.copy_(self.b_q)
        return rnn, linear

    def extra_repr(self) -> str:
        return (f"vocab_size={self.vocab_size}, num_hiddens={self.num_hiddens}"
                + ("" if self.fused else ", fused=False"))


# --------------------------------------------------------------------------- concise model
class RNNModel(nn.Module):
    """Lesson 06. ``nn.RNN`` / ``nn.GRU`` / ``nn.LSTM`` plus an output layer, with RNNScratch's interface.

    The state is always a tuple: ``(h,)`` for ``"rnn"`` and ``"gru"``, ``(h, c)``
    for ``"lstm"``; each tensor has shape
    ``(num_directions * num_layers, batch, num_hiddens)``.

    ``nonlinearity`` (``"tanh"`` or ``"relu"``, ``"rnn"`` only), ``bias`` and ``dropout``
    (between stacked layers) are passed on to the torch layer; :attr:`config` records all
    of them, so a checkpoint rebuilds a model that computes the same function.
    """

    def __init__(self, vocab_size: int, num_hiddens: int, cell: str = "rnn", num_layers: int = 1,
                 bidirectional: bool = False, device=None, *, nonlinearity: str = "tanh",
                 bias: bool = True, dropout: float = 0.0):
        super().__init__()
        self.vocab_size = require_size("vocab_size", vocab_size, MAX_VOCAB_SIZE)
        self.num_hiddens = require_num_hiddens(num_hiddens)
        self.cell = require_choice("cell", cell, CELLS)
        self.num_layers = require_size("num_layers", num_layers, 64)
        self.bidirectional = require_bool("bidirectional", bidirectional)
        gates = {"rnn": 1, "gru": 3, "lstm": 4}[self.cell]
        H, V, D, L = self.num_hiddens, self.vocab_size, 1 + self.bidirectional, self.num_layers
        require_parameter_count(V, H, gates * D * H * (V + H + D * H * (L - 1) + H * (L - 1))
                              + D * H * V)
        self.nonlinearity = require_choice("nonlinearity", nonlinearity, NONLINEARITIES)
        if self.cell != "rnn" and self.nonlinearity != "tanh":
            raise ValueError(f"nonlinearity={nonlinearity!r} applies only to cell='rnn'; "
                             f"nn.{self.cell.upper()} has its own fixed gates (leave it 'tanh')")
        self.bias = require_bool("bias", bias)
        self.dropout = require_float("dropout", dropout, minimum=0.0, maximum=1.0)
        if self.dropout == 1.0:
            raise ValueError("dropout must be in [0, 1): dropout=1.0 drops everything")
        self.num_directions = 2 if self.bidirectional else 1
        device = resolve_device(device)
        layer = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[self.cell]
        extra = {"nonlinearity": self.nonlinearity} if self.cell == "rnn" else {}
        with warnings.catch_warnings():  # dropout with one layer: torch warns, and it does nothing
            warnings.simplefilter("ignore", UserWarning)
            self.rnn = layer(self.vocab_size, self.num_hiddens, num_layers=self.num_layers,
                             bidirectional=self.bidirectional, bias=self.bias,
                             dropout=self.dropout, device=device, **extra)
        self.linear = nn.Linear(self.num_hiddens * self.num_directions, self.vocab_size,
                                device=device)

    @classmethod
    def from_layer(cls, layer: nn.RNNBase, vocab_size: int) -> RNNModel:
        """Wrap an existing ``nn.RNN``/``nn.GRU``/``nn.LSTM`` layer (its weights and settings).

        The notes build the concise model this way: ``RNNModel(rnn_layer, vocab_size)``.
        """
        kinds = {nn.RNN: "rnn", nn.GRU: "gru", nn.LSTM: "lstm"}
        if type(layer) not in kinds:
            raise TypeError("layer must be an nn.RNN, nn.GRU or nn.LSTM, "
                            f"got {type(layer).__name__}")
        vocab_size = require_int("vocab_size", vocab_size, minimum=1)
        if layer.input_size != vocab_size or layer.batch_first or getattr(layer, "proj_size", 0):
            raise ValueError(f"layer must take one-hot inputs of size vocab_size={vocab_size} "
                             f"with batch_first=False and no projection, got {layer!r}")
        dtype = layer.weight_ih_l0.dtype
        if not dtype.is_floating_point:
            raise ValueError(f"layer must hold floating-point weights, got {dtype}")
        model = cls(vocab_size, layer.hidden_size, kinds[type(layer)], layer.num_layers,
                    layer.bidirectional, device=layer.weight_ih_l0.device,
                    nonlinearity=getattr(layer, "nonlinearity", "tanh"), bias=layer.bias,
                    dropout=float(layer.dropout))
        model.rnn = layer
        return model.to(dtype)   # the output layer in the layer's dtype

    @property
    def config(self) -> dict:
        """The constructor arguments (what a checkpoint needs to rebuild the model)."""
        return {"vocab_size": self.vocab_size, "num_hiddens": self.num_hiddens, "cell": self.cell,
                "num_layers": self.num_layers, "bidirectional": self.bidirectional,
                "nonlinearity": self.nonlinearity, "bias": self.bias, "dropout": self.dropout}

    def _state_shape(self, batch_size: int) -> tuple:
        return (self.num_directions * self.num_layers, batch_size, self.num_hiddens)

    def begin_state(self, batch_size: int, device=None) -> tuple:
        """Zeros: ``(h,)`` for rnn/gru, ``(h, c)`` for lstm."""
        require_int("batch_size", batch_size, minimum=1)
        device = model_device(self) if device is None else resolve_device(device)
        n = 2 if self.cell == "lstm" else 1
        dtype = self.linear.weight.dtype
        return tuple(torch.zeros(self._state_shape(batch_size), device=device, dtype=dtype)
                     for _ in range(n))

    def forward(self, X: torch.Tensor, state=None):
        X = require_tokens(X, self.vocab_size).to(model_device(self))
        batch = X.shape[0]
        if state is None:
            state = self.begin_state(batch)
        n = 2 if self.cell == "lstm" else 1
        state = require_state(state, [self._state_shape(batch)] * n, dtype=self.linear.weight.dtype)
        inputs = F.one_hot(X.T, self.vocab_size).to(self.linear.weight.dtype)  # the model's dtype
        Y, new_state = self.rnn(inputs, state if self.cell == "lstm" else state[0])
        outputs = self.linear(Y.reshape(-1, Y.shape[-1]))
        return outputs, new_state if self.cell == "lstm" else (new_state,)

    def extra_repr(self) -> str:
        return f"vocab_size={self.vocab_size}, cell={self.cell!r}"


MODEL_CLASSES = {"RNNScratch": RNNScratch, "RNNModel": RNNModel}
