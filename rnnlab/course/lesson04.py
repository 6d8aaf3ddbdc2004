"""Lesson 04 (an RNN from scratch): the function behind its live training panel, and its figures.

The panel compares settings fairly: every run makes the same number of updates on the same
number of tokens (``TOKENS_PER_UPDATE`` per update, so the batch size is
``TOKENS_PER_UPDATE // num_steps``), and every run is validated by ``rnnlab.train`` itself on
the same held-out characters read as one row (:func:`panel_val_loader`), beside the best n-gram
model trained on the same characters and scored on the same held-out ones.

Also here: the stored long runs (:func:`get_run`; ``scripts/long_run_04.py`` makes them), the
measured warm-up comparison and the lesson's pictures of the warm-up and of the time-major
output layout.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import time
from pathlib import Path

import torch

from ..checks import require_choice, require_int, require_positive_float
from ..experiments.recipes import COURSE_RECIPE, COURSE_SCHEDULE, SEED_RECIPE, recipe_data, run_recipe
from ..generation import predict, sample
from ..gradients.clipping import require_theta
from ..i18n import tr
from ..metrics import perplexity
from ..models import RNNScratch
from ..text.corpus import heldout_stream, load_corpus_time_machine, train_val_split
from ..text.minibatches import SeqDataLoader
from ..text.ngram import baseline_perplexity
from ..training.history import History, plot_grad_norms
from ..training.loop import OPTIMIZERS, TrainingDiverged, evaluate_perplexity, stream_perplexity, train
from .report import PREFIX, RunReport, _diverged_figure

#: Tokens in every update of the panel: batch size × num_steps, whatever num_steps is.
TOKENS_PER_UPDATE = 1024
#: The panel's num_steps stops (each divides TOKENS_PER_UPDATE).
NUM_STEPS_CHOICES = (4, 8, 16, 32, 64)
#: The panel trains on the first PANEL_TRAIN_TOKENS characters: one pass over them is
#: UPDATES_PER_PASS updates for every num_steps stop and both sampling schemes.
PANEL_TRAIN_TOKENS = 21_000
UPDATES_PER_PASS = 20
#: ... and validates on the first PANEL_VAL_TOKENS held-out characters, read as one row in
#: pieces of PANEL_VAL_STEPS (3 × 1,333 = 3,999: every character after the first is predicted).
PANEL_VAL_TOKENS = 4_000
PANEL_VAL_STEPS = 1_333
SCHEMES = ("sequential", "random")


def _check_num_steps(num_steps, tokens_per_update: int) -> int:
    num_steps = require_int("num_steps", num_steps, minimum=1, maximum=128)
    if tokens_per_update % num_steps:
        allowed = [t for t in range(1, 129) if tokens_per_update % t == 0]
        raise ValueError(f"num_steps must divide the {tokens_per_update} tokens of one update "
                         f"(batch size = {tokens_per_update} // num_steps), got {num_steps}; "
                         f"allowed: {allowed}")
    return num_steps


def panel_val_loader() -> SeqDataLoader:
    """Lesson 04. The panel's validation text: the first ``PANEL_VAL_TOKENS`` held-out characters as
    one row from a zero state, the state carried from piece to piece (sequential partitioning),
    so every character but the first is predicted from all the held-out text before it."""
    _, val = train_val_split(load_corpus_time_machine()[0])
    val = val[:PANEL_VAL_TOKENS]
    return SeqDataLoader(val, 1, PANEL_VAL_STEPS, use_random_iter=False, random_offset=False)


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
    val_loader = panel_val_loader()
    with torch.random.fork_rng(devices=[]):  # the weights from seed; the caller's stream untouched
        torch.manual_seed(seed)
        model = RNNScratch(len(vocab), num_hiddens)
    # validated by train itself after every pass: the same held-out characters for every setting
    history = train(model, loader, val_loader, epochs=updates // per_pass, lr=lr,
                    optimizer=optimizer, theta=theta, progress=progress,
                    info={"batch_size": batch_size, "num_steps": num_steps, "scheme": scheme,
                          "updates_per_pass": per_pass})
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
    num_hiddens = require_int("num_hiddens", num_hiddens, minimum=1)
    num_steps = _check_num_steps(num_steps, TOKENS_PER_UPDATE)
    theta = require_theta(theta)
    lr = require_positive_float("lr", lr)
    updates = require_int("updates", updates, minimum=1)
    optimizer = require_choice("optimizer", optimizer, OPTIMIZERS)
    scheme = require_choice("scheme", scheme, SCHEMES)
    temperature = require_positive_float("temperature", temperature)
    seed = require_int("seed", seed, minimum=0)
    if progress not in (True, False):
        raise TypeError(f"progress must be True or False, got {progress!r}")
    if updates % UPDATES_PER_PASS:
        raise ValueError(f"updates must be a multiple of {UPDATES_PER_PASS} (one pass over the "
                         f"first {PANEL_TRAIN_TOKENS:,} characters), got {updates}")
    batch_size = TOKENS_PER_UPDATE // num_steps
    title = tr("lesson04.panel.title", optimizer=optimizer.upper(), lr=lr,
               theta=tr("lesson04.panel.theta_off") if theta is None else f"{theta:g}",
               num_hiddens=num_hiddens, num_steps=num_steps, batch_size=batch_size,
               scheme=tr(f"lesson04.panel.scheme_{scheme}"))
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
    """A perplexity to one decimal (the second moves between CPUs); an exploded one as a power of ten."""
    return f"{value:.1f}" if value < 1e4 else f"{value:.0e}"


def plot_panel(history, ngram: float | None, title: str):
    """Lesson 04. Perplexity against updates (with the n-gram line) and the gradient norm per step."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    per_pass = history.info.get("updates_per_pass", 1)
    left.plot([per_pass * e for e in range(1, history.epochs + 1)], history.train_ppl,
              marker=".", label=tr("lesson04.panel.training"))
    left.plot([per_pass * e for e in history.val_epochs], history.val_ppl, marker=".",
              label=tr("lesson04.panel.validation"))
    if ngram is not None:
        left.axhline(ngram, color="black", linestyle=":", linewidth=1.5,
                     label=tr("lesson04.panel.ngram", ngram=ngram))
    values = [v for v in history.train_ppl + history.val_ppl if v < float("inf")]
    if values and max(values) > 20 * min(values):  # an exploding run spans powers of ten
        left.set_yscale("log")
    left.set_xlabel(tr("lesson04.panel.updates"))
    left.set_ylabel(tr("lesson04.panel.ylabel"))
    left.set_title(tr("lesson04.panel.perplexity"))
    left.legend()
    plot_grad_norms(history, ax=right)
    right.set_xlabel(tr("lesson04.panel.update"))
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
               label=tr("lesson04.course.ngram", baseline=baseline))
    done = 0
    colors = ("tab:red", "tab:purple", "tab:brown", "tab:olive")
    for i, ((lr, epochs), (next_lr, _)) in enumerate(zip(schedule, schedule[1:])):
        done += epochs
        ax.axvline(done + 0.5, color=colors[i % len(colors)], linestyle="--", linewidth=1.6,
                   label=tr("lesson04.course.lr_drop", lr=lr, next_lr=next_lr))
    ax.set_title(tr("lesson04.course.title"))
    ax.legend()
    fig.tight_layout()
    return fig


