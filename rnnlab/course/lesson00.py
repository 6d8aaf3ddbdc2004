"""The smallest recurrent network: one number of state, h_t = tanh(w·h_{t-1} + x_t).

Lesson 00 uses it to show what a widget does; lessons 05 and 07 come back to the
same picture. How much h_t still depends on h_0 is a product of one factor per
step. Without tanh (the linear recurrence h_t = w·h_{t-1}) that product is |w|^t:
it vanishes for |w| < 1 and explodes for |w| > 1. With tanh (and x = 0, h_0 = 1)
the state settles at a fixed point where each factor w·(1 − h²) is below 1 in size,
so the tanh network can only forget: saturation is a second way to vanish.
"""

from __future__ import annotations

import math

from ..checks import require_int
from ..i18n import tr


def _check_number(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")


def trajectory(w: float, steps: int = 30, h0: float = 1.0, x: float = 0.0) -> list[float]:
    """Lesson 00. The states h_0 … h_steps of ``h_t = tanh(w * h_{t-1} + x)``."""
    require_int("steps", steps, minimum=1)
    for name, value in (("w", w), ("h0", h0), ("x", x)):
        _check_number(name, value)
    hs = [float(h0)]
    for _ in range(steps):
        hs.append(math.tanh(w * hs[-1] + x))
    return hs


def sensitivity(w: float, steps: int = 30, h0: float = 1.0, x: float = 0.0) -> list[float]:
    """Lesson 00. |∂h_t/∂h_0| for t = 0 … steps: the product of the per-step derivatives w·(1 − h_t²)."""
    hs = trajectory(w, steps, h0, x)
    out, d = [1.0], 1.0
    for h in hs[1:]:
        d *= w * (1.0 - h * h)
        out.append(abs(d))
    return out


def linear_sensitivity(w: float, steps: int = 30) -> list[float]:
    """Lesson 00. |∂h_t/∂h_0| = |w|^t for the linear recurrence h_t = w·h_{t-1} (no tanh)."""
    require_int("steps", steps, minimum=1)
    _check_number("w", w)
    return [abs(w) ** t for t in range(steps + 1)]


def plot(w: float, steps: int = 30):
    """Lesson 00. The widget's figure: the tanh state h_t (left) and |∂h_t/∂h_0| on a log axis
    (right) for the tanh recurrence and for the linear one, h_t = w·h_{t-1}."""
    import matplotlib.pyplot as plt

    hs, ds, lin = trajectory(w, steps), sensitivity(w, steps), linear_sensitivity(w, steps)
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.0))
    a.plot(hs, marker=".")
    a.set(xlabel=tr("lesson00.time_step"), ylabel="$h_t$", ylim=(-1.05, 1.05))
    a.set_title(tr("lesson00.state_title", w=w), fontsize=12)
    # a zero (w = 0) has no logarithm: leave it out rather than invent a floor
    b.semilogy([d if d > 0 else float("nan") for d in ds], marker=".", color="C1", label="tanh")
    b.semilogy([d if d > 0 else float("nan") for d in lin], ls="--", color="C2",
               label=tr("lesson00.linear"))
    b.axhline(1.0, color="0.5", lw=0.8)
    b.set(xlabel=tr("lesson00.time_step"), ylabel="|∂h_t / ∂h_0|")
    b.set_title(tr("lesson00.sensitivity_title"), fontsize=12)
    b.legend(fontsize=11)
    fig.tight_layout()
    return fig
