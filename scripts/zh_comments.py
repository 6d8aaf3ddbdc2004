"""Chinese comments and string literals for the code cells of the Chinese edition, from two tables
(issue 23, point 3).

    .venv/bin/python scripts/zh_comments.py          # how many code cells the tables cover
    .venv/bin/python scripts/zh_comments.py --write  # write their code sections into the translations

For every code cell of a translated notebook whose comments (``# NBVAL…`` directives aside) are all
in ``COMMENTS`` and that has a comment or a string literal to translate, the cell with each comment
translated, and each string literal found in ``STRINGS`` (scripts/zh_strings.txt: print labels,
f-string texts, figure titles; never a widget's label, which rnnlab translates) replaced by its
Chinese twin, is written into its translation file as a code section (``<!-- cell <id> code <hash>
-->`` and a python block), after the markdown sections (in notebook order; at the end, so that edits
of the markdown merge without conflicts); the build (scripts/zh_edition.py) uses it when the English
cell is unchanged and the code is token for token the same once comments and string literals are set
aside. A cell with a comment the table lacks is left alone (it stays English: a warning of
``build_zh.py --check --warnings``, and a failure of tests/notebooks/test_zh_edition.py for the
repository's own edition), and so is a code section written by hand for such a cell. Re-run after
the English notebooks change (new comments or printed texts: add them to the tables), then
scripts/build_zh.py; a changed string literal changes what the cell prints, so the notebook is
executed again (``build_zh.py --execute``).
"""

from __future__ import annotations

