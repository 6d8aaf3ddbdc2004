import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import rnnlab
from rnnlab.gradients.pcgrad import pcgrad_backward, project_conflicting, require_task_grads

floats = st.floats(-10, 10, allow_nan=False, width=64)


@st.composite
def two_grads(draw, min_dim=1, max_dim=6):
    n = draw(st.integers(min_dim, max_dim))
    g1 = torch.tensor(draw(st.lists(floats, min_size=n, max_size=n)), dtype=torch.float64)
    g2 = torch.tensor(draw(st.lists(floats, min_size=n, max_size=n)), dtype=torch.float64)
    return g1, g2


def _closed_form(g1, g2):
    dot = torch.dot(g1, g2)
    if dot < 0:
        return (1 - dot / g1.dot(g1)) * g1 + (1 - dot / g2.dot(g2)) * g2
    return g1 + g2


def test_pcgrad_names_are_unambiguous():
    # rnnlab.pcgrad is the module (lesson 05 points readers to rnnlab.pcgrad.project_conflicting);
    # the update direction is the function rnnlab.pcgrad_update.
    assert rnnlab.pcgrad is rnnlab.gradients.pcgrad
    assert rnnlab.pcgrad.project_conflicting is rnnlab.project_conflicting
    assert rnnlab.pcgrad_update is rnnlab.pcgrad.pcgrad_update
    g = torch.tensor([1.0, 0.0])
    torch.testing.assert_close(rnnlab.pcgrad_update([g, g]), 2 * g)


@settings(max_examples=200, deadline=None)
@given(grads=two_grads(), seed=st.integers(0, 1000))
def test_two_tasks_equal_the_closed_form(grads, seed):
    g1, g2 = grads
    assume(g1.norm() > 1e-3 and g2.norm() > 1e-3)
    out = rnnlab.pcgrad_update([g1, g2], torch.Generator().manual_seed(seed))
    torch.testing.assert_close(out, _closed_form(g1, g2), atol=1e-8, rtol=1e-8)


@settings(max_examples=200, deadline=None)
@given(grads=two_grads())
def test_two_tasks_projected_grads_do_not_conflict_with_the_other_original(grads):
    g1, g2 = grads
    p1, p2 = project_conflicting([g1, g2])
    scale = (g1.norm() * g2.norm()).item() + 1.0
    assert torch.dot(p1, g2) >= -1e-9 * scale
    assert torch.dot(p2, g1) >= -1e-9 * scale


@settings(max_examples=200, deadline=None)
@given(n=st.integers(2, 5), dim=st.integers(1, 6), seed=st.integers(0, 10_000))
def test_no_projected_gradient_is_longer_than_its_original(n, dim, seed):
    g = torch.Generator().manual_seed(seed)
    grads = list(torch.randn(n, dim, generator=g, dtype=torch.float64))
    for original, projected in zip(grads, project_conflicting(grads, g), strict=True):
        assert projected.norm() <= original.norm() * (1 + 1e-12)


@settings(max_examples=100, deadline=None)
@given(grads=two_grads())
def test_two_tasks_do_not_depend_on_the_order(grads):
    g1, g2 = grads
    torch.testing.assert_close(rnnlab.pcgrad_update([g1, g2]), rnnlab.pcgrad_update([g2, g1]))


def test_exactly_opposite_gradients_give_zero():
    g = torch.tensor([3.0, -1.0, 2.0])
    torch.testing.assert_close(rnnlab.pcgrad_update([g, -g]), torch.zeros(3))


def test_non_conflicting_gradients_are_just_summed():
    g1, g2 = torch.tensor([1.0, 0.0]), torch.tensor([1.0, 1.0])
    torch.testing.assert_close(rnnlab.pcgrad_update([g1, g2]), g1 + g2)


def test_the_seed_projection_formula_in_2d():
    # g_B conflicts with g_A: g_B ← g_B − (g_A·g_B / ‖g_A‖²) g_A is orthogonal to g_A.
    gA, gB = torch.tensor([2.0, 0.0]), torch.tensor([-1.0, 1.0])
    pA, pB = project_conflicting([gA, gB])
    torch.testing.assert_close(pB, torch.tensor([0.0, 1.0]))
    torch.testing.assert_close(pA, torch.tensor([1.0, 1.0]))   # gA − (−2/2) gB


def test_projection_uses_the_original_gradients_not_projected_ones():
    # Three tasks where using an already-projected g_j would give a different answer.
    grads = [torch.tensor([1.0, 0.0]), torch.tensor([-1.0, 1.0]), torch.tensor([-1.0, -1.0])]
    for seed in range(20):
        out = project_conflicting(grads, torch.Generator().manual_seed(seed))
        # Task 0 conflicts with both others; each projection removes the component along an
        # ORIGINAL g_j. With originals, one projection (either order) already lands on zero or
        # on an orthogonal vector; we recompute the expected result by hand for both orders.
        g0 = grads[0]
        expected = set()
        for order in ((1, 2), (2, 1)):
            v = g0.clone()
            for j in order:
                d = torch.dot(v, grads[j])
                if d < 0:
                    v = v - d / grads[j].dot(grads[j]) * grads[j]
            expected.add(tuple(v.tolist()))
        assert tuple(out[0].tolist()) in expected


