"""rnnlab.compat: d2l's names and signatures on top of rnnlab's own implementations."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import pytest
import torch
from torch import nn

import rnnlab
from rnnlab import compat


@pytest.fixture(scope="module")
def data():
    """A dozen batches of 8 x 10 from the first 1,000 characters."""
    return compat.load_data_time_machine(8, 10, max_tokens=1000, seed=0)


def d2l_params(vocab_size, num_hiddens, device):
    """The notes' ``get_params``, ``init_rnn_state`` and ``rnn`` as a d2l-style model."""
    def normal(shape):
        return torch.randn(size=shape, device=device) * 0.01

    params = [normal((vocab_size, num_hiddens)), normal((num_hiddens, num_hiddens)),
              torch.zeros(num_hiddens, device=device), normal((num_hiddens, vocab_size)),
              torch.zeros(vocab_size, device=device)]
    for p in params:
        p.requires_grad_(True)
    return params


def init_state(batch_size, num_hiddens, device):
    return (torch.zeros((batch_size, num_hiddens), device=device),)


def rnn_fn(inputs, state, params):
    W_xh, W_hh, b_h, W_hq, b_q = params
    (H,) = state
    outputs = []
    for X in inputs:
        H = torch.tanh(X @ W_xh + H @ W_hh + b_h)
        outputs.append(H @ W_hq + b_q)
    return torch.cat(outputs, dim=0), (H,)


def scratch_net(vocab_size, num_hiddens=16):
    return compat.RNNModelScratch(vocab_size, num_hiddens, "cpu", d2l_params, init_state, rnn_fn)


def test_reexports_are_rnnlabs_own_objects():
    for name in ("read_time_machine", "tokenize", "seq_data_iter_random",
                 "seq_data_iter_sequential", "try_gpu", "SeqDataLoader"):
        assert getattr(compat, name) is getattr(rnnlab, name), name
    # d2l's Vocab is rnnlab's with d2l's counting rule: a tuple of strings is one n-gram token
    assert issubclass(compat.Vocab, rnnlab.Vocab)
    bigrams = compat.Vocab([("a", "b"), ("a", "b"), ("b", "c")])
    assert bigrams.idx_to_token[1] == ("a", "b")
    assert rnnlab.Vocab([("a", "b"), ("b", "c")]).idx_to_token == ["<unk>", "b", "a", "c"]
    assert set(compat.__all__) <= set(dir(compat))
    assert "plt" in dir(compat)


# --------------------------------------------------------------------------- d2l's corpus and data
def test_corpus_is_d2ls_exactly_and_rnnlabs_keeps_its_line_spaces():
    corpus, vocab = compat.load_corpus_time_machine()
    assert (len(corpus), len(vocab)) == (170580, 28)  # d2l's published numbers
    own, own_vocab = rnnlab.load_corpus_time_machine()
    assert len(own) == 173427 and len(own_vocab) == 28
    # Same vocabulary; rnnlab's corpus is d2l's with one space between non-empty lines.
    assert own_vocab.idx_to_token == vocab.idx_to_token
    lines = [line for line in rnnlab.read_time_machine() if line]
    assert len(own) - len(corpus) == len(lines) - 1
    text = "".join(vocab.to_tokens(corpus[:200]))
    assert text.startswith("the time machine by h g wellsithe time traveller")  # lines glued


def test_corpus_max_tokens_and_word_tokens():
    corpus, vocab = compat.load_corpus_time_machine(100)
    assert len(corpus) == 100 and len(vocab) == 28
    words, word_vocab = compat.load_corpus_time_machine(token="word")
    assert len(words) == 32775 and word_vocab.to_tokens(words[:3]) == ["the", "time", "machine"]
    with pytest.raises(ValueError, match="max_tokens must be >= -1, got -2"):
        compat.load_corpus_time_machine(-2)
    with pytest.raises(ValueError, match="token must be one of 'word', 'char'; got 'byte'"):
        compat.load_corpus_time_machine(token="byte")


