import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from rnnlab.experiments.explosion import grad_norm_vs_steps, plot_grad_norm_vs_steps  # noqa: E402


def test_large_radius_explodes_small_radius_does_not():
    steps = (5, 20, 40)
    big = grad_norm_vs_steps(4.0, steps, num_hiddens=32)
    small = grad_norm_vs_steps(0.5, steps, num_hiddens=32)
    assert big[-1] > 100 * big[0]        # grows by orders of magnitude with length
    assert small[-1] < 2 * small[0]      # stays put: no explosion
    assert grad_norm_vs_steps(4.0, steps, num_hiddens=32) == big  # seeded


def test_rejects_bad_arguments():
    with pytest.raises(ValueError, match="radius"):
        grad_norm_vs_steps(0.0)
    with pytest.raises(ValueError, match="steps"):
        grad_norm_vs_steps(1.0, steps=[])
    with pytest.raises(ValueError, match="steps"):
        grad_norm_vs_steps(1.0, steps=[0])


def test_plot_has_one_line_per_curve_and_theta():
    fig = plot_grad_norm_vs_steps({"a": [1, 2], "b": [3, 4]}, steps=(5, 10), theta=1.0)
    assert len(fig.axes[0].lines) == 3
    plt.close(fig)


def test_the_callers_global_rng_is_left_as_it_was():
    import torch

    from rnnlab.course import lesson05
    from rnnlab.gradients.jacobians import input_sensitivity

    for call in (lambda: grad_norm_vs_steps(4.0, (2, 4), num_hiddens=8, seed=3),
                 lambda: plt.close(lesson05.explosion_panel(num_steps=4)[0]),
                 lambda: input_sensitivity("lstm", num_steps=4, num_hiddens=4, seed=5)):
        torch.manual_seed(123)
        before = torch.get_rng_state()
        call()
        assert torch.equal(torch.get_rng_state(), before)
    # the result still depends on the seed only, not on the caller's stream
    torch.manual_seed(1)
    a = input_sensitivity("gru", num_steps=5, num_hiddens=4, seed=2)
    torch.manual_seed(99)
    assert torch.equal(input_sensitivity("gru", num_steps=5, num_hiddens=4, seed=2), a)
