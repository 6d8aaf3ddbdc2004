"""Lesson 00. The package's own code as a lesson prints it, in the reader's language."""

from __future__ import annotations

import hashlib
import inspect

from ..i18n import get_language
from ..i18n.sources_zh import SOURCES as SOURCES_ZH

TRANSLATED = {"zh": SOURCES_ZH}


def getsource(obj) -> str:
    """``inspect.getsource(obj)`` with its docstrings and comments in the language of
    ``setup(lang=...)``: English as written, Chinese from ``rnnlab/i18n/sources_zh.py`` (the code
    itself is the same). A function a lesson prints that has no translation, or whose translation
    was made for an older version of its code, is an error, never a silent English fallback."""
    english = inspect.getsource(obj)
    lang = get_language()
    if lang == "en":
        return english
    name = f"{obj.__module__}.{obj.__qualname__}"
    try:
        sha, text = TRANSLATED[lang][name]
    except KeyError:
        raise KeyError(f"no {lang!r} translation of {name}'s source in rnnlab/i18n/sources_{lang}.py; "
                       f"add one") from None
    if hashlib.sha1(english.encode("utf-8")).hexdigest()[:12] != sha:
        raise ValueError(f"the {lang!r} translation of {name}'s source is stale: the code changed "
                         f"since; translate it again in rnnlab/i18n/sources_{lang}.py")
    return text
