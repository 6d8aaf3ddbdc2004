"""Which text positions land in which batch and row under each minibatch scheme."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
import torch  # noqa: E402

from rnnlab.course import diagrams  # noqa: E402


def test_sequential_rows_continue_across_batches():
    lay = diagrams.batch_layout(40, batch_size=2, num_steps=4, scheme="sequential", offset=1)
    # (40 - 1 - 1) // 2 * 2 = 38 tokens -> rows of 19 -> 4 batches of 4 steps per row
    assert lay.num_batches == 4
    subs = lay.subsequences()
    starts = {(b, r): p for b, r, p in subs}
    for r in range(2):
        for b in range(3):
            assert starts[(b + 1, r)] == starts[(b, r)] + 4  # row r of the next batch follows
    assert starts[(0, 0)] == 1 and starts[(0, 1)] == 1 + 19


def test_random_sampling_uses_non_overlapping_windows():
    lay = diagrams.batch_layout(40, batch_size=2, num_steps=4, scheme="random", seed=3, offset=2)
    used = lay.batch >= 0
    # every used position belongs to exactly one (batch, row, step)
    assert int(used.sum()) == lay.num_batches * 2 * 4
    starts = sorted(p for _, _, p in lay.subsequences())
    assert all(p % 4 == 2 for p in starts)  # windows are aligned to the offset
    assert all(b - a >= 4 for a, b in zip(starts, starts[1:], strict=False))


def test_layout_matches_iterator_directly():
    from rnnlab import seq_data_iter_sequential

    lay = diagrams.batch_layout(30, 3, 3, "sequential", offset=0)
    X0, _ = next(seq_data_iter_sequential(torch.arange(30), 3, 3, offset=0))
    for r in range(3):
        for s in range(3):
            p = int(X0[r, s])
            assert (lay.batch[p], lay.row[p], lay.step[p]) == (0, r, s)


def test_offset_is_seeded():
    a = diagrams.batch_layout(50, 2, 5, "random", seed=7)
    b = diagrams.batch_layout(50, 2, 5, "random", seed=7)
    assert a.offset == b.offset and torch.equal(a.batch, b.batch)


def test_bad_arguments():
    with pytest.raises(ValueError, match="scheme must be one of"):
        diagrams.batch_layout(40, 2, 4, "shuffled")
    with pytest.raises(ValueError, match="offset must be <= 3"):
        diagrams.batch_layout(40, 2, 4, "random", offset=4)
    with pytest.raises(ValueError, match="too short for batch_size=4 and num_steps=20"):
        diagrams.plot_batching(4, 20)


def test_plot_batching_returns_both_layouts():
    fig, pic = diagrams.plot_batching(2, 5)
    assert len(fig.axes) == 2
    assert pic.random.offset == pic.sequential.offset
    assert pic.random.num_batches == pic.sequential.num_batches
    assert "sequential:" in str(pic)
