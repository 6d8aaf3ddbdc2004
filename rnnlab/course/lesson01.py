"""Lesson 01 (sequence models): the function behind its τ/k widget, and the lesson's figures."""

from __future__ import annotations

from dataclasses import dataclass

from ..checks import require_int
from ..i18n import tr
from ..series import (
    NOISE,
    WEATHER_VARIABLES,
    fit_autoregressive,
    k_step_errors,
    noisy_sine,
    predict_k_step,
    predict_one_step,
)

N_TRAIN = 600


ERROR_KS = (1, 2, 4, 8, 16, 32, 64)


@dataclass(frozen=True)
class PredictionSummary:
    """The numbers behind the widget's figure (test-range mean squared errors)."""

    tau: int
    k: int
    mse_1: float
    mse_k: float

    def __str__(self) -> str:
        return tr("lesson01.summary", tau=self.tau, k=self.k, mse_1=self.mse_1, mse_k=self.mse_k)

    def _repr_markdown_(self) -> str:
        return str(self)


def ar_prediction_figure(tau: int = 4, k: int = 16, n_train: int = N_TRAIN, seed: int = 0):
    """Fit AR(tau) on the noisy sine; plot 1-step vs k-step predictions and test MSE vs k.

    Returns ``(figure, summary)``; the errors are measured after ``n_train`` (unseen data).
    """
    import matplotlib.pyplot as plt

    time, x = noisy_sine(seed=seed)
    model = fit_autoregressive(x, tau, n_train=n_train)
    k = require_int("k", k, minimum=1, maximum=len(x) - tau - n_train)
    one = predict_one_step(model, x)
    positions, k_pred = predict_k_step(model, x, k)
    ks = sorted(set(ERROR_KS) | {k})
    errors = k_step_errors(model, x, ks, start=n_train)
    summary = PredictionSummary(tau, k, errors[ks.index(1)], errors[ks.index(k)])

    fig, (ax, ax_err) = plt.subplots(1, 2, figsize=(12, 4.4),
                                     gridspec_kw={"width_ratios": [2, 1]})
    _data(ax, time, x)
    ax.plot(time[tau:], one, lw=1, label=tr("lesson01.one_step"))
    ax.plot(time[positions], k_pred, lw=1, label=tr("lesson01.k_step", k=k))
    ax.axvline(time[n_train - 1], color="k", ls="--", lw=1, label=tr("lesson01.end_of_training"))
    ax.set(xlabel=tr("lesson01.time"), ylabel="$x_t$", ylim=(-2.5, 2.5))
    ax.set_title(tr("lesson01.widget_title", tau=tau), fontsize=FONT)
    _legend(ax, loc="lower left")
    ax_err.plot(ks, errors, "o-", label=tr("lesson01.test_mse"))
    ax_err.plot([k], [summary.mse_k], "o", color="C3", ms=9, label=f"k = {k}")
    # Even a perfect predictor of the sine misses the noise: MSE >= noise variance.
    ax_err.axhline(NOISE**2, color="0.5", ls=":", label=tr("lesson01.noise_floor"))
    ax_err.set(xscale="log", yscale="log", xlabel=tr("lesson01.steps_ahead"), ylabel=tr("lesson01.mse"))
    ax_err.set_title(tr("lesson01.errors_title"), fontsize=FONT)
    _legend(ax_err)
    # Fixed margins: tight_layout would draw the log axes once more just to measure them.
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.9, wspace=0.3)
    return fig, summary


# --- the lesson's figures (text through the catalogues, so the Chinese edition shows Chinese) ---

FONT = 12  # legible on a projector at the figure's size
FIGSIZE = (8.0, 4.0)


def _axes(title: str, xlabel: str | None = None, ylabel: str = "$x_t$", figsize=FIGSIZE):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize)
    ax.set_xlabel(xlabel or tr("lesson01.time"), fontsize=FONT)
    ax.set_ylabel(ylabel, fontsize=FONT)
    ax.set_title(title, fontsize=FONT)
    ax.tick_params(labelsize=FONT - 1)
    return fig, ax


def _data(ax, time, x):
    ax.plot(time, x, color="0.75", lw=1, label=tr("lesson01.data"))


def _legend(ax, **kwargs):
    ax.legend(fontsize=FONT - 1, **kwargs)


def plot_interpolation(time, x, fit):
    """Lesson 01. The degree-7 polynomial of :func:`rnnlab.series.interpolation_vs_extrapolation`:
    close to the data between its training points, useless beyond them."""
    fig, ax = _axes(tr("lesson01.interpolation_title"))
    _data(ax, time, x)
    ax.plot(time[fit.inside], x[fit.inside], ".", ms=4, color="C2", label=tr("lesson01.held_out_inside"))
    ax.plot(time, fit.prediction, color="C3", lw=2, label=tr("lesson01.polynomial"))
    ax.axvspan(float(time[600]), float(time[-1]), color="C1", alpha=0.1, label=tr("lesson01.outside"))
    ax.set_ylim(-2, 2)
    _legend(ax, loc="lower left")
    return fig


def plot_one_step(time, x, one_step, tau: int, n_train: int):
    """Lesson 01. One-step-ahead predictions of AR(tau) against the data."""
    fig, ax = _axes(tr("lesson01.one_step_title", tau=tau))
    _data(ax, time, x)
    ax.plot(time[tau:], one_step, lw=1, label=tr("lesson01.one_step"))
    ax.axvline(float(time[n_train - 1]), color="k", ls="--", lw=1, label=tr("lesson01.end_of_training"))
    _legend(ax, loc="lower left")
    return fig


