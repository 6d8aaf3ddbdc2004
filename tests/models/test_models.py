import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.nn import functional as F

from rnnlab.models import RNNModel, RNNScratch, detach_state, model_device, require_state

V, H = 7, 5


def _seed_rnn(X, state, params):
    """The notes' per-step loop, verbatim in spirit: one-hot inputs and torch.mm."""
    W_xh, W_hh, b_h, W_hq, b_q = params
    (Hs,) = state
    outputs = []
    for x in F.one_hot(X.T, W_xh.shape[0]).float():
        Hs = torch.tanh(torch.mm(x, W_xh) + torch.mm(Hs, W_hh) + b_h)
        outputs.append(torch.mm(Hs, W_hq) + b_q)
    return torch.cat(outputs, dim=0), (Hs,)


def _tokens(batch, steps, seed=0):
    return torch.randint(0, V, (batch, steps), generator=torch.Generator().manual_seed(seed))


def test_scratch_parameters_have_the_notes_names_shapes_and_init():
    torch.manual_seed(0)
    model = RNNScratch(30, 200, device="cpu")
    shapes = {n: tuple(p.shape) for n, p in model.named_parameters()}
    assert shapes == {"W_xh": (30, 200), "W_hh": (200, 200), "b_h": (200,),
                      "W_hq": (200, 30), "b_q": (30,)}
    assert torch.all(model.b_h == 0) and torch.all(model.b_q == 0)
    assert 0.008 < float(model.W_hh.detach().std()) < 0.012  # N(0, 0.01^2)


@pytest.mark.parametrize("batch,steps", [(3, 4), (1, 6), (4, 1), (1, 1)])
def test_scratch_equals_torch_rnn_outputs_and_gradients(batch, steps):
    torch.manual_seed(1)
    rnn, linear = nn.RNN(V, H), nn.Linear(H, V)
    model = RNNScratch.from_torch(rnn, linear)
    X = _tokens(batch, steps)
    Y = _tokens(batch, steps, seed=1).T.reshape(-1)
    h0 = torch.randn(batch, H)

    out, (h_new,) = model(X, (h0,))
    inputs = F.one_hot(X.T, V).float()
    ref_y, ref_h = rnn(inputs, h0[None])
    ref_out = linear(ref_y.reshape(-1, H))
    torch.testing.assert_close(out, ref_out, atol=1e-5, rtol=0)
    torch.testing.assert_close(h_new, ref_h[0], atol=1e-5, rtol=0)

    F.cross_entropy(out, Y).backward()
    F.cross_entropy(ref_out, Y).backward()
    grads = {
        "W_xh": rnn.weight_ih_l0.grad.T, "W_hh": rnn.weight_hh_l0.grad.T,
        "b_h": rnn.bias_ih_l0.grad, "W_hq": linear.weight.grad.T, "b_q": linear.bias.grad,
    }
    for name, ref in grads.items():
        torch.testing.assert_close(getattr(model, name).grad, ref, atol=1e-5, rtol=0)
    # nn.RNN's two biases get the same gradient, which is b_h's.
    torch.testing.assert_close(rnn.bias_hh_l0.grad, model.b_h.grad, atol=1e-5, rtol=0)


@settings(max_examples=15, deadline=None)
@given(vocab=st.integers(1, 12), hidden=st.integers(1, 9), batch=st.integers(1, 4),
       steps=st.integers(1, 6), seed=st.integers(0, 1000))
def test_scratch_equals_torch_rnn_for_any_sizes(vocab, hidden, batch, steps, seed):
    torch.manual_seed(seed)
    rnn, linear = nn.RNN(vocab, hidden), nn.Linear(hidden, vocab)
    model = RNNScratch.from_torch(rnn, linear)
    X = torch.randint(0, vocab, (batch, steps))
    ref_y, ref_h = rnn(F.one_hot(X.T, vocab).float())
    out, (h,) = model(X)
    torch.testing.assert_close(out, linear(ref_y.reshape(-1, hidden)), atol=1e-5, rtol=0)
    torch.testing.assert_close(h, ref_h[0], atol=1e-5, rtol=0)


def test_scratch_equals_the_notes_one_hot_loop():
    torch.manual_seed(2)
    model = RNNScratch(V, H)
    X = _tokens(3, 5)
    out, (h,) = model(X)
    ref_out, (ref_h,) = _seed_rnn(X, model.begin_state(3), list(model.parameters()))
    torch.testing.assert_close(out, ref_out, atol=1e-6, rtol=0)
    torch.testing.assert_close(h, ref_h, atol=1e-6, rtol=0)


def test_to_torch_round_trip_gives_the_same_function():
    torch.manual_seed(4)
    model = RNNScratch(V, H)
    rnn, linear = model.to_torch()
    X = _tokens(2, 3)
    y, _ = rnn(F.one_hot(X.T, V).float())
    torch.testing.assert_close(linear(y.reshape(-1, H)), model(X)[0], atol=1e-6, rtol=0)
    again = RNNScratch.from_torch(rnn, linear)
    torch.testing.assert_close(again(X)[0], model(X)[0])


