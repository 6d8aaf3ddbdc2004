"""List the public names rnnlab defines that nothing uses (issue 20: "nothing public is unused").

A public function, class or constant (no leading underscore) defined in a module of rnnlab is used
when its name appears as a word in a lesson, solution or exercise source (notebooks/), a benchmark,
a script, the README or a document under docs/ (public API documented for readers), or another
module of rnnlab than the one defining it (an import or a call), or in the defining module itself
beyond its own definition line. Tests do not count: code only its own test
calls is code no reader meets. Exit status 1 when any is unused; tests/test_architecture.py runs it.

    .venv/bin/python scripts/unused_public.py
"""

from __future__ import annotations

import ast
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "rnnlab"
ELSEWHERE = ("notebooks", "benchmarks", "scripts")


def public_names(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
    return [n for n in names if not n.startswith("_") and n != "__all__"]


def corpus_texts() -> dict[Path, str]:
    texts = {}
    for folder in ELSEWHERE:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".ipynb", ".md", ".sh"} and path.is_file():
                texts[path] = path.read_text(encoding="utf-8", errors="replace")
    for path in [*ROOT.glob("*.md"), *(ROOT / "docs").rglob("*.md")]:
        texts[path] = path.read_text(encoding="utf-8")  # documented public API counts as used
    for path in PACKAGE.rglob("*.py"):
        texts[path] = path.read_text(encoding="utf-8")
    return texts


def unused() -> list[str]:
    # Count every word of every text once: a name is an identifier, so its uses are exactly the
    # \w+ words equal to it (the same as a regex with word boundaries, without one scan per name).
    words = {path: Counter(re.findall(r"\w+", text)) for path, text in corpus_texts().items()
             if path.parent.name != "__pycache__"}
    found = []
    for module in sorted(PACKAGE.rglob("*.py")):
        if module.name == "__init__.py":
            continue
        for name in public_names(module):
            uses = 0
            for path, counts in words.items():
                if path.name == "__init__.py" and path.parent in (module.parent, PACKAGE):
                    continue  # a re-export is not a use
                uses += counts[name] - (path == module)  # less its own definition
            if uses <= 0:
                found.append(f"{module.relative_to(ROOT)}: {name}")
    return found


def main() -> int:
    names = unused()
    print("\n".join(names) if names else "every public name of rnnlab is used")
    return 1 if names else 0


if __name__ == "__main__":
    sys.exit(main())
