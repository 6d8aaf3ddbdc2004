"""Checkers for notebook 01 (sequence models)."""

from __future__ import annotations

import math

import torch

from ...i18n import tr
from ...series import lag_features
from .feedback import Feedback, correct, finite_number, never_crashes, wrong

# Exercise 1 works on this tiny series so every number can be checked by eye. The checker keeps
# its own immutable copy: a student's in-place edit of EXERCISE_SERIES cannot change what is right.
_SERIES = tuple(float(v) for v in range(1, 11))  # 1, 2, …, 10
EXERCISE_SERIES = torch.tensor(_SERIES)
EXERCISE_TAU = 3


@never_crashes
def check_lag_features(features, labels) -> Feedback:
    """Exercise 1: the lagged features and labels of ``EXERCISE_SERIES`` for tau = 3."""
    want_f, want_l = lag_features(torch.tensor(_SERIES), EXERCISE_TAU)
    if features is None or labels is None:
        return wrong(tr("nb01.check_lag_features.placeholders_left"))
    try:
        features, labels = torch.as_tensor(features).detach(), torch.as_tensor(labels).detach()
        if features.is_complex() or labels.is_complex():
            raise TypeError("complex numbers")
        features, labels = features.to(torch.float64), labels.to(torch.float64)
    except Exception as exc:  # strings, ragged lists, objects: all the same mistake
        return wrong(tr("nb01.check_lag_features.not_numbers", type_name=type(exc).__name__, exc=exc))
    if features.shape != want_f.shape:
        if features.shape == want_f.T.shape:
            return wrong(tr("nb01.check_lag_features.features_transposed", tuple_shape=tuple(features.shape),
                            tuple_shape2=tuple(want_f.shape)))
        return wrong(tr("nb01.check_lag_features.features_wrong_shape", tuple_shape=tuple(want_f.shape),
                        tuple_shape2=tuple(features.shape)))
    if labels.shape != want_l.shape:
        return wrong(tr("nb01.check_lag_features.labels_wrong_shape", tuple_shape=tuple(want_l.shape),
                        tuple_shape2=tuple(labels.shape)))
    if torch.equal(features, want_f.flip(1)):
        return wrong(tr("nb01.check_lag_features.columns_reversed"))
    if not torch.equal(features, want_f):
        row = next(i for i in range(len(want_f)) if not torch.equal(features[i], want_f[i]))
        first = [int(v) for v in want_f[row, :].tolist()]
        return wrong(tr("nb01.check_lag_features.wrong_feature_row", row=row, first=first, i1=row + 1,
                        i2=row + 2, i3=row + 3, got=features[row].tolist()))
    if torch.equal(labels, want_f[:, -1]):
        return wrong(tr("nb01.check_lag_features.labels_repeat_last_feature"))
    if not torch.equal(labels, want_l):
        row = next(i for i in range(len(want_l)) if not torch.equal(labels[i], want_l[i]))
        window = [int(v) for v in want_f[row].tolist()]
        return wrong(tr("nb01.check_lag_features.wrong_label_value", row=row, window=window,
                        float=float(want_l[row]),
                        float2=float(labels[row])))
    return correct(tr("nb01.check_lag_features.correct"))


# Exercise 2: x̂_t = 0.5 x_{t-1} + 1, last observed value 4.
K_STEP_WEIGHT, K_STEP_BIAS, K_STEP_START, K_STEP_K = 0.5, 1.0, 4.0, 3


@never_crashes
def check_k_step_value(answer) -> Feedback:
    """Exercise 2: the 3-step-ahead prediction of x̂_t = 0.5 x_{t-1} + 1 from x_t = 4."""
    answer, problem = finite_number(answer, "one")
    if problem is not None:
        return problem
    values, x = [], K_STEP_START
    for _ in range(K_STEP_K):
        x = K_STEP_WEIGHT * x + K_STEP_BIAS
        values.append(x)
    if math.isclose(answer, values[-1], abs_tol=1e-9):
        return correct(tr("nb01.check_k_step_value.correct", v1=values[0], v2=values[1],
                          v3=values[2]))
    if math.isclose(answer, values[0]):
        return wrong(tr("nb01.check_k_step_value.gave_one_step_ahead", v1=values[0]))
    if math.isclose(answer, values[1]):
        return wrong(tr("nb01.check_k_step_value.gave_two_steps_ahead", v2=values[1]))
    if math.isclose(answer, 0.5**3 * 4 + 1):
        return wrong(tr("nb01.check_k_step_value.bias_added_once"))
    return wrong(tr("nb01.check_k_step_value.wrong", answer=answer))
