"""The rnnlab code the lessons print, with Chinese docstrings and comments (``rnnlab.getsource``).

One entry per function or method a lesson prints, keyed by ``module.qualname``: the first 12 hex digits
of the SHA-1 of the English source it translates (``inspect.getsource``) and the translated source. Only
docstrings and ``#`` comments differ from the English: ``tests/ground/test_i18n_sources.py`` checks that
every other token is the English one, and fails when the English source has changed since (the
translation is stale: translate the new source and record its SHA-1).
"""

SOURCES = {
    "rnnlab.text.corpus.read_time_machine": ("c7d4846e642b", r'''def read_time_machine() -> list[str]:
    """第 02 课。书中的各行：只保留字母（其余字符都变成空格），转为小写，去掉首尾空格。"""
    lines = read_data_file().splitlines()
    return [re.sub("[^A-Za-z]+", " ", line).strip().lower() for line in lines]
'''),
    "rnnlab.text.minibatches.seq_data_iter_random": ("3281f3a6b6e2", r'''def seq_data_iter_random(corpus, batch_size: int, num_steps: int, generator=None, offset=None):
    """第 03 课。按随机顺序生成 ``(X, Y)`` 小批量，由互不重叠的子序列组成。

    ``X`` 和 ``Y`` 的形状都是 ``(batch_size, num_steps)``；``Y`` 是 ``X`` 向后移一个词元。
    """
    corpus = _as_tensor(corpus)
    _check_args(corpus, batch_size, num_steps)
    offset = _offset(offset, num_steps, generator)
    corpus = corpus[offset:]
    # 减 1：每个输入词元都需要它后面的那个词元作为目标。
    num_subseqs = (len(corpus) - 1) // num_steps
    starts = torch.arange(0, num_subseqs * num_steps, num_steps)
    starts = starts[torch.randperm(num_subseqs, generator=generator)]
    steps = torch.arange(num_steps)
    for i in range(num_subseqs // batch_size):
        batch_starts = starts[i * batch_size : (i + 1) * batch_size]
        index = batch_starts[:, None] + steps[None, :]
        yield corpus[index], corpus[index + 1]
'''),
    "rnnlab.text.minibatches.seq_data_iter_sequential": ("6b3d15b62281", r'''def seq_data_iter_sequential(corpus, batch_size: int, num_steps: int, generator=None, offset=None):
    """第 03 课。生成 ``(X, Y)`` 小批量，其中第 ``i`` 行紧接着上一个小批量的第 ``i`` 行。"""
    corpus = _as_tensor(corpus)
    _check_args(corpus, batch_size, num_steps)
    offset = _offset(offset, num_steps, generator)
    num_tokens = ((len(corpus) - offset - 1) // batch_size) * batch_size
    Xs = corpus[offset : offset + num_tokens].reshape(batch_size, -1)
    Ys = corpus[offset + 1 : offset + 1 + num_tokens].reshape(batch_size, -1)
    for i in range(Xs.shape[1] // num_steps):
        cols = slice(i * num_steps, (i + 1) * num_steps)
        yield Xs[:, cols], Ys[:, cols]
'''),
    "rnnlab.gradients.clipping.grad_clipping": ("c26a7a7e72ca", r'''def grad_clipping(model_or_params, theta, *, error_if_nonfinite: bool = False) -> float:
    """第 05 课。缩放所有梯度，使其全局范数不超过 ``theta``；返回缩放之前的范数。

    ``g ← min(1, θ/‖g‖)·g`` 就是把 ``g`` 投影到半径为 θ 的球上：取球中离它最近的点。
    ``theta=None`` 时梯度不变，但仍返回其范数；课程正是这样画出不裁剪时的梯度范数曲线。

    范数不是有限值（梯度中某处有 ``inf`` 或 ``nan``）时无法裁剪：θ/inf = 0 会把每个有限的
    元素变成 0，把每个无穷大的元素变成 ``nan``（``clip_grad_norm_`` 默认就是这样），从而掩盖
    出错的那一步。因此梯度保持原样，返回这个非有限的范数，交给调用者处理：
    :func:`rnnlab.train` 会抛出 ``TrainingDiverged`` 并指出是哪一步。若
    ``error_if_nonfinite=True``，本函数直接抛出异常，与
    ``torch.nn.utils.clip_grad_norm_(..., error_if_nonfinite=True)`` 一样。
    """
    theta = require_theta(theta)
    error_if_nonfinite = require_bool("error_if_nonfinite", error_if_nonfinite)
    params = _with_grads(model_or_params)
    norm = global_grad_norm(params)
    if not math.isfinite(norm):
        if error_if_nonfinite:
            raise FloatingPointError(f"the global gradient norm is {norm}, so it cannot be clipped "
                                     "to theta; the gradients are left unchanged (lower the "
                                     "learning rate or theta, or pass error_if_nonfinite=False "
                                     "to get the norm back instead)")
        return norm
    if theta is not None and norm > theta:
        scale = theta / norm
        with torch.no_grad():
            for p in params:
                p.grad.mul_(scale)
    return norm
'''),
    "rnnlab.models.RNNModel.forward": ("31680f05d128", r'''    def forward(self, X: torch.Tensor, state=None):
        X = require_tokens(X, self.vocab_size).to(model_device(self))
        batch = X.shape[0]
        if state is None:
            state = self.begin_state(batch)
        n = 2 if self.cell == "lstm" else 1
        state = require_state(state, [self._state_shape(batch)] * n, dtype=self.linear.weight.dtype)
        inputs = F.one_hot(X.T, self.vocab_size).to(self.linear.weight.dtype)  # 与模型的 dtype 相同
        Y, new_state = self.rnn(inputs, state if self.cell == "lstm" else state[0])
        outputs = self.linear(Y.reshape(-1, Y.shape[-1]))
        return outputs, new_state if self.cell == "lstm" else (new_state,)
'''),
    "rnnlab.models.RNNModel.begin_state": ("876ec348e6c2", r'''    def begin_state(self, batch_size: int, device=None) -> tuple:
        """全零状态：``cell`` 为 ``"rnn"`` 或 ``"gru"`` 时是 ``(h,)``，为 ``"lstm"`` 时是 ``(h, c)``。"""
        require_int("batch_size", batch_size, minimum=1)
        device = model_device(self) if device is None else resolve_device(device)
        n = 2 if self.cell == "lstm" else 1
        dtype = self.linear.weight.dtype
        return tuple(torch.zeros(self._state_shape(batch_size), device=device, dtype=dtype)
                     for _ in range(n))
'''),
    "rnnlab.gradients.bptt.bptt_gradients": ("0eb1002f9a95", r'''@torch.no_grad()
def bptt_gradients(model, X, Y, state=None, *, carry_weights=None, per_step: bool = False,
                   ) -> dict:
    """第 07 课。平均交叉熵关于 ``W_xh, W_hh, b_h, W_hq, b_q`` 的梯度，不用自动微分。

    ``model`` 是一个 :class:`~rnnlab.models.RNNScratch`；``X`` 和 ``Y`` 是形状为
    ``(batch_size, num_steps)`` 的词元索引。返回一个字典，其中的张量与各参数形状相同，
    另有 ``"h0"``：关于初始状态的梯度。``per_step=True`` 时再加上 ``"W_hh_steps"``
    （每个时间步给 ``∂L/∂W_hh`` 贡献的项，按时间顺序）和 ``"dh"``（``t = 1 … T`` 的 ``∂L/∂h_t``）。
    """
    model = _check_model(model)
    _check_batch(model, X, Y)
    W_xh, W_hh, b_h, W_hq, b_q = (getattr(model, n).detach() for n in PARAM_NAMES)
    vocab_size = model.vocab_size
    batch_size, num_steps = X.shape
    weights = _check_weights(carry_weights, num_steps)
    H0 = _initial_state(model, X, state).detach()
    hiddens = torch.cat([H0[None], model.recurrence(X, H0)])  # (T+1, B, H)：h_0 … h_T
    xs = F.one_hot(X.T, vocab_size).to(W_xh.dtype)          # (T, B, V)
    ys = F.one_hot(Y.T, vocab_size).to(W_xh.dtype)

    grads = {n: torch.zeros_like(p) for n, p in zip(PARAM_NAMES, (W_xh, W_hh, b_h, W_hq, b_q),
                                                     strict=True)}
    steps, dhs = [], []
    carry = torch.zeros_like(hiddens[0])                     # 从时间步 t+1 传回的 ∂L/∂h_t
    n = batch_size * num_steps                               # 损失是 n 项的平均
    for t in reversed(range(num_steps)):
        h_prev, h = hiddens[t], hiddens[t + 1]
        o = h @ W_hq + b_q
        d_o = (torch.softmax(o, dim=1) - ys[t]) / n          # 平均 softmax 交叉熵的 ∂L/∂o_t
        grads["W_hq"] += h.T @ d_o
        grads["b_q"] += d_o.sum(0)
        d_h = d_o @ W_hq.T + carry                           # 输出这条路径 + 未来那条路径
        d_a = d_h * (1 - h**2)                               # 经过 tanh
        grads["W_xh"] += xs[t].T @ d_a                       # 每个时间步用的是同一个 W，
        grads["W_hh"] += h_prev.T @ d_a                      # 所以它的梯度要累加
        steps.append(h_prev.T @ d_a)
        dhs.append(d_h)
        grads["b_h"] += d_a.sum(0)
        carry = weights[t] * (d_a @ W_hh.T)                  # 传回 h_{t-1} 的部分
    grads["h0"] = carry
    if per_step:
        grads["W_hh_steps"], grads["dh"] = steps[::-1], dhs[::-1]
    return grads
'''),
    "rnnlab.experiments.multitask.TwoTaskRNN.forward": ("4d18e4a18f58", r'''    def forward(self, X: torch.Tensor, state=None):
        H, state = self.hidden(X, state)
        return (self.head_a(H), self.head_b(H.detach() if self.detach_b else H)), state
'''),
    "rnnlab.gradients.pcgrad.project_conflicting": ("bb5f52f0e0e8", r'''def project_conflicting(grads, generator: torch.Generator | None = None) -> list[torch.Tensor]:
    """第 08 课。步骤 1–3：每个任务的梯度经过投影之后的结果（一个列表，尚未求和）。

    每次投影 ``g − (g·g_j / ‖g_j‖²) g_j`` 都在缩放到最大元素为 1 的向量上计算，
    因此在整个浮点数范围内都成立（结果是同一个数）。
    """
    grads = require_task_grads(grads)
    originals = [g.detach() for g in grads]
    units = [_unit_scale(g)[0] for g in originals]
    sq_norms = [torch.dot(u, u) for u in units]
    projected = []
    for i, g_i in enumerate(originals):
        g = g_i.clone()
        others = [j for j in range(len(originals)) if j != i]
        for k in torch.randperm(len(others), generator=generator).tolist():
            j = others[k]
            u, scale = _unit_scale(g)
            dot = torch.dot(u, units[j])
            # 为零的 g_j 没有可以去掉的方向（而且 ‖g_j‖² = 0 会得到 NaN）。
            if dot < 0 and sq_norms[j] > 0:
                g = g - (scale * (dot / sq_norms[j])) * units[j]
        projected.append(g)
    return projected
'''),
}
