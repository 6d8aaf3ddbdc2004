"""Issue 13: the Chinese edition is built from the English notebooks and kept in step by this test.

``scripts/zh_edition.py`` (used by scripts/build_zh.py) does the work; here it runs on the repository
itself and on an edited copy of lesson 00 with a tiny translation written by the test.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rnnlab import files

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import zh_edition as edition  # noqa: E402  (a developer tool beside scripts/build_zh.py)

ENGLISH = edition.english_notebooks(ROOT)
LESSON00 = ROOT / "notebooks" / "00_start_here.ipynb"


def _markdown(nb):
    """The markdown cells a translation file translates (the launch cells are written by the build)."""
    return [c for c in nb["cells"] if c["cell_type"] == "markdown" and not edition.generated(c)]


def _tiny_translation(english: dict) -> str:
    """A translation file for ``english``: every markdown cell's marker, then a Chinese stand-in."""
    head = "<!-- A test fixture, not a translation. -->\n\n"
    return head + "\n".join(f"{edition.marker(c)}\n# 第 {i} 格\n\n中文（{c['id']}）\n\n"
                            for i, c in enumerate(_markdown(english)))


@pytest.fixture
def copy_root(tmp_path):
    """A repository root holding lesson 00 and its tiny translation, built."""
    (tmp_path / "notebooks" / "zh" / "translations").mkdir(parents=True)
    shutil.copy(LESSON00, tmp_path / "notebooks" / LESSON00.name)
    english = edition.load_notebook(LESSON00)
    (tmp_path / "notebooks" / "zh" / "translations" / "00_start_here.md").write_text(
        _tiny_translation(english), encoding="utf-8")
    edition.build(tmp_path / "notebooks" / LESSON00.name, tmp_path)
    return tmp_path


def _failing(problems):
    """The problems that fail --check (a code cell with English comments is only a warning)."""
    return [p for p in problems if not p.warning]


def _kinds(problems):
    return sorted((p.notebook, p.cell_id, p.kind) for p in problems)


# ---------------------------------------------------------------------------- the format
def test_parse_translation_skips_the_header_and_strips_trailing_blank_lines():
    text = ("<!-- notes for translators -->\nignored\n<!-- cell abc en 0123456789ab -->\n"
            "# 标题\n\n正文\n\n\n<!-- cell d-2 en ba9876543210 -->\n第二格")
    sections = edition.parse_translation(text)
    assert [(s.cell_id, s.en_hash, s.text, s.line) for s in sections] == [
        ("abc", "0123456789ab", "# 标题\n\n正文", 3), ("d-2", "ba9876543210", "第二格", 9)]


def test_a_malformed_marker_is_refused_naming_the_file_and_line():
    with pytest.raises(edition.TranslationFormatError, match=r"x\.md, line 2: .*not a section marker"):
        edition.parse_translation("<!-- cell a en 0123456789ab -->\n<!-- cell b en 12 -->\n", "x.md")


def test_the_hash_is_the_first_12_hex_digits_of_the_sha1_of_the_joined_source():
    import hashlib

    cell = {"id": "x1", "source": ["# 04 · RNN\n", "\n", "text"]}
    want = hashlib.sha1("# 04 · RNN\n\ntext".encode()).hexdigest()[:12]
    assert edition.marker(cell) == f"<!-- cell x1 en {want} -->"


@pytest.mark.parametrize("before, after", [
    ("device = rnnlab.notebook.setup()", 'device = rnnlab.notebook.setup(lang="zh")'),
    ("rnnlab.notebook.setup(seed=1)", 'rnnlab.notebook.setup(seed=1, lang="zh")'),
    ("rnnlab.notebook.setup( quiet=True )", 'rnnlab.notebook.setup(quiet=True, lang="zh")'),
    ('rnnlab.notebook.setup(lang="zh")', 'rnnlab.notebook.setup(lang="zh")'),
    ("print(1)", "print(1)"),
])
def test_setup_gets_lang_zh(before, after):
    assert edition.with_lang(before) == after


