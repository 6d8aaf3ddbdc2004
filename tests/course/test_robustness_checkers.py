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


def _right_step(x, H, params):
    W_xh, W_hh, b_h, W_hq, b_q = params
    H = torch.tanh(x @ W_xh + H @ W_hh + b_h)
    return H @ W_hq + b_q, H


def test_rnn_step_that_zeroes_the_weights_in_place_is_not_correct():
    def cheat(x, H, params):
        W_xh, W_hh, b_h, W_hq, b_q = params
        W_xh.zero_(), W_hh.zero_(), W_hq.zero_()
        H_new = torch.tanh(b_h.expand(H.shape[0], -1))
        return H_new @ W_hq + b_q, H_new

    fb = nb04.check_rnn_step(cheat)
    assert not fb.ok and "in place" in fb.message and "W_xh" in fb.message


def test_rnn_step_that_updates_H_in_place_is_correct():
    def in_place(x, H, params):
        W_xh, W_hh, b_h, W_hq, b_q = params
        H.copy_(torch.tanh(x @ W_xh + H @ W_hh + b_h))
        return H @ W_hq + b_q, H

    fb = nb04.check_rnn_step(in_place)
    assert fb.ok, fb
    assert "overwrote" in fb.message


def test_rnn_step_float64_and_numpy_results_are_judged_not_crashed():
    def float64(x, H, params):
        return _right_step(x.double(), H.double(), [p.double() for p in params])

    assert nb04.check_rnn_step(float64).ok
    assert nb04.check_rnn_step(lambda x, H, p: tuple(t.numpy() for t in _right_step(x, H, p))).ok
    for bad in (lambda x, H, p: (None, None), lambda x, H, p: (H, H.T), lambda x, H, p: (H,)):
        fb = nb04.check_rnn_step(bad)
        assert not fb.ok and fb.message


def test_rnn_step_does_not_touch_torch_global_rng():
    torch.manual_seed(123)
    expected = torch.rand(1)
    torch.manual_seed(123)
    nb04.check_rnn_step(_right_step)
    assert torch.equal(torch.rand(1), expected)


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
