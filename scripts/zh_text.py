"""Rules over the Chinese edition's text, found and (optionally) rewritten in place (issue 23).

One engine for ``scripts/zh_terms.py`` (the term list), ``scripts/zh_refs.py`` (d2l-zh references)
and ``scripts/zh_style.py`` (punctuation and style): a :class:`Rule` is a regex and its replacement;
:func:`scan` lists the places a rule matches in the *Chinese prose* of a file and :func:`rewrite`
replaces them. What is not prose is never touched: in a translation file, code spans, LaTeX, link
targets, HTML comments (the section markers) and code blocks (except their comments); in a Python
file (``rnnlab/i18n/zh.py``), everything but its string literals. A match inside Chinese quotation
marks (“…”) is a quotation and stays, unless the rule says ``in_quotes=True``.
"""

from __future__ import annotations

import dataclasses
import io
import re
import sys
import tokenize
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rnnlab.files import write_text_atomic  # noqa: E402

TRANSLATIONS = Path("notebooks") / "zh" / "translations"
CATALOGUE = Path("rnnlab") / "i18n" / "zh.py"

_MARKDOWN_PROTECTED = re.compile(
    r"```.*?```|`[^`\n]*`|\$\$.*?\$\$|(?<!\\)\$[^$\n]*(?<!\\)\$|<!--.*?-->|\]\([^)\s]*\)"
    r"|https?://[^\s)>]+|<[a-z][^>\n]*>", re.S)
_FENCE = re.compile(r"```(?:python)?\n(?P<code>.*?)```", re.S)
_QUOTED = re.compile(r"“[^”\n]*”")
_LATEX = re.compile(r"\$\$.*?\$\$|(?<!\\)\$[^$\n]*(?<!\\)\$", re.S)


@dataclasses.dataclass(frozen=True)
class Rule:
    name: str  # what the rule enforces, e.g. "梯度裁剪 (gradient clipping)"
    pattern: str  # a regex over the prose
    replace: str | Callable[[re.Match], str] | None  # None: report only, never rewritten
    only_in: str = ""  # a regex over the file's name; "" = every file
    allowed: tuple[str, ...] = ()  # regexes over a line: a match inside one of theirs stays
    in_quotes: bool = False  # also inside “…”
    keep: Callable[[re.Match], bool] | None = None  # True: this match is fine after all
    latex: bool = False  # look inside LaTeX ($…$, $$…$$) instead of prose

    def applies_to(self, name: str) -> bool:
        return not self.only_in or re.search(self.only_in, Path(name).name) is not None


@dataclasses.dataclass(frozen=True)
class Hit:
    file: str
    line: int
    rule: str
    found: str
    want: str | None

    def __str__(self) -> str:
        fix = f" → {self.want!r}" if self.want is not None else ""
        return f"{self.file}:{self.line}: {self.rule}: {self.found!r}{fix}"


def _python_spans(code: str, offset: int, keep: tuple[int, ...]) -> list[tuple[int, int]] | None:
    """The spans of ``code`` (shifted by ``offset``) that are NOT tokens of the kinds in ``keep``;
    None when ``code`` does not tokenize as Python."""
    starts = [0]
    for line in code.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    open_spans, position = [], 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type in keep:
                begin = starts[token.start[0] - 1] + token.start[1]
                end = starts[token.end[0] - 1] + token.end[1]
                open_spans.append((position, begin))
                position = end
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    open_spans.append((position, len(code)))
    return [(offset + a, offset + b) for a, b in open_spans if b > a]


def protected_spans(text: str, kind: str) -> list[tuple[int, int]]:
    """Where a rule must not look: ``kind`` is "markdown" (a translation file) or "python"."""
    if kind == "python":
        return _python_spans(text, 0, (tokenize.STRING,)) or [(0, len(text))]
    spans = []
    for match in _MARKDOWN_PROTECTED.finditer(text):
        fence = _FENCE.fullmatch(match[0])
        inner = fence and _python_spans(fence["code"], match.start() + fence.start("code"),
                                        (tokenize.COMMENT,))
        if inner is None:
            spans.append(match.span())
        else:  # a code block: its comments are prose, the rest is code
            spans += [(match.start(), match.start() + fence.start("code"))] + inner
            spans.append((match.start() + fence.end("code"), match.end()))
    return spans


