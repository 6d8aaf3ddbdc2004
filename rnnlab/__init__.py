"""rnnlab — the tested helpers behind an interactive course on recurrent neural networks.

The folders show the architecture (see README, "How the course is built"):

* ground: ``checks``, ``device``, ``randomness``, ``metrics``, ``files``, ``i18n`` (catalogues);
* ``rnnlab.text``        — the bundled corpus, vocabulary, minibatches, n-grams, Zipf's law;
* models: ``models``, ``fused`` (the fast engine), ``generation``, ``series``;
* ``rnnlab.gradients``   — algorithms on tensors: clipping, BPTT by hand, Jacobians, conflict, PCGrad;
* ``rnnlab.training``    — the one training loop, its history, evaluation, checkpoints;
* ``rnnlab.experiments`` — what drives the loop: recipes, truncated BPTT, explosion curves, the
  multi-task experiment, the toy, lesson 01's MLP;
* ``rnnlab.course``      — widgets, diagrams, glossary, exercises, one module per lesson; ``notebook``;
* ``rnnlab.compat``      — the d2l names, at the edge.

Each layer imports only those above it in this list (``tests/test_architecture.py``).

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
from .metrics import perplexity
from .gradients import (autograd_gradients, bptt_gradients, conflict_share, cosine_similarity,
                        global_grad_norm, grad_clipping, jacobian_norm_curve, jacobian_norms,
                        make_w_hh, pcgrad_backward, pcgrad_update, project_conflicting,
                        random_truncation_weights, spectral_radius, truncation_weights)
from .training import (CheckpointError, History, TrainingDiverged, evaluate_perplexity,
                       load_checkpoint, plot_grad_norms, plot_history, save_checkpoint, train)
from .experiments import (COURSE_RECIPE, SEED_RECIPE, Recipe, measure_bptt_cost, plot_toy,
                          quick_train, run_recipe, run_toy, toy_grads, toy_losses, train_bptt)
from .generation import predict, sample
from .series import fit_autoregressive, lag_features, noisy_sine, predict_k_step, simulate_var
from .gradients import pcgrad  # the module: rnnlab.pcgrad.project_conflicting, rnnlab.pcgrad.pcgrad_update
from .course.diagrams import batch_layout, plot_batching
from .course.source import getsource  # inspect.getsource in the reader's language
from . import (checks, course, experiments, generation, gradients, metrics, models, notebook, series, text,
               training)
from . import compat  # d2l names for the seed notes: from rnnlab import compat as d2l
