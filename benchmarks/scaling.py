"""How speed and memory scale with the hidden size and with ``num_steps``.

Speed: tokens/s of training (forward, backward, clipping, SGD) for the seed's
loop and for rnnlab's ``RNNScratch`` + ``rnnlab.train``, the two interleaved at
every point, medians over the timed epochs.

Memory: backpropagation through time must keep, for every time step, the
tensors the backward pass needs (hidden states, pre-activations, one-hot
inputs, …), so memory grows linearly with ``num_steps``. We measure exactly
that part: during one forward pass (and the loss), every tensor autograd saves
for backward goes through ``torch.autograd.graph.saved_tensors_hooks``; we add
up the bytes of their storages, each storage once, leaving out the parameters
and the batch itself (neither grows with ``num_steps``). On a CPU this is deterministic and
unaffected by the allocator or by other processes; it is the memory a
``num_steps``-long backward pass needs on top of the model.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

from benchmarks import throughput
from rnnlab.gradients.memory import saved_tensor_bytes

HIDDENS = (64, 128, 256, 512, 1024)
NUM_STEPS = (5, 10, 20, 35, 50, 100, 200)
CONTENDERS = (throughput.SeedLoop, throughput.RnnlabScratch)


def _tokens_per_s(num_hiddens, batch_size, num_steps, num_batches, rounds, warmup) -> dict:
    """Median tokens/s of each contender, measured interleaved by :func:`throughput.measure`."""
    result = throughput.measure(CONTENDERS, num_hiddens=num_hiddens, batch_size=batch_size,
                                num_steps=num_steps, num_batches=num_batches, rounds=rounds,
                                warmup=warmup)
    return {name: r["median"] for name, r in result.items() if name != "settings"}


def speed_vs_hidden(hiddens=HIDDENS, batch_size=32, num_steps=35, num_batches=3, rounds=2,
                    warmup=1) -> dict:
    """``{hidden: {contender: tokens/s}}``."""
    torch.manual_seed(0)
    return {h: _tokens_per_s(h, batch_size, num_steps, num_batches, rounds, warmup)
            for h in hiddens}


def speed_vs_num_steps(steps=NUM_STEPS, num_hiddens=512, batch_size=32, num_batches=3, rounds=2,
                       warmup=1) -> dict:
    """``{num_steps: {contender: tokens/s}}``."""
    torch.manual_seed(0)
    return {s: _tokens_per_s(num_hiddens, batch_size, s, num_batches, rounds, warmup)
            for s in steps}


def saved_for_backward_bytes(forward, params, X, Y) -> int:
    """Bytes autograd keeps for backward in ``forward(X)`` plus the loss (each storage once).

    The one meter, :func:`rnnlab.gradients.memory.saved_tensor_bytes`. ``forward(X)``
    returns time-major logits. Storages that exist before the forward pass — the
    parameters and the batch (a view into the whole corpus) — are left out: they
    do not grow with ``num_steps``.
    """
    def loss(X):
        return F.cross_entropy(forward(X), Y.T.reshape(-1))

    nbytes, _ = saved_tensor_bytes(loss, X, exclude=[*params, X, Y])
    return nbytes


def memory_vs_num_steps(steps=NUM_STEPS, num_hiddens=512, batch_size=32) -> dict:
    """``{num_steps: {contender: bytes saved for backward}}`` for one batch."""
    torch.manual_seed(0)
    out = {}
    for s in steps:
        batches, vocab = throughput.make_batches(batch_size, s, 1)
        ((X, Y),) = batches
        seed = throughput.SeedLoop(len(vocab), num_hiddens).net
        scratch = throughput.RnnlabScratch(len(vocab), num_hiddens).model
        out[s] = {
            throughput.SeedLoop.name: saved_for_backward_bytes(
                lambda X, net=seed: net(X, net.begin_state(X.shape[0], "cpu"))[0],
                seed.params, X, Y),
            throughput.RnnlabScratch.name: saved_for_backward_bytes(
                lambda X, m=scratch: m(X)[0], list(scratch.parameters()), X, Y),
        }
    return out


def speed_table(result: dict, what: str) -> str:
    names = list(next(iter(result.values())))
    lines = [f"| {what} | " + " | ".join(f"{n} (tokens/s)" for n in names) + " | ratio |",
             "|---:|" + "---:|" * (len(names) + 1)]
    for key, row in result.items():
        ratio = row[names[1]] / row[names[0]] if len(names) == 2 else float("nan")
        lines.append(f"| {key} | " + " | ".join(f"{row[n]:,.0f}" for n in names)
                     + f" | {ratio:.2f}× |")
    return "\n".join(lines)


def memory_table(result: dict) -> str:
    names = list(next(iter(result.values())))
    lines = ["| num_steps | " + " | ".join(f"{n} (MiB saved for backward)" for n in names)
             + " | per step (rnnlab, KiB) |",
             "|---:|" + "---:|" * (len(names) + 1)]
    for steps, row in result.items():
        per_step = row[names[-1]] / steps / 1024
        lines.append(f"| {steps} | " + " | ".join(f"{row[n] / 2**20:.2f}" for n in names)
                     + f" | {per_step:.0f} |")
    return "\n".join(lines)
