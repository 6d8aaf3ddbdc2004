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
records the conflict on every step — all on the one training loop, PCGrad
entering through its ``backward`` hook.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from ..checks import check_choice, check_int, check_positive_float
from ..models import check_state, check_tokens, model_device
from ..text.corpus import train_val_split
from ..training.loop import train
from .conflict import conflict_share
from .pcgrad import pcgrad_backward

AUX_TASKS = ("vowel", "skip2")
METHODS = ("sum", "pcgrad", "detach")
VOWELS = set("aeiou")


class MultiTaskRNN(nn.Module):
    """A shared ``nn.RNN`` over one-hot characters, with a next-char head and an auxiliary head.

    The course's model conventions: ``forward(X, state)`` takes indices
    ``(batch, num_steps)`` and returns ``((next, aux), state)`` with time-major
    logits ``(num_steps * batch, classes)`` and the state a tuple ``(h,)``.
    ``detach_aux=True`` feeds the auxiliary head ``h.detach()``: that head still
    learns, but its gradient never reaches the shared layer (decoupling).
    """

    def __init__(self, vocab_size: int, num_hiddens: int = 64, aux_classes: int = 2,
                 detach_aux: bool = False):
        super().__init__()
        self.vocab_size = check_int("vocab_size", vocab_size, minimum=2)
        self.num_hiddens = check_int("num_hiddens", num_hiddens, minimum=1)
        self.rnn = nn.RNN(vocab_size, self.num_hiddens)
        self.head_next = nn.Linear(self.num_hiddens, vocab_size)
        self.head_aux = nn.Linear(self.num_hiddens, check_int("aux_classes", aux_classes, minimum=2))
        self.detach_aux = bool(detach_aux)

    def shared_parameters(self):
        return list(self.rnn.parameters())

    def head_parameters(self):
        return list(self.head_next.parameters()) + list(self.head_aux.parameters())

    def begin_state(self, batch_size: int, device=None) -> tuple:
        device = model_device(self) if device is None else device
        return (torch.zeros(1, check_int("batch_size", batch_size, minimum=1), self.num_hiddens,
                            device=device),)

    def forward(self, X: torch.Tensor, state=None):
        X = check_tokens(X, self.vocab_size)
        if state is None:
            state = self.begin_state(X.shape[0], X.device)
        (h0,) = check_state(state, [(1, X.shape[0], self.num_hiddens)])
        H, h = self.rnn(F.one_hot(X.T, self.vocab_size).float(), h0)   # H: (T, B, hidden)
        H = H.reshape(-1, self.num_hiddens)                             # time-major rows
        return (self.head_next(H), self.head_aux(H.detach() if self.detach_aux else H)), (h,)


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


class WindowLoader:
    """``batches`` minibatches of random windows per pass: ``(X, (Y_next, Y_aux))``."""

    def __init__(self, corpus, vocab, aux: str, num_steps: int, batch_size: int, batches: int,
                 generator: torch.Generator):
        self.corpus, self.vocab, self.aux = corpus, vocab, aux
        self.num_steps, self.batch_size, self.batches = num_steps, batch_size, batches
        self.generator = generator

    def __len__(self) -> int:
        return self.batches

    def __iter__(self):
        span = self.num_steps + 2                        # inputs plus two targets ahead
        for _ in range(self.batches):
            starts = torch.randint(0, len(self.corpus) - span, (self.batch_size,),
                                   generator=self.generator)
            X, Y_next, Y_aux = multitask_targets(self.corpus, self.vocab, self.aux,
                                                 self.num_steps, starts)
            yield X, (Y_next, Y_aux)


def summary(history) -> str:
    """One line: each task's validation perplexity and the measured conflict."""
    cos = history.step_metrics["cosine"]
    what = ("0 % by construction (the aux head is detached)" if history.info["method"] == "detach"
            else f"{conflict_share(cos):.0%}")
    return (f"{history.info['method']:>6}: val next-char ppl {history.val_metrics['next_ppl'][-1]:.2f}, "
            f"val {history.info['aux']} ppl {history.val_metrics[history.info['aux'] + '_ppl'][-1]:.2f}, "
            f"mean cos {sum(cos) / len(cos):+.3f}, conflicting steps {what}")


