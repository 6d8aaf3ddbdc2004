import warnings

import pytest
import torch

from rnnlab.generation import predict, sample
from rnnlab.models import RNNModel, RNNScratch
from rnnlab.text.vocab import Vocab

VOCAB = Vocab([list("abcab cab")])


def _seed_predict(prefix, num_preds, net, vocab):
    """The notes' predict_ch8: feed the prefix one token at a time, then argmax."""
    state = net.begin_state(1)
    outputs = [vocab[prefix[0]]]
    for y in prefix[1:]:
        _, state = net(torch.tensor([[outputs[-1]]]), state)
        outputs.append(vocab[y])
    for _ in range(num_preds):
        y, state = net(torch.tensor([[outputs[-1]]]), state)
        outputs.append(int(y.argmax(dim=1).reshape(1)))
    return "".join(vocab.idx_to_token[i] for i in outputs)


@pytest.mark.parametrize("make", [lambda: RNNScratch(len(VOCAB), 8),
                                  lambda: RNNModel(len(VOCAB), 8, "lstm")])
@pytest.mark.parametrize("prefix", ["a", "ab c", "cabba"])
def test_predict_matches_the_notes_predict_ch8(make, prefix):
    torch.manual_seed(0)
    model = make()
    with torch.no_grad():  # make the outputs depend strongly on the input
        for p in model.parameters():
            p.mul_(100)
    out = predict(prefix, 12, model, VOCAB)
    assert out == _seed_predict(prefix, 12, model, VOCAB)
    assert out.startswith(prefix)
    assert len(out.replace("<unk>", "?")) == len(prefix) + 12  # <unk> is one token


def test_zero_predictions_returns_the_prefix_and_model_mode_is_restored():
    model = RNNScratch(len(VOCAB), 4)
    model.train()
    assert predict("abc", 0, model, VOCAB) == "abc"
    assert model.training


def test_sampling_is_repeatable_with_a_seeded_generator():
    torch.manual_seed(1)
    model = RNNScratch(len(VOCAB), 8)
    a = sample("ab", 40, model, VOCAB, generator=torch.Generator().manual_seed(3))
    b = sample("ab", 40, model, VOCAB, generator=3)
    assert a == b and len(a.replace("<unk>", "?")) == 42
    c = sample("ab", 40, model, VOCAB, generator=4)
    assert c != a  # an untrained model is close to uniform: 40 draws differ


def test_temperature_near_zero_is_greedy_and_high_is_near_uniform():
    torch.manual_seed(2)
    model = RNNScratch(len(VOCAB), 8)
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(300)
    greedy = predict("ab", 30, model, VOCAB)
    assert sample("ab", 30, model, VOCAB, temperature=1e-4, generator=0) == greedy
    hot = sample("ab", 2000, model, VOCAB, temperature=1e4, generator=0)[2:]
    counts = [hot.count(t) for t in VOCAB.idx_to_token]
    assert min(counts) > 0.5 * 2000 / len(VOCAB)  # every character is drawn about as often


def test_unknown_prefix_characters_warn_and_read_as_unk():
    model = RNNScratch(len(VOCAB), 4)
    with pytest.warns(UserWarning, match=r"\['!', 'z'\].*<unk>"):
        out = predict("az!", 3, model, VOCAB)
    assert out.startswith("az!")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        predict("abc", 1, model, VOCAB)  # known characters: no warning


@pytest.mark.parametrize("call,error,match", [
    (lambda m: predict("", 3, m, VOCAB), ValueError, "prefix must hold at least one"),
    (lambda m: predict(["a"], 3, m, VOCAB), TypeError, "prefix must be a str"),
    (lambda m: predict("a", -1, m, VOCAB), ValueError, "num_preds must be >= 0"),
    (lambda m: sample("a", 3, m, VOCAB, temperature=0), ValueError, "temperature must be"),
    (lambda m: sample("a", 3, m, VOCAB, temperature=-1.0), ValueError, "temperature must be"),
    (lambda m: sample("a", 3, m, VOCAB, generator="x"), TypeError, "generator must be"),
    (lambda m: sample("", 3, m, VOCAB), ValueError, "prefix"),
])
def test_bad_arguments_are_rejected(call, error, match):
    with pytest.raises(error, match=match):
        call(RNNScratch(len(VOCAB), 4))


def test_generation_builds_the_state_where_the_model_lives_and_refuses_another_device():
    import rnnlab
    corpus, vocab = rnnlab.load_corpus_time_machine(2000)
    model = rnnlab.RNNScratch(len(vocab), 8, device="cpu")
    assert rnnlab.predict("the ", 3, model, vocab, device="cpu").startswith("the ")
    with pytest.raises(ValueError, match="model's parameters are on cpu"):
        rnnlab.predict("the ", 3, model, vocab, device="meta")
