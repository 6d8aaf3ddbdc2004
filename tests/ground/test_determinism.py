"""Executing the same lesson twice with the same seed gives identical stored outputs."""

import copy
import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
# A lesson that seeds, samples minibatches, fits models and draws figures, and runs in seconds.
LESSON = ROOT / "notebooks" / "03_language_models.ipynb"


def run(nb):
    nb = copy.deepcopy(nb)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(LESSON.parent)}}).execute()
    return nb


def comparable_outputs(nb):
    """Every output except those of cells that declare their output varies (timings, widget ids)."""
    kept = []
    for cell in nb.cells:
        if (cell.cell_type != "code" or "NBVAL_IGNORE_OUTPUT" in cell.source
                or "nbval-ignore-output" in cell.metadata.get("tags", [])):
            continue
        streams = {}
        for out in cell.outputs:
            if out.output_type == "stream":  # the kernel may split one print into several messages
                streams[out.name] = streams.get(out.name, "") + out.text
                continue
            out = {k: v for k, v in out.items() if k not in ("execution_count", "metadata", "transient")}
            kept.append(json.dumps(out, sort_keys=True))
        kept += [json.dumps({name: text}) for name, text in sorted(streams.items())]
    return kept


@pytest.mark.slow  # starts other processes
def test_same_seed_same_outputs_figures_included():
    if not LESSON.is_file():
        pytest.fail(f"{LESSON.name} is missing")
    nb = nbformat.read(LESSON, as_version=4)
    first, second = comparable_outputs(run(nb)), comparable_outputs(run(nb))
    assert first and first == second
    assert any("image/png" in out for out in first), "the comparison covers figures"