def train_multitask(corpus, vocab, *, method: str = "sum", aux: str = "skip2",
                    num_hiddens: int = 64, num_steps: int = 32, batch_size: int = 32,
                    steps: int = 300, lr: float = 0.01, eval_every: int = 50,
                    val_fraction: float = 0.1, seed: int = 0):
    """Lesson 08. Train a :class:`MultiTaskRNN` with Adam on ``L_next + L_aux``; return its History.

    ``method``: ``"sum"`` (plain summed gradient), ``"pcgrad"`` (PCGrad on the
    shared layer, heads keep their own gradients) or ``"detach"`` (the aux
    head is cut off from the shared layer). The cosine between the two tasks'
    gradients on the shared layer is measured before any surgery on every
    step (``history.step_metrics["cosine"]``); each task's validation
    perplexity on the last ``val_fraction`` of the text every ``eval_every``
    steps (``history.val_metrics["next_ppl"]`` and ``[aux + "_ppl"]``; one
    "epoch" of the history is ``eval_every`` steps).
    """
    check_choice("method", method, METHODS)
    check_choice("aux", aux, AUX_TASKS)
    steps = check_int("steps", steps, minimum=1)
    eval_every = check_int("eval_every", eval_every, minimum=1)
    if steps % eval_every:
        raise ValueError(f"steps ({steps}) must be a multiple of eval_every ({eval_every})")
    num_steps = check_int("num_steps", num_steps, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    lr = check_positive_float("lr", lr)
    if not (isinstance(val_fraction, float) and 0 < val_fraction < 1):
        raise ValueError(f"val_fraction must be a float strictly between 0 and 1, got "
                         f"{val_fraction!r}")
    g = torch.Generator().manual_seed(check_int("seed", seed, minimum=0))
    corpus = torch.as_tensor(corpus, dtype=torch.long)
    train_text, val_text = train_val_split(corpus, val_fraction)
    span = num_steps + 2                                # inputs plus two targets ahead
    if len(train_text) <= span or len(val_text) <= span:
        raise ValueError(f"corpus of {len(corpus)} tokens is too short for num_steps={num_steps} "
                         f"with val_fraction={val_fraction} (each part needs more than {span})")
    val_starts = torch.arange(0, len(val_text) - span, num_steps)
    X_val, *Y_val = multitask_targets(val_text, vocab, aux, num_steps, val_starts)

    aux_classes = 2 if aux == "vowel" else len(vocab)
    with torch.random.fork_rng(devices=[]):  # seed locally: the caller's stream is untouched
        torch.manual_seed(seed)
        model = MultiTaskRNN(len(vocab), num_hiddens, aux_classes, detach_aux=(method == "detach"))

    def backward(step):  # one gradient per task on the shared layer, combined (or projected)
        stats = pcgrad_backward(step.task_losses, model.shared_parameters(),
                                model.head_parameters(), generator=g,
                                surgery=(method == "pcgrad"))
        step.log("cosine", stats["cosine"])
        step.log("loss_next", step.task_losses[0])
        step.log("loss_aux", step.task_losses[1])

    return train(model, WindowLoader(train_text, vocab, aux, num_steps, batch_size, eval_every, g),
                 [(X_val, tuple(Y_val))], epochs=steps // eval_every, lr=lr, optimizer="adam",
                 theta=None, state="fresh", backward=backward,
                 info={"method": method, "aux": aux, "tasks": ("next", aux),
                       "eval_every": eval_every})


def eval_steps(history) -> list[int]:
    """The training step after which each validation in ``history`` was measured."""
    return [e * history.info["eval_every"] for e in history.val_epochs]


def val_loss(history, task: str) -> list[float]:
    """A task's validation loss in nats (log of its perplexity) at each evaluation."""
    return [math.log(p) for p in history.val_metrics[f"{task}_ppl"]]
