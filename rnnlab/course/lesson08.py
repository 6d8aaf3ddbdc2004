"""Lesson 08 (gradient conflict and PCGrad): the functions behind its widgets and figures."""

from __future__ import annotations

import re

import torch

from ..checks import require_choice
from ..experiments.toy import TOY_METHODS, TOY_START, plot_toy, run_toy, toy_losses
from ..i18n import tr


def toy_panel(theta1: float = TOY_START[0], theta2: float = TOY_START[1], method: str = "both",
              steps: int = 6000):
    """The widget's compute: run Adam and/or Adam+PCGrad from a start point; figure and text."""
    import matplotlib.pyplot as plt

    require_choice("method", method, TOY_METHODS + ("both",))
    methods = TOY_METHODS if method == "both" else (method,)
    paths = {m: run_toy(m, (theta1, theta2), steps=steps) for m in methods}
    labels = {m: tr(f"lesson08.toy.{m}") for m in TOY_METHODS}
    fig = plot_toy({labels[m]: p for m, p in paths.items()})
    lines = []
    for m, p in paths.items():
        l1, l2 = toy_losses(p[-1])
        lines.append(tr("lesson08.toy_report", method=labels[m], theta1=float(p[-1, 0]),
                        theta2=float(p[-1, 1]), loss=float(l1 + l2)))
    plt.close(fig)
    return fig, "\n".join(lines)


GRID_FILE = "conflict_grid.json"
MULTI_ARMS = ("sum", "weighted", "pcgrad", "detach")
_CELL_KEYS = ("arm", "heads", "optimizer", "p", "lam", "lr", "weight", "seeds", "a_ppl", "b_ppl")


def arm_label(arm: str) -> str:
    """The arm's name for a student, in the current language."""
    return tr(f"lesson08.arm.{arm}")


def load_grid() -> dict:
    """The table ``benchmarks/conflict.py`` wrote (shipped as ``rnnlab/data/conflict_grid.json``),
    checked: a config and a list of cells, each with the fields the lesson reads."""
    import json
    from importlib import resources

    text = resources.files("rnnlab.data").joinpath(GRID_FILE).read_text("utf-8")
    grid = require_grid(json.loads(text))
    return {**grid, "machine": _machine_label(grid.get("machine", ""))}


# what benchmarks/conflict.py writes: tr("lesson08.grid_machine", ...) in English
_MACHINE = re.compile(r"(?P<cores>\d+) CPU cores, torch (?P<torch>\S+), 1 thread per worker, "
                      r"load average at the end (?P<load>.+)")


def _machine_label(machine: str) -> str:
    """The stored grid's machine line in the current language (a line of another form as it is)."""
    found = _MACHINE.fullmatch(machine) if isinstance(machine, str) else None
    return tr("lesson08.grid_machine", **found.groupdict()) if found else machine


def require_grid(grid) -> dict:
    """``grid`` if it has the shape :func:`load_grid` promises; a clear error naming what is not."""
    if not isinstance(grid, dict) or not isinstance(grid.get("config"), dict) \
            or not isinstance(grid.get("cells"), list) or not grid["cells"]:
        raise ValueError(f"{GRID_FILE} must hold a 'config' dict and a non-empty 'cells' list; "
                         f"got keys {sorted(grid) if isinstance(grid, dict) else type(grid).__name__}")
    for i, cell in enumerate(grid["cells"]):
        missing = [k for k in _CELL_KEYS if not isinstance(cell, dict) or k not in cell]
        if missing:
            raise ValueError(f"{GRID_FILE}: cell {i} lacks {missing}")
        for k in ("a_ppl", "b_ppl"):
            pair = cell[k]
            if pair is not None and not (isinstance(pair, list) and len(pair) == 2
                                         and all(isinstance(v, (int, float)) for v in pair)):
                raise ValueError(f"{GRID_FILE}: cell {i} field {k!r} must be [mean, half-width] "
                                 f"or null, got {pair!r}")
    return grid


def grid_cells(grid: dict, **match) -> list[dict]:
    """The cells of ``grid`` whose fields equal every ``match`` (e.g. ``optimizer="sgd"``)."""
    unknown = set(match) - {"arm", "heads", "optimizer", "p", "lam"}
    if unknown:
        raise ValueError(f"grid cells can be matched on arm, heads, optimizer, p and lam; got "
                         f"{sorted(unknown)}")
    return [c for c in grid["cells"] if all(c[k] == v for k, v in match.items())]