def plot_free_running(time, x, one_step, free, tau: int, n_observed: int):
    """Lesson 01. 1-step predictions and the forecast that feeds its own predictions back in."""
    fig, ax = _axes(tr("lesson01.free_title"))
    _data(ax, time, x)
    ax.plot(time[tau:], one_step, lw=1, label=tr("lesson01.one_step"))
    ax.plot(time[n_observed:], free, lw=2.5, label=tr("lesson01.free_running", t=n_observed))
    _legend(ax, loc="lower left")
    return fig


def plot_k_step_predictions(time, x, model, ks=(1, 4, 16, 64)):
    """Lesson 01. The k-step-ahead predictions of ``model`` for several k."""
    fig, ax = _axes(tr("lesson01.k_step_title", tau=getattr(model, "order", "τ")))
    _data(ax, time, x)
    for k in ks:
        positions, pred = predict_k_step(model, x, k)
        ax.plot(time[positions], pred, lw=1.2, label=tr("lesson01.k_step", k=k))
    _legend(ax, loc="lower left", ncol=2)
    return fig


def plot_k_step_errors(ks, errors, mean, sem, n_series: int):
    """Lesson 01. Test MSE against k: one series, and the mean of ``n_series`` series with its s.e."""
    fig, ax = _axes(tr("lesson01.errors_title"), xlabel=tr("lesson01.steps_ahead"),
                    ylabel=tr("lesson01.mse"))
    ax.plot(ks, errors, "o-", label=tr("lesson01.this_series"))
    ax.errorbar(ks, mean, yerr=sem, fmt="s--", capsize=3, label=tr("lesson01.mean_of_series", n=n_series))
    ax.axhline(NOISE ** 2, color="0.5", ls=":", label=tr("lesson01.noise_floor"))
    ax.set_xscale("log")
    _legend(ax)
    return fig


def plot_latent_states(time, x, states, alphas=(0.0, 0.5, 0.9), length: int = 300):
    """Lesson 01. Exponential moving averages of the past: columns of the latent state."""
    fig, ax = _axes(tr("lesson01.latent_title"), ylabel=tr("lesson01.value"))
    _data(ax, time[:length], x[:length])
    for j, a in enumerate(alphas):
        if a > 0:  # alpha = 0 is just the data shifted by one step
            ax.plot(time[1:length], states[1:length, j], lw=2, label=tr("lesson01.state_alpha", alpha=a))
    _legend(ax, loc="lower right")
    return fig


def plot_var(weather, days: int = 150):
    """Lesson 01. The first ``days`` of the simulated weather VAR(1)."""
    fig, ax = _axes(tr("lesson01.var_title"), xlabel=tr("lesson01.day"), ylabel=tr("lesson01.anomaly"))
    for j, name in enumerate(WEATHER_VARIABLES):
        ax.plot(weather[:days, j], lw=1.2, label=tr(f"lesson01.{name}"))
    _legend(ax)
    return fig


def plot_k_step_feedback(tau: int = 3, k: int = 3):
    """Lesson 01. k-step-ahead prediction: after the last observation x_t the model's window fills
    with its own predictions x̂, one more at every step (row j predicts x̂_{t+j})."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    tau = require_int("tau", tau, minimum=1, maximum=4)
    k = require_int("k", k, minimum=1, maximum=4)

    n_obs = tau + 1
    fig, ax = plt.subplots(figsize=(1.15 * (n_obs + k) + 3.2, 1.2 * k + 1.4))
    ax.set_axis_off()

    def label(i):  # position i = 0 .. n_obs + k - 1; the last observation x_t is at n_obs - 1
        lag = i - (n_obs - 1)
        s = "t" if lag == 0 else (f"t{lag:+d}")
        return f"$x_{{{s}}}$" if lag <= 0 else f"$\\hat x_{{{s}}}$"

    for j in range(1, k + 1):
        y = k - j + 0.5
        window = range(n_obs - 1 + j - tau, n_obs - 1 + j)
        for i in range(n_obs + j):
            predicted = i >= n_obs
            target = i == n_obs - 1 + j
            fc = "#fdae6b" if target else ("#fee6ce" if predicted else "white")
            ec = "black" if (i in window or target) else "0.7"
            ax.add_patch(FancyBboxPatch((i - 0.45, y - 0.3), 0.9, 0.6, boxstyle="round,pad=0.02",
                                        fc=fc, ec=ec, lw=2 if i in window else 1))
            ax.text(i, y, label(i), ha="center", va="center", fontsize=FONT,
                    color="black" if (i in window or target) else "0.6")
        centre = (window[0] + window[-1]) / 2  # the window feeds the target: one curved arrow
        ax.annotate("", xy=(n_obs - 1 + j, y + 0.3), xytext=(centre, y + 0.3),
                    arrowprops={"arrowstyle": "->", "lw": 2, "color": "#d94801",
                                "connectionstyle": "arc3,rad=-0.5"})
        ax.text(n_obs + k + 0.2, y, tr("lesson01.feedback_row", fed=min(j - 1, tau), tau=tau),
                ha="left", va="center", fontsize=FONT - 1)
    ax.set_xlim(-0.7, n_obs + k + 3.0)
    ax.set_ylim(0.0, k + 0.35)
    ax.set_title(tr("lesson01.feedback_title", tau=tau), fontsize=FONT)
    return fig
