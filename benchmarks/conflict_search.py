"""Lesson 08: the search for an RNN setting where PCGrad's effect can show (conflict_search.md).

    .venv/bin/python benchmarks/conflict_search.py '[{"opt": "sgd", "lr": 0.1, "lam": 10,
                                                      "back": 6}]' runs.jsonl

Each setting: arms single_a, sum, pcgrad (or its ``"arms"``) on seeds 0-4 at one learning rate,
one stack of :func:`rnnlab.experiments.multitask.train_conflict` (hidden ``"hidden"``, default
32; task B ``back`` characters back, through the substitution ``p``); one JSON line per setting
is appended to the output file and a one-line summary printed (PCGrad − sum, paired by seed).
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `rnnlab` importable
    sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from rnnlab.experiments import multitask as mt  # noqa: E402
from rnnlab.text import load_corpus_time_machine  # noqa: E402


def run_setting(corpus, vocab, st: dict) -> list[dict]:
    arms = st.get("arms", ["single_a", "sum", "pcgrad"])
    runs = [mt.ConflictRun(arm=a, p=st.get("p", 0.0), lam=st["lam"],
                           heads=st.get("heads", "separate"), seed=s)
            for a in arms for s in range(5)]
    h = mt.train_conflict(corpus, vocab, runs, optimizer=st["opt"], lr=st["lr"],
                          num_hiddens=st.get("hidden", 32), steps=st.get("steps", 1000),
                          eval_every=st.get("steps", 1000), back=st.get("back", 0),
                          curvature_every=st.get("curv", 20))
    return [dict(arm=r.arm, seed=r.seed, **mt.conflict_summary(h, i)) for i, r in enumerate(runs)]


def paired(rows: list[dict], arm: str, task: str) -> tuple[float, float]:
    """``arm`` − sum in validation log-perplexity of ``task``, paired by seed: mean ± 95 % CI."""
    mine = sorted((r for r in rows if r["arm"] == arm), key=lambda r: r["seed"])
    base = sorted((r for r in rows if r["arm"] == "sum"), key=lambda r: r["seed"])
    return mt.mean_ci([math.log(x[f"{task}_ppl"] / y[f"{task}_ppl"])
                       for x, y in zip(mine, base, strict=True)])


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    settings, out_path = json.loads(argv[0]), Path(argv[1])
    torch.set_num_threads(1)
    corpus, vocab = load_corpus_time_machine()
    for st in settings:
        start = time.perf_counter()
        rows = run_setting(corpus, vocab, st)
        with open(out_path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"setting": st, "rows": rows,
                                "seconds": time.perf_counter() - start}) + "\n")
        s = [r for r in rows if r["arm"] == "sum"]
        mean = {k: sum(r[k] for r in s) / len(s) for k in ("a_ppl", "b_ppl", "cosine",
                                                             "taken_harm_a", "curv_a")}
        a, b = paired(rows, "pcgrad", "a"), paired(rows, "pcgrad", "b")
        print(st, {k: round(v, 3) for k, v in mean.items()},
              f"PCGrad − sum: A {a[0]:+.4f} ± {a[1]:.4f}, B {b[0]:+.4f} ± {b[1]:.4f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
