"""Lesson 04's two long runs, stored so that the lesson reads them instead of waiting minutes.

    .venv/bin/python scripts/long_run_04.py seed     # the textbook's recipe: 500 epochs on 10,000 characters
    .venv/bin/python scripts/long_run_04.py course   # the course recipe: 18 epochs on the whole book

Each writes ``rnnlab/data/lesson04_<name>_run.json``: the recipe, the history (per-epoch
training perplexity, validation perplexity, gradient norms), the greedy continuations (and, for
the course run, samples at several temperatures and its scores beside the n-gram's), and the
versions of torch and rnnlab that produced it. ``--epochs N`` (seed run only) runs the first N
epochs and prints the result without writing (``tests/experiments/test_long_run_04.py`` checks
that such a prefix matches the stored history). One torch thread, on the CPU.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rnnlab.course import lesson04  # noqa: E402
from rnnlab.files import write_text_atomic  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=lesson04.LONG_RUNS)
    parser.add_argument("--epochs", type=int, default=None,
                        help="seed run only: the first EPOCHS epochs, printed, not written")
    parser.add_argument("--progress", action="store_true")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    run = lesson04.long_run(args.name, epochs=args.epochs, device="cpu", progress=args.progress)
    text = json.dumps(run.to_dict(), indent=1, ensure_ascii=False) + "\n"
    if args.epochs is not None:
        print(text)
        return 0
    write_text_atomic(lesson04.long_run_path(args.name), text)
    print(f"wrote {lesson04.long_run_path(args.name)}: {run.history}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
