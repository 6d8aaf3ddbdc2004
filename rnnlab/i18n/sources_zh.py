"""The rnnlab code the lessons print, in Chinese: its docstrings and comments (``rnnlab.getsource``).

One entry per function or method a lesson prints, keyed by ``module.qualname``: each English docstring
(its text between the triple quotes, as ``inspect.getsource`` shows it) and each ``#`` comment, mapped to
its Chinese twin. The code itself is never copied here: ``getsource`` swaps these tokens in the English
source, so a change to the code needs no retranslation, and a changed docstring or comment has no
entry and is an error naming it (tests/ground/test_i18n_sources.py).
"""

SOURCES = {
    'rnnlab.text.corpus.read_time_machine': {
        r'''Lesson 02. The book's lines: letters only (everything else becomes a space), lower case, stripped.''':
            r'''第 02 课。书中的各行：只保留字母（其余字符都变成空格），转为小写，去掉首尾空格。''',
    },
    'rnnlab.text.minibatches.seq_data_iter_random': {
        r'''Lesson 03. Yield ``(X, Y)`` minibatches of non-overlapping subsequences in random order.

    ``X`` and ``Y`` have shape ``(batch_size, num_steps)``; ``Y`` is ``X`` shifted by one token.
    ''':
            r'''第 03 课。按随机顺序生成 ``(X, Y)`` 小批量，由互不重叠的子序列组成。

    ``X`` 和 ``Y`` 的形状都是 ``(batch_size, num_steps)``；``Y`` 是 ``X`` 向后移一个词元。
    ''',
        '# -1 because every input token needs the token after it as its target.':
            '# 减 1：每个输入词元都需要它后面的那个词元作为目标。',
    },
    'rnnlab.text.minibatches.seq_data_iter_sequential': {
        r'''Lesson 03. Yield ``(X, Y)`` minibatches in which row ``i`` continues from the previous batch.''':
            r'''第 03 课。生成 ``(X, Y)`` 小批量，其中第 ``i`` 行紧接着上一个小批量的第 ``i`` 行。''',
    },
    'rnnlab.gradients.clipping.grad_clipping': {
        r'''Lesson 05. Scale all gradients so that their global norm is at most ``theta``; return the norm before.

    ``g ← min(1, θ/‖g‖)·g`` is the projection of ``g`` onto the ball of radius θ: the closest
    point of that ball. ``theta=None`` leaves the gradients alone but still returns their norm,
    which is how the course draws gradient-norm traces without clipping.

    A non-finite norm (an ``inf`` or ``nan`` somewhere in the gradients) cannot be clipped:
    θ/inf = 0 would turn every finite entry into 0 and every infinite one into ``nan``
    (what ``clip_grad_norm_`` does by default), hiding where the step broke. So the gradients
    are left as they are and the non-finite norm is returned for the caller to act on —
    :func:`rnnlab.train` stops with ``TrainingDiverged`` naming the step. With
    ``error_if_nonfinite=True`` this function raises instead, like
    ``torch.nn.utils.clip_grad_norm_(..., error_if_nonfinite=True)``.
    ''':
            r'''第 05 课。缩放所有梯度，使其全局范数不超过 ``theta``；返回缩放之前的范数。

    ``g ← min(1, θ/‖g‖)·g`` 就是把 ``g`` 投影到半径为 θ 的球上：取球中离它最近的点。
    ``theta=None`` 时梯度不变，但仍返回其范数；课程正是这样画出不裁剪时的梯度范数曲线。

    范数不是有限值（梯度中某处有 ``inf`` 或 ``nan``）时无法裁剪：θ/inf = 0 会把每个有限的
    元素变成 0，把每个无穷大的元素变成 ``nan``（``clip_grad_norm_`` 默认就是这样），从而掩盖
    出错的那一步。因此梯度保持原样，返回这个非有限的范数，交给调用者处理：
    :func:`rnnlab.train` 会抛出 ``TrainingDiverged`` 并指出是哪一步。若
    ``error_if_nonfinite=True``，本函数直接抛出异常，与
    ``torch.nn.utils.clip_grad_norm_(..., error_if_nonfinite=True)`` 一样。
    ''',
    },
    'rnnlab.models.RNNModel.forward': {
        "# the model's dtype":
            '# 与模型的 dtype 相同',
    },
    'rnnlab.models.RNNModel.begin_state': {
        r'''Zeros: ``(h,)`` for rnn/gru, ``(h, c)`` for lstm.''':
            r'''全零状态：``cell`` 为 ``"rnn"`` 或 ``"gru"`` 时是 ``(h,)``，为 ``"lstm"`` 时是 ``(h, c)``。''',
    },
    'rnnlab.gradients.bptt.bptt_gradients': {
        r'''Lesson 07. Gradients of the mean cross-entropy w.r.t. ``W_xh, W_hh, b_h, W_hq, b_q`` — no autograd.

    ``model`` is an :class:`~rnnlab.models.RNNScratch`; ``X`` and ``Y`` are
    token indices of shape ``(batch_size, num_steps)``. Returns a dict of
    tensors with the parameters' shapes, plus ``"h0"``: the gradient w.r.t. the
    initial state. ``per_step=True`` adds ``"W_hh_steps"`` (the term each time
    step adds to ``∂L/∂W_hh``, in time order) and ``"dh"`` (``∂L/∂h_t`` for
    ``t = 1 … T``).
    ''':
            r'''第 07 课。平均交叉熵关于 ``W_xh, W_hh, b_h, W_hq, b_q`` 的梯度，不用自动微分。

    ``model`` 是一个 :class:`~rnnlab.models.RNNScratch`；``X`` 和 ``Y`` 是形状为
    ``(batch_size, num_steps)`` 的词元索引。返回一个字典，其中的张量与各参数形状相同，
    另有 ``"h0"``：关于初始状态的梯度。``per_step=True`` 时再加上 ``"W_hh_steps"``
    （每个时间步给 ``∂L/∂W_hh`` 贡献的项，按时间顺序）和 ``"dh"``（``t = 1 … T`` 的 ``∂L/∂h_t``）。
    ''',
        '# (T+1, B, H): h_0 … h_T':
            '# (T+1, B, H)：h_0 … h_T',
        '# (T, B, V)':
            '# (T, B, V)',
        '# ∂L/∂h_t arriving from step t+1':
            '# 从时间步 t+1 传回的 ∂L/∂h_t',
        '# the loss is a mean over n terms':
            '# 损失是 n 项的平均',
        '# ∂L/∂o_t for mean softmax-CE':
            '# 平均 softmax 交叉熵的 ∂L/∂o_t',
        '# the output path + the future path':
            '# 输出这条路径 + 未来那条路径',
        '# through tanh':
            '# 经过 tanh',
        '# the same W is used at every step,':
            '# 每个时间步用的是同一个 W，',
        '# so its gradients add up':
            '# 所以它的梯度要累加',
        '# what goes back to h_{t-1}':
            '# 传回 h_{t-1} 的部分',
    },
    'rnnlab.experiments.multitask.TwoTaskRNN.forward': {
    },
    'rnnlab.gradients.pcgrad.project_conflicting': {
        r'''Lesson 08. Steps 1–3: each task's gradient after projections (a list, before summing).

    Each projection ``g − (g·g_j / ‖g_j‖²) g_j`` is computed on the vectors scaled to a largest
    entry of 1, so it holds over the whole float range (the result is the same number).
    ''':
            r'''第 08 课。步骤 1–3：每个任务的梯度经过投影之后的结果（一个列表，尚未求和）。

    每次投影 ``g − (g·g_j / ‖g_j‖²) g_j`` 都在缩放到最大元素为 1 的向量上计算，
    因此在整个浮点数范围内都成立（结果是同一个数）。
    ''',
        '# A zero g_j has no direction to remove (and ‖g_j‖² = 0 would give NaN).':
            '# 为零的 g_j 没有可以去掉的方向（而且 ‖g_j‖² = 0 会得到 NaN）。',
    },
}
