"""n-gram language models: counting, Laplace (add-alpha) smoothing and perplexity.

An n-gram model makes the Markov assumption of order ``n - 1``: the next token
depends only on the ``n - 1`` tokens before it, and its probability is a ratio
of counts,

    P(x_t | context) = (count(context, x_t) + alpha) / (count(context) + alpha * V).

With ``alpha = 0`` (plain counting) a single unseen n-gram in held-out text has
probability 0 and the perplexity is infinite; ``alpha > 0`` gives every token
of the vocabulary (size ``V``) some probability.

:func:`baseline_perplexity` is the number a neural language model has to
beat: the best n-gram model's perplexity on the book's held-out characters.
"""

from __future__ import annotations

import collections
import copy
import functools
import math
from dataclasses import dataclass

import torch

from ..checks import as_real, require_int
from ..i18n import tr
from .corpus import heldout_stream, load_corpus_time_machine, train_val_split


def ngrams(tokens, n: int) -> list[tuple]:
    """Lesson 03. All ``n``-token windows of ``tokens``, as tuples, in order."""
    n = require_int("n", n, minimum=1)
    tokens = list(tokens)
    return list(zip(*(tokens[i:] for i in range(n)), strict=False))  # shorter rows stop it


def ngram_counts(tokens, n: int) -> collections.Counter:
    """Lesson 03. How often each ``n``-gram (a tuple of ``n`` tokens) occurs."""
    return collections.Counter(ngrams(tokens, n))


def ngram_frequencies(tokens, n: int) -> list[int]:
    """Lesson 03. The n-gram counts sorted from most to least frequent (the y values of a Zipf plot)."""
    return sorted(ngram_counts(tokens, n).values(), reverse=True)


def _check_alpha(alpha) -> float:
    """A finite number >= 0 (numpy's too); TypeError for a non-number, ValueError out of range."""
    if as_real(alpha) is None:
        raise TypeError(f"alpha must be a finite number >= 0 (0 = no smoothing, 1 = Laplace), "
                        f"got {alpha!r} ({type(alpha).__name__})")
    value = as_real(alpha)
    if not value >= 0 or math.isinf(value):
        raise ValueError(f"alpha must be a finite number >= 0 (0 = no smoothing, "
                         f"1 = Laplace), got {alpha!r}")
    return value


def token_indices(name: str, tokens, vocab_size: int) -> list[int]:
    """Lesson 03. ``tokens`` as a list of Python ints in ``[0, vocab_size)``; floats (``2.7``), bools and
    indices outside the vocabulary are refused, not truncated or given a probability."""
    if isinstance(tokens, torch.Tensor):
        if tokens.dtype == torch.bool or tokens.dtype.is_floating_point or tokens.dtype.is_complex:
            raise TypeError(f"{name} must hold integer token indices, got dtype {tokens.dtype}")
        tokens = tokens.reshape(-1).tolist()
    elif isinstance(tokens, (str, bytes)):
        raise TypeError(f"{name} must be token indices, got the string {tokens!r}; map it with "
                        "vocab[...] first")
    else:
        tokens = list(tokens)
        if not all(type(t) is int for t in tokens):
            tokens = [require_int(f"{name}[{i}]", t) for i, t in enumerate(tokens)]
    if tokens and not 0 <= min(tokens) <= max(tokens) < vocab_size:
        bad = next(t for t in tokens if not 0 <= t < vocab_size)
        raise ValueError(f"{name} must be indices in [0, {vocab_size - 1}] "
                         f"(vocab_size={vocab_size}); found {bad}")
    return tokens


