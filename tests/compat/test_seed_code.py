"""The seed notes' own code, run as written with ``rnnlab.compat`` in place of d2l.

The code blocks are read from the notes at test time, so a change to either the
notes or rnnlab that breaks them fails here. Only the import line is rewritten,
and the one name the notes use without defining (the sample input ``X``) is
defined first, as d2l does.
"""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import pytest
import torch
from torch import nn

from rnnlab import compat

SEED_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "seed"
SEED_FILE = "000_f26a8f96fa864c4d.txt"
D2L_IMPORT = "from d2l import torch as d2l"
COMPAT_IMPORT = "from rnnlab import compat as d2l"
# Chinese prose (and full-width punctuation) glued onto the last line of a block.
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def read_notes() -> str:
    path = SEED_DIR / SEED_FILE
    if not path.is_file():
        pytest.fail(f"the seed notes are missing: expected {path} (the repository's sibling "
                    "folder shared/seed/ holds them in CI); this test runs their code and must "
                    "not be skipped")
    return path.read_text(encoding="utf-8")


def extract_blocks(text: str) -> list[tuple[int, str]]:
    """``(first line number, source)`` of every block that follows a line reading ``py``.

    A block runs until the line where prose is glued onto the code (the
    export drops the line break there); that prose is cut off. Chinese inside
    a ``#`` comment belongs to the code.
    """
    lines = text.splitlines()
    blocks, i = [], 0
    while i < len(lines):
        if lines[i].strip() != "py":
            i += 1
            continue
        start, code, i = i + 2, [], i + 1
        while i < len(lines):
            line = lines[i]
            code_part = line.split("#", 1)[0]
            glued = CJK.search(code_part)
            if glued:
                code.append(line[: glued.start()].rstrip())
                break
            code.append(line.rstrip())
            i += 1
        blocks.append((start, "\n".join(code).strip("\n")))
        i += 1
    return blocks


def is_runnable(source: str) -> bool:
    """True for code; False for the blocks that only show a value (a list) or aren't Python."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return any(not (isinstance(node, ast.Expr) and _is_literal(node.value)) for node in tree.body)


def _is_literal(node) -> bool:
    try:
        ast.literal_eval(node)
    except ValueError:
        return False
    return True


def run_block(first_line: int, source: str, namespace: dict) -> list:
    """Run a block statement by statement, like a notebook cell; return the expressions' values.

    Line numbers in tracebacks are the notes' own line numbers.
    """
    tree = ast.parse(source)
    ast.increment_lineno(tree, first_line - 1)
    filename = str(SEED_DIR / SEED_FILE)
    shown = []
    for node in tree.body:
        if isinstance(node, ast.Expr):
            shown.append(eval(compile(ast.Expression(node.value), filename, "eval"), namespace))
        else:
            module = ast.Module(body=[node], type_ignores=[])
            exec(compile(module, filename, "exec"), namespace)
    return shown


@pytest.fixture(scope="module")
def blocks() -> list[tuple[int, str]]:
    code = [(n, src) for n, src in extract_blocks(read_notes()) if is_runnable(src)]
    starts = [n for n, _ in code]
    assert len(code) == 3, (f"expected the notes' 3 code blocks (scratch RNN, grad_clipping, "
                            f"concise RNN), found {len(code)} starting at lines {starts}")
    return [(n, src.replace(D2L_IMPORT, COMPAT_IMPORT)) for n, src in code]


@pytest.fixture(scope="module")
def seed(blocks):
    """Run all three blocks in one namespace, in the notes' order.

    Returns the values each block shows and a copy of the namespace after the
    first two blocks (the third reuses names such as ``X`` and ``vocab``).
    """
    torch.manual_seed(0)
    namespace = {"__name__": "seed_notes", "X": torch.arange(10).reshape((2, 5))}
    shown = [run_block(n, src, namespace) for n, src in blocks[:2]]
    scratch = dict(namespace)
    shown.append(run_block(*blocks[2], namespace))
    return {"shown": shown, "scratch": scratch, "concise": namespace}


def small_data():
    """Four batches of the notes' shape (32 x 35) from the first 5,000 characters: a fast epoch."""
    return compat.load_data_time_machine(32, 35, max_tokens=5000, seed=0)


