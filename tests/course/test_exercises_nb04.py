import torch

from rnnlab.course.exercises import nb04


def test_num_params_accepts_the_count_and_names_what_is_missing():
    V, H = 28, 512
    right = V * H + H * H + H + H * V + V
    assert nb04.check_num_params(V, H, right).ok
    missing_hh = nb04.check_num_params(V, H, V * H + H * V)
    assert not missing_hh.ok and "W_hh" in missing_hh.message
    no_bias = nb04.check_num_params(V, H, V * H + H * H + H * V)
    assert not no_bias.ok and "biases" in no_bias.message
    assert not nb04.check_num_params(V, H, "many").ok


def _right_step(x, H, params):
    W_xh, W_hh, b_h, W_hq, b_q = params
    H = torch.tanh(x @ W_xh + H @ W_hh + b_h)
    return H @ W_hq + b_q, H


def test_rnn_step_accepts_the_recurrence():
    assert nb04.check_rnn_step(_right_step).ok


def test_rnn_step_rejects_a_missing_tanh():
    def no_tanh(x, H, params):
        W_xh, W_hh, b_h, W_hq, b_q = params
        H = x @ W_xh + H @ W_hh + b_h
        return H @ W_hq + b_q, H

    fb = nb04.check_rnn_step(no_tanh)
    assert not fb.ok and "tanh" in fb.message


def test_rnn_step_rejects_output_from_the_old_state():
    def old_state(x, H, params):
        W_xh, W_hh, b_h, W_hq, b_q = params
        H_new = torch.tanh(x @ W_xh + H @ W_hh + b_h)
        return H @ W_hq + b_q, H_new

    fb = nb04.check_rnn_step(old_state)
    assert not fb.ok and "new hidden state" in fb.message


def test_rnn_step_reports_an_exception_and_a_non_function():
    def broken(x, H, params):
        raise RuntimeError("boom")

    fb = nb04.check_rnn_step(broken)
    assert not fb.ok and "boom" in fb.message
    assert not nb04.check_rnn_step(42).ok


def test_temperature_softmax_accepts_division():
    assert nb04.check_temperature_softmax(lambda z, t: torch.softmax(z / t, 0)).ok


def test_temperature_softmax_rejects_typical_mistakes():
    times = nb04.check_temperature_softmax(lambda z, t: torch.softmax(z * t, 0))
    assert not times.ok and "divide" in times.message
    unnormalised = nb04.check_temperature_softmax(lambda z, t: torch.exp(z / t))
    assert not unnormalised.ok and "sum to 1" in unnormalised.message
    ignores_t = nb04.check_temperature_softmax(lambda z, t: torch.softmax(z, 0))
    assert not ignores_t.ok and "plain softmax" in ignores_t.message
    assert not nb04.check_temperature_softmax(None).ok
