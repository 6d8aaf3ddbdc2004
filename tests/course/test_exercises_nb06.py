from torch import nn

from rnnlab.course.exercises import nb06
from rnnlab.models import RNNModel


def test_state_shapes_agree_with_the_models_own_begin_state():
    for cell, layers, bi in [("lstm", 2, True), ("gru", 1, False), ("rnn", 3, True)]:
        model = RNNModel(28, 16, cell=cell, num_layers=layers, bidirectional=bi, device="cpu")
        answer = tuple(tuple(s.shape) for s in model.begin_state(4))
        assert nb06.check_state_shapes(cell, layers, bi, 4, 16, answer).ok


def test_state_shapes_reject_typical_mistakes():
    forgot_c = nb06.check_state_shapes("lstm", 1, False, 4, 16, ((1, 4, 16),))
    assert not forgot_c.ok and "memory cell" in forgot_c.message
    forgot_dirs = nb06.check_state_shapes("gru", 2, True, 4, 16, ((2, 4, 16),))
    assert not forgot_dirs.ok and "direction" in forgot_dirs.message
    scratch_shape = nb06.check_state_shapes("rnn", 1, False, 4, 16, ((4, 16),))
    assert not scratch_shape.ok and "leading axis" in scratch_shape.message
    assert not nb06.check_state_shapes("rnn", 1, False, 4, 16, "(1, 4, 16)").ok


def test_gru_params_match_torch_and_reject_typical_mistakes():
    V, H = 28, 64
    right = sum(p.numel() for p in nn.GRU(V, H).parameters())
    assert nb06.check_gru_params(V, H, right).ok
    rnn = sum(p.numel() for p in nn.RNN(V, H).parameters())
    assert "three" in nb06.check_gru_params(V, H, rnn).message
    lstm = sum(p.numel() for p in nn.LSTM(V, H).parameters())
    assert "LSTM" in nb06.check_gru_params(V, H, lstm).message
    one_bias = 3 * (V * H + H * H + H)
    assert "bias" in nb06.check_gru_params(V, H, one_bias).message
