"""The scratch RNN as one autograd node: lesson 07's hand-derived BPTT is its backward pass.

:func:`fused_rnn` runs the recurrence of :class:`~rnnlab.models.RNNScratch`
(``h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h)``, ``o_t = h_t W_hq + b_q``) without
building a graph, keeps only the hidden states, and differentiates by hand with
the equations of :func:`rnnlab.gradients.bptt.bptt_gradients` (lesson 07), the
weight gradients as one product over all steps. ``tests/models/test_fused.py`` checks
it against autograd. :func:`default_threads` is the measured thread policy
(``benchmarks/run.py`` prints the table behind it).
"""

from __future__ import annotations

import os
import threading

import torch

from .checks import check_int

#: Below this hidden size one torch thread; from it on, two when two cores are idle.
TWO_THREADS_FROM_HIDDEN = 256
#: Two threads need this many idle cores (cores minus the 1-minute load average).
IDLE_CORES_FOR_TWO = 2.0


def available_cores() -> int:
    """CPU cores this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def _load() -> float:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):  # pragma: no cover - Windows
        return 0.0


def default_threads(num_hiddens: int, cores: int | None = None, load: float | None = None) -> int:
    """Torch CPU threads for training a model of ``num_hiddens`` units: the measured policy.

    Measured on a 2-core CPU (``benchmarks/run.py``, "Threads"): two threads
    gained up to 1.4× from hidden 256 on when the machine was otherwise idle,
    and lost 2–15× (a thread waiting for a busy core) whenever other jobs ran;
    below hidden 256 they never paid. So: one thread below
    :data:`TWO_THREADS_FROM_HIDDEN`, and from there two only if ``cores`` minus
    ``load`` (default: this process's cores and the 1-minute load average)
    leaves :data:`IDLE_CORES_FOR_TWO` idle cores.
    """
    num_hiddens = check_int("num_hiddens", num_hiddens, minimum=1)
    cores = available_cores() if cores is None else check_int("cores", cores, minimum=1)
    load = _load() if load is None else float(load)
    if num_hiddens < TWO_THREADS_FROM_HIDDEN or cores - load < IDLE_CORES_FOR_TWO:
        return 1
    return 2


#: Backward's scratch buffers up to this size are kept from call to call (per thread).
WORKSPACE_MAX_BYTES = 64 * 2**20
_workspace = threading.local()


def _scratch(name: str, shape, like: torch.Tensor) -> torch.Tensor:
    """An uninitialised tensor reused by every backward pass of the same shape (CPU only).

    A fresh multi-MiB tensor comes from the C allocator as new pages, and
    touching them costs more than the arithmetic done on them (measured: a
    one-pass ``1 - h*h`` on 2 MiB took 2.3 ms fresh, 0.19 ms reused).
    """
    shape = torch.Size(shape)
    if like.device.type != "cpu" or shape.numel() * like.element_size() > WORKSPACE_MAX_BYTES:
        return like.new_empty(shape)
    buf = getattr(_workspace, name, None)
    if buf is None or buf.shape != shape or buf.dtype != like.dtype:
        buf = like.new_empty(shape)
        setattr(_workspace, name, buf)
    return buf


def rnn_forward_states(X, H0, W_xh, W_hh, b_h, W_hq, b_q):
    """Every hidden state ``(T+1, B, H)`` (``[0]`` is ``H0``) and the logits ``(T*B, V)``.

    No graph is built here (call it under ``torch.no_grad`` or from a Function).
    (``tanh(a) = 2 sigmoid(2a) - 1`` would be a third faster on the CPU, but it
    loses tanh's relative precision near 0: float32 gradients then differed from
    autograd's by 5e-5 at hidden 512, so the loop keeps ``tanh``.)
    """
    B, T = X.shape
    Hn = W_hh.shape[0]
    hs = W_hh.new_empty(T + 1, B, Hn)                        # (T+1, B, H): all backward keeps
    hs[0] = H0
    # one-hot x_t @ W_xh is row x_t of W_xh: one lookup for every step, b_h folded in
    torch.index_select(W_xh + b_h, 0, X.T.reshape(-1), out=hs[1:].view(T * B, Hn))
    steps = hs.unbind(0)
    for t in range(T):                                       # the only sequential part
        steps[t + 1].addmm_(steps[t], W_hh).tanh_()          # h_t, (B, H)
    logits = torch.addmm(b_q, hs[1:].view(T * B, Hn), W_hq)  # (T*B, V), time-major
    return hs, logits


def rnn_backward(X, hs, W_hh, W_hq, weights, g_logits, g_HT, vocab_size, need=(True,) * 6):
    """Lesson 07's BPTT, batched over steps where it can be.

    Returns the gradients of ``(H0, W_xh, W_hh, b_h, W_hq, b_q)`` (None where
    ``need`` is False). ``weights[t]`` scales what step ``t`` sends back into
    ``h_{t-1}`` (truncated BPTT), as in ``bptt_gradients``.
    """
    T1, B, Hn = hs.shape
    T = T1 - 1
    h_all = hs[1:].view(T * B, Hn)                           # h_1 … h_T
    dW_hq = db_q = None
    d = _scratch("d", (T, B, Hn), hs)                        # becomes ∂L/∂a_t, in place
    if g_logits is not None:
        dW_hq = (g_logits.T @ h_all).T if need[4] else None  # (H, V): one product, all steps
        db_q = g_logits.sum(0) if need[5] else None
        torch.mm(g_logits, W_hq.T, out=d.view(T * B, Hn))    # ∂L/∂h_t via the output layer
    else:
        d.zero_()
    if g_HT is not None:
        d[-1] += g_HT                                        # the final state was used after
    tanh_grad = torch.addcmul(hs.new_ones(()), hs[1:], hs[1:], value=-1,   # 1 - h_t², all t
                              out=_scratch("tanh_grad", (T, B, Hn), hs))
    ds, gs = d.unbind(0), tanh_grad.unbind(0)
    W_hh_T = W_hh.T
    ds[T - 1].mul_(gs[T - 1])                                # d becomes ∂L/∂a_t, in place
    for t in range(T - 2, -1, -1):
        # ∂L/∂h_t = output path + weights[t+1] · ∂L/∂a_{t+1} W_hhᵀ, then through tanh
        ds[t].addmm_(ds[t + 1], W_hh_T, alpha=weights[t + 1]).mul_(gs[t])
    d_a = d.view(T * B, Hn)                                  # ∂L/∂a_t, (T*B, H)
    dH0 = (ds[0] @ W_hh_T).mul_(weights[0]) if need[0] else None
    dW_xh = (d_a.new_zeros(vocab_size, Hn).index_add_(0, X.T.reshape(-1), d_a)
             if need[1] else None)                           # one-hot rows: a scatter-add
    dW_hh = hs[:-1].reshape(T * B, Hn).T @ d_a if need[2] else None  # one product, all steps
    db_h = d_a.sum(0) if need[3] else None
    return dH0, dW_xh, dW_hh, db_h, dW_hq, db_q


class FusedRNN(torch.autograd.Function):
    """``(logits, H_T)`` of the scratch RNN; backward is the hand-written BPTT."""

    @staticmethod
    def forward(ctx, X, H0, W_xh, W_hh, b_h, W_hq, b_q, weights):
        hs, logits = rnn_forward_states(X, H0, W_xh, W_hh, b_h, W_hq, b_q)
        ctx.save_for_backward(X, hs, W_hh, W_hq)             # the hidden states, nothing else
        ctx.weights, ctx.vocab_size = weights, W_xh.shape[0]
        ctx.set_materialize_grads(False)
        return logits, hs[-1].clone()                        # a copy: the caller may change it

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, g_logits, g_HT):
        X, hs, W_hh, W_hq = ctx.saved_tensors
        need = ctx.needs_input_grad[1:7]
        grads = rnn_backward(X, hs, W_hh, W_hq, ctx.weights,
                             None if g_logits is None else g_logits.contiguous(),
                             g_HT, ctx.vocab_size, need)
        return (None, *grads, None)


def fused_rnn(X, H0, W_xh, W_hh, b_h, W_hq, b_q, carry_weights=None):
    """Lesson 07's BPTT as an engine: ``(logits (T*B, V), H_T (B, H))`` with a hand backward.

    ``X`` holds token indices ``(batch, num_steps)`` (already checked by the
    caller); ``carry_weights[t]`` scales the gradient step ``t`` sends into ``h_{t-1}``.
    """
    T = X.shape[1]
    weights = [1.0] * T if carry_weights is None else [float(w) for w in carry_weights]
    if len(weights) != T:
        raise ValueError(f"carry_weights must have num_steps = {T} entries, got {len(weights)}")
    return FusedRNN.apply(X, H0, W_xh, W_hh, b_h, W_hq, b_q, weights)
