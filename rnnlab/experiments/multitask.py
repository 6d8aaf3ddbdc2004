"""Gradient conflict in a two-task RNN (lesson 08): the models and the stacked experiment.

Two tasks that share parameters each pull those parameters their own way.
The cosine similarity of their gradients on the shared parameters says how:
near 1 they agree, near 0 they are unrelated, below 0 they *conflict*.

:class:`TwoTaskRNN` is one recurrent layer read by two output heads (shared
or separate; task B's head can read ``h.detach()``). :func:`train_conflict`
trains many such models at once (:class:`StackedTwoTaskRNN`) on the one
training loop, the gradient surgery in its ``backward`` hook. Task A predicts
the next character of the book. Task B predicts, through a fixed letter
substitution on a share ``p`` of the letters (:func:`letter_substitution`),
either the same next character (``back=0``) or the character ``back`` steps
before it (a memory task). Task B's loss is weighted by ``lam``. Every step
records the conflict statistics, the first-order harm of the update each arm
actually takes and, if asked, the curvature of ``L_A`` along that update.
"""

from __future__ import annotations

import dataclasses
import math

import torch
from torch import nn
from torch.nn import functional as F

from ..checks import require_bool, require_choice, require_int, require_num_hiddens, require_positive_float
from ..gradients.conflict import conflict_share
from ..gradients.pcgrad import pcgrad_rows
from ..models import model_device, require_state, require_tokens
from ..text.corpus import train_val_split
from ..training.loop import train


def _check_budget(steps, eval_every, num_steps, batch_size, val_fraction) -> tuple[int, int, int, int]:
    """The training budget, checked: steps, eval_every, num_steps, batch_size."""
    steps = require_int("steps", steps, minimum=1)
    eval_every = require_int("eval_every", eval_every, minimum=1)
    if steps % eval_every:
        raise ValueError(f"steps ({steps}) must be a multiple of eval_every ({eval_every})")
    num_steps = require_int("num_steps", num_steps, minimum=1)
    batch_size = require_int("batch_size", batch_size, minimum=1)
    if not (isinstance(val_fraction, float) and 0 < val_fraction < 1):
        raise ValueError(f"val_fraction must be a float strictly between 0 and 1, got "
                         f"{val_fraction!r}")
    return steps, eval_every, num_steps, batch_size


# ---------------------------------------------------------------------------------------------
# The conflict experiment: task B is task A through a letter substitution (lesson 08).

ARMS = ("single_a", "single_b", "sum", "weighted", "detach", "pcgrad")
HEADS = ("shared", "separate")
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def letter_substitution(vocab, p: float, seed: int = 0) -> torch.Tensor:
    """Lesson 08. A fixed substitution of ``round(26 p)`` letters, as a map of token indices.

    The chosen letters (a random subset, fixed by ``seed``) are cycled among
    themselves, so each of them changes and nothing else does: ``sub[i]`` is
    the index task B expects where task A expects index ``i``. ``p = 0`` is the
    identity (task B = task A).
    """
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= float(p) <= 1:
        raise ValueError(f"p must be a number in [0, 1] (the share of letters substituted), "
                         f"got {p!r}")
    seed = require_int("seed", seed, minimum=0)
    letters = [c for c in LETTERS if c in vocab.token_to_idx]
    k = round(float(p) * len(letters))
    sub = torch.arange(len(vocab))
    if k >= 2:
        order = torch.randperm(len(letters), generator=torch.Generator().manual_seed(seed))[:k]
        chosen = [vocab.token_to_idx[letters[i]] for i in order.tolist()]
        for a, b in zip(chosen, chosen[1:] + chosen[:1], strict=True):
            sub[a] = b
    return sub


