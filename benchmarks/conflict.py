"""Lesson 08's grid: gradient conflict and PCGrad on the letter-substitution tasks, over seeds.

    .venv/bin/python benchmarks/conflict.py                # the full grid (see FULL)
    .venv/bin/python benchmarks/conflict.py --workers 2    # in 2 processes
    .venv/bin/python benchmarks/conflict.py --tiny         # a smoke run in seconds (writes nothing)

A full run appends each finished run to ``benchmarks/conflict_runs.partial.jsonl`` and
resumes from it when restarted (delete that file to start afresh).

Two phases. *Tuning*: every arm's learning rate (and, for the weighted arm, its
static weight on task B) is chosen from a small grid (``lrs``, ``weights``) on one tuning seed, for
every cell of the grid on its own, each candidate trained for the same
number of steps — the same budget for every arm; the score is the mean of the two tasks'
validation log-perplexities (a single-task arm: its own task's). *Final*: every
cell of the grid trained with its tuned settings on each of ``seeds``. Every
run is one model of a :func:`rnnlab.experiments.multitask.train_conflict` stack: runs that
share an optimizer and a learning rate are trained together as independent slices of one
set of tensors (the results do not depend on what else is in the stack; tests check it),
and the stacks are shared out over ``--workers`` processes.

Writes ``benchmarks/conflict_runs.csv`` (every run), ``rnnlab/data/conflict_grid.json``
(the aggregated table lesson 08 reads) and ``benchmarks/conflict_results.md``.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import functools
import io
import json
import math
import multiprocessing
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `benchmarks` and `rnnlab` importable
    sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from rnnlab.experiments import multitask  # noqa: E402
from rnnlab.files import write_text_atomic  # noqa: E402
from rnnlab.i18n import tr  # noqa: E402
from rnnlab.text import load_corpus_time_machine  # noqa: E402

#: The experiment of lesson 08 (issue 22): separate heads over one shared recurrent layer;
#: task A the next character, task B the character ``back`` steps before it (a memory task),
#: weighted λ_B = 10; every arm's learning rate tuned, the static weight from a grid that
#: contains 1 (w · λ_B with w in ``weights``).
FULL = {"back": 6, "heads": "separate", "ps": (0.0,), "lams": (10.0,),
        "optimizers": ("sgd", "adam"), "seeds": (0, 1, 2, 3, 4), "tune_seed": 100,
        "lrs": {"sgd": (0.03, 0.1, 0.3), "adam": (0.003, 0.01)}, "control_ps": (),
        "weights": (0.1, 0.3, 0.5, 1.0, 2.0), "steps": 1000, "num_steps": 8, "batch_size": 32,
        "num_hiddens": 32, "max_tokens": None, "stack": 64, "curvature_every": 20}
TINY = {"back": 3, "heads": "separate", "ps": (0.0,), "lams": (10.0,), "optimizers": ("sgd",),
        "seeds": (0, 1), "tune_seed": 100, "lrs": {"sgd": (0.1, 0.3), "adam": (0.01,)},
        "weights": (0.5, 1.0), "steps": 12, "num_steps": 4, "batch_size": 4, "num_hiddens": 8,
        "max_tokens": 3000, "stack": 16, "control_ps": (), "curvature_every": 4}

MULTI_ARMS = ("sum", "weighted", "pcgrad", "detach")
CONTROL_ARMS = ("sum", "pcgrad")   # separate heads: only the input and recurrent weights shared
MEASURES = ("a_ppl", "b_ppl", "cosine", "magnitude", "conflict", "harm_a", "harm_b",
            "taken_harm_a", "taken_harm_b", "curv_a")
DEFAULT_JSON = ROOT / "rnnlab" / "data" / "conflict_grid.json"
DEFAULT_MD = ROOT / "benchmarks" / "conflict_results.md"
DEFAULT_CSV = ROOT / "benchmarks" / "conflict_runs.csv"
#: Rows of an unfinished full run (JSON lines): a rerun resumes from them. Delete to start afresh.
DEFAULT_CACHE = ROOT / "benchmarks" / "conflict_runs.partial.jsonl"


def cells(config: dict) -> list[dict]:
    """Every cell of the grid: ``{"arm", "heads", "optimizer", "p", "lam"}``."""
    out = []
    for opt in config["optimizers"]:
        out.append({"arm": "single_a", "heads": "separate", "optimizer": opt, "p": 0.0,
                    "lam": 1.0})
        out += [{"arm": "single_b", "heads": "separate", "optimizer": opt, "p": p, "lam": 1.0}
                for p in config["ps"] if p > 0 or config.get("back", 0)]
        for p in config["ps"]:
            for lam in config["lams"]:
                out += [{"arm": arm, "heads": ("separate" if arm == "detach"
                                               else config.get("heads", "shared")),
                         "optimizer": opt, "p": p, "lam": lam} for arm in MULTI_ARMS]
                if p in config["control_ps"]:
                    out += [{"arm": arm, "heads": "separate", "optimizer": opt, "p": p,
                             "lam": lam} for arm in CONTROL_ARMS]
    return out


def tuning_key(cell: dict) -> tuple:
    """A cell's identity: every cell is tuned on its own."""
    return (cell["arm"], cell["heads"], cell["optimizer"], cell["p"], cell["lam"])


