"""Recipes: everything needed to repeat a training run of the course, and the runs built from them."""

from __future__ import annotations

import dataclasses

import torch

from ..checks import require_choice, require_int, require_positive_float
from ..device import resolve_device
from ..gradients.clipping import require_theta
from ..models import RNNScratch
from ..text.minibatches import load_data_time_machine_split
from ..training.loop import OPTIMIZERS, train


# --------------------------------------------------------------------------- recipes
@dataclasses.dataclass(frozen=True)
class Recipe:
    """Lesson 04. Everything needed to repeat a run of :class:`RNNScratch` on *The Time Machine*.

    ``max_tokens`` limits the *training* text to the first characters of the
    book (-1: all of the training part); validation is always the last
    ``val_fraction`` of the book, so runs with different recipes are compared
    on the same held-out text (``max_val_tokens`` > 0 keeps only its start,
    for quick runs). ``schedule``, when given, is a learning-rate schedule in
    stages, ``((lr, epochs), …)``: it replaces ``lr`` and ``epochs``, and each
    stage starts the optimizer afresh (Adam's moment estimates restart).
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
    schedule: tuple | None = None

    def __post_init__(self):
        if self.schedule is not None:
            stages = require_schedule(self.schedule)
            object.__setattr__(self, "schedule", stages)
            object.__setattr__(self, "lr", stages[0][0])
            object.__setattr__(self, "epochs", sum(epochs for _, epochs in stages))

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def require_schedule(schedule) -> tuple:
    """Lesson 04. A non-empty sequence of ``(lr, epochs)`` pairs."""
    try:
        stages = tuple((lr, epochs) for lr, epochs in schedule)
    except (TypeError, ValueError):
        raise TypeError(f"schedule must be a sequence of (lr, epochs) pairs, got {schedule!r}") \
            from None
    if not stages:
        raise ValueError(f"schedule must hold at least one (lr, epochs) stage, got {schedule!r}")
    return tuple((require_positive_float("lr", lr), require_int("epochs", epochs, minimum=1))
                 for lr, epochs in stages)


#: The recipe of the d2l textbook's chapter on RNNs from scratch, which the notes' code comes from
#: (the notes themselves give no epoch count or learning rate): the first 10,000 characters,
#: sequential partitioning, SGD with lr 1, θ = 1, 500 epochs.
SEED_RECIPE = Recipe(max_tokens=10_000, batch_size=32, num_steps=35, num_hiddens=512,
                     optimizer="sgd", lr=1.0, theta=1.0, epochs=500)

#: (learning rate, epochs) stages behind lesson 04's "course recipe" run. Measured on the
#: shared 2-core CPU (one torch thread, Adam, COURSE_RECIPE's data and model): validation
#: perplexity 5.01 after the first stage, 4.48 after the second, 4.32 after the third.
COURSE_SCHEDULE = ((0.01, 10), (0.003, 4), (0.001, 4))

#: Found by measuring (2-core CPU shared with other jobs, one torch thread): validation perplexity
#: 5.89 after epoch 4 and 5.18 after epoch 8 at lr 0.01. Random sampling beat sequential
#: partitioning here (5.57 after 10 epochs); Adam with lr 0.02 stalled near 8.7; hidden 512 was
#: too slow to pass 7 within a minute. Lesson 04 runs it with ``schedule=COURSE_SCHEDULE``.
COURSE_RECIPE = Recipe(max_tokens=-1, batch_size=64, num_steps=32, num_hiddens=256,
                       optimizer="adam", lr=0.01, theta=1.0, epochs=8, use_random_iter=True)


def recipe_data(recipe: Recipe):
    """Lesson 04. ``(train_loader, val_loader, vocab)`` for a recipe."""
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


def staged_optimizer(recipe: Recipe, model):
    """Lesson 04. The recipe's optimizer, and an epoch hook that moves it through the schedule's stages."""
    if recipe.schedule is None:
        return recipe.optimizer, None
    params = [p for p in model.parameters() if p.requires_grad]
    kind = torch.optim.Adam if recipe.optimizer == "adam" else torch.optim.SGD
    opt = kind(params, lr=recipe.lr)
    boundaries, done = {}, 0
    for (_, epochs), (next_lr, _) in zip(recipe.schedule, recipe.schedule[1:]):
        done += epochs
        boundaries[done] = next_lr

    def next_stage(epoch, history, model):
        if epoch in boundaries:
            opt.state.clear()  # a fresh optimizer for each stage
            for group in opt.param_groups:
                group["lr"] = boundaries[epoch]

    return opt, next_stage


def _chain(first, second):
    if first is None or second is None:
        return first or second

    def both(epoch, history, model):
        first(epoch, history, model)
        return second(epoch, history, model)

    return both


def run_recipe(recipe: Recipe, device=None, progress: bool = False, live_plot: bool = False,
               on_epoch=None, validate: bool = True, val_every: int = 1):
    """Lesson 04. Train a fresh :class:`RNNScratch` by ``recipe``; return ``(history, model, vocab)``.

    The model's weights are drawn from ``recipe.seed``; the caller's random
    stream is left as it was.
    """
    if not isinstance(recipe, Recipe):
        raise TypeError(f"recipe must be a Recipe, got {type(recipe).__name__}")
    device = resolve_device(device)
    with torch.random.fork_rng(devices=[]):  # seed locally: the caller's stream is untouched
        torch.manual_seed(recipe.seed)
        train_loader, val_loader, vocab = recipe_data(recipe)
        model = RNNScratch(len(vocab), recipe.num_hiddens, device=device)
    optimizer, next_stage = staged_optimizer(recipe, model)
    history = train(model, train_loader, val_loader if validate else None, epochs=recipe.epochs,
                    lr=recipe.lr, optimizer=optimizer, theta=recipe.theta, device=device,
                    progress=progress, live_plot=live_plot, on_epoch=_chain(next_stage, on_epoch),
                    val_every=val_every, info={"recipe": recipe.to_dict()})
    return history, model, vocab


def quick_train(num_hiddens: int = 64, num_steps: int = 16, theta=1.0, lr: float = 0.01,
                epochs: int = 5, max_tokens: int = 10_000, batch_size: int = 32,
                optimizer: str = "adam", max_val_tokens: int = 4_000, seed: int = 0,
                use_random_iter: bool = False, device=None, progress: bool = False,
                live_plot: bool = False):
    """Lesson 04. A few-second run for the notebooks' live panels; returns ``(history, model, vocab)``.

    Trains :class:`RNNScratch` on the first ``max_tokens`` characters of the
    book and validates on the first ``max_val_tokens`` of the held-out end of
    the book.
    """
    if not isinstance(use_random_iter, bool):
        raise TypeError(f"use_random_iter must be True or False, got {use_random_iter!r}")
    recipe = Recipe(max_tokens=require_int("max_tokens", max_tokens, minimum=1),
                    batch_size=require_int("batch_size", batch_size, minimum=1),
                    num_steps=require_int("num_steps", num_steps, minimum=1),
                    num_hiddens=require_int("num_hiddens", num_hiddens, minimum=1),
                    optimizer=require_choice("optimizer", optimizer, OPTIMIZERS),
                    lr=require_positive_float("lr", lr), theta=require_theta(theta),
                    epochs=require_int("epochs", epochs, minimum=1),
                    max_val_tokens=require_int("max_val_tokens", max_val_tokens, minimum=-1),
                    seed=require_int("seed", seed, minimum=0), use_random_iter=use_random_iter)
    return run_recipe(recipe, device=device, progress=progress, live_plot=live_plot)
