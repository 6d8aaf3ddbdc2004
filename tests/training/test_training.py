import math

import matplotlib
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from rnnlab.experiments import COURSE_RECIPE, SEED_RECIPE, Recipe, quick_train, recipe_data
from rnnlab.generation import sample
from rnnlab.models import RNNModel, RNNScratch
from rnnlab.text.minibatches import SeqDataLoader
from rnnlab.text.vocab import Vocab
from rnnlab.training import (
    History,
    TrainingDiverged,
    TrainingInterrupted,
    evaluate_perplexity,
    plot_grad_norms,
    plot_history,
    train,
)

matplotlib.use("Agg")

V = 5
# A periodic text: after a few steps of context the next token is certain.
CORPUS = [i % V for i in range(160)]


def _loader(random=False, batch=4, steps=5, corpus=CORPUS):
    return SeqDataLoader(corpus, batch, steps, use_random_iter=random, seed=0)


class Uniform(nn.Module):
    """Predicts the uniform distribution whatever the input (zero logits)."""

    def __init__(self, vocab_size):
        super().__init__()
        self.vocab_size = vocab_size
        self.dummy = nn.Parameter(torch.zeros(1))

    def begin_state(self, batch_size, device=None):
        return (torch.zeros(batch_size, 1),)

    def forward(self, X, state):
        return torch.zeros(X.numel(), self.vocab_size) + 0 * self.dummy, state


@settings(max_examples=20, deadline=None)
@given(vocab_size=st.integers(2, 200), batch=st.integers(1, 4), steps=st.integers(1, 8))
def test_perplexity_uniform_equals_vocab_size(vocab_size, batch, steps):
    corpus = torch.randint(0, vocab_size, ((batch + 1) * steps + 5,),
                           generator=torch.Generator().manual_seed(vocab_size))
    loader = SeqDataLoader(corpus, batch, steps, seed=0)
    # float32 log-softmax: about 1e-6 relative error per token
    assert evaluate_perplexity(Uniform(vocab_size), loader, "cpu") == pytest.approx(vocab_size, rel=1e-5)


@pytest.mark.parametrize("make,random", [
    (lambda: RNNScratch(V, 16), False), (lambda: RNNScratch(V, 16), True),
    (lambda: RNNModel(V, 16, "gru"), False), (lambda: RNNModel(V, 16, "lstm"), True),
])
def test_one_loop_trains_every_model_with_either_sampling(make, random):
    torch.manual_seed(0)
    model = make()
    history = train(model, _loader(random), _loader(), epochs=4, lr=0.05, optimizer="adam",
                    device="cpu", progress=False)
    assert history.epochs == 4
    assert history.train_ppl[-1] < 0.5 * history.train_ppl[0]
    assert history.val_ppl[-1] < history.val_ppl[0]
    assert len(history.step_grad_norms) == 4 * len(_loader(random))
    assert history.grad_norm[0] == pytest.approx(
        sum(history.step_grad_norms[:len(_loader(random))]) / len(_loader(random)))
    assert all(t > 0 for t in history.tokens_per_s) and history.total_seconds > 0


def test_sgd_step_is_plain_gradient_descent_on_the_mean_loss():
    torch.manual_seed(1)
    model = RNNScratch(V, 8)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    loader = [next(iter(_loader()))]  # one batch
    X, Y = loader[0]
    out, _ = model(X)
    nn.functional.cross_entropy(out, Y.T.reshape(-1)).backward()
    expected = {n: before[n] - 0.5 * p.grad for n, p in model.named_parameters()}
    model.zero_grad()
    train(model, loader, epochs=1, lr=0.5, theta=None, state="fresh", device="cpu")
    for n, p in model.named_parameters():
        torch.testing.assert_close(p.detach(), expected[n])


