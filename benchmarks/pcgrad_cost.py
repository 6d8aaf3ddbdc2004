"""What one PCGrad step costs against one plain-sum step (lesson 08), on a two-task RNN.

    .venv/bin/python benchmarks/pcgrad_cost.py [--rounds 30]

Seconds per training step of one :class:`rnnlab.experiments.multitask.TwoTaskRNN`
(shared head), median over ``rounds`` interleaved rounds: ``"sum"`` — one backward
pass of ``L_A + L_B``; ``"pcgrad"`` — one backward pass per task, PCGrad on the
flattened gradients, written back into ``.grad``. Forward pass included in both.
The two are timed side by side, alternating, so load on the machine falls on both.
Moved here from the library (issue 20): a timing is a benchmark, not a lesson tool.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `rnnlab` importable
    sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from torch.nn import functional as F  # noqa: E402

from rnnlab.checks import require_int  # noqa: E402
from rnnlab.experiments import multitask  # noqa: E402
from rnnlab.gradients.pcgrad import pcgrad_backward  # noqa: E402
from rnnlab.text import load_corpus_time_machine  # noqa: E402


def backward_cost(corpus, vocab, *, num_hiddens: int = 32, num_steps: int = 8,
                  batch_size: int = 32, rounds: int = 30, seed: int = 0) -> dict:
    """``{"sum": s, "pcgrad": s, "ratio": pcgrad / sum}``: median seconds per step."""
    rounds = require_int("rounds", rounds, minimum=1)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(require_int("seed", seed, minimum=0))
        model = multitask.TwoTaskRNN(len(vocab), num_hiddens, "shared")
    corpus = torch.as_tensor(corpus, dtype=torch.long)
    sub = multitask.letter_substitution(vocab, 1.0)
    loader = iter(multitask.StackLoader(corpus, [sub], [seed], num_steps, batch_size,
                                        2 * rounds + 2))
    params = list(model.parameters())

    def losses(X, Y):
        (a, b), _ = model(X)
        return (F.cross_entropy(a, Y[0].T.reshape(-1)), F.cross_entropy(b, Y[1].T.reshape(-1)))

    def step_sum(X, Y):
        la, lb = losses(X, Y)
        (la + lb).backward()

    def step_pcgrad(X, Y):
        la, lb = losses(X, Y)
        pcgrad_backward([la, lb], params)

    times: dict = {"sum": [], "pcgrad": []}
    for r in range(rounds + 1):
        for name, fn in (("sum", step_sum), ("pcgrad", step_pcgrad))[::1 if r % 2 else -1]:
            X, Y = next(loader)
            for p in params:
                p.grad = None
            start = time.perf_counter()
            fn(X, Y)
            if r:  # round 0 warms up
                times[name].append(time.perf_counter() - start)
    out = {name: statistics.median(t) for name, t in times.items()}
    out["ratio"] = out["pcgrad"] / out["sum"]
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    corpus, vocab = load_corpus_time_machine()
    cost = backward_cost(corpus, vocab, rounds=args.rounds)
    print(f"one step: sum (one backward) {1000 * cost['sum']:.2f} ms, PCGrad (two backwards) "
          f"{1000 * cost['pcgrad']:.2f} ms, ratio {cost['ratio']:.2f} "
          f"({torch.get_num_threads()} threads, torch {torch.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
