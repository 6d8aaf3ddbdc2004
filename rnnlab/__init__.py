"""rnnlab — the tested helpers behind an interactive course on recurrent neural networks.

Each module holds one idea; the names most lessons need are re-exported here.
"""

from .corpus import (
    CorpusError,
    load_corpus_time_machine,
    read_data_file,
    read_time_machine,
    tokenize,
    train_val_split,
)
from .device import default_device, resolve_device, try_gpu
from .sampling import (
    SeqDataLoader,
    load_data_time_machine,
    load_data_time_machine_split,
    seq_data_iter_random,
    seq_data_iter_sequential,
)
from .vocab import Vocab
from . import exercises, glossary, notebook, scalar_rnn, widgets  # noqa: F401  (rnnlab.glossary…)

__version__ = "0.1.0"

# --- names added by later modules (one import line per module) ---
from .models import RNNModel, RNNScratch, detach_state, model_device
from .clipping import global_grad_norm, grad_clipping
from .training import (COURSE_RECIPE, SEED_RECIPE, History, Recipe, TrainingDiverged,
                       evaluate_perplexity, plot_grad_norms, plot_history, quick_train,
                       run_recipe, train)
from .generation import predict, sample
from .checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from .series import fit_autoregressive, lag_features, noisy_sine, predict_k_step, simulate_var
from .ngram import NgramModel, baseline_perplexity, ngram_counts, ngram_frequencies
from .zipf import fit_zipf, min_freq_summary, plot_zipf
from .batching_plot import batch_layout, plot_batching
from . import compat  # d2l names for the seed notes: from rnnlab import compat as d2l
from .bptt import (autograd_gradients, bptt_gradients, jacobian_norm_curve, jacobian_norms,
                   make_w_hh, measure_bptt_cost, random_truncation_weights, rnn_forward,
                   spectral_radius, train_bptt, truncation_weights)
from .conflict import MultiTaskRNN, conflict_share, cosine_similarity, train_multitask
from .toy_pcgrad import plot_toy, run_toy, toy_grads, toy_losses
from .pcgrad import pcgrad, pcgrad_backward, project_conflicting  # rnnlab.pcgrad is the function
from . import explosion, panels, schedule  # lessons 04-06
