"""Chinese comments for the code cells of the Chinese edition, from one table (issue 23, point 3).

    .venv/bin/python scripts/zh_comments.py          # how many code cells the table covers
    .venv/bin/python scripts/zh_comments.py --write  # write their code sections into the translations

For every code cell of a translated notebook whose comments (``# NBVAL…`` directives aside) are all
in ``COMMENTS``, the cell with each comment translated is written into its translation file as a
code section (``<!-- cell <id> code <hash> -->`` and a python block), after the markdown sections
(in notebook order; at the end, so that edits of the markdown merge without conflicts); the build
(scripts/zh_edition.py) uses it when the English cell is unchanged and the code is token for token
the same. A cell with a comment the table lacks is left alone (it stays English: a warning of
``build_zh.py --check --warnings``), and so is a code section written by hand for such a cell.
Re-run after the English notebooks change (new comments: add them to the table), then
scripts/build_zh.py; outputs are kept, since only comments changed.
"""

from __future__ import annotations

import argparse
import io
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import zh_edition as edition  # noqa: E402  (beside this script)

from rnnlab.files import write_text_atomic  # noqa: E402

#: English comment (without "# ") → Chinese. Terms as in rnnlab/i18n/terms.py.
COMMENTS = {
    "your number here": "在这里填你的数",
    "your code here": "在这里写你的代码",
    "what moving the slider does": "拖动滑块会怎样",
    "what the text below says": "即下文所说的结论",
    "← replace with your answer": "← 换成你的答案",
    "the panel's figure again, for readers of the saved notebook":
        "再画一次面板的图，给阅读已保存笔记本的读者",
    "what moving the slider does; the figure above is redrawn": "拖动滑块会怎样；上面的图会重画",
    "your answer here": "在这里填你的答案",
    "seeded: the same series every run": "固定了随机种子：每次运行都是同一条序列",
    "the same sine, three times the noise": "同一条正弦曲线，噪声变为三倍",
    "the rule changes at t = 600": "规则在 t = 600 处改变",
    "predicts s[4:]": "预测 s[4:]",
    "predictions of x[tau:]": "对 x[tau:] 的预测",
    "scored on the test range only": "只在测试区间上评分",
    "20 independent noisy sines, each fitted on its first 600 points":
        "20 条相互独立的带噪声正弦曲线，各自只用前 600 个点拟合",
    "the same 10 series for both models": "两个模型用同样的 10 条序列",
    "column 0 (alpha = 0) is just the data shifted by one step": "第 0 列（alpha = 0）就是平移一步的数据",
    "what moving the slider does (k stays at 16)": "拖动滑块会怎样（k 保持为 16）",
    "the round trip is exact": "来回转换一次，分毫不差",
    "the straight middle part": "中间那段直线",
    "your number here, between 0 and 1": "在这里填你的数，介于 0 和 1 之间",
    '"qz" never occurs in the book': "书中从未出现“qz”",
    "no data: 1/V for everything": "没有数据：每一项都是 1/V",
    "one line per alpha tried; log y axis": "每个试过的 alpha 一条线；y 轴取对数",
    "what moving the slider does (batch_size stays at 2)": "拖动滑块会怎样（batch_size 保持为 2）",
    "the figure of these values, kept in the saved notebook": "这组取值的图，保存在笔记本里",
    "3 examples, 1 input, 4 hidden units": "3 个样本，1 个输入，4 个隐藏单元",
    "(|V|, 4)": "(|V|, 4)",
    "the same numbers from the seed's loop: one-hot inputs, one `step` per time step":
        "用笔记中的循环得到同样的数：独热输入，每个时间步调用一次 `step`",
    "near 1: memorised": "接近 1：已经背下来了",
    "and climbing on new text": "而在新文本上一路攀升",
    "64 training characters, then all held-out text": "64 个训练字符，然后是全部留出文本",
    "context helps: the cold row starts cost the loader's score":
        "上下文有帮助：各行从全零状态冷启动，拉低了按加载器方式算的分数",
    "the default run: num_steps 16": "默认运行：num_steps 为 16",
    "the same budget": "同样的预算",
    "the figure and report of num_steps 64, kept in the notebook":
        "num_steps 为 64 时的图和报告，保存在笔记本里",
    "SGD, learning rate 10, no clipping": "SGD，学习率 10，不裁剪",
    "the same run, clipped at θ = 0.1": "同一次运行，按 θ = 0.1 裁剪",
    "‖g‖ = 5, outside the disc of radius θ = 1": "‖g‖ = 5，在半径 θ = 1 的圆盘之外",
    "random points of the disc": "圆盘中的随机点",
    "the notes' grad_clipping, for a list of tensors": "笔记中的 grad_clipping，作用于一个张量列表",
    "a large W_hh: a gradient far above θ": "很大的 W_hh：梯度远超 θ",
    "a parameter whose gradient has one infinite entry": "一个参数，它的梯度有一个元素是无穷大",
    "no clipping at the same lr, then θ below, near and above the typical norm":
        "同样的 lr 下不裁剪，再取低于、接近和高于典型范数的 θ",
    "unclipped: diverges at lr 5": "不裁剪：lr 为 5 时发散",
    "θ near the typical norm: outliers only": "θ 接近典型范数：只裁剪离群值",
    "θ too small: nearly all": "θ 太小：几乎每一步都裁剪",
    "a conflicting task gradient": "一个相冲突的任务梯度",
    "clip the total gradient at θ = 1": "按 θ = 1 裁剪总梯度",
    "PCGrad's projection of g_B": "PCGrad 对 g_B 的投影",
    "‖∂h_T/∂h_(T-d)‖ for d = 0 … 40, ρ(W_hh) = 0.5": "d = 0 … 40 时的 ‖∂h_T/∂h_(T-d)‖，ρ(W_hh) = 0.5",
    "a vanished gradient": "一个已经消失的梯度",
    "the last step's hidden state *is* the new state": "最后一步的隐状态*就是*新状态",
    "the seed's RNNModel(rnn_layer, vocab_size)": "笔记中的 RNNModel(rnn_layer, vocab_size)",
    "every model learns something useful": "每个模型都学到了有用的东西",
    "what choosing another cell does": "换一种循环单元会怎样",
    "e.g. ((1, 4, 16),)": "例如 ((1, 4, 16),)",
    "The models here are tiny (a few thousand numbers): one CPU thread is fastest for them, and avoids":
        "这里的模型很小（只有几千个数）：单个 CPU 线程跑它们最快，还能避免",
    "threads fighting each other on a busy machine.": "繁忙的机器上多个线程相互争抢。",
    "a_t = b_t + c_t a_(t-1), starting from a_0 = 0": "a_t = b_t + c_t a_(t-1)，从 a_0 = 0 开始",
    "a linear RNN: no tanh": "线性 RNN：没有 tanh",
    "o_1 … o_T, shape (T, V)": "o_1 … o_T，形状 (T, V)",
    "inputs, shape (batch=1, T=3)": "输入，形状 (batch=1, T=3)",
    "next word at each step": "每一步的下一个词",
    "no autograd": "不用自动微分",
    "torch.autograd": "torch.autograd",
    "time-major logits, (T·B, 4)": "时间步优先的 logits，(T·B, 4)",
    "h_1 … h_T, (T, B, H)": "h_1 … h_T，(T, B, H)",
    "∂L/∂a_t = ∂L/∂h_t ⊙ (1 − h_t²)": "∂L/∂a_t = ∂L/∂h_t ⊙ (1 − h_t²)",
    "lesson 07's BPTT as the backward pass": "用第 07 课的 BPTT 作反向传播",
    "autograd records every step": "自动微分记录每一步",
    "interleaved, best of 5: the least disturbed run of each":
        "交替运行，取 5 次中最好的：每种各取受干扰最少的一次",
    "what moving the controls does": "操作这些控件会怎样",
    "keeps (1+…+5)/5 steps on average": "平均保留 (1+…+5)/5 步",
    "θ = ‖full gradient‖: the full gradient is not clipped": "θ = ‖完整梯度‖：完整梯度不被裁剪",
    "shorter in every group: a bias, not noise": "每一组都更短：这是偏差，不是噪声",
    "all of them learn": "它们都在学习",
    "and end within 2 perplexity points of each other": "而且最终的困惑度彼此相差不到 2",
    "memory grows with num_steps": "内存随 num_steps 增长",
    "← set the right entries to 0": "← 把正确的那些项设为 0",
    "tiny models: one CPU thread is fastest and avoids oversubscription":
        "模型很小：单个 CPU 线程最快，也避免线程超额订阅",
    "time-major logits, like every model in the course": "时间步优先的 logits，和本课程的每个模型一样",
    "the claims below, checked": "下文的论断，在此检查",
    "what moving the slider does: start left of both valleys": "拖动滑块会怎样：从两个谷的左边出发",
    "p = 0: never": "p = 0：从不冲突",
    "PCGrad = sum": "PCGrad 与求和完全相同",
    "the live runs redo the grid's final runs: same mean, within its CI":
        "现场运行重做网格的最终几次运行：均值相同，落在其置信区间内",
    "1. never at p = 0": "1. p = 0 时从不冲突",
    "2. conflict grows with p": "2. 冲突随 p 增大",
    "2. harm to A grows with λ": "2. 对 A 的损害随 λ 增大",
    "3. a gain, CI excludes 0 ...": "3. 有收益，置信区间不含 0……",
    "... smaller than re-weighting's": "……比重新加权的收益小",
    "← your code": "← 你的代码",
    "digits vary by CPU": "具体数字因 CPU 而异",
    "never seen in the book": "书中从未出现",
    "W_xh": "W_xh",
    "two parameters' gradients": "两个参数的梯度",
    "steps 0, k, 2k, … begin a chunk": "第 0、k、2k、… 步开始一个分块",
    "interleaved: both see the same load": "交替运行：两者承受同样的负载",
    "normalise, or v over- or underflows": "归一化，否则 v 会上溢或下溢",
    "against the *original* g_j": "对*原始*的 g_j 投影",
}


