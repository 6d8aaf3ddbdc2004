"""Robustness sweep: the public API under random shapes, sizes and values.

Every call must either return a valid result or raise a clear error — a
ValueError/TypeError (or the module's own error) whose message names the
argument at fault. Never a crash deep inside torch, never a silent NaN.
"""

import math
import warnings

import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import rnnlab

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
any_number = st.one_of(st.integers(-5, 50), st.floats(allow_nan=True, allow_infinity=True), st.none(),
                       st.text(max_size=3), st.booleans())


def assert_clear(exc: Exception, *names: str) -> None:
    assert isinstance(exc, (ValueError, TypeError, IndexError)), f"unexpected {type(exc).__name__}: {exc}"
    message = str(exc)
    assert any(name in message for name in names), f"error does not name {names}: {message!r}"


@FUZZ
@given(tokens=st.lists(st.lists(st.text(max_size=3), max_size=6), max_size=6),
       min_freq=any_number, reserved=st.one_of(st.none(), st.lists(st.text(max_size=4), max_size=3)))
def test_vocab(tokens, min_freq, reserved):
    try:
        vocab = rnnlab.Vocab(tokens, min_freq=min_freq, reserved_tokens=reserved)
    except Exception as exc:
        assert_clear(exc, "min_freq", "reserved_tokens")
        return
    assert vocab.to_tokens(vocab.unk) == "<unk>"
    for line in tokens:
        assert all(0 <= i < len(vocab) for i in vocab[line])


@FUZZ
@given(length=st.integers(0, 400), batch_size=any_number, num_steps=any_number,
       use_random_iter=st.booleans(), seed=st.integers(0, 100))
def test_loaders(length, batch_size, num_steps, use_random_iter, seed):
    try:
        loader = rnnlab.SeqDataLoader(list(range(length)), batch_size, num_steps, use_random_iter, seed=seed)
    except Exception as exc:
        assert_clear(exc, "batch_size", "num_steps", "corpus")
        return
    batches = list(loader)
    assert len(batches) == len(loader) >= 1
    for X, Y in batches:
        assert X.shape == (batch_size, num_steps) and torch.equal(Y, X + 1)


@FUZZ
@given(theta=any_number, scale=st.floats(1e-6, 1e6),
       sizes=st.lists(st.integers(1, 5), min_size=1, max_size=4))
def test_grad_clipping(theta, scale, sizes):
    params = [torch.nn.Parameter(torch.zeros(n)) for n in sizes]
    for i, p in enumerate(params):
        p.grad = torch.full((len(p),), scale * (i + 1))
    try:
        norm = rnnlab.grad_clipping(params, theta)
    except Exception as exc:
        assert_clear(exc, "theta")
        return
    after = math.sqrt(sum(float((p.grad**2).sum()) for p in params))
    assert math.isfinite(norm) and norm > 0
    if theta is not None:
        assert after <= theta * (1 + 1e-5) + 1e-12
    if theta is None or norm <= theta:
        assert after == pytest.approx(norm, rel=1e-5)


vectors = st.lists(st.floats(-1e3, 1e3, allow_nan=False, width=32), min_size=1, max_size=6)


@FUZZ
@given(grads=st.lists(vectors, min_size=0, max_size=4), seed=st.integers(0, 100))
def test_pcgrad(grads, seed):
    try:
        tensors = [torch.tensor(g) for g in grads]
        out = rnnlab.pcgrad_update(tensors, generator=torch.Generator().manual_seed(seed))
    except Exception as exc:
        assert_clear(exc, "grads")
        return
    assert out.shape == tensors[0].shape and torch.isfinite(out).all()


@pytest.fixture(scope="module")
def tiny_model():
    _, vocab = rnnlab.load_corpus_time_machine(max_tokens=1000)
    torch.manual_seed(0)
    return rnnlab.RNNScratch(len(vocab), 8), vocab


@FUZZ
@given(prefix=st.text(max_size=6), num_preds=any_number, temperature=any_number)
def test_generation(tiny_model, prefix, num_preds, temperature):
    model, vocab = tiny_model
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            text = rnnlab.sample(prefix, num_preds, model, vocab, temperature=temperature, generator=0)
    except Exception as exc:
        assert_clear(exc, "prefix", "num_preds", "temperature")
        return
    generated = text[len(prefix):].replace("<unk>", "?")  # '<unk>' is one token
    assert text.startswith(prefix) and len(generated) == num_preds


@FUZZ
@given(batch=st.integers(0, 3), steps=st.integers(0, 4), high=st.integers(-2, 40),
       dtype=st.sampled_from([torch.long, torch.int32, torch.float32]))
def test_model_inputs(tiny_model, batch, steps, high, dtype):
    model, vocab = tiny_model
    X = torch.randint(min(high, 0), max(high, 1), (batch, steps)).to(dtype)
    try:
        out, state = model(X)
    except Exception as exc:
        assert_clear(exc, "X", "token", "batch", "num_steps")
        return
    assert out.shape == (batch * steps, len(vocab)) and torch.isfinite(out).all()


@FUZZ
@given(blob=st.binary(max_size=300))
def test_checkpoint_loading_random_bytes(tmp_path_factory, blob):
    path = tmp_path_factory.mktemp("ckpt") / "model.pt"
    path.write_bytes(blob)
    with pytest.raises(rnnlab.CheckpointError):
        rnnlab.load_checkpoint(path)


@FUZZ
@given(cut=st.floats(0.0, 0.99))
def test_checkpoint_truncated_anywhere(tmp_path_factory, tiny_model, cut):
    model, vocab = tiny_model
    path = tmp_path_factory.mktemp("ckpt") / "model.pt"
    rnnlab.save_checkpoint(path, model, vocab, {"num_hiddens": 8})
    data = path.read_bytes()
    assume(int(len(data) * cut) < len(data))
    path.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(rnnlab.CheckpointError):
        rnnlab.load_checkpoint(path)
