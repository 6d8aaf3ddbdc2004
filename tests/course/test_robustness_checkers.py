"""Issue 12: the checkers' wrong verdicts and crashes named in the issue, one test each."""

import numpy as np
import torch

from rnnlab.course import glossary
from rnnlab.course.exercises import nb00, nb01, nb04, nb05, nb06
from rnnlab.series import lag_features

GRU_RIGHT = 3 * (28 * 256 + 256 * 256 + 2 * 256)  # 219648


def test_gru_params_accepts_the_right_count_as_numpy_or_a_whole_float():
    assert GRU_RIGHT == 219648
    for answer in (GRU_RIGHT, np.int64(GRU_RIGHT), 219648.0, np.float64(219648.0)):
        assert nb06.check_gru_params(28, 256, answer).ok, answer
    assert not nb06.check_gru_params(28, 256, 219648.5).ok


def test_state_shapes_rejects_float_shapes():
    fb = nb06.check_state_shapes("rnn", 1, False, 32, 256, ((1.0, 32.7, 256.2),))
    assert not fb.ok and "whole numbers" in fb.message
    assert nb06.check_state_shapes("rnn", 1, False, 32, 256, ((1, 32, 256),)).ok
    assert nb06.check_state_shapes("rnn", 1, False, 32, 256, (torch.Size([1, 32, 256]),)).ok
    assert nb06.check_state_shapes("rnn", 1, False, 32, 256, ((np.int64(1), 32, 256),)).ok
    one = nb06.check_state_shapes("rnn", 1, False, 32, 256, (1, 32, 256))
    assert not one.ok and "extra parentheses" in one.message


def test_predict_and_train_epoch_checkers_do_not_touch_torch_global_rng():
    from rnnlab.generation import predict

    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    nb04.check_predict(lambda p, n, net, v, d: predict(p, n, net, v))
    nb04.check_train_epoch(lambda *a: None)
    assert torch.equal(torch.rand(3), expected)


def test_train_epoch_wants_one_number_not_an_array():
    from rnnlab.training import train

    def as_array(net, it, lr, random_iter):
        ppl = train(net, it, epochs=1, lr=lr, theta=1.0,
                    state="fresh" if random_iter else "carry").train_ppl[-1]
        return torch.tensor([[ppl]])

    fb = nb04.check_train_epoch(as_array)
    assert not fb.ok and "one number" in fb.message


def test_clip_with_flattened_gradients_gets_feedback():
    def flat(grads, theta):
        g = torch.cat([t.reshape(-1) for t in grads])
        g = g * min(1.0, theta / float(g.norm()))
        return [g[:12], g[12:]]

    fb = nb05.check_clip(flat)
    assert not fb.ok and "own shape" in fb.message


def test_clip_accepts_float64_results():
    def clip64(grads, theta):
        norm = torch.sqrt(sum((g.double() ** 2).sum() for g in grads))
        return [g.double() * min(1.0, theta / float(norm)) for g in grads]

    assert nb05.check_clip(clip64).ok


def test_vanishing_weight_takes_numpy_and_refuses_non_numbers():
    assert nb00.check_vanishing_weight(np.float32(0.5)).ok
    assert nb00.check_vanishing_weight(torch.tensor(0.5)).ok
    for bad in ("0.5", None, [0.5], float("nan")):
        fb = nb00.check_vanishing_weight(bad)
        assert not fb.ok and "number" in fb.message


def test_translation_with_none_gets_feedback():
    term = glossary.TERMS[0]
    for args in ((term.chinese, None), (None, term.english), (term.chinese, 3)):
        fb = nb00.check_translation(*args)
        assert not fb.ok and "two strings" in fb.message


def test_lag_features_names_the_row_that_is_wrong():
    features, labels = lag_features(torch.arange(1.0, 11.0), 3)
    features = features.clone()
    features[4, 1] = 99
    fb = nb01.check_lag_features(features, labels)
    assert not fb.ok and "row 4 should be [5, 6, 7]" in fb.message
    assert "[1, 2, 3], got [1.0, 2.0, 3.0]" not in fb.message
    labels = labels.clone()
    labels[5] = 0
    fb = nb01.check_lag_features(lag_features(torch.arange(1.0, 11.0), 3)[0], labels)
    assert not fb.ok and "row 5" in fb.message


def test_a_checker_bug_becomes_feedback(monkeypatch):
    monkeypatch.setattr(nb06, "as_count", lambda a: 1 / 0)
    fb = nb06.check_gru_params(28, 64, 5)
    assert not fb.ok and "could not be checked" in fb.message
