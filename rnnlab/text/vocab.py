"""A vocabulary: the two-way map between tokens (strings) and indices (integers)."""

from __future__ import annotations

import collections

from ..checks import require_int

UNK = "<unk>"


def _is_token(token, line_types) -> bool:
    if isinstance(token, str):
        return True
    # where tuples are not lines (d2l's n-gram vocabularies), a tuple of strings is one token
    return (tuple not in line_types and isinstance(token, tuple)
            and all(isinstance(t, str) for t in token))


def _flat_tokens(tokens, line_types=(list, tuple)) -> list:
    """A flat list of tokens from a flat list/tuple of tokens or a list of token lines.

    Lines may be lists or tuples (``line_types``); mixing lines and single tokens, or tokens
    that are not strings, is an error that says where the first offending item is.
    """
    if isinstance(tokens, str):
        raise TypeError("tokens must be a list of tokens or of token lists, got a single str; "
                        "split it first, e.g. list(text) or text.split()")
    try:
        tokens = list(tokens)
    except TypeError:
        raise TypeError(f"tokens must be a list of tokens or of token lists, "
                        f"got {type(tokens).__name__}") from None
    nested = len(tokens) > 0 and isinstance(tokens[0], line_types)
    flat = []
    for i, item in enumerate(tokens):
        if isinstance(item, line_types) != nested:
            raise TypeError(f"tokens mixes token lines and single tokens: item 0 is "
                            f"{'a line' if nested else 'a token'} but item {i} is {item!r}; "
                            "give either a flat list of tokens or a list of token lists")
        for j, token in enumerate(item if nested else [item]):
            if not _is_token(token, line_types):
                where = f"line {i}, token {j}" if nested else f"token {i}"
                raise TypeError(f"tokens must be strings; {where} is {token!r} "
                                f"({type(token).__name__})")
            # numpy.str_ and other str subclasses -> str
            flat.append(str(token) if isinstance(token, str) else tuple(map(str, token)))
    return flat


def count_tokens(tokens, line_types=(list, tuple)) -> collections.Counter:
    """Lesson 02. Count tokens in a flat list or a list of token lists (lines may be lists or tuples)."""
    return collections.Counter(_flat_tokens(tokens, line_types))


class Vocab:
    """Lesson 02. Index 0 is ``<unk>``, then the reserved tokens, then tokens by descending frequency.

    Ties keep the order in which tokens first appear in the text, so the same
    text always gives the same indices. Tokens seen fewer than ``min_freq``
    times are left out and map to ``<unk>``. Lines may be lists or tuples
    (``line_types``; :class:`rnnlab.compat.Vocab` takes d2l's rule, where only
    lists are lines and a tuple of strings is one n-gram token).
    """

    line_types = (list, tuple)

    def __init__(self, tokens=None, min_freq: int = 0, reserved_tokens=None):
        require_int("min_freq", min_freq, minimum=0)
        tokens = [] if tokens is None else tokens
        if isinstance(reserved_tokens, str):
            raise TypeError(f"reserved_tokens must be a list of strings, got the single string "
                            f"{reserved_tokens!r}; write [{reserved_tokens!r}]")
        reserved_tokens = list(reserved_tokens or [])
        for t in reserved_tokens:
            if not isinstance(t, str):
                raise TypeError(f"reserved_tokens must be strings, got {t!r} ({type(t).__name__})")
        reserved_tokens = [str(t) for t in reserved_tokens]
        if UNK in reserved_tokens or len(set(reserved_tokens)) != len(reserved_tokens):
            raise ValueError(
                f"reserved_tokens must be distinct and must not include {UNK!r} "
                f"(it is always index 0); got {reserved_tokens!r}"
            )
        counter = count_tokens(tokens, self.line_types)
        # sorted() is stable: equal counts keep first-appearance order.
        self._token_freqs = sorted(counter.items(), key=lambda kv: kv[1], reverse=True)
        self.idx_to_token = [UNK] + reserved_tokens
        self.token_to_idx = {tok: idx for idx, tok in enumerate(self.idx_to_token)}
        for token, freq in self._token_freqs:
            if freq < min_freq:
                break
            if token not in self.token_to_idx:
                self.idx_to_token.append(token)
                self.token_to_idx[token] = len(self.idx_to_token) - 1

    def __len__(self) -> int:
        return len(self.idx_to_token)

    def __getitem__(self, tokens):
        """One token → its index (``<unk>``'s index if unknown); a list or tuple → a list.

        Anything that is not a token (an int, a tensor) is an error rather than ``<unk>``.
        """
        if isinstance(tokens, (list, tuple)):
            return [self.__getitem__(t) for t in tokens]
        if isinstance(tokens, str):
            return self.token_to_idx.get(tokens, self.unk)
        if type(tokens).__module__ == "numpy" and getattr(tokens, "ndim", 0) > 0:
            return self.__getitem__(tokens.tolist())  # an array of strings
        raise TypeError(f"vocab[...] looks up tokens (strings) and gives their indices; got "
                        f"{tokens!r} ({type(tokens).__name__}). To turn indices back into tokens "
                        "use vocab.to_tokens(...)")

    def __contains__(self, token) -> bool:
        return token in self.token_to_idx

    def to_tokens(self, indices):
        """One index → its token; a list or tuple of indices → a list of tokens."""
        if isinstance(indices, (list, tuple)):
            return [self.to_tokens(i) for i in indices]
        if hasattr(indices, "tolist"):  # a tensor or an array
            return self.to_tokens(indices.tolist())
        index = require_int("index", indices)
        if not 0 <= index < len(self):
            raise IndexError(f"index must be in [0, {len(self) - 1}], got {index}")
        return self.idx_to_token[index]

    @property
    def unk(self) -> int:
        return 0

    @property
    def token_freqs(self):
        """``(token, count)`` pairs, most frequent first."""
        return self._token_freqs

    def __repr__(self) -> str:
        head = ", ".join(repr(t) for t in self.idx_to_token[:8])
        return f"Vocab(size={len(self)}, first=[{head}, ...])"