def tuning_jobs(config: dict) -> list[dict]:
    """One job per tuning key and candidate (learning rate × static weight)."""
    jobs, seen = [], set()
    for cell in cells(config):
        key = tuning_key(cell)
        if key in seen:
            continue
        seen.add(key)
        weights = config["weights"] if cell["arm"] == "weighted" else (1.0,)
        for lr in config["lrs"][cell["optimizer"]]:
            for w in weights:
                jobs.append({**cell, "lr": lr, "weight": w,
                             "seed": config["tune_seed"], "phase": "tune"})
    return jobs


def score(row: dict) -> float:
    """What tuning minimises: mean validation log-perplexity of the task(s) the arm trains."""
    values = {"single_a": [row["a_ppl"]], "single_b": [row["b_ppl"]]}.get(
        row["arm"], [row["a_ppl"], row["b_ppl"]])
    return sum(math.log(v) if 0 < v < math.inf else math.inf for v in values) / len(values)


def choose(tune_rows: list[dict]) -> dict:
    """``{tuning key: best row}`` by :func:`score` (ties: the first candidate)."""
    best: dict = {}
    for row in tune_rows:
        key = tuning_key(row)
        if key not in best or score(row) < score(best[key]):
            best[key] = row
    return best


def final_jobs(config: dict, best: dict) -> list[dict]:
    return [{**cell, "lr": best[tuning_key(cell)]["lr"], "weight": best[tuning_key(cell)]["weight"],
             "seed": seed, "phase": "final"} for cell in cells(config) for seed in config["seeds"]]


@functools.lru_cache(maxsize=1)
def _corpus():
    return load_corpus_time_machine()


def trained_tasks(arm: str) -> tuple:
    return {"single_a": ("a",), "single_b": ("b",)}.get(arm, ("a", "b"))


def run_stack(jobs: list[dict], config: dict) -> list[dict]:
    """Train jobs that share an optimizer and learning rate as one stack; one flat row each.

    ``diverged``: a trained task's loss stopped being finite, or it ended worse
    than uniform guessing (perplexity above the vocabulary size).
    """
    torch.set_num_threads(1)
    corpus, vocab = _corpus()
    runs = [multitask.ConflictRun(arm=j["arm"], p=j["p"], lam=j["lam"], heads=j["heads"],
                                  weight=j["weight"], seed=j["seed"]) for j in jobs]
    start = time.perf_counter()
    h = multitask.train_conflict(
        corpus, vocab, runs, optimizer=jobs[0]["optimizer"], lr=jobs[0]["lr"],
        num_hiddens=config["num_hiddens"], num_steps=config["num_steps"],
        batch_size=config["batch_size"], steps=config["steps"], eval_every=config["steps"],
        max_tokens=config["max_tokens"], back=config.get("back", 0),
        curvature_every=config.get("curvature_every", 0))
    seconds = time.perf_counter() - start
    rows = []
    for i, job in enumerate(jobs):
        measured = multitask.conflict_summary(h, i)
        measured.pop("by_construction")
        measured["diverged"] = measured["diverged"] or not all(
            0 < measured[f"{t}_ppl"] <= len(vocab) for t in trained_tasks(job["arm"]))
        rows.append({**job, **measured, "stack": len(jobs), "stack_seconds": seconds})
    return rows


