"""Zipf fits, the Zipf plot and the min_freq trade-off."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from rnnlab import Vocab  # noqa: E402
from rnnlab.course import lesson02
from rnnlab.text import zipf


def test_fit_zipf_recovers_exact_power_law():
    freqs = [round(1e6 * r**-1.5) for r in range(1, 200)]
    fit = zipf.fit_zipf(freqs)
    assert fit.slope == pytest.approx(-1.5, abs=1e-3)
    assert fit.intercept == pytest.approx(6, abs=1e-2)
    assert float(fit.predict([10])[0]) == pytest.approx(1e6 * 10**-1.5, rel=1e-2)


def test_fit_zipf_rejects_bad_input():
    with pytest.raises(ValueError, match="sorted from most to least"):
        zipf.fit_zipf([1, 5, 3])
    with pytest.raises(ValueError, match="at least 2 counts"):
        zipf.fit_zipf([4])
    with pytest.raises(ValueError, match="last_rank must be <= 3"):
        zipf.fit_zipf([5, 3, 1], last_rank=10)


def test_book_words_follow_zipf():
    from rnnlab.text.ngram import ngram_frequencies

    fit = zipf.fit_zipf(ngram_frequencies(zipf.book_word_tokens(), 1), 10, 1000)
    assert -1.3 < fit.slope < -0.8


def test_plot_zipf_draws_each_list_and_fit():
    fig = zipf.plot_zipf({"a": [9, 3, 1], "b": [4, 2, 1]},
                         fits={"a": zipf.fit_zipf([9, 3, 1])})
    ax = fig.axes[0]
    assert len(ax.lines) == 3 and ax.get_xscale() == "log"
    with pytest.raises(ValueError, match="at least one label"):
        zipf.plot_zipf({})


@pytest.mark.parametrize("min_freq", [0, 1, 2, 3, 5])
def test_min_freq_summary_matches_vocab(min_freq):
    tokens = "a a a b b c d d d d e".split()
    s = zipf.min_freq_summary(tokens, min_freq)
    vocab = Vocab(tokens, min_freq=min_freq)
    assert s.vocab_size == len(vocab)
    unk = sum(1 for t in tokens if vocab[t] == vocab.unk)
    assert s.unk_share == pytest.approx(unk / len(tokens))


def test_min_freq_curve_is_monotone_on_the_book():
    curve = zipf.min_freq_curve(zipf.book_word_tokens(), [1, 2, 5, 10])
    sizes = [s.vocab_size for s in curve]
    shares = [s.unk_share for s in curve]
    assert sizes == sorted(sizes, reverse=True) and shares == sorted(shares)
    assert curve[0].unk_share == 0
    assert "min_freq = 10" in str(curve[-1])


def test_min_freq_figure_and_errors():
    fig, s = lesson02.min_freq_figure(3, tokens="x x x y".split())
    assert s.vocab_size == 2 and s.unk_share == pytest.approx(0.25)
    assert len(fig.axes) == 2
    with pytest.raises(ValueError, match="min_freq must be <= 50"):
        lesson02.min_freq_figure(51)
    with pytest.raises(ValueError, match="at least one token"):
        zipf.min_freq_summary([], 1)


def test_plot_zipf_draws_into_the_axes_it_is_given():
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2)
    out = zipf.plot_zipf({"words": [10, 5, 3, 2, 1]}, ax=right)
    assert out is fig and len(right.get_lines()) == 1 and len(left.get_lines()) == 0
    assert right.get_xscale() == "log"
    plt.close(fig)
