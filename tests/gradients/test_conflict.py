import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnlab
from rnnlab.course import lesson08
from rnnlab.experiments import multitask, toy
from rnnlab.gradients import conflict


def test_cosine_similarity_values():
    a = torch.tensor([1.0, 0.0])
    assert rnnlab.cosine_similarity(a, a) == pytest.approx(1.0)
    assert rnnlab.cosine_similarity(a, -a) == pytest.approx(-1.0)
    assert rnnlab.cosine_similarity(a, torch.tensor([0.0, 3.0])) == pytest.approx(0.0)
    assert rnnlab.cosine_similarity(a, torch.zeros(2)) == 0.0
    with pytest.raises(ValueError, match="same number of entries"):
        rnnlab.cosine_similarity(a, torch.ones(3))


def test_conflict_share():
    assert rnnlab.conflict_share([0.5, -0.1, -0.2, 0.0]) == 0.5
    with pytest.raises(ValueError, match="empty"):
        rnnlab.conflict_share([])


def test_task_gradients_flatten_over_params():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    grads = conflict.task_gradients([(w**2).sum(), -w.sum()], [w])
    torch.testing.assert_close(grads[0], torch.tensor([2.0, 4.0]))
    torch.testing.assert_close(grads[1], torch.tensor([-1.0, -1.0]))


# ------------------------------------------------------------------ the 2-D toy
def test_toy_losses_match_the_formula_and_floor():
    l1, l2 = rnnlab.toy_losses(torch.tensor([0.5, -3.0], dtype=torch.float64))
    assert float(l1) == pytest.approx(20 * math.log(abs(0.25 + math.tanh(-3))))
    assert float(l2) == pytest.approx(25 * math.log(abs(0.25 - math.tanh(-3) + 2)))
    l1, _ = rnnlab.toy_losses(torch.tensor([0.0, 0.0], dtype=torch.float64))
    assert float(l1) == pytest.approx(20 * math.log(5e-6))
    with pytest.raises(ValueError, match="last dimension of size 2"):
        rnnlab.toy_losses(torch.zeros(3))


@pytest.mark.parametrize("point", [(0.5, -3.0), (-1.0, 2.0), (3.0, 0.3)])
def test_toy_grads_equal_autograd(point):
    theta = torch.tensor(point, dtype=torch.float64, requires_grad=True)
    l1, l2 = rnnlab.toy_losses(theta)
    a1 = torch.autograd.grad(l1, theta, retain_graph=True)[0]
    a2 = torch.autograd.grad(l2, theta)[0]
    g1, g2 = rnnlab.toy_grads(theta.detach())
    torch.testing.assert_close(g1, a1)
    torch.testing.assert_close(g2, a2)


def test_toy_grads_are_zero_on_the_floor_and_work_on_many_points():
    g1, _ = rnnlab.toy_grads(torch.tensor([0.0, 0.0]))   # |0.5·0 + tanh 0| = 0 < floor
    assert g1.tolist() == [0.0, 0.0]
    points = torch.randn(7, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    g1, g2 = rnnlab.toy_grads(points)
    assert g1.shape == g2.shape == (7, 2)
    torch.testing.assert_close(g1[3], rnnlab.toy_grads(points[3])[0])


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 6))
def test_pcgrad_rows_equals_pcgrad_row_by_row(seed, n):
    g = torch.Generator().manual_seed(seed)
    g1 = torch.randn(n, 2, generator=g, dtype=torch.float64)
    g2 = torch.randn(n, 2, generator=g, dtype=torch.float64)
    g2[0] = 0.0 if seed % 3 == 0 else g2[0]          # a zero gradient now and then
    rows = toy.pcgrad_rows(g1, g2)
    for i in range(n):
        torch.testing.assert_close(rows[i], rnnlab.pcgrad_update([g1[i], g2[i]]))


def test_run_toy_single_and_many_starts():
    a = rnnlab.run_toy("adam", steps=50)
    p = rnnlab.run_toy("pcgrad", steps=50)
    assert a.shape == p.shape == (51, 2)
    assert a[0].tolist() == [0.5, -3.0]
    assert not torch.allclose(a[-1], p[-1])
    starts = torch.tensor([[0.5, -3.0], [1.0, -2.0]], dtype=torch.float64)
    many = rnnlab.run_toy("pcgrad", starts, steps=50)
    assert many.shape == (51, 2, 2)
    torch.testing.assert_close(many[:, 0], p)              # each start is its own run
    with pytest.raises(ValueError, match="method must be one of"):
        rnnlab.run_toy("sgd")
    with pytest.raises(ValueError, match="start must be a point"):
        rnnlab.run_toy(start=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="lr_end"):
        rnnlab.run_toy(lr_end=0.0)


