"""Lesson 08 (gradient conflict and PCGrad): the functions behind its widgets and figures."""

from __future__ import annotations

import torch

from ..checks import check_choice
from ..experiments.toy import TOY_METHODS, TOY_START, plot_toy, run_toy, toy_losses
from ..i18n import tr


def toy_panel(theta1: float = TOY_START[0], theta2: float = TOY_START[1], method: str = "both",
              steps: int = 6000):
    """The widget's compute: run Adam and/or Adam+PCGrad from a start point; figure and text."""
    import matplotlib.pyplot as plt

    check_choice("method", method, TOY_METHODS + ("both",))
    methods = TOY_METHODS if method == "both" else (method,)
    paths = {m: run_toy(m, (theta1, theta2), steps=steps) for m in methods}
    labels = {"adam": "Adam (summed gradient)", "pcgrad": "Adam + PCGrad"}
    fig = plot_toy({labels[m]: p for m, p in paths.items()})
    lines = []
    for m, p in paths.items():
        l1, l2 = toy_losses(p[-1])
        lines.append(tr("lesson08.toy_report", method=labels[m], theta1=float(p[-1, 0]),
                        theta2=float(p[-1, 1]), loss=float(l1 + l2)))
    plt.close(fig)
    return fig, "\n".join(lines)


GRID_FILE = "conflict_grid.json"
ARM_LABELS = {"single_a": "task A alone", "single_b": "task B alone", "sum": "plain sum",
              "weighted": "tuned static weight", "detach": "detach (B cut off)",
              "pcgrad": "PCGrad"}


def load_grid() -> dict:
    """The table ``benchmarks/conflict.py`` wrote (shipped as ``rnnlab/data/conflict_grid.json``)."""
    import json
    from importlib import resources

    return json.loads(resources.files("rnnlab.data").joinpath(GRID_FILE).read_text("utf-8"))


def grid_cells(grid: dict, **match) -> list[dict]:
    """The cells of ``grid`` whose fields equal every ``match`` (e.g. ``optimizer="sgd", p=1.0``)."""
    unknown = set(match) - {"arm", "heads", "optimizer", "p", "lam"}
    if unknown:
        raise ValueError(f"grid cells can be matched on arm, heads, optimizer, p and lam; got "
                         f"{sorted(unknown)}")
    return [c for c in grid["cells"] if all(c[k] == v for k, v in match.items())]


def _pm(pair, fmt: str, scale: float = 1.0) -> str:
    if pair is None:
        return "—"
    return f"{format(pair[0] * scale, fmt)} ± {format(pair[1] * scale, fmt.lstrip('+'))}"


def format_cells(cells) -> str:
    """A fixed-width text table of grid cells: perplexities and changes with their 95 % CIs."""
    lines = [f"{'heads':8s} {'opt':4s} {'p':>3s} {'λ':>3s} {'arm':20s} {'A ppl':>13s} "
             f"{'B ppl':>13s} {'Δ A vs alone':>13s} {'Δ B vs alone':>13s} {'harm A':>6s} "
             f"{'harm B':>6s} {'cos':>6s} {'GMS':>5s}"]
    for c in cells:
        def stat(m, f, c=c):
            return "  —*" if c["arm"] == "detach" or c[m] is None else format(c[m][0], f)

        lines.append(f"{c['heads']:8s} {c['optimizer']:4s} {c['p']:>3g} {c['lam']:>3g} "
                     f"{ARM_LABELS[c['arm']]:20s} {_pm(c['a_ppl'], '.2f'):>13s} "
                     f"{_pm(c['b_ppl'], '.2f'):>13s} {_pm(c['rel_a'], '+.0f', 100):>11s} % "
                     f"{_pm(c['rel_b'], '+.0f', 100):>11s} % {stat('harm_a', '6.3f'):>6s} "
                     f"{stat('harm_b', '6.3f'):>6s} {stat('cosine', '+6.2f'):>6s} "
                     f"{stat('magnitude', '5.2f'):>5s}")
    if any(c["arm"] == "detach" for c in cells):
        lines.append("* detach: task B sends no gradient into the shared layer, so cos, GMS and "
                     "harm are 0 by construction, not measured")
    return "\n".join(lines)