def _pm(pair, fmt: str, scale: float = 1.0) -> str:
    if pair is None:
        return "—"
    return f"{format(pair[0] * scale, fmt)} ± {format(pair[1] * scale, fmt.lstrip('+'))}"


def _pct(pair) -> str:
    """A change in nats as a change of perplexity in %: (e^Δ − 1), interval mapped the same way."""
    import math

    if pair is None:
        return "—"
    mean, half = pair
    lo, hi = math.expm1(mean - half) * 100, math.expm1(mean + half) * 100
    return f"{math.expm1(mean) * 100:+.1f} [{lo:+.1f}, {hi:+.1f}]"


def format_cells(cells, full: bool = False) -> str:
    """Grid cells as a text table. The slide version: each arm's perplexities, its change
    against the plain sum (perplexity %, 95 % CI) and the harm to task A of the update it takes;
    ``full=True`` adds the tuned settings, the score and the conflict measures."""
    cols = [(tr("lesson08.col.arm"), 16), (tr("lesson08.col.a_ppl"), 13),
            (tr("lesson08.col.b_ppl"), 13), (tr("lesson08.col.a_vs_sum"), 22),
            (tr("lesson08.col.b_vs_sum"), 22), (tr("lesson08.col.taken_harm_a"), 10)]
    if full:
        cols = [(tr("lesson08.col.opt"), 5)] + cols + [
            ("lr", 6), ("w", 4), (tr("lesson08.col.score_vs_sum"), 22), ("cos", 6),
            ("GMS", 5), (tr("lesson08.col.harm_a_sum"), 10), (tr("lesson08.col.curv_a"), 8)]
    lines = [" ".join(f"{name:>{w}s}" if i else f"{name:{w}s}" for i, (name, w) in
                      enumerate(cols))]
    for c in cells:
        def stat(m, f, c=c):
            if c["arm"].startswith("single"):
                return "—"
            return "0*" if c["arm"] == "detach" and m != "curv_a" else format(c[m][0], f)

        values = [arm_label(c["arm"]), _pm(c["a_ppl"], ".2f"), _pm(c["b_ppl"], ".2f"),
                  _pct(c.get("vs_sum_a")), _pct(c.get("vs_sum_b")), stat("taken_harm_a", ".3f")]
        if full:
            values = [c["optimizer"]] + values + [
                f"{c['lr']:g}", f"{c['weight']:g}", _pct(c.get("vs_sum_score")),
                stat("cosine", "+.3f"), stat("magnitude", ".2f"), stat("harm_a", ".3f"),
                stat("curv_a", ".3f")]
        lines.append(" ".join(f"{v:>{w}s}" if i else f"{v:{w}s}" for i, (v, (_, w)) in
                              enumerate(zip(values, cols, strict=True))))
    lines.append(tr("lesson08.table_note"))
    return "\n".join(lines)


def plot_grid_effect(grid: dict):
    """The static weight and PCGrad against the plain sum, per task: change of validation
    perplexity (%), mean and 95 % CI over seeds (paired by seed); one panel per optimizer.
    (``detach``'s +112 % / +146 % on task B would flatten the scale: it is in the tables.)"""
    import math

    import matplotlib.pyplot as plt

    optimizers = sorted({c["optimizer"] for c in grid["cells"]}, reverse=True)
    arms = ("weighted", "pcgrad")
    fig, axes = plt.subplots(1, len(optimizers), figsize=(4.6 * len(optimizers), 4.2),
                             sharey=True, squeeze=False)
    for ax, opt in zip(axes[0], optimizers, strict=True):
        for k, (task, marker) in enumerate((("a", "o"), ("b", "s"))):
            xs, ys, lo, hi = [], [], [], []
            for i, arm in enumerate(arms):
                (c,) = grid_cells(grid, arm=arm, optimizer=opt)
                pair = c.get(f"vs_sum_{task}")
                if pair and math.isfinite(pair[0]):
                    pair = (pair[0], pair[1] if math.isfinite(pair[1]) else 0.0)
                    y = math.expm1(pair[0]) * 100
                    xs.append(i + (k - 0.5) * 0.25)
                    ys.append(y)
                    lo.append(y - math.expm1(pair[0] - pair[1]) * 100)
                    hi.append(math.expm1(pair[0] + pair[1]) * 100 - y)
            ax.errorbar(xs, ys, yerr=[lo, hi], fmt=marker, color=f"C{k}", capsize=4, ms=8,
                        label=tr(f"lesson08.fig.task_{task}"))
        ax.axhline(0, color="black", lw=1)
        ax.set_xticks(range(len(arms)), [arm_label(a) for a in arms], fontsize=12)
        ax.set_title(tr("lesson08.fig.effect_title", opt=opt.upper()), fontsize=13)
        ax.tick_params(labelsize=11)
    axes[0, 0].set_ylabel(tr("lesson08.fig.effect_ylabel"), fontsize=12)
    axes[0, 0].legend(fontsize=11)
    fig.tight_layout()
    return fig


