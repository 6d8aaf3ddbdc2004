"""Checkers for notebook 04 (an RNN from scratch)."""

from __future__ import annotations

import copy
import math

import torch

from ...generation import predict
from ...i18n import tr
from ...models import RNNScratch
from ...text.corpus import load_corpus_time_machine
from ...text.minibatches import SeqDataLoader
from ...training.loop import train
from .feedback import Feedback, as_count, as_number, correct, describe, never_crashes, wrong


def _as_tensor(value):
    """A student's returned array as a float32 tensor, or None if it is not numbers."""
    if value is None or isinstance(value, (str, bytes)):
        return None
    try:
        t = torch.as_tensor(value.detach() if isinstance(value, torch.Tensor) else value)
    except Exception:  # objects, ragged lists
        return None
    if t.dtype == torch.bool or t.is_complex() or not (t.dtype.is_floating_point or t.dtype in (
            torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8)):
        return None
    return t.to(torch.float32)


@never_crashes
def check_num_params(vocab_size: int, num_hiddens: int, answer) -> Feedback:
    """Exercise 1: how many numbers does the scratch RNN learn for this vocabulary and hidden size?
    """
    V, H = vocab_size, num_hiddens
    right = V * H + H * H + H + H * V + V
    count = as_count(answer)
    if count is None:
        return wrong(tr("nb04.check_num_params.not_an_integer", answer=describe(answer)))
    answer = count
    if answer == right:
        return correct(tr("nb04.check_num_params.correct", right=right))
    hints = {
        V * H + H * V: "nb04.check_num_params.no_w_hh",
        V * H + H * H + H * V: "nb04.check_num_params.no_biases",
        V * H + H * H + H * V + V: "nb04.check_num_params.no_b_h",
        V * H + H * H + H * V + H: "nb04.check_num_params.no_b_q",
    }
    if answer in hints:
        return wrong(tr(hints[answer]))
    return wrong(tr("nb04.check_num_params.wrong", answer=answer, V=V, H=H))


@never_crashes
def check_temperature_softmax(softmax_t) -> Feedback:
    """Exercise 4: ``softmax_t(logits, temperature)`` -> the probabilities to sample from."""
    if not callable(softmax_t):
        return wrong(tr("nb04.check_temperature_softmax.not_callable", type_name=type(softmax_t).__name__))
    logits = torch.tensor([2.0, 1.0, 0.0, -1.0])
    cases = {}
    try:
        for t in (0.5, 1.0, 3.0):
            got = softmax_t(logits.clone(), t)
            if isinstance(got, torch.Tensor):
                got = got.detach()
            cases[t] = torch.as_tensor(got, dtype=torch.float32)
    except Exception as exc:  # the student's code, or a result that is not numbers
        return wrong(tr("nb04.check_temperature_softmax.call_raised", type_name=type(exc).__name__, exc=exc))
    for t, got in cases.items():
        if tuple(got.shape) != (4,):
            return wrong(tr("nb04.check_temperature_softmax.wrong_shape", tuple_shape=tuple(got.shape)))
        if not torch.isclose(got.sum(), torch.tensor(1.0), atol=1e-5):
            return wrong(tr("nb04.check_temperature_softmax.not_normalised", float=float(got.sum()), t=t))
        if torch.allclose(got, torch.softmax(logits * t, 0), atol=1e-5) and t != 1.0:
            return wrong(tr("nb04.check_temperature_softmax.multiplied_by_temperature"))
        if torch.allclose(got, torch.softmax(logits, 0), atol=1e-5) and t != 1.0:
            return wrong(tr("nb04.check_temperature_softmax.ignored_temperature", t=t))
        if not torch.allclose(got, torch.softmax(logits / t, 0), atol=1e-5):
            return wrong(tr("nb04.check_temperature_softmax.wrong_probabilities", t=t))
    return correct(tr("nb04.check_temperature_softmax.correct"))


# --------------------------------------------------------------------------- prediction with warm-up
def _predict_problem():
    """The checker's own small model and vocabulary (never the lesson's), with large random weights
    so that a missing or doubled warm-up step changes the text."""
    _, vocab = load_corpus_time_machine(2_000)
    model = RNNScratch(len(vocab), 16, device="cpu", scale=0.8,
                       generator=torch.Generator().manual_seed(5), fused=False)
    return model, vocab


def _greedy(model, vocab, inputs: list[int], num_preds: int) -> str:
    """Greedy text after feeding ``inputs`` one by one from a zero state (the last is the first input
    whose output is used)."""
    with torch.no_grad():
        state = model.begin_state(1)
        for i in inputs[:-1]:
            _, state = model(torch.tensor([[i]]), state)
        last, out = inputs[-1], []
        for _ in range(num_preds):
            logits, state = model(torch.tensor([[last]]), state)
            last = int(logits.argmax())
            out.append(last)
    return "".join(vocab.to_tokens(out))


PREDICT_CASES = (("time traveller ", 12), ("the ", 8), ("t", 5))


