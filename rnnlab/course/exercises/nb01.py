"""Checkers for notebook 01 (sequence models)."""

from __future__ import annotations

import math

import torch

from ...series import lag_features
from .feedback import Feedback, correct, finite_number, never_crashes, wrong

# Exercise 1 works on this tiny series so every number can be checked by eye.
EXERCISE_SERIES = torch.arange(1.0, 11.0)  # 1, 2, …, 10
EXERCISE_TAU = 3


@never_crashes
def check_lag_features(features, labels) -> Feedback:
    """Exercise 1: the lagged features and labels of ``EXERCISE_SERIES`` for tau = 3."""
    want_f, want_l = lag_features(EXERCISE_SERIES, EXERCISE_TAU)
    if features is None or labels is None:
        return wrong("replace the None placeholders with your features and labels")
    try:
        features, labels = torch.as_tensor(features).detach(), torch.as_tensor(labels).detach()
        if features.is_complex() or labels.is_complex():
            raise TypeError("complex numbers")
        features, labels = features.to(torch.float64), labels.to(torch.float64)
    except Exception as exc:  # strings, ragged lists, objects: all the same mistake
        return wrong(f"features and labels must be tensors or nested lists of numbers "
                     f"({type(exc).__name__}: {exc})")
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
        row = next(i for i in range(len(want_f)) if not torch.equal(features[i], want_f[i]))
        first = [int(v) for v in want_f[row, :].tolist()]
        return wrong(f"row {row} should be {first} (x_{row + 1}, x_{row + 2}, x_{row + 3}), "
                     f"got {features[row].tolist()}; row i is the window x_(i+1) … x_(i+tau)")
    if torch.equal(labels, want_f[:, -1]):
        return wrong("the labels repeat the last feature column: the label is the value "
                     "*after* the window, x_t, not x_{t-1}.")
    if not torch.equal(labels, want_l):
        row = next(i for i in range(len(want_l)) if not torch.equal(labels[i], want_l[i]))
        window = [int(v) for v in want_f[row].tolist()]
        return wrong(f"the label of row {row} is the value after {window}, i.e. "
                     f"{float(want_l[row]):g}; got {float(labels[row]):g}")
    return correct("each row is a window of tau = 3 values and its label is the value that "
                   "follows; 10 values give 7 training examples.")


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
