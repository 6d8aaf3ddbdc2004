"""How speed and memory scale with the hidden size and with ``num_steps``.

Speed: tokens/s of training (forward, backward, clipping, SGD) for the seed's
loop and for rnnlab's ``RNNScratch`` + ``rnnlab.train``, the two interleaved at
every point, medians over the timed epochs.

Threads: the fused ``RNNScratch``, ``nn.RNN`` and the bound, each with one and
with two torch threads, all interleaved, per hidden size: the table behind
:func:`rnnlab.fused.default_threads`.

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
from rnnlab.fused import default_threads
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


THREAD_CONTENDERS = (throughput.RnnlabScratch, throughput.RnnlabConcise, throughput.Bound)


def speed_vs_threads(hiddens=HIDDENS, batch_size=32, num_steps=35, num_batches=3, rounds=3,
                     warmup=1, threads=(1, 2), contenders=THREAD_CONTENDERS) -> dict:
    """``{hidden: {(contender class, threads): tokens/s}}``, everything interleaved per hidden."""
    torch.manual_seed(0)
    runners = [throughput.with_threads(c, n) for c in contenders for n in threads]
    out = {}
    for h in hiddens:
        result = throughput.measure(runners, num_hiddens=h, batch_size=batch_size,
                                    num_steps=num_steps, num_batches=num_batches, rounds=rounds,
                                    warmup=warmup)
        out[h] = {(r.base, r.threads): result[r.name]["median"] for r in runners}
    return out


def threads_table(result: dict) -> str:
    """Tokens/s per hidden size and thread count; the policy's choice; fused vs nn.RNN under it."""
    fused, concise = throughput.RnnlabScratch, throughput.RnnlabConcise
    keys = list(next(iter(result.values())))
    short = {throughput.RnnlabScratch: "fused RNNScratch", throughput.RnnlabConcise: "nn.RNN",
             throughput.Bound: "bound"}
    head = " | ".join(f"{short.get(c, c.name)}, {n} thr" for c, n in keys)
    lines = [f"| hidden | {head} | faster for fused | default_threads | fused ÷ nn.RNN "
             "(policy) | fused ÷ bound (policy) |",
             "|---:|" + "---:|" * (len(keys) + 4)]
    for h, row in result.items():
        ts = sorted({n for _, n in keys})
        best = max(ts, key=lambda n: row[(fused, n)])
        policy = min(default_threads(h), max(ts))
        vs_rnn = row[(fused, policy)] / row[(concise, policy)]
        bound = row.get((throughput.Bound, policy))
        lines.append(f"| {h} | " + " | ".join(f"{row[k]:,.0f}" for k in keys)
                     + f" | {best} | {policy} | {vs_rnn:.2f}× | "
                     + (f"{row[(fused, policy)] / bound:.2f}× |" if bound else "– |"))
    return "\n".join(lines)


def threads_goals(result: dict) -> list[tuple[str, float, float]]:
    """Under the default thread policy, fused ahead of nn.RNN at every hidden size (the worst)."""
    fused, concise = throughput.RnnlabScratch, throughput.RnnlabConcise
    ratios = {}
    for h, row in result.items():
        policy = min(default_threads(h), max(n for _, n in row))
        ratios[h] = row[(fused, policy)] / row[(concise, policy)]
    worst = min(ratios, key=ratios.get)
    return [(f"fused vs nn.RNN under default_threads, worst hidden size ({worst})",
             ratios[worst], 1.0)]


def policy_agrees(result: dict) -> list[tuple[int, int, int]]:
    """``(hidden, threads the policy picks, threads that were faster)`` where they differ."""
    fused = throughput.RnnlabScratch
    out = []
    for h, row in result.items():
        ts = sorted({n for _, n in row})
        best = max(ts, key=lambda n: row[(fused, n)])
        policy = min(default_threads(h), max(ts))
        if best != policy:
            out.append((h, policy, best))
    return out


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


MEMORY_CONTENDERS = (throughput.SeedLoop, throughput.RnnlabScratch,
                     throughput.RnnlabScratchAutograd)


def memory_vs_num_steps(steps=NUM_STEPS, num_hiddens=512, batch_size=32) -> dict:
    """``{num_steps: {contender: bytes saved for backward}}`` for one batch."""
    torch.manual_seed(0)
    out = {}
    for s in steps:
        batches, vocab = throughput.make_batches(batch_size, s, 1)
        ((X, Y),) = batches
        seed = throughput.SeedLoop(len(vocab), num_hiddens).net
        out[s] = {throughput.SeedLoop.name: saved_for_backward_bytes(
            lambda X, net=seed: net(X, net.begin_state(X.shape[0], "cpu"))[0],
            seed.params, X, Y)}
        for cls in MEMORY_CONTENDERS[1:]:
            model = cls(len(vocab), num_hiddens).model
            out[s][cls.name] = saved_for_backward_bytes(lambda X, m=model: m(X)[0],
                                                        list(model.parameters()), X, Y)
    return out


def per_step_bytes(result: dict) -> dict:
    """``{contender: bytes per step}``: the slope between the two longest sequences measured."""
    a, b = sorted(result)[-2:]
    return {name: (result[b][name] - result[a][name]) / (b - a) for name in result[b]}


def memory_goals(result: dict) -> list[tuple[str, float, float]]:
    """Fused activation memory per step at most the seed loop's (as a ratio, goal <= 1)."""
    per = per_step_bytes(result)
    return [("activation memory per step, fused RNNScratch vs seed loop",
             per[throughput.RnnlabScratch.name] / per[throughput.SeedLoop.name], 1.0)]


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
    lines = ["| num_steps | " + " | ".join(f"{n} (MiB)" for n in names) + " | "
             + " | ".join(f"per step, {n} (KiB)" for n in names) + " |",
             "|---:|" + "---:|" * (2 * len(names))]
    for steps, row in result.items():
        lines.append(f"| {steps} | " + " | ".join(f"{row[n] / 2**20:.2f}" for n in names) + " | "
                     + " | ".join(f"{row[n] / steps / 1024:.0f}" for n in names) + " |")
    return "\n".join(lines)
