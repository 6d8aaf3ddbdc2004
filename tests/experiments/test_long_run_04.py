"""Lesson 04's stored long runs reproduce: a cheap prefix of scripts/long_run_04.py against the file."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rnnlab.course import lesson04
from rnnlab.experiments import SEED_RECIPE

ROOT = Path(__file__).resolve().parents[2]
#: Relative tolerance on the first epochs' perplexities. Measured on the machine that stored the
#: run: the 5-epoch prefix differs from the stored history by 0 with one torch thread and by
#: 6e-8 with two; 1e-4 leaves room for other CPUs' and BLAS libraries' rounding, and is still far
#: below what one changed setting does (another seed moves the first epoch's perplexity by ~1e-2).
RTOL = 1e-4
PREFIX_EPOCHS = 5   # the seed run validates every 5 epochs: the prefix includes one validation


@pytest.mark.slow  # starts a process
def test_a_prefix_of_the_script_matches_the_stored_seed_run():
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "long_run_04.py"), "seed",
                          "--epochs", str(PREFIX_EPOCHS)], capture_output=True, text=True,
                         check=True, cwd=ROOT, timeout=600).stdout
    rerun = json.loads(out)
    stored = lesson04.stored_run("seed")
    assert rerun["recipe"] == {**stored.recipe, "epochs": PREFIX_EPOCHS}   # the same settings
    assert rerun["history"]["train_ppl"] == pytest.approx(
        stored.history.train_ppl[:PREFIX_EPOCHS], rel=RTOL)
    assert rerun["history"]["val_epochs"] == stored.history.val_epochs[:1] == [PREFIX_EPOCHS]
    assert rerun["history"]["val_ppl"] == pytest.approx(stored.history.val_ppl[:1], rel=RTOL)


@pytest.mark.parametrize("name", lesson04.LONG_RUNS)
def test_each_stored_run_records_its_settings_and_versions(name):
    run = lesson04.stored_run(name)
    recipe, val_every = lesson04.long_run_recipe(name)
    assert run.recipe == json.loads(json.dumps(recipe.to_dict())) and run.val_every == val_every
    assert {"torch", "rnnlab", "python"} <= set(run.versions)
    assert run.history.epochs == recipe.epochs and not run.history.interrupted
    assert set(lesson04.LONG_RUN_PREFIXES) <= set(run.samples)


def test_the_stored_seed_run_shows_memorisation():
    h = lesson04.stored_run("seed").history
    assert h.epochs == SEED_RECIPE.epochs
    assert h.train_ppl[-1] < 1.1                       # the training text memorised …
    assert h.val_ppl[-1] > 5 * h.best_val_ppl          # … while validation climbs far from its best


def test_the_stored_course_run_beats_the_ngram_on_its_own_tokens():
    run = lesson04.stored_run("course")
    assert run.numbers["stream_tokens"] == 17_343
    assert run.numbers["stream_ppl"] < run.numbers["ngram_ppl"]


def test_get_run_reads_the_stored_run_unless_live(monkeypatch):
    assert lesson04.get_run("seed").history.epochs == 500
    with pytest.raises(TypeError, match="live"):
        lesson04.get_run("seed", live="yes")
    with pytest.raises(ValueError, match="name"):
        lesson04.get_run("seeds")
    monkeypatch.setattr(lesson04, "long_run_path", lambda name: ROOT / "missing.json")
    with pytest.raises(FileNotFoundError, match="long_run_04.py"):
        lesson04.stored_run("seed")


def test_long_run_epochs_shortens_only_the_seed_run():
    with pytest.raises(ValueError, match="seed"):
        lesson04.long_run("course", epochs=1)
