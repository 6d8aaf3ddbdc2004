"""The Chinese edition's term list and its map of d2l references (issue 23, points 4 and 5).

``TERMS``: one row per term: the English, the term the edition uses, where it comes from (the seed
notes first, then 《动手学深度学习》, d2l-zh), and the rejected variants, each a regex for a
*whole-term* match and its replacement. ``scripts/zh_terms.py`` checks (and with ``--fix``
rewrites) the Chinese markdown, the Chinese code comments and ``rnnlab/i18n/zh.py`` against it;
``tests/notebooks/test_zh_terms_and_refs.py`` fails on a rejected variant. A variant inside Chinese quotation
marks (“梯度剪裁”) is a quotation and stays; so does a row listed in ``allowed``.

``D2L_REFERENCES``: every numbered d2l reference the Chinese edition makes, from the English
d2l 1.0 number (what the English text cites) to the section or figure of d2l-zh (checked against
the d2l-ai/d2l-zh sources: chapter 8 循环神经网络, chapter 9 现代循环神经网络).
"""

from __future__ import annotations

from typing import NamedTuple


class Variant(NamedTuple):
    pattern: str  # a regex matching the rejected variant as a whole term
    replacement: str  # what it becomes (re.sub syntax: \1 for a group)
    only_in: str = ""  # a regex over the file name: the variant is rejected only there ("" = everywhere)


class Term(NamedTuple):
    english: str
    chinese: str
    source: str
    variants: tuple[Variant, ...]
    allowed: tuple[str, ...] = ()  # regexes: a variant inside a match of one is a quotation and stays


TERMS: tuple[Term, ...] = (
    Term("gradient clipping", "梯度裁剪",
         "the notes' summary (小结: 梯度裁剪可以防止梯度爆炸) and d2l-zh 8.5.5 梯度裁剪; the notes' heading "
         "and table say 梯度剪裁, kept only where the notes' table is quoted",
         (Variant("梯度剪裁", "梯度裁剪"),),
         allowed=(r"^\| 特性 \| 梯度剪裁",)),
    Term("epoch", "迭代周期", "d2l-zh (8.5.6 训练: num_epochs 个迭代周期)",
         (Variant(r"(\d+|\{epochs\}) ?轮(?![次换流])", r"\1 个迭代周期"),
          Variant("哪一轮", "哪一个迭代周期"),
          Variant("轮数", "迭代周期数"))),
    Term("The Time Machine", "《时间机器》",
         "the course brief (the novel's usual Chinese title); d2l-zh 8.2.1 writes 时光机器 in its "
         "prose and 时间机器 in its code",
         (Variant("《时光机器》", "《时间机器》"),)),
    Term("carry weight", "传递权重", "lesson 07's own term (no source names it)",
         (Variant("回传权重", "传递权重"),)),
    Term("output head (a task's own output layer)", "输出头",
         "lesson 08; 输出层 (the notes: 输出层参数) stays for the output layer of one model",
         (Variant("输出层", "输出头", only_in=r"^08_"),)),
    Term("long-range dependency", "长程依赖", "the notes (挑战: 长程依赖)",
         (Variant("(?<!程)长依赖", "长程依赖"), Variant("长期依赖", "长程依赖"))),
    Term("widget", "交互控件", "this edition (a slider is a 控件)",
         (Variant("小部件", "交互控件"),)),
    Term("glossary", "术语表", "this edition (词表 is the vocabulary, d2l-zh 8.2.3)",
         (Variant("词汇表", "术语表"),)),
    Term("reference solution", "参考解答", "this edition",
         (Variant("参考答案", "参考解答"),)),
    Term("cell (of a notebook)", "单元格", "JupyterLab's Chinese interface (运行所有单元格); "
         "单元 stays for a hidden unit (隐藏单元)",
         (Variant("(代码|Markdown ?|这个|那个|这两个|上面的|下面的|前面的|后面的|下一个|上一个|最长的)"
                  "单元(?!格)", r"\1单元格"),
          Variant("这些单元(?=标记)", "这些单元格"))),
    Term("greedy (generation)", "贪心生成 / 贪心", "lesson 04 (d2l-zh 9.8.1 says 贪心搜索 for the search)",
         (Variant("贪心解码", "贪心生成"),)),
    Term("gradient decoupling", "梯度分离",
         "the notes: 解决方法之梯度分离 covers 手动分离 (detach()) and 梯度投影 (PCGrad): an umbrella, "
         "never a name for detach alone",
         (Variant(r"梯度分离（detach）与 PCGrad", "梯度分离（detach 与 PCGrad）"),
          Variant(r"梯度分离（detach）", "梯度分离（如 detach）"))),
    Term("notebook", "笔记本", "JupyterLab's Chinese interface (新建笔记本)",
         (Variant(r" ?(?<![A-Za-z_./`-])notebook(?![A-Za-z_./`-]) ?", "笔记本"),),
         allowed=(r"（notebook）",)),
    Term("hidden state", "隐状态", "the notes and d2l-zh 8.4.2 有隐状态的循环神经网络",
         (Variant("隐藏状态", "隐状态"),)),
)


