"""The bundled corpus: H. G. Wells, *The Time Machine*, shipped inside the package.

Nothing is downloaded: the text is read through ``importlib.resources`` and its
SHA-1 is checked, so a damaged install fails loudly instead of training on
something else.
"""

from __future__ import annotations

import hashlib
import re
from importlib import resources

from ..checks import as_real, require_choice, require_int
from .vocab import Vocab

TIME_MACHINE_FILE = "timemachine.txt"
TIME_MACHINE_SHA1 = "090b5e7e70c295757f55df93cb0a180b9691891a"
TOKEN_KINDS = ("word", "char")


class CorpusError(RuntimeError):
    """Lesson 02. The bundled data file is missing or not the file the course ships."""


def read_data_file(name: str = TIME_MACHINE_FILE, sha1: str = TIME_MACHINE_SHA1) -> str:
    """Lesson 02. Return the text of a bundled data file after checking its SHA-1.

    A copy whose line endings were turned into Windows ones (CRLF, what git does on Windows
    to a text file without ``.gitattributes``) is named as such, with the way to restore it.
    """
    path = resources.files("rnnlab.data").joinpath(name)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CorpusError(
            f"the bundled data file {name!r} is missing from {path}; "
            "reinstall rnnlab (pip install -e .) to restore it"
        ) from None
    except (IsADirectoryError, PermissionError, NotADirectoryError) as exc:
        kind = "a directory" if path.is_dir() else "not a readable file"
        raise CorpusError(
            f"the bundled data file {name!r} at {path} is {kind} ({type(exc).__name__}); "
            "remove what is there and reinstall rnnlab (pip install -e .) to restore the file"
        ) from None
    digest = hashlib.sha1(raw).hexdigest()
    if digest != sha1:
        if b"\r\n" in raw and hashlib.sha1(raw.replace(b"\r\n", b"\n")).hexdigest() == sha1:
            raise CorpusError(
                f"the bundled data file {name!r} at {path} has Windows line endings (CRLF) "
                "instead of the LF it ships with, so its SHA-1 does not match: git converted "
                "it (core.autocrlf). The repository's .gitattributes marks it binary; with that "
                "in place, restore it with: git rm --cached -q rnnlab/data/"
                f"{name} && git checkout -- rnnlab/data/{name} (or reinstall rnnlab from a "
                "wheel)"
            )
        raise CorpusError(
            f"the bundled data file {name!r} at {path} has SHA-1 {digest}, expected {sha1}: "
            "the file was altered or damaged; restore it with git checkout or reinstall rnnlab"
        )
    return raw.decode("utf-8")


def read_time_machine() -> list[str]:
    """Lesson 02. The book's lines: letters only (everything else becomes a space), lower case, stripped."""
    lines = read_data_file().splitlines()
    return [re.sub("[^A-Za-z]+", " ", line).strip().lower() for line in lines]


def tokenize(lines, token: str = "word") -> list[list[str]]:
    """Lesson 02. Split each line into word tokens or character tokens."""
    require_choice("token", token, TOKEN_KINDS)
    if isinstance(lines, str):
        raise TypeError("lines must be a list of strings, got a single str; wrap it as [text]")
    if token == "word":
        return [line.split() for line in lines]
    return [list(line) for line in lines]


def load_corpus_time_machine(max_tokens: int = -1, token: str = "char"):
    """Lesson 02. Return ``(corpus, vocab)``: the book as a flat list of token indices and its vocabulary.

    Lines are joined with a space between them when ``token="char"`` so that
    words on neighbouring lines stay apart (``max_tokens=-1`` keeps all of it).
    """
    require_int("max_tokens", max_tokens, minimum=-1)
    require_choice("token", token, TOKEN_KINDS)
    lines = read_time_machine()
    if token == "char":
        text = " ".join(line for line in lines if line)
        tokens = list(text)
    else:
        tokens = [t for line in tokenize(lines, "word") for t in line]
    vocab = Vocab([tokens])
    corpus = [vocab[t] for t in tokens]
    if max_tokens > 0:
        corpus = corpus[:max_tokens]
    return corpus, vocab


def train_val_split(corpus, val_fraction: float = 0.1):
    """Lesson 03. Split a corpus into a training part and the held-out text that follows it.

    The validation part is the *end* of the text, one contiguous block, so no
    validation token is ever seen in training (a random split of characters
    would leak context across the boundary).
    """
    fraction = as_real(val_fraction)   # numpy scalars and 0-d tensors too
    if fraction is None:
        raise TypeError(f"val_fraction must be a number in (0, 1), got {val_fraction!r} "
                        f"({type(val_fraction).__name__})")
    if not 0 < fraction < 1:
        raise ValueError(f"val_fraction must be in (0, 1), got {val_fraction!r}")
    val_fraction = fraction
    n_val = int(round(len(corpus) * val_fraction))
    if n_val < 2 or len(corpus) - n_val < 2:
        raise ValueError(
            f"corpus of {len(corpus)} tokens is too short to split with "
            f"val_fraction={val_fraction}; each part needs at least 2 tokens"
        )
    return corpus[:-n_val], corpus[-n_val:]


def heldout_stream(context: int, max_val_tokens: int = -1, val_fraction: float = 0.1,
                   max_tokens: int = -1):
    """Lessons 03–04. ``(tokens, start)``: the last ``context`` training characters, then the held-out text.

    ``tokens[start:]`` is the validation part of :func:`train_val_split` (its first
    ``max_val_tokens`` when that is > 0); ``tokens[:start]`` is the text just before it, the
    context of the first validation characters. An n-gram model
    (``ngram.perplexity(model, tokens, start)``) and an RNN
    (``rnnlab.training.stream_perplexity(model, tokens, start)``) score exactly these tokens.
    """
    context = require_int("context", context, minimum=0)
    max_val_tokens = require_int("max_val_tokens", max_val_tokens, minimum=-1)
    if max_val_tokens == 0:
        raise ValueError("max_val_tokens must be -1 (all of the held-out text) or positive, got 0")
    corpus, _ = load_corpus_time_machine(max_tokens)
    train, val = train_val_split(corpus, val_fraction)
    if len(train) < context:
        raise ValueError(f"context={context} is longer than the training text ({len(train)} "
                         f"tokens)")
    if max_val_tokens > 0:
        val = val[:max_val_tokens]
    return list(train[len(train) - context:]) + list(val), context
