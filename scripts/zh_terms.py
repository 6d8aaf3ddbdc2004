"""The Chinese edition's terms (rnnlab/i18n/terms.py): report every rejected variant, or rewrite them.

    .venv/bin/python scripts/zh_terms.py          # list rejected variants; exit 1 if any
    .venv/bin/python scripts/zh_terms.py --fix    # rewrite them in the translations and zh.py

Looks at notebooks/zh/translations/*.md (markdown and the comments of translated code cells) and at
the string literals of rnnlab/i18n/zh.py; only whole-term matches in prose are touched (see
scripts/zh_text.py). After --fix, rebuild: scripts/build_zh.py (prose only: outputs are kept).
"""

from __future__ import annotations

import sys

import zh_text

from rnnlab.i18n.terms import TERMS


def rules():
    return [zh_text.Rule(f"{term.chinese} ({term.english})", v.pattern, v.replacement, v.only_in,
                         term.allowed)
            for term in TERMS for v in term.variants]


if __name__ == "__main__":
    sys.exit(zh_text.main(rules(), __doc__.splitlines()[0]))
