"""How far a gradient travels back in time: spectral radius, Jacobian norms, input sensitivity (lesson 07)."""

from __future__ import annotations

import torch

from ..checks import require_choice, require_int, require_num_hiddens, require_positive_float
from ..i18n import tr
from ..metrics import spectral_radius
from ..models import RNNScratch


# ---------------------------------------------------------------- eigenvalues and Jacobians
def make_w_hh(num_hiddens: int, radius: float, generator: torch.Generator | None = None,
              ) -> torch.Tensor:
    """Lesson 07. A random Gaussian ``(H, H)`` matrix rescaled so its spectral radius is exactly
    ``radius``."""
    num_hiddens = require_num_hiddens(num_hiddens)   # a laptop's bound, before allocating H²
    radius = require_positive_float("radius", radius)
    W = torch.randn(num_hiddens, num_hiddens, generator=generator, dtype=torch.float64)
    return (W * (radius / spectral_radius(W))).float()


def jacobian_norms(W_hh: torch.Tensor, hiddens: torch.Tensor | None, num_steps: int | None = None,
                   ) -> torch.Tensor:
    """Lesson 07. ``||∂h_T/∂h_{T-d}||_2`` for ``d = 0 … T`` (spectral norm, averaged over the batch).

    ``hiddens`` is ``(T+1, B, H)``: the initial state, then ``RNNScratch.recurrence``'s output. Each step
    contributes the Jacobian ``∂h_t/∂h_{t-1} = diag(1 - h_t²) W_hhᵀ``; pass
    ``hiddens=None`` and ``num_steps`` for a *linear* RNN, where it is ``W_hhᵀ``.
    """
    if W_hh.ndim != 2 or W_hh.shape[0] != W_hh.shape[1]:
        raise ValueError(f"W_hh must be a square matrix, got shape {tuple(W_hh.shape)}")
    W = W_hh.detach().double()
    if hiddens is None:
        num_steps = require_int("num_steps", num_steps, minimum=1)
        derivs = torch.ones(num_steps + 1, 1, W.shape[0], dtype=torch.float64)
    else:
        if hiddens.ndim != 3 or hiddens.shape[-1] != W.shape[0]:
            raise ValueError("hiddens must have shape (T+1, batch, num_hiddens) with num_hiddens="
                             f"{W.shape[0]}, got {tuple(hiddens.shape)}")
        derivs = 1 - hiddens.detach().double() ** 2
    T = derivs.shape[0] - 1
    J = torch.eye(W.shape[0], dtype=torch.float64).expand(derivs.shape[1], -1, -1)
    norms = [torch.ones(())]
    for t in range(T, 0, -1):   # ∂h_T/∂h_{t-1} = ∂h_T/∂h_t · diag(1 - h_t²) W_hhᵀ
        J = J @ (derivs[t][:, :, None] * W.T)
        norms.append(torch.linalg.matrix_norm(J, ord=2).mean())
    return torch.stack(norms).float()


def _random_rnn(radius, num_steps, num_hiddens, nonlinearity, input_scale, batch_size, seed):
    """``(W_hh, hiddens)`` of a random RNN with ``ρ(W_hh) = radius``; ``hiddens`` is None if linear."""
    num_steps = require_int("num_steps", num_steps, minimum=1)
    require_choice("nonlinearity", nonlinearity, ("tanh", "linear"))
    g = torch.Generator().manual_seed(require_int("seed", seed, minimum=0))
    W_hh = make_w_hh(num_hiddens, radius, g)
    if nonlinearity == "linear":
        return W_hh, None
    vocab_size = 16
    model = RNNScratch(vocab_size, num_hiddens, device="cpu",
                       scale=require_positive_float("input_scale", input_scale), generator=g)
    with torch.no_grad():
        model.W_hh.copy_(W_hh)
        X = torch.randint(0, vocab_size, (batch_size, num_steps), generator=g)
        H0 = torch.zeros(batch_size, num_hiddens)
        hiddens = torch.cat([H0[None], model.recurrence(X, H0)])   # (T+1, B, H): h_0 … h_T
    return W_hh, hiddens


def jacobian_norm_curve(radius: float, num_steps: int = 40, num_hiddens: int = 32,
                        nonlinearity: str = "tanh", input_scale: float = 1.0, batch_size: int = 8,
                        seed: int = 0) -> torch.Tensor:
    """Lesson 05. Jacobian norms against distance for a random RNN with ``ρ(W_hh) = radius``.

    The inputs are random one-hot tokens through a random ``W_xh`` of scale
    ``input_scale``; ``nonlinearity="linear"`` drops the tanh (the pure
    ``ρ^d`` picture).
    """
    W_hh, hiddens = _random_rnn(radius, num_steps, num_hiddens, nonlinearity, input_scale,
                                batch_size, seed)
    return jacobian_norms(W_hh, hiddens, num_steps)


