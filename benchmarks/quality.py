"""Time to quality: the best validation perplexity each recipe reaches in the same training time.

Both recipes train :class:`rnnlab.RNNScratch` and are validated on the same
held-out text, the last 10 % of the book (which neither trains on): the
seed's recipe trains on the first 10,000 characters, the course's on the rest
of the book (see :func:`rnnlab.experiments.recipe_data`).

The budget counts *training* seconds only (tokens / measured tokens per
second, as :func:`rnnlab.train` records them), so the time spent validating
after every epoch — far more of it for the seed's short epochs — does not
count against either recipe. Training stops before an epoch that would not
end within the budget, so every number reported was reached inside it.
"""

from __future__ import annotations

import torch

import rnnlab
from rnnlab.experiments import COURSE_RECIPE, SEED_RECIPE, Recipe


def run_with_budget(recipe: Recipe, budget_s: float) -> dict:
    """Train by ``recipe`` for at most ``budget_s`` training seconds; return what it reached."""
    # run_recipe's steps (the recipe's seed, data and model), with the budget as the epoch hook
    torch.manual_seed(recipe.seed)
    train_loader, val_loader, vocab = rnnlab.experiments.recipe_data(recipe)
    model = rnnlab.RNNScratch(len(vocab), recipe.num_hiddens, device="cpu")
    tokens_per_epoch = train_loader.num_tokens_per_epoch  # the same every epoch
    curve = []  # (training seconds so far, validation perplexity) after each epoch

    def stop_when_spent(epoch, history, model):
        spent = sum(tokens_per_epoch / rate for rate in history.tokens_per_s)
        curve.append((spent, history.val_ppl[-1]))
        # Go on only if one more epoch like the last one still ends within the budget.
        return spent + tokens_per_epoch / history.tokens_per_s[-1] <= budget_s

    history = rnnlab.train(model, train_loader, val_loader, epochs=10**6, lr=recipe.lr,
                           optimizer=recipe.optimizer, theta=recipe.theta, device="cpu",
                           progress=False, on_epoch=stop_when_spent)
    inside = [i for i, (spent, _) in enumerate(curve) if spent <= budget_s]
    # If even the first epoch overran the budget, report it, flagged.
    best_epoch = min(inside or [0], key=lambda i: curve[i][1])
    last = (inside or [0])[-1]
    return {"recipe": recipe, "epochs": last + 1, "train_seconds": curve[last][0],
            "best_val_ppl": curve[best_epoch][1], "best_at_seconds": curve[best_epoch][0],
            "best_epoch": best_epoch + 1, "final_train_ppl": history.train_ppl[last],
            "over_budget": not inside, "curve": curve}


def measure(budget_s: float = 60.0, recipes=None) -> dict:
    """``{label: run_with_budget(...)}`` for the seed's and the course's recipes."""
    recipes = recipes or {"seed recipe": SEED_RECIPE, "course recipe": COURSE_RECIPE}
    return {label: run_with_budget(recipe, budget_s) for label, recipe in recipes.items()}


def describe(recipe: Recipe) -> str:
    data = "first 10,000 chars" if recipe.max_tokens == 10_000 else (
        "90 % of the book" if recipe.max_tokens == -1 else f"first {recipe.max_tokens:,} chars")
    return (f"{data}, hidden {recipe.num_hiddens}, batch {recipe.batch_size}×{recipe.num_steps}, "
            f"{recipe.optimizer} lr {recipe.lr:g}, θ={recipe.theta:g}")


def table(result: dict, budget_s: float) -> str:
    lines = [f"| recipe | settings | epochs in {budget_s:g} s | best validation perplexity "
             f"| reached at | final training perplexity |",
             "|---|---|---:|---:|---:|---:|"]
    for label, r in result.items():
        over = " (over budget: one epoch takes longer)" if r["over_budget"] else ""
        lines.append(f"| {label} | {describe(r['recipe'])} | {r['epochs']}{over} | "
                     f"{r['best_val_ppl']:.2f} | {r['best_at_seconds']:.1f} s "
                     f"(epoch {r['best_epoch']}) | {r['final_train_ppl']:.2f} |")
    return "\n".join(lines)


def goals(result: dict) -> list[tuple[str, float, float, str]]:
    """``(goal, measured, target, direction)``: course best ≤ 6.0 and ≥ 1.5× lower than seed's."""
    course = result.get("course recipe", {}).get("best_val_ppl")
    seed = result.get("seed recipe", {}).get("best_val_ppl")
    out = []
    if course is not None:
        out.append(("course recipe: best validation perplexity", course, 6.0, "<="))
        if seed is not None:
            out.append(("seed best / course best", seed / course, 1.5, ">="))
    return out
