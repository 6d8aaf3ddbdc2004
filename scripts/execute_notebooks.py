"""Execute notebooks top to bottom in a fresh kernel and save them with their outputs.

    .venv/bin/python scripts/execute_notebooks.py notebooks/04_rnn_from_scratch.ipynb
    .venv/bin/python scripts/execute_notebooks.py --all      # every lesson, then the solutions

This is how every committed notebook is produced: a fresh ``python3`` kernel,
the notebook's own folder as the working directory, execution counts 1..n,
no stored widget state (it would only bloat the file; the widgets come alive
when the reader runs the notebook). Prints the seconds each notebook took.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from rnnlab.files import write_text_atomic

ROOT = Path(__file__).resolve().parents[1]


def all_notebooks() -> list[Path]:
    nbs = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    return nbs + sorted((ROOT / "notebooks" / "solutions").glob("*.ipynb"))


PROGRESS_BAR = re.compile(r"\d+%\|")


def drop_progress_bars(cell, path: Path) -> None:
    """Remove live progress bars: saved, they freeze at their first frame ("0%| 1/4000")."""
    def is_bar(out):
        data = out.get("data", {})
        return ("application/vnd.jupyter.widget-view+json" in data
                and PROGRESS_BAR.search(str(data.get("text/plain", ""))))

    kept = [out for out in cell.outputs if not is_bar(out)]
    ignored = ("NBVAL_IGNORE_OUTPUT" in cell.source
               or "nbval-ignore-output" in cell.metadata.get("tags", []))
    if len(kept) != len(cell.outputs) and not ignored:
        print(f"warning: {path.name}: a cell with a progress bar lacks the tag nbval-ignore-output")
    cell.outputs = kept


def execute(path: Path, timeout: int = 900) -> float:
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.metadata.pop("widgets", None)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            store_widget_state=True)  # False trips nbclient on Output widgets
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        # Execution timestamps change every run and say nothing to a reader.
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            drop_progress_bars(cell, path)
    write_text_atomic(path, nbformat.writes(nb))
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--all", action="store_true", help="every lesson, then every solution")
    args = parser.parse_args(argv)
    paths = all_notebooks() if args.all else args.paths
    if not paths:
        parser.error("name notebooks to execute, or pass --all")
    total = 0.0
    for path in paths:
        seconds = execute(path.resolve())
        total += seconds
        size = path.stat().st_size / 1e6
        print(f"{seconds:7.1f} s  {size:5.2f} MB  {path}", flush=True)
    print(f"{total:7.1f} s  total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