#: The table ``benchmarks/ablation.py`` writes (in the repository, beside the package).
ABLATION_TABLE = Path(__file__).resolve().parents[2] / "benchmarks" / "ablation.md"




# --------------------------------------------------------------------------- the stored long runs
#: The two long runs of lesson 04, stored because they take minutes: the textbook's 500-epoch
#: recipe on 10,000 characters (memorisation) and the course recipe on the whole book.
#: ``scripts/long_run_04.py NAME`` reruns one and writes its file into ``rnnlab/data/``.
LONG_RUNS = ("seed", "course")
LONG_RUN_FILES = {name: f"lesson04_{name}_run.json" for name in LONG_RUNS}
#: Prefixes of the greedy continuations stored with each run.
LONG_RUN_PREFIXES = ("time traveller ", "the time machine ")
#: Temperatures of the samples stored with the course run (drawn with generator seed 0).
TEMPERATURES = (0.2, 0.5, 0.8, 1.0, 1.5)
#: The warm-up comparison: prefixes of WARMUP_PREFIX characters at WARMUP_PLACES places.
WARMUP_PREFIX = 30
WARMUP_PLACES = 500


@dataclasses.dataclass
class LongRun:
    """One long run: its recipe, its :class:`History`, what the trained model wrote, and numbers.

    ``numbers`` holds what the lesson quotes beside the history (for the course run: the
    n-gram baseline, and the final model's perplexity scored by the validation loader and on
    every held-out character with its context). ``versions`` says what produced a stored run.
    """

    name: str
    recipe: dict
    val_every: int
    history: History
    samples: dict
    numbers: dict
    versions: dict

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["history"] = self.history.to_dict()
        return data


