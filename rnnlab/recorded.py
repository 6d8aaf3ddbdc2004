"""Training runs recorded once by a committed script and shipped with the package.

Some runs are too long to repeat live in a lesson (the seed notes' 500-epoch
recipe takes minutes on a laptop CPU). A script in ``benchmarks/`` runs them
and writes a JSON file to ``rnnlab/data/``: the exact settings, the machine,
the date, how long it took and the full :class:`~rnnlab.training.History`.
A notebook loads that file and says plainly that it shows a recording.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
from importlib import resources
from pathlib import Path

import torch

from .training import History

FORMAT = "rnnlab-recorded-run"
RECORDINGS = {"seed_recipe": "seed_recipe_history.json"}


def machine_description() -> dict:
    """Where a run happened: enough to judge its timings next to yours."""
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "device": "cuda" if torch.cuda.is_available() else "cpu",
    }


def _round(values, digits: int = 6) -> list:
    return [float(f"{v:.{digits}g}") for v in values]


def save_recorded_run(path, settings: dict, history: History, extra: dict | None = None) -> Path:
    """Write a recorded run (settings, machine, UTC date, history, ``extra``) as JSON."""
    hist = history.to_dict()
    for key, value in hist.items():
        if isinstance(value, list):
            hist[key] = _round(value)
    data = {
        "format": FORMAT,
        "settings": dict(settings),
        "machine": machine_description(),
        "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
        "history": hist,
        "extra": dict(extra or {}),
    }
    path = Path(path)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def load_recorded_run(name: str = "seed_recipe"):
    """Return ``(history, info)`` for a shipped recording; ``info`` holds everything else."""
    if name not in RECORDINGS:
        raise ValueError(f"name must be one of {sorted(RECORDINGS)}, got {name!r}")
    path = resources.files("rnnlab.data").joinpath(RECORDINGS[name])
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"the recording {RECORDINGS[name]!r} is missing from rnnlab/data; make it with "
            f"python benchmarks/record_{name}.py") from None
    if data.get("format") != FORMAT:
        raise ValueError(f"{RECORDINGS[name]!r} is not an rnnlab recording "
                         f"(format {data.get('format')!r}, expected {FORMAT!r})")
    history = History.from_dict(data.pop("history"))
    return history, data
