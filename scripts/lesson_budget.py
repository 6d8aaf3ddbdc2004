"""A lesson's main path: cells and words of markdown outside ``## Going further`` (tag ``going-further``),
not counting the claim checks that JupyterLab shows collapsed and the slides skip (tag ``check``)
nor the launch cells at the top (tag ``launch``: links and Colab's set-up, skipped by the slides).

    .venv/bin/python scripts/lesson_budget.py notebooks/04_rnn_from_scratch.ipynb

Words are whitespace-separated pieces of the markdown cells' source, with LaTeX and code spans
counted as written; the guide is at most 60 cells and 2,600 words of markdown.
"""

from __future__ import annotations

import json
import sys


def budget(path: str) -> tuple[int, int, int]:
    """``(main-path cells, main-path markdown words, going-further cells)``."""
    with open(path, encoding="utf-8") as f:
        cells = json.load(f)["cells"]
    def tags(c):
        return c.get("metadata", {}).get("tags", [])

    aside = {"going-further", "check", "launch"}
    main = [c for c in cells if not aside & set(tags(c))]
    words = sum(len("".join(c["source"]).split()) for c in main if c["cell_type"] == "markdown")
    return len(main), words, sum("going-further" in tags(c) for c in cells)


if __name__ == "__main__":
    for path in sys.argv[1:]:
        n, words, extra = budget(path)
        print(f"{path}: main path {n} cells, {words:,} words of markdown; going further {extra} cells")
