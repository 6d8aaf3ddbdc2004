"""The Chinese edition: ``notebooks/zh/**`` built from the English notebooks and one translation file each.

A translation file, ``notebooks/zh/translations/<english stem>.md``, holds one section per English
markdown cell, in notebook order, each opened by ``<!-- cell <id> en <sha1[:12] of the English
source> -->``. Building replaces every markdown cell's source by its section and copies every code
cell byte for byte, except that ``rnnlab.notebook.setup(`` gets ``lang="zh"``. :func:`check_edition`
lists every stale cell (the English changed), missing or unknown section, and every built cell that
differs from what the build gives; ``scripts/build_zh.py`` and ``tests/notebooks/test_zh_edition.py`` use it.

One translation per exercise statement: a solution notebook's markdown cell whose English is identical
to a cell of its lesson takes the lesson's section (:func:`shared_sections`); the solution's file
needs no section for it, and one that says something else is listed as "drift"
(``scripts/zh_share.py --fix`` drops it). Every input the build cannot read is refused naming the
file and, where it can, the cell or line (:class:`MalformedInput`).
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import io
import json
import re
import tokenize
from pathlib import Path

from rnnlab.files import write_text_atomic

LANG = "zh"
MARKER = re.compile(r"^<!-- cell (?P<id>[A-Za-z0-9_-]+) (?P<kind>en|code) (?P<hash>[0-9a-f]{12}) -->\s*$")
CODE_BLOCK = re.compile(r"\A```python\n(?P<code>.*)\n```\Z", re.S)
#: Problems that are reported but do not fail --check: code cells are translated opt-in, cell by cell.
WARNING_KINDS = ("comments", "stale code")
SETUP_CALL = re.compile(r"rnnlab\.notebook\.setup\((?P<args>[^()]*)\)")


class MalformedInput(ValueError):
    """An input the build cannot read: names the file, and the cell or line where it can."""


class TranslationFormatError(MalformedInput):
    """A translation file that does not follow the format (names the file and the line)."""


@dataclasses.dataclass(frozen=True)
class Section:
    cell_id: str
    en_hash: str
    text: str  # a markdown cell's translation; for a code section, the translated code itself
    line: int  # 1-based line of the section's marker in the translation file
    code: bool = False  # "<!-- cell <id> code <hash> -->": a code cell with translated comments


@dataclasses.dataclass(frozen=True)
class Problem:
    """One reason the Chinese edition is out of date: a notebook, a cell, what is wrong."""

    notebook: str  # the English notebook, relative to the repository root
    cell_id: str | None
    kind: str  # "missing", "stale", "unknown", "order", "duplicate", "code cell", "built", "orphan",
    #            "empty", "format", "generated"
    detail: str

    def __str__(self) -> str:
        where = f"cell {self.cell_id}" if self.cell_id else "notebook"
        return f"{self.notebook}: {where}: {self.kind}: {self.detail}"

    @property
    def warning(self) -> bool:
        return self.kind in WARNING_KINDS


# ------------------------------------------------------------------------------ the format
def cell_source(cell) -> str:
    """A cell's source as one string (nbformat stores a list of lines or one string)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def source_hash(text: str) -> str:
    """The first 12 hex digits of the SHA-1 of ``text`` (UTF-8): what a section records."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def marker(cell) -> str:
    """The line that opens the section translating the English ``cell`` (markdown or code)."""
    kind = "code" if cell.get("cell_type") == "code" else "en"
    return f"<!-- cell {cell['id']} {kind} {source_hash(cell_source(cell))} -->"


def code_section(cell, translated: str) -> str:
    """The section of a code cell: its marker, then the translated code in a python block."""
    return f"{marker(cell)}\n```python\n{translated.rstrip(chr(10))}\n```\n"


# ------------------------------------------------------------------------------ code cells
def _tokens(source: str):
    return list(tokenize.generate_tokens(io.StringIO(source).readline))


def comments(source: str) -> list[str]:
    """The comments of a code cell, "# NBVAL…" directives left out; [] if it does not tokenize."""
    try:
        return [t.string for t in _tokens(source)
                if t.type == tokenize.COMMENT and not t.string.startswith("# NBVAL")]
    except (tokenize.TokenError, SyntaxError):
        return []


def code_tokens(source: str, strings: bool = True) -> list[tuple[int, str]]:
    """The tokens of ``source`` that are code: comments and blank lines set aside (``# NBVAL…``
    directives kept, nbval reads them), and with ``strings=False`` string literals too (each kept as
    a placeholder, so none may be added, removed or moved). Raises SyntaxError if it does not tokenize."""
    try:
        tokens = _tokens(source)
    except tokenize.TokenError as exc:
        raise SyntaxError(str(exc)) from None
    kept = []
    for token in tokens:
        if token.type == tokenize.NL or (token.type == tokenize.COMMENT
                                          and not token.string.startswith("# NBVAL")):
            continue
        text = "<string>" if token.type == tokenize.STRING and not strings else token.string
        if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            text = ""  # "\n", or "" at the end of a cell without a final newline: the same code
        kept.append((token.type, text))
    return kept


def same_code(english: str, translated: str) -> str | None:
    """None when ``translated`` is ``english`` with only comments and string literals changed;
    otherwise why not."""
    try:
        want, got = code_tokens(english, strings=False), code_tokens(translated, strings=False)
    except SyntaxError as exc:
        return f"the code does not tokenize as Python ({exc})"
    if want == got:
        return None
    index = next((i for i, (a, b) in enumerate(zip(want, got)) if a != b), min(len(want), len(got)))
    show = lambda tokens: " ".join(t for _, t in tokens[index:index + 4]) or "(the end)"  # noqa: E731
    return f"the code itself differs from the English (English: {show(want)!r}, here: {show(got)!r})"


def parse_translation(text: str, name: str = "<translation>") -> list[Section]:
    """The sections of a translation file; anything before the first marker is ignored."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    sections, current, body = [], None, []

    def close():
        if current is not None:
            while body and not body[-1].strip():
                body.pop()
            text = "\n".join(body)
            if current[3]:
                while body and not body[0].strip():
                    body.pop(0)
                block = CODE_BLOCK.match("\n".join(body))
                if block is None:
                    raise TranslationFormatError(
                        f"{name}, line {current[2]}: a code section holds one ```python block "
                        "(the whole cell, comments translated) and nothing else")
                text = block["code"]
            sections.append(Section(current[0], current[1], text, current[2], current[3]))

    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("<!-- cell"):
            match = MARKER.match(line)
            if not match:
                raise TranslationFormatError(
                    f"{name}, line {number}: {line!r} is not a section marker; write "
                    "'<!-- cell <cell id> en <12 hex digits of the English cell's SHA-1> -->' "
                    "(or 'code' for 'en', for a code cell)")
            close()
            current, body = (match["id"], match["hash"], number, match["kind"] == "code"), []
        elif current is not None:
            body.append(line)
    close()
    return sections