def long_run_recipe(name: str):
    """Lesson 04. ``(recipe, val_every)`` of the long run ``name`` (``"seed"`` or ``"course"``)."""
    name = require_choice("name", name, LONG_RUNS)
    if name == "seed":   # validated every 5 epochs on the first 4,000 held-out characters
        return dataclasses.replace(SEED_RECIPE, max_val_tokens=4_000), 5
    return dataclasses.replace(COURSE_RECIPE, schedule=COURSE_SCHEDULE), 1


def versions() -> dict:
    """What produced a run: torch, rnnlab, Python, the machine and torch's thread count."""
    import platform

    from .. import __version__

    return {"torch": torch.__version__, "rnnlab": __version__, "python": platform.python_version(),
            "machine": platform.machine(), "torch_threads": torch.get_num_threads()}


def long_run(name: str, epochs: int | None = None, device=None, progress: bool = False) -> LongRun:
    """Lesson 04. Train the long run ``name`` now (minutes); ``epochs`` cuts the seed run short.

    ``epochs`` (seed run only) runs the first ``epochs`` epochs of the same recipe: the
    same weights, batches and updates as the full run's first epochs, which is how a test
    checks the stored history without waiting for all 500.
    """
    recipe, val_every = long_run_recipe(name)
    if epochs is not None:
        if name != "seed":
            raise ValueError(f"epochs can only shorten the 'seed' run, got name={name!r}")
        recipe = dataclasses.replace(recipe, epochs=require_int("epochs", epochs, minimum=1))
    history, model, vocab = run_recipe(recipe, device=device, progress=progress,
                                       val_every=val_every)
    samples = {prefix: predict(prefix, 60, model, vocab) for prefix in LONG_RUN_PREFIXES}
    numbers = {}
    if name == "course":
        samples.update({f"T={T:g}": sample(LONG_RUN_PREFIXES[0], 60, model, vocab,
                                           temperature=T, generator=0) for T in TEMPERATURES})
        stream, start = heldout_stream(64)   # 64 training characters, then all held-out text
        _, val_loader, _ = recipe_data(recipe)
        warm, cold = warmup_comparison(model, val_loader.corpus, WARMUP_PREFIX, WARMUP_PLACES)
        numbers = {"warmup_ppl": warm, "no_warmup_ppl": cold,
                   "ngram_ppl": baseline_perplexity(),
                   "loader_ppl": evaluate_perplexity(model, val_loader),
                   "loader_tokens": val_loader.num_tokens_per_epoch,
                   "stream_ppl": stream_perplexity(model, stream, start),
                   "stream_tokens": len(stream) - start}
    return LongRun(name, recipe.to_dict(), val_every, history, samples, numbers, versions())


def long_run_path(name: str) -> Path:
    """Where the stored long run ``name`` lives (inside the installed package)."""
    name = require_choice("name", name, LONG_RUNS)
    return Path(__file__).resolve().parents[1] / "data" / LONG_RUN_FILES[name]


def stored_run(name: str) -> LongRun:
    """Lesson 04. The long run ``name`` as ``scripts/long_run_04.py`` stored it (not rerun)."""
    path = long_run_path(name)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run python scripts/long_run_04.py {name} "
                                "in the repository to make it")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["history"] = History.from_dict(data["history"])
    data["versions"] = {**data["versions"], "stored": True}
    return LongRun(**data)


def get_run(name: str, live: bool = False, device=None) -> LongRun:
    """Lesson 04. The long run ``name``: trained now when ``live`` (minutes), else the stored one."""
    if not isinstance(live, bool):
        raise TypeError(f"live must be True (train now) or False (read the stored run), got {live!r}")
    return long_run(name, device=device, progress=True) if live else stored_run(name)


