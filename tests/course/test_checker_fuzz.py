"""Issue 12: every exercise checker, on a battery of wrong answers, answers with feedback.

Never an exception, never "correct" for a wrong answer, always "correct" for the reference
answer (and for the same answer given as a numpy or torch number).
"""

import math

import numpy as np
import pytest
import torch

from rnnlab.course import glossary
from rnnlab.course.exercises import Feedback, nb00, nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08
from rnnlab.gradients.bptt import truncation_weights
from rnnlab.gradients.pcgrad import pcgrad_update
from rnnlab.series import lag_features
from rnnlab.text.corpus import read_time_machine, tokenize
from rnnlab.text.vocab import Vocab
from rnnlab.text.zipf import book_word_tokens, min_freq_summary


def _raise(*args, **kwargs):
    raise RuntimeError("student bug")


class Weird:
    """An object whose every use fails."""

    def __repr__(self):
        raise ValueError("no repr")

    def __iter__(self):
        raise ValueError("no iter")

    def __float__(self):
        raise ValueError("no float")


VALUES = [None, "x", "0.5", True, False, [], [1, 2], {}, (), object(), Weird(), math.nan, math.inf,
          -math.inf, -1, 10**9, np.array([1.0, 2.0]), torch.zeros(3), torch.tensor(True),
          np.float64("nan"), lambda: 0, b"1", 1j]


# -------------------------------------------------------------- the reference answers
def _ref_predict(prefix, num_preds, net, vocab, device):
    from rnnlab.generation import predict

    return predict(prefix, num_preds, net, vocab)


def _ref_epoch(net, train_iter, lr, use_random_iter):
    from rnnlab.training import train

    return train(net, train_iter, epochs=1, lr=lr, optimizer="sgd", theta=1.0,
                 state="fresh" if use_random_iter else "carry").train_ppl[-1]


def _ref_clip(grads, theta):
    norm = math.sqrt(sum(float((g**2).sum()) for g in grads))
    return [g * min(1.0, theta / norm) for g in grads]


def _ref_power(W, num_iters):
    v = torch.ones(W.shape[0], dtype=W.dtype)
    for _ in range(num_iters):
        w = v @ W
        factor = w.norm()
        v = w / factor
    return float(factor)


def _lag():
    return lag_features(nb01.EXERCISE_SERIES, nb01.EXERCISE_TAU)


def _indices():
    return Vocab(tokenize(read_time_machine(), "word"))[nb02.EXERCISE_LINE]


def _hand_vocab():
    return Vocab(book_word_tokens(), min_freq=nb02.EXERCISE_MIN_FREQ).token_to_idx


def _hand_line():
    return Vocab(book_word_tokens(), min_freq=nb02.EXERCISE_MIN_FREQ)[nb02.EXERCISE_LINE]


def _unk_share():
    return min_freq_summary(book_word_tokens(), nb02.EXERCISE_MIN_FREQ).unk_share


def _laplace():
    text, V = nb03.EXERCISE_TEXT, len(nb03.EXERCISE_VOCAB)
    pairs = list(zip(text, text[1:]))
    return (pairs.count(("a", "b")) + 1) / (sum(p[0] == "a" for p in pairs) + V)


def _ppl():
    nll = [-math.log(p) for p in nb03.PERPLEXITY_PROBS]
    return math.exp(sum(nll) / len(nll))


V4, H4 = 28, 512
NUM_PARAMS = V4 * H4 + H4 * H4 + H4 + H4 * V4 + V4
GRU = 3 * (28 * 64 + 64 * 64 + 2 * 64)
LSTM_SHAPES = ((4, 4, 16), (4, 4, 16))
TERM = glossary.TERMS[0]