def _key(job: dict) -> str:
    return json.dumps({k: job[k] for k in JOB_KEYS}, sort_keys=True)


JOB_KEYS = ("arm", "heads", "optimizer", "p", "lam", "lr", "weight", "seed", "phase")


def stacks(jobs: list[dict], size: int) -> list[list[dict]]:
    """Jobs grouped by (optimizer, learning rate), in stacks of at most ``size``."""
    groups: dict = {}
    for job in jobs:
        groups.setdefault((job["optimizer"], job["lr"]), []).append(job)
    return [group[i:i + size] for group in groups.values() for i in range(0, len(group), size)]


def _run_all(jobs: list[dict], config: dict, workers: int, cache: Path | None = None,
             log=None) -> list[dict]:
    """Every job's row, in the order of ``jobs``; rows already in ``cache`` (JSON lines) are
    reused and each finished stack's rows are appended to it, so an interrupted grid resumes."""
    done = {}
    if cache is not None and cache.exists():
        for line in cache.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            done[_key(row)] = row
    todo = stacks([job for job in jobs if _key(job) not in done], config["stack"])
    started = time.perf_counter()

    def record(rows):
        for row in rows:
            done[_key(row)] = row
        if cache is not None:
            with open(cache, "a", encoding="utf-8") as f:
                f.writelines(json.dumps(row) + "\n" for row in rows)
        if log is not None:
            log(f"{sum(_key(j) in done for j in jobs)}/{len(jobs)} runs, "
                f"{time.perf_counter() - started:.0f} s")

    if workers == 1:
        for stack in todo:
            record(run_stack(stack, config))
    else:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            for rows in pool.imap_unordered(functools.partial(run_stack, config=config), todo):
                record(rows)
    return [done[_key(job)] for job in jobs]


def reference(rows: list[dict], cell: dict, task: str, back: int = 0) -> dict:
    """``{seed: ppl}`` of the single-task model for ``task`` in ``cell``'s setting."""
    if task == "a" or (cell["p"] == 0 and not back):   # then task B is task A: one model
        arm, p = "single_a", 0.0
    else:
        arm, p = "single_b", cell["p"]
    return {r["seed"]: r[f"{task}_ppl"] for r in rows
            if r["arm"] == arm and r["optimizer"] == cell["optimizer"] and r["p"] == p}