def plot_grid_harm(grid: dict):
    """Share of training steps on which task A is hurt (to first order): by the summed gradient
    g_A + g_B (hatched) and by the update the arm actually takes (solid); per arm and optimizer."""
    import math

    import matplotlib.pyplot as plt

    optimizers = sorted({c["optimizer"] for c in grid["cells"]}, reverse=True)
    arms = ("sum", "weighted", "pcgrad")
    fig, axes = plt.subplots(1, len(optimizers), figsize=(5.4 * len(optimizers), 4.0),
                             sharey=True, squeeze=False)
    top = 0.0
    for ax, opt in zip(axes[0], optimizers, strict=True):
        for i, arm in enumerate(arms):
            (c,) = grid_cells(grid, arm=arm, optimizer=opt)
            for k, (m, hatch, fc) in enumerate((("harm_a", "//", "white"),
                                                ("taken_harm_a", "", "C3"))):
                mean, half = c[m]
                half = half if math.isfinite(half) else 0.0     # one seed: no interval to draw
                top = max(top, mean + half)
                ax.bar(i + (k - 0.5) * 0.38, mean, 0.36, yerr=half, capsize=4, color=fc,
                       edgecolor="C3", hatch=hatch, lw=1.5,
                       label=tr(f"lesson08.fig.{m}") if i == 0 else None)
        ax.set_xticks(range(len(arms)), [arm_label(a) for a in arms], fontsize=12)
        ax.set_title(tr("lesson08.fig.harm_title", opt=opt.upper()), fontsize=13)
        ax.tick_params(labelsize=11)
    axes[0, 0].set_ylim(0, top * 1.25 + 1e-3)
    axes[0, 0].set_ylabel(tr("lesson08.fig.harm_ylabel"), fontsize=12)
    axes[0, 0].legend(fontsize=11, loc="upper right")
    fig.tight_layout()
    return fig


def plot_live(results, smooth: int = 50):
    """Per-step traces of :func:`run_cells` results: the cosine between the task gradients and
    whether the update taken hurts task A (running mean of ``smooth`` steps, mean over seeds)."""
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    for j, r in enumerate(results):
        label = arm_label(r["cell"]["arm"])
        for ax, name in ((ax1, "cosine"), (ax2, "taken_harm_a")):
            trace = torch.tensor([r["history"].step_metrics[f"{name}/{i}"] for i in r["index"]],
                                 dtype=torch.float64).mean(0)
            k = max(1, min(smooth, len(trace)))
            avg = torch.nn.functional.avg_pool1d(trace[None, None], k, stride=1)[0, 0]
            ax.plot(range(k, len(trace) + 1), avg, color=f"C{j}", lw=2, label=label,
                    ls=("-", "--", ":")[j % 3])
    ax1.axhline(0, color="black", lw=0.8)
    ax1.set_ylabel(tr("lesson08.fig.live_cos", smooth=smooth), fontsize=12)
    ax1.set_title(tr("lesson08.fig.live_cos_title"), fontsize=13)
    ax2.set_ylabel(tr("lesson08.fig.live_harm", smooth=smooth), fontsize=12)
    ax2.set_title(tr("lesson08.fig.live_harm_title"), fontsize=13)
    for ax in (ax1, ax2):
        ax.set_xlabel(tr("lesson08.fig.step"), fontsize=12)
        ax.legend(fontsize=11)
    fig.tight_layout()
    return fig