class NgramModel:
    """Lesson 03. A count-based n-gram language model with add-``alpha`` (Laplace) smoothing.

    ``tokens`` is the training text as a flat list of token indices in
    ``[0, vocab_size)``. A context never seen in training gets the uniform
    distribution (there is no evidence to prefer any token).
    """

    def __init__(self, tokens, n: int, vocab_size: int, alpha: float = 1.0):
        self.n = require_int("n", n, minimum=1)
        self.vocab_size = require_int("vocab_size", vocab_size, minimum=1)
        self.alpha = _check_alpha(alpha)
        tokens = token_indices("tokens", tokens, self.vocab_size)
        self.counts = ngram_counts(tokens, self.n)
        # count(context) = how often the context is followed by *some* token.
        self.context_counts = collections.Counter()
        for gram, c in self.counts.items():
            self.context_counts[gram[:-1]] += c

    def _context(self, context) -> tuple:
        context = tuple(token_indices("context", context, self.vocab_size))
        if len(context) < self.n - 1:
            raise ValueError(f"a {self.n}-gram model needs a context of {self.n - 1} tokens, "
                             f"got {len(context)}: {context}")
        return context[len(context) - (self.n - 1):]

    def prob(self, token: int, context=()) -> float:
        """``P(token | last n-1 tokens of context)``."""
        context = self._context(context)
        total = self.context_counts[context]
        if total == 0 and self.alpha == 0:
            return 1.0 / self.vocab_size
        token = require_int("token", token, minimum=0, maximum=self.vocab_size - 1)
        return (self.counts[context + (token,)] + self.alpha) / (
            total + self.alpha * self.vocab_size)

    def distribution(self, context=()) -> torch.Tensor:
        """``P(· | context)`` over the whole vocabulary, shape ``(vocab_size,)``."""
        context = self._context(context)
        return torch.tensor([self.prob(t, context) for t in range(self.vocab_size)],
                            dtype=torch.float64)

    def nll(self, tokens, start: int | None = None) -> list[float]:
        """``-log P(tokens[t] | tokens[t-n+1:t])`` for each ``t >= start`` (default ``n - 1``)."""
        tokens = token_indices("tokens", tokens, self.vocab_size)
        start = self.n - 1 if start is None else require_int(
            "start", start, minimum=self.n - 1, maximum=len(tokens) - 1)
        if len(tokens) <= start:
            raise ValueError(f"tokens has {len(tokens)} tokens; a {self.n}-gram model needs "
                             f"more than {start} to score at least one")
        # prob() inlined: this loop scores tens of thousands of tokens.
        n, alpha, V = self.n, self.alpha, self.vocab_size
        counts, context_counts = self.counts, self.context_counts
        out = []
        for t in range(start, len(tokens)):
            gram = tuple(tokens[t - n + 1 : t + 1])
            total = context_counts.get(gram[:-1], 0)
            if total == 0 and alpha == 0:
                p = 1.0 / V
            else:
                p = (counts.get(gram, 0) + alpha) / (total + alpha * V)
            out.append(math.inf if p == 0 else -math.log(p))
        return out

    def with_alpha(self, alpha: float) -> NgramModel:
        """The same counts with another smoothing strength (no recounting)."""
        other = copy.copy(self)
        other.alpha = _check_alpha(alpha)
        return other

    def __repr__(self) -> str:
        return (f"NgramModel(n={self.n}, vocab_size={self.vocab_size}, alpha={self.alpha:g}, "
                f"distinct n-grams={len(self.counts)})")


def perplexity_from_probs(probs) -> float:
    """Lesson 03. ``exp(mean(-log p))`` over the probabilities a model gave the tokens that occurred."""
    probs = torch.as_tensor(probs, dtype=torch.float64).reshape(-1)
    if len(probs) == 0:
        raise ValueError("probs must hold at least one probability")
    if bool(((probs < 0) | (probs > 1)).any()):
        raise ValueError(f"probs must lie in [0, 1], got values from {float(probs.min())} "
                         f"to {float(probs.max())}")
    return float(torch.exp(-torch.log(probs).mean()))


def perplexity(model: NgramModel, tokens, start: int | None = None) -> float:
    """Lesson 00. Perplexity of ``model`` on ``tokens``: exp of the mean negative log-likelihood.

    1 means every token was predicted with certainty; ``vocab_size`` is what
    uniform guessing scores; infinite means some token got probability 0.
    """
    # imported here: rnnlab.training's package imports the text package (one direction at load)
    from ..metrics import perplexity as from_mean_loss

    nll = model.nll(tokens, start)
    return from_mean_loss(sum(nll) / len(nll))   # the course's one perplexity (inf past a float)


