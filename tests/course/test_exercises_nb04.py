import math

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
    words = nb04.check_num_params(4580, 256, 4580 * 256 * 2 + 256 * 256 + 256 + 4580)   # exercise 1
    assert words.ok


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


# ------------------------------------------------------------------ prediction with warm-up
def _right_predict(prefix, num_preds, net, vocab, device):
    state = net.begin_state(batch_size=1, device=device)
    outputs = [vocab[prefix[0]]]
    for ch in prefix[1:]:                                   # warm-up
        _, state = net(torch.tensor([[outputs[-1]]], device=device), state)
        outputs.append(vocab[ch])
    for _ in range(num_preds):
        y, state = net(torch.tensor([[outputs[-1]]], device=device), state)
        outputs.append(int(y.argmax(dim=1)))
    return "".join(vocab.idx_to_token[i] for i in outputs)


def _no_warmup(prefix, num_preds, net, vocab, device):
    state, last, out = net.begin_state(1, device), vocab[prefix[-1]], []
    for _ in range(num_preds):
        y, state = net(torch.tensor([[last]]), state)
        last = int(y.argmax())
        out.append(vocab.idx_to_token[last])
    return prefix + "".join(out)


def _last_char_twice(prefix, num_preds, net, vocab, device):
    state = net.begin_state(1, device)
    for ch in prefix:                                       # the whole prefix, last character too
        _, state = net(torch.tensor([[vocab[ch]]]), state)
    last, out = vocab[prefix[-1]], []
    for _ in range(num_preds):
        y, state = net(torch.tensor([[last]]), state)
        last = int(y.argmax())
        out.append(vocab.idx_to_token[last])
    return prefix + "".join(out)


def test_predict_accepts_the_notes_predict_and_rnnlab_predict():
    from rnnlab.generation import predict

    assert nb04.check_predict(_right_predict).ok
    assert nb04.check_predict(lambda p, n, net, v, d: predict(p, n, net, v)).ok


def test_predict_names_a_missing_warmup_and_a_doubled_last_character():
    fb = nb04.check_predict(_no_warmup)
    assert not fb.ok and "warm-up" in fb.message and "zero state" in fb.message
    fb = nb04.check_predict(_last_char_twice)
    assert not fb.ok and "twice" in fb.message


def test_predict_rejects_junk_without_crashing():
    for bad in (None, lambda *a: None, lambda *a: 1 / 0, lambda p, n, *a: p, lambda p, n, *a: p + "x" * n):
        fb = nb04.check_predict(bad)
        assert not fb.ok and fb.message


def test_predict_works_on_copies():
    def vandal(prefix, num_preds, net, vocab, device):
        with torch.no_grad():
            for p in net.parameters():
                p.zero_()
        return _right_predict(prefix, num_preds, net, vocab, device)

    assert not nb04.check_predict(vandal).ok     # zeroed weights predict other text …
    assert nb04.check_predict(_right_predict).ok  # … and the checker's own model is untouched


# ------------------------------------------------------------------ one epoch of training
def _epoch(net, train_iter, lr, use_random_iter, *, fresh=None, detach=True, clip=True):
    from rnnlab.gradients import grad_clipping

    state, loss_sum, tokens = None, 0.0, 0
    for X, Y in train_iter:
        if state is None or (use_random_iter if fresh is None else fresh):
            state = net.begin_state(X.shape[0])
        elif detach:
            state = tuple(s.detach() for s in state)
        y = Y.T.reshape(-1)
        y_hat, state = net(X, state)
        loss = torch.nn.functional.cross_entropy(y_hat, y)
        loss.backward()
        if clip:
            grad_clipping(net, 1.0)
        with torch.no_grad():
            for p in net.parameters():
                p -= lr * p.grad
                p.grad = None
        loss_sum, tokens = loss_sum + loss.item() * y.numel(), tokens + y.numel()
    return math.exp(loss_sum / tokens)


def test_train_epoch_accepts_the_notes_loop():
    assert nb04.check_train_epoch(_epoch).ok


def test_train_epoch_names_the_state_mistakes():
    fb = nb04.check_train_epoch(lambda *a: _epoch(*a, detach=False))
    assert not fb.ok and "detach" in fb.message
    fb = nb04.check_train_epoch(lambda *a: _epoch(*a, fresh=True))       # never carries
    assert not fb.ok and "carry the previous batch's final state" in fb.message
    fb = nb04.check_train_epoch(lambda net, it, lr, r: _epoch(net, it, lr, r, fresh=False) if r
                                else _epoch(net, it, lr, r))           # carries under random sampling
    assert not fb.ok and "begin_state" in fb.message


def test_train_epoch_names_missing_clipping_and_a_wrong_perplexity():
    fb = nb04.check_train_epoch(lambda *a: _epoch(*a, clip=False))
    assert not fb.ok and "clipping" in fb.message
    fb = nb04.check_train_epoch(lambda *a: math.log(_epoch(*a)))       # the loss, not its exp
    assert not fb.ok and "perplexity" in fb.message
    for bad in (None, lambda *a: None, lambda *a: 1 / 0):
        assert not nb04.check_train_epoch(bad).ok
