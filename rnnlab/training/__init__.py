"""Training: the one loop, its history, evaluation and checkpoints (lessons 04–08)."""

from .checkpoint import CheckpointError, load_checkpoint, load_optimizer_state, save_checkpoint
from .history import History, plot_grad_norms, plot_history
from .loop import (Step, TrainingDiverged, TrainingInterrupted, cross_entropy, evaluate,
                   evaluate_perplexity, state_policy, stream_loss, stream_perplexity, train)
