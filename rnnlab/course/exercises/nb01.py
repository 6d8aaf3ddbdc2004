"""Checkers for notebook 01 (sequence models)."""

from __future__ import annotations

import math
import numbers

import torch

from ...series import lag_features
from .feedback import Feedback, correct, wrong

# Exercise 1 works on this tiny series so every number can be checked by eye.
EXERCISE_SERIES = torch.arange(1.0, 11.0)  # 1, 2, …, 10
EXERCISE_TAU = 3


def check_lag_features(features, labels) -> Feedback:
    """Exercise 1: the lagged features and labels of ``EXERCISE_SERIES`` for tau = 3."""
    want_f, want_l = lag_features(EXERCISE_SERIES, EXERCISE_TAU)
    if features is None or labels is None:
        return wrong("replace the None placeholders with your features and labels")
    try:
        features = torch.as_tensor(features, dtype=torch.float64)
        labels = torch.as_tensor(labels, dtype=torch.float64)
    except (TypeError, ValueError) as exc:
        return wrong(f"features and labels must be tensors or nested lists of numbers ({exc})")
    if features.shape != want_f.shape:
        if features.shape == want_f.T.shape:
            return wrong(f"features has shape {tuple(features.shape)}: it is transposed. "
                         f"One row per prediction: shape (T - tau, tau) = {tuple(want_f.shape)}.")
        return wrong(f"features should have shape (T - tau, tau) = {tuple(want_f.shape)}, "
                     f"got {tuple(features.shape)}")
    if labels.shape != want_l.shape:
        return wrong(f"labels should have shape (T - tau,) = {tuple(want_l.shape)}, "
                     f"got {tuple(labels.shape)}")
    if torch.equal(features, want_f.flip(1)):
        return wrong("the columns are reversed. Keep time order: column 0 is the oldest value "
                     "x_{t-3}, the last column is x_{t-1} (that is what fit_autoregressive "
                     "expects).")
    if not torch.equal(features, want_f):
        return wrong(f"the first row should be {want_f[0].tolist()} (x_1, x_2, x_3), "
                     f"got {features[0].tolist()}")
    if torch.equal(labels, want_f[:, -1]):
        return wrong("the labels repeat the last feature column: the label is the value "
                     "*after* the window, x_t, not x_{t-1}.")
    if not torch.equal(labels, want_l):
        return wrong(f"the label of row 0 is the value after [1, 2, 3], i.e. {want_l[0]:g}; "
                     f"got {labels[0]:g}")
    return correct("each row is a window of tau = 3 values and its label is the value that "
                   "follows; 10 values give 7 training examples.")


# Exercise 2: x̂_t = 0.5 x_{t-1} + 1, last observed value 4.
K_STEP_WEIGHT, K_STEP_BIAS, K_STEP_START, K_STEP_K = 0.5, 1.0, 4.0, 3


def check_k_step_value(answer) -> Feedback:
    """Exercise 2: the 3-step-ahead prediction of x̂_t = 0.5 x_{t-1} + 1 from x_t = 4."""
    if not isinstance(answer, numbers.Real) or isinstance(answer, bool):
        return wrong(f"give one number, got {answer!r}")
    values, x = [], K_STEP_START
    for _ in range(K_STEP_K):
        x = K_STEP_WEIGHT * x + K_STEP_BIAS
        values.append(x)
    if math.isclose(answer, values[-1], abs_tol=1e-9):
        return correct(f"4 → {values[0]:g} → {values[1]:g} → {values[2]:g}. Each step feeds "
                       "the previous *prediction* back in; the predictions drift towards the "
                       "fixed point 2 whatever the data do — that is why k-step predictions "
                       "flatten out.")
    if math.isclose(answer, values[0]):
        return wrong(f"{values[0]:g} is the 1-step-ahead prediction; apply the model twice more, "
                     "each time to your previous prediction.")
    if math.isclose(answer, values[1]):
        return wrong(f"{values[1]:g} is 2 steps ahead; one more step.")
    if math.isclose(answer, 0.5**3 * 4 + 1):
        return wrong("you multiplied the weight three times but added the bias only once: "
                     "the bias is added at every step.")
    return wrong(f"{answer:g} is not it. Apply x̂ = 0.5 x + 1 three times, starting from 4.")
