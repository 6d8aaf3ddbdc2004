# ruff: noqa: E501  (one cheap call per line, read as a table)
"""No library function reseeds or draws from the caller's global random streams unless it says so
(CONTRIBUTING, "Randomness"): every public function or class that takes ``seed`` or ``generator``
is called here and torch's, Python's and numpy's global states must be the same afterwards.

``CALLS`` holds one cheap call per such function; a new one fails
``test_every_function_taking_a_seed_is_called`` until it is added."""

import importlib
import inspect
import pkgutil
import random

import numpy as np
import pytest
import torch

import rnnlab

# Functions whose job is to seed the global streams (they say so in their docstrings).
SEEDS_ON_PURPOSE = {"rnnlab.notebook.setup", "rnnlab.randomness.set_course_seed"}


def _vocab_and_corpus():
    corpus, vocab = rnnlab.load_corpus_time_machine(max_tokens=2_000)
    return vocab, corpus


def _tiny_model():
    vocab, _ = _vocab_and_corpus()
    return rnnlab.RNNScratch(len(vocab), 8, device="cpu", generator=torch.Generator().manual_seed(0)), vocab


def _loaders():
    return rnnlab.load_data_time_machine_split(4, 5, max_tokens=1_500, seed=1)


CALLS = {
    "rnnlab.compat.load_data_time_machine": lambda f: list(f(4, 5, max_tokens=500, seed=3)),
    "rnnlab.course.diagrams.batch_layout": lambda f: f(40, 2, 5, "random", seed=1),
    "rnnlab.course.diagrams.plot_batching": lambda f: f(seed=1),
    "rnnlab.course.lesson01.ar_prediction_figure": lambda f: f(seed=1),
    "rnnlab.course.lesson04.training_panel": lambda f: f(num_hiddens=8, num_steps=4, updates=20, seed=1, progress=False),
    "rnnlab.course.lesson04.warmup_comparison": lambda f: f(_tiny_model()[0], _vocab_and_corpus()[1], prefix_len=3, num_prefixes=5, seed=1),
    "rnnlab.course.lesson07.plot_truncation_chunks": lambda f: f(seed=1),
    "rnnlab.course.lesson05.clipping_panel": lambda f: f(num_hiddens=8, num_steps=5, epochs=1, max_tokens=1_500, seed=1, progress=False),
    "rnnlab.course.lesson05.theta_sweep": lambda f: f((1.0,), num_hiddens=8, num_steps=5, epochs=1, max_tokens=1_500, seed=1),
    "rnnlab.course.lesson06.cell_panel": lambda f: f("gru", 8, epochs=1, max_tokens=1_500, seed=1, progress=False),
    "rnnlab.course.lesson06.compare_kinds": lambda f: f(("rnn",), 8, epochs=1, max_tokens=1_500, seed=1),
    "rnnlab.course.lesson06.train_kind": lambda f: f("rnn", 8, epochs=1, max_tokens=1_500, seed=1),
    "rnnlab.experiments.autoregressive.fit_mlp_autoregressive": lambda f: f(rnnlab.noisy_sine(60)[1], 4, epochs=1, seed=1),
    "rnnlab.experiments.explosion.grad_norm_vs_steps": lambda f: f(2.0, steps=(2, 4), num_hiddens=8, seed=1),
    "rnnlab.experiments.multitask.ConflictRun": lambda f: f(seed=1),
    "rnnlab.experiments.multitask.letter_substitution": lambda f: f(_vocab_and_corpus()[0], 0.5, seed=1),
    "rnnlab.experiments.recipes.Recipe": lambda f: f(2_000, 4, 5, 8, "sgd", 1.0, 1.0, 1, seed=1),
    "rnnlab.experiments.recipes.quick_train": lambda f: f(num_hiddens=8, num_steps=5, epochs=1, max_tokens=1_500, seed=1),
    "rnnlab.experiments.truncation.carry_forward": lambda f: f("randomized", generator=torch.Generator().manual_seed(1)),
    "rnnlab.experiments.truncation.measure_bptt_cost": lambda f: f((4,), batch_size=2, num_hiddens=8, repeats=1, seed=1),
    "rnnlab.experiments.truncation.train_bptt": lambda f: f(*_loaders()[:2], len(_loaders()[2]), 8, epochs=1, seed=1),
    "rnnlab.generation.sample": lambda f: f("the ", 5, *_tiny_model(), generator=torch.Generator().manual_seed(1)),
    "rnnlab.gradients.bptt.random_truncation_weights": lambda f: f(6, 0.5, torch.Generator().manual_seed(1)),
    "rnnlab.gradients.jacobians.input_sensitivity": lambda f: f(num_steps=5, num_hiddens=4, seed=1),
    "rnnlab.gradients.jacobians.jacobian_norm_curve": lambda f: f(1.0, num_steps=5, num_hiddens=4, seed=1),
    "rnnlab.gradients.jacobians.jacobian_norm_matrix": lambda f: f(1.0, num_steps=5, num_hiddens=4, seed=1),
    "rnnlab.gradients.jacobians.make_w_hh": lambda f: f(4, 1.0, torch.Generator().manual_seed(1)),
    "rnnlab.gradients.pcgrad.pcgrad_backward": lambda f: _pcgrad_backward(f),
    "rnnlab.gradients.pcgrad.pcgrad_update": lambda f: f([torch.tensor([1.0, 0.0]), torch.tensor([-1.0, 1.0])],
                                                         torch.Generator().manual_seed(1)),
    "rnnlab.gradients.pcgrad.project_conflicting": lambda f: f([torch.tensor([1.0, 0.0]), torch.tensor([-1.0, 1.0])],
                                                               torch.Generator().manual_seed(1)),
    "rnnlab.models.RNNScratch": lambda f: f(5, 4, device="cpu", generator=torch.Generator().manual_seed(1)),
    "rnnlab.randomness.draw_seed": lambda f: f(3),
    "rnnlab.series.MLPAutoregressive": lambda f: f(4, seed=1),
    "rnnlab.series.noisy_sine": lambda f: f(50, seed=1),
    "rnnlab.series.simulate_var": lambda f: f(torch.eye(2) * 0.5, 10, seed=1),
    "rnnlab.text.minibatches.SeqDataLoader": lambda f: list(f(list(range(60)), 2, 5, use_random_iter=True, seed=1)),
    "rnnlab.text.minibatches.load_data_time_machine": lambda f: list(f(4, 5, max_tokens=500, seed=1)[0]),
    "rnnlab.text.minibatches.load_data_time_machine_split": lambda f: list(f(4, 5, max_tokens=500, seed=1)[0]),
    "rnnlab.text.minibatches.seq_data_iter_random": lambda f: list(f(list(range(60)), 2, 5, torch.Generator().manual_seed(1))),
    "rnnlab.text.minibatches.seq_data_iter_sequential": lambda f: list(f(list(range(60)), 2, 5, torch.Generator().manual_seed(1))),
}


