"""The seed notes' training loop, written the way the notes write it (the baseline).

One-hot inputs, a Python loop of ``torch.mm`` per time step, parameters kept in
a plain list, hand-written global-norm clipping and hand-written SGD. Nothing
here is imported from rnnlab's models or training loop on purpose: this is what
rnnlab is measured against.
"""

from __future__ import annotations

import math

import torch
from torch.nn import functional as F


def get_params(vocab_size: int, num_hiddens: int, device):
    def normal(shape):
        return torch.randn(size=shape, device=device) * 0.01

    params = [
        normal((vocab_size, num_hiddens)),                # W_xh
        normal((num_hiddens, num_hiddens)),               # W_hh
        torch.zeros(num_hiddens, device=device),          # b_h
        normal((num_hiddens, vocab_size)),                # W_hq
        torch.zeros(vocab_size, device=device),           # b_q
    ]
    for param in params:
        param.requires_grad_(True)
    return params


def init_rnn_state(batch_size: int, num_hiddens: int, device):
    return (torch.zeros((batch_size, num_hiddens), device=device),)


def rnn(inputs, state, params):
    W_xh, W_hh, b_h, W_hq, b_q = params
    (H,) = state
    outputs = []
    for X in inputs:  # one time step at a time: (batch, vocab)
        H = torch.tanh(torch.mm(X, W_xh) + torch.mm(H, W_hh) + b_h)
        outputs.append(torch.mm(H, W_hq) + b_q)
    return torch.cat(outputs, dim=0), (H,)


class SeedRNN:
    """The notes' ``RNNModelScratch`` with their ``get_params``/``init_rnn_state``/``rnn``."""

    def __init__(self, vocab_size: int, num_hiddens: int, device="cpu"):
        self.vocab_size, self.num_hiddens = vocab_size, num_hiddens
        self.params = get_params(vocab_size, num_hiddens, device)

    def __call__(self, X, state):
        X = F.one_hot(X.T, self.vocab_size).type(torch.float32)
        return rnn(X, state, self.params)

    def begin_state(self, batch_size: int, device):
        return init_rnn_state(batch_size, self.num_hiddens, device)


def grad_clipping(params, theta: float) -> None:
    norm = torch.sqrt(sum(torch.sum(p.grad**2) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm


def sgd(params, lr: float, batch_size: int) -> None:
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def train_epoch(net: SeedRNN, train_iter, lr: float = 1.0, theta: float = 1.0,
                device="cpu") -> tuple[float, int]:
    """One epoch of the notes' ``train_epoch_ch8`` (sequential batches); returns (ppl, tokens)."""
    state = None
    loss_sum, tokens = 0.0, 0
    for X, Y in train_iter:
        if state is None:
            state = net.begin_state(X.shape[0], device)
        else:
            for s in state:
                s.detach_()
        y = Y.T.reshape(-1).to(device)
        y_hat, state = net(X.to(device), state)
        loss = F.cross_entropy(y_hat, y.long())
        loss.backward()
        grad_clipping(net.params, theta)
        sgd(net.params, lr, batch_size=1)
        loss_sum += float(loss.detach()) * y.numel()
        tokens += y.numel()
    return math.exp(loss_sum / max(tokens, 1)), tokens