def test_load_data_time_machine_reads_d2ls_corpus():
    loader, vocab = compat.load_data_time_machine(2, 5, max_tokens=200, seed=0)
    corpus, _ = compat.load_corpus_time_machine(200)
    assert isinstance(loader, rnnlab.SeqDataLoader) and len(vocab) == 28
    assert loader.corpus.tolist() == corpus
    X, Y = next(iter(loader))
    assert tuple(X.shape) == (2, 5) and torch.equal(X[:, 1:], Y[:, :-1])
    with pytest.raises(ValueError, match="num_steps must be >= 1, got 0"):
        compat.load_data_time_machine(2, 0)


def test_download_returns_the_bundled_book_and_refuses_the_rest():
    assert compat.DATA_HUB["time_machine"] == (
        compat.DATA_URL + "timemachine.txt", "090b5e7e70c295757f55df93cb0a180b9691891a")
    path = compat.download("time_machine")
    assert Path(path).is_file() and Path(path).name == "timemachine.txt"
    assert hashlib.sha1(Path(path).read_bytes()).hexdigest() == compat.DATA_HUB["time_machine"][1]
    assert compat.download("time_machine", cache_dir="/nonexistent") == path  # nothing written
    with pytest.raises(ValueError, match=r"name must be 'time_machine', got 'fra-eng'.*"
                                         r"never downloads"):
        compat.download("fra-eng")
    with pytest.raises(TypeError, match="name must be a str"):
        compat.download(None)


def test_download_names_a_registered_url_it_will_not_fetch(monkeypatch):
    monkeypatch.setitem(compat.DATA_HUB, "fra-eng", (compat.DATA_URL + "fra-eng.zip", "94646ad"))
    with pytest.raises(ValueError, match=r"got 'fra-eng' \(DATA_HUB lists it at http.*fra-eng"):
        compat.download("fra-eng")
    monkeypatch.setitem(compat.DATA_HUB, "time_machine", (compat.DATA_URL + "timemachine.txt",
                                                          "0" * 40))
    with pytest.raises(ValueError, match=r"DATA_HUB\['time_machine'\] must be"):
        compat.download("time_machine")


def test_load_array_batches_and_shuffles():
    X, y = torch.arange(20.0).reshape(10, 2), torch.arange(10.0)
    batches = list(compat.load_array((X, y), 4, is_train=False))
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    assert torch.equal(batches[0][0], X[:4]) and torch.equal(batches[2][1], y[8:])
    torch.manual_seed(0)
    shuffled = torch.cat([b[1] for b in compat.load_array((X, y), 4)])
    assert sorted(shuffled.tolist()) == y.tolist() and shuffled.tolist() != y.tolist()
    with pytest.raises(ValueError, match=r"same number of examples.*\[10, 9\]"):
        compat.load_array((X, y[:9]), 4)
    with pytest.raises(ValueError, match="batch_size must be >= 1, got 0"):
        compat.load_array((X, y), 0)
    with pytest.raises(TypeError, match="data_arrays must be a tuple of tensors"):
        compat.load_array(X, 4)


def test_evaluate_loss_is_the_mean_over_examples():
    X, y = torch.arange(6.0).reshape(6, 1), torch.zeros(6)
    data_iter = compat.load_array((X, y), 4, is_train=False)  # batches of 4 and 2

    def net(inputs):
        return inputs

    got = compat.evaluate_loss(net, data_iter, nn.MSELoss(reduction="none"))
    assert got == pytest.approx(sum(v**2 for v in range(6)) / 6)  # not the mean of batch means
    with pytest.raises(ValueError, match="no examples"):
        compat.evaluate_loss(net, [], nn.MSELoss(reduction="none"))


def test_linreg_and_squared_loss():
    X, w, b = torch.tensor([[1.0, 2.0]]), torch.tensor([[3.0], [4.0]]), torch.tensor(0.5)
    assert compat.linreg(X, w, b).tolist() == [[11.5]]
    assert compat.squared_loss(torch.tensor([[3.0]]), torch.tensor([1.0])).tolist() == [[2.0]]