def test_near_optimum():
    ok = toy.near_optimum(torch.tensor([[-2.0, 3.0], [-2.0, 0.0], [1.9, 3.0]]))
    assert ok.tolist() == [True, False, False]


def test_toy_panel_returns_figure_and_text():
    fig, text = lesson08.toy_panel(0.5, -3.0, "both", steps=20)
    assert len(fig.axes) >= 1 and "Adam + PCGrad" in text and "Adam (summed" in text
    with pytest.raises(ValueError, match="method must be one of"):
        lesson08.toy_panel(method="sgd")


def test_plot_projection():
    from rnnlab.gradients.pcgrad import plot_projection

    fig = plot_projection([2.0, 0.5], [-1.5, 1.5])
    assert "cos(g_A, g_B) = -0.51" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match="2-D vectors"):
        plot_projection([1.0, 2.0, 3.0], [1.0, 0.0])


# --- lesson 08's letter-substitution experiment --------------------------------------------


def test_magnitude_similarity_and_harms():
    a = torch.tensor([1.0, 0.0])
    assert conflict.magnitude_similarity(a, -a) == pytest.approx(1.0)       # direction is ignored
    assert conflict.magnitude_similarity(a, 3 * a) == pytest.approx(2 * 3 / (1 + 9))
    assert conflict.magnitude_similarity(a, torch.zeros(2)) == 0.0
    assert conflict.magnitude_similarity(torch.zeros(2), torch.zeros(2)) == 0.0
    assert conflict.harms(a, torch.tensor([-3.0, 0.0])) == (True, False)    # B dominates: A hurt
    assert conflict.harms(torch.tensor([-3.0, 0.0]), a) == (False, True)
    b = torch.tensor([-0.5, 1.0])                                           # negative cosine ...
    assert rnnlab.cosine_similarity(a, b) < 0 and conflict.harms(a, b) == (False, False)  # no harm
    with pytest.raises(ValueError, match="same number of entries"):
        conflict.harms(a, torch.ones(3))


def test_letter_substitution():
    _, vocab = rnnlab.load_corpus_time_machine(2000)
    assert torch.equal(multitask.letter_substitution(vocab, 0.0), torch.arange(len(vocab)))
    full = multitask.letter_substitution(vocab, 1.0)
    assert sorted(full.tolist()) == list(range(len(vocab)))                  # a permutation
    letters = [vocab.token_to_idx[c] for c in multitask.LETTERS if c in vocab.token_to_idx]
    assert all(full[i] != i for i in letters)                                # every letter moves
    others = [i for i in range(len(vocab)) if i not in letters]
    assert all(full[i] == i for i in others)                                 # space, <unk> stay
    part = multitask.letter_substitution(vocab, 0.3)
    assert int((part != torch.arange(len(vocab))).sum()) == round(0.3 * len(letters))
    assert torch.equal(part, multitask.letter_substitution(vocab, 0.3))      # fixed by its seed
    for bad in (-0.1, 1.5, "0.3", True):
        with pytest.raises(ValueError, match="p must be a number in"):
            multitask.letter_substitution(vocab, bad)


def test_two_task_rnn_heads_and_detach():
    X = torch.randint(0, 6, (2, 5), generator=torch.Generator().manual_seed(0))
    shared = multitask.TwoTaskRNN(6, 4, heads="shared")
    (a, b), (h,) = shared(X)
    assert torch.equal(a, b) and a.shape == (10, 6) and h.shape == (1, 2, 4)
    assert len(shared.shared_parameters()) == len(list(shared.parameters()))
    detached = multitask.TwoTaskRNN(6, 4, heads="separate", detach_b=True)
    (_, b), _ = detached(X)
    b.sum().backward()
    assert all(p.grad is None for p in detached.rnn.parameters())
    assert detached.head_b.weight.grad.norm() > 0
    with pytest.raises(ValueError, match="detach_b=True needs heads='separate'"):
        multitask.TwoTaskRNN(6, 4, heads="shared", detach_b=True)
    with pytest.raises(ValueError, match="heads must be one of"):
        multitask.TwoTaskRNN(6, 4, heads="both")


TINY = {"num_hiddens": 8, "num_steps": 4, "batch_size": 4, "steps": 12, "eval_every": 6,
        "max_tokens": 3000}