def fresh_scratch_net(ns, num_hiddens=128):
    return ns["RNNModelScratch"](len(ns["vocab"]), num_hiddens, compat.try_gpu(), ns["get_params"],
                                 ns["init_rnn_state"], ns["rnn"])


# --------------------------------------------------------------------------- extraction
def test_extract_blocks_cuts_glued_prose_but_keeps_chinese_comments():
    text = "intro\npy\n# 1、加载\nx = 1\ny = x + 1小结 \nmore prose\npy\n[1, 2]说明\n"
    assert extract_blocks(text) == [(3, "# 1、加载\nx = 1\ny = x + 1"), (8, "[1, 2]")]
    assert [is_runnable(src) for _, src in extract_blocks(text)] == [True, False]


def test_only_the_import_line_is_rewritten(blocks):
    raw = [src for n, src in extract_blocks(read_notes()) if is_runnable(src)]
    for original, rewritten in zip(raw, [src for _, src in blocks], strict=True):
        assert rewritten.replace(COMPAT_IMPORT, D2L_IMPORT) == original
    assert sum(D2L_IMPORT in src for src in raw) == 2  # the scratch and the concise blocks


# --------------------------------------------------------------------------- block 1: scratch RNN
def test_scratch_block_shows_the_shapes_of_outputs_and_state(seed):
    ns = seed["scratch"]
    Y_shape, n_state, H_shape = seed["shown"][0][-1]
    X, vocab = ns["X"], ns["vocab"]
    assert len(vocab) == 28  # 26 letters, space, <unk>
    assert tuple(Y_shape) == (X.numel(), len(vocab))  # (num_steps * batch, vocab)
    assert n_state == 1
    assert tuple(H_shape) == (X.shape[0], ns["num_hiddens"])


def test_seed_predict_ch8_warms_up_on_the_prefix(seed):
    ns = seed["scratch"]
    out = ns["predict_ch8"]("time traveller ", 10, ns["net"], ns["vocab"], compat.try_gpu())
    assert out.startswith("time traveller ")
    assert len(out) >= len("time traveller ") + 10  # an untrained model may say "<unk>"
    # compat's predict_ch8 drives the notes' model the same way and agrees with it exactly.
    assert compat.predict_ch8("time traveller ", 10, ns["net"], ns["vocab"], "cpu") == out


def test_seed_train_epoch_ch8_with_its_own_grad_clipping_and_sgd(seed):
    ns = seed["scratch"]
    torch.manual_seed(1)
    net = fresh_scratch_net(ns)
    loss = nn.CrossEntropyLoss()

    def updater(batch_size):
        return compat.sgd(net.params, 1, batch_size)

    train_iter, _ = small_data()
    ppls = [ns["train_epoch_ch8"](net, train_iter, loss, updater, "cpu", False)[0]
            for _ in range(2)]
    V = len(ns["vocab"])
    assert all(math.isfinite(p) for p in ppls)
    assert ppls[-1] < V, f"after 2 epochs perplexity {ppls[-1]:.2f} is no better than chance ({V})"
    out = ns["predict_ch8"]("time traveller", 20, net, ns["vocab"], "cpu")
    assert out.startswith("time traveller") and len(out) >= len("time traveller") + 20


