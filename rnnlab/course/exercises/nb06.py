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
        return wrong(tr("nb06.check_state_shapes.wrong2", answer=describe(answer)))
    if _shape(answer) is not None:
        return wrong(tr("nb06.check_state_shapes.wrong3", answer=describe(answer),
                        tuple_answer=describe(tuple(answer))))
    shapes = tuple(_shape(a) for a in answer)
    if any(s is None for s in shapes):
        return wrong(tr("nb06.check_state_shapes.wrong4", answer=describe(answer)))
    if shapes == right:
        what = tr("nb06.check_state_shapes.h_and_c") if cell == "lstm" else "(h,)"
        return correct(tr("nb06.check_state_shapes.correct", what=what, one=one))
    if cell == "lstm" and len(shapes) == 1:
        return wrong(tr("nb06.check_state_shapes.wrong5"))
    if cell != "lstm" and len(shapes) == 2:
        return wrong(tr("nb06.check_state_shapes.wrong6", cell=cell.upper()))
    first = shapes[0]
    if len(first) == 3 and first[1:] == one[1:]:
        if first[0] == num_layers and directions == 2:
            return wrong(tr("nb06.check_state_shapes.wrong8"))
        if first[0] == directions and num_layers > 1:
            return wrong(tr("nb06.check_state_shapes.wrong9"))
    if len(first) == 2:
        return wrong(tr("nb06.check_state_shapes.wrong7"))
    return wrong(tr("nb06.check_state_shapes.wrong", right=right))


@never_crashes
def check_gru_params(vocab_size: int, num_hiddens: int, answer) -> Feedback:
    """Exercise 2: how many parameters has ``nn.GRU(vocab_size, num_hiddens)`` (one layer)?"""
    V, H = vocab_size, num_hiddens
    per_gate = V * H + H * H + 2 * H  # torch keeps two biases per gate: b_ih and b_hh
    right = 3 * per_gate
    count = as_count(answer)
    if count is None:
        return wrong(tr("nb06.check_gru_params.wrong2", answer=describe(answer)))
    answer = count
    if answer == right:
        return correct(tr("nb06.check_gru_params.correct", right=right))
    if answer == per_gate:
        return wrong(tr("nb06.check_gru_params.wrong3"))
    if answer == 3 * (V * H + H * H + H):
        return wrong(tr("nb06.check_gru_params.wrong4"))
    if answer == 4 * per_gate:
        return wrong(tr("nb06.check_gru_params.wrong5"))
    return wrong(tr("nb06.check_gru_params.wrong", answer=answer, V=V, H=H))