# --------------------------------------------------------------------------- warm-up, measured
def warmup_comparison(net, tokens, prefix_len: int = 30, num_prefixes: int = 500,
                      seed: int = 0) -> tuple[float, float]:
    """Lesson 04. ``(perplexity with warm-up, perplexity without)`` of the character after a prefix.

    ``num_prefixes`` positions are drawn from ``tokens`` (with ``seed``); at each, the model
    predicts the character that follows a ``prefix_len``-character prefix, once after reading
    the whole prefix from a zero state (the warm-up) and once after reading only its last
    character from a zero state (no warm-up: the state the zeros give). ``net`` is any model
    with ``begin_state(batch_size, device)`` and ``net(X, state) -> (outputs, state)``
    (time-major outputs), the notes' ``RNNModelScratch`` as well as ``rnnlab.RNNScratch``.
    """
    tokens = torch.as_tensor(tokens, dtype=torch.long).reshape(-1)
    prefix_len = require_int("prefix_len", prefix_len, minimum=1)
    num_prefixes = require_int("num_prefixes", num_prefixes, minimum=1)
    if len(tokens) < prefix_len + 1:
        raise ValueError(f"tokens must hold more than prefix_len={prefix_len} tokens, "
                         f"got {len(tokens)}")
    generator = torch.Generator().manual_seed(require_int("seed", seed, minimum=0))
    starts = torch.randint(0, len(tokens) - prefix_len, (num_prefixes,), generator=generator)
    prefixes = torch.stack([tokens[s:s + prefix_len] for s in starts.tolist()])   # (n, prefix_len)
    targets = tokens[starts + prefix_len]                                        # (n,)
    params = getattr(net, "params", None) or list(net.parameters())
    device = params[0].device
    prefixes, targets = prefixes.to(device), targets.to(device)
    n = num_prefixes
    with torch.no_grad():
        warm, _ = net(prefixes, net.begin_state(n, device))         # time-major: last n rows = last step
        cold, _ = net(prefixes[:, -1:], net.begin_state(n, device))
        return (perplexity(float(torch.nn.functional.cross_entropy(warm[-n:], targets))),
                perplexity(float(torch.nn.functional.cross_entropy(cold, targets))))


# --------------------------------------------------------------------------- pictures
def plot_warmup(prefix: str = "time ", predicted: str = "tra"):
    """Lesson 04. ``predict_ch8`` drawn: the prefix is fed in (warm-up, outputs ignored), then
    every prediction is fed back as the next input. One column per time step."""
    from .diagrams import FONT, HIGHLIGHT, STATE, _arrow, _box, _canvas

    prefix = str(prefix)
    predicted = str(predicted)
    if len(prefix) < 2 or not predicted:
        raise ValueError(f"prefix needs at least 2 characters and predicted at least 1, "
                         f"got {prefix!r} and {predicted!r}")
    inputs = list(prefix) + list(predicted[:-1])
    n_warm = len(prefix) - 1
    fig, ax = _canvas((1.15 * len(inputs) + 3.2, 5.0))
    show = {" ": "␣"}
    for t, ch in enumerate(inputs):
        x = 1.15 * t
        warm = t < n_warm
        _box(ax, x, 0.0, f"'{show.get(ch, ch)}'", fc="white" if t < len(prefix) else HIGHLIGHT,
             w=0.8, h=0.5, fontsize=FONT)
        _box(ax, x, 1.2, f"$H_{{{t + 1}}}$", fc=STATE, w=0.8, h=0.5, fontsize=FONT)
        _arrow(ax, x, 0.25, x, 0.95, shrink=1, lw=1.3)
        if t:
            _arrow(ax, x - 0.75, 1.2, x - 0.4, 1.2, shrink=1, lw=1.3)
        if warm:
            _box(ax, x, 2.4, "—", fc="#eeeeee", w=0.8, h=0.5, fontsize=FONT, ec="#999999", ls="--")
            _arrow(ax, x, 1.45, x, 2.15, shrink=1, lw=1.0, color="#999999", ls="--")
        else:
            out = predicted[t - n_warm]
            _box(ax, x, 2.4, f"'{show.get(out, out)}'", fc=HIGHLIGHT, w=0.8, h=0.5, fontsize=FONT)
            _arrow(ax, x, 1.45, x, 2.15, shrink=1, lw=1.3)
            if t + 1 < len(inputs):   # fed back: the output becomes the next input
                _arrow(ax, x + 0.4, 2.4, x + 1.15 - 0.4, 0.0, shrink=2, lw=1.6, color="tab:red",
                       rad=-0.25)
    _box(ax, -1.3, 1.2, "$H_0 = 0$", fc=STATE, w=0.9, h=0.5, fontsize=FONT - 1, ls="--")
    _arrow(ax, -0.85, 1.2, -0.4, 1.2, shrink=1, lw=1.3)
    warm_right = 1.15 * (n_warm - 1) + 0.45
    ax.annotate("", xy=(-0.45, -0.55), xytext=(warm_right, -0.55),
                arrowprops={"arrowstyle": "|-|", "lw": 1.2})
    ax.text((warm_right - 0.45) / 2, -0.8, tr("lesson04.fig.warmup_span"), ha="center", va="top",
            fontsize=FONT - 1)
    pred_left = 1.15 * n_warm - 0.45
    pred_right = 1.15 * (len(inputs) - 1) + 0.45
    ax.annotate("", xy=(pred_left, -0.55), xytext=(pred_right, -0.55),
                arrowprops={"arrowstyle": "|-|", "lw": 1.2, "color": "tab:red"})
    ax.text((pred_left + pred_right) / 2, -1.25, tr("lesson04.fig.predict_span"), ha="center",
            va="top", fontsize=FONT - 1, color="tab:red")
    ax.text(-1.75, 2.4, tr("lesson04.fig.outputs"), ha="right", va="center", fontsize=FONT - 1)
    ax.text(-1.75, 0.0, tr("lesson04.fig.inputs"), ha="right", va="center", fontsize=FONT - 1)
    ax.set_title(tr("lesson04.fig.warmup_title", prefix=prefix), fontsize=FONT)
    ax.set_xlim(-3.6, 1.15 * len(inputs))
    ax.set_ylim(-1.8, 2.9)
    fig.tight_layout()
    return fig


