"""Learning-rate decay in stages: train, then keep training the same model with smaller steps.

A large learning rate makes fast early progress but keeps bouncing around a
minimum; continuing with a smaller one settles the model into it. Each stage is
one call of :func:`rnnlab.training.train` (a fresh optimizer, so Adam's moment
estimates restart), and the stages' histories are joined into one.
"""

from __future__ import annotations

import torch

from .checks import check_int, check_positive_float
from .device import resolve_device
from .models import RNNScratch
from .training import COURSE_RECIPE, History, Recipe, recipe_data, train

#: (learning rate, epochs) stages behind lesson 04's "course recipe" run. Measured on the
#: shared 2-core CPU (one torch thread, Adam, COURSE_RECIPE's data and model): validation
#: perplexity 5.01 after the first stage, 4.48 after the second, 4.32 after the third.
COURSE_SCHEDULE = ((0.01, 10), (0.003, 4), (0.001, 4))


def check_schedule(schedule) -> tuple:
    """A non-empty sequence of ``(lr, epochs)`` pairs."""
    try:
        stages = tuple((lr, epochs) for lr, epochs in schedule)
    except (TypeError, ValueError):
        raise TypeError(f"schedule must be a sequence of (lr, epochs) pairs, got {schedule!r}") \
            from None
    if not stages:
        raise ValueError(f"schedule must hold at least one (lr, epochs) stage, got {schedule!r}")
    return tuple((check_positive_float("lr", lr), check_int("epochs", epochs, minimum=1))
                 for lr, epochs in stages)


def join_histories(histories) -> History:
    """One :class:`History` holding the epochs (and steps) of several, in order."""
    histories = list(histories)
    if not histories:
        raise ValueError("join_histories needs at least one History")
    joined, offset = History(theta=histories[0].theta), 0
    for h in histories:
        for name in ("train_ppl", "val_ppl", "grad_norm", "step_grad_norms", "tokens_per_s",
                     "seconds"):
            getattr(joined, name).extend(getattr(h, name))
        # each stage counts its epochs from 1; the joined run keeps counting
        joined.val_epochs.extend(offset + e for e in h.val_epochs)
        offset += h.epochs
    return joined


def run_schedule(recipe: Recipe = COURSE_RECIPE, schedule=COURSE_SCHEDULE, device=None,
                 progress=None):
    """Train a fresh :class:`RNNScratch` on ``recipe``'s data stage by stage.

    ``recipe.lr`` and ``recipe.epochs`` are replaced by the ``schedule``;
    everything else (data, model size, optimizer, θ, seed) comes from the
    recipe. Returns ``(history, model, vocab)``.
    """
    if not isinstance(recipe, Recipe):
        raise TypeError(f"recipe must be a Recipe, got {type(recipe).__name__}")
    stages = check_schedule(schedule)
    device = resolve_device(device)
    torch.manual_seed(recipe.seed)
    train_loader, val_loader, vocab = recipe_data(recipe)
    model = RNNScratch(len(vocab), recipe.num_hiddens, device=device)
    histories = [train(model, train_loader, val_loader, epochs=epochs, lr=lr,
                       optimizer=recipe.optimizer, theta=recipe.theta, device=device,
                       progress=progress)
                 for lr, epochs in stages]
    return join_histories(histories), model, vocab
