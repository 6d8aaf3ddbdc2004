"""Checkers for notebook 06 (concise RNNs with torch's layers)."""

from __future__ import annotations

from ...checks import as_int
from ...i18n import tr
from .feedback import Feedback, as_count, correct, describe, never_crashes, wrong


def _shape(x):
    """A shape given as a tuple, list or torch.Size of integers; None for anything else."""
    if isinstance(x, (str, bytes)) or not hasattr(x, "__iter__"):
        return None
    try:
        dims = [as_int(n) for n in x]
    except Exception:  # an iterable that fails half-way
        return None
    return None if any(d is None for d in dims) else tuple(dims)


@never_crashes
def check_state_shapes(cell: str, num_layers: int, bidirectional: bool, batch_size: int,
                       num_hiddens: int, answer) -> Feedback:
    """Exercise 1: the shapes of ``begin_state(batch_size)`` for a model, as a tuple of shapes."""
    directions = 2 if bidirectional else 1
    one = (directions * num_layers, batch_size, num_hiddens)
    right = (one, one) if cell == "lstm" else (one,)
    if not isinstance(answer, (tuple, list)) or not answer:
        return wrong(tr("nb06.check_state_shapes.not_shape_tuple", answer=describe(answer)))
    if _shape(answer) is not None:
        return wrong(tr("nb06.check_state_shapes.missing_outer_tuple", answer=describe(answer),
                        tuple_answer=describe(tuple(answer))))
    shapes = tuple(_shape(a) for a in answer)
    if any(s is None for s in shapes):
        return wrong(tr("nb06.check_state_shapes.not_integer_shapes", answer=describe(answer)))
    if shapes == right:
        what = tr("nb06.check_state_shapes.h_and_c") if cell == "lstm" else "(h,)"
        return correct(tr("nb06.check_state_shapes.correct", what=what, one=one))
    if cell == "lstm" and len(shapes) == 1:
        return wrong(tr("nb06.check_state_shapes.lstm_missing_cell"))
    if cell != "lstm" and len(shapes) == 2:
        return wrong(tr("nb06.check_state_shapes.extra_memory_cell", cell=cell.upper()))
    first = shapes[0]
    if len(first) == 3 and first[1:] == one[1:]:
        if first[0] == num_layers and directions == 2:
            return wrong(tr("nb06.check_state_shapes.missing_directions"))
        if first[0] == directions and num_layers > 1:
            return wrong(tr("nb06.check_state_shapes.missing_layers"))
    if len(first) == 2:
        return wrong(tr("nb06.check_state_shapes.missing_layer_axis"))
    return wrong(tr("nb06.check_state_shapes.wrong", right=right))


@never_crashes
def check_gru_params(vocab_size: int, num_hiddens: int, answer) -> Feedback:
    """Exercise 2: how many parameters has ``nn.GRU(vocab_size, num_hiddens)`` (one layer)?"""
    V, H = vocab_size, num_hiddens
    per_gate = V * H + H * H + 2 * H  # torch keeps two biases per gate: b_ih and b_hh
    right = 3 * per_gate
    count = as_count(answer)
    if count is None:
        return wrong(tr("nb06.check_gru_params.not_an_integer", answer=describe(answer)))
    answer = count
    if answer == right:
        return correct(tr("nb06.check_gru_params.correct", right=right))
    if answer == per_gate:
        return wrong(tr("nb06.check_gru_params.counted_one_transform"))
    if answer == 3 * (V * H + H * H + H):
        return wrong(tr("nb06.check_gru_params.one_bias_per_gate"))
    if answer == 4 * per_gate:
        return wrong(tr("nb06.check_gru_params.counted_lstm_gates"))
    return wrong(tr("nb06.check_gru_params.wrong", answer=answer, V=V, H=H))