def _kind(path: Path) -> str:
    return "python" if Path(path).suffix == ".py" else "markdown"


def _matches(text: str, name: str, kind: str, rules) -> list[tuple[re.Match, Rule]]:
    protected = protected_spans(text, kind)
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    latex = [m.span() for m in _LATEX.finditer(text)] if kind == "markdown" else []
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def inside(spans, a, b):
        return any(s <= a and b <= e for s, e in spans)

    found, taken = [], []
    for rule in rules:
        if not rule.applies_to(name):
            continue
        for match in re.finditer(rule.pattern, text):
            a, b = match.span()
            if a == b or (not rule.in_quotes and inside(quoted, a, b)):
                continue
            if (not inside(latex, a, b)) if rule.latex else inside(protected, a, b):
                continue
            if rule.keep is not None and rule.keep(match):
                continue
            if any(a < e and s < b for s, e in taken):  # an earlier rule already claimed it
                continue
            begin = max(s for s in starts if s <= a)
            line = text[begin:text.find("\n", a) if "\n" in text[a:] else len(text)]
            allowed = [(begin + m.start(), begin + m.end())
                       for pattern in rule.allowed for m in re.finditer(pattern, line)]
            if inside(allowed, a, b):
                continue
            taken.append((a, b))
            found.append((match, rule))
    return sorted(found, key=lambda item: item[0].start())


def _replacement(match: re.Match, rule: Rule) -> str | None:
    if rule.replace is None:
        return None
    return rule.replace(match) if callable(rule.replace) else match.expand(rule.replace)


def scan(text: str, name: str, rules, kind: str = "markdown") -> list[Hit]:
    """Every place a rule matches the prose of ``text`` (named ``name`` in the report)."""
    hits = []
    for match, rule in _matches(text, name, kind, rules):
        line = text.count("\n", 0, match.start()) + 1
        hits.append(Hit(name, line, rule.name, match[0], _replacement(match, rule)))
    return hits


def rewrite(text: str, name: str, rules, kind: str = "markdown") -> tuple[str, int]:
    """``text`` with every fixable match replaced, and how many were."""
    count = 0
    for match, rule in reversed(_matches(text, name, kind, rules)):
        new = _replacement(match, rule)
        if new is not None and new != match[0]:
            text = text[:match.start()] + new + text[match.end():]
            count += 1
    return text, count


def chinese_files(root: Path = ROOT, catalogue: bool = True) -> list[Path]:
    """The Chinese text of the edition: every translation file, then the zh catalogue."""
    files = sorted((Path(root) / TRANSLATIONS).glob("*.md"))
    if catalogue and (Path(root) / CATALOGUE).is_file():
        files.append(Path(root) / CATALOGUE)
    return files


def _name(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


def scan_files(rules, root: Path = ROOT, files=None) -> list[Hit]:
    hits = []
    for path in files if files is not None else chinese_files(root):
        text = Path(path).read_text(encoding="utf-8")
        hits += scan(text, _name(path, root), rules, _kind(path))
    return hits


def rewrite_files(rules, root: Path = ROOT, files=None) -> dict[str, int]:
    """Rewrite every file in place (atomically); ``{file: replacements}`` for those changed."""
    changed = {}
    for path in files if files is not None else chinese_files(root):
        text = Path(path).read_text(encoding="utf-8")
        new, count = rewrite(text, _name(path, root), rules, _kind(path))
        if count:
            write_text_atomic(Path(path), new)
            changed[_name(path, root)] = count
    return changed


def main(rules, description: str, argv=None, root: Path = ROOT) -> int:
    """The command line shared by the rule scripts: report (exit 1 on a hit), or ``--fix``."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--fix", action="store_true", help="rewrite what can be rewritten, then report")
    parser.add_argument("files", nargs="*", type=Path, help="files to look at (default: the edition)")
    args = parser.parse_args(argv)
    files = args.files or None
    if args.fix:
        for name, count in rewrite_files(rules, root, files).items():
            print(f"fixed {count:3d} in {name}")
    hits = scan_files(rules, root, files)
    for hit in hits:
        print(hit)
    print(f"{len(hits)} left" if hits else "none left")
    return 1 if hits else 0
