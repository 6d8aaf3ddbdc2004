"""Training throughput (tokens per second), the loops measured side by side.

* ``seed loop``: the notes' code (:mod:`benchmarks.seed_style`): one-hot inputs,
  one ``torch.mm`` per step, hand-written clipping and SGD;
* ``RNNScratch (fused) + rnnlab.train``: rnnlab's scratch RNN (its default engine,
  :mod:`rnnlab.fused`: hand-written BPTT as the backward pass) through rnnlab's loop;
* ``RNNScratch(fused=False) + rnnlab.train``: the same model under autograd (lesson 04);
* ``RNNModel(nn.RNN) + rnnlab.train``: the concise model through the same loop;
* ``bare nn.RNN loop``: ``nn.RNN`` + ``nn.Linear`` in a minimal hand-written loop
  (``clip_grad_norm_``, ``torch.optim.SGD``) — what rnnlab's loop must not slow down;
* ``bound``: only the three hidden-by-hidden matrix products each step needs
  (:class:`Bound`), a speed limit for any BPTT engine built on them.

Every contender trains on the same list of batches. Repetitions are
interleaved (A B C D A B C D …) so that load from other processes on a shared
machine falls on all of them alike; the table reports medians.
"""

from __future__ import annotations

import statistics
import time

import torch
from torch import nn
from torch.nn import functional as F

import rnnlab
from benchmarks import seed_style


def make_batches(batch_size: int, num_steps: int, num_batches: int, max_tokens: int = -1):
    """The first ``num_batches`` sequential batches of the book, as a list (same for everyone)."""
    corpus, vocab = rnnlab.load_corpus_time_machine(max_tokens)
    loader = rnnlab.SeqDataLoader(corpus, batch_size, num_steps, seed=0, random_offset=False)
    batches = []
    for batch in loader:
        batches.append(batch)
        if len(batches) == num_batches:
            break
    if len(batches) < num_batches:
        raise ValueError(f"the text gives only {len(batches)} batches of {batch_size} x "
                         f"{num_steps}, num_batches={num_batches} were asked for")
    return batches, vocab


class SeedLoop:
    name = "seed loop (one-hot, torch.mm per step)"

    def __init__(self, vocab_size: int, num_hiddens: int):
        self.net = seed_style.SeedRNN(vocab_size, num_hiddens)

    def epoch(self, batches) -> None:
        seed_style.train_epoch(self.net, batches, lr=1.0, theta=1.0)


class RnnlabScratch:
    name = "RNNScratch (fused) + rnnlab.train"

    def __init__(self, vocab_size: int, num_hiddens: int):
        self.model = rnnlab.RNNScratch(vocab_size, num_hiddens, device="cpu")

    def epoch(self, batches) -> None:
        rnnlab.train(self.model, batches, epochs=1, lr=1.0, optimizer="sgd", theta=1.0,
                     device="cpu", progress=False, state="carry")


class RnnlabScratchAutograd(RnnlabScratch):
    name = "RNNScratch(fused=False) + rnnlab.train"

    def __init__(self, vocab_size: int, num_hiddens: int):
        self.model = rnnlab.RNNScratch(vocab_size, num_hiddens, device="cpu", fused=False)


class RnnlabConcise:
    name = "RNNModel(nn.RNN) + rnnlab.train"

    def __init__(self, vocab_size: int, num_hiddens: int):
        self.model = rnnlab.RNNModel(vocab_size, num_hiddens, cell="rnn", device="cpu")

    def epoch(self, batches) -> None:
        rnnlab.train(self.model, batches, epochs=1, lr=1.0, optimizer="sgd", theta=1.0,
                     device="cpu", progress=False, state="carry")


class BareLoop:
    name = "bare nn.RNN + nn.Linear loop"

    def __init__(self, vocab_size: int, num_hiddens: int):
        self.vocab_size, self.num_hiddens = vocab_size, num_hiddens
        self.rnn = nn.RNN(vocab_size, num_hiddens)
        self.linear = nn.Linear(num_hiddens, vocab_size)
        self.params = list(self.rnn.parameters()) + list(self.linear.parameters())
        self.optimizer = torch.optim.SGD(self.params, lr=1.0)

    def epoch(self, batches) -> None:
        state = None
        for X, Y in batches:
            if state is None:
                state = torch.zeros(1, X.shape[0], self.num_hiddens)
            else:
                state = state.detach()
            out, state = self.rnn(F.one_hot(X.T, self.vocab_size).float(), state)
            logits = self.linear(out.reshape(-1, self.num_hiddens))
            loss = F.cross_entropy(logits, Y.T.reshape(-1))
            self.optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(self.params, 1.0)
            self.optimizer.step()
            float(loss.detach())  # read the loss, as every real loop does


