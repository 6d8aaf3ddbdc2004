"""Checkers for notebook 06 (concise RNNs with torch's layers)."""

from __future__ import annotations

from ...checks import as_int
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
        return wrong("give a tuple of shapes, one per state tensor, e.g. ((1, 32, 256),); "
                     f"got {describe(answer)}")
    if _shape(answer) is not None:
        return wrong(f"{describe(answer)} is one shape; give a tuple of shapes, one per state "
                     f"tensor, e.g. ({describe(tuple(answer))},) — note the extra parentheses")
    shapes = tuple(_shape(a) for a in answer)
    if any(s is None for s in shapes):
        return wrong("each entry must be a shape of whole numbers such as (1, 32, 256); "
                     f"got {describe(answer)}")
    if shapes == right:
        what = "(h, c): hidden state and memory cell" if cell == "lstm" else "(h,)"
        return correct(f"{what}, each {one}: the first axis counts layers × directions.")
    if cell == "lstm" and len(shapes) == 1:
        return wrong("an LSTM carries two tensors: the hidden state h and the memory cell c.")
    if cell != "lstm" and len(shapes) == 2:
        return wrong(f"only the LSTM has a memory cell; an {cell.upper()} carries one tensor h.")
    first = shapes[0]
    if len(first) == 3 and first[1:] == one[1:]:
        if first[0] == num_layers and directions == 2:
            return wrong("a bidirectional layer keeps a state for each direction: the first axis "
                         "is num_directions × num_layers.")
        if first[0] == directions and num_layers > 1:
            return wrong("every layer has its own state: the first axis is "
                         "num_directions × num_layers.")
    if len(first) == 2:
        return wrong("torch's layers keep a leading axis of size num_directions × num_layers "
                     "(the scratch RNN's state has no such axis).")
    return wrong(f"expected shapes {right}: (num_directions × num_layers, batch, num_hiddens) "
                 "per tensor.")


@never_crashes
def check_gru_params(vocab_size: int, num_hiddens: int, answer) -> Feedback:
    """Exercise 2: how many parameters has ``nn.GRU(vocab_size, num_hiddens)`` (one layer)?"""
    V, H = vocab_size, num_hiddens
    per_gate = V * H + H * H + 2 * H  # torch keeps two biases per gate: b_ih and b_hh
    right = 3 * per_gate
    count = as_count(answer)
    if count is None:
        return wrong(f"give one integer, got {describe(answer)}")
    answer = count
    if answer == right:
        return correct(f"3 × (V·H + H·H + 2H) = {right}: reset gate, update gate and candidate "
                       "state each have the plain RNN's weights (and torch gives each two biases).")
    if answer == per_gate:
        return wrong("that is one plain nn.RNN; a GRU computes three such transforms "
                     "(reset gate, update gate, candidate state).")
    if answer == 3 * (V * H + H * H + H):
        return wrong("torch keeps two bias vectors per transform (bias_ih and bias_hh); "
                     "count 2H biases per gate.")
    if answer == 4 * per_gate:
        return wrong("four transforms is the LSTM (input, forget, output gates and candidate); "
                     "the GRU has three.")
    return wrong(f"{answer} is not it; look at [p.shape for p in nn.GRU({V}, {H}).parameters()].")
