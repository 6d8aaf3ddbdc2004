"""One translation per exercise statement: a solution notebook reuses its lesson's translation.

    .venv/bin/python scripts/zh_share.py          # list solution sections that drift from the lesson's
    .venv/bin/python scripts/zh_share.py --fix    # drop every solution section the lesson provides

A markdown cell of notebooks/solutions/X_solutions.ipynb whose English is identical to a cell of
notebooks/X.ipynb (the exercise statements, built from one source by scripts/build_exercises.py)
takes the lesson's Chinese section when the build runs (scripts/zh_edition.py, shared_sections): the
solution's translation file needs no section for it. --fix removes such sections, so the lesson's
translation is the only one; then run scripts/build_zh.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import zh_edition as edition  # noqa: E402  (beside this script)

from rnnlab.files import write_text_atomic  # noqa: E402


def shared_copies(root: Path = ROOT) -> dict[Path, list[str]]:
    """``{solution translation file: [cell ids it translates that the lesson provides]}``."""
    found = {}
    for path in edition.translated_notebooks(root):
        english = edition.load_notebook(path)
        shared = edition.shared_sections(path, english, root)
        source = edition.translation_path(path, root)
        sections = edition.parse_translation(edition.read_text(source), str(source))
        ids = [s.cell_id for s in sections if s.cell_id in shared]
        if ids:
            found[source] = ids
    return found


def main(argv=None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fix", action="store_true", help="drop the sections the lesson provides")
    args = parser.parse_args(argv)
    root = Path(root)
    if args.fix:
        for source, ids in shared_copies(root).items():
            write_text_atomic(source, edition.drop_sections(edition.read_text(source), ids))
            print(f"{source.relative_to(root)}: {len(ids)} section(s) now come from the lesson")
    drift = [p for p in edition.check_edition(root) if p.kind == "drift"]
    for problem in drift:
        print(problem)
    print(f"{len(drift)} drifting translation(s)" if drift else "one translation per exercise statement")
    return 1 if drift else 0


if __name__ == "__main__":
    sys.exit(main())