def translate(source: str) -> str | None:
    """``source`` with every comment translated, or None if one is not in the table (or none is)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    lines = source.splitlines(keepends=True)
    found = [t for t in tokens if t.type == tokenize.COMMENT and not t.string.startswith("# NBVAL")]
    if not found or any(t.string[1:].strip() not in COMMENTS for t in found):
        return None
    for token in reversed(found):  # one comment per line, so the columns stay valid
        row, col = token.start[0] - 1, token.start[1]
        lines[row] = lines[row][:col] + "# " + COMMENTS[token.string[1:].strip()] + lines[row][token.end[1]:]
    return "".join(lines)


def _blocks(text: str):
    """``(head, [(cell id, is code, block text)])``: a translation file cut at its markers."""
    head, blocks = [], []
    for line in text.splitlines(keepends=True):
        match = edition.MARKER.match(line.rstrip("\n"))
        if match:
            blocks.append([match["id"], match["kind"] == "code", line])
        elif blocks:
            blocks[-1][2] += line
        else:
            head.append(line)
    return "".join(head), [tuple(b) for b in blocks]


def with_code_sections(text: str, english: dict) -> tuple[str, int]:
    """The translation file ``text`` with a code section for every code cell the table covers."""
    order = {c["id"]: i for i, c in enumerate(english["cells"])}
    sections = {}
    for cell in english["cells"]:
        if cell["cell_type"] == "code":
            translated = translate(edition.cell_source(cell))
            if translated is not None:
                sections[cell["id"]] = edition.code_section(cell, translated) + "\n"
    head, blocks = _blocks(text)
    kept = [block for cell_id, code, block in blocks if not (code and cell_id in sections)]
    added = [sections[cell_id] for cell_id in sorted(sections, key=order.get)]
    body = "".join(block if block.endswith("\n\n") else block.rstrip("\n") + "\n\n"
                   for block in kept + added)
    return head + body.rstrip("\n") + "\n", len(sections)


def main(argv=None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the code sections")
    args = parser.parse_args(argv)
    total = covered = 0
    for path in edition.translated_notebooks(root):
        english = edition.load_notebook(path)
        source = edition.translation_path(path, root)
        text, count = with_code_sections(edition.read_text(source), english)
        total += sum(bool(edition.comments(edition.cell_source(c)))
                     for c in english["cells"] if c["cell_type"] == "code")
        covered += count
        if args.write and text != edition.read_text(source):
            write_text_atomic(source, text)
            print(f"{source.relative_to(root)}: {count} code section(s)")
    print(f"{covered} of {total} code cells with comments are covered by the table")
    return 0


if __name__ == "__main__":
    sys.exit(main())
