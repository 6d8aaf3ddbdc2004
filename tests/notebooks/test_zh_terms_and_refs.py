"""Issue 23: one term list and d2l-zh references, enforced over the Chinese edition.

The edition's Chinese text (translation files: markdown and the comments of translated code cells;
the string literals of rnnlab/i18n/zh.py) holds no rejected variant of a term and no d2l reference
that is English-numbered or unknown to the map. The rule engine (scripts/zh_text.py) touches
whole terms in prose only; the fixers are checked on small texts here.
"""

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import zh_refs  # noqa: E402
import zh_terms  # noqa: E402
import zh_text  # noqa: E402

from rnnlab.course import glossary  # noqa: E402
from rnnlab.i18n.terms import BOOK, D2L_REFERENCES, D2L_ZH, TERMS  # noqa: E402


def _rewrite(text, rules, name="x.md", kind="markdown"):
    return zh_text.rewrite(text, name, rules, kind)[0]


# ------------------------------------------------------------------------------ the edition
def test_the_chinese_edition_uses_no_rejected_variant_of_a_term():
    hits = zh_text.scan_files(zh_terms.rules(), ROOT)
    assert not hits, "run scripts/zh_terms.py --fix:\n" + "\n".join(map(str, hits))


def test_every_d2l_reference_in_the_chinese_edition_is_a_known_d2l_zh_number():
    hits = zh_text.scan_files(zh_refs.rules(), ROOT)
    assert not hits, "run scripts/zh_refs.py --fix:\n" + "\n".join(map(str, hits))


