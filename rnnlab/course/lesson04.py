"""Lesson 04 (an RNN from scratch): the function behind its live training panel, and its figures.

The panel compares settings fairly: every run makes the same number of updates on the same
number of tokens (``TOKENS_PER_UPDATE`` per update, so the batch size is
``TOKENS_PER_UPDATE // num_steps``), and every run is validated on the same held-out
characters, each predicted from all the text before it (``rnnlab.training.stream_perplexity``),
beside the best n-gram model trained and scored on the same characters.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path

import torch

from ..checks import check_choice, check_int, check_positive_float
from ..generation import predict, sample
from ..gradients.clipping import check_theta
from ..i18n import tr
from ..models import RNNScratch
from ..text.corpus import heldout_stream, load_corpus_time_machine
from ..text.minibatches import SeqDataLoader
from ..text.ngram import baseline_perplexity
from ..training.history import plot_grad_norms
from ..training.loop import OPTIMIZERS, TrainingDiverged, stream_perplexity, train
from .report import PREFIX, RunReport, _diverged_figure

#: Tokens in every update of the panel: batch size × num_steps, whatever num_steps is.
TOKENS_PER_UPDATE = 1024
#: The panel's num_steps stops (each divides TOKENS_PER_UPDATE).
NUM_STEPS_CHOICES = (4, 8, 16, 32, 64)
#: The panel trains on the first PANEL_TRAIN_TOKENS characters: one pass over them is
#: UPDATES_PER_PASS updates for every num_steps stop and both sampling schemes.
PANEL_TRAIN_TOKENS = 21_000
UPDATES_PER_PASS = 20
#: ... and validates on the first PANEL_VAL_TOKENS held-out characters, warmed up on the
#: PANEL_WARMUP training characters before them.
PANEL_VAL_TOKENS = 4_000
PANEL_WARMUP = 64
SCHEMES = ("sequential", "random")


def _check_num_steps(num_steps, tokens_per_update: int) -> int:
    num_steps = check_int("num_steps", num_steps, minimum=1, maximum=128)
    if tokens_per_update % num_steps:
        allowed = [t for t in range(1, 129) if tokens_per_update % t == 0]
        raise ValueError(f"num_steps must divide the {tokens_per_update} tokens of one update "
                         f"(batch size = {tokens_per_update} // num_steps), got {num_steps}; "
                         f"allowed: {allowed}")
    return num_steps


@functools.lru_cache(maxsize=4)
def _panel_run(num_hiddens, num_steps, theta, lr, updates, optimizer, scheme, seed, progress):
    """Train once per setting (a change of temperature only resamples the same model)."""
    batch_size = TOKENS_PER_UPDATE // num_steps
    corpus, vocab = load_corpus_time_machine(PANEL_TRAIN_TOKENS)
    loader = SeqDataLoader(corpus, batch_size, num_steps, use_random_iter=scheme == "random",
                           seed=seed)
    per_pass = len(loader)
    if updates % per_pass:
        raise ValueError(f"updates must be a multiple of {per_pass} (one pass over the "
                         f"{PANEL_TRAIN_TOKENS:,} training characters), got {updates}")
    stream, start = heldout_stream(PANEL_WARMUP, PANEL_VAL_TOKENS)
    with torch.random.fork_rng(devices=[]):  # the weights from seed; the caller's stream untouched
        torch.manual_seed(seed)
        model = RNNScratch(len(vocab), num_hiddens)

    val_ppl, val_updates = [], []

    def validate(epoch, history, model):  # every pass: the same tokens for every setting
        val_ppl.append(stream_perplexity(model, stream, start))
        val_updates.append(epoch * per_pass)

    history = train(model, loader, None, epochs=updates // per_pass, lr=lr, optimizer=optimizer,
                    theta=theta, progress=progress, on_epoch=validate,
                    info={"batch_size": batch_size, "num_steps": num_steps, "scheme": scheme,
                          "updates_per_pass": per_pass})
    history.val_ppl.extend(val_ppl)
    history.val_epochs.extend(range(1, len(val_ppl) + 1))
    history.info["val_updates"] = val_updates
    return history, model, vocab


def training_panel(num_hiddens: int = 64, num_steps: int = 16, theta=1.0, lr: float = 3.0,
                   updates: int = 200, *, optimizer: str = "sgd", scheme: str = "sequential",
                   temperature: float = 0.5, prefix: str = PREFIX, num_preds: int = 40,
                   seed: int = 0, progress=True):
    """Lesson 04. Retrain the scratch RNN with these settings; return ``(figure, report)``.

    A fixed budget: ``updates`` updates of ``TOKENS_PER_UPDATE`` tokens each (batch size
    ``TOKENS_PER_UPDATE // num_steps``) on the first ``PANEL_TRAIN_TOKENS`` characters,
    whatever ``num_steps`` is. ``scheme``: ``"sequential"`` (sequential partitioning, the
    state carried and detached) or ``"random"`` (random sampling, a fresh state per batch).
    After each pass the validation perplexity is measured on the first ``PANEL_VAL_TOKENS``
    held-out characters, each predicted from all the text before it; the figure shows the
    best n-gram model trained on the same characters and scored on the same ones. The
    report ends with a greedy sample and one drawn at ``temperature``.

    A progress bar shows while it trains (``progress=False`` hides it). A run that
    diverges is not an error here: the reader moved a slider too far and should see why,
    so the figure and the report say so instead.
    """
    num_hiddens = check_int("num_hiddens", num_hiddens, minimum=1)
    num_steps = _check_num_steps(num_steps, TOKENS_PER_UPDATE)
    theta = check_theta(theta)
    lr = check_positive_float("lr", lr)
    updates = check_int("updates", updates, minimum=1)
    optimizer = check_choice("optimizer", optimizer, OPTIMIZERS)
    scheme = check_choice("scheme", scheme, SCHEMES)
    temperature = check_positive_float("temperature", temperature)
    seed = check_int("seed", seed, minimum=0)
    if progress not in (True, False):
        raise TypeError(f"progress must be True or False, got {progress!r}")
    if updates % UPDATES_PER_PASS:
        raise ValueError(f"updates must be a multiple of {UPDATES_PER_PASS} (one pass over the "
                         f"first {PANEL_TRAIN_TOKENS:,} characters), got {updates}")
    batch_size = TOKENS_PER_UPDATE // num_steps
    title = (f"{optimizer.upper()} lr={lr:g}, θ={'off' if theta is None else f'{theta:g}'}, "
             f"num_hiddens={num_hiddens}, num_steps={num_steps} (batch {batch_size}), {scheme}")
    budget = tr("lesson04.budget", updates=updates, tokens=TOKENS_PER_UPDATE, batch_size=batch_size,
                num_steps=num_steps, total=updates * TOKENS_PER_UPDATE)
    ngram = baseline_perplexity(PANEL_TRAIN_TOKENS, PANEL_VAL_TOKENS)
    start = time.perf_counter()
    try:
        history, model, vocab = _panel_run(num_hiddens, num_steps, theta, lr, updates, optimizer,
                                           scheme, seed, progress)
    except TrainingDiverged as exc:
        message = str(exc)
        text = budget + "\n" + tr("lesson04.diverged", message=message)
        return _diverged_figure(message, title), RunReport(None, "", text, diverged=message)
    seconds = time.perf_counter() - start
    greedy = predict(prefix, num_preds, model, vocab)
    drawn = sample(prefix, num_preds, model, vocab, temperature=temperature, generator=seed)
    lines = [budget,
             tr("lesson04.after_updates", updates=updates, train=_ppl(history.train_ppl[-1]),
                val=_ppl(history.val_ppl[-1]), best=_ppl(history.best_val_ppl), ngram=ngram),
             tr("report.trained_in", seconds=seconds),
             tr("lesson04.greedy", sample=greedy),
             tr("lesson04.drawn", temperature=temperature, sample=drawn)]
    report = RunReport(history, greedy, "\n".join(lines), seconds=seconds)
    return plot_panel(history, ngram, title), report


def _ppl(value: float) -> str:
    """A perplexity to two decimals; an exploded one (1e70, inf) in powers of ten."""
    return f"{value:.2f}" if value < 1e4 else f"{value:.1e}"


def plot_panel(history, ngram: float | None, title: str):
    """Lesson 04. Perplexity against updates (with the n-gram line) and the gradient norm per step."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    per_pass = history.info.get("updates_per_pass", 1)
    left.plot([per_pass * e for e in range(1, history.epochs + 1)], history.train_ppl,
              marker=".", label="training")
    updates = history.info.get("val_updates") or [per_pass * e for e in history.val_epochs]
    left.plot(updates, history.val_ppl, marker=".", label="validation")
    if ngram is not None:
        left.axhline(ngram, color="black", linestyle=":", linewidth=1.5,
                     label=f"best n-gram, same text ({ngram:.2f})")
    values = [v for v in history.train_ppl + history.val_ppl if v < float("inf")]
    if values and max(values) > 20 * min(values):  # an exploding run spans powers of ten
        left.set_yscale("log")
    left.set_xlabel("updates")
    left.set_ylabel("perplexity")
    left.set_title("Perplexity")
    left.legend()
    plot_grad_norms(history, ax=right)
    right.set_xlabel("update")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_course_run(history, baseline: float, schedule):
    """Lesson 04. The course recipe's perplexity per epoch, the n-gram line and each drop of the lr.

    ``schedule`` is the recipe's ``((lr, epochs), …)``; a learning-rate drop after epoch ``e``
    is drawn as a dashed line at ``e + 0.5``, labelled with the two rates.
    """
    import matplotlib.pyplot as plt

    from ..training.history import plot_history

    fig, ax = plt.subplots(figsize=(8, 4.2))
    plot_history(history, ax=ax)
    ax.axhline(baseline, color="black", linestyle=":", linewidth=1.5,
               label=f"best n-gram ({baseline:.2f})")
    done = 0
    colors = ("tab:red", "tab:purple", "tab:brown", "tab:olive")
    for i, ((lr, epochs), (next_lr, _)) in enumerate(zip(schedule, schedule[1:])):
        done += epochs
        ax.axvline(done + 0.5, color=colors[i % len(colors)], linestyle="--", linewidth=1.6,
                   label=f"lr {lr:g} → {next_lr:g}")
    ax.set_title("Course recipe: perplexity per epoch")
    ax.legend()
    fig.tight_layout()
    return fig


#: The table ``benchmarks/ablation.py`` writes (in the repository, beside the package).
ABLATION_TABLE = Path(__file__).resolve().parents[2] / "benchmarks" / "ablation.md"


def ablation_table() -> str:
    """Lesson 04. The stored ablation table, from its description on (measured when last run)."""
    if not ABLATION_TABLE.is_file():
        raise FileNotFoundError(f"{ABLATION_TABLE} is missing: run python benchmarks/ablation.py in the "
                                "repository to measure it (about 8 minutes)")
    text = ABLATION_TABLE.read_text(encoding="utf-8")
    return text[text.index("Each run"):]