class TwoTaskRNN(nn.Module):
    """Lesson 08. One ``nn.RNN`` over one-hot characters and an output head for tasks A and B.

    ``heads="shared"``: one head serves both tasks (everything is shared);
    ``"separate"``: each task has its own head (only the input weights and the
    recurrent layer are shared). ``detach_b=True`` (implies separate heads):
    task B's head reads ``h.detach()``, so its loss never reaches the shared
    layer (decoupling). ``forward`` returns ``((logits_a, logits_b), (h,))``,
    time-major like every model in the course.
    """

    def __init__(self, vocab_size: int, num_hiddens: int = 32, heads: str = "shared",
                 detach_b: bool = False):
        super().__init__()
        self.vocab_size = require_int("vocab_size", vocab_size, minimum=2)
        self.num_hiddens = require_num_hiddens(num_hiddens)
        self.heads = require_choice("heads", heads, HEADS)
        self.detach_b = require_bool("detach_b", detach_b)
        if self.detach_b and self.heads == "shared":
            raise ValueError("detach_b=True needs heads='separate' (a shared head cannot be "
                             "detached for one task only)")
        self.rnn = nn.RNN(self.vocab_size, self.num_hiddens)
        self.head_a = nn.Linear(self.num_hiddens, self.vocab_size)
        self.head_b = self.head_a if self.heads == "shared" else nn.Linear(self.num_hiddens,
                                                                           self.vocab_size)

    def begin_state(self, batch_size: int, device=None) -> tuple:
        device = model_device(self) if device is None else device
        return (torch.zeros(1, require_int("batch_size", batch_size, minimum=1), self.num_hiddens,
                            device=device),)

    def hidden(self, X: torch.Tensor, state=None):
        """The hidden states as time-major rows ``(T * B, hidden)`` and the final state."""
        X = require_tokens(X, self.vocab_size)
        if state is None:
            state = self.begin_state(X.shape[0], X.device)
        (h0,) = require_state(state, [(1, X.shape[0], self.num_hiddens)])
        H, h = self.rnn(F.one_hot(X.T, self.vocab_size).float(), h0)   # H: (T, B, hidden)
        return H.reshape(-1, self.num_hiddens), (h,)

    def shared_parameters(self) -> list:
        """The parameters both tasks' losses reach (recurrent layer; and the head if shared)."""
        shared = list(self.rnn.parameters())
        return shared + list(self.head_a.parameters()) if self.heads == "shared" else shared

    def forward(self, X: torch.Tensor, state=None):
        H, state = self.hidden(X, state)
        return (self.head_a(H), self.head_b(H.detach() if self.detach_b else H)), state


@dataclasses.dataclass(frozen=True)
class ConflictRun:
    """Lesson 08. One model of a :func:`train_conflict` stack: its arm, task setting and seed.

    ``arm``: ``"single_a"``/``"single_b"`` (one task alone), ``"sum"`` (the
    plain weighted sum ``L_A + lam L_B``), ``"weighted"`` (``L_A + weight·lam L_B``,
    a static re-weighting), ``"detach"`` (task B's head reads ``h.detach()``) or
    ``"pcgrad"``. ``p``: share of letters substituted for task B; ``lam``: task
    B's loss weight; ``heads``: ``"shared"`` or ``"separate"`` (single-task and
    detach arms always have separate heads); ``seed``: the initial weights and
    the batches (runs with one seed see the same batches).
    """

    arm: str = "sum"
    p: float = 1.0
    lam: float = 1.0
    heads: str = "shared"
    weight: float = 1.0
    seed: int = 0

    def __post_init__(self):
        require_choice("arm", self.arm, ARMS)
        require_choice("heads", self.heads, HEADS)
        if isinstance(self.p, bool) or not isinstance(self.p, (int, float)) or not 0 <= self.p <= 1:
            raise ValueError(f"p must be a number in [0, 1] (the share of letters substituted), "
                             f"got {self.p!r}")
        require_positive_float("lam", self.lam)
        require_positive_float("weight", self.weight)
        require_int("seed", self.seed, minimum=0)
        if self.arm in ("single_a", "single_b", "detach") and self.heads == "shared":
            object.__setattr__(self, "heads", "separate")

    @property
    def weights(self) -> tuple[float, float]:
        """``(w_A, w_B)``: the factors on ``L_A`` and ``L_B`` in this run's objective."""
        return {"single_a": (1.0, 0.0), "single_b": (0.0, self.lam),
                "weighted": (1.0, self.weight * self.lam)}.get(self.arm, (1.0, self.lam))


