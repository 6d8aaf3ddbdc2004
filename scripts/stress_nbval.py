"""Run every lesson through nbval (strict, as ./test.sh does) while other work keeps every core busy.

A stored output that depends on machine speed or load (a progress bar that appears only
"when the run looks long", a timing) passes on a quiet machine and fails on a busy one.
This script starts one CPU burner per core (plain busy loops, at normal priority, like
another job on a shared CI machine), runs the lessons through nbval strict ``--runs``
times in a row, stops the burners, and reports every failing cell. Exit status 0 only
if every run had zero failures.

    .venv/bin/python scripts/stress_nbval.py                  # lessons 00-08, twice
    .venv/bin/python scripts/stress_nbval.py --solutions      # and the worked solutions
    .venv/bin/python scripts/stress_nbval.py notebooks/03_language_models.ipynb --runs 3

Takes a while: the lessons run in about 4 minutes on a quiet 2-core machine, and the
burners take half of it or more.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;]*m|#x1B\[[0-9;]*m")
# The same nbval options as ./test.sh (tests/tooling/test_stress_script.py checks they agree).
NBVAL_STRICT = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "notebooks/sanitize.cfg",
                "--nbval-cell-timeout", "3600"]


def burn() -> None:  # pragma: no cover - runs in the burner processes
    x = 0
    while True:
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF


def load_average() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "?"


def run_nbval(notebooks: list[str], junit: Path) -> tuple[int, dict, list[str], float]:
    """One strict nbval run: (pytest's exit code, counts, failing cells with their messages, seconds)."""
    started = time.monotonic()
    command = [sys.executable, "-m", "pytest", *NBVAL_STRICT, "-p", "no:cacheprovider", "-q",
               "-o", "addopts=", "-o", "junit_family=xunit1", f"--junitxml={junit}", *notebooks]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.monotonic() - started
    counts = {"passed": 0, "failed": 0, "skipped": 0, "xfailed": 0}
    failures = []
    if junit.exists():
        for case in ET.parse(junit).getroot().iter("testcase"):
            name = f"{case.get('file') or case.get('classname', '')}::{case.get('name', '')}"
            failure = case.find("failure")
            if failure is None:
                failure = case.find("error")
            skipped = case.find("skipped")
            if failure is not None:
                counts["failed"] += 1
                message = ANSI.sub("", failure.get("message") or failure.text or "")
                failures.append(f"{name}\n{message[:3000]}")
            elif skipped is not None:
                kind = "xfailed" if (skipped.get("type") or "").endswith("xfail") else "skipped"
                counts[kind] += 1
            else:
                counts["passed"] += 1
    if proc.returncode not in (0, 1) or not junit.exists():
        failures.append(f"pytest exited with code {proc.returncode}:\n"
                        f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc.returncode, counts, failures, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: the lessons 00-08)")
    parser.add_argument("--runs", type=int, default=2, help="how many times to run them (default 2)")
    parser.add_argument("--burners", type=int, default=os.cpu_count() or 2,
                        help="busy processes to start (default: one per core)")
    parser.add_argument("--solutions", action="store_true", help="run the worked solutions too")
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "artifacts" / "stress",
                        help="where the JUnit reports go (default tests/artifacts/stress)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.burners < 0:
        parser.error("--runs must be >= 1 and --burners >= 0")

    def found(folder: Path, pattern: str) -> list[str]:
        return sorted(str(p.relative_to(ROOT)) for p in folder.glob(pattern))

    notebooks = args.notebooks or found(ROOT / "notebooks", "0*.ipynb")
    if args.solutions:
        notebooks += found(ROOT / "notebooks" / "solutions", "*.ipynb")
    args.out.mkdir(parents=True, exist_ok=True)

    print(f"==> {len(notebooks)} notebooks, {args.runs} strict nbval runs, {args.burners} CPU burners "
          f"on {os.cpu_count()} cores (load average before: {load_average()})", flush=True)
    burners = [mp.Process(target=burn, daemon=True) for _ in range(args.burners)]
    for b in burners:
        b.start()
    results = []
    try:
        time.sleep(2)  # let the burners take the cores before the first kernel starts
        for run in range(1, args.runs + 1):
            code, counts, failures, seconds = run_nbval(notebooks, args.out / f"run{run}.xml")
            results.append((counts, failures))
            summary = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
            print(f"==> run {run}: {summary} in {seconds:.0f} s (pytest exit {code}; "
                  f"load average: {load_average()})", flush=True)
            for failure in failures:
                print("--- FAILED " + failure, flush=True)
    finally:
        for b in burners:
            b.terminate()
        for b in burners:
            b.join(timeout=10)

    total_failed = sum(len(f) for _, f in results)
    print(f"==> {'PASS' if total_failed == 0 else 'FAIL'}: {total_failed} failure(s) in {args.runs} runs "
          f"under load ({args.burners} burners)")
    return 0 if total_failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
