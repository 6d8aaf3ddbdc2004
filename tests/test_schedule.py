import dataclasses

import pytest

from rnnlab.training import COURSE_RECIPE, History
from rnnlab.training.history import join_histories
from rnnlab.training.recipes import check_schedule, run_schedule

TINY = dataclasses.replace(COURSE_RECIPE, max_tokens=3_000, batch_size=8, num_steps=8,
                           num_hiddens=8, max_val_tokens=500)


def test_run_schedule_trains_every_stage_on_one_model():
    history, model, vocab = run_schedule(TINY, ((0.01, 2), (0.001, 1)), device="cpu",
                                         progress=False)
    assert history.epochs == 3 and history.val_epochs == [1, 2, 3]
    assert model.num_hiddens == 8 and len(vocab) == 28
    again, _, _ = run_schedule(TINY, ((0.01, 2), (0.001, 1)), device="cpu", progress=False)
    assert again.val_ppl == history.val_ppl  # seeded


def test_join_histories_keeps_order():
    a = History(train_ppl=[3.0], val_ppl=[4.0], step_grad_norms=[1.0, 2.0], theta=1.0)
    b = History(train_ppl=[2.0], val_ppl=[3.5], step_grad_norms=[0.5], theta=1.0)
    j = join_histories([a, b])
    assert j.train_ppl == [3.0, 2.0] and j.step_grad_norms == [1.0, 2.0, 0.5] and j.theta == 1.0
    assert j.val_epochs == [1, 2] and j.val_ppl == [4.0, 3.5]
    with pytest.raises(ValueError, match="at least one"):
        join_histories([])


def test_check_schedule_names_the_bad_part():
    assert check_schedule([(0.1, 2)]) == ((0.1, 2),)
    with pytest.raises(ValueError, match="at least one"):
        check_schedule([])
    with pytest.raises(ValueError, match="lr"):
        check_schedule([(-0.1, 2)])
    with pytest.raises(ValueError, match="epochs"):
        check_schedule([(0.1, 0)])
    with pytest.raises(TypeError, match="schedule"):
        check_schedule([0.1, 2])
    with pytest.raises(TypeError, match="recipe"):
        run_schedule("course", [(0.1, 1)])