class Reference(NamedTuple):
    english: str  # as d2l 1.0 (English) numbers it: "§9.4", "Fig. 9.4.1"
    zh: str  # the d2l-zh number: "8.4", "图 8.4.1"


_CH8 = "https://zh.d2l.ai/chapter_recurrent-neural-networks/"
_CH9 = "https://zh.d2l.ai/chapter_recurrent-modern/"

#: The sections and figures of 《动手学深度学习》 (d2l-zh 2.0) the Chinese edition may cite: number →
#: (title, page on zh.d2l.ai). Checked against d2l-ai/d2l-zh: chapter_recurrent-neural-networks/
#: (8.1 sequence … 8.7 bptt) and chapter_recurrent-modern/ (9.1 gru … 9.4 bi-rnn).
D2L_ZH: dict[str, tuple[str, str]] = {
    "8.1": ("序列模型", _CH8 + "sequence.html"),
    "8.2": ("文本预处理", _CH8 + "text-preprocessing.html"),
    "8.3": ("语言模型和数据集", _CH8 + "language-models-and-dataset.html"),
    "8.4": ("循环神经网络", _CH8 + "rnn.html"),
    "8.5": ("循环神经网络的从零开始实现", _CH8 + "rnn-scratch.html"),
    "8.5.5": ("梯度裁剪", _CH8 + "rnn-scratch.html"),
    "8.6": ("循环神经网络的简洁实现", _CH8 + "rnn-concise.html"),
    "8.7": ("通过时间反向传播", _CH8 + "bptt.html"),
    "8.7.1": ("循环神经网络的梯度分析", _CH8 + "bptt.html"),
    "8.7.2": ("通过时间反向传播的细节", _CH8 + "bptt.html"),
    "9.1": ("门控循环单元（GRU）", _CH9 + "gru.html"),
    "9.2": ("长短期记忆网络（LSTM）", _CH9 + "lstm.html"),
    "9.3": ("深度循环神经网络", _CH9 + "deep-rnn.html"),
    "9.4": ("双向循环神经网络", _CH9 + "bi-rnn.html"),
    "图 8.1.2": ("隐变量自回归模型", _CH8 + "sequence.html"),
    "图 8.4.1": ("具有隐状态的循环神经网络", _CH8 + "rnn.html"),
    "图 8.4.2": ("基于循环神经网络的字符级语言模型", _CH8 + "rnn.html"),
    "图 8.7.1": ("比较RNN中计算梯度的策略", _CH8 + "bptt.html"),
}

#: Every numbered d2l reference of the English edition (d2l 1.0 numbers) → the d2l-zh number its
#: Chinese twin cites. d2l 1.0's §9.4 is 循环神经网络 (d2l-zh 8.4), but d2l-zh's own 9.4 is
#: 双向循环神经网络: an English number copied into the Chinese text points at the wrong section.
D2L_REFERENCES: dict[str, Reference] = {r.english: r for r in (
    Reference("§9.1", "8.1"),
    Reference("§9.2", "8.2"),
    Reference("§9.3", "8.3"),
    Reference("§9.4", "8.4"),
    Reference("§9.5", "8.5.5"),  # the course cites §9.5 for gradient clipping: d2l-zh 8.5.5 梯度裁剪
    Reference("§9.6", "8.6"),
    Reference("§9.7", "8.7"),
    Reference("§9.5.3", "8.5.5"),  # d2l 1.0's 9.5.3 Gradient Clipping is d2l-zh's 8.5.5 梯度裁剪
    Reference("§9.7.1", "8.7.1"),  # Analysis of Gradients in RNNs: 循环神经网络的梯度分析
    Reference("§9.7.2", "8.7.2"),  # Backpropagation Through Time in Detail: 通过时间反向传播的细节
    Reference("§10.1", "9.2"),  # d2l 1.0's 10.1 is LSTM, d2l-zh's 9.2 长短期记忆网络
    Reference("§10.2", "9.1"),  # d2l 1.0's 10.2 is GRU, d2l-zh's 9.1 门控循环单元
    Reference("Fig. 8.1.2", "图 8.1.2"),  # d2l 0.17's number, the same as d2l-zh's
    Reference("Fig. 9.4.1", "图 8.4.1"),
    Reference("Fig. 9.4.2", "图 8.4.2"),
)}

BOOK = "《动手学深度学习》"