def aggregate(rows: list[dict], config: dict, best: dict) -> list[dict]:
    """One entry per cell: every measure as mean ± 95 % CI over seeds, and paired changes."""
    out = []
    for cell in cells(config):
        runs = sorted((r for r in rows if all(r[k] == cell[k] for k in cell)),
                      key=lambda r: r["seed"])
        entry = {**cell, "lr": runs[0]["lr"], "weight": runs[0]["weight"], "seeds": len(runs),
                 "diverged": sum(r["diverged"] for r in runs)}
        ok = [r for r in runs if not r["diverged"]]
        for m in MEASURES:
            entry[m] = list(multitask.mean_ci([r[m] for r in ok])) if ok else None
        for task in ("a", "b"):
            ref = reference(rows, cell, task, config.get("back", 0))
            rel = [r[f"{task}_ppl"] / ref[r["seed"]] - 1 for r in ok
                   if r["seed"] in ref and math.isfinite(ref[r["seed"]])]
            entry[f"rel_{task}"] = list(multitask.mean_ci(rel)) if rel else None
        if cell["arm"] in ("pcgrad", "weighted", "detach"):   # paired by seed against the sum
            base = {r["seed"]: r for r in rows if r["arm"] == "sum" and r["heads"] ==
                    (config.get("heads", "shared") if cell["arm"] == "detach" else cell["heads"])
                    and all(r[k] == cell[k] for k in ("optimizer", "p", "lam"))}
            for task in ("a", "b"):
                diff = [math.log(r[f"{task}_ppl"]) - math.log(base[r["seed"]][f"{task}_ppl"])
                        for r in ok if r["seed"] in base and not base[r["seed"]]["diverged"]]
                entry[f"vs_sum_{task}"] = list(multitask.mean_ci(diff)) if diff else None
            diff = [score(r) - score(base[r["seed"]]) for r in ok
                    if r["seed"] in base and not base[r["seed"]]["diverged"]]
            entry["vs_sum_score"] = list(multitask.mean_ci(diff)) if diff else None
        out.append(entry)
    return out


def _half(fmt: str, value: float) -> str:
    return fmt.replace("+", "").format(value)


def _pm(pair, fmt="{:.2f}", scale=1.0) -> str:
    if pair is None:
        return "—"
    mean, half = pair
    return f"{fmt.format(mean * scale)} ± {_half(fmt, half * scale)}"


def _stat(entry: dict, measure: str, fmt: str = "{:+.2f}") -> str:
    if entry["arm"] in ("single_a", "single_b"):
        return "—"      # one task trained: no pair of gradients is combined
    return "0 (by construction)" if entry["arm"] == "detach" else _pm(entry[measure], fmt)


def markdown(result: dict) -> str:
    """The tables of ``result`` (what :func:`run` returns) as markdown."""
    cfg = result["config"]
    lines = ["# Lesson 08's grid: gradient conflict and PCGrad over seeds", "",
             f"- date: {result['date']}; machine: {result['machine']}",
             f"- {result['runs']} runs ({result['tune_runs']} tuning, {result['final_runs']} final) "
             f"in {result['seconds']:.0f} s wall with {result['workers']} worker process(es)",
             f"- every run: hidden {cfg['num_hiddens']}, batch {cfg['batch_size']} × num_steps "
             f"{cfg['num_steps']}, {cfg['steps']} steps, no clipping; seeds {list(cfg['seeds'])}; "
             f"task A: next character; task B: the character {cfg.get('back', 0)} steps before "
             f"it (through the letter substitution p); heads of the multi-task arms: "
             f"{cfg.get('heads', 'shared')}; learning rate from {cfg['lrs']} (and, for "
             f"`weighted`, the static weight w on task B's λ from {list(cfg['weights'])}) tuned "
             f"for every cell on its own, on seed {cfg['tune_seed']}, by the mean of the trained "
             f"tasks' validation log-perplexities (the score)",
             "- ± is the half-width of a 95 % confidence interval over seeds (Student's t); "
             "Δ vs single: relative change of the perplexity against the single-task model of "
             "the same seed; vs sum: difference in validation log-perplexity (nats) against the "
             "plain sum of the same seed (negative = better); score vs sum: the same for the "
             "score every arm was tuned on",
             "- cos, GMS (gradient magnitude similarity, Yu et al. 2020), conflict (share of steps "
             "with cos < 0) and harm A (g_A+g_B) (share of steps with g_A·(g_A+g_B) < 0, "
             "g_B = ∇(λ L_B)) are measured on the shared parameters before any surgery; "
             "harm A / B (taken): the same for the update d the arm actually takes "
             "(g_A·d < 0, g_B·d < 0); curv A: median over measured steps of the curvature of "
             "L_A along the unit update, (L_A(θ+εd̂) − 2L_A(θ) + L_A(θ−εd̂))/ε², ε = 0.1, every "
             f"{cfg.get('curvature_every', 0)} steps. For `detach` the conflict measures are 0 "
             "**by construction** (task B sends no gradient into the shared layer)", ""]
    head = ("| opt | arm | lr | w | A ppl | B ppl | Δ A vs single | Δ B vs single | score vs sum "
            "| A vs sum | B vs sum | cos | GMS | harm A (g_A+g_B) | harm A (taken) "
            "| harm B (taken) | curv A | diverged |")
    lines += [head, "|" + "---|" * (head.count("|") - 1)]
    for e in result["cells"]:
        stat = functools.partial(_stat, e)
        lines.append(
            f"| {e['optimizer']} | {e['arm']} | {e['lr']:g} | {e['weight']:g} | "
            f"{_pm(e['a_ppl'])} | {_pm(e['b_ppl'])} | "
            f"{_pm(e['rel_a'], '{:+.0f}', 100)} % | {_pm(e['rel_b'], '{:+.0f}', 100)} % | "
            f"{_pm(e.get('vs_sum_score'), '{:+.3f}')} | "
            f"{_pm(e.get('vs_sum_a'), '{:+.3f}')} | {_pm(e.get('vs_sum_b'), '{:+.3f}')} | "
            f"{stat('cosine')} | {stat('magnitude', '{:.2f}')} | {stat('harm_a', '{:.3f}')} | "
            f"{stat('taken_harm_a', '{:.3f}')} | {stat('taken_harm_b', '{:.3f}')} | "
            f"{_pm(e.get('curv_a'), '{:.3f}')} | {e['diverged']}/{e['seeds']} |")
    return "\n".join(lines) + "\n"