# --------------------------------------------------------------------------- tensor aliases, plots
def test_tensor_aliases_are_torchs():
    assert compat.float32 is torch.float32 and compat.concat is torch.cat
    x = compat.reshape(compat.arange(6, dtype=compat.float32), (2, 3))
    assert tuple(x.shape) == (2, 3) and compat.size(x) == 6
    assert compat.numpy(x.clone().requires_grad_()).tolist() == [[0, 1, 2], [3, 4, 5]]
    assert compat.argmax(x, dim=1).tolist() == [2, 2]
    assert compat.astype(x, torch.int64).dtype == torch.int64
    assert compat.transpose(x).shape == (3, 2) and float(compat.reduce_sum(x)) == 15
    assert float(compat.reduce_mean(x)) == 2.5
    with pytest.raises(TypeError, match="x must be a torch.Tensor, got list"):
        compat.numpy([1, 2])
    with pytest.raises(TypeError, match="x must be a torch.Tensor, got int"):
        compat.size(3)


def test_plot_draws_like_d2l():
    import matplotlib.pyplot as plt

    assert compat.plt is plt
    x = torch.arange(1.0, 5.0)
    assert compat.plot(x, [x**2, x**3], "x", "y", legend=["square", "cube"], yscale="log") is None
    ax = plt.gca()
    assert [line.get_ydata().tolist() for line in ax.get_lines()] == [
        [1, 4, 9, 16], [1, 8, 27, 64]]
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_yscale()) == ("x", "y", "log")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["square", "cube"]
    compat.plot([3.0, 1.0, 2.0])  # one list of y values against 0, 1, 2
    assert [line.get_xdata().tolist() for line in plt.gca().get_lines()] == [[0, 1, 2]]
    assert tuple(plt.rcParams["figure.figsize"]) == (3.5, 2.5)
    plt.close("all")
    with pytest.raises(ValueError, match=r"figsize must be \(width, height\).*got \(0, 1\)"):
        compat.set_figsize((0, 1))


# --------------------------------------------------------------------------- utilities
def test_timer_records_each_interval():
    timer = compat.Timer()
    first = timer.stop()
    timer.start()
    second = timer.stop()
    assert timer.times == [first, second] and first >= 0 and second >= 0
    assert timer.sum() == pytest.approx(first + second)
    assert timer.avg() == pytest.approx((first + second) / 2)
    assert timer.cumsum() == pytest.approx([first, first + second])


def test_accumulator_sums_tensors_and_numbers():
    acc = compat.Accumulator(2)
    loss = torch.tensor(2.0, requires_grad=True)
    acc.add(loss * 3, 3)
    acc.add(1.5, 2)
    assert (acc[0], acc[1]) == (7.5, 5.0)
    acc.reset()
    assert acc.data == [0.0, 0.0]


def test_accumulator_rejects_wrong_number_of_values():
    with pytest.raises(ValueError, match="add takes 2 values"):
        compat.Accumulator(2).add(1.0)
    with pytest.raises(ValueError, match="n must be >= 1"):
        compat.Accumulator(0)


def test_animator_records_and_plots():
    animator = compat.Animator(xlabel="epoch", ylabel="perplexity", legend=["train", "val"])
    animator.add(1, [10.0, 12.0])
    animator.add(2, [8.0, None])  # None skips that line
    assert animator.X == [[1.0, 2.0], [1.0]] and animator.Y == [[10.0, 8.0], [12.0]]
    fig = animator.plot()
    ax = fig.axes[0]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "perplexity"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "val"]
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_animator_rejects_mismatched_points():
    with pytest.raises(ValueError, match="one x per y"):
        compat.Animator().add([1, 2, 3], [1.0, 2.0])


def test_sgd_steps_against_the_gradient_and_zeroes_it():
    p = torch.tensor([1.0, 2.0], requires_grad=True)
    p.grad = torch.tensor([4.0, -2.0])
    compat.sgd([p], lr=0.5, batch_size=2)
    assert p.tolist() == [0.0, 2.5]
    assert p.grad.tolist() == [0.0, 0.0]


@pytest.mark.parametrize("kwargs, match", [({"lr": 0, "batch_size": 1}, "lr must be"),
                                           ({"lr": 1, "batch_size": 0}, "batch_size must be")])
def test_sgd_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        compat.sgd([torch.zeros(1, requires_grad=True)], **kwargs)


# --------------------------------------------------------------------------- models
def test_rnn_model_scratch_shapes():
    net = scratch_net(28, 16)
    X = torch.arange(10).reshape((2, 5))
    Y, state = net(X, net.begin_state(2, "cpu"))
    assert tuple(Y.shape) == (10, 28) and tuple(state[0].shape) == (2, 16)