@dataclass(frozen=True)
class NgramBaseline:
    """Lesson 03. Validation perplexities of character n-gram models on the book's held-out end.

    ``table[(n, alpha)]`` is the perplexity of the n-gram model with add-alpha
    smoothing. The baseline is the best entry: n *and* alpha are chosen by
    looking at the validation text itself, which flatters the n-gram model, so
    a model that beats it has beaten a generous bar.
    """

    table: dict  # (n, alpha) -> validation perplexity
    num_train: int
    num_val: int
    vocab_size: int

    @property
    def best(self) -> tuple:
        return min(self.table, key=self.table.get)

    @property
    def best_n(self) -> int:
        return self.best[0]

    @property
    def best_alpha(self) -> float:
        return self.best[1]

    @property
    def perplexity(self) -> float:
        return self.table[self.best]

    def by_n(self, alpha: float) -> dict:
        """``n -> perplexity`` for one smoothing strength."""
        return {n: p for (n, a), p in self.table.items() if a == alpha}

    def __str__(self) -> str:
        return tr("ngram.baseline", n=self.best_n, alpha=self.best_alpha, ppl=self.perplexity,
                  num_train=self.num_train, num_val=self.num_val, vocab_size=self.vocab_size)


BASELINE_NS = (1, 2, 3, 4, 5, 6, 7)
BASELINE_ALPHAS = (1.0, 0.3, 0.1, 0.03, 0.01)


def ngram_baseline(ns=BASELINE_NS, alphas=BASELINE_ALPHAS, max_train_tokens: int = -1,
                   val_fraction: float = 0.1, max_tokens: int = -1,
                   max_val_tokens: int = -1) -> NgramBaseline:
    """Lesson 03. Fit character n-gram models on the training part of the book and score the held-out part.

    The split is :func:`rnnlab.train_val_split` of the character corpus, the
    same one :func:`rnnlab.load_data_time_machine_split` gives the RNN. Every
    model scores the same validation tokens: the last training characters
    serve as the context of the first validation characters.

    ``max_train_tokens`` fits the n-grams on only the first characters of the
    training part (as an RNN recipe with ``max_tokens`` trains on them), so
    a model trained on less text is compared with a baseline that saw the same
    text; the validation text does not change. ``max_tokens`` shortens the
    whole corpus before the split (for quick tests); ``max_val_tokens`` > 0 scores only
    the first validation characters (as a live panel validates on them). The scored
    tokens are :func:`rnnlab.text.corpus.heldout_stream`'s, the ones
    :func:`rnnlab.training.stream_perplexity` scores for an RNN.
    """
    # checked, then as tuples of plain numbers: a list (ns=[1, 2]) is as good as a tuple
    require_int("max_train_tokens", max_train_tokens, minimum=-1)
    for name, values in (("ns", ns), ("alphas", alphas)):
        if not isinstance(values, (list, tuple, range)):
            raise TypeError(f"{name} must be a list or tuple of numbers, got {values!r} "
                            f"({type(values).__name__})")
    ns = tuple(require_int("n", n, minimum=1) for n in ns)
    alphas = tuple(_check_alpha(a) for a in alphas)
    if not ns or not alphas:
        raise ValueError(f"ns and alphas must each name at least one value, got {ns}, {alphas}")
    return _ngram_baseline(ns, alphas, max_train_tokens, val_fraction, max_tokens, max_val_tokens)


@functools.lru_cache(maxsize=8)
def _ngram_baseline(ns, alphas, max_train_tokens, val_fraction, max_tokens,
                    max_val_tokens) -> NgramBaseline:
    corpus, vocab = load_corpus_time_machine(max_tokens)
    train, val = train_val_split(corpus, val_fraction)
    context = max(ns) - 1
    if len(train) < context:
        raise ValueError(f"the training text ({len(train)} tokens) is shorter than the "
                         f"largest context ({context}); use smaller ns or more text")
    scored, _ = heldout_stream(context, max_val_tokens, val_fraction, max_tokens)
    if max_val_tokens > 0:
        val = val[:max_val_tokens]
    if max_train_tokens > 0:
        train = train[:max_train_tokens]
    table = {}
    for n in ns:
        model = NgramModel(train, n, len(vocab))
        for alpha in alphas:
            table[(n, alpha)] = perplexity(model.with_alpha(alpha), scored, start=context)
    return NgramBaseline(table, len(train), len(val), len(vocab))


def baseline_perplexity(max_train_tokens: int = -1, max_val_tokens: int = -1) -> float:
    """Lesson 03. The best character n-gram model's validation perplexity: the number an RNN must beat.

    Pass the RNN's ``max_tokens`` as ``max_train_tokens`` when it trains on only
    the start of the book, so both models learn from the same text, and
    ``max_val_tokens`` when it is validated on only the start of the held-out text.
    """
    return ngram_baseline(max_train_tokens=max_train_tokens,
                          max_val_tokens=max_val_tokens).perplexity