def _uniform(generator, bound, *shape):
    return (torch.rand(*shape, generator=generator) * 2 - 1) * bound


PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_a", "b_a", "W_b", "b_b")


class StackedTwoTaskRNN(nn.Module):
    """Lesson 08. ``len(runs)`` independent :class:`TwoTaskRNN` s in one set of tensors.

    Every weight has a leading dimension, one slice per run; slice ``s`` only
    ever touches slice ``s`` (batched matrix products), so one backward pass
    gives every run its own gradient — like the toy's 100 starts in one tensor.
    Initialised like ``nn.RNN`` and ``nn.Linear`` (uniform in ±1/√hidden), each
    slice from its run's seed. ``X`` is ``(runs * batch, num_steps)``, the rows
    of run ``s`` at ``s * batch …``; the logits are time-major over those rows.
    """

    def __init__(self, vocab_size: int, num_hiddens: int, runs):
        super().__init__()
        self.vocab_size = require_int("vocab_size", vocab_size, minimum=2)
        self.num_hiddens = H = require_int("num_hiddens", num_hiddens, minimum=1)
        self.runs = tuple(runs)
        if not self.runs or not all(isinstance(r, ConflictRun) for r in self.runs):
            raise ValueError("runs must be a non-empty sequence of ConflictRun")
        V, bound = vocab_size, 1 / math.sqrt(H)
        slices = []
        for r in self.runs:
            g = torch.Generator().manual_seed(r.seed)
            slices.append([_uniform(g, bound, V, H), _uniform(g, bound, H, H),
                           _uniform(g, bound, 1, H) + _uniform(g, bound, 1, H),
                           _uniform(g, bound, H, V), _uniform(g, bound, 1, V),
                           _uniform(g, bound, H, V), _uniform(g, bound, 1, V)])
        for i, name in enumerate(PARAM_NAMES):
            setattr(self, name, nn.Parameter(torch.stack([s[i] for s in slices])))
        self.register_buffer("shared_head", torch.tensor([r.heads == "shared" for r in self.runs]))
        self.register_buffer("detach_b", torch.tensor([r.arm == "detach" for r in self.runs]))

    def begin_state(self, batch_size: int, device=None) -> tuple:
        device = model_device(self) if device is None else device
        n = require_int("batch_size", batch_size, minimum=1)
        if n % len(self.runs):
            raise ValueError(f"batch_size ({n}) must be a multiple of the number of runs "
                             f"({len(self.runs)}): each run gets the same share of the rows")
        return (torch.zeros(len(self.runs), n // len(self.runs), self.num_hiddens, device=device,
                            dtype=self.W_hh.dtype),)

    def forward(self, X: torch.Tensor, state=None):
        X = require_tokens(X, self.vocab_size)
        S = len(self.runs)
        if state is None:
            state = self.begin_state(X.shape[0], X.device)
        (h,) = state
        B, T = X.shape[0] // S, X.shape[1]
        X3 = X.reshape(S, B, T)
        XW = self.W_xh[torch.arange(S, device=X.device)[:, None, None], X3]   # (S, B, T, H)
        outputs = []
        for t in range(T):
            h = torch.tanh(torch.baddbmm(XW[:, :, t] + self.b_h, h, self.W_hh))  # (S, B, H)
            outputs.append(h)
        Hs = torch.stack(outputs, 1).reshape(S, T * B, self.num_hiddens)     # (S, T*B, H)
        shared = self.shared_head[:, None, None]
        Hb = torch.where(self.detach_b[:, None, None], Hs.detach(), Hs)
        logits_a = torch.baddbmm(self.b_a, Hs, self.W_a)                     # (S, T*B, V)
        logits_b = torch.baddbmm(torch.where(shared, self.b_a, self.b_b), Hb,
                                 torch.where(shared, self.W_a, self.W_b))

        def time_major(z):  # (S, T*B, V) -> (T * S * B, V): row t*S*B + s*B + b
            return z.reshape(S, T, B, -1).transpose(0, 1).reshape(T * S * B, -1)

        return (time_major(logits_a), time_major(logits_b)), (h,)