def test_every_numbered_d2l_reference_of_the_english_edition_is_in_the_map():
    cited = set()
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) + \
            sorted((ROOT / "notebooks" / "solutions").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                text = "".join(cell["source"])
                cited |= {f"§{n}" for n in re.findall(r"d2l(?:[- ]en)?(?: textbook's?,?)? \(?§(\d+(?:\.\d+)*)", text)}
                cited |= {f"Fig. {n}" for n in re.findall(r"d2l(?:-en)? Fig\. (\d+(?:\.\d+)+)", text)}
    assert cited, "the English edition cites d2l by number; the pattern above no longer finds it"
    assert sorted(cited - set(D2L_REFERENCES)) == [], "add these to rnnlab/i18n/terms.py D2L_REFERENCES"


def test_the_map_points_at_d2l_zh_sections_it_knows_with_their_pages():
    assert all(r.zh in D2L_ZH for r in D2L_REFERENCES.values())
    assert D2L_REFERENCES["§9.4"].zh == "8.4" and D2L_ZH["9.4"][0] == "双向循环神经网络"
    assert D2L_REFERENCES["§9.5"].zh == "8.5.5" and D2L_ZH["8.5.5"][0] == "梯度裁剪"
    assert D2L_REFERENCES["Fig. 9.4.2"].zh == "图 8.4.2"
    assert all(url.startswith("https://zh.d2l.ai/chapter_recurrent-") for _, url in D2L_ZH.values())


def test_the_glossary_leads_with_the_edition_term_for_gradient_clipping():
    term = next(t for t in glossary.TERMS if t.english == "gradient clipping")
    assert term.chinese == "梯度裁剪"
    assert {"梯度裁剪", "梯度剪裁"} <= {t.chinese for t in glossary.lookup("梯度")}  # both still found


def test_every_term_has_a_source_and_each_variant_differs_from_its_replacement():
    for term in TERMS:
        assert term.source and term.variants
        for variant in term.variants:
            re.compile(variant.pattern)
            assert not re.fullmatch(variant.pattern, variant.replacement), variant


# ------------------------------------------------------------------------------ the engine
def test_terms_are_rewritten_in_prose_but_not_in_code_latex_links_markers_or_quotes():
    text = ("<!-- cell a en 0123456789ab -->\n梯度剪裁很有用，`梯度剪裁` 不动，$\\text{梯度剪裁}$ 不动，"
            "[链接](梯度剪裁.md)，笔记也写作“梯度剪裁”。\n```python\nx = '梯度剪裁'  # 梯度剪裁\n```\n")
    assert _rewrite(text, zh_terms.rules()) == (
        "<!-- cell a en 0123456789ab -->\n梯度裁剪很有用，`梯度剪裁` 不动，$\\text{梯度剪裁}$ 不动，"
        "[链接](梯度剪裁.md)，笔记也写作“梯度剪裁”。\n```python\nx = '梯度剪裁'  # 梯度裁剪\n```\n")


def test_only_whole_terms_are_rewritten():
    rules = zh_terms.rules()
    assert _rewrite("隐藏单元的数目；这个单元格；这个单元会变。", rules) == "隐藏单元的数目；这个单元格；这个单元格会变。"
    assert _rewrite("运行下一个单元，再看前面的单元。每个单元有一个权重。", rules) == \
        "运行下一个单元格，再看前面的单元格。每个单元有一个权重。"  # 每个单元: hidden units, kept
    assert _rewrite("长程依赖与长依赖", rules) == "长程依赖与长程依赖"
    assert _rewrite("训练 5 轮，轮流", rules) == "训练 5 个迭代周期，轮流"
    assert _rewrite("运行 notebook 时；notebooks/zh；（notebook）", rules) == "运行笔记本时；notebooks/zh；（notebook）"


def test_a_variant_scoped_to_some_files_and_a_quoted_table_row_stay():
    rules = zh_terms.rules()
    assert _rewrite("输出层", rules, name="04_x.md") == "输出层"
    assert _rewrite("输出层", rules, name="08_x_solutions.md") == "输出头"
    assert _rewrite("| 特性 | 梯度剪裁 | 梯度分离 |", rules) == "| 特性 | 梯度剪裁 | 梯度分离 |"


def test_in_a_python_file_only_string_literals_are_rewritten():
    source = 'MESSAGES = {"a": "训练 {epochs} 轮后"}  # 梯度剪裁 in a comment is code here\n'
    assert _rewrite(source, zh_terms.rules(), "zh.py", "python") == (
        'MESSAGES = {"a": "训练 {epochs} 个迭代周期后"}  # 梯度剪裁 in a comment is code here\n')


@pytest.mark.parametrize("before, after", [
    ("（d2l §9.5）。", f"（[{BOOK}8.5.5 节]({D2L_ZH['8.5.5'][1]})）。"),
    ("d2l 教材（§9.7）还", f"[{BOOK}8.7 节]({D2L_ZH['8.7'][1]})还"),
    ("见 d2l 图 9.4.1 也", f"见[{BOOK}图 8.4.1]({D2L_ZH['图 8.4.1'][1]})也"),
    ("d2l-zh §8.5；", f"[{BOOK}8.5 节]({D2L_ZH['8.5'][1]})；"),
    ("这正是 d2l 教材的论据", f"这正是{BOOK}的论据"),
])
def test_d2l_references_are_rewritten_as_linked_d2l_zh_references(before, after):
    assert _rewrite(before, zh_refs.rules()) == after


@pytest.mark.parametrize("text", ["d2l §9.9", "见 §9.4", f"{BOOK}7.4 节", f"{BOOK}图 9.4.1"])
def test_an_unknown_or_english_numbered_reference_is_reported_never_guessed(text):
    hits = zh_text.scan(text, "x.md", zh_refs.rules())
    assert hits and all(h.want is None for h in hits), hits
    assert _rewrite(text, zh_refs.rules()) == text


def test_a_known_d2l_zh_reference_passes():
    assert zh_text.scan(f"[{BOOK}9.4 节](u)；{BOOK}图 8.4.2", "x.md", zh_refs.rules()) == []


# ------------------------------------------------------------------------------ style (point 7)
import zh_style  # noqa: E402


def test_the_style_rules_find_nothing_left_in_the_edition():
    hits = zh_text.scan_files(zh_style.rules(), ROOT)
    assert not hits, "run scripts/zh_style.py --fix:\n" + "\n".join(map(str, hits))


@pytest.mark.parametrize("before, after", [
    ("很长——而且很慢", "很长，而且很慢"),
    ("记忆——隐状态——让它", "记忆（隐状态）让它"),
    ("本身*就是*一个", "本身**就是**一个"),
    ("*The Time Machine*", "*The Time Machine*"),  # a Latin title keeps its italics
    ("超过 30 % 的步骤", "超过 30% 的步骤"),
    ("意味着 291k 个参数", "意味着 29.1 万个参数"),
    ("词表有成千上万个词元", "词表有数以千计的词元"),
    ("$a \\qquad \\text{with } b$ 和 with", "$a \\qquad \\text{其中 } b$ 和 with"),  # LaTeX only
    (zh_style.HAIZI_OLD, zh_style.HAIZI_NEW),
])
def test_the_safe_style_rewrites(before, after):
    assert _rewrite(before, zh_style.rules()) == after


def test_the_haizi_line_is_the_poems_and_attributed():
    assert "给每一条河每一座山取一个温暖的名字" in zh_style.HAIZI_NEW and "海子" in zh_style.HAIZI_NEW
    assert "《面朝大海，春暖花开》" in zh_style.HAIZI_NEW
    text = (ROOT / "notebooks" / "zh" / "translations" / "02_text_preprocessing.md").read_text(encoding="utf-8")
    assert zh_style.HAIZI_OLD not in text and "海子" in text


def test_the_translations_use_no_em_dash():
    """d2l-zh's RNN chapters use no "——"; the edition's prose (and its code sections) neither:
    an aside takes ：，；or （）, or becomes a sentence of its own (issue 23, style)."""
    found = {path.name: path.read_text(encoding="utf-8").count("——")
             for path in sorted((ROOT / "notebooks" / "zh" / "translations").glob("*.md"))}
    assert len(found) >= 18 and {name: n for name, n in found.items() if n} == {}


def test_the_dash_count_sees_an_em_dash_in_prose(tmp_path):
    folder = tmp_path / "notebooks" / "zh" / "translations"
    folder.mkdir(parents=True)
    (folder / "x.md").write_text("<!-- cell c1 en 0123456789ab -->\n很长——而且很慢\n", encoding="utf-8")
    assert zh_style.dash_counts(tmp_path) == {"notebooks/zh/translations/x.md": 1}


def test_the_translated_string_literals_follow_the_term_list_and_style():
    """The texts the code cells print (scripts/zh_strings.txt) are prose too; the fixers skip code, so
    the rules are applied to the table here."""
    import zh_comments

    text = "\n".join(zh_comments.STRINGS.values())
    assert "随机抽样" in text  # the notes' term, not d2l-zh's 随机采样
    assert zh_text.scan(text, "zh_strings.md", zh_terms.rules() + zh_style.rules()) == []
    assert zh_text.scan("每个迭代周期的梯度剪裁", "x.md", zh_terms.rules()) != []  # the rules do fire
