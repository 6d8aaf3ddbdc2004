"""References into 《动手学深度学习》 (d2l-zh) in the Chinese edition: report, or rewrite them.

    .venv/bin/python scripts/zh_refs.py          # list English-numbered or unknown references; exit 1
    .venv/bin/python scripts/zh_refs.py --fix    # rewrite them as d2l-zh references, linked to zh.d2l.ai

The English edition cites d2l 1.0 (English) numbers: "d2l §9.4", "d2l Fig. 9.4.1". In the Chinese
text the same words must point at d2l-zh: "[《动手学深度学习》8.4 节](https://zh.d2l.ai/…)" (d2l-zh's
own §9.4 is 双向循环神经网络). The map is rnnlab/i18n/terms.py's D2L_REFERENCES; a number it does
not know is reported, never guessed. After --fix, rebuild: scripts/build_zh.py.
"""

from __future__ import annotations

import re
import sys

import zh_text

from rnnlab.i18n.terms import BOOK, D2L_REFERENCES, D2L_ZH

_NUMBER = r"(?P<num>\d+(?:\.\d+)+|\d+)"
_D2L = r"(?P<pre> ?)d2l(?:-en)?(?: 教材)? ?"
_AFTER = r"(?: (?=[\u4e00-\u9fff]))?"  # a space before Chinese text goes with the reference


def _before_is_prose(match: re.Match) -> bool:
    """Whether the character before the match is Chinese or punctuation (then no space is kept)."""
    start = match.start()
    return start == 0 or not match.string[start - 1].isascii() or match.string[start - 1] in "([*"


def _link(zh: str) -> str:
    title, url = D2L_ZH[zh]
    shown = zh if zh.startswith("图") else f"{zh} 节"
    return f"[{BOOK}{shown}]({url})"


def _fixed(match: re.Match, english_key: str | None, zh: str | None) -> str | None:
    if zh is None:
        zh = D2L_REFERENCES[english_key].zh if english_key in D2L_REFERENCES else None
    if zh is None or zh not in D2L_ZH:
        return None  # unknown: reported, never guessed
    space = match["pre"] if match["pre"] and not _before_is_prose(match) else ""
    return space + _link(zh)


def _section(match):  # d2l §9.4, d2l 教材（§9.7）
    text = _fixed(match, f"§{match['num']}", None)
    if text is None:
        return None
    if match["open"] and match["close"]:  # d2l 教材（§9.7）→ 《动手学深度学习》8.7 节
        return text
    return ("（" if match["open"] else "") + text + ("）" if match["close"] else "")


def _figure(match):  # d2l 图 9.4.1, d2l Fig. 9.4.1
    return _fixed(match, f"Fig. {match['num']}", None)


def _zh_section(match):  # d2l-zh §8.5, d2l-zh 8.5 节
    return _fixed(match, None, match["num"])


def _book(match):  # d2l 教材 (no number)
    return ("" if _before_is_prose(match) else match["pre"]) + BOOK


def _known(match) -> bool:
    return match["ref"].replace("图", "图 ").replace("  ", " ") in D2L_ZH


def rules():
    return [
        zh_text.Rule("d2l-zh section (not d2l-zh's own numbering)",
                     r"(?P<pre> ?)d2l-zh ?(?:§|第) ?" + _NUMBER + r"(?: ?节)?", _zh_section),
        zh_text.Rule("d2l 1.0 section number in the Chinese text",
                     _D2L + r"(?P<open>（)?§ ?" + _NUMBER + r"(?P<close>）)?" + _AFTER, _section),
        zh_text.Rule("d2l 1.0 figure number in the Chinese text",
                     _D2L + r"(?:图|Fig\.) ?" + _NUMBER + _AFTER, _figure),
        zh_text.Rule("the textbook by its Chinese title", r"(?P<pre> ?)d2l 教材 ?", _book),
        zh_text.Rule("a § number (English numbering) in the Chinese text", r"§ ?\d", None),
        zh_text.Rule("a d2l-zh number the map does not know",
                     re.escape(BOOK) + r"（?(?P<ref>(?:图 ?)?\d+(?:\.\d+)*)", None, keep=_known),
    ]


if __name__ == "__main__":
    sys.exit(zh_text.main(rules(), __doc__.splitlines()[0]))
