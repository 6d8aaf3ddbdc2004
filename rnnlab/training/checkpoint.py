"""Saving a trained model with its vocabulary, hyperparameters and history — in one file.

The file holds only tensors and plain containers (dict, list, str, int, float,
bool, None), so it is loaded with ``torch.load(..., weights_only=True)``:
opening a checkpoint never runs code from it.

Nothing is lost: :func:`save_checkpoint` writes a temporary file next to the
target, loads it back to make sure it can be read, and only then renames it into
place — a save that fails or is interrupted leaves the previous file as it was.
numpy scalars, enums and numpy strings are stored as the built-in values they
stand for. The file carries a SHA-256 digest of everything in it, so a damaged
file (a flipped bit in the weights) is reported instead of loaded.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import torch

from ..checks import to_builtin
from ..device import resolve_device
from ..files import atomic_path
from ..models import MODEL_CLASSES
from ..text.vocab import Vocab
from .history import History

FORMAT = "rnnlab-checkpoint"
VERSION = 2          # 2 adds the digest; version 1 files (no digest) still load
READABLE_VERSIONS = (1, 2)


class CheckpointError(RuntimeError):
    """The file is not a readable rnnlab checkpoint."""


def _digest(payload: dict) -> str:
    """SHA-256 over every entry but the digest itself: the weights' bytes and the rest as JSON."""
    h = hashlib.sha256()
    rest = {k: v for k, v in payload.items() if k not in ("state_dict", "digest")}
    h.update(json.dumps(rest, sort_keys=True, default=repr).encode("utf-8"))
    for name in sorted(payload["state_dict"]):
        t = payload["state_dict"][name]
        h.update(f"{name}|{t.dtype}|{tuple(t.shape)}|".encode())
        h.update(t.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes())
    return h.hexdigest()


def _vocab_payload(vocab: Vocab) -> dict:
    tokens = [to_builtin(t, "vocab") for t in vocab.idx_to_token]
    if not all(isinstance(t, str) for t in tokens):
        bad = next(t for t in tokens if not isinstance(t, str))
        raise TypeError(f"vocab tokens must be strings to be saved, got {bad!r} "
                        f"({type(bad).__name__})")
    freqs = [[str(to_builtin(t, "vocab")), int(c)] for t, c in vocab.token_freqs]
    return {"idx_to_token": tokens, "token_freqs": freqs}


def _check_target(path: Path) -> None:
    if path.is_dir():
        raise IsADirectoryError(f"cannot save a checkpoint to {str(path)!r}: it is a directory; "
                                f"give a file name inside it, e.g. {str(path / 'model.pt')!r}")
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"cannot save a checkpoint to {str(path)!r}: the folder "
                                f"{str(folder)!r} does not exist; create it first")


def save_checkpoint(path, model, vocab: Vocab, hyperparams: dict | None = None,
                    history: History | None = None) -> Path:
    """Write model weights, its constructor arguments, the vocabulary, hyperparameters and
    the training history to ``path``; return the path.

    The write is atomic: the previous file at ``path`` (if any) is replaced only once the
    new one is complete and loads back.
    """
    name = type(model).__name__
    if name not in MODEL_CLASSES:
        raise TypeError(f"model must be one of {sorted(MODEL_CLASSES)}, got {name}")
    if not isinstance(vocab, Vocab):
        raise TypeError(f"vocab must be an rnnlab.Vocab, got {type(vocab).__name__}")
    if model.vocab_size != len(vocab):
        raise ValueError(f"the model has vocab_size={model.vocab_size} but the vocabulary holds "
                         f"{len(vocab)} tokens: save the model with the vocabulary it was "
                         "trained on")
    if hyperparams is not None and not isinstance(hyperparams, dict):
        raise TypeError(f"hyperparams must be a dict or None, got {type(hyperparams).__name__}")
    hyperparams = to_builtin(dict(hyperparams or {}), "hyperparams")
    if history is not None and not isinstance(history, History):
        raise TypeError(f"history must be a History or None, got {type(history).__name__}")
    path = Path(path)
    _check_target(path)
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "model_class": name,
        "model_config": to_builtin(model.config, "model.config"),
        "state_dict": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()},
        "vocab": _vocab_payload(vocab),
        "hyperparams": hyperparams,
        "history": None if history is None else history.to_dict(),
    }
    payload["digest"] = _digest(payload)

    def loads_back(tmp: Path) -> None:  # a file that cannot be read back is not a save
        try:
            _load(tmp, torch.device("cpu"))
        except CheckpointError as exc:
            raise CheckpointError(f"the checkpoint for {str(path)!r} was written but does not "
                                  f"load back, so it was not saved: {exc}") from exc

    with atomic_path(path, check=loads_back, what="a checkpoint") as tmp, open(tmp, "wb") as f:
        torch.save(payload, f)
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


def _load(path: Path, device: torch.device):
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
    version = payload.get("version")
    if version not in READABLE_VERSIONS:
        raise CheckpointError(f"{str(path)!r} has checkpoint version {version!r}; "
                              f"this rnnlab reads versions {list(READABLE_VERSIONS)}")
    required = ["model_class", "model_config", "state_dict", "vocab", "hyperparams", "history"]
    if version >= 2:
        required.append("digest")
    missing = [k for k in required if k not in payload]
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
    # Last, so that a structural problem above is named precisely; what passes those
    # checks but differs from what was saved (a flipped bit in a weight) is caught here.
    if version >= 2:
        try:
            ok = isinstance(payload["state_dict"], dict) and payload["digest"] == _digest(payload)
        except Exception:  # a damaged entry that cannot even be hashed
            ok = False
        if not ok:
            raise CheckpointError(f"{str(path)!r} is damaged: its contents do not match the "
                                  "digest stored when it was saved (a changed byte in the weights "
                                  "or settings); use another copy or save it again")
    return model, vocab, payload["hyperparams"], history


def load_checkpoint(path, device=None):
    """Return ``(model, vocab, hyperparams, history)`` saved by :func:`save_checkpoint`.

    Raises :class:`CheckpointError` naming the problem when the file is not a
    checkpoint, is truncated or damaged (its digest does not match), or was written
    by another format version.
    """
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{str(path)!r} is a directory, not a checkpoint file")
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {str(path)!r}")
    return _load(path, resolve_device(device))
