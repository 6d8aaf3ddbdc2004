"""rnnlab — the tested helpers behind an interactive course on recurrent neural networks.

The folders show the architecture (see README, "How the course is built"):

* ``rnnlab.text``      — the bundled corpus, vocabulary, minibatches, n-grams, Zipf's law;
* ``rnnlab.training``  — the one training loop, its history, perplexity, recipes, checkpoints;
* ``rnnlab.gradients`` — clipping, explosion, BPTT by hand, Jacobians, conflict, PCGrad;
* ``rnnlab.course``    — widgets, diagrams, glossary, exercises, one module per lesson;
* ``rnnlab.models``, ``generation``, ``series``, ``device``, ``checks``, ``compat``, ``notebook``.

The names the lessons use most are re-exported here.
"""

__version__ = "0.1.0"

from .device import default_device, resolve_device, try_gpu
from .text import (CorpusError, NgramModel, SeqDataLoader, Vocab, baseline_perplexity, fit_zipf,
                   load_corpus_time_machine, load_data_time_machine, load_data_time_machine_split,
                   min_freq_summary, ngram_counts, ngram_frequencies, plot_zipf, read_data_file,
                   read_time_machine, seq_data_iter_random, seq_data_iter_sequential, tokenize,
                   train_val_split)
from .models import RNNModel, RNNScratch, detach_state, model_device
# gradients before training: the loop imports gradients.clipping, and gradients.bptt the loop
from .gradients import (MultiTaskRNN, autograd_gradients, bptt_gradients, conflict_share,
                        cosine_similarity, global_grad_norm, grad_clipping, jacobian_norm_curve,
                        jacobian_norms, make_w_hh, measure_bptt_cost, pcgrad_backward,
                        pcgrad_update, plot_toy, project_conflicting, random_truncation_weights,
                        run_toy, spectral_radius, toy_grads, toy_losses, train_bptt,
                        train_multitask, truncation_weights)
from .training import (COURSE_RECIPE, SEED_RECIPE, CheckpointError, History, Recipe,
                       TrainingDiverged, evaluate_perplexity, load_checkpoint, perplexity,
                       plot_grad_norms, plot_history, quick_train, run_recipe, save_checkpoint,
                       train)
from .generation import predict, sample
from .series import fit_autoregressive, lag_features, noisy_sine, predict_k_step, simulate_var
from .gradients import pcgrad  # the module: rnnlab.pcgrad.project_conflicting, rnnlab.pcgrad.pcgrad_update
from .course.diagrams import batch_layout, plot_batching
from . import checks, course, generation, gradients, models, notebook, series, text, training
from . import compat  # d2l names for the seed notes: from rnnlab import compat as d2l