import argparse
import ast
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
    "both learn": "两者都能学习",
    "θ = 1: diverges again": "θ = 1：再次发散",
    "a conflicting task gradient": "一个相冲突的任务梯度",
    "clip the total gradient at θ = 1": "按 θ = 1 裁剪总梯度",
    "PCGrad's projection of g_B": "PCGrad 对 g_B 的投影",
    "‖∂h_T/∂h_(T-d)‖ for d = 0 … 40, ρ(W_hh) = 0.5": "d = 0 … 40 时的 ‖∂h_T/∂h_(T-d)‖，ρ(W_hh) = 0.5",
    "a vanished gradient": "一个已经消失的梯度",
    "the last step's hidden state *is* the new state": "最后一步的隐状态**就是**新状态",
    "the seed's RNNModel(rnn_layer, vocab_size)": "笔记中的 RNNModel(rnn_layer, vocab_size)",
    "the notes' RNNModel(rnn_layer, vocab_size)": "笔记中的 RNNModel(rnn_layer, vocab_size)",
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
    "against the *original* g_j": "对**原始**的 g_j 投影",
    'the terms lesson 01 teaches': '第 01 课讲授的术语',
    'the same noise, a sine 30 times faster': '同样的噪声，频率快 30 倍的正弦曲线',
    'fitted on t <= 600': '在 t <= 600 上拟合',
    'refitted on 600 < t <= 800': '在 600 < t <= 800 上重新拟合',
    'both scored on t > 800': '两者都在 t > 800 上评分',
    'after the change, the old weights are the problem, not the noise':
        '规则改变之后，问题出在旧权重，而不在噪声',
    "row: today's state (sun, cloud, rain); column: tomorrow's":
        '行：今天的状态（晴、多云、雨）；列：明天的状态',
    'x_1 = sun for sure': 'x_1 一定是晴天',
    'dynamic programming: P(x_t) from P(x_{t-1}), one step at a time':
        '动态规划：由 P(x_{t-1}) 算出 P(x_t)，每次前进一步',
    'brute force: every path x_1, ..., x_T, one by one': '穷举：逐条计算每一条路径 x_1, ..., x_T',
    "the four steps, on the book's first line": '四个步骤，作用在书的第一行上',
    'hidden layer': '隐藏层',
    'output layer': '输出层',
    'autograd will fill param.grad': '自动微分会填好 param.grad',
    'the same draws, in the same order': '同样的随机数，同样的顺序',
    'X: (batch_size, vocab_size)': 'X 的形状：(batch_size, vocab_size)',
    '(batch_size, vocab_size)': '(batch_size, vocab_size)',
    '(num_steps * batch_size, vocab_size)': '(num_steps * batch_size, vocab_size)',
    "the notes' model: parameters, a state initialiser and a forward function, bundled":
        '笔记中的模型：把参数、状态初始化函数和前向函数打包在一起',
    '(num_steps, batch, vocab)': '(num_steps, batch, vocab)',
    'fused=True, the default': 'fused=True，即默认值',
    'time-major targets (next picture)': '时间步优先的目标（见下一张图）',
    'noqa: E731': 'noqa: E731',
    'warm-up: only the state changes': '预热期：只更新状态',
    'predict num_preds steps, each fed back in': '预测 num_preds 步，每一步的输出再作为下一步的输入',
    'the same weights, the same text': '同样的权重，同样的文本',
    "the textbook's d2l.sgd": '教材中的 d2l.sgd',
    'a fresh zero state': '全新的零状态',
    'keep the values, cut the graph back into earlier batches': '保留数值，切断通往之前各个批量的计算图',
    'time-major, like the outputs': '时间步优先，与输出一致',
    'the loss is already a mean': '损失已经是均值',
    'the perplexity': '困惑度',
    'the same starting weights': '同样的初始权重',
    'well below guessing uniformly among 28 characters': '远低于在 28 个字符中均匀随机猜测',
    'True: train all 500 epochs now (minutes)': 'True：现在训练全部 500 个迭代周期（需要几分钟）',
    'your code: the warm-up in one call of net, then num_preds predictions fed back in':
        '你的代码：调用一次 net 完成预热，再预测 num_preds 步，每步的预测作为下一步的输入',
    'your code: the starting state, forward, mean loss, backward, clipping, update':
        '你的代码：初始状态、前向传播、平均损失、反向传播、裁剪、更新',
    'large norms as orders of magnitude (see below)': '大的范数只给出数量级（见下文）',
    'ρ = 4: explodes with T': 'ρ = 4：随 T 爆炸',
    'ρ ≤ 1: flat': 'ρ ≤ 1：保持平稳',
    "left: clipping; right: lesson 08's projection, for contrast": '左：裁剪；右：第 08 课的投影，作为对比',
    'zero up to rounding,': '除舍入误差外为零，',
    'whose sign varies by CPU': '其符号因 CPU 而异',
    'float32': 'float32',
    'the state axis: layers × directions': '状态的第一维：层数 × 方向数',
    "the notes' RNNModel (d2l-zh §8.6), renamed only":
        '笔记中的 RNNModel（《动手学深度学习》8.6 节），只改了名字',
    'the same layer': '同一个循环层',
    'the same output layer': '同样的输出层',
    'rnnlab: zeros when no state is given': 'rnnlab：不给状态时用全零状态',
    "torch's order: r, z, n": 'torch 的顺序：r, z, n',
    "torch's order: i, f, g (candidate), o": 'torch 的顺序：i, f, g（候选）, o',
    'orders of magnitude: see below': '只给出数量级：见下文',
    'bytes': '字节',
    ("What RNNScratch's fused engine keeps per step (it keeps no one-hot inputs: "
     "it picks rows of W_xh by token)"):
        'RNNScratch 的融合引擎每步保存的内容（它不保存独热输入：它按词元直接取 W_xh 的行）',
    "B: the character 6 steps before A's": 'B：比 A 的目标早 6 步的字符',
    'at initialisation the two gradients agree (see below)': '初始化时两个梯度方向一致（见下文）',
    'every step of every start': '每个起点的每一步',
    'the claims in the text, with margins from two numeric paths (see the note below)':
        '正文中的论断，余量取自两条数值路径（见下方的说明）',
    'one line per method': '每种方法一行',
    'the live runs reproduce the stored grid (same seeds, settings and code)':
        '现场运行复现保存的网格（同样的种子、设置和代码）',
    '1': '1',
    '2': '2',
    '3a': '3a',
    '3b: A': '3b：A',
    '3b: B not significantly worse': '3b：B 没有显著变差',
    '4': '4',
    '5': '5',
    '6 refuted': '6 被否定',
    "in the edition's language": '用本版本的语言',
    'the root of largest modulus': '模最大的根',
    'decreasing count; ties keep the order of first appearance':
        '按次数从多到少；次数相同的保持首次出现的顺序',
    'unknown -> <unk> = 0': '未知词 -> <unk> = 0',
    'every word kept': '保留每一个词',
    'warm-up: every character but the last, in one call': '预热期：除最后一个字符外的全部字符，一次调用',
    'the last prefix character is the first input whose output we use':
        '前缀的最后一个字符是第一个我们要用其输出的输入',
    'fresh: zeros': '全新状态：全零',
    'carried, cut from the old graph': '延续状态，但从旧计算图上切断',
    'time-major targets': '时间步优先的目标',
    'the next batch starts from zero': '下一个批量的梯度从零开始',
    '{lr: {θ: final validation perplexity, inf if diverged}}': '{lr: {θ: 最终的验证困惑度，发散则为 inf}}',
    'worse than a uniform guess over 28 characters': '比在 28 个字符中均匀猜测还差',
    'θ = 0.1 rescues every one of them': 'θ = 0.1 把它们全都救了回来',
    # the teacher's-review changes (lessons 01, 04, 05)
    'paired: the same 20 series are scored at every k': '配对：每个 k 都在同样的 20 条序列上评分',
    'every step in k: more than two paired standard errors': 'k 的每一步：都超过配对标准误的两倍',
    'a blown-up perplexity: only its order of magnitude': '崩溃后的困惑度：只看它的数量级',
    'a diverged run is chaotic': '发散的运行是混沌的',
}