def test_three_tasks_random_order_depends_on_the_generator():
    grads = [torch.tensor([1.0, 0.2]), torch.tensor([-1.0, 1.0]), torch.tensor([-0.5, -1.0])]
    results = {tuple(rnnlab.pcgrad_update(grads, torch.Generator().manual_seed(s)).round(decimals=6)
                     .tolist()) for s in range(30)}
    assert len(results) > 1
    same = rnnlab.pcgrad_update(grads, torch.Generator().manual_seed(3))
    torch.testing.assert_close(same, rnnlab.pcgrad_update(grads, torch.Generator().manual_seed(3)))


def test_zero_gradient_is_safe():
    g = torch.tensor([1.0, -2.0])
    z = torch.zeros(2)
    for out in (rnnlab.pcgrad_update([g, z]), rnnlab.pcgrad_update([z, g]), rnnlab.pcgrad_update([z, z])):
        assert torch.isfinite(out).all()
    torch.testing.assert_close(rnnlab.pcgrad_update([g, z]), g)


def test_single_task_is_unchanged_and_2d_tensor_input_is_accepted():
    g = torch.tensor([1.0, 2.0])
    torch.testing.assert_close(rnnlab.pcgrad_update([g]), g)
    torch.testing.assert_close(rnnlab.pcgrad_update(torch.stack([g, -g])), torch.zeros(2))


def test_bad_input_raises_clear_errors():
    with pytest.raises(ValueError, match="empty"):
        rnnlab.pcgrad_update([])
    with pytest.raises(ValueError, match="same length"):
        rnnlab.pcgrad_update([torch.ones(3), torch.ones(4)])
    with pytest.raises(ValueError, match=r"grads\[1\] must be a flattened \(1-D\)"):
        rnnlab.pcgrad_update([torch.ones(4), torch.ones(2, 2)])
    with pytest.raises(TypeError, match="torch.Tensor"):
        rnnlab.pcgrad_update([torch.ones(2), [1.0, 2.0]])
    with pytest.raises(TypeError, match="floating-point"):
        require_task_grads([torch.ones(2, dtype=torch.long)])
    with pytest.raises(ValueError, match="2-D"):
        rnnlab.pcgrad_update(torch.ones(2, 2, 2))


def _two_head_model():
    torch.manual_seed(0)
    shared = torch.nn.Linear(3, 4)
    head_a, head_b = torch.nn.Linear(4, 1), torch.nn.Linear(4, 1)
    x = torch.randn(8, 3)
    h = torch.tanh(shared(x))
    return shared, head_a, head_b, head_a(h).pow(2).mean(), (head_b(h) - 1).pow(2).mean()


def test_pcgrad_backward_sets_shared_and_head_gradients():
    shared, head_a, head_b, la, lb = _two_head_model()
    params = list(shared.parameters())
    ga = torch.cat([g.flatten() for g in torch.autograd.grad(la, params, retain_graph=True)])
    gb = torch.cat([g.flatten() for g in torch.autograd.grad(lb, params, retain_graph=True)])
    head_a_grad = torch.autograd.grad(la, head_a.weight, retain_graph=True)[0]
    stats = pcgrad_backward([la, lb], params, [*head_a.parameters(), *head_b.parameters()])
    got = torch.cat([p.grad.flatten() for p in params])
    torch.testing.assert_close(got, rnnlab.pcgrad_update([ga, gb]))
    torch.testing.assert_close(head_a.weight.grad, head_a_grad)    # its own task only
    assert stats["cosine"] == pytest.approx(rnnlab.cosine_similarity(ga, gb))
    assert len(stats["task_norms"]) == 2


def test_pcgrad_backward_without_surgery_is_the_plain_sum():
    shared, head_a, head_b, la, lb = _two_head_model()
    params = list(shared.parameters())
    expected = torch.autograd.grad(la + lb, params, retain_graph=True)
    pcgrad_backward([la, lb], params, surgery=False)
    for p, g in zip(params, expected, strict=True):
        torch.testing.assert_close(p.grad, g)


def test_pcgrad_backward_errors():
    shared, *_ = _two_head_model()
    with pytest.raises(ValueError, match="losses must hold"):
        pcgrad_backward([], shared.parameters())
    with pytest.raises(ValueError, match="shared_params"):
        pcgrad_backward([torch.tensor(1.0, requires_grad=True)], [])
