"""Gradient conflict: measuring it, cutting it with ``detach``, and a two-task RNN to watch it.

Two tasks that share parameters each pull those parameters their own way.
The cosine similarity of their gradients on the shared parameters says how:
near 1 they agree, near 0 they are unrelated, below 0 they *conflict* (one
task's step makes the other task worse, to first order), near −1 severely.

:class:`MultiTaskRNN` is one recurrent layer shared by two heads on the
book's characters: the next character, and an auxiliary task —
``"vowel"`` (is the next character a vowel?) or ``"skip2"`` (the character two
steps ahead). :func:`train_multitask` trains it with the summed gradient,
with PCGrad, or with the auxiliary head *detached* from the shared layer, and
records the conflict on every step.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn import functional as F

from ..checks import check_choice, check_int, check_positive_float
from .conflict import conflict_share
from .pcgrad import pcgrad_backward

AUX_TASKS = ("vowel", "skip2")
METHODS = ("sum", "pcgrad", "detach")
VOWELS = set("aeiou")


class MultiTaskRNN(nn.Module):
    """A shared ``nn.RNN`` over one-hot characters, with a next-char head and an auxiliary head.

    ``detach_aux=True`` feeds the auxiliary head ``h.detach()``: that head still
    learns, but its gradient never reaches the shared layer (decoupling).
    """

    def __init__(self, vocab_size: int, num_hiddens: int = 64, aux_classes: int = 2,
                 detach_aux: bool = False):
        super().__init__()
        self.vocab_size = check_int("vocab_size", vocab_size, minimum=2)
        num_hiddens = check_int("num_hiddens", num_hiddens, minimum=1)
        self.rnn = nn.RNN(vocab_size, num_hiddens, batch_first=True)
        self.head_next = nn.Linear(num_hiddens, vocab_size)
        self.head_aux = nn.Linear(num_hiddens, check_int("aux_classes", aux_classes, minimum=2))
        self.detach_aux = bool(detach_aux)

    def shared_parameters(self):
        return list(self.rnn.parameters())

    def head_parameters(self):
        return list(self.head_next.parameters()) + list(self.head_aux.parameters())

    def forward(self, X: torch.Tensor):
        """Logits ``(next (B, T, V), aux (B, T, C))`` for tokens ``X`` of shape ``(B, T)``."""
        H, _ = self.rnn(F.one_hot(X, self.vocab_size).float())
        return self.head_next(H), self.head_aux(H.detach() if self.detach_aux else H)


def multitask_targets(corpus, vocab, aux: str, num_steps: int, starts: torch.Tensor):
    """``(X, Y_next, Y_aux)`` for windows of ``corpus`` beginning at ``starts``."""
    check_choice("aux", aux, AUX_TASKS)
    corpus = torch.as_tensor(corpus, dtype=torch.long)
    index = starts[:, None] + torch.arange(num_steps)[None, :]
    X, Y_next = corpus[index], corpus[index + 1]
    if aux == "skip2":
        return X, Y_next, corpus[index + 2]
    is_vowel = torch.tensor([tok in VOWELS for tok in vocab.idx_to_token])
    return X, Y_next, is_vowel[Y_next].long()


@dataclass
class MultiTaskHistory:
    """What :func:`train_multitask` measured: per step (cosine, losses) and per evaluation."""

    method: str
    aux: str
    cosines: list = field(default_factory=list)
    train_next: list = field(default_factory=list)
    train_aux: list = field(default_factory=list)
    eval_steps: list = field(default_factory=list)
    val_next: list = field(default_factory=list)
    val_aux: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def conflict_share(self) -> float:
        return conflict_share(self.cosines)

    def summary(self) -> str:
        return (f"{self.method:>6}: val next-char loss {self.val_next[-1]:.3f} "
                f"(ppl {math.exp(self.val_next[-1]):.2f}), val {self.aux} loss "
                f"{self.val_aux[-1]:.3f}, mean cos {sum(self.cosines) / len(self.cosines):+.3f}, "
                f"conflicting steps {self.conflict_share:.0%}")


def _losses(model, X, Y_next, Y_aux):
    out_next, out_aux = model(X)
    return (F.cross_entropy(out_next.flatten(0, 1), Y_next.flatten()),
            F.cross_entropy(out_aux.flatten(0, 1), Y_aux.flatten()))


def train_multitask(corpus, vocab, *, method: str = "sum", aux: str = "skip2",
                    num_hiddens: int = 64, num_steps: int = 32, batch_size: int = 32,
                    steps: int = 300, lr: float = 0.01, eval_every: int = 50,
                    val_fraction: float = 0.1, seed: int = 0) -> MultiTaskHistory:
    """Train a :class:`MultiTaskRNN` with Adam on ``L_next + L_aux``.

    ``method``: ``"sum"`` (plain summed gradient), ``"pcgrad"`` (PCGrad on the
    shared layer, heads keep their own gradients) or ``"detach"`` (the aux
    head is cut off from the shared layer). The cosine between the two tasks'
    gradients on the shared layer is measured before any surgery on every
    step; validation losses are computed on the last ``val_fraction`` of the
    text every ``eval_every`` steps.
    """
    check_choice("method", method, METHODS)
    check_choice("aux", aux, AUX_TASKS)
    steps = check_int("steps", steps, minimum=1)
    eval_every = check_int("eval_every", eval_every, minimum=1)
    num_steps = check_int("num_steps", num_steps, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    lr = check_positive_float("lr", lr)
    torch.manual_seed(check_int("seed", seed, minimum=0))
    g = torch.Generator().manual_seed(seed)
    corpus = torch.as_tensor(corpus, dtype=torch.long)
    n_val = int(len(corpus) * val_fraction)
    train, val = corpus[:-n_val], corpus[-n_val:]
    span = num_steps + 2                                # inputs plus two targets ahead
    if len(train) <= span or len(val) <= span:
        raise ValueError(f"corpus of {len(corpus)} tokens is too short for num_steps={num_steps}")
    val_starts = torch.arange(0, len(val) - span, num_steps)
    val_batch = multitask_targets(val, vocab, aux, num_steps, val_starts)

    aux_classes = 2 if aux == "vowel" else len(vocab)
    model = MultiTaskRNN(len(vocab), num_hiddens, aux_classes, detach_aux=(method == "detach"))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = MultiTaskHistory(method, aux)
    start = time.perf_counter()
    for step in range(1, steps + 1):
        starts = torch.randint(0, len(train) - span, (batch_size,), generator=g)
        l_next, l_aux = _losses(model, *multitask_targets(train, vocab, aux, num_steps, starts))
        optimizer.zero_grad()
        stats = pcgrad_backward([l_next, l_aux], model.shared_parameters(),
                                model.head_parameters(), generator=g,
                                surgery=(method == "pcgrad"))
        optimizer.step()
        history.cosines.append(stats["cosine"])
        history.train_next.append(l_next.item())
        history.train_aux.append(l_aux.item())
        if step % eval_every == 0 or step == steps:
            with torch.no_grad():
                v_next, v_aux = _losses(model, *val_batch)
            history.eval_steps.append(step)
            history.val_next.append(float(v_next))
            history.val_aux.append(float(v_aux))
    history.seconds = time.perf_counter() - start
    return history


