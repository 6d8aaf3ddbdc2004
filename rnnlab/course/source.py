"""Lesson 00. The package's own code as a lesson prints it, in the reader's language."""

from __future__ import annotations

import inspect
import io
import tokenize

from ..i18n import get_language
from ..i18n.sources_zh import SOURCES as SOURCES_ZH

TRANSLATED = {"zh": SOURCES_ZH}
_QUOTES = '"""'


def prose_tokens(source: str) -> list[tokenize.TokenInfo]:
    """The docstrings (a string that is a statement by itself) and ``#`` comments of ``source``."""
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type != tokenize.NL]
    found = []
    for i, tok in enumerate(tokens):
        before = tokens[i - 1].type if i else tokenize.NEWLINE
        after = tokens[i + 1].type if i + 1 < len(tokens) else tokenize.NEWLINE
        if tok.type == tokenize.COMMENT or (
                tok.type == tokenize.STRING and after == tokenize.NEWLINE
                and before in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT)):
            found.append(tok)
    return found


def getsource(obj) -> str:
    """``inspect.getsource(obj)`` with its docstrings and comments in the language of
    ``setup(lang=...)``: English as written; otherwise each docstring and comment swapped for its
    twin in ``rnnlab/i18n/sources_<lang>.py`` (the code is the English source's own). A function a
    lesson prints with no entry, or with a docstring or comment the entry does not know (it changed
    since it was translated), is an error naming it, never a silent English fallback."""
    english = inspect.getsource(obj)
    lang = get_language()
    if lang == "en":
        return english
    name = f"{obj.__module__}.{obj.__qualname__}"
    try:
        table = TRANSLATED[lang][name]
    except KeyError:
        raise KeyError(f"no {lang!r} translation of {name}'s source in rnnlab/i18n/sources_{lang}.py; "
                       f"add one") from None
    lines = english.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    edits = []
    for tok in prose_tokens(english):
        docstring = tok.type == tokenize.STRING
        key = tok.string[3:-3] if docstring and tok.string.startswith(_QUOTES) else tok.string
        if key not in table:
            raise ValueError(f"the {lang!r} translation of {name}'s source is stale: it has no entry for "
                             f"{tok.string[:60]!r}; translate it in rnnlab/i18n/sources_{lang}.py")
        text = _QUOTES + table[key] + _QUOTES if docstring and key != tok.string else table[key]
        edits.append((starts[tok.start[0] - 1] + tok.start[1], starts[tok.end[0] - 1] + tok.end[1], text))
    for start, end, text in reversed(edits):
        english = english[:start] + text + english[end:]
    return english
