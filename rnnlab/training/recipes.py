"""Recipes: everything needed to repeat a training run of the course, and the runs built from them."""

from __future__ import annotations

import dataclasses

import torch

from ..checks import check_choice, check_int, check_positive_float
from ..device import resolve_device
from ..gradients.clipping import check_theta
from ..models import RNNScratch
from ..text.minibatches import load_data_time_machine_split
from .history import join_histories
from .loop import OPTIMIZERS, train


# --------------------------------------------------------------------------- recipes
@dataclasses.dataclass(frozen=True)
class Recipe:
    """Everything needed to repeat a run of :class:`RNNScratch` on *The Time Machine*.

    ``max_tokens`` limits the *training* text to the first characters of the
    book (-1: all of the training part); validation is always the last
    ``val_fraction`` of the book, so runs with different recipes are compared
    on the same held-out text (``max_val_tokens`` > 0 keeps only its start,
    for quick runs).
    """

    max_tokens: int
    batch_size: int
    num_steps: int
    num_hiddens: int
    optimizer: str
    lr: float
    theta: float | None
    epochs: int
    use_random_iter: bool = False
    val_fraction: float = 0.1
    max_val_tokens: int = -1
    seed: int = 0

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


#: The notes' recipe: first 10,000 characters, sequential batches, SGD with lr 1, θ = 1, 500 epochs.
SEED_RECIPE = Recipe(max_tokens=10_000, batch_size=32, num_steps=35, num_hiddens=512,
                     optimizer="sgd", lr=1.0, theta=1.0, epochs=500)


#: Found by measuring (2-core CPU shared with other jobs, one torch thread): validation perplexity
#: 5.89 after epoch 4 and 5.18 after epoch 8, all 8 epochs in 21-39 s depending on the load.
#: Random sampling beat sequential partitioning here (5.57 after 10 epochs); Adam with lr 0.02
#: stalled near 8.7; hidden 512 was too slow to pass 7 within a minute.
COURSE_RECIPE = Recipe(max_tokens=-1, batch_size=64, num_steps=32, num_hiddens=256,
                       optimizer="adam", lr=0.01, theta=1.0, epochs=8, use_random_iter=True)


def recipe_data(recipe: Recipe):
    """``(train_loader, val_loader, vocab)`` for a recipe."""
    train_loader, val_loader, vocab = load_data_time_machine_split(
        recipe.batch_size, recipe.num_steps, recipe.use_random_iter, max_tokens=-1,
        val_fraction=recipe.val_fraction, seed=recipe.seed)
    if recipe.max_tokens > 0:
        train_loader = type(train_loader)(
            train_loader.corpus[:recipe.max_tokens], recipe.batch_size, recipe.num_steps,
            recipe.use_random_iter, seed=recipe.seed)
    if recipe.max_val_tokens > 0:
        val = val_loader.corpus[:recipe.max_val_tokens]
        val_batch = max(1, min(recipe.batch_size, len(val) // (2 * recipe.num_steps)))
        val_loader = type(val_loader)(val, val_batch, recipe.num_steps, use_random_iter=False,
                                      seed=0, random_offset=False)
    return train_loader, val_loader, vocab


def run_recipe(recipe: Recipe, device=None, progress=None, live_plot: bool = False,
               callback=None, validate: bool = True, val_every: int = 1):
    """Train a fresh :class:`RNNScratch` by ``recipe``; return ``(history, model, vocab)``."""
    if not isinstance(recipe, Recipe):
        raise TypeError(f"recipe must be a Recipe, got {type(recipe).__name__}")
    device = resolve_device(device)
    torch.manual_seed(recipe.seed)
    train_loader, val_loader, vocab = recipe_data(recipe)
    model = RNNScratch(len(vocab), recipe.num_hiddens, device=device)
    history = train(model, train_loader, val_loader if validate else None, epochs=recipe.epochs,
                    lr=recipe.lr, optimizer=recipe.optimizer, theta=recipe.theta, device=device,
                    progress=progress, live_plot=live_plot, callback=callback,
                    val_every=val_every)
    return history, model, vocab


def quick_train(hidden: int = 64, num_steps: int = 16, theta=1.0, lr: float = 0.01,
                epochs: int = 5, max_tokens: int = 10_000, batch_size: int = 32,
                optimizer: str = "adam", max_val_tokens: int = 4_000, seed: int = 0,
                device=None, progress=True, live_plot: bool = False):
    """A few-second run for the notebooks' live panels; returns ``(history, model, vocab)``.

    Trains :class:`RNNScratch` on the first ``max_tokens`` characters of the
    book and validates on the first ``max_val_tokens`` of the held-out end of
    the book. ``progress=None`` shows a bar only when the run looks long.
    """
    recipe = Recipe(max_tokens=check_int("max_tokens", max_tokens, minimum=1),
                    batch_size=check_int("batch_size", batch_size, minimum=1),
                    num_steps=check_int("num_steps", num_steps, minimum=1),
                    num_hiddens=check_int("hidden", hidden, minimum=1),
                    optimizer=check_choice("optimizer", optimizer, OPTIMIZERS),
                    lr=check_positive_float("lr", lr), theta=check_theta(theta),
                    epochs=check_int("epochs", epochs, minimum=1),
                    max_val_tokens=check_int("max_val_tokens", max_val_tokens, minimum=-1),
                    seed=seed)
    return run_recipe(recipe, device=device, progress=progress, live_plot=live_plot)


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
