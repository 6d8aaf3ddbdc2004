"""Lesson 01 (sequence models): the function behind its τ/k widget."""

from __future__ import annotations

from dataclasses import dataclass

from ..checks import check_int
from ..series import NOISE, fit_autoregressive, k_step_errors, noisy_sine, predict_k_step, predict_one_step

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
        return (f"tau = {self.tau}: 1-step test MSE = {self.mse_1:.4f}, "
                f"{self.k}-step test MSE = {self.mse_k:.4f}")

    def _repr_markdown_(self) -> str:
        return str(self)


def ar_prediction_figure(tau: int = 4, k: int = 16, n_train: int = N_TRAIN, seed: int = 0):
    """Fit AR(tau) on the noisy sine; plot 1-step vs k-step predictions and test MSE vs k.

    Returns ``(figure, summary)``; the errors are measured after ``n_train`` (unseen data).
    """
    import matplotlib.pyplot as plt

    time, x = noisy_sine(seed=seed)
    model = fit_autoregressive(x, tau, n_train=n_train)
    k = check_int("k", k, minimum=1, maximum=len(x) - tau - n_train)
    one = predict_one_step(model, x)
    positions, k_pred = predict_k_step(model, x, k)
    ks = sorted(set(ERROR_KS) | {k})
    errors = k_step_errors(model, x, ks, start=n_train)
    summary = PredictionSummary(tau, k, errors[ks.index(1)], errors[ks.index(k)])

    fig, (ax, ax_err) = plt.subplots(1, 2, figsize=(10, 3.6),
                                     gridspec_kw={"width_ratios": [2, 1]})
    ax.plot(time, x, color="0.75", lw=1, label="data")
    ax.plot(time[tau:], one, lw=1, label="1-step-ahead")
    ax.plot(time[positions], k_pred, lw=1, label=f"{k}-step-ahead")
    ax.axvline(time[n_train - 1], color="k", ls="--", lw=1, label="end of training range")
    ax.set(xlabel="time t", ylabel="x_t", title=f"AR model with tau = {tau}", ylim=(-2.5, 2.5))
    ax.legend(loc="lower left", fontsize=8)
    ax_err.plot(ks, errors, "o-", label="test MSE")
    ax_err.plot([k], [summary.mse_k], "o", color="C3", ms=9, label=f"k = {k}")
    # Even a perfect predictor of the sine misses the noise: MSE >= noise variance.
    ax_err.axhline(NOISE**2, color="0.5", ls=":", label="noise variance")
    ax_err.set(xscale="log", yscale="log", xlabel="steps ahead k", ylabel="mean squared error",
               title="Error grows with k")
    ax_err.legend(fontsize=8)
    # Fixed margins: tight_layout would draw the log axes once more just to measure them.
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.9, wspace=0.3)
    return fig, summary
