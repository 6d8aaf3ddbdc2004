"""Punctuation and style of the Chinese edition (issue 23, point 7): report, or rewrite what is safe.

    .venv/bin/python scripts/zh_style.py          # list what the rules find; exit 1 if any
    .venv/bin/python scripts/zh_style.py --fix    # rewrite the safe cases in the translations and zh.py
    .venv/bin/python scripts/zh_style.py --dashes # count the em-dashes "——" per file
                                                  # (d2l-zh's RNN chapters use none)

Safe rewrites: an em-dash before a conjunction (——而 → ，而) or before an explanation that starts with
这/它 (——这 → ：这), a short aside between two dashes (——隐状态—— → （隐状态）); italics on Chinese
words become bold (CJK fonts have no italics); English words inside LaTeX \\text{}; "30 %" → "30%";
"291k" → "29.1 万"; 成千上万 → 数以千计 (English "thousands"); the 海子 line attributed and quoted as
the poem has it. Every other em-dash is left for a human and only counted (--dashes). After --fix,
rebuild: scripts/build_zh.py (outputs of cells whose code is unchanged are kept).
"""

from __future__ import annotations

import re
import sys

import zh_text

_CJK = "\u4e00-\u9fff"
_CONJUNCTIONS = ("而且", "而", "但", "但是", "因而", "因为", "因此", "所以", "甚至", "或者", "同时",
                 "也就是", "即", "并且", "并", "否则", "于是", "从而")
_LATEX_WORDS = {"with": "其中", "so": "所以", "and": "且", "for": "对", "where": "其中", "if": "若",
                "otherwise": "否则", "else": "否则"}
HAIZI_OLD = "“给每座山每条河流取一个温暖的名字”，诗里这样写道——而在这里，是给每个词元取一个数字。"
HAIZI_NEW = ("“给每一条河每一座山取一个温暖的名字”，海子在《面朝大海，春暖花开》中这样写道（笔记化用了"
             "这一句）；而在这里，是给每个词元取一个数字。")


def _ten_thousands(match: re.Match) -> str:
    value = int(match[1]) / 10
    return f"{value:g} 万"


def _latex_word(match: re.Match) -> str:
    word = match["word"]
    return f"\\text{{{_LATEX_WORDS[word.lower()]}{match['space']}}}"


def rules():
    dash_aside = zh_text.Rule("a short aside between em-dashes (——X—— → （X）)",
                              r"——(?P<aside>[^——，。；：、！？\n“”（）]{1,12})——", r"（\g<aside>）")
    return [
        zh_text.Rule("the 海子 line, attributed and quoted as the poem has it",
                     re.escape(HAIZI_OLD), HAIZI_NEW, in_quotes=True),
        zh_text.Rule("an em-dash in a solution's title", r"——(?=参考解答)", "："),
        dash_aside,
        zh_text.Rule("an em-dash before a conjunction (——而 → ，而)",
                     "——(?=(?:" + "|".join(_CONJUNCTIONS) + "))", "，"),
        zh_text.Rule("an em-dash before an explanation (——这 → ：这)", r"——(?=[这它])", "："),
        zh_text.Rule("italics on Chinese words (CJK fonts have no italics): bold instead",
                     rf"(?<![*A-Za-z0-9_])\*(?P<word>[{_CJK}，、]{{1,8}})\*(?![*A-Za-z0-9_])",
                     r"**\g<word>**",
                     allowed=(r"\*斜体\*",)),  # 05 says its added table rows are in italics
        zh_text.Rule("English inside LaTeX \\text{}",
                     r"\\text\{(?P<word>(?i:" + "|".join(_LATEX_WORDS) + r"))(?P<space>\s?)\}", _latex_word,
                     latex=True),
        zh_text.Rule("a space before % (30 % → 30%)", r"(?<=\d) %", "%"),
        zh_text.Rule("k for thousands (291k → 29.1 万)", r"(?<![\w.])(\d+)k ?(?=个)", _ten_thousands),
        zh_text.Rule("成千上万 for “thousands” (数以千计)", r"成千上万个?", "数以千计的"),
    ]


def dash_counts(root=zh_text.ROOT) -> dict[str, int]:
    """How many em-dashes each file's prose still has."""
    counts = {}
    rule = [zh_text.Rule("em-dash", "——", None)]
    for path in zh_text.chinese_files(root):
        hits = zh_text.scan(path.read_text(encoding="utf-8"), path.name, rule,
                            "python" if path.suffix == ".py" else "markdown")
        if hits:
            counts[path.relative_to(root).as_posix()] = len(hits)
    return counts


if __name__ == "__main__":
    if "--dashes" in sys.argv[1:]:
        counts = dash_counts()
        for name, count in counts.items():
            print(f"{count:4d}  {name}")
        print(f"{sum(counts.values()):4d}  em-dashes in all (each a judgement: ：，（）or a new sentence)")
        sys.exit(0)
    sys.exit(zh_text.main(rules(), __doc__.splitlines()[0]))