class StackLoader:
    """Lesson 08. ``batches`` minibatches: per run ``batch_size`` random windows, from the run's seed.

    Yields ``(X, (Y_a, Y_b))`` with rows grouped by run; ``Y_b`` is ``Y_a``
    through the run's letter substitution. Runs with one seed share windows.
    """

    def __init__(self, corpus, subs, seeds, num_steps: int, batch_size: int, batches: int,
                 back: int = 0):
        self.corpus, self.subs = corpus, torch.stack(subs)          # (S, vocab)
        self.back = back
        self.seeds = list(seeds)
        self.generators = {s: torch.Generator().manual_seed(s) for s in sorted(set(self.seeds))}
        self.num_steps, self.batch_size, self.batches = num_steps, batch_size, batches

    def __len__(self) -> int:
        return self.batches

    def __iter__(self):
        span = torch.arange(self.num_steps)
        S = len(self.seeds)
        for _ in range(self.batches):
            starts = {s: self.back + torch.randint(0, len(self.corpus) - self.num_steps - 1
                                                   - self.back, (self.batch_size,), generator=g)
                      for s, g in self.generators.items()}
            index = torch.stack([starts[s] for s in self.seeds])[..., None] + span   # (S, B, T)
            Y_a = self.corpus[index + 1]
            Y_b = torch.gather(self.subs, 1, self.corpus[index + 1 - self.back].reshape(S, -1)
                               ).reshape(Y_a.shape)
            n = S * self.batch_size
            yield self.corpus[index].reshape(n, -1), (Y_a.reshape(n, -1), Y_b.reshape(n, -1))


STAT_NAMES = ("cosine", "magnitude", "harm_a", "harm_b", "norm_a", "norm_b", "taken_harm_a",
              "taken_harm_b", "curv_a")
#: A run whose training loss on a task passes this many nats (e^50: far beyond uniform
#: guessing) or stops being finite has diverged: it is frozen from then on.
DIVERGED_NATS = 50.0


def second_difference(loss_fn, params, direction, eps: float) -> torch.Tensor:
    """Lesson 08. ``(L(θ + εd) − 2 L(θ) + L(θ − εd)) / ε²``: the curvature ``dᵀ∇²L d`` of
    ``loss_fn()`` along ``direction`` (one tensor per parameter), to O(ε²).

    ``loss_fn`` is called three times without gradients; the parameters are restored
    exactly afterwards. For a unit ``d`` this is the paper's curvature along the update.
    """
    saved = [q.detach().clone() for q in params]
    values = []
    try:
        with torch.no_grad():
            for sign in (1.0, -1.0, 0.0):
                for q, q0, d in zip(params, saved, direction, strict=True):
                    q.copy_(q0 + sign * eps * d)
                values.append(loss_fn())
    finally:
        with torch.no_grad():
            for q, q0 in zip(params, saved, strict=True):
                q.copy_(q0)
    return (values[0] - 2 * values[2] + values[1]) / eps ** 2


