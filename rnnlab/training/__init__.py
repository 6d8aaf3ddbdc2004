"""Training: the one loop, its history, perplexity, the recipes and checkpoints (lessons 04–08)."""

from .checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from .history import History, plot_grad_norms, plot_history
from .loop import (Step, TrainingDiverged, TrainingInterrupted, cross_entropy, evaluate,
                   evaluate_perplexity, state_policy, stream_perplexity, train)
from .metrics import perplexity
from .recipes import (COURSE_RECIPE, COURSE_SCHEDULE, SEED_RECIPE, Recipe, check_schedule,
                      quick_train, recipe_data, run_recipe, staged_optimizer)