# ---------------------------------------------------------------------------- build and drift, on a copy
def test_the_built_copy_is_in_step_and_keeps_metadata_and_code(copy_root):
    assert edition.check_edition(copy_root) == []
    english = edition.load_notebook(LESSON00)
    built = edition.load_notebook(copy_root / "notebooks" / "zh" / LESSON00.name)
    assert built["metadata"]["rnnlab"] == {"lang": "zh", "translates": "notebooks/00_start_here.ipynb"}
    assert [c["id"] for c in built["cells"]] == [c["id"] for c in english["cells"]]
    for en, zh in zip(english["cells"], built["cells"]):
        assert en["metadata"] == zh["metadata"]  # slide metadata kept
        if edition.generated(en):  # the launch cells: scripts/launch_links.py's Chinese ones
            assert "Colab" in edition.cell_source(zh) and "的" in edition.cell_source(zh)
        elif en["cell_type"] == "markdown":
            assert edition.cell_source(zh).startswith("# 第 ")
        else:
            assert edition.cell_source(zh) == edition.with_lang(edition.cell_source(en))
    setups = [edition.cell_source(c) for c in built["cells"] if "notebook.setup(" in edition.cell_source(c)]
    assert setups and all('lang="zh"' in s for s in setups)


def test_an_edited_english_cell_is_listed_as_stale(copy_root):
    path = copy_root / "notebooks" / LESSON00.name
    nb = edition.load_notebook(path)
    cell = _markdown(nb)[2]
    cell["source"] = edition.cell_source(cell) + "\nOne more English sentence."
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    problems = edition.check_edition(copy_root)
    assert _kinds(problems) == [("notebooks/00_start_here.ipynb", cell["id"], "stale")]
    assert f"notebooks/00_start_here.ipynb: cell {cell['id']}: stale" in str(problems[0])


def test_missing_and_unknown_sections_are_listed(copy_root):
    source = copy_root / "notebooks" / "zh" / "translations" / "00_start_here.md"
    english = edition.load_notebook(LESSON00)
    dropped = _markdown(english)[1]["id"]
    text = source.read_text(encoding="utf-8")
    start = text.index(f"<!-- cell {dropped} ")
    end = text.index("<!-- cell", start + 1)
    text = text[:start] + "<!-- cell gone1234 en 0123456789ab -->\n已删除的格\n\n" + text[end:]
    source.write_text(text, encoding="utf-8")
    assert _kinds(edition.check_edition(copy_root)) == sorted([
        ("notebooks/00_start_here.ipynb", dropped, "missing"),
        ("notebooks/00_start_here.ipynb", "gone1234", "unknown"),
        ("notebooks/00_start_here.ipynb", dropped, "built"),  # the built copy still has the old text
    ])


def test_a_hand_edited_built_code_cell_is_listed(copy_root):
    built = copy_root / "notebooks" / "zh" / LESSON00.name
    nb = edition.load_notebook(built)
    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code["source"] = edition.cell_source(code) + "\nx = 1"
    built.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert _kinds(edition.check_edition(copy_root)) == [
        ("notebooks/00_start_here.ipynb", code["id"], "built")]


