"""Gradients: clipping, explosion, BPTT by hand, Jacobians, conflict, PCGrad and the multi-task
experiment (lessons 05, 07, 08). The algorithms never import the experiments."""

from . import bptt, clipping, conflict, explosion, jacobians, memory, multitask, pcgrad, toy
from .bptt import (
                   autograd_gradients,
                   bptt_gradients,
                   measure_bptt_cost,
                   random_truncation_weights,
                   train_bptt,
                   truncation_weights,
)
from .clipping import global_grad_norm, grad_clipping
from .conflict import conflict_share, cosine_similarity, task_gradients
from .jacobians import jacobian_norm_curve, jacobian_norms, make_w_hh, spectral_radius
from .memory import saved_tensor_bytes
from .multitask import MultiTaskRNN, train_multitask
from .pcgrad import pcgrad_backward, pcgrad_update, project_conflicting
from .toy import plot_toy, run_toy, toy_grads, toy_losses