# name -> (call with one answer, reference answer, kind) ; kind: "value", "number", "open number",
# "function" or "scalar function" (a function that returns one number)
CHECKERS = {
    "nb00.check_translation": (lambda a: nb00.check_translation(TERM.chinese, a), TERM.english, "value"),
    # many weights are right here (any 0 < |w| small enough): only the number variants apply
    "nb00.check_vanishing_weight": (nb00.check_vanishing_weight, 0.5, "open number"),
    "nb01.check_lag_features": (lambda a: nb01.check_lag_features(a, _lag()[1]), _lag()[0], "value"),
    "nb01.check_lag_features(labels)": (lambda a: nb01.check_lag_features(_lag()[0], a), _lag()[1],
                                        "value"),
    "nb01.check_k_step_value": (nb01.check_k_step_value, 2.25, "number"),
    "nb02.check_indices": (nb02.check_indices, _indices(), "value"),
    "nb02.check_unk_share": (nb02.check_unk_share, _unk_share(), "number"),
    "nb02.check_vocabulary": (lambda a: nb02.check_vocabulary(a, _hand_line()), _hand_vocab(), "value"),
    "nb02.check_vocabulary(indices)": (lambda a: nb02.check_vocabulary(_hand_vocab(), a), _hand_line(),
                                       "value"),
    "nb03.check_laplace_bigram": (nb03.check_laplace_bigram, _laplace(), "number"),
    "nb03.check_perplexity": (nb03.check_perplexity, _ppl(), "number"),
    "nb03.check_ngram_storage": (nb03.check_ngram_storage, nb03.storage_vocab_size() ** 4,
                                  "number"),
    "nb04.check_num_params": (lambda a: nb04.check_num_params(V4, H4, a), NUM_PARAMS, "number"),
    "nb04.check_predict": (nb04.check_predict, _ref_predict, "function"),
    "nb04.check_train_epoch": (nb04.check_train_epoch, _ref_epoch, "function"),
    "nb04.check_temperature_softmax": (nb04.check_temperature_softmax,
                                       lambda z, t: torch.softmax(z / t, 0), "function"),
    "nb05.check_clip": (nb05.check_clip, _ref_clip, "function"),
    "nb05.check_cosine_after_clipping": (nb05.check_cosine_after_clipping, -0.6, "number"),
    "nb06.check_state_shapes": (lambda a: nb06.check_state_shapes("lstm", 2, True, 4, 16, a),
                                LSTM_SHAPES, "value"),
    "nb06.check_gru_params": (lambda a: nb06.check_gru_params(28, 64, a), GRU, "number"),
    "nb07.check_vanishing_factor": (nb07.check_vanishing_factor, 0.9**20, "number"),
    "nb07.check_carry_weights": (nb07.check_carry_weights, truncation_weights, "function"),
    "nb07.check_power_iteration": (nb07.check_power_iteration, _ref_power, "scalar function"),
    "nb08.check_cosine": (nb08.check_cosine, -4 / math.sqrt(80), "number"),
    "nb08.check_pcgrad_update": (nb08.check_pcgrad_update, pcgrad_update([nb08.G_A, nb08.G_B]),
                                 "value"),
    "nb08.check_pcgrad_combine": (nb08.check_pcgrad_combine, nb08.pcgrad_in_order, "function"),
}


def _function_battery(reference):
    """Wrong functions: they raise, return junk, the wrong shape, or mutate their inputs."""

    def _mutate(args, how):
        tensors = [t for a in args for t in (a if isinstance(a, list) else [a])
                   if isinstance(t, torch.Tensor) and t.dtype.is_floating_point]
        for t in tensors:
            how(t)
        return bool(tensors)

    def zero_inputs(*args):  # e.g. zeroes the weights in place, then computes from them
        return reference(*args) if _mutate(args, torch.Tensor.zero_) else None

    def scale_inputs_then_reference(*args):
        return reference(*args) if _mutate(args, lambda t: t.mul_(2.0)) else None

    def flattened(*args):
        out = reference(*args)
        if isinstance(out, (list, tuple)):
            return [torch.as_tensor(o).reshape(-1) for o in out]
        return torch.as_tensor(out).reshape(1, -1)

    def as_float64(*args):
        out = reference(*args)
        if isinstance(out, (list, tuple)):
            return type(out)(torch.as_tensor(o).double() * 1.5 for o in out)
        return torch.as_tensor(out).double() * 1.5

    def as_numpy_wrong(*args):
        out = reference(*args)
        if isinstance(out, (list, tuple)):
            return type(out)(torch.as_tensor(o).numpy() + 1 for o in out)
        return torch.as_tensor(out).numpy() + 1

    return [None, 3, "def f(): pass", _raise, lambda *a: None, lambda *a: "text", lambda *a: 0,
            lambda *a: (None, None), lambda *a: [None], lambda *a: Weird(), lambda: 0,
            lambda *a: (torch.zeros(1), torch.zeros(1)), lambda *a: [torch.zeros(2, 2)] * 7,
            lambda *a: torch.full((10,), math.nan), lambda *a: iter([1]), zero_inputs,
            scale_inputs_then_reference, flattened, as_float64, as_numpy_wrong, lambda *a: KeyboardInterrupt]


