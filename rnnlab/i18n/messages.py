"""What rnnlab says, in the reader's language: ``tr(key, **fields)`` looks ``key`` up in the catalogue
of the language ``rnnlab.notebook.setup(lang=...)`` chose ("en" by default) and fills in ``fields``.

The catalogues, ``rnnlab/i18n/en.py`` and ``rnnlab/i18n/zh.py``, are dicts with identical keys and,
per key, identical ``{fields}`` (``tests/ground/test_i18n.py`` checks both). English is the default, and
its messages are the ones the English lessons store, word for word.
"""

from __future__ import annotations

from . import en, zh

CATALOGUES = {"en": en.MESSAGES, "zh": zh.MESSAGES}
LANGUAGES = tuple(CATALOGUES)
_state = {"lang": "en"}


def set_language(lang: str) -> str:
    """Lesson 00 (the Chinese edition). Make ``lang`` ("en" or "zh") the language of every message."""
    if not isinstance(lang, str) or lang not in CATALOGUES:
        allowed = ", ".join(repr(x) for x in LANGUAGES)
        raise ValueError(f"lang must be one of {allowed}; got {lang!r}")
    _state["lang"] = lang
    return lang


def get_language() -> str:
    """The language messages are in now: "en" unless ``setup(lang=...)`` said otherwise."""
    return _state["lang"]


def tr(key: str, /, **fields) -> str:
    """The message ``key`` in the current language, with ``fields`` filled in."""
    catalogue = CATALOGUES[_state["lang"]]
    try:
        template = catalogue[key]
    except KeyError:
        raise KeyError(f"no message {key!r} in the {_state['lang']!r} catalogue") from None
    return template.format(**fields)

