"""On a CUDA machine: the fused scratch RNN against autograd, and one training epoch. PASS/FAIL.

    .venv/bin/python scripts/gpu_check.py        # about a minute; exits 0 on PASS, 1 on FAIL

Checks, on the GPU: (1) rnnlab.fused (RNNScratch's default engine) gives the same
outputs, final state and gradients (all five parameters and the incoming state)
as the autograd path, in float64 (1e-10) and float32 (1e-5), with and without
carry weights, for a few shapes; (2) one epoch of RNNScratch through rnnlab.train
on CUDA runs, gives a finite perplexity, and matches the autograd engine's.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from torch.nn import functional as F  # noqa: E402

import rnnlab  # noqa: E402

NAMES = ("W_xh", "W_hh", "b_h", "W_hq", "b_q")
TOL = {torch.float64: 1e-10, torch.float32: 1e-5}


def gradients(model, X, Y, H0, carry_weights):
    H0 = H0.clone().requires_grad_(True)
    outputs, (HT,) = model(X, (H0,), carry_weights=carry_weights)
    loss = F.cross_entropy(outputs, Y.T.reshape(-1)) + (HT * HT).sum() * 0.1
    leaves = [*(getattr(model, n) for n in NAMES), H0]
    grads = torch.autograd.grad(loss, leaves, allow_unused=True)
    grads = [torch.zeros_like(t) if g is None else g for g, t in zip(grads, leaves, strict=True)]
    return [outputs.detach(), HT.detach(), *grads]


def equality(dtype, vocab, hidden, batch, steps, carry) -> float:
    """Largest difference, relative to the tolerance (<= 1 passes)."""
    torch.manual_seed(0)
    # weights of spectral radius about 0.9: a chaotic recurrence would amplify rounding itself
    fast = rnnlab.RNNScratch(vocab, hidden, device="cuda", scale=0.9 / hidden**0.5).to(dtype)
    slow = rnnlab.RNNScratch(vocab, hidden, device="cuda", fused=False).to(dtype)
    slow.load_state_dict(fast.state_dict())
    X = torch.randint(0, vocab, (batch, steps), device="cuda")
    Y = torch.randint(0, vocab, (batch, steps), device="cuda")
    H0 = torch.randn(batch, hidden, device="cuda", dtype=dtype) * 0.5
    weights = None
    if carry:
        weights = [1.0] * steps
        weights[steps // 2] = 0.0
    worst = 0.0
    for a, b in zip(gradients(fast, X, Y, H0, weights), gradients(slow, X, Y, H0, weights),
                    strict=True):
        err = ((a - b).abs() / (TOL[dtype] * (1 + b.abs()))).max().item()
        worst = max(worst, err)
    return worst


def one_epoch():
    corpus, vocab = rnnlab.load_corpus_time_machine(20_000)
    loader = rnnlab.SeqDataLoader(corpus, 32, 35, seed=0, random_offset=False)
    out = {}
    for fused in (True, False):
        torch.manual_seed(0)
        model = rnnlab.RNNScratch(len(vocab), 256, device="cuda", fused=fused)
        start = time.perf_counter()
        history = rnnlab.train(model, loader, epochs=1, lr=1.0, theta=1.0, device="cuda",
                               progress=False)
        torch.cuda.synchronize()
        out[fused] = (history.train_ppl[-1], time.perf_counter() - start)
    return out


def main() -> int:
    if not torch.cuda.is_available():
        print("FAIL: no CUDA device (torch.cuda.is_available() is False)")
        return 1
    print(f"device: {torch.cuda.get_device_name(0)}, torch {torch.__version__}")
    ok = True
    for dtype in (torch.float64, torch.float32):
        for vocab, hidden, batch, steps in ((28, 64, 5, 9), (28, 512, 32, 35), (7, 16, 1, 1)):
            for carry in (False, True):
                worst = equality(dtype, vocab, hidden, batch, steps, carry)
                passed = worst <= 1.0
                ok &= passed
                print(f"{'PASS' if passed else 'FAIL'}: fused == autograd, {dtype}, hidden "
                      f"{hidden}, batch {batch}, steps {steps}, carry weights {carry}: "
                      f"max error {worst:.3g} × tolerance")
    epoch = one_epoch()
    (ppl_f, s_f), (ppl_a, s_a) = epoch[True], epoch[False]
    passed = torch.isfinite(torch.tensor(ppl_f)).item() and abs(ppl_f - ppl_a) <= 1e-3 * ppl_a
    ok &= passed
    print(f"{'PASS' if passed else 'FAIL'}: one epoch on CUDA: perplexity {ppl_f:.4f} fused, "
          f"{ppl_a:.4f} autograd; {s_f:.2f} s fused, {s_a:.2f} s autograd (first epoch, with "
          "warm-up)")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