Run = multitask.ConflictRun


def test_identical_tasks_never_conflict_and_pcgrad_is_then_the_sum():
    corpus, vocab = rnnlab.load_corpus_time_machine()
    h = multitask.train_conflict(corpus, vocab, [Run("sum", p=0.0, lam=10.0),
                                                 Run("pcgrad", p=0.0, lam=10.0)], lr=0.05, **TINY)
    m = h.step_metrics
    for i in (0, 1):
        assert len(m[f"cosine/{i}"]) == 12 and h.info["eval_steps"] == [6, 12]
        assert all(c == pytest.approx(1.0) for c in m[f"cosine/{i}"])     # g_B = λ g_A exactly
        assert all(b == pytest.approx(10 * a, rel=1e-4)
                   for a, b in zip(m[f"norm_a/{i}"], m[f"norm_b/{i}"], strict=True))
        assert sum(m[f"harm_a/{i}"]) + sum(m[f"harm_b/{i}"]) == 0
        assert h.val_metrics[f"a_ppl/{i}"] == h.val_metrics[f"b_ppl/{i}"]   # one head, one target
    assert h.val_metrics["a_ppl/1"] == h.val_metrics["a_ppl/0"]             # no conflict: no surgery


def test_a_run_is_the_same_alone_and_in_a_stack():
    corpus, vocab = rnnlab.load_corpus_time_machine()
    runs = [Run("pcgrad", p=1.0, lam=10.0, seed=3), Run("sum", p=0.3, seed=1),
            Run("detach", p=1.0, seed=3), Run("weighted", p=1.0, lam=10.0, weight=0.1, seed=2)]
    stack = multitask.train_conflict(corpus, vocab, runs, lr=0.5, **TINY)
    for i, run in enumerate(runs):
        alone = multitask.train_conflict(corpus, vocab, [run], lr=0.5, **TINY)
        for key in ("a_ppl", "b_ppl"):
            assert stack.val_metrics[f"{key}/{i}"] == pytest.approx(alone.val_metrics[f"{key}/0"],
                                                                     rel=1e-5)
        assert stack.step_metrics[f"cosine/{i}"] == pytest.approx(alone.step_metrics["cosine/0"],
                                                                   abs=1e-5)
    assert all(c == 0 for c in stack.step_metrics["cosine/2"])             # detach: by construction
    s = multitask.conflict_summary(stack, 2)
    assert s["by_construction"] and s["harm_a"] == s["harm_b"] == 0
    s = multitask.conflict_summary(stack, 0)
    assert 0 <= s["conflict"] <= 1 and 0 < s["magnitude"] <= 1 and not s["diverged"]
    assert 0.5 < stack.info["substituted"][0] < 1                           # letters, not spaces
    assert stack.info["substituted"][1] < stack.info["substituted"][0]


def test_the_stack_computes_what_a_two_task_rnn_computes():
    stack = multitask.StackedTwoTaskRNN(6, 4, [Run("sum", seed=0), Run("sum", heads="separate",
                                                                        seed=1)])
    X = torch.randint(0, 6, (2 * 3, 5), generator=torch.Generator().manual_seed(0))
    (a, b), (h,) = stack(X)
    for s, heads in enumerate(("shared", "separate")):
        ref = multitask.TwoTaskRNN(6, 4, heads=heads)
        with torch.no_grad():
            ref.rnn.weight_ih_l0.copy_(stack.W_xh[s].T)
            ref.rnn.weight_hh_l0.copy_(stack.W_hh[s].T)
            ref.rnn.bias_ih_l0.copy_(stack.b_h[s, 0])
            ref.rnn.bias_hh_l0.zero_()
            ref.head_a.weight.copy_(stack.W_a[s].T)
            ref.head_a.bias.copy_(stack.b_a[s, 0])
            if heads == "separate":
                ref.head_b.weight.copy_(stack.W_b[s].T)
                ref.head_b.bias.copy_(stack.b_b[s, 0])
        (ra, rb), (rh,) = ref(X[3 * s:3 * s + 3])
        rows = (torch.arange(5)[:, None] * 6 + 3 * s + torch.arange(3)).reshape(-1)
        torch.testing.assert_close(a[rows], ra)
        torch.testing.assert_close(b[rows], rb)
        torch.testing.assert_close(h[s], rh[0])
    with pytest.raises(ValueError, match="multiple of the number of runs"):
        stack.begin_state(3)


