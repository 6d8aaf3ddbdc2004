"""Lesson 03 (language models): the notes' "deep learning niubi" example, n-gram storage, the α figure.

Everything is computed from the bundled book: the chain rule with counts from its words,
what a full n-gram table would store against what the book contains, and the validation
perplexity of the character n-grams behind the lesson-04 baseline.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..checks import require_int
from ..i18n import tr
from ..text.ngram import _check_alpha, ngram_baseline, ngram_counts
from ..text.vocab import Vocab
from ..text.zipf import book_word_tokens, plot_zipf

NIUBI = ("deep", "learning", "niubi")


@dataclass(frozen=True)
class ChainFactor:
    """One factor P(word | context) of the chain rule: its counts and its two estimates."""

    word: str
    context: tuple
    count: int            # n(context, word): how often the book has context then word
    context_count: int    # n(context): how often context is followed by a word (N if empty)
    vocab_size: int
    alpha: float
    smoothed: float       # (count + alpha) / (context_count + alpha * vocab_size)

    @property
    def plain(self) -> float | None:
        """count / context_count, or None when the context never occurs (0/0)."""
        return None if self.context_count == 0 else self.count / self.context_count

    def label(self) -> str:
        return f"P({self.word} | {', '.join(self.context)})" if self.context else f"P({self.word})"


@dataclass(frozen=True)
class ChainRuleExample:
    """The chain rule for a few words, estimated by counting in the book, with and without smoothing."""

    words: tuple
    factors: tuple        # ChainFactor per word
    in_vocabulary: tuple  # is each word in the vocabulary built from the book?
    num_words: int        # N, the book's word tokens
    alpha: float

    @property
    def plain(self) -> float | None:
        """The product of the plain count ratios: 0 as soon as one is 0; None if undefined."""
        values = [f.plain for f in self.factors]
        if any(v == 0 for v in values if v is not None):
            return 0.0
        if any(v is None for v in values):
            return None
        product = 1.0
        for v in values:
            product *= v
        return product

    @property
    def smoothed(self) -> float:
        product = 1.0
        for f in self.factors:
            product *= f.smoothed
        return product

    def __str__(self) -> str:
        lines = [f"{tr('lesson03.factor'):<28} {tr('lesson03.counts'):>14} {tr('lesson03.plain'):>9}   "
                 + tr("lesson03.laplace", alpha=self.alpha)]
        for f in self.factors:
            ratio = f"{f.count} / {f.context_count}"
            plain = tr("lesson03.undefined") if f.plain is None else f"{f.plain:.3g}"
            smoothed = (f"({f.count} + {self.alpha:g}) / ({f.context_count} + "
                        f"{self.alpha:g} x {f.vocab_size}) = {f.smoothed:.3g}")
            lines.append(f"{f.label():<28} {ratio:>14} {plain:>9}   {smoothed}")
        plain = tr("lesson03.undefined") if self.plain is None else f"{self.plain:.3g}"
        lines.append(f"{tr('lesson03.product'):<28} {'':>14} {plain:>9}   {self.smoothed:.3g}")
        unknown = [w for w, known in zip(self.words, self.in_vocabulary, strict=True) if not known]
        if unknown:
            lines.append(tr("lesson03.unknown", words=", ".join(map(repr, unknown))))
        return "\n".join(lines)


def chain_rule_example(words=NIUBI, alpha: float = 1.0, tokens=None) -> ChainRuleExample:
    """Lesson 03. P(w_1, …, w_T) by the chain rule, each factor counted in the book's words.

    Factor t is ``P(w_t | w_1 … w_(t-1))`` = n(w_1 … w_t) / n(w_1 … w_(t-1)) (the first one
    n(w_1) / N), and with add-``alpha`` smoothing over the vocabulary built from ``tokens``
    (the book's words by default, every word kept, V with ``<unk>``) it is
    (n(…, w_t) + α) / (n(…) + α V). The counts are of the words as written; a word the
    vocabulary lacks (it would become ``<unk>``) is marked in ``in_vocabulary``.
    """
    if isinstance(words, str) or not words or not all(isinstance(w, str) for w in words):
        raise TypeError(f"words must be a non-empty tuple of strings, got {words!r}")
    words = tuple(words)
    alpha = _check_alpha(alpha)
    tokens = book_word_tokens() if tokens is None else list(tokens)
    vocab_size = len(Vocab(tokens))
    known = set(tokens)
    factors = []
    for t, word in enumerate(words):
        context = words[:t]
        grams = ngram_counts(tokens, t + 1)
        count = grams[words[: t + 1]]
        # n(context): how often the context is followed by some word (NgramModel's count)
        context_count = sum(c for gram, c in grams.items() if gram[:-1] == context)
        smoothed = (count + alpha) / (context_count + alpha * vocab_size)
        factors.append(ChainFactor(word, context, count, context_count, vocab_size, alpha, smoothed))
    return ChainRuleExample(words, tuple(factors), tuple(w in known for w in words),
                            len(tokens), alpha)


@dataclass(frozen=True)
class StorageRow:
    n: int
    vocab_size: int
    seen: int             # distinct n-grams in the text

    @property
    def table(self) -> int:
        """Numbers a full table of P(x_t | previous n-1 tokens) holds: V^n."""
        return self.vocab_size ** self.n


def ngram_storage(ns=(1, 2, 3), tokens=None) -> list[StorageRow]:
    """Lesson 03. For each n: V^n (a full n-gram table) against the distinct n-grams the text has.

    ``tokens`` defaults to the book's words; V is the size of the vocabulary built from them.
    """
    ns = tuple(require_int("n", n, minimum=1) for n in ns)
    tokens = book_word_tokens() if tokens is None else list(tokens)
    vocab_size = len(Vocab(tokens))
    return [StorageRow(n, vocab_size, len(ngram_counts(tokens, n))) for n in ns]


def plot_baseline(baseline=None, alphas=None, ax=None):
    """Lesson 03. Validation perplexity of the character n-grams against n, one line per α.

    ``baseline`` defaults to :func:`~rnnlab.text.ngram.ngram_baseline`; ``alphas`` to every α
    it tried, so the best one is always among the lines. Log y axis: the interesting
    region (4.5–7) stays readable beside uniform guessing. Returns the figure.
    """
    import matplotlib.pyplot as plt

    baseline = ngram_baseline() if baseline is None else baseline
    tried = sorted({a for _, a in baseline.table}, reverse=True)
    alphas = tried if alphas is None else [_check_alpha(a) for a in alphas]
    missing = [a for a in alphas if a not in tried]
    if missing:
        raise ValueError(f"alphas must be among those the baseline tried, {tried}; got {missing}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(8.0, 4.4))
    else:
        fig = ax.figure
    for i, alpha in enumerate(alphas):
        by_n = baseline.by_n(alpha)
        best = alpha == baseline.best_alpha
        ax.plot(list(by_n), list(by_n.values()), "o-", color=f"C{i}", lw=2.5 if best else 1.2,
                label=tr("lesson03.alpha_best", alpha=alpha) if best else f"α = {alpha:g}")
    ax.axhline(baseline.vocab_size, color="0.5", ls=":",
               label=tr("lesson03.uniform", V=baseline.vocab_size))
    ax.plot([baseline.best_n], [baseline.perplexity], "*", ms=16, color="C3", zorder=5,
            label=tr("lesson03.baseline", n=baseline.best_n, ppl=baseline.perplexity))
    ax.set_yscale("log")
    ticks = [4, 5, 6, 7, 8, 10, 15, 20, 30]
    ax.set_yticks(ticks)
    ax.set_yticklabels([str(t) for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel(tr("lesson03.n_axis"), fontsize=12)
    ax.set_ylabel(tr("lesson03.ppl_axis"), fontsize=12)
    ax.set_title(tr("lesson03.baseline_title"), fontsize=12)
    ax.set_ylim(4, 32)
    ax.legend(fontsize=11, ncol=2)
    return fig


def plot_ngram_zipf(freq_lists: dict, fits: dict):
    """Lesson 03. Zipf's law for word n-grams: ``freq_lists`` and ``fits`` map n to counts and fits."""
    label = {n: tr("lesson03.ngrams", n=n) for n in freq_lists}
    return plot_zipf({label[n]: f for n, f in freq_lists.items()},
                     fits={label[n]: fit for n, fit in fits.items()}, title=tr("lesson03.zipf_title"))
