"""Cutting a long token sequence into minibatches of (input, target) subsequences.

Two schemes:

* **random sampling** — each example is a subsequence taken from anywhere in
  the text, in random order; neighbouring batches are unrelated, so a model
  must start from a fresh state for each batch.
* **sequential partitioning** — row ``i`` of batch ``k + 1`` continues row ``i``
  of batch ``k`` in the text, so the final hidden state of one batch is a
  valid starting state for the next (detached, so gradients stop at the
  batch boundary).

Both start at a random offset in ``[0, num_steps - 1]`` so that, over epochs,
every position of the text is at some point the start of a subsequence.
"""

from __future__ import annotations

import itertools

import torch

from ..checks import require_bool, require_int
from ..randomness import draw_seed
from .corpus import load_corpus_time_machine, train_val_split


def _as_tensor(corpus) -> torch.Tensor:
    """The corpus as a 1-D ``torch.long`` tensor of indices >= 0; a clear error for anything else.

    Floats are refused rather than truncated (``2.7`` is not a token index), and so are
    characters: they must first go through the vocabulary.
    """
    if isinstance(corpus, str) or (isinstance(corpus, (list, tuple)) and corpus
                                   and isinstance(corpus[0], str)):
        raise TypeError("corpus must hold token indices (integers), got characters/strings; "
                        "map them first: corpus = [vocab[token] for token in tokens]")
    try:
        tensor = torch.as_tensor(corpus)
    except (TypeError, ValueError, RuntimeError) as exc:
        raise TypeError(f"corpus must be a flat sequence of integer token indices (a list, a "
                        f"tensor or an array), got {type(corpus).__name__}: {exc}") from None
    if tensor.numel() == 0:
        tensor = tensor.long()
    if tensor.dtype == torch.bool or tensor.dtype.is_floating_point or tensor.dtype.is_complex:
        raise TypeError(f"corpus must hold integer token indices, got dtype {tensor.dtype}; "
                        "floats are not truncated silently: convert on purpose with .long() "
                        "if they really are indices")
    if tensor.ndim != 1:
        raise ValueError(f"corpus must be a flat sequence of token indices, got shape {tuple(tensor.shape)}")
    tensor = tensor.long()
    if tensor.numel() and int(tensor.min()) < 0:
        raise ValueError(f"corpus must hold token indices >= 0, got {int(tensor.min())}")
    return tensor


def min_corpus_length(batch_size: int, num_steps: int) -> int:
    """Lesson 03. The shortest corpus that gives one full batch whatever the random offset."""
    return (batch_size + 1) * num_steps


def _check_args(corpus: torch.Tensor, batch_size, num_steps) -> None:
    require_int("batch_size", batch_size, minimum=1)
    require_int("num_steps", num_steps, minimum=1)
    need = min_corpus_length(batch_size, num_steps)
    if len(corpus) < need:
        raise ValueError(
            f"corpus of {len(corpus)} tokens is too short for batch_size={batch_size} and "
            f"num_steps={num_steps}: one batch needs at least (batch_size + 1) * num_steps = "
            f"{need} tokens; use a smaller batch_size or num_steps, or more text"
        )


def _offset(offset, num_steps: int, generator) -> int:
    """``offset`` checked to lie in ``[0, num_steps - 1]``, or drawn there when None."""
    if offset is None:
        return int(torch.randint(0, num_steps, (1,), generator=generator))
    # Larger offsets only drop text: every start position is already reached by one in this range.
    return require_int("offset", offset, minimum=0, maximum=num_steps - 1)