def with_lang(source: str, lang: str = LANG) -> str:
    """``rnnlab.notebook.setup(...)`` with ``lang=...`` added: ``setup()`` → ``setup(lang="zh")``."""
    def add(match):
        args = match["args"].strip()
        if re.search(r"\blang\s*=", args):
            return match[0]
        return f'rnnlab.notebook.setup({args + ", " if args else ""}lang="{lang}")'

    return SETUP_CALL.sub(add, source)


# ------------------------------------------------------------------------------ paths
def english_notebooks(root: Path) -> list[Path]:
    """Every English lesson and solution, lessons first."""
    notebooks = Path(root) / "notebooks"
    return (sorted(notebooks.glob("[0-9][0-9]_*.ipynb"))
            + sorted((notebooks / "solutions").glob("*_solutions.ipynb")))


def translation_path(english: Path, root: Path) -> Path:
    return Path(root) / "notebooks" / LANG / "translations" / f"{Path(english).stem}.md"


def built_path(english: Path, root: Path) -> Path:
    """notebooks/X.ipynb → notebooks/zh/X.ipynb, notebooks/solutions/X → notebooks/zh/solutions/X."""
    relative = Path(english).resolve().relative_to((Path(root) / "notebooks").resolve())
    return Path(root) / "notebooks" / LANG / relative


