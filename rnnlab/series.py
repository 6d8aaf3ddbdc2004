"""Sequence models on numbers: autoregressive prediction of a time series.

The running example is a noisy sine wave. An autoregressive (AR) model of
order ``tau`` predicts ``x_t`` from the ``tau`` values before it (the Markov
assumption); fitted by closed-form least squares it needs no training loop.
Predicting one step ahead uses the true past; predicting ``k`` steps ahead has
to feed the model's own predictions back in, and the error grows with ``k``.

Also here: a latent autoregressive model (a fixed-size summary state instead
of a window), a vector autoregression (several series predicting each other)
and interpolation vs extrapolation on data.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .checks import MAX_SERIES_LENGTH, require_float, require_int, require_positive_float, require_size
from .metrics import spectral_radius


def _as_series(name: str, x) -> torch.Tensor:
    x = torch.as_tensor(x, dtype=torch.float64)
    if x.ndim != 1:
        raise ValueError(f"{name} must be a 1-D series of numbers, got shape {tuple(x.shape)}")
    return x


NOISE = 0.2


def noisy_sine(num_points: int = 1000, frequency: float = 0.01, noise: float = NOISE,
               seed: int = 0):
    """Lesson 01. Return ``(time, x)`` with ``x_t = sin(frequency * t) + noise * N(0, 1)`` for t = 1..T."""
    num_points = require_size("num_points", num_points, MAX_SERIES_LENGTH, minimum=2)
    frequency = require_positive_float("frequency", frequency)
    noise = require_float("noise", noise, minimum=0)
    generator = torch.Generator().manual_seed(require_int("seed", seed, minimum=0))
    time = torch.arange(1, num_points + 1, dtype=torch.float64)
    x = torch.sin(frequency * time)
    x = x + noise * torch.randn(num_points, generator=generator, dtype=torch.float64)
    return time, x


def lag_features(x, tau: int):
    """Lesson 01. Return ``(features, labels)``: row ``i`` is ``x[i], …, x[i+tau-1]``, its label ``x[i+tau]``.

    ``features`` has shape ``(T - tau, tau)``, ``labels`` shape ``(T - tau,)``.
    """
    x = _as_series("x", x)
    tau = require_int("tau", tau, minimum=1)
    if len(x) <= tau:
        raise ValueError(f"series of length {len(x)} is too short for tau={tau}: "
                         f"a lag window needs at least tau + 1 = {tau + 1} values")
    n = len(x) - tau
    features = torch.stack([x[i : i + n] for i in range(tau)], dim=1)
    return features, x[tau:]


@dataclass
class LinearAR:
    """Lesson 01. ``x̂ = features @ weights + bias`` — an AR model when the features are lagged values."""

    weights: torch.Tensor
    bias: float

    @property
    def order(self) -> int:
        return len(self.weights)

    def __call__(self, features) -> torch.Tensor:
        features = torch.as_tensor(features, dtype=torch.float64)
        if features.shape[-1] != self.order:
            raise ValueError(f"features must have {self.order} columns (the model's order), "
                             f"got shape {tuple(features.shape)}")
        return features @ self.weights + self.bias


def least_squares(features: torch.Tensor, labels: torch.Tensor):
    """Lesson 01. Closed-form least squares with an intercept: return ``(weights, bias)``."""
    design = torch.cat([features, torch.ones(len(features), 1, dtype=features.dtype)], dim=1)
    solution = torch.linalg.lstsq(design, labels.reshape(len(labels), -1)).solution
    return solution[:-1].squeeze(-1), solution[-1].squeeze(-1)


def fit_autoregressive(x, tau: int, n_train: int | None = None) -> LinearAR:
    """Lesson 01. Fit an AR(tau) model by least squares on the windows whose label lies in ``x[:n_train]``."""
    features, labels = lag_features(x, tau)
    n_train = len(x) if n_train is None else require_int("n_train", n_train, maximum=len(x))
    rows = n_train - tau
    if rows < tau + 1:
        raise ValueError(f"n_train={n_train} gives only {max(rows, 0)} training windows for "
                         f"tau={tau}; need at least tau + 1 = {tau + 1} (n_train >= {2 * tau + 1})")
    weights, bias = least_squares(features[:rows], labels[:rows])
    return LinearAR(weights, float(bias))


def predict_one_step(model: LinearAR, x) -> torch.Tensor:
    """Lesson 01. Predictions of ``x[tau:]``, each made from the *true* ``tau`` values before it."""
    features, _ = lag_features(x, model.order)
    return model(features)


def predict_k_step(model: LinearAR, x, k: int):
    """Lesson 01. Predict each ``x_t`` from observations up to ``t - k`` only, feeding predictions back in.

    Returns ``(positions, predictions)``: ``predictions[j]`` estimates ``x[positions[j]]``.
    ``k = 1`` is the one-step-ahead prediction.
    """
    x = _as_series("x", x)
    tau = model.order
    k = require_int("k", k, minimum=1)
    n = len(x) - tau - k + 1
    if n < 1:
        raise ValueError(f"series of length {len(x)} is too short for tau={tau} and k={k}: "
                         f"need at least tau + k = {tau + k} values")
    # Columns 0..tau-1 are observed; column tau+j is the (j+1)-step-ahead prediction.
    window = torch.zeros(n, tau + k, dtype=torch.float64)
    for i in range(tau):
        window[:, i] = x[i : i + n]
    for i in range(tau, tau + k):
        window[:, i] = model(window[:, i - tau : i])
    positions = torch.arange(tau + k - 1, len(x))
    return positions, window[:, -1]


def predict_free_running(model: LinearAR, x, n_observed: int) -> torch.Tensor:
    """Lesson 01. Observe ``x[:n_observed]``, then predict every later value from earlier *predictions*."""
    x = _as_series("x", x)
    n_observed = require_int("n_observed", n_observed, minimum=model.order, maximum=len(x))
    values = x.clone()
    for t in range(n_observed, len(x)):
        values[t] = model(values[t - model.order : t])
    return values[n_observed:]


def ar_roots(model: LinearAR) -> torch.Tensor:
    """Lesson 01. The characteristic roots of a fitted AR model, largest modulus first (complex).

    They are the roots of z^τ − w_τ z^(τ−1) − … − w_1 (w_τ weighs x_(t−1)), i.e. the
    eigenvalues of the model's companion matrix. Free running, the forecast minus its
    fixed point is a mix of r^k over these roots r: it dies out when every |r| < 1 (at
    the speed of the largest |r|), and a complex pair oscillates by arg r per step.
    """
    if not isinstance(model, LinearAR):
        raise TypeError(f"model must be a LinearAR (from fit_autoregressive), got {type(model).__name__}")
    tau = model.order
    companion = torch.zeros(tau, tau, dtype=torch.float64)
    companion[:-1, 1:] = torch.eye(tau - 1, dtype=torch.float64)
    companion[-1] = model.weights.to(torch.float64)
    roots = torch.linalg.eigvals(companion)
    return roots[torch.argsort(roots.abs(), descending=True)]


def k_step_errors(model: LinearAR, x, ks, start: int = 0) -> list[float]:
    """Lesson 01. Mean squared error of the k-step-ahead predictions for each ``k`` in ``ks``.

    Only predicted positions ``>= start`` count (pass the end of the training
    range to measure on unseen data).
    """
    x = _as_series("x", x)
    start = require_int("start", start, minimum=0, maximum=len(x) - 1)
    errors = []
    for k in ks:
        positions, predictions = predict_k_step(model, x, k)
        keep = positions >= start
        if not keep.any():
            raise ValueError(f"no {k}-step prediction lands at or after start={start}")
        errors.append(float(((predictions[keep] - x[positions[keep]]) ** 2).mean()))
    return errors


def impulse_response(model: LinearAR, steps: int) -> torch.Tensor:
    """Lesson 01. ψ_0 … ψ_(steps-1): how strongly a one-step error reaches a prediction j steps later.

    ψ_0 = 1 and ψ_j = Σ_i w'_i ψ_(j-i), where w'_i weighs x_(t-i) (w'_1 = ``weights[-1]``). The
    error of a k-step prediction is then Σ_(j<k) ψ_j ε_(t+k-j), the one-step errors ε of the
    k steps weighted by ψ (:func:`k_step_errors_from_one_step`).
    """
    if not isinstance(model, LinearAR):
        raise TypeError(f"model must be a LinearAR (from fit_autoregressive), got {type(model).__name__}")
    steps = require_int("steps", steps, minimum=1)
    w = model.weights.to(torch.float64).flip(0)   # w[i - 1] weighs x_(t-i)
    psi = torch.zeros(steps, dtype=torch.float64)
    psi[0] = 1.0
    for j in range(1, steps):
        i = min(j, model.order)
        psi[j] = (w[:i] * psi[j - i : j].flip(0)).sum()
    return psi


def k_step_errors_from_one_step(model: LinearAR, x, k: int):
    """Lesson 01. The k-step prediction errors rebuilt from the one-step errors alone.

    With ε_s = x_s − (one-step prediction of x_s), a linear AR model's k-step error is
    e = x_(t+k) − x̂_(t+k) = Σ_(j<k) ψ_j ε_(t+k-j) (:func:`impulse_response`): each earlier
    step's error re-enters through the weights. Returns ``(positions, errors)`` aligned with
    :func:`predict_k_step`, so the two can be compared.
    """
    x = _as_series("x", x)
    k = require_int("k", k, minimum=1)
    positions, _ = predict_k_step(model, x, k)
    tau = model.order
    one_step_errors = x[tau:] - predict_one_step(model, x)   # ε_s sits at index s - tau
    psi = impulse_response(model, k)
    errors = torch.zeros(len(positions), dtype=torch.float64)
    for j in range(k):
        errors += psi[j] * one_step_errors[positions - j - tau]
    return positions, errors


# --- a nonlinear autoregressive model: the same window, an MLP instead of a weighted sum ---


class MLPAutoregressive(nn.Module):
    """Lesson 01. ``x̂_t = MLP(x_(t-τ), …, x_(t-1))``: one hidden ReLU layer, then one output.

    The nonlinear counterpart of :class:`LinearAR` (d2l-zh §8.1, d2l-en 0.17 §8.1, fits this network,
    ``Linear(τ, 10) → ReLU → Linear(10, 1)``, to the same noisy sine). Called on a
    ``(rows, τ)`` table of windows it returns the ``rows`` predictions, like a
    :class:`LinearAR`, so :func:`predict_one_step`, :func:`predict_k_step` and
    :func:`k_step_errors` take it too.
    """

    def __init__(self, tau: int, num_hiddens: int = 10, seed: int = 0):
        super().__init__()
        self.tau = require_int("tau", tau, minimum=1)
        num_hiddens = require_int("num_hiddens", num_hiddens, minimum=1)
        with torch.random.fork_rng(devices=[]):  # seeded here; the caller's stream is untouched
            torch.manual_seed(require_int("seed", seed, minimum=0))
            self.net = nn.Sequential(nn.Linear(self.tau, num_hiddens), nn.ReLU(),
                                     nn.Linear(num_hiddens, 1)).double()

    @property
    def order(self) -> int:
        return self.tau

    def forward(self, features) -> torch.Tensor:
        features = torch.as_tensor(features, dtype=torch.float64)
        if features.shape[-1] != self.tau:
            raise ValueError(f"features must have {self.tau} columns (the model's order), "
                             f"got shape {tuple(features.shape)}")
        return self.net(features).squeeze(-1)      # (rows,)

    def begin_state(self, batch_size: int, device=None) -> tuple:
        """No state: the window is the whole input (``rnnlab.train`` asks every model for one)."""
        return ()


# --- latent autoregression: a fixed-size summary instead of a growing window ---


def latent_states(x, alphas=(0.0, 0.5, 0.9)) -> torch.Tensor:
    """Lesson 01. Summary states ``h_t = alpha * h_{t-1} + (1 - alpha) * x_{t-1}``, one column per alpha.

    Row ``t`` summarises ``x_0 … x_{t-1}`` (row 0 is the empty history, all
    zeros). ``alpha = 0`` remembers only the last value; ``alpha`` near 1
    averages over a long past. The state has ``len(alphas)`` numbers however
    long the history is.
    """
    x = _as_series("x", x)
    alphas = torch.as_tensor(alphas, dtype=torch.float64).reshape(-1)
    if len(alphas) == 0 or not bool(((alphas >= 0) & (alphas < 1)).all()):
        raise ValueError(f"alphas must be a non-empty list of numbers in [0, 1), got "
                         f"{alphas.tolist()}")
    states = torch.zeros(len(x), len(alphas), dtype=torch.float64)
    for t in range(1, len(x)):
        states[t] = alphas * states[t - 1] + (1 - alphas) * x[t - 1]
    return states


def fit_latent_autoregressive(x, alphas=(0.0, 0.5, 0.9), n_train: int | None = None):
    """Lesson 01. Fit ``x̂_t = w · h_t + b`` by least squares; return ``(model, states)``."""
    x = _as_series("x", x)
    states = latent_states(x, alphas)
    n_train = len(x) if n_train is None else require_int("n_train", n_train, maximum=len(x))
    if n_train - 1 < states.shape[1] + 1:
        raise ValueError(f"n_train={n_train} is too small to fit {states.shape[1]} weights "
                         f"and a bias; need n_train >= {states.shape[1] + 2}")
    weights, bias = least_squares(states[1:n_train], x[1:n_train])
    return LinearAR(weights, float(bias)), states


# --- vector autoregression: several series predicting each other ---

WEATHER_VARIABLES = ("temperature", "humidity", "rain")
# Anomalies from the seasonal mean, one step = one day. Today's rain is driven by
# yesterday's humidity (+) and temperature (-); rain itself barely persists.
WEATHER_A = torch.tensor([[0.7, -0.2, 0.0],
                          [0.1, 0.6, 0.0],
                          [-0.3, 0.5, 0.2]], dtype=torch.float64)


def simulate_var(A, num_steps: int, c=None, noise: float = 0.1, seed: int = 0) -> torch.Tensor:
    """Lesson 01. Simulate ``x_t = c + A x_{t-1} + noise * N(0, I)`` from ``x_0 = 0``; shape ``(T, d)``."""
    A = torch.as_tensor(A, dtype=torch.float64)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square (d, d) matrix, got shape {tuple(A.shape)}")
    radius = spectral_radius(A)
    if radius >= 1:
        raise ValueError(f"A has spectral radius {radius:.3g}; allowed: < 1 (a stable VAR), "
                         "otherwise the simulated series grows without bound")
    num_steps = require_int("num_steps", num_steps, minimum=2)
    d = A.shape[0]
    c = torch.zeros(d) if c is None else c
    c = torch.as_tensor(c, dtype=torch.float64)
    if c.shape != (d,):
        raise ValueError(f"c must have shape ({d},) to match A, got {tuple(c.shape)}")
    if not noise >= 0:
        raise ValueError(f"noise must be a number >= 0, got {noise!r}")
    generator = torch.Generator().manual_seed(require_int("seed", seed, minimum=0))
    eps = noise * torch.randn(num_steps, d, generator=generator, dtype=torch.float64)
    X = torch.zeros(num_steps, d, dtype=torch.float64)
    for t in range(1, num_steps):
        X[t] = c + A @ X[t - 1] + eps[t]
    return X


def fit_var(X):
    """Lesson 01. Least-squares VAR(1) fit: ``(A_hat, c_hat)`` with ``X[t] ≈ c_hat + A_hat @ X[t-1]``."""
    X = torch.as_tensor(X, dtype=torch.float64)
    if X.ndim != 2:
        raise ValueError(f"X must have shape (T, d), got {tuple(X.shape)}")
    if len(X) - 1 < X.shape[1] + 1:
        raise ValueError(f"X has {len(X)} time steps; fitting a VAR(1) on d={X.shape[1]} "
                         f"variables needs at least d + 2 = {X.shape[1] + 2}")
    weights, bias = least_squares(X[:-1], X[1:])
    # weights maps x_{t-1} (rows) to x_t (columns); A is its transpose.
    return weights.T, bias


# --- interpolation vs extrapolation ---


@dataclass
class FitRangeResult:
    """Lesson 01. A curve fitted on part of a time range, scored inside and outside that range."""

    train: torch.Tensor  # boolean masks over the time axis
    inside: torch.Tensor
    outside: torch.Tensor
    prediction: torch.Tensor
    mse_inside: float
    mse_outside: float


def interpolation_vs_extrapolation(time, x, fit_end: int, degree: int = 7,
                                   holdout_every: int = 4) -> FitRangeResult:
    """Lesson 01. Fit a polynomial in time to ``x[:fit_end]`` (minus every ``holdout_every``-th point).

    The held-out points inside the range measure *interpolation* (estimating
    between observations); the points after ``fit_end`` measure
    *extrapolation* (beyond the observed range).
    """
    time, x = _as_series("time", time), _as_series("x", x)
    if len(time) != len(x):
        raise ValueError(f"time and x must have the same length, got {len(time)} and {len(x)}")
    degree = require_int("degree", degree, minimum=0, maximum=15)
    holdout_every = require_int("holdout_every", holdout_every, minimum=2)
    fit_end = require_int("fit_end", fit_end, minimum=2 * (degree + 1), maximum=len(x) - 1)
    index = torch.arange(len(x))
    inside = (index < fit_end) & (index % holdout_every == holdout_every - 1)
    train = (index < fit_end) & ~inside
    outside = index >= fit_end
    # Scale time to [-1, 1] over the fitted range so high powers stay well conditioned.
    lo, hi = time[0], time[fit_end - 1]
    u = 2 * (time - lo) / (hi - lo) - 1
    powers = torch.stack([u**p for p in range(1, degree + 1)], dim=1)
    weights, bias = least_squares(powers[train], x[train])
    prediction = powers @ weights + bias
    mse = lambda mask: float(((prediction[mask] - x[mask]) ** 2).mean())  # noqa: E731
    return FitRangeResult(train, inside, outside, prediction, mse(inside), mse(outside))


# --- the widget: tau and k -> predictions and error growth ---