def test_a_diverging_run_is_frozen_and_the_others_go_on():
    corpus, vocab = rnnlab.load_corpus_time_machine()
    runs = [Run("sum", p=1.0, lam=1e6), Run("sum", p=1.0, seed=1)]
    h = multitask.train_conflict(corpus, vocab, runs, lr=1.0, **TINY)
    alone = multitask.train_conflict(corpus, vocab, runs[1:], lr=1.0, **TINY)
    assert h.info["diverged"] == [True, False]
    assert multitask.conflict_summary(h, 0)["a_ppl"] == math.inf
    assert h.val_metrics["a_ppl/1"] == pytest.approx(alone.val_metrics["a_ppl/0"], rel=1e-5)


def test_conflict_run_checks_and_weights():
    assert Run("single_a").heads == "separate" and Run("detach").heads == "separate"
    assert Run("weighted", lam=10.0, weight=0.1).weights == (1.0, pytest.approx(1.0))
    assert Run("single_b", lam=3.0).weights == (0.0, 3.0) and Run("pcgrad", lam=2.0).weights == (1.0, 2.0)
    with pytest.raises(ValueError, match="arm must be one of"):
        Run("mean")
    with pytest.raises(ValueError, match="lam"):
        Run(lam=0)
    with pytest.raises(ValueError, match="p must be a number"):
        Run(p=2)
    corpus, vocab = rnnlab.load_corpus_time_machine(3000)
    with pytest.raises(ValueError, match="multiple of eval_every"):
        multitask.train_conflict(corpus, vocab, [Run()], steps=10, eval_every=4)
    with pytest.raises(ValueError, match="runs must be a non-empty sequence of ConflictRun"):
        multitask.train_conflict(corpus, vocab, [])


def test_mean_ci():
    mean, half = multitask.mean_ci([1, 2, 3, 4, 5])
    assert mean == 3 and half == pytest.approx(2.776 * math.sqrt(2.5) / math.sqrt(5))
    assert multitask.mean_ci([2.0]) == (2.0, math.inf)
    assert multitask.mean_ci([1.0, 1.0, 1.0]) == (1.0, 0.0)
    with pytest.raises(ValueError, match="at least one"):
        multitask.mean_ci([])


def test_toy_triad_along_the_plain_adam_path():
    path = rnnlab.run_toy("adam", steps=300)
    t = toy.toy_triad(path)
    assert set(t) == {"cosine", "magnitude", "harm_1", "harm_2"} and t["cosine"].shape == (301,)
    g1, g2 = rnnlab.toy_grads(path[150])
    assert float(t["cosine"][150]) == pytest.approx(rnnlab.cosine_similarity(g1, g2))
    assert float(t["magnitude"][150]) == pytest.approx(conflict.magnitude_similarity(g1, g2))
    assert (bool(t["harm_1"][150]), bool(t["harm_2"][150])) == conflict.harms(g1, g2)
    assert not (t["harm_1"] & t["harm_2"]).any()
    with pytest.raises(ValueError, match="path must have shape"):
        toy.toy_triad(torch.zeros(3))


def test_task_b_can_be_a_memory_task():
    """back=k: task B's target is the character k steps before the next one (through the
    substitution): with p = 0 and k = 1 it is the current input, which a one-hot RNN learns
    quickly, so B ends far better than A."""
    corpus, vocab = rnnlab.load_corpus_time_machine()
    h = multitask.train_conflict(corpus, vocab, [Run("sum", p=0.0, heads="separate")], lr=1.0,
                                 back=1, **{**TINY, "steps": 60, "eval_every": 60})
    assert h.info["back"] == 1
    assert h.val_metrics["b_ppl/0"][-1] < 0.5 * h.val_metrics["a_ppl/0"][-1]
    with pytest.raises(ValueError, match="back"):
        multitask.train_conflict(corpus, vocab, [Run()], back=-1, **TINY)


def test_harm_is_measured_on_the_update_each_arm_takes():
    corpus, vocab = rnnlab.load_corpus_time_machine()
    runs = [Run("sum", p=1.0, lam=10.0, heads="separate"), Run("pcgrad", p=1.0, lam=10.0,
                                                               heads="separate"),
            Run("weighted", p=1.0, lam=10.0, weight=0.5, heads="separate")]
    h = multitask.train_conflict(corpus, vocab, runs, lr=0.3, back=3, **TINY)
    m = h.step_metrics
    assert m["taken_harm_a/0"] == m["harm_a/0"]            # the sum takes g_A + g_B
    # PCGrad's update d satisfies g_A·d = |g_A|²(1 − cos²) ≥ 0: it never hurts either task
    assert sum(m["taken_harm_a/1"]) + sum(m["taken_harm_b/1"]) == 0
    for i in range(3):
        assert len(m[f"taken_harm_a/{i}"]) == 12 and set(m[f"taken_harm_b/{i}"]) <= {0.0, 1.0}


