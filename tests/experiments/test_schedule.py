import dataclasses

import pytest
import torch

from rnnlab.experiments import COURSE_RECIPE, Recipe, recipe_data, run_recipe
from rnnlab.experiments.recipes import require_schedule
from rnnlab.models import RNNScratch
from rnnlab.training import train

TINY = dataclasses.replace(COURSE_RECIPE, max_tokens=3_000, batch_size=8, num_steps=8,
                           num_hiddens=8, max_val_tokens=500)
STAGES = ((0.01, 2), (0.001, 1))


def test_a_schedule_is_a_field_of_the_recipe():
    recipe = dataclasses.replace(TINY, schedule=STAGES)
    assert recipe.lr == 0.01 and recipe.epochs == 3 and recipe.schedule == STAGES


def test_a_scheduled_run_equals_its_stages_run_by_hand_with_fresh_optimizers():
    history, model, vocab = run_recipe(dataclasses.replace(TINY, schedule=STAGES), device="cpu")
    assert history.epochs == 3 and history.val_epochs == [1, 2, 3]
    assert model.num_hiddens == 8 and len(vocab) == 28
    # the same run, stage by stage: each stage a new Adam (its moment estimates restart)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(TINY.seed)
        train_loader, val_loader, vocab = recipe_data(TINY)
        by_hand = RNNScratch(len(vocab), TINY.num_hiddens)
    ppl = []
    for lr, epochs in STAGES:
        h = train(by_hand, train_loader, val_loader, epochs=epochs, lr=lr, optimizer="adam")
        ppl += h.val_ppl
    assert ppl == pytest.approx(history.val_ppl, rel=1e-6)
    # and a stage boundary matters: one stage at 0.01 throughout differs
    flat, _, _ = run_recipe(dataclasses.replace(TINY, schedule=((0.01, 3),)), device="cpu")
    assert flat.val_ppl[:2] == pytest.approx(history.val_ppl[:2], rel=1e-6)
    assert flat.val_ppl[2] != pytest.approx(history.val_ppl[2], rel=1e-6)


def test_run_recipe_leaves_the_callers_random_stream_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    run_recipe(dataclasses.replace(TINY, epochs=1), device="cpu")
    assert torch.equal(torch.rand(3), expected)


def test_check_schedule_names_the_bad_part():
    assert require_schedule([(0.1, 2)]) == ((0.1, 2),)
    with pytest.raises(ValueError, match="at least one"):
        require_schedule([])
    with pytest.raises(ValueError, match="lr"):
        require_schedule([(-0.1, 2)])
    with pytest.raises(ValueError, match="epochs"):
        require_schedule([(0.1, 0)])
    with pytest.raises(TypeError, match="schedule"):
        require_schedule([0.1, 2])
    with pytest.raises(TypeError, match="schedule"):
        Recipe(**{**TINY.to_dict(), "schedule": [0.1, 2]})
    with pytest.raises(TypeError, match="recipe"):
        run_recipe("course")