def run_cells(corpus, vocab, cells, seeds=(0, 1, 2, 3, 4), progress: bool = False,
              **settings) -> list[dict]:
    """Train grid ``cells`` (each with its tuned ``lr`` and ``weight``) on every seed, with the
    grid's settings (``settings`` override them).

    Cells that share an optimizer and learning rate train as one stack
    (:func:`~rnnlab.experiments.multitask.train_conflict`). Returns, per cell, the
    cell and ``"runs"``: one :func:`~rnnlab.experiments.multitask.conflict_summary`
    per seed, and ``"history"``/``"index"`` to find its per-step traces.
    """
    from ..experiments.multitask import ConflictRun, conflict_summary, train_conflict

    names = ("num_hiddens", "num_steps", "batch_size", "steps", "max_tokens", "back")
    config = {k: v for k, v in load_grid()["config"].items() if k in names}
    config.update(settings)
    groups: dict = {}
    for c in cells:
        groups.setdefault((c["optimizer"], c["lr"]), []).append(c)
    out = []
    for (opt, lr), group in groups.items():
        runs = [ConflictRun(c["arm"], p=c["p"], lam=c["lam"], heads=c["heads"],
                            weight=c["weight"], seed=s) for c in group for s in seeds]
        h = train_conflict(corpus, vocab, runs, optimizer=opt, lr=lr, eval_every=config["steps"],
                           progress=progress, **config)
        for j, c in enumerate(group):
            index = list(range(j * len(seeds), (j + 1) * len(seeds)))
            out.append({"cell": c, "history": h, "index": index,
                        "runs": [conflict_summary(h, i) for i in index]})
    return out


def compare_with_sum(results) -> dict:
    """Per arm among ``results`` (which must hold the plain sum): each task's change of
    validation log-perplexity against the sum of the same seed, mean ± 95 % CI (nats);
    and each arm's harm to A of the update it took."""
    import math

    from ..experiments.multitask import mean_ci

    by = {r["cell"]["arm"]: r["runs"] for r in results}
    if "sum" not in by:
        raise ValueError("results must include the plain sum ('sum' arm) to compare against")
    out = {}
    for arm, runs in by.items():
        entry = {"taken_harm_a": mean_ci([x["taken_harm_a"] for x in runs]),
                 "a_ppl": mean_ci([x["a_ppl"] for x in runs]),
                 "b_ppl": mean_ci([x["b_ppl"] for x in runs])}
        if arm != "sum":
            for t in "ab":
                entry[f"vs_sum_{t}"] = mean_ci([math.log(x[f"{t}_ppl"] / y[f"{t}_ppl"])
                                                for x, y in zip(runs, by["sum"], strict=True)])
        out[arm] = entry
    return out


def format_comparison(comparison: dict) -> str:
    """:func:`compare_with_sum` as the slide table of :func:`format_cells`."""
    cells = [{"arm": arm, **entry} for arm, entry in comparison.items()]
    return format_cells(cells)