def jacobian_norm_matrix(radius: float, num_steps: int = 40, num_hiddens: int = 32,
                         nonlinearity: str = "tanh", input_scale: float = 1.0, batch_size: int = 8,
                         seed: int = 0) -> torch.Tensor:
    """Lesson 07. ``N[s, t] = ||∂h_s/∂h_t||_2`` for every pair ``1 ≤ t ≤ s ≤ T`` (0 elsewhere).

    The same random RNN as :func:`jacobian_norm_curve` (same arguments, same seed), but the
    norms for the loss at *every* step ``s``, not only the last: row ``T`` read backwards is
    that curve. Index 0 (the initial state) is left at 0. Averaged over the batch, like
    :func:`jacobian_norms`.
    """
    W_hh, hiddens = _random_rnn(radius, num_steps, num_hiddens, nonlinearity, input_scale,
                                batch_size, seed)
    W = W_hh.double()
    T = require_int("num_steps", num_steps, minimum=1)
    if hiddens is None:
        derivs = torch.ones(T + 1, 1, W.shape[0], dtype=torch.float64)
    else:
        derivs = 1 - hiddens.double() ** 2                     # (T+1, B, H)
    steps = derivs[:, :, :, None] * W.T                         # ∂h_t/∂h_{t-1} = diag(1-h_t²) W_hhᵀ
    N = torch.zeros(T + 1, T + 1, dtype=torch.float64)
    s = torch.arange(1, T + 1)
    N[s, s] = 1.0
    J = torch.eye(W.shape[0], dtype=torch.float64).expand(T, derivs.shape[1], -1, -1)
    for d in range(1, T):             # J[s-1] = ∂h_s/∂h_{s-d}, for every s > d at once
        J = J[1:] @ steps[2:T + 2 - d]                          # ∂h_s/∂h_{s-d+1} · ∂h_{s-d+1}/∂h_{s-d}
        N[s[d:], s[d:] - d] = torch.linalg.matrix_norm(J, ord=2).mean(-1)
    return N.float()


def plot_jacobian_norms(curves: dict, truncation: int | None = None, ax=None, band_label=None):
    """Lesson 07. Plot ``{label: norms}`` on a log scale; shade the distances ``>= truncation`` (dropped)."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(6.4, 3.6))
    else:
        fig = ax.figure
    longest = 0
    for label, norms in curves.items():
        norms = torch.as_tensor(norms).clamp_min(1e-30)
        ax.semilogy(range(len(norms)), norms, label=label)
        longest = max(longest, len(norms) - 1)
    if truncation is not None and truncation < longest:
        ax.axvspan(truncation, longest, color="grey", alpha=0.15,
                   label=band_label or tr("jacobians.fig.dropped", k=truncation))
    ax.set_xlabel(tr("jacobians.fig.xlabel"))
    ax.set_ylabel("‖∂h_T / ∂h_t‖₂")
    ax.set_title(tr("jacobians.fig.title"))
    ax.legend(fontsize=8)
    return fig


def input_sensitivity(cell: str = "rnn", num_steps: int = 40, num_hiddens: int = 16,
                      gate_bias: float = 0.0, seed: int = 0) -> torch.Tensor:
    """Lesson 07. ``||∂h_T/∂x_{T-d}||_2`` for ``d = 0 … T-1`` in an untrained ``nn.RNNCell/GRUCell/LSTMCell``.

    How strongly the last state still depends on an input ``d`` steps back.
    ``gate_bias`` is added to the gate that keeps the old state (the LSTM's
    forget gate, the GRU's update gate): a large value makes that gate ≈ 1,
    the path a trained gated cell can learn to open.
    """
    require_choice("cell", cell, ("rnn", "gru", "lstm"))
    num_steps = require_int("num_steps", num_steps, minimum=1)
    num_hiddens = require_int("num_hiddens", num_hiddens, minimum=1)
    seed = require_int("seed", seed, minimum=0)
    H = num_hiddens
    cells = {"rnn": torch.nn.RNNCell, "gru": torch.nn.GRUCell, "lstm": torch.nn.LSTMCell}
    with torch.random.fork_rng(devices=[]):   # seed locally: the caller's stream is untouched
        torch.manual_seed(seed)
        layer = cells[cell](H, H)
        xs = [torch.randn(1, H, requires_grad=True) for _ in range(num_steps)]
    with torch.no_grad():   # gate order: LSTM (i, f, g, o), GRU (r, z, n)
        if cell in ("gru", "lstm"):
            layer.bias_ih[H:2 * H] += gate_bias
    h = c = torch.zeros(1, H)
    for x in xs:
        if cell == "lstm":
            h, c = layer(x, (h, c))
        else:
            h = layer(x, h)
    rows = [torch.autograd.grad(h[0, i], xs, retain_graph=True) for i in range(H)]
    norms = [torch.linalg.matrix_norm(torch.stack([r[t][0] for r in rows]), ord=2)
             for t in range(num_steps)]
    return torch.stack(norms[::-1]).detach()
