"""One change at a time: which of the course recipe's differences from the seed's does what.

Lesson 04's course recipe differs from the seed's (the d2l textbook's) in seven things at once:
the text (the whole training part of the book, not its first 10,000 characters), the hidden
size (256, not 512), the optimiser (Adam, not SGD), the sampling scheme (random, not
sequential), the batch size (64, not 32), num_steps (32, not 35) and the learning-rate
schedule. This script trains the course recipe and seven variants, each with exactly one of
those put back to the seed's choice, and writes ``benchmarks/ablation.md``, a table lesson 04
prints (in its "Going further" section).

Cheap on purpose (lesson 04 could not afford it): every run sees the same number of training
tokens, ``PASSES`` passes over the whole training part (the 10,000-character run makes as many
passes over its text as it takes to see as many tokens), far fewer than the lesson's 18, with
the schedule's stages shortened in proportion; each setting is run with ``SEEDS``. Every run is
scored on all of the held-out text, each character predicted from all the text before it
(:func:`rnnlab.training.stream_perplexity`), the tokens the n-gram baseline scores.

    .venv/bin/python benchmarks/ablation.py            # about 5 minutes on a quiet 2-core CPU
    .venv/bin/python benchmarks/ablation.py --quick    # a smoke run in seconds (not written)
"""

from __future__ import annotations

import argparse
import dataclasses
import platform
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import rnnlab  # noqa: E402
from rnnlab.experiments import COURSE_RECIPE, SEED_RECIPE, run_recipe  # noqa
from rnnlab.files import write_text_atomic  # noqa: E402
from rnnlab.text.corpus import heldout_stream  # noqa: E402
from rnnlab.text.ngram import baseline_perplexity  # noqa: E402
from rnnlab.training import stream_perplexity  # noqa: E402

OUTPUT = ROOT / "benchmarks" / "ablation.md"
PASSES = 4          # passes over the training part of the book per run (the lesson: 18)
SEEDS = (0, 1)      # the course recipe runs with each (its spread is the noise); each variant with
VARIANT_SEEDS = (0,)  # the first only
WARMUP = 64         # training characters read before the held-out text


def base_recipe(passes: int = PASSES):
    """The course recipe, its schedule (10, 4, 4 epochs) shortened to ``passes`` epochs in all."""
    if passes < 3:
        raise ValueError(f"passes must be >= 3 (one epoch per stage of the schedule), got {passes}")
    rest = max(1, round(passes * 4 / 18))
    schedule = ((0.01, passes - 2 * rest), (0.003, rest), (0.001, rest))
    return dataclasses.replace(COURSE_RECIPE, schedule=schedule)


def variants(passes: int = PASSES, train_tokens: int | None = None) -> dict:
    """``{label: recipe}``: the course recipe, then one change back to the seed's choice each."""
    base = base_recipe(passes)
    if train_tokens is not None:
        base = dataclasses.replace(base, max_tokens=train_tokens)
    small = dataclasses.replace(base, max_tokens=SEED_RECIPE.max_tokens)
    # as many passes over the short text as give the same updates (so the same tokens)
    stretch = max(1, round(len(rnnlab.experiments.recipe_data(base)[0])
                           / len(rnnlab.experiments.recipe_data(small)[0])))

    def scaled(schedule, factor=1.0, epochs=1):
        return tuple((lr * factor, n * epochs) for lr, n in schedule)

    return {
        "course recipe": base,
        f"text: first {SEED_RECIPE.max_tokens:,} characters": dataclasses.replace(
            base, max_tokens=SEED_RECIPE.max_tokens, schedule=scaled(base.schedule, epochs=stretch)),
        f"hidden size {SEED_RECIPE.num_hiddens}": dataclasses.replace(
            base, num_hiddens=SEED_RECIPE.num_hiddens),
        "optimiser: SGD (lr 1 → 0.3 → 0.1)": dataclasses.replace(
            base, optimizer="sgd", schedule=scaled(base.schedule, factor=100)),
        "sequential partitioning (carried state)": dataclasses.replace(base, use_random_iter=False),
        f"batch size {SEED_RECIPE.batch_size}": dataclasses.replace(
            base, batch_size=SEED_RECIPE.batch_size),
        f"num_steps {SEED_RECIPE.num_steps}": dataclasses.replace(
            base, num_steps=SEED_RECIPE.num_steps),
        "no schedule (lr 0.01 throughout)": dataclasses.replace(base, schedule=((0.01, base.epochs),)),
    }


