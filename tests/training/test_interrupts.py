"""Ctrl-C at every line of a training run: nothing of the caller's is damaged.

A real SIGINT (``signal.raise_signal``) is delivered at the k-th line event inside
``rnnlab/training/`` for every k of a small run (training, validation, the hooks'
bookkeeping, the restoring itself). After each: autograd is on, the model is in the
mode it had, the SIGINT handler is the one before, and the run raised
``TrainingInterrupted`` with a consistent, savable history — or, for a signal that
landed before ``train`` had begun anything, a plain ``KeyboardInterrupt``.
"""

import signal
import sys
from pathlib import Path

import pytest
import torch

import rnnlab.training
from rnnlab.models import RNNScratch
from rnnlab.text.vocab import Vocab
from rnnlab.training import History, TrainingInterrupted, evaluate, save_checkpoint, train

TRAINING_DIR = str(Path(rnnlab.training.__file__).parent)
V = 6


def _batches(seed, n):
    g = torch.Generator().manual_seed(seed)
    return [(torch.randint(0, V, (2, 3), generator=g), torch.randint(0, V, (2, 3), generator=g))
            for _ in range(n)]


TRAIN, VAL = _batches(0, 2), _batches(1, 1)


def _run(model, calls):
    def on_batch(step):
        calls.append(step.step)
        step.log("loss", step.loss)

    def on_epoch(epoch, history, model):
        history.info.setdefault("seen", []).append(epoch)

    return train(model, TRAIN, VAL, epochs=2, lr=0.5, state="carry", on_batch=on_batch,
                 on_epoch=on_epoch)


def _deliver_sigint_at(k, fn):
    """Run ``fn`` with a real SIGINT raised at the k-th line event in rnnlab/training/; return
    ``(events seen, outcome)``."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
            if count == k:
                signal.raise_signal(signal.SIGINT)
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(TRAINING_DIR) else None

    sys.settrace(calls)
    try:
        outcome = fn()
    except KeyboardInterrupt as exc:
        outcome = exc
    finally:
        sys.settrace(None)
    return count, outcome


def _consistent(history: History) -> list:
    """What is wrong with ``history`` (empty: nothing)."""
    wrong = []
    n = history.epochs
    for name in ("train_loss", "train_ppl", "grad_norm", "tokens_per_s", "seconds", "epoch_steps"):
        if len(getattr(history, name)) != n:
            wrong.append(f"{name} has {len(getattr(history, name))} entries for {n} epochs")
    if not len(history.val_ppl) == len(history.val_epochs) == len(history.val_loss):
        wrong.append("validation lists differ in length")
    steps = history.epoch_steps[-1] if history.epoch_steps else 0
    if len(history.step_grad_norms) != steps or len(history.step_metrics.get("loss", [])) != steps:
        wrong.append("step lists do not match the complete epochs")
    seen = history.info.get("seen", [])   # the hook's own record, untrimmed: off by one at most
    if seen != list(range(1, len(seen) + 1)) or not n - 1 <= len(seen) <= n + 1:
        wrong.append(f"on_epoch saw {history.info.get('seen')} for {n} epochs")
    if History.from_dict(history.to_dict()) != history:
        wrong.append("does not round-trip")
    return wrong


def test_a_ctrl_c_at_every_line_of_a_run_damages_nothing(tmp_path):
    handler_before = signal.getsignal(signal.SIGINT)
    n_events, outcome = _deliver_sigint_at(0, lambda: _run(RNNScratch(V, 4), []))
    assert isinstance(outcome, History) and outcome.epochs == 2 and not outcome.interrupted
    assert n_events > 300, n_events   # the whole run: checks, batches, validation, bookkeeping
    damaged, kinds = [], {"TrainingInterrupted": 0, "KeyboardInterrupt before any work": 0}
    vocab = Vocab(list("abcde"))
    for k in range(1, n_events + 1):
        mode = bool(k % 2)
        model = RNNScratch(V, 4).train(mode)
        calls = []
        _, outcome = _deliver_sigint_at(k, lambda model=model, calls=calls: _run(model, calls))
        problems = []
        if not torch.is_grad_enabled():
            problems.append("autograd off")
            torch.set_grad_enabled(True)
        if model.training != mode:
            problems.append(f"model mode {model.training}, was {mode}")
        if signal.getsignal(signal.SIGINT) is not handler_before:
            problems.append("SIGINT handler not restored")
            signal.signal(signal.SIGINT, handler_before)
        if isinstance(outcome, TrainingInterrupted):
            kinds["TrainingInterrupted"] += 1
            problems += _consistent(outcome.history)
            if not outcome.history.interrupted:
                problems.append("history not marked interrupted")
            if k % 50 == 0:  # savable: a checkpoint of the cut run loads back
                save_checkpoint(tmp_path / "cut.pt", model, vocab, history=outcome.history)
        elif type(outcome) is KeyboardInterrupt and not calls:
            kinds["KeyboardInterrupt before any work"] += 1
        else:
            problems.append(f"outcome {type(outcome).__name__} after {len(calls)} steps")
        if problems:
            damaged.append((k, problems))
    print(f"\n{n_events} line events, {kinds}, damaged: {len(damaged)}")
    assert not damaged, damaged[:5]
    assert kinds["TrainingInterrupted"] > 0.9 * n_events


def test_a_ctrl_c_at_every_line_of_an_evaluation_restores_mode_and_autograd():
    n_events, _ = _deliver_sigint_at(0, lambda: evaluate(RNNScratch(V, 4), VAL, state="fresh"))
    assert n_events > 20
    for k in range(1, n_events + 1):
        model = RNNScratch(V, 4).train(bool(k % 2))
        _, outcome = _deliver_sigint_at(k, lambda model=model: evaluate(model, VAL, state="fresh"))
        assert isinstance(outcome, KeyboardInterrupt), (k, outcome)
        assert torch.is_grad_enabled(), k
        assert model.training == bool(k % 2), k


@pytest.mark.parametrize("mode", [True, False])
def test_train_leaves_the_models_mode_and_autograd_as_it_found_them(mode):
    model = RNNScratch(V, 4).train(mode)
    with torch.no_grad():
        history = train(model, TRAIN, VAL, epochs=1, lr=0.5, state="fresh")
        assert not torch.is_grad_enabled()
    assert model.training == mode and history.epochs == 1