def test_rnn_model_scratch_checks_sizes():
    with pytest.raises(ValueError, match="num_hiddens must be >= 1"):
        compat.RNNModelScratch(28, 0, "cpu", d2l_params, init_state, rnn_fn)


def test_rnnmodel_wraps_the_given_layer():
    layer = nn.GRU(28, 8)
    net = compat.RNNModel(layer, 28)
    assert isinstance(net, rnnlab.RNNModel) and net.rnn is layer and net.cell == "gru"
    with pytest.raises(ValueError, match="vocab_size=30"):
        compat.RNNModel(nn.RNN(28, 8), 30)


def test_as_rnnlab_model_rejects_what_it_cannot_drive():
    with pytest.raises(TypeError, match="begin_state"):
        compat.as_rnnlab_model(nn.Linear(2, 2))

    class NoParams:
        def __call__(self, X, state):
            return X, state

        def begin_state(self, batch_size, device):
            return ()

    with pytest.raises(TypeError, match=r"\.params"):
        compat.as_rnnlab_model(NoParams())
    model = rnnlab.RNNScratch(28, 4, device="cpu")
    assert compat.as_rnnlab_model(model) is model


def test_wrapped_scratch_net_gives_tuple_state_and_its_params():
    net = scratch_net(28, 8)
    model = compat.as_rnnlab_model(net)
    assert [id(p) for p in model.parameters()] == [id(p) for p in net.params]
    Y, state = model(torch.zeros((3, 4), dtype=torch.long))
    assert tuple(Y.shape) == (12, 28) and isinstance(state, tuple)


def test_wrapped_module_with_bare_tensor_state():
    class TensorStateNet(nn.Module):  # like the notes' RNNModel around nn.RNN
        def __init__(self):
            super().__init__()
            self.rnn, self.vocab_size = nn.RNN(28, 8), 28
            self.linear = nn.Linear(8, 28)

        def forward(self, inputs, state):
            assert isinstance(state, torch.Tensor)
            X = nn.functional.one_hot(inputs.T.long(), 28).float()
            Y, state = self.rnn(X, state)
            return self.linear(Y.reshape(-1, 8)), state

        def begin_state(self, device, batch_size=1):
            return torch.zeros((1, batch_size, 8), device=device)

    net = TensorStateNet()
    model = compat.as_rnnlab_model(net)
    state = model.begin_state(2)
    assert isinstance(state, tuple) and tuple(state[0].shape) == (1, 2, 8)
    Y, state = model(torch.zeros((2, 3), dtype=torch.long), state)
    assert tuple(Y.shape) == (6, 28) and isinstance(state, tuple)
    assert len(list(model.parameters())) == len(list(net.parameters()))


# --------------------------------------------------------------------------- clipping
def _with_grads(params, scale):
    for p in params:
        p.grad = torch.full_like(p, scale)
    return params


def test_grad_clipping_accepts_module_params_object_and_list():
    model = rnnlab.RNNScratch(5, 3, device="cpu")
    net = scratch_net(5, 3)
    for target, params in [(model, list(model.parameters())), (net, net.params)]:
        _with_grads(params, 10.0)
        norm = compat.grad_clipping(target, 1)
        assert norm == pytest.approx(10.0 * math.sqrt(sum(p.numel() for p in params)))
        assert rnnlab.global_grad_norm(params) == pytest.approx(1.0)
    params = _with_grads([torch.zeros(4, requires_grad=True)], 0.1)
    compat.grad_clipping(params, 1)  # norm 0.2 < 1: unchanged
    assert params[0].grad.tolist() == pytest.approx([0.1] * 4)


def test_grad_clipping_rejects_bad_theta():
    with pytest.raises(ValueError, match="theta must be a finite number > 0"):
        compat.grad_clipping(rnnlab.RNNScratch(5, 3, device="cpu"), -1)