@never_crashes
def check_predict(predict_fn) -> Feedback:
    """Exercise 2: ``predict_fn(prefix, num_preds, net, vocab, device)`` -> prefix + greedy text.

    The function gets copies of the checker's model and vocabulary; its text is compared with
    ``rnnlab.predict``'s and, when it differs, with the two usual mistakes (no warm-up: only the
    prefix's last character read from a zero state; the last character read twice).
    """
    if not callable(predict_fn):
        return wrong(tr("nb04.check_predict.not_callable", type_name=type(predict_fn).__name__))
    model, vocab = _predict_problem()
    for prefix, n in PREDICT_CASES:
        want = predict(prefix, n, model, vocab)
        try:
            got = predict_fn(prefix, n, copy.deepcopy(model), copy.deepcopy(vocab), "cpu")
        except Exception as exc:  # the student's code: report, don't crash
            return wrong(tr("nb04.check_predict.raised", prefix=prefix, n=n,
                            error=type(exc).__name__, detail=" ".join(str(exc).split())[:200]))
        if not isinstance(got, str):
            return wrong(tr("nb04.check_predict.not_text", got=describe(got)))
        if got == want:
            continue
        if not got.startswith(prefix):
            return wrong(tr("nb04.check_predict.prefix", prefix=prefix, got=got[:60]))
        if len(got) != len(prefix) + n:
            return wrong(tr("nb04.check_predict.length", prefix=prefix, n=n, want=len(prefix) + n,
                            got=len(got)))
        indices = [vocab[ch] for ch in prefix]
        if got == prefix + _greedy(model, vocab, indices[-1:], n):
            return wrong(tr("nb04.check_predict.no_warmup", prefix=prefix))
        if got == prefix + _greedy(model, vocab, indices + indices[-1:], n):
            return wrong(tr("nb04.check_predict.twice", prefix=prefix))
        return wrong(tr("nb04.check_predict.wrong", prefix=prefix, n=n, want=want, got=got))
    return correct(tr("nb04.check_predict.correct"))


# --------------------------------------------------------------------------- one epoch of training
def _epoch_problem(use_random_iter: bool):
    """The checker's own small model and a loader over its own text (seeded: re-made identically)."""
    corpus, vocab = load_corpus_time_machine(800)
    model = RNNScratch(len(vocab), 12, device="cpu", scale=0.5,
                       generator=torch.Generator().manual_seed(7), fused=False)
    loader = SeqDataLoader(corpus, 4, 8, use_random_iter=use_random_iter, seed=3)
    return model, loader


def _after_epoch(use_random_iter: bool, lr: float, state: str, theta):
    model, loader = _epoch_problem(use_random_iter)
    history = train(model, loader, epochs=1, lr=lr, optimizer="sgd", theta=theta, state=state)
    return model, history.train_ppl[-1]


def _same_weights(a, b) -> bool:
    return all(p.shape == q.shape and torch.allclose(p, q, rtol=1e-4, atol=1e-6)
               for p, q in zip(a.parameters(), b.parameters(), strict=True))


@never_crashes
def check_train_epoch(train_epoch) -> Feedback:
    """Exercise 3: ``train_epoch(net, train_iter, lr, use_random_iter)`` -> the epoch's perplexity.

    One epoch of SGD with clipping at θ = 1, the state fresh per batch for random sampling and
    carried (detached) for sequential partitioning, on the checker's own small model and text;
    the weights after it and the perplexity it returns are compared with ``rnnlab.train``'s.
    """
    if not callable(train_epoch):
        return wrong(tr("nb04.check_train_epoch.not_callable", type_name=type(train_epoch).__name__))
    lr = 0.5
    for use_random_iter in (False, True):
        scheme = tr("nb04.check_train_epoch.random" if use_random_iter
                    else "nb04.check_train_epoch.sequential")
        policy, other = ("fresh", "carry") if use_random_iter else ("carry", "fresh")
        want_model, want_ppl = _after_epoch(use_random_iter, lr, policy, 1.0)
        model, loader = _epoch_problem(use_random_iter)
        try:
            got = train_epoch(model, loader, lr, use_random_iter)
        except Exception as exc:  # the student's code: report, don't crash
            detail = " ".join(str(exc).split())[:200]
            key = ("nb04.check_train_epoch.not_detached" if "second time" in detail
                   else "nb04.check_train_epoch.raised")
            return wrong(tr(key, scheme=scheme, error=type(exc).__name__, detail=detail))
        if not _same_weights(model, want_model):
            if _same_weights(model, _after_epoch(use_random_iter, lr, other, 1.0)[0]):
                key = ("nb04.check_train_epoch.carried" if use_random_iter
                       else "nb04.check_train_epoch.fresh")
                return wrong(tr(key))
            if _same_weights(model, _after_epoch(use_random_iter, lr, policy, None)[0]):
                return wrong(tr("nb04.check_train_epoch.no_clipping"))
            return wrong(tr("nb04.check_train_epoch.weights", scheme=scheme))
        if getattr(got, "ndim", 0) > 0:   # an array holding the number is not the number
            return wrong(tr("nb04.check_train_epoch.not_number", got=describe(got)))
        value = as_number(got)
        if value is None or not math.isclose(value, want_ppl, rel_tol=1e-4):
            return wrong(tr("nb04.check_train_epoch.perplexity", want=want_ppl, got=describe(got)))
    return correct(tr("nb04.check_train_epoch.correct"))