def test_from_torch_rejects_layers_it_cannot_copy():
    with pytest.raises(ValueError, match="one-layer"):
        RNNScratch.from_torch(nn.RNN(V, H, num_layers=2), nn.Linear(H, V))
    with pytest.raises(ValueError, match="out_features"):
        RNNScratch.from_torch(nn.RNN(V, H), nn.Linear(H, V + 1))


def test_state_is_carried_between_calls():
    torch.manual_seed(5)
    model = RNNScratch(V, H)
    X = _tokens(2, 6)
    whole, _ = model(X)
    first, state = model(X[:, :3])
    second, _ = model(X[:, 3:], state)
    # time-major rows: steps 0-2 then 3-5
    torch.testing.assert_close(torch.cat([first, second]), whole)


@pytest.mark.parametrize("cell,n_state", [("rnn", 1), ("gru", 1), ("lstm", 2)])
@pytest.mark.parametrize("layers,bidir", [(1, False), (2, True)])
def test_rnn_model_shapes_and_tuple_state(cell, n_state, layers, bidir):
    model = RNNModel(V, H, cell=cell, num_layers=layers, bidirectional=bidir)
    state = model.begin_state(3)
    assert isinstance(state, tuple) and len(state) == n_state
    assert all(s.shape == ((2 if bidir else 1) * layers, 3, H) for s in state)
    out, new_state = model(_tokens(3, 4), state)
    assert out.shape == (4 * 3, V)
    assert isinstance(new_state, tuple) and len(new_state) == n_state
    assert [s.shape for s in new_state] == [s.shape for s in state]
    detached = detach_state(new_state)
    assert isinstance(detached, tuple) and not any(s.requires_grad for s in detached)


def test_rnn_model_rnn_cell_equals_scratch_with_copied_weights():
    torch.manual_seed(6)
    concise = RNNModel(V, H, cell="rnn")
    scratch = RNNScratch.from_torch(concise.rnn, concise.linear)
    X = _tokens(2, 5)
    out_c, (h_c,) = concise(X)
    out_s, (h_s,) = scratch(X)
    torch.testing.assert_close(out_c, out_s, atol=1e-5, rtol=0)
    torch.testing.assert_close(h_c[0], h_s, atol=1e-5, rtol=0)


def test_from_layer_wraps_the_notes_layer():
    layer = nn.GRU(V, H)
    model = RNNModel.from_layer(layer, V)
    assert model.rnn is layer and model.cell == "gru"
    assert model(_tokens(1, 2))[0].shape == (2, V)
    with pytest.raises(ValueError, match="vocab_size"):
        RNNModel.from_layer(nn.LSTM(V + 1, H), V)
    with pytest.raises(TypeError, match="nn.RNN"):
        RNNModel.from_layer(nn.Linear(V, H), V)


def test_detach_state_cuts_the_graph_and_accepts_a_bare_tensor():
    h = torch.ones(2, 3, requires_grad=True) * 2
    (d,) = detach_state(h)
    assert not d.requires_grad and torch.equal(d, h.detach())
    assert detach_state((h, h))[1].grad_fn is None


@pytest.mark.parametrize("make", [
    lambda: RNNScratch(0, 4), lambda: RNNScratch(4, 0), lambda: RNNModel(0, 4),
    lambda: RNNModel(4, -1),
])
def test_sizes_below_one_are_rejected(make):
    with pytest.raises(ValueError, match=">= 1"):
        make()


def test_unknown_cell_is_rejected_with_the_choices():
    with pytest.raises(ValueError, match="cell must be one of 'rnn', 'gru', 'lstm'; got 'tcn'"):
        RNNModel(V, H, cell="tcn")


@pytest.mark.parametrize("model", [RNNScratch(V, H), RNNModel(V, H, cell="lstm")])
def test_bad_inputs_get_clear_errors(model):
    with pytest.raises(TypeError, match="integer token indices"):
        model(torch.zeros(2, 3))
    with pytest.raises(TypeError, match="torch.Tensor"):
        model([[1, 2]])
    with pytest.raises(ValueError, match=r"\(batch, num_steps\)"):
        model(torch.zeros(2, 3, V, dtype=torch.long))
    with pytest.raises(IndexError, match=rf"token index {V}.*\[0, {V - 1}\]"):
        model(torch.tensor([[0, V]]))
    with pytest.raises(IndexError, match="token index -1"):
        model(torch.tensor([[0, -1]]))


def test_wrong_state_shape_is_rejected():
    scratch = RNNScratch(V, H)
    with pytest.raises(ValueError, match=r"state has shapes \[\(3, 5\)\], expected \[\(2, 5\)\]"):
        scratch(_tokens(2, 3), scratch.begin_state(3))
    lstm = RNNModel(V, H, cell="lstm")
    with pytest.raises(ValueError, match="expected"):
        lstm(_tokens(2, 3), lstm.begin_state(2)[:1])  # (h,) where (h, c) is needed
    with pytest.raises(TypeError, match="tuple of tensors"):
        scratch(_tokens(2, 3), "zeros")


def test_check_state_wraps_a_bare_tensor():
    assert len(require_state(torch.zeros(2, 3), [(2, 3)])) == 1


def test_begin_state_and_model_device():
    model = RNNScratch(V, H, device="cpu")
    assert model_device(model).type == "cpu"
    assert model.begin_state(4)[0].device.type == "cpu"
    with pytest.raises(ValueError, match="batch_size"):
        model.begin_state(0)

