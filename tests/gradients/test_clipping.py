import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from rnnlab.gradients.clipping import global_grad_norm, grad_clipping


def _params_with_grads(seed: int, scale: float = 1.0):
    g = torch.Generator().manual_seed(seed)
    params = [nn.Parameter(torch.zeros(s)) for s in [(3, 4), (4,), (2, 2, 2)]]
    for p in params:
        p.grad = torch.randn(p.shape, generator=g) * scale
    return params


def test_global_norm_is_the_norm_of_all_gradients_as_one_vector():
    params = _params_with_grads(0)
    flat = torch.cat([p.grad.reshape(-1) for p in params])
    assert global_grad_norm(params) == pytest.approx(float(flat.norm()), rel=1e-6)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.floats(1e-3, 1e3), theta=st.floats(1e-2, 1e2))
def test_equals_torch_clip_grad_norm(seed, scale, theta):
    ours = _params_with_grads(seed, scale)
    ref = _params_with_grads(seed, scale)
    norm = grad_clipping(ours, theta)
    ref_norm = torch.nn.utils.clip_grad_norm_(ref, theta)
    assert norm == pytest.approx(float(ref_norm), rel=1e-5)
    for a, b in zip(ours, ref, strict=True):
        torch.testing.assert_close(a.grad, b.grad, rtol=1e-4, atol=1e-7)
    after = global_grad_norm(ours)
    assert after == pytest.approx(min(norm, theta), rel=1e-5)


def test_small_gradients_are_left_alone_and_direction_is_kept():
    params = _params_with_grads(1)
    before = [p.grad.clone() for p in params]
    norm = grad_clipping(params, theta=1e6)
    assert all(torch.equal(p.grad, b) for p, b in zip(params, before, strict=True))
    grad_clipping(params, theta=0.5 * norm)
    for p, b in zip(params, before, strict=True):
        torch.testing.assert_close(p.grad, 0.5 * b)


def test_none_means_no_clipping_but_still_reports_the_norm():
    params = _params_with_grads(2, scale=100.0)
    before = [p.grad.clone() for p in params]
    norm = grad_clipping(params, None)
    assert norm > 100
    assert all(torch.equal(p.grad, b) for p, b in zip(params, before, strict=True))


def test_accepts_a_module_and_skips_parameters_without_gradients():
    model = nn.Linear(3, 2)
    model(torch.ones(1, 3)).sum().backward()
    model.bias.grad = None
    expected = float(model.weight.grad.norm())
    assert grad_clipping(model, 1e6) == pytest.approx(expected, rel=1e-6)
    assert global_grad_norm(nn.Linear(2, 2).parameters()) == 0.0


@pytest.mark.parametrize("theta", [0, -1.0, math.nan, math.inf])
def test_bad_theta_is_rejected(theta):
    with pytest.raises(ValueError, match="theta must be a finite number > 0 or None"):
        grad_clipping(_params_with_grads(0), theta)


def test_non_tensor_params_are_rejected():
    with pytest.raises(TypeError, match="nn.Module or an iterable of tensors"):
        grad_clipping([1.0, 2.0], 1.0)


@pytest.mark.parametrize("bad", [math.inf, math.nan])
def test_a_non_finite_norm_is_returned_and_the_gradients_left_unchanged(bad):
    params = _params_with_grads(3)
    params[1].grad[2] = bad
    before = [p.grad.clone() for p in params]
    norm = grad_clipping(params, 1.0)
    assert not math.isfinite(norm)
    for p, b in zip(params, before):        # nothing zeroed, no nan spread to finite entries
        assert torch.equal(p.grad.isnan(), b.isnan())
        finite = b.isfinite()
        assert torch.equal(p.grad[finite], b[finite])
    # what clip_grad_norm_ does by default instead: the finite entries become 0 or nan
    ref = _params_with_grads(3)
    ref[1].grad[2] = bad
    torch.nn.utils.clip_grad_norm_(ref, 1.0)
    assert not torch.equal(ref[0].grad, before[0])


@pytest.mark.parametrize("bad", [math.inf, math.nan])
def test_error_if_nonfinite_raises_and_names_the_norm(bad):
    params = _params_with_grads(4)
    params[0].grad[0, 0] = bad
    before = [p.grad.clone() for p in params]
    with pytest.raises(FloatingPointError, match=r"global gradient norm is (inf|nan)"):
        grad_clipping(params, 1.0, error_if_nonfinite=True)
    assert all(torch.equal(p.grad.isnan(), b.isnan()) for p, b in zip(params, before))
    finite = _params_with_grads(4)           # a finite norm clips as usual with the flag set
    norm = grad_clipping(finite, 0.5, error_if_nonfinite=True)
    assert norm > 0.5 and global_grad_norm(finite) == pytest.approx(0.5, rel=1e-5)
    with pytest.raises(TypeError, match="error_if_nonfinite"):
        grad_clipping(finite, 0.5, error_if_nonfinite="yes")