def plot_two_task_network():
    """The two-task network: one recurrent layer shared by both tasks, with (left) one shared
    output head or (right) a head per task — and where ``detach`` cuts task B's gradient."""
    from .diagrams import FONT, HIGHLIGHT, STATE, _arrow, _box, _canvas

    fig, ax = _canvas((11, 4.6))
    for x0, separate in ((0.0, False), (5.6, True)):
        _box(ax, x0 + 2.2, 0.4, tr("lesson08.net.input"), w=2.2, h=0.6, fontsize=FONT)
        _box(ax, x0 + 2.2, 1.8, tr("lesson08.net.rnn"), fc=STATE, w=3.0, h=0.7, fontsize=FONT)
        _arrow(ax, x0 + 2.2, 0.7, x0 + 2.2, 1.45, shrink=2, lw=1.5)
        if separate:
            heads = ((x0 + 1.0, "A"), (x0 + 3.4, "B"))
            for hx, t in heads:
                _box(ax, hx, 3.1, tr("lesson08.net.head", task=t), fc=HIGHLIGHT, w=1.9, h=0.6,
                     fontsize=FONT)
                _box(ax, hx, 4.2, f"$L_{t}$", w=0.9, h=0.5, fontsize=FONT)
                _arrow(ax, hx, 3.4, hx, 3.95, shrink=2, lw=1.5)
                _arrow(ax, x0 + 2.2 + (hx - x0 - 2.2) * 0.5, 2.15, hx, 2.8, shrink=2, lw=1.5)
            # detach: task B's gradient stops at h (the forward value still flows)
            cx, cy = x0 + 2.95, 2.5
            ax.plot([cx - 0.25, cx + 0.25], [cy - 0.18, cy + 0.18], color="C3", lw=3)
            ax.plot([cx - 0.25, cx + 0.25], [cy + 0.18, cy - 0.18], color="C3", lw=3)
            ax.text(cx + 0.75, cy - 0.12, tr("lesson08.net.detach"), color="C3", fontsize=FONT - 1,
                    va="center", ha="left")
            ax.text(x0 + 2.2, 4.85, tr("lesson08.net.separate"), ha="center", fontsize=FONT + 1)
        else:
            _box(ax, x0 + 2.2, 3.1, tr("lesson08.net.shared_head"), fc=HIGHLIGHT, w=3.2, h=0.6,
                 fontsize=FONT)
            _arrow(ax, x0 + 2.2, 2.15, x0 + 2.2, 2.8, shrink=2, lw=1.5)
            for hx, t in ((x0 + 1.4, "A"), (x0 + 3.0, "B")):
                _box(ax, hx, 4.2, f"$L_{t}$", w=0.9, h=0.5, fontsize=FONT)
                _arrow(ax, x0 + 2.2, 3.4, hx, 3.95, shrink=2, lw=1.5)
            ax.text(x0 + 2.2, 4.85, tr("lesson08.net.shared"), ha="center", fontsize=FONT + 1)
        ax.text(x0 + 4.0, 1.8, tr("lesson08.net.shared_params"), fontsize=FONT - 2,
                va="center", ha="left", style="italic")
    ax.set_xlim(-0.3, 11.4)
    ax.set_ylim(0, 5.2)
    return fig


def plot_projection(g_a, g_b):
    """Two 2-D task gradients, their PCGrad projections, and the plain vs PCGrad update; each
    projection lands on the line normal to the other task's gradient (drawn dashed)."""
    import matplotlib.pyplot as plt

    from ..gradients.pcgrad import project_conflicting

    g_a, g_b = torch.as_tensor(g_a, dtype=torch.float64), torch.as_tensor(g_b, dtype=torch.float64)
    if g_a.shape != (2,) or g_b.shape != (2,):
        raise ValueError(f"g_a and g_b must be 2-D vectors (two numbers each), got shapes "
                         f"{tuple(g_a.shape)} and {tuple(g_b.shape)}")
    p_a, p_b = project_conflicting([g_a, g_b])
    fig, ax = plt.subplots(figsize=(6.4, 5.6))
    lim = float(torch.stack([g_a, g_b, p_a + p_b, g_a + g_b]).abs().max()) * 1.2
    for g, color, key in ((g_b, "C0", "normal_b"), (g_a, "C1", "normal_a")):
        normal = torch.stack([-g[1], g[0]]) / g.norm() * 2 * lim
        ax.plot([-normal[0], normal[0]], [-normal[1], normal[1]], color=color, lw=1.5, ls="--",
                alpha=0.8, label=tr(f"lesson08.proj.{key}"))
    arrows = [(g_a, "C0", "-", 2.5, "g_A"), (g_b, "C1", "-", 2.5, "g_B"),
              (p_a, "C0", "-", 1.2, "g_A'"), (p_b, "C1", "-", 1.2, "g_B'"),
              (g_a + g_b, "0.4", "-", 2.5, tr("lesson08.proj.sum")),
              (p_a + p_b, "C3", "-", 3.0, tr("lesson08.proj.pcgrad"))]
    for vec, color, style, lw, label in arrows:
        ax.annotate("", xy=vec.tolist(), xytext=(0, 0),
                    arrowprops={"arrowstyle": "-|>", "color": color, "lw": lw, "ls": style,
                                "mutation_scale": 18})
        ax.plot([], [], color=color, ls=style, lw=lw, label=label)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.axhline(0, color="0.85", lw=0.8, zorder=0)
    ax.axvline(0, color="0.85", lw=0.8, zorder=0)
    ax.set_xlabel("θ₁", fontsize=12)
    ax.set_ylabel("θ₂", fontsize=12)
    cos = float(g_a @ g_b / (g_a.norm() * g_b.norm()))
    ax.set_title(tr("lesson08.proj.title", cos=cos), fontsize=13)
    ax.legend(fontsize=10, loc="lower left", framealpha=0.9)
    fig.tight_layout()
    return fig