def _pcgrad_backward(f):
    w = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    return f([(w ** 2).sum(), -(w[0] * 3)], [w], generator=torch.Generator().manual_seed(1))


def seeded_functions() -> dict:
    """Every public function or class of rnnlab (defined there) that takes ``seed`` or ``generator``."""
    found = {}
    for info in pkgutil.walk_packages(rnnlab.__path__, "rnnlab."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            try:
                params = inspect.signature(obj).parameters
            except (TypeError, ValueError):
                continue
            if {"seed", "generator"} & set(params):
                found[f"{module.__name__}.{name}"] = obj
    return found


def _states():
    return (torch.get_rng_state(), random.getstate(), np.random.get_state()[1].copy())


def test_every_function_taking_a_seed_is_called():
    missing = sorted(set(seeded_functions()) - set(CALLS) - SEEDS_ON_PURPOSE)
    assert missing == [], f"add a cheap call to CALLS for: {missing}"
    assert sorted(set(CALLS) - set(seeded_functions())) == [], "CALLS names a function that is gone"


@pytest.mark.parametrize("name", sorted(CALLS))
def test_the_callers_global_random_streams_are_untouched(name):
    func = seeded_functions()[name]
    torch.manual_seed(1234)
    random.seed(1234)
    np.random.seed(1234)
    before = _states()
    CALLS[name](func)
    after = _states()
    assert torch.equal(before[0], after[0]), f"{name} moved torch's global RNG"
    assert before[1] == after[1], f"{name} moved Python's random module"
    assert np.array_equal(before[2], after[2]), f"{name} moved numpy's global RNG"


def test_the_check_can_fail():
    """A function that draws from the global stream is caught by the same comparison."""
    torch.manual_seed(0)
    before = _states()
    torch.rand(1)
    assert not torch.equal(before[0], _states()[0])
