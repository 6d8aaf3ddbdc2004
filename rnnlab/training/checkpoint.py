"""Saving a trained model with its vocabulary, hyperparameters and history — in one file.

The file holds only tensors and plain containers (dict, list, str, int, float,
bool, None), so it is loaded with ``torch.load(..., weights_only=True)``:
opening a checkpoint never runs code from it.

Nothing is lost: :func:`save_checkpoint` writes a temporary file next to the
target, loads it back to make sure it can be read, and only then renames it into
place — a save that fails or is interrupted leaves the previous file as it was.
numpy scalars, enums and numpy strings are stored as the built-in values they
stand for. The file carries a SHA-256 digest of everything in it, so a damaged
file (a flipped bit in the weights) is reported instead of loaded — and it is checked
before anything is built from the file's settings.

Version 3 keeps the model's dtype (float64, bfloat16, float16 reload as they were saved)
and can carry an optimizer's state, so that a run resumes exactly where it stopped:
``save_checkpoint(..., optimizer=opt)``, then :func:`load_checkpoint`,
:func:`load_optimizer_state` and ``train(..., history=history)``. Loading draws nothing
from the caller's random number generators.
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
VERSION = 3          # 3: dtype, optimizer state, a digest over every tensor; 2: the digest
READABLE_VERSIONS = (1, 2, 3)
DTYPES = {"float32": torch.float32, "float64": torch.float64, "float16": torch.float16,
          "bfloat16": torch.bfloat16}


class CheckpointError(RuntimeError):
    """Lesson 04. The file is not a readable rnnlab checkpoint."""


def _digest_v2(payload: dict) -> str:
    """Version 2's digest: the weights' bytes and the rest as JSON."""
    h = hashlib.sha256()
    rest = {k: v for k, v in payload.items() if k not in ("state_dict", "digest")}
    h.update(json.dumps(rest, sort_keys=True, default=repr).encode("utf-8"))
    for name in sorted(payload["state_dict"]):
        _hash_tensor(h, name, payload["state_dict"][name])
    return h.hexdigest()


def _hash_tensor(h, name: str, t) -> None:
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"{name} is a {type(t).__name__}, not a tensor")
    h.update(f"{name}|{t.dtype}|{tuple(t.shape)}|".encode())
    h.update(t.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes())


def _digest(payload: dict) -> str:
    """SHA-256 over every entry but the digest itself: every tensor's bytes (wherever it sits,
    the optimizer state included), everything else as JSON."""
    h = hashlib.sha256()
    tensors = {}

    def plain(value, where):
        if isinstance(value, torch.Tensor):
            tensors[where] = value
            return f"<tensor {where}>"
        if isinstance(value, dict):
            return {str(k): plain(v, f"{where}/{k}") for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v, f"{where}/{i}") for i, v in enumerate(value)]
        return value

    rest = plain({k: v for k, v in payload.items() if k != "digest"}, "")
    h.update(json.dumps(rest, sort_keys=True, default=repr).encode("utf-8"))
    for where in sorted(tensors):
        _hash_tensor(h, where, tensors[where])
    return h.hexdigest()


def _model_dtype(model) -> str:
    dtypes = {p.dtype for p in model.parameters() if p.dtype.is_floating_point}
    names = [k for k, v in DTYPES.items() if v in dtypes]
    if len(dtypes) != 1 or len(names) != 1:
        raise TypeError(f"the model's parameters must share one dtype of {sorted(DTYPES)} to be "
                        f"saved, got {sorted(str(d) for d in dtypes)}")
    return names[0]


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
                    history: History | None = None, *, optimizer=None) -> Path:
    """Lesson 04. Write model weights (in their dtype), its constructor arguments, the vocabulary,
    hyperparameters, the training history and, optionally, the ``optimizer``'s state (a
    ``torch.optim.Optimizer``: what a resumed run needs) to ``path``; return the path.

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
    if optimizer is not None and not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer or None, got "
                        f"{type(optimizer).__name__} (the loop's 'sgd' keeps no state to save)")
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
        "model_dtype": _model_dtype(model),
        "optimizer": None if optimizer is None else {
            "class": type(optimizer).__name__,
            "state": _cpu(optimizer.state_dict())},
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


