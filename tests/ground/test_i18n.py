"""Issue 13: rnnlab speaks the reader's language, chosen once by setup(lang=...)."""

import warnings

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


def test_both_catalogues_have_the_same_keys():
    en, zh = messages.CATALOGUES["en"], messages.CATALOGUES["zh"]
    assert LANGUAGES == ("en", "zh")
    assert sorted(set(en) - set(zh)) == [], "keys missing from zh.py"
    assert sorted(set(zh) - set(en)) == [], "keys missing from en.py"


def test_every_message_fills_in_the_same_fields_in_both_languages():
    en, zh = messages.CATALOGUES["en"], messages.CATALOGUES["zh"]
    differ = {k: (messages.fields_of(en[k]), messages.fields_of(zh[k]))
              for k in en if messages.fields_of(en[k]) != messages.fields_of(zh[k])}
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
    assert str(fb).startswith("❌ 还不对。") and "got" not in str(fb)
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
