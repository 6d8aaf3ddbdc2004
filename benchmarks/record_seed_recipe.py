"""Record the seed notes' recipe once and ship the result with the package.

    .venv/bin/python benchmarks/record_seed_recipe.py

The recipe (``rnnlab.training.SEED_RECIPE``): the scratch RNN with 512 hidden
units, trained on the first 10,000 characters of the book in sequential
minibatches (32 × 35), plain SGD with lr 1, clipping at θ = 1, 500 epochs;
validation perplexity after every epoch on the held-out end of the book.
That is minutes of CPU time, too long to repeat live in lesson 04, so this
script writes ``rnnlab/data/seed_recipe_history.json`` (settings, machine,
date, seconds, the full history and a few greedy samples) and lesson 04
loads it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from rnnlab.generation import predict
from rnnlab.recorded import RECORDINGS, save_recorded_run
from rnnlab.training import SEED_RECIPE, run_recipe

OUT = Path(__file__).resolve().parents[1] / "rnnlab" / "data" / RECORDINGS["seed_recipe"]
PREFIXES = ("time traveller", "the time machine")


def main() -> int:
    def report(epoch, history, _model):
        if epoch % 25 == 0 or epoch == 1:
            print(f"epoch {epoch:3d}: train ppl {history.train_ppl[-1]:8.3f}  "
                  f"val ppl {history.val_ppl[-1]:8.3f}", flush=True)

    start = time.perf_counter()
    history, model, vocab = run_recipe(SEED_RECIPE, device="cpu", progress=False,
                                       callback=report)
    seconds = time.perf_counter() - start
    samples = {prefix: predict(prefix, 60, model, vocab) for prefix in PREFIXES}
    best_epoch = history.val_ppl.index(history.best_val_ppl) + 1
    save_recorded_run(OUT, SEED_RECIPE.to_dict(), history, {
        "seconds": round(seconds, 1),
        "best_val_epoch": best_epoch,
        "greedy_samples": samples,
        "script": "benchmarks/record_seed_recipe.py",
    })
    print(f"{seconds:.0f} s; best validation perplexity {history.best_val_ppl:.2f} at epoch "
          f"{best_epoch}; final train {history.train_ppl[-1]:.3f}, val {history.val_ppl[-1]:.2f}")
    for text in samples.values():
        print(repr(text))
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