class _Recorder(nn.Module):
    """Records the state each batch starts from (to see whether state is carried)."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.ones(1))
        self.vocab_size = V
        self.seen = []

    def begin_state(self, batch_size, device=None):
        return (torch.zeros(batch_size, 1),)

    def forward(self, X, state):
        (h,) = state
        self.seen.append((h.clone(), h.requires_grad))
        new_h = h + self.w  # depends on the parameter, so it is part of the graph
        return torch.zeros(X.numel(), V) * self.w, (new_h,)


@pytest.mark.parametrize("random", [False, True])
def test_sequential_carries_detached_state_random_starts_fresh(random):
    model = _Recorder()
    train(model, _loader(random), epochs=1, lr=0.1, theta=None, device="cpu", progress=False)
    starts = [float(h[0, 0]) for h, _ in model.seen]
    if random:
        assert starts == [0.0] * len(starts)
    else:
        assert starts[:3] == [0.0, 1.0, 2.0]  # each batch starts where the last one ended
    assert not any(grad for _, grad in model.seen)  # never attached to an earlier graph


def test_evaluate_perplexity_is_token_weighted_and_leaves_train_mode():
    torch.manual_seed(2)
    model = RNNScratch(V, 8)
    model.train()
    loader = _loader()
    total, n, state = 0.0, 0, None
    with torch.no_grad():
        for X, Y in loader:
            state = model.begin_state(X.shape[0]) if state is None else state
            out, state = model(X, state)
            total += float(nn.functional.cross_entropy(out, Y.T.reshape(-1), reduction="sum"))
            n += Y.numel()
    assert evaluate_perplexity(model, loader) == pytest.approx(math.exp(total / n), rel=1e-5)
    assert model.training


def test_divergence_raises_naming_epoch_batch_and_the_cures():
    torch.manual_seed(3)
    model = RNNScratch(V, 8)
    with torch.no_grad():
        model.W_hq.fill_(float("nan"))
    with pytest.raises(TrainingDiverged, match=r"epoch 1, batch 1.*theta.*smaller learning rate"):
        train(model, _loader(), epochs=2, lr=1.0, device="cpu", progress=False)


def test_infinite_gradient_norm_is_caught_too():
    model = _Recorder()
    model.w.register_hook(lambda g: torch.full_like(g, math.inf))  # finite loss, infinite grad
    with pytest.raises(TrainingDiverged, match="gradient norm is inf") as info:
        train(model, _loader(), epochs=1, lr=0.1, theta=None, device="cpu", progress=False)
    assert info.value.epoch == 1 and info.value.batch == 1
    assert "theta=1.0" in str(info.value)


@pytest.mark.parametrize("kwargs,match", [
    ({"lr": 0.0}, "lr must be a finite number > 0"),
    ({"lr": -1.0}, "lr must be"),
    ({"epochs": 0}, "epochs must be >= 1"),
    ({"optimizer": "rmsprop"}, "optimizer must be one of 'sgd', 'adam'"),
    ({"theta": 0.0}, "theta must be"),
    ({"progress": "yes"}, "progress must be True or False"),
    ({"state": "kept"}, "state must be one of 'fresh', 'carry'"),
    ({"on_epoch": 3}, "on_epoch must be a function or None"),
    ({"on_batch": "log"}, "on_batch must be a function or None"),
])
def test_bad_arguments_are_rejected(kwargs, match):
    args = {"epochs": 1, "lr": 0.1, "progress": False} | kwargs
    with pytest.raises((ValueError, TypeError), match=match):
        train(RNNScratch(V, 4), _loader(), device="cpu", **args)


def test_val_every_validates_every_kth_and_the_last_epoch():
    history = train(RNNScratch(V, 4), _loader(), _loader(), epochs=5, lr=0.1, device="cpu",
                    progress=False, val_every=2)
    assert history.val_epochs == [2, 4, 5] and len(history.val_ppl) == 3
    fig = plot_history(history)
    assert list(fig.axes[0].get_lines()[1].get_xdata()) == [2, 4, 5]
    with pytest.raises(ValueError, match="val_every must be >= 1"):
        train(RNNScratch(V, 4), _loader(), epochs=1, lr=0.1, val_every=0, progress=False)


def test_callback_can_stop_training_early():
    calls = []

    def stop_after_two(epoch, history, model):
        calls.append(epoch)
        return epoch < 2

    history = train(RNNScratch(V, 4), _loader(), epochs=10, lr=0.1, device="cpu",
                    on_epoch=stop_after_two)
    assert calls == [1, 2] and history.epochs == 2 and not history.interrupted


def test_interrupting_keeps_the_history_so_far():
    def interrupt_in_epoch_two(epoch, history, model):
        if epoch == 2:
            raise KeyboardInterrupt

    with pytest.raises(TrainingInterrupted, match="interrupted after 2 complete epoch") as info:
        train(RNNScratch(V, 4), _loader(), epochs=5, lr=0.1, device="cpu",
              on_epoch=interrupt_in_epoch_two)
    assert isinstance(info.value, KeyboardInterrupt)  # a helper running several runs stops too
    history = info.value.history
    assert history.epochs == 2 and history.interrupted
    assert len(history.step_grad_norms) == 2 * len(_loader())


def test_an_interrupt_mid_epoch_leaves_a_consistent_history():
    calls = []

    def interrupt_in_the_third_batch_of_epoch_two(step):
        calls.append(step.step)
        step.log("seen", step.batch)
        if step.epoch == 2 and step.batch == 3:
            raise KeyboardInterrupt

    with pytest.raises(TrainingInterrupted) as info:
        train(RNNScratch(V, 4), _loader(), _loader(), epochs=5, lr=0.1,
              on_batch=interrupt_in_the_third_batch_of_epoch_two)
    h = info.value.history
    n = len(_loader())
    assert h.epochs == 1 and h.val_epochs == [1] and len(h.seconds) == 1
    assert len(h.step_grad_norms) == n and len(h.step_metrics["seen"]) == n   # trimmed to epoch 1
    assert len(calls) == n + 3


def test_divergence_attaches_the_history_so_far():
    def blow_up_in_epoch_two(step):
        if step.epoch == 2:
            for p in step.params:
                p.grad.fill_(float("nan"))

    with pytest.raises(TrainingDiverged, match="1 complete epoch") as info:
        train(RNNScratch(V, 4), _loader(), epochs=3, lr=0.1, on_batch=blow_up_in_epoch_two)
    assert info.value.history.epochs == 1 and info.value.history.interrupted


def test_any_error_after_an_epoch_keeps_the_history():
    def fail(epoch, history, model):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom") as info:
        train(RNNScratch(V, 4), _loader(), epochs=3, lr=0.1, on_epoch=fail)
    assert info.value.history.epochs == 1


def test_hooks_see_every_step_and_can_log_and_change_gradients():
    seen = []

    def zero_the_output_bias_gradient(step):
        step.model.b_q.grad.zero_()
        step.log("loss", step.loss)

    def my_forward(model, X, state):
        seen.append(X.shape)
        return model(X, state)

    model = RNNScratch(V, 4)
    b_q = model.b_q.detach().clone()
    h = train(model, _loader(), epochs=2, lr=0.1, forward=my_forward,
              on_batch=zero_the_output_bias_gradient)
    assert len(seen) == 2 * len(_loader()) == len(h.step_metrics["loss"])
    assert torch.equal(model.b_q.detach(), b_q)          # its gradient was zeroed every step
    assert not torch.equal(model.W_hq.detach(), torch.zeros_like(model.W_hq))


def test_a_loader_that_is_not_a_seq_data_loader_needs_an_explicit_state_policy():
    batches = list(_loader())
    with pytest.raises(ValueError, match="state must be 'fresh' or 'carry' for a loader of type list"):
        train(RNNScratch(V, 4), batches, epochs=1, lr=0.1)
    h = train(RNNScratch(V, 4), batches, epochs=1, lr=0.1, state="carry")
    assert h.epochs == 1


def test_a_loader_without_a_length_works_and_an_empty_one_is_refused():
    batches = list(_loader())

    class NoLength:
        def __iter__(self):
            return iter(batches)

    assert train(RNNScratch(V, 4), NoLength(), epochs=2, lr=0.1, state="fresh").epochs == 2
    with pytest.raises(ValueError, match="yielded no batches"):
        train(RNNScratch(V, 4), iter([]), epochs=1, lr=0.1, state="fresh")


def test_progress_bar_when_asked(capsys):
    train(RNNScratch(V, 4), _loader(), epochs=2, lr=0.1, device="cpu", progress=True)
    assert "training" in capsys.readouterr().err


def test_history_round_trips_through_a_dict_and_knows_its_best():
    h = History(train_ppl=[9.0, 5.0], val_ppl=[10.0, 7.0], grad_norm=[2.0, 1.0],
                step_grad_norms=[2.0, 2.0, 1.0, 1.0], tokens_per_s=[1e3, 1e3], seconds=[1, 2],
                theta=1.0)
    assert h.best_val_ppl == 7.0 and h.epochs == 2 and h.total_seconds == 3
    assert History.from_dict(h.to_dict()) == h
    assert History().best_val_ppl is None
    assert h.val_epochs == [1, 2]  # filled in when every epoch was validated
    with pytest.raises(ValueError, match="pair up"):
        History(val_ppl=[1.0, 2.0], val_epochs=[2])
    with pytest.raises(ValueError, match="unknown History fields"):
        History.from_dict({"loss": [1.0]})


def test_plots_have_labels_and_legends():
    h = History(train_ppl=[9.0, 5.0], val_ppl=[10.0, 7.0], grad_norm=[2.0, 1.0],
                step_grad_norms=[2.0, 3.0, 1.0], tokens_per_s=[1, 1], seconds=[1, 1], theta=1.0)
    fig = plot_history(h)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "perplexity"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "training perplexity", "validation perplexity"]
    fig2 = plot_grad_norms(h)
    labels = [t.get_text() for t in fig2.axes[0].get_legend().get_texts()]
    assert labels == ["gradient norm", "θ = 1"]
    fig3 = plot_grad_norms(h, theta=None)
    assert len(fig3.axes[0].get_lines()) == 1


def test_live_plot_updates_one_display_in_place(monkeypatch):
    import IPython.display

    updates = []

    class Handle:
        def update(self, fig):
            updates.append(fig)

    shown = []
    monkeypatch.setattr(IPython.display, "display",
                        lambda obj, display_id=None: shown.append(obj) or Handle())
    train(RNNScratch(V, 4), _loader(), epochs=3, lr=0.1, device="cpu", progress=False,
          live_plot=True)
    assert len(shown) == 1  # one figure displayed ...
    assert len(updates) >= 2 and all(f is shown[0] for f in updates)  # ... then redrawn


def test_recipes_match_the_notes_and_the_data_they_describe():
    assert (SEED_RECIPE.max_tokens, SEED_RECIPE.batch_size, SEED_RECIPE.num_steps,
            SEED_RECIPE.num_hiddens, SEED_RECIPE.optimizer, SEED_RECIPE.lr, SEED_RECIPE.theta,
            SEED_RECIPE.epochs, SEED_RECIPE.use_random_iter) == (
                10_000, 32, 35, 512, "sgd", 1.0, 1.0, 500, False)
    assert COURSE_RECIPE.max_tokens == -1 and COURSE_RECIPE.optimizer == "adam"
    small = Recipe(max_tokens=2000, batch_size=4, num_steps=10, num_hiddens=8,
                   optimizer="sgd", lr=1.0, theta=1.0, epochs=1)
    train_loader, val_loader, vocab = recipe_data(small)
    assert len(train_loader.corpus) == 2000
    _, full_val, _ = recipe_data(COURSE_RECIPE)
    assert torch.equal(val_loader.corpus, full_val.corpus)  # same held-out text for every recipe


def test_quick_train_returns_a_trained_model(capsys):
    history, model, vocab = quick_train(num_hiddens=8, num_steps=8, epochs=2, max_tokens=3000,
                                        device="cpu", progress=True)
    assert "training" in capsys.readouterr().err  # the progress bar, when asked for
    assert history.epochs == 2 and len(history.val_ppl) == 2
    assert history.train_ppl[-1] < len(vocab)
    assert model.num_hiddens == 8
    with pytest.raises(ValueError, match="num_hiddens must be >= 1"):
        quick_train(num_hiddens=0)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_training_evaluation_and_generation_on_cuda():
    model = RNNScratch(V, 8, device="cuda")
    history = train(model, _loader(), _loader(), epochs=1, lr=0.1, device="cuda",
                    progress=False)
    assert history.val_ppl and next(model.parameters()).is_cuda
    vocab = Vocab([[str(i) for i in range(V)]])
    model = RNNScratch(len(vocab), 8, device="cuda")
    assert len(sample("01", 5, model, vocab, generator=0)) >= 7


def test_perplexity_of_a_huge_loss_is_inf_not_an_overflow_error():
    import math

    from rnnlab.metrics import perplexity
    assert perplexity(math.log(28)) == pytest.approx(28)
    assert perplexity(1e4) == math.inf


# ---------------------------------------------------------------- stream_perplexity (lesson 04)
def _full_prefix_nll(model, tokens):
    """-log P(tokens[t] | tokens[:t]) for t >= 1, from one forward pass over the whole text."""
    X = torch.tensor([tokens[:-1]])
    with torch.no_grad():
        outputs, _ = model(X, model.begin_state(1))
    return torch.nn.functional.cross_entropy(outputs, torch.tensor(tokens[1:]), reduction="none")


def test_stream_perplexity_scores_every_token_after_start_with_all_context():
    from rnnlab.training import stream_perplexity

    torch.manual_seed(0)
    model = RNNScratch(7, 5, device="cpu", scale=0.5)
    tokens = torch.randint(0, 7, (50,)).tolist()
    nll = _full_prefix_nll(model, tokens)            # nll[t - 1] scores tokens[t]
    for start in (1, 9, 49):
        want = math.exp(float(nll[start - 1:].mean()))
        for chunk in (1, 7, 512):                    # the chunking never changes what is scored
            assert stream_perplexity(model, tokens, start, chunk=chunk) == pytest.approx(want)


def test_stream_perplexity_of_a_uniform_model_is_the_vocabulary_size():
    from rnnlab.training import stream_perplexity

    model = RNNScratch(11, 4, device="cpu")
    with torch.no_grad():
        model.W_hq.zero_()                           # every output the same: uniform
    assert stream_perplexity(model, list(range(11)) * 3, 5) == pytest.approx(11.0)
    assert model.training                            # left as it was found


def test_stream_perplexity_refuses_bad_arguments():
    from rnnlab.training import stream_perplexity

    model = RNNScratch(5, 3, device="cpu")
    with pytest.raises(ValueError, match="start"):
        stream_perplexity(model, [1, 2, 3], 0)
    with pytest.raises(ValueError, match="start"):
        stream_perplexity(model, [1, 2, 3], 3)
    with pytest.raises(ValueError, match="chunk"):
        stream_perplexity(model, [1, 2, 3], 1, chunk=0)