def plot_time_major(batch_size: int = 2, num_steps: int = 3):
    """Lesson 04. Where each prediction lands in the output of shape ``(num_steps·batch, V)``.

    Left: a minibatch ``X`` (rows = sequences ``b``, columns = time steps ``t``). Right: the
    model's output rows in time-major order (all sequences at step 0, then step 1, …) beside
    the targets ``Y.T.reshape(-1)``, which follow the same order, and ``Y.reshape(-1)``, which
    does not (its rows would pair a prediction with another position's target).
    """
    import matplotlib.pyplot as plt

    from .diagrams import FONT

    batch_size = require_int("batch_size", batch_size, minimum=1, maximum=4)
    num_steps = require_int("num_steps", num_steps, minimum=1, maximum=5)
    colors = plt.get_cmap("Pastel1").colors
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 1.6 + 0.55 * batch_size * num_steps),
                                      gridspec_kw={"width_ratios": [1, 1.5]})
    for ax in (left, right):
        ax.set_axis_off()
    rows = batch_size * num_steps
    for b in range(batch_size):
        for t in range(num_steps):
            y = rows - 1 - b * 1.2
            left.add_patch(plt.Rectangle((t, y), 0.95, 0.95, fc=colors[t % len(colors)], ec="black"))
            left.text(t + 0.47, y + 0.47, f"b={b}, t={t}", ha="center", va="center", fontsize=FONT - 2)
    left.text(num_steps / 2, rows + 0.3, tr("lesson04.fig.minibatch", batch_size=batch_size,
                                            num_steps=num_steps),
              ha="center", va="bottom", fontsize=FONT)
    left.set_xlim(-0.2, num_steps + 0.2)
    left.set_ylim(rows - 1.2 * batch_size - 0.3, rows + 1.2)
    for i in range(rows):
        t, b = divmod(i, batch_size)          # time-major: row i is step t of sequence b
        y = rows - 1 - i
        right.add_patch(plt.Rectangle((0, y), 2.6, 0.9, fc=colors[t % len(colors)], ec="black"))
        right.text(1.3, y + 0.45, tr("lesson04.fig.output_row", i=i, b=b, t=t), ha="center",
                   va="center", fontsize=FONT - 2)
        right.text(3.2, y + 0.45, f"Y[{b},{t}]  ✓", ha="left", va="center", fontsize=FONT - 2,
                   color="tab:green")
        wb, wt = divmod(i, num_steps)         # what Y.reshape(-1) puts in row i
        mark = "✓" if (wb, wt) == (b, t) else "✗"
        right.text(5.4, y + 0.45, f"Y[{wb},{wt}]  {mark}", ha="left", va="center",
                   fontsize=FONT - 2, color="tab:green" if mark == "✓" else "tab:red")
    right.text(1.3, rows + 0.9, tr("lesson04.fig.outputs_shape", rows=rows), ha="center",
               va="bottom", fontsize=FONT)
    right.text(3.2, rows + 0.15, "Y.T.reshape(-1)", ha="left", va="bottom", fontsize=FONT - 1,
               color="tab:green")
    right.text(5.4, rows + 0.15, "Y.reshape(-1)", ha="left", va="bottom", fontsize=FONT - 1,
               color="tab:red")
    right.set_xlim(-0.2, 7.2)
    right.set_ylim(-0.3, rows + 1.6)
    fig.suptitle(tr("lesson04.fig.time_major_title"), fontsize=FONT)
    fig.tight_layout()
    return fig


