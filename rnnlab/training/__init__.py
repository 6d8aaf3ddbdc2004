"""Training: the one loop, its history, perplexity, the recipes and checkpoints (lessons 04–08)."""

from .checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from .history import History, join_histories, plot_grad_norms, plot_history
from .loop import TrainingDiverged, evaluate_perplexity, train
from .metrics import perplexity
from .recipes import (
                      COURSE_RECIPE,
                      COURSE_SCHEDULE,
                      SEED_RECIPE,
                      Recipe,
                      quick_train,
                      recipe_data,
                      run_recipe,
                      run_schedule,
)