def seq_data_iter_random(corpus, batch_size: int, num_steps: int, generator=None, offset=None):
    """Lesson 03. Yield ``(X, Y)`` minibatches of non-overlapping subsequences in random order.

    ``X`` and ``Y`` have shape ``(batch_size, num_steps)``; ``Y`` is ``X`` shifted by one token.
    """
    corpus = _as_tensor(corpus)
    _check_args(corpus, batch_size, num_steps)
    offset = _offset(offset, num_steps, generator)
    corpus = corpus[offset:]
    # -1 because every input token needs the token after it as its target.
    num_subseqs = (len(corpus) - 1) // num_steps
    starts = torch.arange(0, num_subseqs * num_steps, num_steps)
    starts = starts[torch.randperm(num_subseqs, generator=generator)]
    steps = torch.arange(num_steps)
    for i in range(num_subseqs // batch_size):
        batch_starts = starts[i * batch_size : (i + 1) * batch_size]
        index = batch_starts[:, None] + steps[None, :]
        yield corpus[index], corpus[index + 1]


def seq_data_iter_sequential(corpus, batch_size: int, num_steps: int, generator=None, offset=None):
    """Lesson 03. Yield ``(X, Y)`` minibatches in which row ``i`` continues from the previous batch."""
    corpus = _as_tensor(corpus)
    _check_args(corpus, batch_size, num_steps)
    offset = _offset(offset, num_steps, generator)
    num_tokens = ((len(corpus) - offset - 1) // batch_size) * batch_size
    Xs = corpus[offset : offset + num_tokens].reshape(batch_size, -1)
    Ys = corpus[offset + 1 : offset + 1 + num_tokens].reshape(batch_size, -1)
    for i in range(Xs.shape[1] // num_steps):
        cols = slice(i * num_steps, (i + 1) * num_steps)
        yield Xs[:, cols], Ys[:, cols]


class SeqDataLoader:
    """Lesson 06. A re-iterable loader: each ``for`` loop draws a new offset (and order) from its generator.

    ``len(loader)`` is the number of batches every epoch yields (the count for
    the largest offset, so it is the same each epoch). Pass ``seed`` for
    repeatable runs; ``random_offset=False`` always starts at token 0, which is
    what an evaluation pass over held-out text wants.
    """

    def __init__(self, corpus, batch_size: int, num_steps: int, use_random_iter: bool = False,
                 seed: int | None = None, random_offset: bool = True):
        self.corpus = _as_tensor(corpus)
        _check_args(self.corpus, batch_size, num_steps)
        self.batch_size, self.num_steps = int(batch_size), int(num_steps)
        self.use_random_iter = require_bool("use_random_iter", use_random_iter)
        self.random_offset = require_bool("random_offset", random_offset)
        self.generator = torch.Generator()
        self.seed = draw_seed(seed)
        self.generator.manual_seed(self.seed)
        worst_offset = num_steps - 1 if random_offset else 0
        usable = len(self.corpus) - worst_offset - 1
        if self.use_random_iter:
            self._num_batches = (usable // num_steps) // batch_size
        else:
            self._num_batches = (usable // batch_size) // num_steps

    @property
    def num_tokens_per_epoch(self) -> int:
        return self._num_batches * self.batch_size * self.num_steps

    def __len__(self) -> int:
        return self._num_batches

    def __iter__(self):
        fn = seq_data_iter_random if self.use_random_iter else seq_data_iter_sequential
        offset = None if self.random_offset else 0
        batches = fn(self.corpus, self.batch_size, self.num_steps, self.generator, offset)
        return itertools.islice(batches, self._num_batches)

    def __repr__(self) -> str:
        scheme = "random" if self.use_random_iter else "sequential"
        return (f"SeqDataLoader({scheme}, batch_size={self.batch_size}, "
                f"num_steps={self.num_steps}, batches={len(self)}, tokens={len(self.corpus)})")


def load_data_time_machine(batch_size: int, num_steps: int, use_random_iter: bool = False,
                           max_tokens: int = 10000, seed: int | None = None):
    """Lesson 04. Return ``(loader, vocab)`` over the first ``max_tokens`` characters of the book."""
    corpus, vocab = load_corpus_time_machine(max_tokens)
    loader = SeqDataLoader(corpus, batch_size, num_steps, use_random_iter, seed=seed)
    return loader, vocab


def load_data_time_machine_split(batch_size: int, num_steps: int, use_random_iter: bool = False,
                                 max_tokens: int = -1, val_fraction: float = 0.1,
                                 seed: int | None = 0):
    """Lesson 04. Return ``(train_loader, val_loader, vocab)``: the last ``val_fraction`` is held out.

    The validation loader is sequential and always starts at the first
    held-out token, so a validation perplexity is the same number every time.
    """
    corpus, vocab = load_corpus_time_machine(max_tokens)
    train, val = train_val_split(corpus, val_fraction)
    train_loader = SeqDataLoader(train, batch_size, num_steps, use_random_iter, seed=seed)
    val_batch = max(1, min(batch_size, len(val) // (2 * num_steps)))
    val_loader = SeqDataLoader(val, val_batch, num_steps, use_random_iter=False,
                               seed=0, random_offset=False)
    return train_loader, val_loader, vocab
