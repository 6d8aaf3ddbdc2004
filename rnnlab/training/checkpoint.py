"""Saving a trained model with its vocabulary, hyperparameters and history — in one file.

The file holds only tensors and plain containers (dict, list, str, int, float,
bool, None), so it is loaded with ``torch.load(..., weights_only=True)``:
opening a checkpoint never runs code from it.
"""

from __future__ import annotations

from pathlib import Path

import torch

from ..device import resolve_device
from ..models import MODEL_CLASSES
from ..text.vocab import Vocab
from .history import History

FORMAT = "rnnlab-checkpoint"
VERSION = 1


class CheckpointError(RuntimeError):
    """The file is not a readable rnnlab checkpoint."""


def _check_plain(name: str, value, where: str = "") -> None:
    """Raise unless ``value`` is made only of dict/list/tuple/str/int/float/bool/None."""
    where = where or name
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, float):
        return
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _check_plain(name, v, f"{where}[{i}]")
        return
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{name} keys must be strings; {where} has key {k!r}")
            _check_plain(name, v, f"{where}[{k!r}]")
        return
    raise TypeError(f"{name} may hold only dicts, lists, strings, numbers, bools and None "
                    f"(so loading never runs code); {where} is a {type(value).__name__}")


def save_checkpoint(path, model, vocab: Vocab, hyperparams: dict | None = None,
                    history: History | None = None) -> Path:
    """Write model weights, its constructor arguments, the vocabulary, hyperparameters and
    the training history to ``path``; return the path."""
    name = type(model).__name__
    if name not in MODEL_CLASSES:
        raise TypeError(f"model must be one of {sorted(MODEL_CLASSES)}, got {name}")
    if not isinstance(vocab, Vocab):
        raise TypeError(f"vocab must be an rnnlab.Vocab, got {type(vocab).__name__}")
    hyperparams = dict(hyperparams or {})
    _check_plain("hyperparams", hyperparams)
    if history is not None and not isinstance(history, History):
        raise TypeError(f"history must be a History or None, got {type(history).__name__}")
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "model_class": name,
        "model_config": model.config,
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "vocab": {"idx_to_token": list(vocab.idx_to_token),
                  "token_freqs": [[t, int(c)] for t, c in vocab.token_freqs]},
        "hyperparams": hyperparams,
        "history": None if history is None else history.to_dict(),
    }
    path = Path(path)
    torch.save(payload, path)
    return path


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"


def _vocab_from(data: dict) -> Vocab:
    # Rebuild the exact index order that was saved (not a recount of tokens).
    idx_to_token = list(data["idx_to_token"])
    distinct = len(set(idx_to_token)) == len(idx_to_token)
    if not idx_to_token or idx_to_token[0] != "<unk>" or not distinct:
        raise CheckpointError("the saved vocabulary is damaged: it must start with '<unk>' and "
                              "hold distinct tokens")
    vocab = Vocab()
    vocab.idx_to_token = idx_to_token
    vocab.token_to_idx = {t: i for i, t in enumerate(idx_to_token)}
    vocab._token_freqs = [(t, int(c)) for t, c in data["token_freqs"]]
    return vocab


def load_checkpoint(path, device=None):
    """Return ``(model, vocab, hyperparams, history)`` saved by :func:`save_checkpoint`.

    Raises :class:`CheckpointError` naming the problem when the file is not a
    checkpoint, is truncated or damaged, or was written by another format version.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {str(path)!r}")
    device = resolve_device(device)
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch.load fails in many ways on bad bytes; all mean the same here
        raise CheckpointError(
            f"{str(path)!r} is not a readable rnnlab checkpoint (truncated, damaged, or a "
            f"different kind of file): {_describe(exc)}"
        ) from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{str(path)!r} is a torch file but not an rnnlab checkpoint "
                              f"(no format={FORMAT!r} entry); save one with save_checkpoint")
    if payload.get("version") != VERSION:
        raise CheckpointError(f"{str(path)!r} has checkpoint version {payload.get('version')!r}; "
                              f"this rnnlab reads version {VERSION}")
    missing = [k for k in ("model_class", "model_config", "state_dict", "vocab", "hyperparams",
                           "history") if k not in payload]
    if missing:
        raise CheckpointError(f"{str(path)!r} is damaged: entries {missing} are missing")
    cls = MODEL_CLASSES.get(payload["model_class"])
    if cls is None:
        raise CheckpointError(f"{str(path)!r} holds an unknown model class "
                              f"{payload['model_class']!r}; known: {sorted(MODEL_CLASSES)}")
    try:
        model = cls(**payload["model_config"], device=device)
        model.load_state_dict(payload["state_dict"])
        vocab = _vocab_from(payload["vocab"])
        history = None if payload["history"] is None else History.from_dict(payload["history"])
    except CheckpointError:
        raise
    except (TypeError, ValueError, RuntimeError, KeyError) as exc:
        raise CheckpointError(f"{str(path)!r} is damaged: {_describe(exc)}") from exc
    if len(vocab) != model.vocab_size:
        raise CheckpointError(f"{str(path)!r} is damaged: the vocabulary has {len(vocab)} tokens "
                              f"but the model expects {model.vocab_size}")
    return model, vocab, payload["hyperparams"], history