def _relative(path: Path, root: Path) -> str:
    return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()


def translated_notebooks(root: Path) -> list[Path]:
    """The English notebooks that have a translation file (only those are built)."""
    return [p for p in english_notebooks(root) if translation_path(p, root).is_file()]


# ------------------------------------------------------------------------------ build and check
def read_text(path: Path) -> str:
    """The UTF-8 text of ``path``; a file that is not UTF-8 is refused naming the file and byte."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise MalformedInput(f"{path}: not UTF-8 text (line {line}, byte {exc.start}: "
                             f"{data[exc.start:exc.start + 1]!r}); save it as UTF-8") from None


def load_notebook(path: Path) -> dict:
    """The notebook at ``path``, checked: JSON, a ``cells`` list, each cell with its type, source and id."""
    try:
        nb = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise MalformedInput(f"{path}: not a readable notebook (truncated or not JSON: {exc.msg} at "
                             f"line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise MalformedInput(f"{path}: not a notebook: it has no 'cells' list")
    for index, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("markdown", "code", "raw"):
            raise MalformedInput(f"{path}: cell {index} (counting from 0) is not a notebook cell "
                                 "(no cell_type 'markdown', 'code' or 'raw')")
        if not isinstance(cell.get("source", ""), (str, list)):
            raise MalformedInput(f"{path}: cell {index} (counting from 0): its source is neither a "
                                 "string nor a list of lines")
        if not isinstance(cell.get("id"), str) or not cell["id"]:
            raise MalformedInput(f"{path}: cell {index} (counting from 0) has no 'id'; nbformat 4.5 "
                                 "cells carry one (open and save the notebook in Jupyter to add them)")
    nb.setdefault("metadata", {})
    return nb


def compare_sections(english: dict, sections: list[Section], name: str,
                     shared: dict[str, Section] | None = None) -> list[Problem]:
    """What is stale, missing, unknown or out of order in ``sections`` against ``english``.

    ``shared``: the cells whose translation comes from the lesson (see :func:`shared_sections`);
    they need no section here, and a section here that says something else is "drift".
    """
    shared = shared or {}
    problems = []
    cells = {c.get("id"): c for c in english["cells"]}
    markdown = [c["id"] for c in english["cells"] if c["cell_type"] == "markdown"]
    seen = {}
    for section in sections:
        cell = cells.get(section.cell_id)
        if section.cell_id in seen:
            problems.append(Problem(name, section.cell_id, "duplicate",
                                    f"sections at lines {seen[section.cell_id]} and {section.line}"))
            continue
        seen[section.cell_id] = section.line
        if cell is None:
            problems.append(Problem(name, section.cell_id, "unknown",
                                    f"line {section.line} translates a cell the English notebook "
                                    "no longer has"))
        elif section.code:
            problems += _compare_code(cell, section, name)
        elif cell["cell_type"] != "markdown":
            problems.append(Problem(name, section.cell_id, "code cell",
                                    f"line {section.line} translates a {cell['cell_type']} cell as "
                                    "markdown; a code cell's section is marked 'code'"))
        elif generated(cell):
            problems.append(Problem(name, section.cell_id, "generated",
                                    f"line {section.line} translates a launch cell, which "
                                    "scripts/launch_links.py writes for the Chinese edition; drop it"))
        elif section.cell_id in shared and section.text != shared[section.cell_id].text:
            problems.append(Problem(name, section.cell_id, "drift",
                                    f"line {section.line} translates the same English as the lesson's "
                                    f"cell {section.cell_id} differently; the lesson's translation is "
                                    "used: scripts/zh_share.py --fix drops this copy"))
        elif not section.text.strip():
            problems.append(Problem(name, section.cell_id, "empty",
                                    f"line {section.line}: the section is empty; translate the cell"))
        elif section.en_hash != source_hash(cell_source(cell)):
            problems.append(Problem(name, section.cell_id, "stale",
                                    f"line {section.line} translates English {section.en_hash}, the "
                                    f"English cell is now {source_hash(cell_source(cell))}"))
    for cell in english["cells"]:
        if (cell["cell_type"] == "code" and comments(cell_source(cell))
                and not any(s.code and s.cell_id == cell["id"] for s in sections)):
            problems.append(Problem(name, cell["id"], "comments",
                                    f"English comments: {'; '.join(comments(cell_source(cell)))[:120]}"))
    for cell_id in markdown:
        if cell_id not in seen and cell_id not in shared:
            problems.append(Problem(name, cell_id, "missing", "no section translates this markdown cell"))
    order = [s.cell_id for s in sections if s.cell_id in markdown]
    if order != sorted(order, key=markdown.index) and len(set(order)) == len(order):
        problems.append(Problem(name, None, "order", "the sections are not in the notebook's order"))
    return problems


def _compare_code(cell, section: Section, name: str) -> list[Problem]:
    if cell["cell_type"] != "code":
        return [Problem(name, section.cell_id, "code section",
                        f"line {section.line} is a code section for a {cell['cell_type']} cell")]
    if section.en_hash != source_hash(cell_source(cell)):
        return [Problem(name, section.cell_id, "stale code",
                        f"line {section.line} translates English code {section.en_hash}, the cell is "
                        f"now {source_hash(cell_source(cell))}; the English cell is used until it "
                        "is translated again")]
    why = same_code(cell_source(cell), section.text)
    return [] if why is None else [Problem(name, section.cell_id, "code changed",
                                           f"line {section.line}: {why}")]


def _current_code(cell, sections) -> Section | None:
    """The code section translating ``cell`` as it is now, with the same code; else None."""
    for section in sections:
        if (section.code and section.cell_id == cell.get("id") and cell["cell_type"] == "code"
                and section.en_hash == source_hash(cell_source(cell))
                and same_code(cell_source(cell), section.text) is None):
            return section
    return None


def build_notebook(english: dict, sections: list[Section], translates: str,
                   shared: dict[str, Section] | None = None) -> dict:
    """The Chinese notebook (unexecuted: code outputs empty); an untranslated cell stays English.
    A cell in ``shared`` takes the lesson's translation (one translation per exercise statement)."""
    by_id = {s.cell_id: s for s in sections if not s.code} | dict(shared or {})
    nb = copy.deepcopy(english)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and cell.get("id") in by_id:
            cell["source"] = by_id[cell["id"]].text
        elif cell["cell_type"] == "code":
            translated = _current_code(cell, sections)
            source = cell_source(cell)
            if translated is not None:  # a section ends without the cell's final newline
                source = translated.text + ("\n" if source.endswith("\n") else "")
            cell["source"] = with_lang(source)
            cell["outputs"], cell["execution_count"] = [], None
        cell["source"] = _lines(cell_source(cell))
    nb["metadata"]["rnnlab"] = {"lang": LANG, "translates": translates}
    return nb


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def compare_built(expected: dict, built: dict, name: str) -> list[Problem]:
    """Cells of ``built`` whose type or source differ from what the build gives (``expected``)."""
    problems = []
    want = [(c.get("id"), c["cell_type"], cell_source(c)) for c in expected["cells"]]
    have = [(c.get("id"), c["cell_type"], cell_source(c)) for c in built["cells"]]
    if [w[:2] for w in want] != [h[:2] for h in have]:
        return [Problem(name, None, "built", "the built notebook's cells are not the English "
                        "notebook's cells; rebuild it with scripts/build_zh.py")]
    for (cell_id, kind, source), (_, _, got) in zip(want, have):
        if source != got:
            problems.append(Problem(name, cell_id, "built", f"the built {kind} cell differs from "
                                    "what the build gives; rebuild it, never edit it by hand"))
    if built.get("metadata", {}).get("rnnlab") != expected["metadata"]["rnnlab"]:
        problems.append(Problem(name, None, "built", f"metadata.rnnlab should be "
                                f"{expected['metadata']['rnnlab']}"))
    return problems


