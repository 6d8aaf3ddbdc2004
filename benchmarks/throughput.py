"""Training throughput (tokens per second), four loops measured side by side.

* ``seed loop``: the notes' code (:mod:`benchmarks.seed_style`): one-hot inputs,
  one ``torch.mm`` per step, hand-written clipping and SGD;
* ``RNNScratch + rnnlab.train``: rnnlab's scratch RNN through rnnlab's loop;
* ``RNNModel(nn.RNN) + rnnlab.train``: the concise model through the same loop;
* ``bare nn.RNN loop``: ``nn.RNN`` + ``nn.Linear`` in a minimal hand-written loop
  (``clip_grad_norm_``, ``torch.optim.SGD``) — what rnnlab's loop must not slow down.

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
    name = "RNNScratch + rnnlab.train"

    def __init__(self, vocab_size: int, num_hiddens: int):
        self.model = rnnlab.RNNScratch(vocab_size, num_hiddens, device="cpu")

    def epoch(self, batches) -> None:
        rnnlab.train(self.model, batches, epochs=1, lr=1.0, optimizer="sgd", theta=1.0,
                     device="cpu", progress=False, state="carry")


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


CONTENDERS = (SeedLoop, RnnlabScratch, RnnlabConcise, BareLoop)


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
    """A markdown table: median tokens/s, spread, and the two ratios the goals are about."""
    names = [n for n in result if n != "settings"]
    seed = result.get(SeedLoop.name, {}).get("median")
    lines = ["| loop | tokens/s (median) | min – max | × seed loop |",
             "|---|---:|---:|---:|"]
    for name in names:
        r = result[name]
        ratio = f"{r['median'] / seed:.2f}×" if seed else "–"
        lines.append(f"| {name} | {r['median']:,.0f} | {min(r['all']):,.0f} – {max(r['all']):,.0f} "
                     f"| {ratio} |")
    return "\n".join(lines)


def goals(result: dict) -> list[tuple[str, float, float]]:
    """``(goal, measured ratio, target)`` for the two throughput goals."""
    med = {n: r["median"] for n, r in result.items() if n != "settings"}
    out = []
    if SeedLoop.name in med and RnnlabScratch.name in med:
        out.append(("RNNScratch + rnnlab.train vs seed loop",
                    med[RnnlabScratch.name] / med[SeedLoop.name], 1.0))
    if BareLoop.name in med and RnnlabConcise.name in med:
        out.append(("rnnlab.train over nn.RNN vs bare loop",
                    med[RnnlabConcise.name] / med[BareLoop.name], 0.95))
    return out