class Bound:
    """Only the three hidden-by-hidden products per step, on the same shapes (a speed limit).

    Forward ``H_{t-1} W_hh``, backward through the state ``dA_t W_hhᵀ`` and the
    weight gradient ``H_{t-1}ᵀ dA_t``: every step of every BPTT needs them, one
    after the other, so no engine that computes them this way is faster.
    """

    name = "bound: 3 hidden×hidden products per step"

    def __init__(self, vocab_size: int, num_hiddens: int):
        self.W = torch.randn(num_hiddens, num_hiddens) * 0.01
        self.dW = torch.zeros(num_hiddens, num_hiddens)
        self.num_hiddens = num_hiddens

    def epoch(self, batches) -> None:
        W, dW = self.W, self.dW
        for X, _ in batches:
            B, T = X.shape
            H = torch.full((B, self.num_hiddens), 0.5)
            out, d = torch.empty_like(H), torch.empty_like(H)
            for _ in range(T):
                torch.mm(H, W, out=out)                      # forward
                torch.mm(H, W.T, out=d)                      # backward through the state
                dW.addmm_(H.T, d)                            # the weight gradient


CONTENDERS = (SeedLoop, RnnlabScratch, RnnlabScratchAutograd, RnnlabConcise, BareLoop, Bound)
#: At the course recipe's size: the three rnnlab engines and the bound.
COURSE_CONTENDERS = (RnnlabScratch, RnnlabScratchAutograd, RnnlabConcise, Bound)


def with_threads(cls, threads: int):
    """``cls`` that trains with ``threads`` torch threads (set around each epoch, then restored)."""

    class Threaded(cls):
        name = f"{cls.name} [{threads} thread{'s' if threads > 1 else ''}]"

        def epoch(self, batches) -> None:
            before = torch.get_num_threads()
            torch.set_num_threads(threads)
            try:
                super().epoch(batches)
            finally:
                torch.set_num_threads(before)

    Threaded.__name__ = f"{cls.__name__}{threads}Threads"
    Threaded.base, Threaded.threads = cls, threads
    return Threaded


def measure(contenders=CONTENDERS, num_hiddens: int = 512, batch_size: int = 32,
            num_steps: int = 35, num_batches: int = 8, rounds: int = 7, warmup: int = 1) -> dict:
    """Tokens/s of each contender: ``rounds`` interleaved timed epochs after ``warmup`` others.

    Returns ``{name: {"median": …, "all": [...]}}`` plus the settings under ``"settings"``.
    """
    torch.manual_seed(0)
    batches, vocab = make_batches(batch_size, num_steps, num_batches)
    tokens = sum(X.numel() for X, _ in batches)
    runners = [cls(len(vocab), num_hiddens) for cls in contenders]
    for _ in range(warmup):
        for runner in runners:
            runner.epoch(batches)
    rates = {runner.name: [] for runner in runners}
    for _ in range(rounds):
        for runner in runners:  # interleaved: A B C D, A B C D, ...
            start = time.perf_counter()
            runner.epoch(batches)
            rates[runner.name].append(tokens / (time.perf_counter() - start))
    result = {name: {"median": statistics.median(r), "all": r} for name, r in rates.items()}
    result["settings"] = {"num_hiddens": num_hiddens, "batch_size": batch_size,
                          "num_steps": num_steps, "num_batches": num_batches, "rounds": rounds,
                          "tokens_per_epoch": tokens, "threads": torch.get_num_threads()}
    return result


def table(result: dict) -> str:
    """A markdown table: median tokens/s, spread, and each loop against seed, nn.RNN and bound."""
    names = [n for n in result if n != "settings"]
    med = {n: result[n]["median"] for n in names}
    refs = [(SeedLoop.name, "× seed loop"), (RnnlabConcise.name, "× nn.RNN (rnnlab.train)"),
            (Bound.name, "fraction of bound")]
    refs = [(n, label) for n, label in refs if n in med]
    lines = ["| loop | tokens/s (median) | min – max | " + " | ".join(lb for _, lb in refs) + " |",
             "|---|---:|---:|" + "---:|" * len(refs)]
    for name in names:
        r = result[name]
        ratios = " | ".join(f"{med[name] / med[ref]:.2f}×" for ref, _ in refs)
        lines.append(f"| {name} | {r['median']:,.0f} | {min(r['all']):,.0f} – {max(r['all']):,.0f} "
                     f"| {ratios} |")
    return "\n".join(lines)


def goals(result: dict) -> list[tuple[str, float, float]]:
    """``(goal, measured ratio, target)`` for the throughput goals whose loops were measured."""
    med = {n: r["median"] for n, r in result.items() if n != "settings"}
    wanted = [("RNNScratch + rnnlab.train vs seed loop", RnnlabScratch, SeedLoop, 1.0),
              ("rnnlab.train over nn.RNN vs bare loop", RnnlabConcise, BareLoop, 0.95),
              ("fused RNNScratch vs nn.RNN, both through rnnlab.train", RnnlabScratch,
               RnnlabConcise, 1.3),
              ("fused RNNScratch as a fraction of the bound", RnnlabScratch, Bound, 0.75)]
    return [(goal, med[a.name] / med[b.name], target) for goal, a, b, target in wanted
            if a.name in med and b.name in med]