def test_curvature_is_measured_where_asked_and_changes_nothing():
    corpus, vocab = rnnlab.load_corpus_time_machine()
    runs = [Run("sum", p=1.0, lam=10.0, heads="separate"), Run("pcgrad", p=1.0, heads="separate")]
    plain = multitask.train_conflict(corpus, vocab, runs, lr=0.3, **TINY)
    measured = multitask.train_conflict(corpus, vocab, runs, lr=0.3, curvature_every=4, **TINY)
    for i in range(2):
        assert measured.val_metrics[f"a_ppl/{i}"] == plain.val_metrics[f"a_ppl/{i}"]
        curv = measured.step_metrics[f"curv_a/{i}"]
        assert [math.isfinite(c) for c in curv] == [(k + 1) % 4 == 0 for k in range(12)]
        assert all(math.isnan(c) for c in plain.step_metrics[f"curv_a/{i}"])
        assert multitask.conflict_summary(measured, i)["curv_a"] == pytest.approx(
            sorted(c for c in curv if math.isfinite(c))[1])


def test_second_difference_matches_a_hessian_vector_product():
    """The curvature the experiment records, on L_A of a tiny stack, against autograd's
    d^T H d along the same unit direction (the loss is smooth: they agree to O(eps^2))."""
    corpus, vocab = rnnlab.load_corpus_time_machine(3000)
    stack = multitask.StackedTwoTaskRNN(len(vocab), 4, [Run("sum", heads="separate")]).double()
    X = torch.tensor(corpus[:20]).reshape(4, 5)
    Y = torch.tensor(corpus[1:21]).reshape(4, 5).T.reshape(-1)
    params = [stack.W_xh, stack.W_hh, stack.b_h]
    d = [torch.randn(q.shape, generator=torch.Generator().manual_seed(k), dtype=q.dtype)
         for k, q in enumerate(params)]
    norm = torch.sqrt(sum((x * x).sum() for x in d))
    d = [x / norm for x in d]

    def loss():
        (la, _), _ = stack(X)
        return torch.nn.functional.cross_entropy(la, Y)

    grads = torch.autograd.grad(loss(), params, create_graph=True)
    hvp = torch.autograd.grad(sum((g * x).sum() for g, x in zip(grads, d)), params)
    exact = float(sum((h * x).sum() for h, x in zip(hvp, d)))
    before = [q.detach().clone() for q in params]
    value = float(multitask.second_difference(loss, params, d, 1e-3))
    assert value == pytest.approx(exact, rel=0.05, abs=1e-3)
    assert all(torch.equal(q, q0) for q, q0 in zip(params, before))     # restored exactly


def test_lesson08_figures_speak_the_readers_language():
    """Every text of the two-task diagram, the projection and the toy map is Chinese (or a formula)
    in the Chinese edition, and English in the English one."""
    import re

    import matplotlib.pyplot as plt

    from rnnlab.course import diagrams
    from rnnlab.i18n import get_language, set_language

    before = get_language()

    def texts():
        figs = [lesson08.plot_two_task_network(),
                lesson08.plot_projection(torch.tensor([2.0, 0.5]), torch.tensor([-1.5, 1.5])),
                rnnlab.plot_toy({"x": rnnlab.run_toy("adam", steps=5)})]
        out = []
        for fig in figs:
            out += diagrams.labels(fig)
            out += [t.get_text() for ax in fig.axes for t in (ax.xaxis.label, ax.yaxis.label)]
            out += [t.get_text() for ax in fig.axes if ax.get_legend()
                    for t in ax.get_legend().get_texts()]
            plt.close(fig)
        return [t for t in out if t and t != "x"]

    try:
        set_language("zh")
        for text in texts():
            assert re.search(r"[\u4e00-\u9fff]", text) or not re.search(r"[A-Za-z]{4,}", text), text
            # mathtext cannot draw CJK: a Chinese label with $...$ shows empty boxes
            assert not (re.search(r"[\u4e00-\u9fff]", text) and "$" in text), text
        set_language("en")
        assert any("separate heads" in t for t in texts())
    finally:
        set_language(before)