def test_an_english_code_change_makes_the_built_notebook_stale_until_rebuilt(copy_root):
    path = copy_root / "notebooks" / LESSON00.name
    nb = edition.load_notebook(path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"][-1]
    code["source"] = edition.cell_source(code) + "\n# changed"
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert _kinds(edition.check_edition(copy_root)) == [
        ("notebooks/00_start_here.ipynb", code["id"], "built")]
    _, needs_execution, problems = edition.build(path, copy_root)
    assert needs_execution and _failing(problems) == []
    assert edition.check_edition(copy_root) == []


def test_a_prose_only_rebuild_keeps_the_outputs(copy_root):
    built = copy_root / "notebooks" / "zh" / LESSON00.name
    nb = edition.load_notebook(built)
    english = edition.load_notebook(LESSON00)
    for zh, en in zip(nb["cells"], english["cells"]):  # stand in for an executed build
        if zh["cell_type"] == "code":
            zh["outputs"], zh["execution_count"] = en["outputs"], en["execution_count"]
    edition.write_notebook(nb, built)
    source = copy_root / "notebooks" / "zh" / "translations" / "00_start_here.md"
    source.write_text(source.read_text(encoding="utf-8").replace("第 0 格", "第零格"), encoding="utf-8")
    _, needs_execution, _ = edition.build(copy_root / "notebooks" / LESSON00.name, copy_root)
    rebuilt = edition.load_notebook(built)
    assert not needs_execution
    assert edition.cell_source(rebuilt["cells"][0]).startswith("# 第零格")
    assert [c.get("outputs") for c in rebuilt["cells"]] == [c.get("outputs") for c in nb["cells"]]


def test_orphans_are_listed(copy_root):
    (copy_root / "notebooks" / "zh" / "translations" / "99_nothing.md").write_text("", encoding="utf-8")
    zh = copy_root / "notebooks" / "zh"
    shutil.copy(zh / LESSON00.name, zh / "extra.ipynb")
    assert _kinds(edition.check_edition(copy_root)) == [
        ("notebooks/zh/extra.ipynb", None, "orphan"),
        ("notebooks/zh/translations/99_nothing.md", None, "orphan")]


@pytest.mark.slow  # starts other processes
def test_build_zh_check_exits_non_zero_listing_the_stale_cell(copy_root):
    path = copy_root / "notebooks" / LESSON00.name
    nb = edition.load_notebook(path)
    cell = _markdown(nb)[0]
    cell["source"] = "# 00 · Start here, edited"
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_zh

    assert build_zh.main(["--check"], root=copy_root) == 1
    assert build_zh.main([], root=copy_root) == 1  # builds, warning about the stale cell
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_zh.py"), "--check"],
                          cwd=ROOT, capture_output=True, text=True)
    assert "problem" in done.stdout or "in step" in done.stdout, done.stdout + done.stderr


def test_the_build_writes_atomically(copy_root, monkeypatch):
    built = copy_root / "notebooks" / "zh" / LESSON00.name
    before = built.read_bytes()

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", fail)  # the one atomic write (rnnlab.files)
    with pytest.raises(OSError, match="disk full"):
        edition.build(copy_root / "notebooks" / LESSON00.name, copy_root)
    assert built.read_bytes() == before
    assert [p.name for p in built.parent.iterdir() if p.name.endswith(".tmp")] == []


# ---------------------------------------------------------------------------- the repository's own edition
def test_the_chinese_edition_is_in_step_with_the_english():
    problems = edition.check_edition(ROOT)
    assert not problems, "stale Chinese cells (edit notebooks/zh/translations/, then run " \
        "scripts/build_zh.py --execute):\n" + "\n".join(map(str, problems))


def _params():
    params = []
    for path in ENGLISH:
        params.append(pytest.param(path, id=path.relative_to(ROOT).as_posix()))
    return params


@pytest.mark.parametrize("english", _params())
def test_every_english_lesson_and_solution_has_a_chinese_edition(english):
    source = edition.translation_path(english, ROOT)
    assert source.is_file(), f"{source.relative_to(ROOT)} does not exist"
    built = edition.built_path(english, ROOT)
    assert built.is_file(), f"{built.relative_to(ROOT)} is not built: run scripts/build_zh.py --execute"
    en, zh = edition.load_notebook(english), edition.load_notebook(built)
    en_code = [edition.cell_source(c) for c in en["cells"] if c["cell_type"] == "code"]
    zh_code = [edition.cell_source(c) for c in zh["cells"] if c["cell_type"] == "code"]
    assert [edition.code_tokens(s, strings=False) for s in zh_code] == \
        [edition.code_tokens(edition.with_lang(s), strings=False) for s in en_code], \
        "code cells differ beyond setup(lang=\"zh\"), translated comments and string literals"
    import tokenize

    import zh_comments  # a translated f-string keeps the code of its {fields}

    for en_source, zh_source in zip(en_code, zh_code):
        strings = [[t for t in edition.code_tokens(edition.with_lang(s)) if t[0] == tokenize.STRING]
                   for s in (en_source, zh_source)]
        for (_, a), (_, b) in zip(*strings):
            assert a == b or zh_comments.literal_fields(a) == zh_comments.literal_fields(b), (a, b)