def lesson_of(english_path: Path, root: Path) -> Path | None:
    """notebooks/solutions/X_solutions.ipynb → notebooks/X.ipynb (None for a lesson or without one)."""
    path = Path(english_path)
    if path.parent.name != "solutions" or not path.stem.endswith("_solutions"):
        return None
    lesson = Path(root) / "notebooks" / f"{path.stem[:-len('_solutions')]}.ipynb"
    return lesson if lesson.is_file() else None


def shared_sections(english_path: Path, english: dict, root: Path) -> dict[str, Section]:
    """For a solution notebook: ``{cell id: the lesson's section}`` for each markdown cell whose English
    is identical to a lesson cell's (the exercise statements) and whose lesson section is current."""
    lesson = lesson_of(english_path, root)
    if lesson is None or not translation_path(lesson, root).is_file():
        return {}
    lesson_nb = load_notebook(lesson)
    source = translation_path(lesson, root)
    by_id = {s.cell_id: s for s in parse_translation(read_text(source), _relative(source, root))}
    by_hash = {}
    for cell in lesson_nb["cells"]:
        section = by_id.get(cell["id"])
        digest = source_hash(cell_source(cell))
        if (cell["cell_type"] == "markdown" and section is not None and section.en_hash == digest
                and section.text.strip()):
            by_hash.setdefault(digest, section)
    return {c["id"]: by_hash[source_hash(cell_source(c))] for c in english["cells"]
            if c["cell_type"] == "markdown" and source_hash(cell_source(c)) in by_hash}