def _value_battery(reference):
    battery = list(VALUES)
    try:
        t = torch.as_tensor(reference, dtype=torch.float64)
        battery += [t + 1, t * 0, t.reshape(-1)[:1], t.flip(0) + 0.5, (t + 1).tolist()]
        if t.ndim == 2:
            battery += [t.T, t.flip(1), t.flip(0)]
    except Exception:  # not an array-like reference
        pass
    if isinstance(reference, tuple) and all(isinstance(s, tuple) for s in reference):
        battery += [reference[:1], reference * 2, tuple(tuple(float(d) + 0.2 for d in s) for s in reference),
                    reference[0], tuple(s[1:] for s in reference), tuple(reversed(reference[0])),
                    tuple(tuple(d * 2 for d in s) for s in reference)]
    if isinstance(reference, str):
        battery += [reference.upper() + "x", "", " ", reference[:3]]
    if isinstance(reference, list):
        battery += [reference[:-1], [i - 1 for i in reference], [float(i) + 0.5 for i in reference],
                    [str(i) for i in reference]]
    return battery


def _number_battery(reference):
    return list(VALUES) + [reference + 1, -reference, reference * 100, reference / 100 + 1e-3,
                           np.float32(reference + 2), torch.tensor(reference + 1.0),
                           torch.tensor([reference, reference]), np.array([reference] * 2),
                           str(reference), [reference], (reference,), reference + 0.5]


def _battery(reference, kind):
    if kind == "open number":
        return list(VALUES) + [0, 0.0, 1.0, -1.0, 1.5, np.float32(0.99), torch.tensor(2.0),
                               np.array([0.5, 0.5]), "0.5", [0.5]]
    if kind == "function":
        return _function_battery(reference)
    if kind == "scalar function":   # returns one number: the same number as a one-element or a
        # float64 tensor is still the right answer, so those two variants do not apply
        return [f for f in _function_battery(reference)
                if getattr(f, "__name__", "") not in ("flattened", "as_float64")]
    if kind == "number":
        return _number_battery(reference)
    return _value_battery(reference)


@pytest.mark.parametrize("name", list(CHECKERS))
def test_the_reference_answer_is_correct(name):
    check, reference, kind = CHECKERS[name]
    fb = check(reference)
    assert isinstance(fb, Feedback) and fb.ok, f"{name}: {fb}"


@pytest.mark.parametrize("name", [n for n, (_, _, kind) in CHECKERS.items() if "number" in kind])
def test_the_reference_number_as_numpy_or_torch_is_correct(name):
    check, reference, _ = CHECKERS[name]
    for given in (np.float64(reference), torch.tensor(float(reference), dtype=torch.float64),
                  np.array(reference)):
        fb = check(given)
        assert fb.ok, f"{name}({given!r}): {fb}"
    if float(reference).is_integer():
        for given in (np.int64(reference), float(reference), torch.tensor(int(reference))):
            fb = check(given)
            assert fb.ok, f"{name}({given!r}): {fb}"