def plot_grid_conflict(grid: dict):
    """Harm share of each task and conflict share against p, plain sum, shared head; one
    panel per optimizer, one line per λ (mean over seeds, 95 % CI as error bars)."""
    import matplotlib.pyplot as plt

    optimizers = sorted({c["optimizer"] for c in grid["cells"]}, reverse=True)
    fig, axes = plt.subplots(1, len(optimizers), figsize=(5.2 * len(optimizers), 3.8),
                             sharey=True, squeeze=False)
    for ax, opt in zip(axes[0], optimizers, strict=True):
        for j, lam in enumerate(sorted({c["lam"] for c in grid["cells"]})):
            cells = sorted(grid_cells(grid, arm="sum", heads="shared", optimizer=opt, lam=lam),
                           key=lambda c: c["p"])
            ps = [c["p"] for c in cells]
            for measure, style, label in (("harm_a", "-o", "harm A"), ("harm_b", "--s", "harm B"),
                                          ("conflict", ":^", "cos < 0")):
                ys = [c[measure][0] if c[measure] else float("nan") for c in cells]
                err = [c[measure][1] if c[measure] else 0 for c in cells]
                ax.errorbar(ps, ys, yerr=err, fmt=style, color=f"C{j}", capsize=3,
                            label=f"λ = {lam:g}: {label}")
        ax.set_xlabel("p (share of letters substituted in task B)")
        ax.set_title(f"plain sum, shared head, {opt.upper()}")
        ax.set_ylim(-0.03, 1.03)
    axes[0, 0].set_ylabel("share of training steps")
    axes[0, -1].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig


def plot_grid_effect(grid: dict, p: float = 1.0, heads: str = "shared"):
    """Each arm's change in validation perplexity against the single-task models, per task,
    mean ± 95 % CI over seeds; one panel per (optimizer, λ)."""
    import matplotlib.pyplot as plt

    keys = sorted({(c["optimizer"], c["lam"]) for c in grid["cells"]
                   if c["arm"] not in ("single_a", "single_b")}, key=lambda k: (k[0] != "sgd", k[1]))
    arms = ("sum", "weighted", "pcgrad", "detach")
    fig, axes = plt.subplots(1, len(keys), figsize=(3.4 * len(keys), 3.8), sharey=True,
                             squeeze=False)
    for ax, (opt, lam) in zip(axes[0], keys, strict=True):
        for k, task in enumerate("ab"):
            xs, ys, errs = [], [], []
            for i, arm in enumerate(arms):
                cells = grid_cells(grid, arm=arm, optimizer=opt, lam=lam, p=p,
                                   heads="separate" if arm == "detach" else heads)
                if cells and cells[0][f"rel_{task}"]:
                    xs.append(i + (k - 0.5) * 0.3)
                    ys.append(100 * cells[0][f"rel_{task}"][0])
                    errs.append(100 * cells[0][f"rel_{task}"][1])
            ax.errorbar(xs, ys, yerr=errs, fmt="o", color=f"C{k}", capsize=3,
                        label=f"task {task.upper()}")
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xticks(range(len(arms)), [ARM_LABELS[a].split(" (")[0] for a in arms],
                      rotation=35, ha="right", fontsize=8)
        ax.set_title(f"{opt.upper()}, λ = {lam:g}, p = {p:g}")
    axes[0, 0].set_ylabel("validation perplexity vs single-task (%)")
    axes[0, 0].legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_live(results, smooth: int = 50):
    """Per-step traces of :func:`run_cells` results: the cosine and the harm to task A on the
    shared parameters (running mean of ``smooth`` steps, mean over each cell's seeds)."""
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
    for j, r in enumerate(results):
        label = ARM_LABELS[r["cell"]["arm"]]
        for ax, name in ((ax1, "cosine"), (ax2, "harm_a")):
            trace = torch.tensor([r["history"].step_metrics[f"{name}/{i}"] for i in r["index"]],
                                 dtype=torch.float64).mean(0)
            k = max(1, min(smooth, len(trace)))
            avg = torch.nn.functional.avg_pool1d(trace[None, None], k, stride=1)[0, 0]
            ax.plot(range(k, len(trace) + 1), avg, color=f"C{j}", label=label)
    ax1.axhline(0, color="black", lw=0.8)
    ax1.set_ylabel(f"cos(g_A, g_B), mean of {smooth} steps")
    ax1.set_title("Conflict on the shared parameters")
    ax2.set_ylabel(f"share of steps the sum hurts A ({smooth}-step mean)")
    ax2.set_title("Harm to task A")
    for ax in (ax1, ax2):
        ax.set_xlabel("training step")
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def run_cells(corpus, vocab, cells, seeds=(0, 1, 2, 3, 4), steps: int | None = None,
              progress: bool = False, **settings) -> list[dict]:
    """Train grid ``cells`` (each with its tuned ``lr`` and ``weight``) on every seed.

    Cells that share an optimizer and learning rate train as one stack
    (:func:`~rnnlab.experiments.multitask.train_conflict`). Returns, per cell, the
    cell and ``"runs"``: one :func:`~rnnlab.experiments.multitask.conflict_summary`
    per seed, and ``"history"``/``"index"`` to find its per-step traces.
    ``settings`` (``num_hiddens`` …) default to the grid's.
    """
    from ..experiments.multitask import ConflictRun, conflict_summary, train_conflict

    names = ("num_hiddens", "num_steps", "batch_size", "steps", "max_tokens")
    given = set(settings) | ({"steps"} if steps is not None else set())
    grid_settings = ({} if given >= set(names) else
                     {k: v for k, v in load_grid()["config"].items() if k in names})
    if steps is not None:
        grid_settings["steps"] = steps
    grid_settings.update(settings)
    groups: dict = {}
    for c in cells:
        groups.setdefault((c["optimizer"], c["lr"]), []).append(c)
    out = []
    for (opt, lr), group in groups.items():
        runs = [ConflictRun(c["arm"], p=c["p"], lam=c["lam"], heads=c["heads"],
                            weight=c["weight"], seed=s) for c in group for s in seeds]
        h = train_conflict(corpus, vocab, runs, optimizer=opt, lr=lr,
                           eval_every=grid_settings["steps"], progress=progress, **grid_settings)
        for j, c in enumerate(group):
            index = list(range(j * len(seeds), (j + 1) * len(seeds)))
            out.append({"cell": c, "history": h, "index": index,
                        "runs": [conflict_summary(h, i) for i in index]})
    return out


