"""Gradients, the algorithms: clipping, BPTT by hand, Jacobians, conflict measures, PCGrad
(lessons 05, 07, 08) — functions on tensors and models; nothing here trains."""

from . import bptt, clipping, conflict, jacobians, memory, pcgrad
from .bptt import autograd_gradients, bptt_gradients, random_truncation_weights, truncation_weights
from .clipping import global_grad_norm, grad_clipping
from .conflict import conflict_share, cosine_similarity, task_gradients
from .jacobians import jacobian_norm_curve, jacobian_norms, make_w_hh, spectral_radius
from .memory import saved_tensor_bytes
from .pcgrad import pcgrad_backward, pcgrad_update, project_conflicting
