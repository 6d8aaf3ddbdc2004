import math
from pathlib import Path

import pytest

from rnnlab.course import glossary, lesson00
from rnnlab.course.exercises import nb00

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed"


def test_every_glossary_term_is_a_term_of_the_seed_notes():
    files = sorted(SEED.glob("*.txt"))
    assert files, f"the seed notes are expected in {SEED}"
    text = "".join(f.read_text(encoding="utf-8") for f in files)
    notes_terms = [t for t in glossary.TERMS if t.source == "notes"]
    assert len(notes_terms) > 40
    missing = [t.chinese for t in notes_terms if t.chinese not in text]
    assert not missing


def test_every_term_says_where_it_comes_from_and_the_lessons_terms_are_there():
    assert {t.source for t in glossary.TERMS} <= set(glossary.SOURCES)
    chinese = {t.chinese for t in glossary.TERMS}
    for term in ("拉普拉斯平滑", "n元语法", "一元语法", "二元语法", "三元语法", "齐普夫定律", "停用词",
                 "温度", "贪心", "过拟合", "验证集", "k步预测", "学习率", "随机抽样", "顺序划分",
                 "随机采样", "顺序分区"):
        assert term in chinese, term


def test_glossary_has_no_duplicate_chinese_terms_and_valid_lessons():
    chinese = [t.chinese for t in glossary.TERMS]
    assert len(chinese) == len(set(chinese))
    assert {t.lesson for t in glossary.TERMS} <= {f"0{i}" for i in range(9)}


def test_lookup_finds_by_either_language_and_lesson():
    assert [t.english for t in glossary.lookup("困惑度")] == ["perplexity"]
    assert any(t.chinese == "梯度剪裁" for t in glossary.lookup("CLIPPING"))
    assert all(t.lesson == "08" for t in glossary.lookup("08"))
    assert glossary.as_markdown([]) == "_No term matches._"
    with pytest.raises(TypeError, match="query must be a string"):
        glossary.lookup(3)


def test_scalar_rnn_matches_the_recurrence_and_its_derivative():
    hs = lesson00.trajectory(0.5, steps=3, h0=1.0, x=0.2)
    assert hs[1] == pytest.approx(math.tanh(0.5 * 1.0 + 0.2))
    # finite differences of h_3 with respect to h_0 agree with the product formula
    eps = 1e-6
    up = lesson00.trajectory(0.9, 5, h0=0.3 + eps)[-1]
    down = lesson00.trajectory(0.9, 5, h0=0.3 - eps)[-1]
    assert lesson00.sensitivity(0.9, 5, h0=0.3)[-1] == pytest.approx((up - down) / (2 * eps), rel=1e-5)


def test_scalar_rnn_small_weight_forgets_large_weight_saturates():
    assert lesson00.sensitivity(0.5, 30)[-1] < 1e-8
    assert abs(lesson00.trajectory(3.0, 30)[-1]) > 0.99


def test_scalar_rnn_bad_input():
    with pytest.raises(ValueError, match="steps must be >= 1, got 0"):
        lesson00.trajectory(0.5, steps=0)
    with pytest.raises(ValueError, match="w must be a finite number, got nan"):
        lesson00.trajectory(float("nan"))


def test_translation_checker():
    assert nb00.check_translation("困惑度", "perplexity")
    fb = nb00.check_translation("困惑度", "confusion")
    assert not fb and "lesson 03" in fb.message
    assert not nb00.check_translation("狗", "dog")


def test_vanishing_weight_checker():
    assert nb00.check_vanishing_weight(0.5)
    assert nb00.check_vanishing_weight(-0.8)
    fb = nb00.check_vanishing_weight(1.5)
    assert not fb and "0 < |w| < 1" in fb.message and "saturat" in fb.message
    assert not nb00.check_vanishing_weight(0)
    fb = nb00.check_vanishing_weight(0.97)
    assert not fb and "smaller |w|" in fb.message


def test_linear_recurrence_grows_for_large_weight_tanh_cannot():
    lin = lesson00.linear_sensitivity(1.5, 30)
    assert lin[-1] == pytest.approx(1.5 ** 30) and lin[-1] > 1e5
    assert lesson00.linear_sensitivity(0.5, 30)[-1] == pytest.approx(0.5 ** 30)
    # with x = 0 and h_0 = 1 tanh settles at a fixed point: the same w forgets instead
    assert lesson00.sensitivity(1.5, 30)[-1] < 1e-3
    with pytest.raises(ValueError, match="w must be a finite number"):
        lesson00.linear_sensitivity(float("inf"))


def test_scalar_rnn_plot_shows_both_recurrences_without_a_floor():
    import matplotlib

    matplotlib.use("Agg")
    fig = lesson00.plot(3.0)
    right = fig.axes[1]
    assert [t.get_text() for t in right.get_legend().get_texts()] == ["tanh", "linear: $|w|^t$"]
    tanh_line = right.get_lines()[0].get_ydata()
    assert min(tanh_line) < 1e-30  # no clamp at 1e-30: the real value is shown
    assert right.get_yscale() == "log"


def test_per_lesson_counts_every_term_once_in_both_languages():
    import re

    import rnnlab
    from rnnlab.course import glossary

    line = glossary.per_lesson()
    counts = {n: int(c) for n, c in re.findall(r"(\d\d): (\d+)", line)}
    assert sum(counts.values()) == len(glossary.TERMS)
    assert counts["04"] == sum(t.lesson == "04" for t in glossary.TERMS)
    rnnlab.notebook.setup(lang="zh", quiet=True)
    try:
        assert glossary.per_lesson().startswith("每课")
    finally:
        rnnlab.notebook.setup(lang="en", quiet=True)