def run_one(recipe, max_tokens_stream: int = -1) -> dict:
    start = time.perf_counter()
    history, model, _ = run_recipe(recipe, device="cpu", val_every=recipe.epochs)
    stream, begin = heldout_stream(WARMUP, max_tokens_stream)
    return {"train_ppl": history.train_ppl[-1], "loader_val_ppl": history.val_ppl[-1],
            "stream_val_ppl": stream_perplexity(model, stream, begin),
            "updates": len(history.step_grad_norms), "seconds": time.perf_counter() - start}


def measure(passes: int = PASSES, seeds=SEEDS, train_tokens=None, quick: bool = False) -> dict:
    """``{label: [result per seed]}``."""
    results = {}
    for label, recipe in variants(passes, train_tokens).items():
        if quick:
            recipe = dataclasses.replace(recipe, num_hiddens=8, max_val_tokens=1_000)
        runs_seeds = seeds if label == "course recipe" else seeds[:len(VARIANT_SEEDS)]
        results[label] = [run_one(dataclasses.replace(recipe, seed=s),
                                  1_000 if quick else -1) for s in runs_seeds]
    return results


def _span(values, fmt="{:.2f}") -> str:
    lo, hi = min(values), max(values)
    return fmt.format(lo) if len(values) == 1 or fmt.format(lo) == fmt.format(hi) else \
        f"{fmt.format(lo)} – {fmt.format(hi)}"


def table(results: dict, seeds=SEEDS) -> str:
    base = results["course recipe"]
    lines = ["| change from the course recipe | validation perplexity, all held-out tokens "
             "(per seed) | change vs course recipe | validation loader's perplexity | "
             "final training perplexity | updates |",
             "|---|---:|---:|---:|---:|---:|"]
    for label, runs in results.items():
        per_seed = " / ".join(f"{r['stream_val_ppl']:.2f}" for r in runs)
        diffs = [r["stream_val_ppl"] - b["stream_val_ppl"] for r, b in zip(runs, base)]  # same seed
        change = "—" if label == "course recipe" else _span(diffs, "{:+.2f}")
        lines.append(f"| {label} | {per_seed} | {change} | "
                     f"{_span([r['loader_val_ppl'] for r in runs])} | "
                     f"{_span([r['train_ppl'] for r in runs])} | "
                     f"{_span([r['updates'] for r in runs], '{:,}')} |")
    return "\n".join(lines)


def report(results: dict, passes: int, seeds, started: str, seconds: float) -> str:
    ngram = baseline_perplexity()
    load = "" if not hasattr(__import__("os"), "getloadavg") else \
        f", load average {__import__('os').getloadavg()[0]:.1f} at the end"
    return "\n".join([
        "# One change at a time (benchmarks/ablation.py)",
        "",
        f"Measured {started} on {platform.machine()} ({torch.get_num_threads()} torch thread(s), "
        f"torch {torch.__version__}{load}); {seconds / 60:.1f} minutes in all.",
        "",
        f"Each run sees the same number of training tokens: {passes} passes over the training part "
        "of the book (the 10,000-character run makes as many passes over its text as that takes), "
        "with the schedule's stages shortened in proportion — a cheap ablation, not the lesson's "
        f"18 passes. The course recipe with seeds {', '.join(map(str, seeds))} (weights and batch "
        "order; their difference is the noise), each variant with seed "
        f"{seeds[0]}, compared with the course recipe's seed-{seeds[0]} run. Validation "
        "perplexity on all of the held-out text, each character predicted from all the text "
        f"before it; the best character n-gram scores {ngram:.2f} on the same characters.",
        "",
        table(results, seeds),
        "",
    ])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, nothing written")
    parser.add_argument("--passes", type=int, default=PASSES)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    t0 = time.perf_counter()
    if args.quick:
        results = measure(passes=3, seeds=(0,), train_tokens=12_000, quick=True)
        print(table(results, (0,)))
        return 0
    results = measure(args.passes)
    text = report(results, args.passes, SEEDS, started, time.perf_counter() - t0)
    write_text_atomic(OUTPUT, text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
