"""A CJK font for figures, so that Chinese text in a figure never renders as boxes.

Figure text is kept language-neutral (symbols and English axis names, shared by both editions);
where Chinese does reach a figure (a message drawn into a panel's figure in the Chinese edition),
matplotlib falls back to a CJK font for the glyphs DejaVu Sans lacks. ``setup()`` calls
:func:`use_cjk_font`; on Debian/Ubuntu the font comes from ``apt-get install fonts-noto-cjk``.
"""

from __future__ import annotations

#: Preferred first: Simplified Chinese glyph shapes.
PREFERRED = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Noto Sans CJK JP",
             "Noto Serif CJK SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei",
             "Microsoft YaHei", "PingFang SC", "Heiti SC")


def cjk_font() -> str | None:
    """The name of an installed CJK font matplotlib can use ("Noto Sans CJK SC" when present)."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in PREFERRED:
        if name in names:
            return name
    return None


def use_cjk_font() -> str | None:
    """Lesson 00. Add an installed CJK font after matplotlib's own as the fallback for missing glyphs.

    Latin text keeps DejaVu Sans (so English figures are unchanged); a Chinese character falls
    back to the CJK font. Returns the font's name, or None when none is installed.
    """
    import matplotlib

    name = cjk_font()
    if name is None:
        return None
    family = [f for f in matplotlib.rcParams["font.family"] if f != name]
    matplotlib.rcParams["font.family"] = family + [name]
    return name