def test_train_ch8_trains_the_notes_scratch_model(seed, capsys):
    ns = seed["scratch"]
    torch.manual_seed(2)
    net = fresh_scratch_net(ns)
    animator = compat.Animator(xlabel="epoch", ylabel="perplexity", legend=["train"])
    train_iter, _ = small_data()
    history = compat.train_ch8(net, train_iter, ns["vocab"], 1, 2, "cpu", animator=animator)
    printed = capsys.readouterr().out.splitlines()
    assert history.epochs == 2 and all(math.isfinite(p) for p in history.train_ppl)
    assert history.train_ppl[-1] < len(ns["vocab"])
    assert animator.Y == [history.train_ppl]
    assert printed[0].startswith("perplexity ") and "tokens/sec on cpu" in printed[0]
    assert printed[1].startswith("time traveller") and printed[2].startswith("traveller")


# --------------------------------------------------------------------------- block 2: clipping
def test_seed_grad_clipping_matches_compat(seed):
    ns = seed["scratch"]
    seed_clip = ns["grad_clipping"]
    for theta in (0.01, 1e6):  # clipped, and left alone
        torch.manual_seed(3)
        a, b = fresh_scratch_net(ns, 16), fresh_scratch_net(ns, 16)
        for p, q in zip(a.params, b.params, strict=True):
            with torch.no_grad():
                q.copy_(p)
            p.grad = torch.randn_like(p)
            q.grad = p.grad.clone()
        before = [p.grad.clone() for p in a.params]
        seed_clip(a, theta)
        norm = compat.grad_clipping(b, theta)
        for p, q in zip(a.params, b.params, strict=True):
            torch.testing.assert_close(p.grad, q.grad)
        assert norm == pytest.approx(math.sqrt(sum(float((g**2).sum()) for g in before)))
        if theta > norm:
            assert all(torch.equal(p.grad, g) for p, g in zip(a.params, before, strict=True))


# --------------------------------------------------------------------------- block 3: concise RNN
def test_concise_block_shows_layer_shapes(seed):
    ns = seed["concise"]
    state_shape, (Y_shape, new_state_shape) = seed["shown"][2]
    batch, steps, hidden, V = ns["batch_size"], ns["num_steps"], ns["num_hiddens"], len(ns["vocab"])
    assert tuple(state_shape) == (1, batch, hidden)
    assert tuple(Y_shape) == (steps, batch, hidden)
    assert tuple(new_state_shape) == (1, batch, hidden)
    assert V == 28


def test_notes_rnnmodel_trains_with_seed_loop_and_train_ch8(seed, capsys):
    ns = seed["concise"]
    V = len(ns["vocab"])
    torch.manual_seed(4)
    net = ns["RNNModel"](nn.RNN(V, 64), vocab_size=V)
    state = net.begin_state(device="cpu", batch_size=2)
    assert isinstance(state, torch.Tensor)  # the notes' model keeps a bare tensor for nn.RNN
    optimizer = torch.optim.SGD(net.parameters(), lr=1)
    train_iter, _ = small_data()
    ppl, speed = ns["train_epoch_ch8"](net, train_iter, nn.CrossEntropyLoss(), optimizer,
                                       "cpu", False)
    assert math.isfinite(ppl) and speed > 0
    history = compat.train_ch8(net, train_iter, ns["vocab"], 1, 2, "cpu")
    assert history.train_ppl[-1] < V
    out = ns["predict_ch8"]("time traveller", 10, net, ns["vocab"], "cpu")
    assert out.startswith("time traveller") and len(out) >= 24
    assert capsys.readouterr().out.count("time traveller") >= 1


def test_compat_rnnmodel_takes_the_notes_arguments(seed):
    ns = seed["concise"]
    net = compat.RNNModel(ns["rnn_layer"], len(ns["vocab"]))
    Y, state = net(torch.zeros((ns["batch_size"], 5), dtype=torch.long), None)
    assert tuple(Y.shape) == (5 * ns["batch_size"], len(ns["vocab"]))
    assert net.rnn is ns["rnn_layer"]
    assert compat.predict_ch8("time", 3, net, ns["vocab"], "cpu").startswith("time")