# ---------------------------------------------------------------------------- malformed input (issue 25)
def _build_zh():
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_zh

    return build_zh


def _check_and_build_name(copy_root, capsys, *expected):
    """``build_zh --check`` and the build both fail, naming each of ``expected`` in their output."""
    build_zh = _build_zh()
    assert build_zh.main(["--check"], root=copy_root) == 1
    checked = capsys.readouterr().out
    assert build_zh.main([], root=copy_root) == 1
    built = capsys.readouterr().out
    for text in expected:
        assert text in checked and text in built, (text, checked, built)


def test_a_truncated_english_notebook_is_named(copy_root, capsys):
    path = copy_root / "notebooks" / LESSON00.name
    path.write_bytes(path.read_bytes()[:5000])
    _check_and_build_name(copy_root, capsys, "00_start_here.ipynb: not a readable notebook (truncated")


def test_a_notebook_without_cells_is_named(copy_root, capsys):
    path = copy_root / "notebooks" / LESSON00.name
    path.write_text(json.dumps({"metadata": {}, "nbformat": 4}), encoding="utf-8")
    _check_and_build_name(copy_root, capsys, "00_start_here.ipynb: not a notebook: it has no 'cells' list")


def test_a_cell_without_an_id_is_named_with_its_index(copy_root, capsys):
    path = copy_root / "notebooks" / LESSON00.name
    nb = edition.load_notebook(path)
    del nb["cells"][3]["id"]
    path.write_text(json.dumps(nb), encoding="utf-8")
    _check_and_build_name(copy_root, capsys, "00_start_here.ipynb: cell 3 (counting from 0) has no 'id'")


def test_a_translation_that_is_not_utf8_is_named_with_its_line(copy_root, capsys):
    source = copy_root / "notebooks" / "zh" / "translations" / "00_start_here.md"
    text = source.read_text(encoding="utf-8")
    source.write_bytes(text.encode("gb18030"))
    _check_and_build_name(copy_root, capsys, "00_start_here.md: not UTF-8 text (line ")


def test_a_truncated_built_notebook_fails_the_check_and_is_rebuilt(copy_root, capsys):
    built = copy_root / "notebooks" / "zh" / LESSON00.name
    built.write_bytes(built.read_bytes()[:3000])
    build_zh = _build_zh()
    assert build_zh.main(["--check"], root=copy_root) == 1
    assert "notebooks/zh/00_start_here.ipynb: not a readable notebook" in capsys.readouterr().out
    _, needs_execution, problems = edition.build(copy_root / "notebooks" / LESSON00.name, copy_root)
    assert needs_execution and _failing(problems) == [] and edition.check_edition(copy_root) == []


def test_an_empty_section_does_not_pass_the_check(copy_root, capsys):
    source = copy_root / "notebooks" / "zh" / "translations" / "00_start_here.md"
    english = edition.load_notebook(copy_root / "notebooks" / LESSON00.name)
    cell = _markdown(english)[2]
    text = source.read_text(encoding="utf-8")
    start = text.index(edition.marker(cell))
    end = text.index("<!-- cell", start + 1)
    source.write_text(text[:start] + edition.marker(cell) + "\n\n   \n" + text[end:], encoding="utf-8")
    _, _, problems = edition.build(copy_root / "notebooks" / LESSON00.name, copy_root)
    assert [p.kind for p in _failing(problems)] == ["empty"]  # the build warns too
    assert _kinds(edition.check_edition(copy_root)) == [("notebooks/00_start_here.ipynb", cell["id"], "empty")]
    assert _build_zh().main(["--check"], root=copy_root) == 1
    assert f"cell {cell['id']}: empty" in capsys.readouterr().out