def generated(cell) -> bool:
    """A cell the build writes itself (the launch cells, tag ``launch``): no translation file holds it."""
    return "launch" in cell.get("metadata", {}).get("tags", [])


def launch_sections(english: dict, name: str) -> tuple[dict[str, Section], list[Section]]:
    """The Chinese lesson's launch cells (Colab and Binder links, the Colab set-up cell), written by
    scripts/launch_links.py for the repository the English cells name: no translation file holds
    them, so moving the course to another repository needs no retranslation."""
    import launch_links  # beside this script

    found = launch_links.launch_of(english)
    if found is None:
        return {}, []
    repo, branch = found
    cells = {c.get("id"): c for c in english["cells"]}
    links, setup = {}, []
    if launch_links.LINKS_ID in cells:
        zh_path = name.replace("notebooks/", "notebooks/zh/", 1)
        links[launch_links.LINKS_ID] = Section(
            launch_links.LINKS_ID, source_hash(cell_source(cells[launch_links.LINKS_ID])),
            launch_links.links_cell(repo, branch, zh_path, LANG), 0)
    setup.append(Section(launch_links.CELL_ID, source_hash(cell_source(cells[launch_links.CELL_ID])),
                         launch_links.colab_cell(repo, branch, LANG), 0, code=True))
    return links, setup


def plan(english_path: Path, root: Path):
    """``(expected Chinese notebook, problems with the translation)`` for one English notebook."""
    name = _relative(english_path, root)
    source = translation_path(english_path, root)
    english = load_notebook(english_path)
    sections = parse_translation(read_text(source), _relative(source, root))
    shared = shared_sections(english_path, english, root)
    links, setup = launch_sections(english, name)
    shared |= links
    sections += setup
    return (build_notebook(english, sections, name, shared),
            compare_sections(english, sections, name, shared))


