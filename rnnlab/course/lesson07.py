"""Lesson 07 (backpropagation through time): the functions behind its widgets and figures."""

from __future__ import annotations

from ..checks import check_int
from ..gradients.jacobians import jacobian_norm_curve, plot_jacobian_norms
from ..i18n import tr


def bptt_panel(radius: float = 1.0, truncation: int = 10, nonlinearity: str = "tanh",
               num_steps: int = 40):
    """The widget's compute: Jacobian-norm curve for one radius, and what truncation keeps.

    Returns ``(figure, text)``; the text gives the share of the summed Jacobian
    norm that lies within ``truncation`` steps (what truncated BPTT keeps).
    """
    import matplotlib.pyplot as plt

    truncation = check_int("truncation", truncation, minimum=1)
    num_steps = check_int("num_steps", num_steps, minimum=2)
    norms = jacobian_norm_curve(radius, num_steps=num_steps, nonlinearity=nonlinearity)
    fig = plot_jacobian_norms({f"ρ(W_hh) = {radius:g} ({nonlinearity})": norms}, truncation)
    kept = float(norms[: truncation + 1].sum() / norms.sum())
    text = tr("lesson07.jacobian_report", radius=radius, nonlinearity=nonlinearity, num_steps=num_steps,
              norm=float(norms[-1]), truncation=truncation, kept=kept)
    plt.close(fig)
    return fig, text
