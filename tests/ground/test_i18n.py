"""Issue 13: rnnlab speaks the reader's language, chosen once by setup(lang=...).
Issue 23: every key the code and the notebooks' widgets use is in both catalogues (a missing one is a
failure here, never a silent English fallback), and the catalogue's mistranslations stay fixed."""

import ast
import json
import re
import string
import warnings
from pathlib import Path

import matplotlib
import pytest

import rnnlab
from rnnlab.course import glossary
from rnnlab.course.exercises import feedback, nb00
from rnnlab.i18n import LANGUAGES, get_language, messages, set_language, tr
from rnnlab.i18n.fonts import cjk_font, use_cjk_font


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    set_language("en")


def fields_of(template: str) -> set[str]:
    """The names of the ``{fields}`` a message template fills in."""
    return {name.split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_catalogues_have_the_same_keys():
    en, zh = messages.CATALOGUES["en"], messages.CATALOGUES["zh"]
    assert LANGUAGES == ("en", "zh")
    assert sorted(set(en) - set(zh)) == [], "keys missing from zh.py"
    assert sorted(set(zh) - set(en)) == [], "keys missing from en.py"


def test_every_message_fills_in_the_same_fields_in_both_languages():
    en, zh = messages.CATALOGUES["en"], messages.CATALOGUES["zh"]
    differ = {k: (fields_of(en[k]), fields_of(zh[k]))
              for k in en if fields_of(en[k]) != fields_of(zh[k])}
    assert not differ, f"fields differ (en, zh): {differ}"


def test_every_chinese_message_is_chinese_and_not_empty():
    en, zh = messages.CATALOGUES["en"], messages.CATALOGUES["zh"]
    assert all(zh[k].strip() for k in zh)
    # a code name (min_freq, num_steps) stays as it is in both languages
    same = [k for k in en if en[k] == zh[k] and any(c.isalpha() for c in en[k]) and not en[k].isidentifier()]
    assert same == [], f"Chinese messages still in English: {same}"


def test_every_glossary_term_has_a_chinese_meaning():
    assert [t.english for t in glossary.TERMS] == list(glossary.MEANINGS_ZH)
    assert all(glossary.MEANINGS_ZH[t.english] != t.meaning for t in glossary.TERMS)


def test_setup_lang_zh_switches_feedback_and_the_glossary_and_en_switches_back(capsys):
    rnnlab.notebook.setup(lang="zh")
    assert get_language() == "zh"
    assert "已就绪" in capsys.readouterr().out
    fb = nb00.check_vanishing_weight(None)
    assert str(fb).startswith("❌ 再想想。") and "got" not in str(fb)
    assert str(feedback.correct("")) == "✅ 正确。"
    table = glossary.as_markdown()
    assert "| 含义 |" in table and glossary.MEANINGS_ZH["perplexity"] in table
    rnnlab.notebook.setup()
    assert get_language() == "en"
    assert str(nb00.check_vanishing_weight(None)) == \
        "❌ Not yet. give one finite number w, e.g. 0.5; got None"
    assert capsys.readouterr().out.startswith("rnnlab ready: torch ")


@pytest.mark.parametrize("lang", ["fr", "ZH", "", None, 1, ["zh"]])
def test_a_bad_lang_is_refused_naming_the_argument_value_and_choices(lang):
    with pytest.raises(ValueError, match=r"lang must be one of 'en', 'zh'; got "):
        rnnlab.notebook.setup(lang=lang, quiet=True)
    assert get_language() == "en"


def test_a_refused_setup_changes_no_language():
    with pytest.raises(ValueError):
        rnnlab.notebook.setup(seed=-1, lang="zh", quiet=True)
    assert get_language() == "en"


def test_tr_names_a_missing_key():
    with pytest.raises(KeyError, match="no message 'nope' in the 'en' catalogue"):
        tr("nope")
    set_language("zh")
    with pytest.raises(KeyError, match="no message 'nope' in the 'zh' catalogue"):
        tr("nope")


ROOT = Path(__file__).resolve().parents[2]


def _calls(tree, names):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in names:
                yield name, node


def test_every_message_key_the_code_uses_is_in_both_catalogues():
    used, prefixes = set(), set()
    for path in sorted((ROOT / "rnnlab").rglob("*.py")):
        for _, call in _calls(ast.parse(path.read_text(encoding="utf-8")), {"tr"}):
            key = call.args[0] if call.args else None
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                used.add(key.value)
            elif isinstance(key, ast.JoinedStr) and isinstance(key.values[0], ast.Constant):
                prefixes.add(key.values[0].value)
    assert len(used) > 100, "the scan no longer finds the tr(...) calls"
    for lang, catalogue in messages.CATALOGUES.items():
        assert sorted(used - set(catalogue)) == [], f"keys missing from {lang}.py"
        assert all(any(k.startswith(p) for k in catalogue) for p in prefixes), (lang, prefixes)


_CONTROLS = {"int_slider", "float_slider", "log_slider", "choice_slider", "dropdown", "Panel", "Text"}


def _widget_texts():
    """Every label, title and option label the notebooks give rnnlab's widgets, with where."""
    texts = {}
    notebooks = (sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
                 + sorted((ROOT / "notebooks" / "solutions").glob("*.ipynb")))
    for path in notebooks:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"]) if cell["cell_type"] == "code" else ""
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            for name, call in _calls(tree, _CONTROLS):
                args = list(call.args[:1]) if name not in ("Panel", "Text") else []
                args += [k.value for k in call.keywords if k.arg in ("title", "description")]
                if name == "dropdown" and len(call.args) > 1 and isinstance(call.args[1], ast.List):
                    args += [e.elts[0] for e in call.args[1].elts if isinstance(e, ast.Tuple)]
                for arg in args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        texts.setdefault(arg.value, path.name)
    return texts


def test_every_widget_label_title_and_option_in_the_notebooks_is_in_both_catalogues():
    texts = _widget_texts()
    assert {"hidden size", "optimiser", "Train a recurrent cell", "random, fresh state"} <= set(texts)
    # a name shown as code (SGD, Adam, num_steps) may stay as it is; everything else is translated
    names = {"SGD", "Adam", "Adam + PCGrad"}
    for lang, catalogue in messages.CATALOGUES.items():
        missing = {t: nb for t, nb in texts.items() if f"widget.{t}" not in catalogue and t not in names}
        assert missing == {}, f"add widget.<label> keys to {lang}.py for {missing}"


def test_the_catalogue_mistranslations_stay_fixed():
    zh = messages.CATALOGUES["zh"]
    report = zh["lesson07.jacobian_report"]
    assert ("往回" in report or "向后" in report) and "向前" not in report
    assert not re.search(r"少 \{ratio[^}]*\} 倍", zh["lesson07.cost_report"])
    assert "太平凡" not in zh["nb00.w_zero"]
    assert zh["report.trained_in"].endswith("秒")
    assert "给投影后梯度的结果" not in zh["nb05.check_cosine_after_clipping.zero_is_projection"]
    for key in ("nb00.translation_wrong", "nb08.check_pcgrad_update.wrong"):  # read after "❌ 再想想。"
        assert not (zh["feedback.not_yet"] + zh[key]).count("不对") > 1, key
    assert "notebook" not in zh["widget.panel_summary"] and "——" not in zh["widget.panel_summary"]
    set_language("zh")
    line = tr("widget.panel_summary", kind="Panel", controls="tau, k")
    assert line == "交互面板 Panel，控件 tau, k：运行本笔记本后即可操作。"


# ------------------------------------------------------------------------------ figures
needs_cjk = pytest.mark.skipif(cjk_font() is None,
                               reason="no CJK font installed (apt-get install fonts-noto-cjk)")


@needs_cjk
def test_matplotlib_finds_a_cjk_font_for_a_chinese_character():
    from matplotlib import font_manager

    name = use_cjk_font()
    assert name == "Noto Sans CJK SC" or name in __import__("rnnlab.i18n.fonts").i18n.fonts.PREFERRED
    path = font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
    from matplotlib.ft2font import FT2Font

    assert FT2Font(path).get_char_index(ord("梯")) != 0, f"{path} has no glyph for 梯"


@needs_cjk
def test_drawing_chinese_after_setup_warns_of_no_missing_glyph():
    import matplotlib.pyplot as plt

    rnnlab.notebook.setup(lang="zh", quiet=True)
    fig, ax = plt.subplots()
    ax.set_title("梯度裁剪 gradient clipping")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would raise here
        fig.canvas.draw()
    plt.close(fig)
    assert matplotlib.rcParams["font.family"][0] == "sans-serif"  # Latin text keeps DejaVu Sans


def test_without_a_cjk_font_setup_zh_warns_clearly(monkeypatch):
    monkeypatch.setattr(rnnlab.notebook, "use_cjk_font", lambda: None)
    with pytest.warns(UserWarning, match="fonts-noto-cjk"):
        rnnlab.notebook.setup(lang="zh", quiet=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rnnlab.notebook.setup(quiet=True)  # the English edition needs no CJK font: no warning


def test_setup_lang_zh_switches_widget_labels_and_english_keeps_them():
    import ipywidgets

    from rnnlab.course import widgets

    rnnlab.notebook.setup(lang="zh", quiet=True)
    slider = widgets.int_slider("hidden size", 64, 16, 256, 16)
    assert slider.description == "隐藏单元数"
    text = ipywidgets.Text(value="梯度", description="search")  # made by hand in lesson 00
    panel = widgets.Panel(lambda w, query: None, {"w": widgets.float_slider("weight w", 0.9, -3.0, 3.0, 0.1),
                                                  "query": text})
    assert [c.description for c in panel.controls.values()] == ["权重 w", "搜索"]
    assert widgets.label("not a known label") == "not a known label"
    rnnlab.notebook.setup(quiet=True)
    assert widgets.int_slider("hidden size", 64, 16, 256, 16).description == "hidden size"