def _per_run(x: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    """A per-run vector ``x`` shaped to broadcast over a stacked parameter ``q``."""
    return x.view(-1, *[1] * (q.ndim - 1))


def train_conflict(corpus, vocab, runs, *, optimizer: str = "sgd", lr: float = 1.0,
                   num_hiddens: int = 32, num_steps: int = 8, batch_size: int = 32,
                   steps: int = 1000, eval_every: int = 250, val_fraction: float = 0.1,
                   max_tokens: int | None = None, sub_seed: int = 0, back: int = 0,
                   curvature_every: int = 0, curvature_eps: float = 0.1,
                   progress: bool = False):
    """Lesson 08. Train every :class:`ConflictRun` in ``runs`` at once; return one History.

    All runs share the optimizer, the learning rate and the budget (``steps``
    minibatches of ``batch_size`` windows of ``num_steps`` characters each);
    they are independent models (:class:`StackedTwoTaskRNN`), trained by the
    course's one loop with the gradient surgery in its ``backward`` hook. No
    clipping.

    Every step records, for every run, on its shared parameters (the input
    weights and the recurrent layer, and the head if shared), before any
    surgery, with ``g_A = ∇L_A`` and ``g_B = ∇(lam L_B)`` (the two gradients
    the plain sum adds): ``cosine``, ``magnitude``
    (:func:`~rnnlab.gradients.conflict.magnitude_similarity`), ``harm_a`` /
    ``harm_b`` (1.0 where the summed step ``g_A + g_B`` raises that task's loss
    to first order, :func:`~rnnlab.gradients.conflict.harms`), ``norm_a``,
    ``norm_b`` — in ``history.step_metrics[f"{name}/{i}"]`` for run ``i``. For
    ``"detach"`` ``g_B`` on the shared layer is zero by construction, so its
    cosine, magnitude and harm are too. A run whose loss passes
    ``DIVERGED_NATS`` or whose gradient stops being finite is frozen (zero
    gradient from then on) and marked in
    ``history.info["diverged"]``; the others go on. Each task's (unweighted)
    validation perplexity per run every ``eval_every`` steps on the last
    ``val_fraction`` of the text: ``history.val_metrics[f"a_ppl/{i}"]`` and
    ``[f"b_ppl/{i}"]``.
    """
    runs = tuple(runs)
    back = require_int("back", back, minimum=0)
    curvature_every = require_int("curvature_every", curvature_every, minimum=0)
    curvature_eps = require_positive_float("curvature_eps", curvature_eps)
    if not runs or not all(isinstance(r, ConflictRun) for r in runs):
        raise ValueError(f"runs must be a non-empty sequence of ConflictRun, got {runs!r}"[:200])
    optimizer = require_choice("optimizer", optimizer, ("sgd", "adam"))
    lr = require_positive_float("lr", lr)
    steps, eval_every, num_steps, batch_size = _check_budget(steps, eval_every, num_steps, batch_size,
                                                             val_fraction)
    corpus = torch.as_tensor(corpus, dtype=torch.long)
    if max_tokens is not None:
        corpus = corpus[:require_int("max_tokens", max_tokens, minimum=2)]
    train_text, val_text = train_val_split(corpus, val_fraction)
    if len(train_text) <= num_steps + 1 or len(val_text) <= num_steps + 1:
        raise ValueError(f"corpus of {len(corpus)} tokens is too short for num_steps={num_steps} "
                         f"with val_fraction={val_fraction}")
    S = len(runs)
    subs = [letter_substitution(vocab, r.p, sub_seed) for r in runs]
    model = StackedTwoTaskRNN(len(vocab), num_hiddens, runs)
    w_a = torch.tensor([r.weights[0] for r in runs])
    w_b = torch.tensor([r.weights[1] / r.lam for r in runs])    # g_B below already carries lam
    lam = torch.tensor([r.lam for r in runs])
    is_pcgrad = torch.tensor([r.arm == "pcgrad" for r in runs])
    shared_head = model.shared_head
    alive = torch.ones(S, dtype=torch.bool)

    def loss(outputs, targets):  # per task: the runs' losses averaged (a frozen run counts 0)
        per_task = []
        for logits, y in zip(outputs, targets, strict=True):
            ce = F.cross_entropy(logits, y, reduction="none")
            per_run = ce.view(-1, S, batch_size).mean((0, 2))                # (S,)
            alive.logical_and_(per_run.detach() < DIVERGED_NATS)            # False for NaN too
            per_task.append(torch.where(alive.clone(), per_run, torch.zeros_like(per_run)).sum() / S)
        return tuple(per_task)

    def flat(grads):
        return torch.cat([g.reshape(S, -1) for g in grads], 1)

    def backward(step):  # both tasks' gradients per run, measured, then combined per run
        params = [getattr(model, n) for n in PARAM_NAMES]
        loss_a, loss_b = step.task_losses
        ga = torch.autograd.grad(loss_a, params, retain_graph=True, allow_unused=True)
        gb = torch.autograd.grad(loss_b, params, allow_unused=True)
        # the loss is a mean over runs: S times it gives every run its own gradient
        ga = [torch.zeros_like(q) if x is None else S * x for x, q in zip(ga, params, strict=True)]
        gb = [torch.zeros_like(q) if x is None else S * x * _per_run(lam, q)
              for x, q in zip(gb, params, strict=True)]
        head = shared_head[:, None].to(ga[0].dtype)
        sa = torch.cat([flat(ga[:3]), head * flat(ga[3:5])], 1)              # (S, shared)
        sb = torch.cat([flat(gb[:3]), head * flat(gb[3:5])], 1)
        dot, aa, bb = (sa * sb).sum(1), (sa * sa).sum(1), (sb * sb).sum(1)
        alive.logical_and_(torch.isfinite(dot) & torch.isfinite(aa) & torch.isfinite(bb))
        na, nb = aa.clamp_min(0).sqrt(), bb.clamp_min(0).sqrt()
        zero = torch.zeros_like(dot)
        cos = torch.where(na * nb > 0, dot / (na * nb).clamp_min(1e-30), zero)
        mag = torch.where(aa + bb > 0, 2 * na * nb / (aa + bb).clamp_min(1e-30), zero)
        plain = w_a[:, None] * sa + w_b[:, None] * sb
        shared = torch.where(is_pcgrad[:, None], pcgrad_rows(sa, sb), plain)
        taken = [((g * shared).sum(1) < 0).to(dot.dtype) for g in (sa, sb)]   # the step it takes
        measure = curvature_every and step.step % curvature_every == 0
        curv = curvature_a(step, params, shared) if measure else torch.full_like(dot, math.nan)
        row = torch.stack([cos, mag, (aa + dot < 0).to(dot.dtype), (bb + dot < 0).to(dot.dtype),
                           na, nb, *taken, curv], 1).detach().tolist()          # (S, stats)
        for k, name in enumerate(STAT_NAMES):
            for i in range(S):
                step.log(f"{name}/{i}", row[i][k])
        offset = 0
        for i, q in enumerate(params):
            part = _per_run(w_a, q) * ga[i] + _per_run(w_b, q) * gb[i]     # the plain objective
            if i < 5:   # the rnn (shared by every run) and head A (shared by shared-head runs)
                surgery = shared[:, offset:offset + q[0].numel()].reshape(q.shape)
                offset += q[0].numel()
                part = surgery if i < 3 else torch.where(_per_run(shared_head, q), surgery, part)
            q.grad = torch.where(_per_run(alive, q), part, torch.zeros_like(part))

    def loss_a(X, Y_a):  # task A's loss per run, (S,)
        (logits, _), _ = model(X)
        return F.cross_entropy(logits, Y_a, reduction="none").view(-1, S, batch_size).mean((0, 2))

    def curvature_a(step, params, shared):  # L_A's curvature along each run's unit step
        d = shared / shared.norm(dim=1, keepdim=True).clamp_min(1e-30)
        units, offset = [], 0
        for q in params[:5]:
            units.append(d[:, offset:offset + q[0].numel()].reshape(q.shape))
            offset += q[0].numel()
        return second_difference(lambda: loss_a(step.X, step.Y[0]), params[:5], units,
                                 curvature_eps)

    val_starts = torch.arange(back, len(val_text) - num_steps - 1, num_steps)
    val_index = val_starts[:, None] + torch.arange(num_steps)[None, :]
    X_val, Y_val = val_text[val_index], val_text[val_index + 1]
    B_val = val_text[val_index + 1 - back]                  # task B's character, before substitution
    sub_table = torch.stack(subs)                                            # (S, vocab)

    def validate(epoch, history, m):  # each run's mean loss per task on the held-out text
        totals = torch.zeros(2, S, dtype=torch.float64)
        with torch.no_grad():
            for chunk in torch.split(torch.arange(len(X_val)), 256):
                n = len(chunk)
                Ya = Y_val[chunk].repeat(S, 1)                               # (S*n, T)
                Yb = sub_table[torch.arange(S).repeat_interleave(n)[:, None],
                               B_val[chunk].repeat(S, 1)]
                (la, lb), _ = m(X_val[chunk].repeat(S, 1))
                for k, (logits, y) in enumerate(((la, Ya), (lb, Yb))):
                    ce = F.cross_entropy(logits, y.T.reshape(-1), reduction="none")
                    totals[k] += ce.view(-1, S, n).double().sum((0, 2))
        mean = totals / (len(X_val) * num_steps)
        for i in range(S):
            for k, task in enumerate("ab"):
                value = float(mean[k, i].exp()) if alive[i] else math.inf
                history.val_metrics.setdefault(f"{task}_ppl/{i}", []).append(value)
        history.info.setdefault("eval_steps", []).append(epoch * eval_every)

    history = train(model, StackLoader(train_text, subs, [r.seed for r in runs], num_steps,
                                       batch_size, eval_every, back),
                    None, epochs=steps // eval_every, lr=lr, optimizer=optimizer, theta=None,
                    state="fresh", loss=loss, backward=backward, on_epoch=validate,
                    progress=progress,
                    info={"runs": runs, "optimizer": optimizer, "lr": lr, "steps": steps,
                          "back": back,
                          "eval_every": eval_every,
                          "substituted": [float((sub[Y_val] != Y_val).float().mean())
                                          for sub in subs]})
    history.info["diverged"] = (~alive).tolist()
    return history


def conflict_summary(history, i: int) -> dict:
    """Lesson 08. Run ``i`` of a :func:`train_conflict` History as plain numbers.

    ``cosine``/``magnitude``: means over steps; ``conflict``: share of steps with
    cosine < 0; ``harm_a``/``harm_b``: share of steps on which the summed gradient
    ``g_A + g_B`` would raise task A's / B's loss to first order;
    ``taken_harm_a``/``taken_harm_b``: the same for the update the arm actually
    took (PCGrad's projected sum, the weighted arm's ``g_A + w g_B``);
    ``curv_a``: median directional curvature of ``L_A`` along that update (NaN
    unless measured, see ``curvature_every``); ``a_ppl``/``b_ppl``: final
    validation perplexities (inf if the run diverged). ``by_construction`` is
    True for the detach arm, whose zeros are not measurements.
    """
    m = history.step_metrics

    def mean(name):
        values = m[f"{name}/{i}"]
        return sum(values) / len(values)

    return {"cosine": mean("cosine"), "magnitude": mean("magnitude"),
            "conflict": conflict_share(m[f"cosine/{i}"]), "harm_a": mean("harm_a"),
            "harm_b": mean("harm_b"), "taken_harm_a": mean("taken_harm_a"),
            "taken_harm_b": mean("taken_harm_b"), "curv_a": median_finite(m[f"curv_a/{i}"]),
            "a_ppl": history.val_metrics[f"a_ppl/{i}"][-1],
            "b_ppl": history.val_metrics[f"b_ppl/{i}"][-1],
            "diverged": history.info["diverged"][i],
            "by_construction": history.info["runs"][i].arm == "detach"}


def median_finite(values) -> float:
    """Lesson 08. The median of the finite ``values`` (NaN marks a step not measured); NaN if none."""
    finite = sorted(v for v in values if math.isfinite(v))
    return finite[len(finite) // 2] if finite else math.nan


#: Two-sided 95 % quantiles of Student's t for 1 … 10 degrees of freedom (then 1.96 as n grows).
_T95 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228)


def mean_ci(values) -> tuple[float, float]:
    """Lesson 08. ``(mean, half-width)`` of a 95 % confidence interval (Student's t) over seeds.

    The half-width is ``t · s / √n`` with ``s`` the sample standard deviation;
    with one value it is ``inf`` (one seed says nothing about the spread).
    """
    values = [float(v) for v in values]
    if not values:
        raise ValueError("values must hold at least one number, got an empty sequence")
    n = len(values)
    mean = sum(values) / n
    if n == 1:
        return mean, math.inf
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    t = _T95[n - 2] if n - 1 <= len(_T95) else 1.96 + 2.5 / (n - 1)  # within 0.02 of t past 10
    return mean, t * sd / math.sqrt(n)
