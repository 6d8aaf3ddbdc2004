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
    texts = corpus_texts()
    found = []
    for module in sorted(PACKAGE.rglob("*.py")):
        if module.name == "__init__.py":
            continue
        for name in public_names(module):
            word = re.compile(rf"(?<![\w]){re.escape(name)}(?![\w])")
            uses = 0
            for path, text in texts.items():
                if path.parent.name == "__pycache__":
                    continue
                hits = len(word.findall(text))
                if path == module:
                    hits -= 1  # its own definition
                elif path.name == "__init__.py" and path.parent == module.parent:
                    continue  # a re-export is not a use
                elif path == PACKAGE / "__init__.py":
                    continue
                uses += hits
            if uses <= 0:
                found.append(f"{module.relative_to(ROOT)}: {name}")
    return found


def main() -> int:
    names = unused()
    print("\n".join(names) if names else "every public name of rnnlab is used")
    return 1 if names else 0


if __name__ == "__main__":
    sys.exit(main())