@pytest.mark.parametrize("name", list(CHECKERS))
def test_wrong_answers_get_feedback_never_an_exception_never_correct(name):
    check, reference, kind = CHECKERS[name]
    for i, answer in enumerate(_battery(reference, kind)):
        fb = check(answer)
        assert isinstance(fb, Feedback), f"{name}: wrong answer #{i} gave {fb!r}"
        assert not fb.ok, f"{name}: wrong answer #{i} was judged correct: {fb}"
        assert fb.message, f"{name}: wrong answer #{i} got an empty message"


def _placeholder_fn(*args):
    ...  # a notebook's "your code here" stub returns None


# The lessons' exercise cells are committed executed with these placeholder answers, and nbval
# compares their output: the checkers must keep answering them word for word.
PLACEHOLDERS = [
    (lambda: nb01.check_lag_features(None, None),
     "replace the None placeholders with your features and labels"),
    (lambda: nb01.check_k_step_value(None), "give one number, got None"),
    (lambda: nb02.check_indices(None), "give a list of integers, one per token; got None"),
    (lambda: nb02.check_unk_share(None), "give one number (a fraction between 0 and 1), got None"),
    (lambda: nb02.check_vocabulary(None, None),
     "replace the None placeholders with your dictionary token_to_idx and your list of indices"),
    (lambda: nb03.check_laplace_bigram(None), "give one number, got None"),
    (lambda: nb03.check_perplexity(None), "give one number, got None"),
    (lambda: nb04.check_num_params(28, 512, None), "give one integer, got None"),
    (lambda: nb04.check_predict(lambda prefix, *a: prefix),
     "prefix 'time traveller ' plus 12 predictions is 27 characters; yours has 15"),
    (lambda: nb04.check_train_epoch(_placeholder_fn),
     "with sequential partitioning the weights after one epoch differ from rnnlab.train's. Check "
     "the order (state, forward, mean loss on Y.T.reshape(-1), backward, clip to 1, "
     "p -= lr * p.grad) and that the gradients are zeroed after each step."),
    (lambda: nb04.check_temperature_softmax(_placeholder_fn),
     "calling softmax_t(logits, temperature) raised TypeError: must be real number, not NoneType"),
    (lambda: nb05.check_clip(_placeholder_fn),
     "return a list with one tensor per gradient, in the same order"),
    (lambda: nb05.check_cosine_after_clipping(None), "give a number, got None"),
    (lambda: nb07.check_power_iteration(_placeholder_fn), "give one number, got None"),
    (lambda: nb06.check_state_shapes("lstm", 2, True, 4, 16, None),
     "give a tuple of shapes, one per state tensor, e.g. ((1, 32, 256),); got None"),
    (lambda: nb06.check_gru_params(28, 64, None), "give one integer, got None"),
    (lambda: nb07.check_vanishing_factor(None), "give one number, got None"),
    (lambda: nb08.check_cosine(None), "give one number, got None"),
]


@pytest.mark.parametrize("call, message", PLACEHOLDERS, ids=[m[:30] for _, m in PLACEHOLDERS])
def test_placeholder_answers_get_the_feedback_stored_in_the_notebooks(call, message):
    assert str(call()) == "❌ Not yet. " + message


def test_exact_and_huge_numbers_are_numbers_to_the_checkers():
    """Issue 25: a Decimal or a Fraction is a number (judged on its value), and 10**400 is a number
    too large for a float (asked for a finite one), never "could not be checked"."""
    import decimal
    import fractions

    from rnnlab.course.exercises import nb08
    from rnnlab.course.exercises.feedback import as_number

    assert as_number(decimal.Decimal("0.5")) == 0.5 and as_number(fractions.Fraction(1, 4)) == 0.25
    assert as_number(10**400) == float("inf") and as_number(-(10**400)) == float("-inf")
    for answer in (decimal.Decimal("0.5"), 10**400):
        fb = nb08.check_cosine(answer)
        assert not fb.ok and "could not be checked" not in fb.message, fb.message
    assert "finite" in nb08.check_cosine(10**400).message
