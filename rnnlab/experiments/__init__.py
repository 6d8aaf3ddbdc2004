"""Experiments: what drives the one training loop — recipes and sweeps, truncated-BPTT training
and its cost (lesson 07), the explosion curves (lesson 05), the multi-task conflict experiment and
the paper's toy (lesson 08), lesson 01's MLP. Nothing below this layer imports it."""

from . import autoregressive, explosion, multitask, recipes, toy, truncation
from .autoregressive import fit_mlp_autoregressive
from .explosion import grad_norm_vs_steps, plot_grad_norm_vs_steps
from .multitask import TwoTaskRNN, train_conflict
from .recipes import (COURSE_RECIPE, COURSE_SCHEDULE, SEED_RECIPE, Recipe, require_schedule,
                      quick_train, recipe_data, run_recipe, staged_optimizer)
from .toy import plot_toy, run_toy, toy_grads, toy_losses
from .truncation import carry_forward, measure_bptt_cost, train_bptt