def check_edition(root: Path, warnings: bool = False) -> list[Problem]:
    """Everything stale in the Chinese edition under ``root``; empty when it is in step.
    With ``warnings``, also what is reported without failing (:data:`WARNING_KINDS`)."""
    root = Path(root)
    if not warnings:
        return [p for p in check_edition(root, warnings=True) if not p.warning]
    problems = []
    english = english_notebooks(root)
    stems = {p.stem for p in english}
    folder = root / "notebooks" / LANG / "translations"
    for source in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        if source.stem not in stems:
            problems.append(Problem(_relative(source, root), None, "orphan",
                                    "no English notebook has this stem"))
    for path in translated_notebooks(root):
        name = _relative(path, root)
        try:
            expected, found = plan(path, root)
        except MalformedInput as exc:
            problems.append(Problem(name, None, "format", str(exc)))
            continue
        problems += found
        built = built_path(path, root)
        if not built.is_file():
            problems.append(Problem(name, None, "built", f"{_relative(built, root)} is not built; "
                                    "run scripts/build_zh.py"))
            continue
        try:
            problems += compare_built(expected, load_notebook(built), name)
        except MalformedInput as exc:
            problems.append(Problem(name, None, "format", f"{exc}; rebuild it with scripts/build_zh.py"))
    translated = {built_path(p, root).resolve() for p in translated_notebooks(root)}
    for built in sorted((root / "notebooks" / LANG).rglob("*.ipynb")):
        if ".ipynb_checkpoints" not in built.parts and built.resolve() not in translated:
            problems.append(Problem(_relative(built, root), None, "orphan",
                                    "a built notebook without a translation file"))
    return problems


def write_notebook(nb: dict, path: Path) -> None:
    """Write ``nb`` as nbformat does, atomically: a temporary file beside ``path``, checked, replaced."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"

    def reads_back(tmp: Path) -> None:
        if json.loads(tmp.read_text(encoding="utf-8")) != nb:  # pragma: no cover
            raise OSError(f"{tmp} did not read back as written")

    write_text_atomic(path, text, check=reads_back)


def _code_key(source: str):
    """What decides a code cell's outputs: its tokens without comments (a translated comment
    changes nothing), or the source itself when it does not tokenize."""
    try:
        return code_tokens(source)
    except SyntaxError:
        return source


def build(english_path: Path, root: Path) -> tuple[Path, bool, list[Problem]]:
    """Build one Chinese notebook; ``(path, needs_execution, problems)``.

    Outputs of an existing built notebook are kept when its code cells are unchanged (only prose
    or comments changed), so the notebook needs executing only when its code did.
    """
    expected, problems = plan(english_path, root)
    target = built_path(english_path, root)
    needs_execution = True
    try:  # a damaged built notebook is simply rebuilt (and executed again)
        old = load_notebook(target) if target.is_file() else None
    except MalformedInput:
        old = None
    if old is not None:
        old_code = [(c.get("id"), _code_key(cell_source(c))) for c in old["cells"]
                    if c["cell_type"] == "code"]
        new_code = [(c.get("id"), _code_key(cell_source(c))) for c in expected["cells"]
                    if c["cell_type"] == "code"]
        executed = all(c.get("execution_count") for c in old["cells"]
                       if c["cell_type"] == "code" and cell_source(c).strip())
        if old_code == new_code and executed:
            outputs = {c.get("id"): c for c in old["cells"] if c["cell_type"] == "code"}
            for cell in expected["cells"]:
                if cell["cell_type"] == "code":
                    cell["outputs"] = outputs[cell["id"]].get("outputs", [])
                    cell["execution_count"] = outputs[cell["id"]].get("execution_count")
            for key in ("kernelspec", "language_info"):
                if key in old.get("metadata", {}):
                    expected["metadata"][key] = old["metadata"][key]
            needs_execution = False
    write_notebook(expected, target)
    return target, needs_execution, problems


def skeleton(english: dict) -> str:
    """A translation file to start from: every markdown cell's marker followed by its English text."""
    parts = [f"{marker(c)}\n{cell_source(c).rstrip()}\n" for c in english["cells"]
             if c["cell_type"] == "markdown" and not generated(c)]
    return "\n".join(parts)


def drop_sections(text: str, cell_ids) -> str:
    """``text`` (a translation file) without the sections of ``cell_ids`` (marker to next marker)."""
    cell_ids, keep, dropping = set(cell_ids), [], False
    for line in text.splitlines(keepends=True):
        match = MARKER.match(line.rstrip("\n"))
        if match:
            dropping = match["id"] in cell_ids
        if not dropping:
            keep.append(line)
    return "".join(keep)