def _cpu(value):
    """An optimizer's state dict with every tensor copied to the CPU."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().clone()
    if isinstance(value, dict):
        return {k: _cpu(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cpu(v) for v in value)
    return value


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
    if version >= 3:
        required += ["model_dtype", "optimizer"]
    missing = [k for k in required if k not in payload]
    if missing:
        raise CheckpointError(f"{str(path)!r} is damaged: entries {missing} are missing")
    # First: nothing is built from a setting the digest has not vouched for (a damaged
    # num_hiddens would otherwise allocate before any check could fail).
    if version >= 2:
        try:
            digest = _digest(payload) if version >= 3 else _digest_v2(payload)
            ok = isinstance(payload["state_dict"], dict) and payload["digest"] == digest
        except Exception:  # a damaged entry that cannot even be hashed
            ok = False
        if not ok:
            raise CheckpointError(f"{str(path)!r} is damaged: its contents do not match the "
                                  "digest stored when it was saved (a changed byte in the weights "
                                  "or settings); use another copy or save it again")
    cls = MODEL_CLASSES.get(payload["model_class"])
    if cls is None:
        raise CheckpointError(f"{str(path)!r} holds an unknown model class "
                              f"{payload['model_class']!r}; known: {sorted(MODEL_CLASSES)}")
    dtype = _saved_dtype(path, payload)
    # Building a model draws its initial weights: from a private copy of the generators,
    # so that loading leaves the caller's random stream where it was.
    cuda = [device.index or 0] if device.type == "cuda" else []
    try:
        with torch.random.fork_rng(devices=cuda):
            model = cls(**payload["model_config"], device=device)
        model.to(dtype)   # before the weights go in: load_state_dict casts to the model's dtype
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
    return model, vocab, payload["hyperparams"], history, payload.get("optimizer")


def _saved_dtype(path, payload) -> torch.dtype:
    """The dtype the model was saved in (version 3 names it; before, the weights show it)."""
    name = payload.get("model_dtype")
    if name is None:
        floats = {t.dtype for t in payload["state_dict"].values()
                  if isinstance(t, torch.Tensor) and t.dtype.is_floating_point}
        return floats.pop() if len(floats) == 1 else torch.float32
    if name not in DTYPES:
        raise CheckpointError(f"{str(path)!r} names model dtype {name!r}; known: {sorted(DTYPES)}")
    return DTYPES[name]


def _checked_path(path) -> Path:
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{str(path)!r} is a directory, not a checkpoint file")
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {str(path)!r}")
    return path


def load_checkpoint(path, device=None):
    """Lesson 04. Return ``(model, vocab, hyperparams, history)`` saved by :func:`save_checkpoint`.

    The model comes back in the dtype it was saved in. Raises :class:`CheckpointError`
    naming the problem when the file is not a checkpoint, is truncated or damaged (its
    digest does not match), or was written by another format version.
    """
    path = _checked_path(path)
    return _load(path, resolve_device(device))[:4]


def load_optimizer_state(path, optimizer) -> None:
    """Lesson 04. Put the optimizer state saved with ``save_checkpoint(..., optimizer=...)`` into
    ``optimizer`` (the same class, made for the loaded model's parameters), to resume a run.

    ``model, vocab, hp, history = load_checkpoint(path)``; ``opt = torch.optim.Adam(
    model.parameters(), lr=...)``; ``load_optimizer_state(path, opt)``; then
    ``train(model, loader, epochs=..., optimizer=opt, history=history)`` continues at epoch
    ``history.epochs + 1`` as the uninterrupted run would have (given the same batches).
    """
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    path = _checked_path(path)
    saved = _load(path, torch.device("cpu"))[4]
    if saved is None:
        raise CheckpointError(f"{str(path)!r} holds no optimizer state; save it with "
                              "save_checkpoint(..., optimizer=opt)")
    if saved["class"] != type(optimizer).__name__:
        raise ValueError(f"{str(path)!r} holds the state of a {saved['class']}, not of the given "
                         f"{type(optimizer).__name__}")
    try:
        optimizer.load_state_dict(saved["state"])
    except (ValueError, KeyError, RuntimeError) as exc:
        raise ValueError(f"the optimizer state in {str(path)!r} does not fit this optimizer (made "
                         f"for other parameters?): {_describe(exc)}") from exc
