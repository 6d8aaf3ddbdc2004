"""The smallest recurrent network: one number of state, h_t = tanh(w·h_{t-1} + x_t).

Lesson 00 uses it to show what a widget does; lessons 05 and 07 come back to the
same picture: repeated multiplication by w makes signals (and gradients) shrink
when |w| < 1 and grow when |w| > 1, until tanh saturates.
"""

from __future__ import annotations

import math

from ..checks import check_int


def trajectory(w: float, steps: int = 30, h0: float = 1.0, x: float = 0.0) -> list[float]:
    """The states h_0 … h_steps of ``h_t = tanh(w * h_{t-1} + x)``."""
    check_int("steps", steps, minimum=1)
    for name, value in (("w", w), ("h0", h0), ("x", x)):
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
    hs = [float(h0)]
    for _ in range(steps):
        hs.append(math.tanh(w * hs[-1] + x))
    return hs


def sensitivity(w: float, steps: int = 30, h0: float = 1.0, x: float = 0.0) -> list[float]:
    """|∂h_t/∂h_0| for t = 0 … steps: the product of the per-step derivatives w·(1 − h_t²)."""
    hs = trajectory(w, steps, h0, x)
    out, d = [1.0], 1.0
    for h in hs[1:]:
        d *= w * (1.0 - h * h)
        out.append(abs(d))
    return out


def plot(w: float, steps: int = 30):
    """A figure of the state and of its sensitivity to h_0, for the lesson-00 widget."""
    import matplotlib.pyplot as plt

    hs, ds = trajectory(w, steps), sensitivity(w, steps)
    fig, (a, b) = plt.subplots(1, 2, figsize=(8, 3))
    a.plot(hs, marker=".")
    a.set(title=f"state h_t, w = {w:g}", xlabel="time step t", ylabel="h_t", ylim=(-1.05, 1.05))
    b.semilogy([max(d, 1e-30) for d in ds], marker=".", color="C1")
    b.set(title="how much h_t still remembers h_0", xlabel="time step t", ylabel="|∂h_t / ∂h_0|")
    fig.tight_layout()
    return fig
