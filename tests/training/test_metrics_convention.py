"""One validation and metrics convention: losses in nats, perplexity only where it means something."""

import math

import pytest
import torch

from rnnlab.models import RNNScratch
from rnnlab.training import History, cross_entropy, stream_loss, stream_perplexity, train
from rnnlab.training.loop import require_targets

V = 5


def _data(n=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [(torch.randint(0, V, (2, 4), generator=g), torch.randint(0, V, (2, 4), generator=g))
            for _ in range(n)]


def _model():
    return RNNScratch(V, 4, generator=torch.Generator().manual_seed(0))


def test_a_stream_validation_hook_records_exactly_what_stream_perplexity_measures():
    tokens = torch.randint(0, V, (40,), generator=torch.Generator().manual_seed(1))
    model = _model()
    history = train(model, _data(), lambda m: stream_loss(m, tokens, 10), epochs=2, lr=0.5,
                    state="fresh")
    assert history.val_loss[-1] == stream_loss(model, tokens, 10)
    assert history.val_ppl[-1] == stream_perplexity(model, tokens, 10)
    assert history.val_ppl[-1] == pytest.approx(math.exp(history.val_loss[-1]))


def test_losses_are_nats_and_perplexity_their_exp_on_one_epoch_axis():
    history = train(_model(), _data(3), _data(1, seed=2), epochs=3, lr=0.5, state="fresh",
                    val_every=2)
    assert history.val_epochs == [2, 3] and len(history.val_loss) == len(history.val_ppl) == 2
    assert history.train_ppl == pytest.approx([math.exp(x) for x in history.train_loss])
    assert history.epoch_steps == [3, 6, 9] and len(history.step_grad_norms) == 9


def test_a_tuple_loss_names_tasks_task0_task1():
    data = [(X, (Y, Y)) for X, Y in _data()]

    class Two(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.m = _model()

        def begin_state(self, b, device=None):
            return self.m.begin_state(b, device)

        def forward(self, X, s):
            out, s = self.m(X, s)
            return (out, out), s

    seen = []
    history = train(Two(), data, data, epochs=1, lr=0.1, state="fresh", perplexity=True,
                    loss=cross_entropy, on_batch=lambda step: seen.append(step.task_names))
    assert seen[0] == ("task0", "task1") and "task1_ppl" in history.val_metrics
    assert history.train_ppl == []


def test_an_old_history_gets_its_losses_from_its_perplexities():
    h = History.from_dict({"train_ppl": [math.e, 1.0], "val_ppl": [math.e ** 2],
                           "val_epochs": [2]})
    assert h.train_loss == pytest.approx([1.0, 0.0]) and h.val_loss == pytest.approx([2.0])
    with pytest.raises(ValueError, match="pair up"):
        History(val_loss=[1.0, 2.0], val_epochs=[1])


def test_close_incomplete_goes_back_to_the_last_complete_epoch():
    h = History(train_loss=[1.0], train_ppl=[math.e], epoch_steps=[2], step_grad_norms=[1, 2],
                grad_norm=[1.5], tokens_per_s=[1.0], seconds=[1.0])
    h.train_loss.append(0.5)
    h.step_grad_norms.append(3)
    h.step_metrics["x"] = [1.0]
    h.close_incomplete()
    assert h.train_loss == [1.0] and h.step_grad_norms == [1, 2] and "x" not in h.step_metrics
    assert h.interrupted


def test_check_targets_names_the_bad_index_and_refuses_floats():
    with pytest.raises(IndexError, match="token index 9"):
        require_targets(torch.tensor([0, 9]), 5)
    with pytest.raises(TypeError, match="integer"):
        require_targets(torch.tensor([0.0, 1.0]), 5)
    require_targets(torch.tensor([0, 4], dtype=torch.int32), 5)