# ---------------------------------------------------------------------------- one translation per exercise
SOLUTION00 = ROOT / "notebooks" / "solutions" / "00_start_here_solutions.ipynb"


@pytest.fixture
def pair_root(copy_root):
    """``copy_root`` plus lesson 00's solution notebook and its real translation file."""
    (copy_root / "notebooks" / "solutions").mkdir()
    shutil.copy(SOLUTION00, copy_root / "notebooks" / "solutions" / SOLUTION00.name)
    shutil.copy(edition.translation_path(SOLUTION00, ROOT),
                edition.translation_path(SOLUTION00, copy_root))
    return copy_root


def _shared_ids(root):
    path = root / "notebooks" / "solutions" / SOLUTION00.name
    return sorted(edition.shared_sections(path, edition.load_notebook(path), root))


def test_every_exercise_statement_of_the_repository_has_one_translation():
    for path in edition.english_notebooks(ROOT):
        assert [p for p in edition.plan(path, ROOT)[1] if p.kind == "drift"] == []
        if edition.lesson_of(path, ROOT) is not None:
            assert edition.shared_sections(path, edition.load_notebook(path), ROOT), path.name


def test_a_solution_builds_its_shared_statements_from_the_lesson_translation(pair_root):
    ids = _shared_ids(pair_root)
    assert ids, "lesson 00 and its solutions share exercise statements"
    solution = pair_root / "notebooks" / "solutions" / SOLUTION00.name
    built, _, problems = edition.build(solution, pair_root)
    assert _failing(problems) == []
    cells = {c["id"]: edition.cell_source(c) for c in edition.load_notebook(built)["cells"]}
    lesson = {s.cell_id: s.text for s in edition.parse_translation(
        edition.read_text(edition.translation_path(LESSON00, pair_root)))}
    assert [cells[i] for i in ids] == [lesson[i] for i in ids]  # the tiny lesson translation, verbatim


def test_a_solution_section_that_translates_a_statement_differently_is_flagged_and_fixed(pair_root, capsys):
    cell_id = _shared_ids(pair_root)[0]
    solution = pair_root / "notebooks" / "solutions" / SOLUTION00.name
    english = edition.load_notebook(solution)
    cell = next(c for c in english["cells"] if c["id"] == cell_id)
    source = edition.translation_path(SOLUTION00, pair_root)
    source.write_text(source.read_text(encoding="utf-8") + f"\n{edition.marker(cell)}\n另一种译法\n",
                      encoding="utf-8")
    edition.build(solution, pair_root)
    assert ("notebooks/solutions/00_start_here_solutions.ipynb", cell_id, "drift") in \
        {(p.notebook, p.cell_id, p.kind) for p in edition.check_edition(pair_root)}
    sys.path.insert(0, str(ROOT / "scripts"))
    import zh_share

    assert zh_share.main([], root=pair_root) == 1
    assert zh_share.main(["--fix"], root=pair_root) == 0
    assert "另一种译法" not in source.read_text(encoding="utf-8")
    edition.build(solution, pair_root)
    assert edition.check_edition(pair_root) == []


# ---------------------------------------------------------------------------- code cells: comments translated
def _code_cell_with_comment(root):
    path = root / "notebooks" / LESSON00.name
    nb = edition.load_notebook(path)
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code" and not edition.generated(c)
                and edition.comments(edition.cell_source(c)))
    return path, cell


def _add_section(root, section):
    source = root / "notebooks" / "zh" / "translations" / "00_start_here.md"
    source.write_text(source.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + section, encoding="utf-8")


def test_untranslated_comments_are_a_warning_not_a_failure(copy_root, capsys):
    path, cell = _code_cell_with_comment(copy_root)
    found = edition.check_edition(copy_root, warnings=True)
    assert (cell["id"], "comments") in {(p.cell_id, p.kind) for p in found}
    assert all(p.warning for p in found) and edition.check_edition(copy_root) == []
    assert _build_zh().main(["--check", "--warnings"], root=copy_root) == 0
    assert f"warning: notebooks/00_start_here.ipynb: cell {cell['id']}: comments" in capsys.readouterr().out