def run_report(run: LongRun) -> str:
    """Lesson 04. What a long run shows, in the reader's language: where it comes from, then its numbers."""
    if not isinstance(run, LongRun):
        raise TypeError(f"run must be a LongRun (lesson04.get_run), got {type(run).__name__}")
    h = run.history
    source = (tr("lesson04.run.stored", torch=run.versions.get("torch", "?"),
                 rnnlab=run.versions.get("rnnlab", "?"))
              if run.versions.get("stored") else tr("lesson04.run.live"))
    if run.name == "seed":
        best_epoch = h.val_epochs[h.val_ppl.index(h.best_val_ppl)]
        # the last validation perplexity of a memorising run is chaotic: as a whole number only
        body = tr("lesson04.seed.report", epochs=h.epochs, train=_ppl(h.train_ppl[-1]),
                  best=_ppl(h.best_val_ppl), best_epoch=best_epoch, last=f"{h.val_ppl[-1]:.0f}")
    else:
        body = tr("lesson04.course.report", best=_ppl(h.best_val_ppl),
                  ngram=run.numbers["ngram_ppl"], train=_ppl(h.train_ppl[-1]))
    return source + "\n" + body


def plot_seed_run(run: LongRun):
    """Lesson 04. The textbook recipe's training and validation perplexity per epoch (log scale)."""
    import matplotlib.pyplot as plt

    from ..training.history import plot_history

    if not isinstance(run, LongRun):
        raise TypeError(f"run must be a LongRun (lesson04.get_run), got {type(run).__name__}")
    fig, ax = plt.subplots(figsize=(8, 4.2))
    plot_history(run.history, ax=ax)
    ax.set_yscale("log")
    ax.set_title(tr("lesson04.seed.title", epochs=run.history.epochs))
    fig.tight_layout()
    return fig


def warmup_report(results: dict, prefix_len: int = WARMUP_PREFIX,
                  places: int = WARMUP_PLACES) -> str:
    """Lesson 04. ``{"train_ch8" or "course": (with warm-up, without)}`` as lines in the reader's language.

    The stored course run's numbers print to one decimal (they are read from a file); a model
    trained in the notebook prints whole numbers, the digits another CPU's rounding leaves alone.
    """
    lines = [tr("lesson04.warmup.header", prefix_len=prefix_len, n=places)]
    for key, (warm, cold) in results.items():
        fmt = "{:.1f}" if key == "course" else "{:.0f}"
        lines.append(tr("lesson04.warmup.line", model=tr(f"lesson04.warmup.{key}"),
                        warm=fmt.format(warm), cold=fmt.format(cold)))
    return "\n".join(lines)


#: The ablation's row labels (as benchmarks/ablation.py writes them) -> their catalogue keys.
ABLATION_LABELS = {
    "course recipe": "course", "text: first 10,000 characters": "text",
    "hidden size 512": "hidden", "optimiser: SGD (lr 1 → 0.3 → 0.1)": "sgd",
    "sequential partitioning (carried state)": "sequential", "batch size 32": "batch",
    "num_steps 35": "num_steps", "no schedule (lr 0.01 throughout)": "schedule"}


def ablation_table() -> str:
    """Lesson 04. The stored ablation table (measured when last run), in the reader's language."""
    import re

    if not ABLATION_TABLE.is_file():
        raise FileNotFoundError(f"{ABLATION_TABLE} is missing: run python benchmarks/ablation.py in the "
                                "repository to measure it (about 8 minutes)")
    text = ABLATION_TABLE.read_text(encoding="utf-8")
    passes = re.search(r"(\d+) passes over", text)
    ngram = re.search(r"n-gram scores ([\d.]+)", text)
    rows = [line for line in text.splitlines() if line.startswith("| ")][1:]   # below the header
    if passes is None or ngram is None or not rows:
        raise ValueError(f"{ABLATION_TABLE} is not a table benchmarks/ablation.py wrote; rerun it")
    lines = [tr("lesson04.ablation.intro", passes=int(passes.group(1)), ngram=ngram.group(1)), "",
             tr("lesson04.ablation.header"), "|---|---:|---:|---:|---:|---:|"]
    for row in rows:
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        key = ABLATION_LABELS.get(cells[0])
        cells[0] = tr(f"lesson04.ablation.{key}") if key else cells[0]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
