"""Notebook 01's checkers accept the right answer and explain typical wrong ones."""

import torch

from rnnlab.course.exercises import nb01
from rnnlab.series import lag_features


def right_answer():
    return lag_features(nb01.EXERCISE_SERIES, nb01.EXERCISE_TAU)


def test_lag_features_accepts_right_answer():
    features, labels = right_answer()
    assert nb01.check_lag_features(features, labels).ok
    assert nb01.check_lag_features(features.tolist(), labels.tolist()).ok


def test_lag_features_rejects_reversed_columns():
    features, labels = right_answer()
    fb = nb01.check_lag_features(features.flip(1), labels)
    assert not fb.ok and "reversed" in fb.message


def test_lag_features_rejects_transposed_and_label_mistakes():
    features, labels = right_answer()
    fb = nb01.check_lag_features(features.T, labels)
    assert not fb.ok and "transposed" in fb.message
    fb = nb01.check_lag_features(features, features[:, -1])
    assert not fb.ok and "after* the window" in fb.message
    fb = nb01.check_lag_features(features, labels + 1)
    assert not fb.ok and "label of row 0" in fb.message
    fb = nb01.check_lag_features(torch.zeros(8, 3), labels)
    assert not fb.ok and "(7, 3)" in fb.message


def test_k_step_value():
    assert nb01.check_k_step_value(2.25).ok
    fb = nb01.check_k_step_value(3.0)
    assert not fb.ok and "1-step-ahead" in fb.message
    fb = nb01.check_k_step_value(1.5)  # 0.5**3 * 4 + 1
    assert not fb.ok and "bias" in fb.message
    assert not nb01.check_k_step_value("2.25").ok


def test_checker_ignores_a_student_mutating_the_exercise_series():
    features, labels = right_answer()
    try:
        nb01.EXERCISE_SERIES -= nb01.EXERCISE_SERIES.mean()  # the student's in-place edit
        wrong_f, wrong_l = lag_features(nb01.EXERCISE_SERIES, nb01.EXERCISE_TAU)
        assert nb01.check_lag_features(features, labels).ok
        assert not nb01.check_lag_features(wrong_f, wrong_l).ok
    finally:
        nb01.EXERCISE_SERIES.copy_(torch.arange(1.0, 11.0))