def test_a_code_section_translates_the_comments_and_keeps_the_outputs(copy_root):
    path, cell = _code_cell_with_comment(copy_root)
    english = edition.cell_source(cell)
    comment = edition.comments(english)[0]
    translated = english.replace(comment, "# 中文注释", 1)
    _add_section(copy_root, edition.code_section(cell, translated))
    built = copy_root / "notebooks" / "zh" / LESSON00.name
    nb = edition.load_notebook(built)
    for c in nb["cells"]:  # pretend the built notebook was executed
        if c["cell_type"] == "code":
            c["execution_count"], c["outputs"] = 1, [{"output_type": "stream", "name": "stdout", "text": "x"}]
    built.write_text(json.dumps(nb), encoding="utf-8")
    _, needs_execution, problems = edition.build(path, copy_root)
    assert _failing(problems) == [] and not needs_execution  # only a comment changed
    zh_cell = next(c for c in edition.load_notebook(built)["cells"] if c["id"] == cell["id"])
    assert "# 中文注释" in edition.cell_source(zh_cell) and zh_cell["outputs"]
    assert edition.code_tokens(edition.cell_source(zh_cell)) == edition.code_tokens(edition.with_lang(english))
    assert (cell["id"], "comments") not in {(p.cell_id, p.kind) for p in edition.check_edition(copy_root, True)}


def test_a_code_section_that_changes_the_code_fails_the_check(copy_root, capsys):
    path, cell = _code_cell_with_comment(copy_root)
    changed = edition.cell_source(cell) + "\nx = 1  # 多了一行代码"
    _add_section(copy_root, edition.code_section(cell, changed))
    edition.build(path, copy_root)
    assert (cell["id"], "code changed") in {(p.cell_id, p.kind) for p in edition.check_edition(copy_root)}
    zh_cell = next(c for c in edition.load_notebook(copy_root / "notebooks" / "zh" / LESSON00.name)["cells"]
                   if c["id"] == cell["id"])
    assert "多了一行代码" not in edition.cell_source(zh_cell)  # the English cell is used instead
    assert _build_zh().main(["--check"], root=copy_root) == 1
    assert "the code itself differs from the English" in capsys.readouterr().out


def test_a_stale_code_section_is_a_warning_and_the_english_cell_is_used(copy_root):
    path, cell = _code_cell_with_comment(copy_root)
    stale = dict(cell, source="print('an older cell')  # 旧的\n")
    _add_section(copy_root, edition.code_section(stale, "print('an older cell')  # 旧的"))
    edition.build(path, copy_root)
    found = edition.check_edition(copy_root, warnings=True)
    assert (cell["id"], "stale code") in {(p.cell_id, p.kind) for p in found}
    assert edition.check_edition(copy_root) == []


def test_a_code_section_that_is_not_one_python_block_is_refused_naming_the_line():
    text = "<!-- cell c1 code 0123456789ab -->\nx = 1\n"
    with pytest.raises(edition.TranslationFormatError, match=r"x\.md, line 1: a code section holds one"):
        edition.parse_translation(text, "x.md")


@pytest.mark.parametrize("english, translated, same", [
    ("x = 1  # one\n", "x = 1  # 一", True),
    ("print('a')  # say\n", "print('啊')  # 说", True),           # a string literal may be translated
    ("x = 1  # one\n", "x = 2  # 一", False),
    ("# NBVAL_IGNORE_OUTPUT\nx = 1\n", "x = 1", False),           # nbval's directive stays
    ("f(a, b)\n", "f(a,\n  b)", True),                             # layout inside brackets is not code
    ("f(a)\n", "f(a  # 注释", False),                              # does not tokenize
])
def test_same_code_sets_aside_only_comments_and_strings(english, translated, same):
    assert (edition.same_code(english, translated) is None) == same


