"""Run every benchmark and print markdown tables (and write them to benchmarks/results.md).

    .venv/bin/python benchmarks/run.py            # the full run (several minutes)
    .venv/bin/python benchmarks/run.py --quick    # a smoke run at tiny sizes (seconds)

Ratios are only ever taken between numbers measured side by side in the same
run, interleaved, so load from other processes falls on every contender alike.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `benchmarks` and `rnnlab` importable
    sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from benchmarks import quality, scaling, throughput  # noqa: E402
from rnnlab import fused  # noqa: E402
from rnnlab.experiments import COURSE_RECIPE, SEED_RECIPE  # noqa: E402
from rnnlab.files import write_text_atomic  # noqa: E402

PARTS = ("throughput", "threads", "quality", "scaling")
DEFAULT_OUTPUT = ROOT / "benchmarks" / "results.md"

FULL = {
    "throughput": {"num_hiddens": 512, "batch_size": 32, "num_steps": 35, "num_batches": 8,
                   "rounds": 15, "warmup": 1},
    "course": {"num_hiddens": 256, "batch_size": 64, "num_steps": 32, "num_batches": 8,
               "rounds": 15, "warmup": 1},
    "threads": {"hiddens": scaling.HIDDENS, "num_batches": 3, "rounds": 7, "warmup": 1},
    "hidden": {"hiddens": scaling.HIDDENS, "num_batches": 3, "rounds": 2, "warmup": 1},
    "steps": {"steps": scaling.NUM_STEPS, "num_hiddens": 512, "num_batches": 3, "rounds": 2,
              "warmup": 1},
    "memory": {"steps": scaling.NUM_STEPS, "num_hiddens": 512},
}
QUICK = {
    "throughput": {"num_hiddens": 16, "batch_size": 4, "num_steps": 5, "num_batches": 2,
                   "rounds": 1, "warmup": 0},
    "course": {"num_hiddens": 16, "batch_size": 8, "num_steps": 4, "num_batches": 2,
               "rounds": 1, "warmup": 0},
    "threads": {"hiddens": (8, 16), "batch_size": 4, "num_steps": 5, "num_batches": 1,
                "rounds": 1, "warmup": 0},
    "hidden": {"hiddens": (8, 16), "batch_size": 4, "num_batches": 1, "rounds": 1, "warmup": 0},
    "steps": {"steps": (5, 10), "num_hiddens": 16, "batch_size": 4, "num_batches": 1,
              "rounds": 1, "warmup": 0},
    "memory": {"steps": (5, 10), "num_hiddens": 16, "batch_size": 4},
}


def quick_recipes() -> dict:
    """The two recipes shrunk to a few seconds (tiny model, little text)."""
    return {"seed recipe": dataclasses.replace(SEED_RECIPE, num_hiddens=16, max_tokens=3000),
            "course recipe": dataclasses.replace(COURSE_RECIPE, num_hiddens=16, max_tokens=6000)}


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return (f"{platform.platform()}, {os.cpu_count()} CPU cores "
            f"({platform.processor() or platform.machine()}), torch "
            f"{torch.__version__} with {torch.get_num_threads()} threads, load average {load}")


def verdict(measured: float, target: float, direction: str) -> str:
    met = measured >= target if direction == ">=" else measured <= target
    return "met" if met else "NOT met"


def run(parts=PARTS, quick: bool = False, budget_s: float = 60.0, out=print) -> list[str]:
    """Run the chosen parts; print each section as it is ready; return all printed text."""
    sizes = QUICK if quick else FULL
    printed: list[str] = []

    def emit(text: str = "") -> None:
        printed.append(text)
        out(text)

    started = time.perf_counter()
    emit(f"# rnnlab benchmarks{' (quick smoke run)' if quick else ''}")
    emit()
    emit(f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    emit(f"- machine: {machine()}")
    emit("- all timings on the CPU; the machine is shared with other jobs, so absolute numbers "
         "vary from run to run — compare the ratios, which come from interleaved runs")
    emit(f"- torch threads: {torch.get_num_threads()} (`--threads`) everywhere except the "
         "threads table, which sets 1 and 2 around each timed epoch")
    emit()

    if "throughput" in parts:
        settings = sizes["throughput"]
        result = throughput.measure(**settings)
        emit(f"## Throughput at the seed's settings (hidden {settings['num_hiddens']}, batch "
             f"{settings['batch_size']}, num_steps {settings['num_steps']}, CPU)")
        emit()
        emit(f"Median over {settings['rounds']} interleaved epochs of {settings['num_batches']} "
             f"batches ({result['settings']['tokens_per_epoch']:,} tokens) each, after "
             f"{settings['warmup']} warm-up epoch(s).")
        emit()
        emit(throughput.table(result))
        emit()
        for goal, ratio, target in throughput.goals(result):
            emit(f"- {goal}: {ratio:.2f}× (goal ≥ {target:.2f}×: "
                 f"{verdict(ratio, target, '>=')})")
        emit()
        settings = sizes["course"]
        result = throughput.measure(throughput.COURSE_CONTENDERS, **settings)
        emit(f"## Throughput at the course recipe's size (hidden {settings['num_hiddens']}, batch "
             f"{settings['batch_size']}, num_steps {settings['num_steps']}, CPU)")
        emit()
        emit(f"Median over {settings['rounds']} interleaved epochs of {settings['num_batches']} "
             f"batches ({result['settings']['tokens_per_epoch']:,} tokens) each.")
        emit()
        emit(throughput.table(result))
        emit()
        for goal, ratio, target in throughput.goals(result):
            emit(f"- {goal}: {ratio:.2f}× (goal ≥ {target:.2f}×: "
                 f"{verdict(ratio, target, '>=')})")
        emit()

    if "threads" in parts:
        settings = sizes["threads"]
        result = scaling.speed_vs_threads(**settings)
        emit("## Threads: tokens/s with 1 and 2 torch threads against hidden size"
             + ("" if quick else " (batch 32, num_steps 35)"))
        emit()
        emit(f"Median tokens/s over {settings['rounds']} interleaved epochs of "
             f"{settings['num_batches']} batches; every contender and thread count interleaved "
             "at each hidden size. `default_threads` is `rnnlab.fused.default_threads(hidden)`, "
             "the policy for `notebook.setup`; the last two columns compare under it.")
        emit()
        emit(scaling.threads_table(result))
        emit()
        cores, load = fused.available_cores(), os.getloadavg()[0]
        emit(f"The policy: one thread below hidden {fused.TWO_THREADS_FROM_HIDDEN}; from there "
             f"two if at least {fused.IDLE_CORES_FOR_TWO:g} cores are idle (cores minus the "
             f"1-minute load average; here {cores} − {load:.1f} when the table was made).")
        emit()
        for goal, ratio, target in scaling.threads_goals(result):
            emit(f"- {goal}: {ratio:.2f}× (goal ≥ {target:.2f}×: "
                 f"{verdict(ratio, target, '>=')})")
        for hidden, policy, best in scaling.policy_agrees(result):
            emit(f"- at hidden {hidden} the policy picks {policy} thread(s) but {best} "
                 "were faster in this run")
        emit()

    if "quality" in parts:
        recipes = quick_recipes() if quick else None
        result = quality.measure(budget_s, recipes)
        emit(f"## Time to quality ({budget_s:g} s of training each, validation on the last 10 % "
             "of the book)")
        emit()
        emit(quality.table(result, budget_s))
        emit()
        for goal, measured, target, direction in quality.goals(result):
            emit(f"- {goal}: {measured:.2f} (goal {direction} {target:g}: "
                 f"{verdict(measured, target, direction)})")
        emit()
        emit("Validation time is not counted in the budget (see benchmarks/quality.py).")
        emit()

    if "scaling" in parts:
        hidden = scaling.speed_vs_hidden(**sizes["hidden"])
        emit("## Scaling: tokens/s against hidden size (batch 32, num_steps 35)"
             if not quick else "## Scaling: tokens/s against hidden size")
        emit()
        emit(scaling.speed_table(hidden, "hidden"))
        emit()
        steps = scaling.speed_vs_num_steps(**sizes["steps"])
        emit("## Scaling: tokens/s against num_steps (hidden 512, batch 32)"
             if not quick else "## Scaling: tokens/s against num_steps")
        emit()
        emit(scaling.speed_table(steps, "num_steps"))
        emit()
        memory = scaling.memory_vs_num_steps(**sizes["memory"])
        emit("## Memory against num_steps (one batch, hidden 512, batch 32)"
             if not quick else "## Memory against num_steps")
        emit()
        emit(scaling.memory_table(memory))
        emit()
        for goal, ratio, target in scaling.memory_goals(memory):
            emit(f"- {goal}: {ratio:.2f}× (goal ≤ {target:.2f}×: "
                 f"{verdict(ratio, target, '<=')})")
        emit()
        emit("Memory is what autograd saves for the backward pass during one forward pass and "
             "its loss: every saved tensor is caught with "
             "`torch.autograd.graph.saved_tensors_hooks` (the one meter, "
             "`rnnlab.gradients.memory.saved_tensor_bytes`) and its storage counted once; "
             "the parameters and the batch itself are left out; the goal compares the slope "
             "between the two longest sequences. This is the part of peak "
             "memory that grows with num_steps (BPTT keeps every step's activations until "
             "backward).")
        emit()

    emit(f"Total benchmark time: {time.perf_counter() - started:.0f} s.")
    return printed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run in seconds")
    parser.add_argument("--budget", type=float, default=None,
                        help="training seconds per recipe for time to quality (default 60, "
                             "1 with --quick)")
    parser.add_argument("--only", default=",".join(PARTS),
                        help=f"comma-separated parts to run, from {', '.join(PARTS)}")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads (default 1: on a shared machine a second thread "
                             "waits on busy cores and makes every timing slow and erratic)")
    parser.add_argument("--output", type=Path, default=None,
                        help="markdown file to write (default benchmarks/results.md for a full "
                             "run, none for --quick)")
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"--only got unknown parts {unknown}; allowed: {', '.join(PARTS)}")
    budget = args.budget if args.budget is not None else (1.0 if args.quick else 60.0)
    if budget <= 0:
        parser.error(f"--budget must be > 0 seconds, got {budget:g}")
    if args.threads < 1:
        parser.error(f"--threads must be >= 1, got {args.threads}")
    torch.set_num_threads(args.threads)
    printed = run(parts, quick=args.quick, budget_s=budget)
    output = args.output or (None if args.quick else DEFAULT_OUTPUT)
    if output is not None:
        write_text_atomic(output, "\n".join(printed) + "\n")
        print(f"\nwritten to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