def run(config: dict, workers: int = 1, cache: Path | None = None, log=None) -> dict:
    """Tune, then run the final grid; return every row and the aggregated cells."""
    started = time.perf_counter()
    tune_rows = _run_all(tuning_jobs(config), config, workers, cache, log)
    best = choose(tune_rows)
    final_rows = _run_all(final_jobs(config, best), config, workers, cache, log)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return {"config": config, "date": f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
            "machine": tr("lesson08.grid_machine", cores=os.cpu_count(), torch=torch.__version__, load=load),
            "workers": workers, "seconds": time.perf_counter() - started,
            "runs": len(tune_rows) + len(final_rows), "tune_runs": len(tune_rows),
            "final_runs": len(final_rows), "rows": tune_rows + final_rows,
            "cells": aggregate(final_rows, config, best)}


def write(result: dict, json_path=DEFAULT_JSON, md_path=DEFAULT_MD, csv_path=DEFAULT_CSV) -> None:
    """The aggregated table as JSON and markdown, every run as CSV (each written atomically)."""
    table = {k: v for k, v in result.items() if k != "rows"}
    write_text_atomic(json_path, json.dumps(table, indent=1, ensure_ascii=False) + "\n")
    write_text_atomic(md_path, markdown(result))
    rows = io.StringIO(newline="")
    writer = csv.DictWriter(rows, fieldnames=list(result["rows"][0]))
    writer.writeheader()
    writer.writerows(result["rows"])
    write_text_atomic(csv_path, rows.getvalue())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="a smoke run in seconds; writes nothing")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--render", action="store_true",
                        help="only rewrite the markdown from the stored JSON table")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error(f"--workers must be >= 1, got {args.workers}")
    if args.render:
        write_text_atomic(DEFAULT_MD, markdown(json.loads(DEFAULT_JSON.read_text(encoding="utf-8"))))
        return 0
    cache = None if args.tiny else DEFAULT_CACHE
    result = run(TINY if args.tiny else FULL, workers=args.workers, cache=cache,
                 log=lambda text: print(text, file=sys.stderr, flush=True))
    print(markdown(result))
    if not args.tiny:
        write(result)
        print(f"written to {DEFAULT_JSON}, {DEFAULT_MD} and {DEFAULT_CSV}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
