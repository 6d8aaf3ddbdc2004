"""Autoregressive prediction of a series, latent AR, VAR and interpolation vs extrapolation."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
import torch  # noqa: E402

from rnnlab import series  # noqa: E402
from rnnlab.course import lesson01  # noqa: E402
from rnnlab.experiments import autoregressive  # noqa: E402


def test_noisy_sine_is_seeded_and_noisy():
    t1, x1 = series.noisy_sine(200, seed=3)
    _, x2 = series.noisy_sine(200, seed=3)
    _, x3 = series.noisy_sine(200, seed=4)
    assert torch.equal(x1, x2) and not torch.equal(x1, x3)
    assert t1[0] == 1 and len(t1) == 200
    residual = x1 - torch.sin(0.01 * t1)
    assert 0.1 < float(residual.std()) < 0.3  # noise=0.2
    _, clean = series.noisy_sine(50, noise=0)
    assert torch.allclose(clean, torch.sin(0.01 * torch.arange(1, 51, dtype=torch.float64)))


def test_lag_features_shapes_and_values():
    x = torch.arange(10.0)
    features, labels = series.lag_features(x, 3)
    assert features.shape == (7, 3) and labels.shape == (7,)
    assert features[0].tolist() == [0, 1, 2] and labels[0] == 3
    assert features[-1].tolist() == [6, 7, 8] and labels[-1] == 9
    # every row is a contiguous window followed by its label
    assert torch.equal(features[1:, :-1], features[:-1, 1:])


@pytest.mark.parametrize("tau, match", [(0, "tau must be >= 1"), (2.5, "tau must be an integer"),
                                        (10, "too short for tau=10")])
def test_lag_features_rejects_bad_tau(tau, match):
    with pytest.raises((ValueError, TypeError), match=match):
        series.lag_features(torch.arange(10.0), tau)


def test_lag_features_rejects_2d_series():
    with pytest.raises(ValueError, match="1-D series"):
        series.lag_features(torch.zeros(5, 2), 1)


def test_fit_autoregressive_recovers_known_coefficients():
    # x_t = 0.5 x_{t-1} - 0.3 x_{t-2} + 0.1 + small noise
    g = torch.Generator().manual_seed(0)
    x = torch.zeros(3000, dtype=torch.float64)
    for t in range(2, 3000):
        x[t] = 0.5 * x[t - 1] - 0.3 * x[t - 2] + 0.1 + 0.05 * torch.randn(1, generator=g).item()
    model = series.fit_autoregressive(x, 2)
    # weights are ordered oldest lag first: [x_{t-2}, x_{t-1}]
    assert torch.allclose(model.weights, torch.tensor([-0.3, 0.5], dtype=torch.float64),
                          atol=0.03)
    assert abs(model.bias - 0.1) < 0.02
    assert model.order == 2


def test_fit_autoregressive_uses_only_training_range():
    _, x = series.noisy_sine(400)
    a = series.fit_autoregressive(x, 4, n_train=200)
    y = x.clone()
    y[200:] = 100.0  # garbage after the training range must not change the fit
    b = series.fit_autoregressive(y, 4, n_train=200)
    assert torch.allclose(a.weights, b.weights)
    with pytest.raises(ValueError, match="n_train=6 gives only 2 training windows"):
        series.fit_autoregressive(x, 4, n_train=6)


def test_model_rejects_wrong_number_of_features():
    model = series.fit_autoregressive(series.noisy_sine(100)[1], 3)
    with pytest.raises(ValueError, match="3 columns"):
        model(torch.zeros(5, 4))


def test_one_step_equals_k_step_with_k_1():
    _, x = series.noisy_sine(300)
    model = series.fit_autoregressive(x, 4)
    positions, pred = series.predict_k_step(model, x, 1)
    assert torch.allclose(pred, series.predict_one_step(model, x))
    assert positions[0] == 4 and positions[-1] == 299


def test_k_step_feeds_predictions_back():
    # A hand-checkable model: x̂_t = x_{t-1} + 1, so k steps ahead adds k.
    model = series.LinearAR(torch.tensor([1.0], dtype=torch.float64), 1.0)
    x = torch.tensor([0.0, 10.0, 20.0, 30.0])
    positions, pred = series.predict_k_step(model, x, 3)
    assert positions.tolist() == [3] and pred.tolist() == [3.0]
    free = series.predict_free_running(model, x, n_observed=2)
    assert free.tolist() == [11.0, 12.0]


def test_k_step_rejects_bad_k():
    model = series.LinearAR(torch.ones(2, dtype=torch.float64), 0.0)
    with pytest.raises(ValueError, match="k must be >= 1"):
        series.predict_k_step(model, torch.zeros(10), 0)
    with pytest.raises(ValueError, match="too short for tau=2 and k=9"):
        series.predict_k_step(model, torch.zeros(10), 9)


def test_error_grows_with_k_on_unseen_data():
    _, x = series.noisy_sine()
    model = series.fit_autoregressive(x, 4, n_train=600)
    errors = series.k_step_errors(model, x, [1, 4, 16, 64], start=600)
    assert errors[0] < errors[-1]
    assert errors[-1] > 2 * errors[0]
    assert errors[0] > 0.02  # cannot beat the noise (variance 0.04) by much


def test_latent_states_summarise_the_past():
    x = torch.tensor([1.0, 2.0, 3.0, 4.0])
    h = series.latent_states(x, alphas=[0.0, 0.5])
    assert h.shape == (4, 2)
    assert h[:, 0].tolist() == [0.0, 1.0, 2.0, 3.0]  # alpha=0: the previous value
    assert h[:, 1].tolist() == [0.0, 0.5, 1.25, 2.125]
    with pytest.raises(ValueError, match=r"alphas must be .* in \[0, 1\)"):
        series.latent_states(x, alphas=[1.0])


def test_latent_model_beats_last_value_predictor():
    _, x = series.noisy_sine()
    model, states = series.fit_latent_autoregressive(x, n_train=600)
    pred = model(states[600:])
    latent_mse = float(((pred - x[600:]) ** 2).mean())
    last_value_mse = float(((x[599:-1] - x[600:]) ** 2).mean())
    assert latent_mse < last_value_mse


def test_var_recovers_coefficient_matrix():
    X = series.simulate_var(series.WEATHER_A, 4000, seed=1)
    assert X.shape == (4000, 3)
    A_hat, c_hat = series.fit_var(X)
    assert torch.allclose(A_hat, series.WEATHER_A, atol=0.05)
    assert torch.allclose(c_hat, torch.zeros(3, dtype=torch.float64), atol=0.02)


def test_var_rejects_unstable_and_non_square():
    with pytest.raises(ValueError, match="spectral radius 1.1"):
        series.simulate_var(torch.eye(2) * 1.1, 10)
    with pytest.raises(ValueError, match="square"):
        series.simulate_var(torch.zeros(2, 3), 10)
    with pytest.raises(ValueError, match="needs at least d \\+ 2"):
        series.fit_var(torch.zeros(3, 3))


def test_interpolation_is_easier_than_extrapolation():
    time, x = series.noisy_sine()
    r = series.interpolation_vs_extrapolation(time, x, fit_end=600)
    assert not bool((r.train & r.inside).any())
    assert int(r.outside.sum()) == 400
    assert r.mse_inside < 0.06  # near the noise variance 0.04
    assert r.mse_outside > 10 * r.mse_inside
    with pytest.raises(ValueError, match="fit_end must be <= 999"):
        series.interpolation_vs_extrapolation(time, x, fit_end=1000)


def test_ar_prediction_figure_returns_figure_and_summary():
    fig, summary = lesson01.ar_prediction_figure(tau=4, k=8)
    assert len(fig.axes) == 2
    assert summary.tau == 4 and summary.k == 8
    assert summary.mse_1 < summary.mse_k
    assert "8-step test MSE" in str(summary)
    with pytest.raises(ValueError, match="k must be >= 1"):
        lesson01.ar_prediction_figure(tau=4, k=0)


def test_ar_roots_of_a_noise_free_sine_are_on_the_unit_circle():
    import math

    _, x = series.noisy_sine(noise=0.0)
    model = series.fit_autoregressive(x, 2)
    # sin(w(t+1)) = 2 cos(w) sin(wt) - sin(w(t-1)): AR(2) exactly
    assert model.weights.tolist() == pytest.approx([-1.0, 2 * math.cos(0.01)], abs=1e-6)
    roots = series.ar_roots(model)
    assert roots.abs().tolist() == pytest.approx([1.0, 1.0], abs=1e-6)
    assert sorted(abs(float(r.angle())) for r in roots) == pytest.approx([0.01, 0.01], abs=1e-6)


def test_ar_roots_match_the_characteristic_polynomial():
    model = series.LinearAR(torch.tensor([0.2, -0.5, 0.9], dtype=torch.float64), 0.0)
    for r in series.ar_roots(model):
        # z^3 - 0.9 z^2 + 0.5 z - 0.2 = 0
        assert abs(r ** 3 - 0.9 * r ** 2 + 0.5 * r - 0.2) < 1e-9
    with pytest.raises(TypeError, match="model must be a LinearAR"):
        series.ar_roots([0.5])


def test_k_step_errors_are_the_one_step_errors_weighted_by_the_impulse_response():
    _, x = series.noisy_sine(300, seed=2)
    model = series.fit_autoregressive(x, 3, n_train=200)
    for k in (1, 2, 7, 30):
        positions, predictions = series.predict_k_step(model, x, k)
        same, errors = series.k_step_errors_from_one_step(model, x, k)
        assert torch.equal(positions, same)
        assert torch.allclose(x[positions] - predictions, errors, atol=1e-12)


def test_impulse_response_of_ar1_is_powers_of_its_weight():
    model = series.LinearAR(torch.tensor([0.5], dtype=torch.float64), 1.0)
    assert torch.allclose(series.impulse_response(model, 5),
                          0.5 ** torch.arange(5, dtype=torch.float64))
    with pytest.raises(TypeError, match="LinearAR"):
        series.impulse_response("ar", 3)
    with pytest.raises(ValueError, match="steps"):
        series.impulse_response(model, 0)


def test_mlp_autoregressive_learns_the_sine_and_works_with_the_k_step_tools():
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    _, x = series.noisy_sine(seed=1)
    mlp = autoregressive.fit_mlp_autoregressive(x, 4, n_train=600, seed=5)
    assert torch.equal(torch.rand(1), before)  # the caller's random stream is untouched
    again = autoregressive.fit_mlp_autoregressive(x, 4, n_train=600, seed=5)
    one = series.predict_one_step(mlp, x)
    assert torch.equal(one, series.predict_one_step(again, x))  # seeded: the same model
    assert one.shape == (996,) and not one.requires_grad
    test_mse = float(((one[596:] - x[600:]) ** 2).mean())
    # guessing the test range's mean scores its variance (0.26 here); the noise alone is 0.04
    assert test_mse < 2.5 * series.NOISE ** 2 < float(x[600:].var()) / 2
    errors = series.k_step_errors(mlp, x, [1, 16], start=600)
    assert errors[0] == pytest.approx(test_mse)
    with pytest.raises(ValueError, match="4 columns"):
        mlp(torch.zeros(2, 3))
    with pytest.raises(ValueError, match="no training window"):
        autoregressive.fit_mlp_autoregressive(x, 4, n_train=4)
