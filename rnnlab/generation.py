"""Generating text from a trained model: warm up on a prefix, then predict one token at a time.

*Warm-up*: the prefix is fed through the model only to build a hidden state
that summarises it (its outputs are thrown away). *Prediction*: the model's
output for the last token chooses the next token, which becomes the next
input. :func:`predict` always picks the most likely token (greedy);
:func:`sample` draws it from ``softmax(logits / temperature)``.
"""

from __future__ import annotations

import warnings

import torch
from torch.nn import functional as F

from .checks import as_int, require_int, require_positive_float
from .device import resolve_device
from .models import model_device


def _prefix_indices(prefix, vocab) -> list[int]:
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a str, got {type(prefix).__name__}")
    if len(prefix) == 0:
        raise ValueError("prefix must hold at least one character: the model needs a first input")
    unknown = sorted({ch for ch in prefix if ch not in vocab})
    if unknown:
        warnings.warn(f"prefix characters {unknown} are not in the vocabulary and are read as "
                      "'<unk>'", stacklevel=4)
    return [vocab[ch] for ch in prefix]


def _check_model_and_vocab(model, vocab) -> None:
    if not isinstance(model, torch.nn.Module) or not hasattr(model, "begin_state"):
        raise TypeError(f"model must be an rnnlab model (RNNScratch, RNNModel, …), "
                        f"got {type(model).__name__}")
    if not hasattr(vocab, "to_tokens") or not hasattr(vocab, "__len__"):
        raise TypeError(f"vocab must be an rnnlab.Vocab, got {type(vocab).__name__}")
    size = getattr(model, "vocab_size", None)
    if size is not None and size != len(vocab):
        raise ValueError(f"the model has vocab_size={size} but the vocabulary holds {len(vocab)} "
                         "tokens: generate with the vocabulary the model was trained on")


def _device_of(model, device) -> torch.device:
    """The model's device; a ``device`` that names another is an error (states live with the model)."""
    own = model_device(model)
    if device is not None:
        wanted = resolve_device(device)
        if wanted.type != own.type or (wanted.index is not None and own.index is not None
                                       and wanted.index != own.index):
            raise ValueError(f"device={device!r} but the model's parameters are on {own}; "
                             f"move the model first (model.to({str(wanted)!r})) or leave device=None")
    return own


def generate(prefix, num_preds, model, vocab, choose, device=None) -> str:
    """Lesson 04. Warm up on ``prefix``, then ``num_preds`` times: ``choose`` a token from the logits."""
    num_preds = require_int("num_preds", num_preds, minimum=0)
    _check_model_and_vocab(model, vocab)
    indices = _prefix_indices(prefix, vocab)
    device = _device_of(model, device)
    was_training = model.training
    model.eval()
    generated = []
    try:
        with torch.no_grad():
            state = model.begin_state(1, device)
            # Warm-up: run the prefix (all but its last token) only to update the state.
            if len(indices) > 1:
                _, state = model(torch.tensor([indices[:-1]], device=device), state)
            last = indices[-1]
            for _ in range(num_preds):
                logits, state = model(torch.tensor([[last]], device=device), state)
                last = choose(logits[0])
                generated.append(last)
    finally:  # an error (or Ctrl-C) mid-generation must not leave the model in eval mode
        model.train(was_training)
    return prefix + "".join(vocab.to_tokens(generated))


def predict(prefix: str, num_preds: int, model, vocab, device=None) -> str:
    """Lesson 04. ``prefix`` followed by ``num_preds`` greedily predicted characters."""
    return generate(prefix, num_preds, model, vocab, lambda logits: int(logits.argmax()), device)


def sample(prefix: str, num_preds: int, model, vocab, temperature: float = 1.0, generator=None,
           device=None) -> str:
    """Lesson 04. ``prefix`` followed by ``num_preds`` characters drawn with ``temperature``.

    Low temperature sharpens the distribution (→ greedy as it goes to 0), high
    temperature flattens it (→ uniform). ``generator`` (a ``torch.Generator``
    or an int seed) makes the draw repeatable.
    """
    temperature = require_positive_float("temperature", temperature)
    if as_int(generator) is not None:  # an int seed (numpy's too)
        generator = torch.Generator().manual_seed(require_int("generator", generator, minimum=0))
    elif generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, an int seed or None, "
                        f"got {type(generator).__name__}")

    def choose(logits):
        logits = logits.double().cpu()
        # Shift so the largest logit is 0 before dividing: with a tiny temperature (1e-320)
        # logits / T overflows to inf and softmax gives nan; (l - max) / T is 0 for the best
        # token and -inf or very negative for the rest, i.e. the greedy limit.
        probs = F.softmax((logits - logits.max()) / temperature, dim=-1)
        if not bool(torch.isfinite(probs).all()) or float(probs.sum()) <= 0:
            raise ValueError(f"the model's output gave no valid probabilities at "
                             f"temperature={temperature!r} (are its outputs nan or inf?)")
        return int(torch.multinomial(probs, 1, generator=generator))

    return generate(prefix, num_preds, model, vocab, choose, device)