#: The string literals' table (see its header): English literal → Chinese literal, both as in the code.
STRINGS_FILE = Path(__file__).with_name("zh_strings.txt")


def literal_fields(literal: str) -> list[str]:
    """The ``{fields}`` of a string literal (the code inside an f-string), sorted; refuses what is
    not one string literal."""
    tree = ast.parse(literal, mode="eval").body
    if isinstance(tree, ast.Constant) and isinstance(tree.value, str):
        return []
    if not isinstance(tree, ast.JoinedStr):
        raise ValueError(f"{literal!r} is not one string literal")
    return sorted(ast.dump(v) for v in tree.values if isinstance(v, ast.FormattedValue))


def read_strings(path: Path = STRINGS_FILE) -> dict[str, str]:
    """The string table; an entry whose Chinese literal is not a literal or has other ``{fields}``
    than the English one is refused naming the line."""
    table, english = {}, None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        tag, _, literal = line.partition(": ")
        where = f"{path.name}, line {number}"
        if tag not in ("en", "zh") or (tag == "zh") != (english is not None):
            raise ValueError(f"{where}: expected an 'en: ' line and then a 'zh: ' line")
        try:
            fields = literal_fields(literal)
        except (SyntaxError, ValueError):
            raise ValueError(f"{where}: {literal!r} is not one Python string literal") from None
        if tag == "en":
            if literal in table:
                raise ValueError(f"{where}: {literal!r} is in the table twice")
            english = (literal, fields)
            continue
        if fields != english[1]:
            raise ValueError(f"{where}: the Chinese literal's {{fields}} differ from the English one's")
        table[english[0]], english = literal, None
    if english is not None:
        raise ValueError(f"{path.name}: the last 'en: ' line has no 'zh: ' line")
    return table


STRINGS = read_strings()



def _translated_string(literal: str) -> str | None:
    """The Chinese twin of a string literal (its exact source text) in ``STRINGS``, else None."""
    return STRINGS.get(literal)


def translate(source: str) -> str | None:
    """``source`` with every comment and every string literal the tables know translated; None if a
    comment is not in ``COMMENTS`` (the cell stays English) or nothing at all is translated."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    found = [t for t in tokens if t.type == tokenize.COMMENT and not t.string.startswith("# NBVAL")]
    if any(t.string[1:].strip() not in COMMENTS for t in found):
        return None
    edits = [(t, "# " + COMMENTS[t.string[1:].strip()]) for t in found]
    edits += [(t, STRINGS[t.string]) for t in tokens if t.type == tokenize.STRING and t.string in STRINGS]
    if not edits:
        return None
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    offset = lambda row, col: starts[row - 1] + col  # noqa: E731
    for token, text in sorted(edits, key=lambda e: e[0].start, reverse=True):
        a, b = offset(*token.start), offset(*token.end)
        source = source[:a] + text + source[b:]
    return source


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
    total = covered = sections = 0
    for path in edition.translated_notebooks(root):
        english = edition.load_notebook(path)
        source = edition.translation_path(path, root)
        text, count = with_code_sections(edition.read_text(source), english)
        code = [edition.cell_source(c) for c in english["cells"] if c["cell_type"] == "code"]
        total += sum(bool(edition.comments(c)) for c in code)
        covered += sum(bool(edition.comments(c)) and translate(c) is not None for c in code)
        sections += count
        if args.write and text != edition.read_text(source):
            write_text_atomic(source, text)
            print(f"{source.relative_to(root)}: {count} code section(s)")
    print(f"{covered} of {total} code cells with comments are covered by the tables; "
          f"{sections} code sections in all (comments, string literals or both)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