# --------------------------------------------------------------------------- predict and train
def test_predict_ch8_is_rnnlabs_greedy_predict(data):
    _, vocab = data
    torch.manual_seed(0)
    model = rnnlab.RNNScratch(len(vocab), 16, device="cpu")
    out = compat.predict_ch8("time ", 12, model, vocab, "cpu")
    assert out == rnnlab.predict("time ", 12, model, vocab)
    net = scratch_net(len(vocab), 16)
    assert compat.predict_ch8("time ", 5, net, vocab, "cpu").startswith("time ")


def test_train_epoch_ch8_with_an_optimizer_and_with_an_updater(data):
    train_iter, vocab = data
    torch.manual_seed(0)
    model = rnnlab.RNNScratch(len(vocab), 16, device="cpu")
    before = [p.detach().clone() for p in model.parameters()]
    ppl, speed = compat.train_epoch_ch8(model, train_iter, nn.CrossEntropyLoss(),
                                        torch.optim.SGD(model.parameters(), lr=1), "cpu", False)
    assert math.isfinite(ppl) and 1 < ppl < 2 * len(vocab) and speed > 0
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))

    net = scratch_net(len(vocab), 16)
    before = [p.detach().clone() for p in net.params]
    ppl, _ = compat.train_epoch_ch8(net, train_iter, nn.CrossEntropyLoss(),
                                    lambda batch_size: compat.sgd(net.params, 1, batch_size),
                                    "cpu", True)
    assert math.isfinite(ppl)
    assert all(not torch.equal(a, b) for a, b in zip(before, net.params, strict=True))
    assert all(float(p.grad.abs().sum()) == 0 for p in net.params)  # sgd zeroed them


class CountingNet:
    """A d2l-style net that counts how often a fresh state is asked for."""

    def __init__(self, vocab_size):
        self.inner = scratch_net(vocab_size, 8)
        self.params, self.fresh_states = self.inner.params, 0

    def __call__(self, X, state):
        return self.inner(X, state)

    def begin_state(self, batch_size, device):
        self.fresh_states += 1
        return self.inner.begin_state(batch_size, device)


@pytest.mark.parametrize("use_random_iter, fresh_per_epoch", [(False, 1), (True, None)])
def test_train_ch8_honours_use_random_iter(data, use_random_iter, fresh_per_epoch):
    train_iter, vocab = data
    net = CountingNet(len(vocab))
    history = compat.train_ch8(net, train_iter, vocab, 1, 2, "cpu",
                               use_random_iter=use_random_iter, verbose=False)
    assert history.epochs == 2 and all(math.isfinite(p) for p in history.train_ppl)
    expected = 2 * (fresh_per_epoch or len(train_iter))
    assert net.fresh_states == expected


def test_train_ch8_prints_like_d2l(data, capsys):
    train_iter, vocab = data
    model = rnnlab.RNNScratch(len(vocab), 8, device="cpu")
    compat.train_ch8(model, train_iter, vocab, 1, 1, "cpu")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("perplexity ") and lines[0].endswith("tokens/sec on cpu")
    assert lines[1].startswith("time traveller") and lines[2].startswith("traveller")


def test_train_ch8_prints_like_d2l_zh_in_the_chinese_edition(data, capsys):
    from rnnlab.i18n import get_language, set_language

    train_iter, vocab = data
    model = rnnlab.RNNScratch(len(vocab), 8, device="cpu")
    before = get_language()
    try:
        set_language("zh")
        compat.train_ch8(model, train_iter, vocab, 1, 1, "cpu")
    finally:
        set_language(before)
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("困惑度 ") and first.endswith(" 词元/秒 cpu")   # 《动手学深度学习》's line


def test_train_ch8_rejects_a_bad_learning_rate(data):
    train_iter, vocab = data
    with pytest.raises(ValueError, match="lr must be"):
        compat.train_ch8(rnnlab.RNNScratch(len(vocab), 8, device="cpu"), train_iter, vocab, 0, 1,
                         "cpu", verbose=False)


def test_load_data_time_machine_follows_torch_manual_seed():
    def first_batches():
        loader, _ = compat.load_data_time_machine(4, 7, max_tokens=500)
        return [X.tolist() for X, _ in loader], [X.tolist() for X, _ in loader]

    torch.manual_seed(5)
    a = first_batches()
    torch.manual_seed(5)
    assert first_batches() == a
    assert a[0] != a[1]  # each epoch still draws a new offset