def summarize_cells(results) -> dict:
    """Per cell label: each measure's mean ± 95 % CI over seeds, and the change of each task's
    perplexity against the single-task cells among ``results`` (paired by seed)."""
    from ..experiments.multitask import mean_ci

    single = {r["cell"]["arm"]: r for r in results if r["cell"]["arm"].startswith("single")}
    out = {}
    for r in results:
        c, runs = r["cell"], r["runs"]
        control = c["heads"] == "separate" and c["arm"] in ("sum", "pcgrad")
        label = ARM_LABELS[c["arm"]] + (" (separate heads)" if control else "")
        entry = {m: mean_ci([x[m] for x in runs])
                 for m in ("a_ppl", "b_ppl", "cosine", "magnitude", "conflict", "harm_a",
                           "harm_b")}
        for task, ref in (("a", "single_a"), ("b", "single_b")):
            if ref in single and c["arm"] != {"a": "single_b", "b": "single_a"}[task]:
                base = single[ref]["runs"]
                entry[f"rel_{task}"] = mean_ci([x[f"{task}_ppl"] / y[f"{task}_ppl"] - 1
                                                for x, y in zip(runs, base, strict=True)])
        entry["by_construction"] = c["arm"] == "detach"
        out[label] = entry
    return out


def format_summary(summary: dict) -> str:
    """:func:`summarize_cells` as a text table."""
    lines = [f"{'arm':32s} {'A ppl':>13s} {'B ppl':>13s} {'Δ A vs alone':>13s} "
             f"{'Δ B vs alone':>13s} {'harm A':>7s} {'harm B':>7s} {'cos':>6s}"]
    for label, e in summary.items():
        def stat(m, f, e=e):
            return "—*" if e["by_construction"] else format(e[m][0], f)

        rel = {t: (_pm(e[f"rel_{t}"], "+.0f", 100) + " %") if f"rel_{t}" in e else "—"
               for t in "ab"}
        lines.append(f"{label:32s} {_pm(e['a_ppl'], '.2f'):>13s} {_pm(e['b_ppl'], '.2f'):>13s} "
                     f"{rel['a']:>13s} {rel['b']:>13s} {stat('harm_a', '.3f'):>7s} "
                     f"{stat('harm_b', '.3f'):>7s} {stat('cosine', '+.2f'):>6s}")
    if any(e["by_construction"] for e in summary.values()):
        lines.append("* detach: cos and harm are 0 by construction (task B sends no gradient "
                     "into the shared layer), not measured")
    return "\n".join(lines)
