"""Build the Chinese edition, notebooks/zh/**, from the English notebooks and notebooks/zh/translations/*.md.

    .venv/bin/python scripts/build_zh.py                  # build every notebook that has a translation file
    .venv/bin/python scripts/build_zh.py --execute        # ... and execute those whose code changed
    .venv/bin/python scripts/build_zh.py 04_rnn_from_scratch   # only these (English stems)
    .venv/bin/python scripts/build_zh.py --check          # list stale or missing cells; exit 1 if any
    .venv/bin/python scripts/build_zh.py --check --warnings   # ... and code cells with English comments
    .venv/bin/python scripts/build_zh.py --skeleton 04_rnn_from_scratch   # print a file to start from

The format (one section per English markdown cell, "<!-- cell <id> en <sha1[:12]> -->"; optionally one per
code cell, "<!-- cell <id> code <sha1[:12]> -->" and the cell with its comments translated) is described
in scripts/zh_edition.py. Built notebooks are never edited by hand: edit the translation, rebuild.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import zh_edition as edition  # noqa: E402  (beside this script)


def _select(stems, root: Path, require_translation: bool = True) -> list[Path]:
    english = {p.stem: p for p in edition.english_notebooks(root)}
    chosen = []
    for stem in stems:
        stem = Path(stem).stem  # accept 04_x, 04_x.md or notebooks/04_x.ipynb
        if stem not in english:
            raise SystemExit(f"no English notebook {stem!r}; the stems are: {', '.join(english)}")
        if require_translation and not edition.translation_path(english[stem], root).is_file():
            raise SystemExit(f"{stem}: no translation file "
                             f"{edition.translation_path(english[stem], root).relative_to(root)}")
        chosen.append(english[stem])
    return chosen


def main(argv=None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stems", nargs="*", help="English notebook stems (default: all translated)")
    parser.add_argument("--check", action="store_true", help="report stale/missing cells, build nothing")
    parser.add_argument("--execute", action="store_true",
                        help="execute each built notebook whose code cells changed")
    parser.add_argument("--warnings", action="store_true",
                        help="with --check: list the code cells whose comments are still English")
    parser.add_argument("--skeleton", action="store_true",
                        help="print a translation file to start from (English text under each marker)")
    args = parser.parse_args(argv)
    root = Path(root)
    if args.skeleton:
        for path in _select(args.stems, root, require_translation=False):
            try:
                print(edition.skeleton(edition.load_notebook(path)), end="")
            except edition.MalformedInput as exc:
                print(f"error: {exc}")
                return 1
        return 0
    if args.check:
        found = edition.check_edition(root, warnings=True)
        problems = [p for p in found if not p.warning]
        for problem in problems:
            print(problem)
        warned = [p for p in found if p.warning]
        for problem in warned if args.warnings else []:
            print(f"warning: {problem}")
        if warned:
            print(f"{len(warned)} warning(s): code cells whose comments are not translated yet "
                  f"(opt-in, not a failure){'' if args.warnings else '; list them with --warnings'}")
        missing = [p for p in edition.english_notebooks(root)
                   if not edition.translation_path(p, root).is_file()]
        if missing:
            print(f"not translated yet ({len(missing)}): " + ", ".join(p.stem for p in missing))
        print(f"{len(problems)} problem(s)" if problems else "the Chinese edition is in step")
        return 1 if problems else 0
    paths = _select(args.stems, root) if args.stems else edition.translated_notebooks(root)
    if not paths:
        print("no translation files in notebooks/zh/translations/: nothing to build")
        return 0
    to_execute, count = [], 0
    for path in paths:
        try:
            target, needs_execution, problems = edition.build(path, root)
        except edition.MalformedInput as exc:
            print(f"error: {exc}")
            count += 1
            continue
        for problem in problems:
            if not problem.warning or problem.kind == "stale code":
                print(f"warning: {problem}")
        count += sum(not p.warning for p in problems)
        state = "needs executing" if needs_execution else "outputs kept (code unchanged)"
        print(f"built {target.relative_to(root)} ({state})")
        if needs_execution:
            to_execute.append(target)
    if args.execute and to_execute:
        sys.path.insert(0, str(ROOT / "scripts"))
        from execute_notebooks import execute

        for target in to_execute:
            seconds = execute(target.resolve())
            print(f"{seconds:7.1f} s  {target.relative_to(root)}", flush=True)
    elif to_execute:
        print("execute them before committing: scripts/build_zh.py --execute, or "
              "scripts/execute_notebooks.py " + " ".join(str(t.relative_to(root)) for t in to_execute))
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main())