def test_the_comment_table_translates_a_cell_only_when_it_knows_every_comment():
    import zh_comments

    source = "# NBVAL_IGNORE_OUTPUT\nx = 1  # your code here\n"
    assert zh_comments.translate(source) == "# NBVAL_IGNORE_OUTPUT\nx = 1  # 在这里写你的代码\n"
    assert zh_comments.translate("x = 1  # your code here\ny = 2  # not in the table\n") is None
    assert zh_comments.translate("x = 1\n") is None
    assert zh_comments.main([], root=ROOT) == 0


def test_the_repository_edition_has_no_english_comments_and_no_stale_code_sections():
    """The tool only warns (above); the committed edition must have nothing to warn about: every
    comment of a lesson or solution is Chinese, and every code section translates the cell as it is."""
    warnings = [p for p in edition.check_edition(ROOT, warnings=True) if p.warning]
    assert not warnings, "code cells still English (add their comments to scripts/zh_comments.py's " \
        "table, run scripts/zh_comments.py --write, then scripts/build_zh.py):\n" + "\n".join(map(str, warnings))


def test_the_string_table_translates_literals_and_keeps_the_code():
    import zh_comments

    assert zh_comments.STRINGS['"same outputs and states"'] == '"输出和状态都相同"'
    source = 'ok = True\nprint("same outputs and states")  # your code here\n'
    translated = zh_comments.translate(source)
    assert translated == 'ok = True\nprint("输出和状态都相同")  # 在这里写你的代码\n'
    assert edition.same_code(source, translated) is None
    assert zh_comments.translate('print("same outputs and states")\n') == 'print("输出和状态都相同")\n'
    assert zh_comments.translate('print("a string nobody translates")\n') is None


@pytest.mark.parametrize("entry, message", [
    ('en: f"x = {x:.2f}"\nzh: f"x 等于 {y:.2f}"\n', "fields"),                # the code in a field changed
    ('en: f"x = {x:.2f}"\nzh: f"x 等于 {x:.3f}"\n', "fields"),                # so did its format
    ('en: "x"\nzh: "x" + y\n', "not one Python string literal"),
    ('en: "x"\nen: "y"\nzh: "乙"\n', "expected an 'en: ' line and then a 'zh: ' line"),
    ('en: "x"\n', "has no 'zh: ' line"),
    ('en: "x"\nzh: "甲"\n\nen: "x"\nzh: "乙"\n', "twice"),
])
def test_the_string_table_refuses_an_entry_that_would_change_the_code(tmp_path, entry, message):
    import zh_comments

    path = tmp_path / "zh_strings.txt"
    path.write_text("# a header\n\n" + entry, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        zh_comments.read_strings(path)
    path.write_text('en: f"x = {x:.2f}"\nzh: f"x 等于 {x:.2f}"\n', encoding="utf-8")
    assert zh_comments.read_strings(path) == {'f"x = {x:.2f}"': 'f"x 等于 {x:.2f}"'}


def test_every_entry_of_the_string_table_is_used():
    import io
    import tokenize

    import zh_comments

    used = set()
    for path in edition.translated_notebooks(ROOT):
        for cell in edition.load_notebook(path)["cells"]:
            if cell["cell_type"] == "code":
                source = edition.cell_source(cell)
                try:
                    used |= {t.string for t in tokenize.generate_tokens(io.StringIO(source).readline)
                             if t.type == tokenize.STRING}
                except (tokenize.TokenError, SyntaxError):
                    continue
    assert sorted(set(zh_comments.STRINGS) - used) == []


def test_the_string_table_leaves_widget_labels_to_the_catalogues():
    """A widget's label, option or panel title is looked up in rnnlab's catalogues by its English text
    (``widget.<label>``); translated in the cell it would miss its key."""
    import ast

    import zh_comments

    from rnnlab.i18n import messages

    english = messages.CATALOGUES["en"]
    plain = {ast.literal_eval(k) for k in zh_comments.STRINGS if not k.lstrip("rbuRBU").startswith(("f", "F"))}
    assert "widget.hidden size" in english and sorted(t for t in plain if f"widget.{t}" in english) == []
