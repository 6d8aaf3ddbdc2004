"""The English–中文 glossary: every term the course teaches, with the lesson that teaches it.

``source`` says where the Chinese term comes from: ``"notes"`` (the course's source notes, the
authority for Chinese terms), ``"d2l"`` (the d2l-zh textbook the notes build on) or ``"course"``
(a term the course adds, in the usual Chinese rendering).
"""

from __future__ import annotations

from typing import NamedTuple

from ..i18n import get_language, tr


class Term(NamedTuple):
    english: str
    chinese: str
    lesson: str
    meaning: str
    source: str = "notes"


SOURCES = ("notes", "d2l", "course")


TERMS = [
    Term("recurrent neural network (RNN)", "循环神经网络", "04", "a network whose hidden state is fed back at every time step"),
    Term("tabular data", "表格数据", "01", "rows of independent examples, no order"),
    Term("image data", "图像数据", "01", "pixels with a spatial structure"),
    Term("convolutional neural network", "卷积神经网络", "01", "the architecture for spatial structure, as RNNs are for sequences"),
    Term("state variable", "状态变量", "04", "what a model carries from one time step to the next"),
    Term("hidden state", "隐状态", "04", "the RNN's summary of everything seen so far, H_t"),
    Term("hidden state (also)", "隐藏状态", "04", "another rendering of hidden state"),
    Term("extrapolation", "外推法", "01", "predicting beyond the range of what was observed"),
    Term("interpolation", "内插法", "01", "estimating between observed values"),
    Term("statistics", "统计学", "01", "the field that named interpolation and extrapolation"),
    Term("temporal dynamics", "时间动力学", "01", "how data or a system's state changes over time"),
    Term("sequence model", "序列模型", "01", "a model of data whose order matters"),
    Term("autoregressive model", "自回归模型", "01", "predicts x_t from the same variable's past values"),
    Term("vector autoregression (VAR)", "向量自回归", "01", "several series predict each other"),
    Term("multivariate time-series regression", "多变量时间序列回归", "01", "regression of one series on several"),
    Term("latent autoregressive model", "隐变量自回归模型", "01", "keeps a summary h_t of the past and predicts from it"),
    Term("Markov model", "马尔可夫模型", "01", "a model in which the future depends only on the last τ observations"),
    Term("text preprocessing", "文本预处理", "02", "text → tokens → vocabulary → indices"),
    Term("token", "词元", "02", "the basic unit of text: a word or a character"),
    Term("tokenization", "词元化", "02", "splitting text into tokens"),
    Term("vocabulary", "词表", "02", "the two-way map between tokens and indices"),
    Term("vocabulary size", "词表大小", "02", "how many distinct tokens (and reserved ones) the model knows"),
    Term("corpus", "语料", "02", "all the training text, as one sequence of tokens"),
    Term("numerical index", "数字索引", "02", "the integer a vocabulary gives a token"),
    Term("unknown token <unk>", "未知词元", "02", "stands for every token the vocabulary leaves out"),
    Term("padding token <pad>", "填充词元", "02", "fills short sequences up to a common length"),
    Term("beginning-of-sequence token <bos>", "序列开始词元", "02", "marks where a sequence starts"),
    Term("end-of-sequence token <eos>", "序列结束词元", "02", "marks where a sequence ends"),
    Term("language model", "语言模型", "03", "assigns a probability to a sequence of tokens"),
    Term("conditional probability", "条件概率", "03", "P(next token | tokens before it)"),
    Term("perplexity", "困惑度", "03", "exp of the mean negative log-likelihood; 1 is perfect"),
    Term("random sampling", "随机抽样", "03", "minibatches of subsequences from anywhere, in random order"),
    Term("sequential partitioning", "顺序划分", "03", "minibatches whose rows continue from batch to batch"),
    Term("batch size", "批量大小", "03", "how many subsequences one minibatch holds"),
    Term("time step", "时间步", "03", "one position in a sequence"),
    Term("recurrent layer", "循环层", "04", "the layer that computes the hidden state recurrently"),
    Term("activation function", "激活函数", "04", "the nonlinearity, tanh in the RNN"),
    Term("fully connected layer", "全连接层", "04", "a linear map plus bias"),
    Term("hidden layer", "隐藏层", "04", "the layer between input and output"),
    Term("output layer", "输出层", "04", "maps the hidden state to scores over the vocabulary"),
    Term("hidden units", "隐藏单元", "04", "the size of the hidden state"),
    Term("concatenation", "拼接", "04", "joining [X_t, H_{t-1}] before one matrix product"),
    Term("parameter initialization", "参数初始化", "04", "drawing the weights before training"),
    Term("model initialization", "模型初始化", "04", "building a model and its first state"),
    Term("initialising the state", "初始化状态", "04", "the hidden state a sequence starts from"),
    Term("warm-up period", "预热期", "04", "feeding the prefix to set the state before predicting"),
    Term("prediction", "预测", "04", "generating tokens after a prefix"),
    Term("training", "训练", "04", "adjusting parameters to lower the loss"),
    Term("from-scratch implementation", "从零实现", "04", "building the model from tensors and matrix products"),
    Term("gradient", "梯度", "05", "the direction of steepest increase of the loss"),
    Term("gradient clipping", "梯度裁剪", "05", "scaling gradients down to a norm of at most θ"),
    Term("gradient clipping (also)", "梯度剪裁", "05", "another rendering of gradient clipping"),
    Term("exploding gradient", "梯度爆炸", "05", "gradients that grow exponentially through time"),
    Term("vanishing gradient", "梯度消失", "07", "gradients that shrink exponentially through time"),
    Term("numerical truncation or rescaling", "数值截断", "05", "how clipping changes a gradient"),
    Term("concise implementation", "简洁实现", "06", "the same model with torch.nn.RNN"),
    Term("bidirectional", "双向", "06", "an RNN that also reads the sequence backwards"),
    Term("backpropagation", "反向传播", "07", "the chain rule applied through a network"),
    Term("backpropagation through time (BPTT)", "通过时间反向传播", "07", "backpropagation through the unrolled RNN"),
    Term("computational graph", "计算图", "07", "variables, parameters and operators and how they connect"),
    Term("unrolling", "展开", "07", "writing the recurrence out as one layer per time step"),
    Term("parameter sharing", "参数共享", "07", "the same weights at every step, so their gradients add up"),
    Term("long-range dependency", "长程依赖", "07", "an output depending on inputs far in the past"),
    Term("truncation (truncated BPTT)", "截断", "07", "stopping the backward pass after k steps"),
    Term("computational cost", "计算成本", "07", "time and memory of a long unrolled graph"),
    Term("gating mechanism", "门控机制", "07", "GRU/LSTM gates that ease vanishing gradients"),
    Term("gradient conflict", "梯度冲突", "08", "tasks whose gradients point in opposing directions"),
    Term("conflict", "冲突", "08", "a negative cosine similarity between two gradients"),
    Term("multi-task learning", "多任务学习", "08", "several losses trained on shared parameters"),
    Term("joint training of several modules", "多模块联合训练", "08", "another setting where gradients can conflict"),
    Term("shared (parameters)", "共享", "08", "parameters every task's gradient reaches"),
    Term("loss function", "损失函数", "08", "the number training lowers"),
    Term("cosine similarity", "余弦相似度", "08", "g1·g2 / (‖g1‖‖g2‖), from −1 to 1"),
    Term("gradient decoupling", "梯度分离", "08", "stopping or redirecting a gradient's flow"),
    Term("blocking a gradient (detach)", "梯度阻断", "08", "detach(): no gradient flows back through this tensor"),
    Term("detaching gradients", "分离梯度", "04", "cutting the graph between minibatches of sequential partitioning"),
    Term("gradient projection", "梯度投影", "08", "removing the conflicting component of a gradient (PCGrad)"),
    Term("orthogonal", "正交", "08", "at right angles: zero dot product"),
    Term("orthogonal complement", "正交补空间", "08", "every direction orthogonal to a given gradient"),
    Term("geometric meaning", "几何意义", "08", "what a formula does, drawn as vectors"),
    # terms the lessons teach beyond the notes' own words
    Term("Markov condition (assumption)", "马尔可夫条件", "01", "P(x_t | all the past) ≈ P(x_t | the last τ values)", "d2l"),
    Term("stationarity", "平稳性", "01", "the rule that produces a series does not change over time", "course"),
    Term("multilayer perceptron (MLP)", "多层感知机", "01", "fully connected layers with a nonlinearity between them", "d2l"),
    Term("k-step prediction", "k步预测", "01", "predicting k steps ahead, feeding back one's own predictions", "d2l"),
    Term("Zipf's law", "齐普夫定律", "02", "the i-th most frequent word has frequency proportional to 1/i^α", "d2l"),
    Term("stop words", "停用词", "02", "the very frequent words (the, i, and) that carry little meaning", "d2l"),
    Term("n-gram", "n元语法", "03", "a model of the next token given the previous n-1", "d2l"),
    Term("unigram", "一元语法", "03", "n = 1: token frequencies alone", "d2l"),
    Term("bigram", "二元语法", "03", "n = 2: the next token given the previous one", "d2l"),
    Term("trigram", "三元语法", "03", "n = 3: the next token given the previous two", "d2l"),
    Term("Laplace smoothing", "拉普拉斯平滑", "03", "add α to every count so unseen n-grams get a small probability", "d2l"),
    Term("random sampling (textbook)", "随机采样", "03", "the textbook's word for 随机抽样", "d2l"),
    Term("sequential partitioning (textbook)", "顺序分区", "03", "the textbook's word for 顺序划分", "d2l"),
    Term("learning rate", "学习率", "04", "the step size of gradient descent, lr", "course"),
    Term("overfitting", "过拟合", "04", "fitting the training text better and held-out text worse", "course"),
    Term("validation set", "验证集", "03", "held-out text used to measure what the model learned", "course"),
    Term("temperature", "温度", "04", "dividing logits by T before sampling: low T sharper, high T flatter", "course"),
    Term("greedy decoding", "贪心", "04", "always picking the most likely next token", "course"),
]


#: Lesson 00. The Chinese rendering of every term's meaning, keyed by the term's English (same
#: order as TERMS; ``tests/ground/test_i18n.py`` checks that every term has one and no other key exists).
MEANINGS_ZH = {
    "recurrent neural network (RNN)": "在每个时间步把隐状态反馈回来的网络",
    "tabular data": "一行行相互独立的样本，没有顺序",
    "image data": "具有空间结构的像素",
    "convolutional neural network": "处理空间结构的架构，正如 RNN 处理序列",
    "state variable": "模型从一个时间步带到下一个时间步的东西",
    "hidden state": "RNN 对迄今所见一切的概括，H_t",
    "hidden state (also)": "隐状态的另一种译法",
    "extrapolation": "对观测范围之外的值进行预测",
    "interpolation": "在观测值之间进行估计",
    "statistics": "给内插法和外推法命名的学科",
    "temporal dynamics": "数据或系统状态随时间变化的方式",
    "sequence model": "顺序很重要的数据的模型",
    "autoregressive model": "用同一变量过去的值预测 x_t",
    "vector autoregression (VAR)": "几个序列互相预测",
    "multivariate time-series regression": "一个序列对多个序列的回归",
    "latent autoregressive model": "保留过去的概括 h_t，并据此预测",
    "Markov model": "未来只取决于最近 τ 个观测",
    "text preprocessing": "文本 → 词元 → 词表 → 索引",
    "token": "文本的基本单位：一个词或一个字符",
    "tokenization": "把文本拆分成词元",
    "vocabulary": "词元与索引之间的双向映射",
    "vocabulary size": "模型认识多少个不同的词元（含保留词元）",
    "corpus": "全部训练文本，看作一个词元序列",
    "numerical index": "词表给一个词元的整数",
    "unknown token <unk>": "代表词表没有收录的每一个词元",
    "padding token <pad>": "把较短的序列填充到统一长度",
    "beginning-of-sequence token <bos>": "标记序列从哪里开始",
    "end-of-sequence token <eos>": "标记序列在哪里结束",
    "language model": "给一个词元序列分配概率",
    "conditional probability": "P(下一个词元 | 它之前的词元)",
    "perplexity": "平均负对数似然的指数；1 表示完美",
    "random sampling": "从任意位置取子序列组成小批量，顺序随机",
    "sequential partitioning": "各行在相邻小批量之间首尾相接的小批量",
    "batch size": "一个小批量包含多少个子序列",
    "time step": "序列中的一个位置",
    "recurrent layer": "循环地计算隐状态的层",
    "activation function": "非线性函数，RNN 中是 tanh",
    "fully connected layer": "一个线性映射加偏置",
    "hidden layer": "位于输入和输出之间的层",
    "output layer": "把隐状态映射为词表上各词元的得分",
    "hidden units": "隐状态的大小",
    "concatenation": "在一次矩阵乘法之前把 [X_t, H_{t-1}] 拼在一起",
    "parameter initialization": "训练前抽取权重的初始值",
    "model initialization": "构建模型及其初始状态",
    "initialising the state": "一个序列开始时的隐状态",
    "warm-up period": "预测之前先输入前缀以设定状态",
    "prediction": "在前缀之后生成词元",
    "training": "调整参数以降低损失",
    "from-scratch implementation": "用张量和矩阵乘法亲手搭建模型",
    "gradient": "损失上升最快的方向",
    "gradient clipping": "把梯度按比例缩小到范数不超过 θ",
    "gradient clipping (also)": "梯度裁剪的另一种写法（笔记的标题用它）",
    "exploding gradient": "随时间步呈指数增长的梯度",
    "vanishing gradient": "随时间步呈指数缩小的梯度",
    "numerical truncation or rescaling": "裁剪改变梯度的方式",
    "concise implementation": "用 torch.nn.RNN 实现的同一个模型",
    "bidirectional": "还会反向读取序列的 RNN",
    "backpropagation": "在网络中逐层应用链式法则",
    "backpropagation through time (BPTT)": "在展开的 RNN 上做反向传播",
    "computational graph": "变量、参数、运算符以及它们之间的连接",
    "unrolling": "把递推式写开，每个时间步一层",
    "parameter sharing": "每一步使用同一组权重，所以它们的梯度相加",
    "long-range dependency": "某个输出依赖于很久以前的输入",
    "truncation (truncated BPTT)": "反向传播 k 步之后就停止",
    "computational cost": "长展开图所需的时间和内存",
    "gating mechanism": "GRU/LSTM 中缓解梯度消失的门",
    "gradient conflict": "各任务的梯度指向相反的方向",
    "conflict": "两个梯度的余弦相似度为负",
    "multi-task learning": "在共享参数上训练多个损失",
    "joint training of several modules": "梯度可能冲突的另一种场景",
    "shared (parameters)": "每个任务的梯度都会到达的参数",
    "loss function": "训练要降低的那个数",
    "cosine similarity": "g1·g2 / (‖g1‖‖g2‖)，取值从 −1 到 1",
    "gradient decoupling": "阻止或改变梯度的流向",
    "blocking a gradient (detach)": "detach()：没有梯度经过这个张量往回流",
    "detaching gradients": "在顺序划分的小批量之间切断计算图",
    "gradient projection": "去掉梯度中相冲突的分量（PCGrad）",
    "orthogonal": "成直角：点积为零",
    "orthogonal complement": "与给定梯度正交的所有方向",
    "geometric meaning": "把公式画成向量后它做了什么",
    "Markov condition (assumption)": "P(x_t | 全部过去) ≈ P(x_t | 最近 τ 个值)",
    "stationarity": "生成序列的规律不随时间改变",
    "multilayer perceptron (MLP)": "由全连接层组成、层与层之间有非线性激活的网络",
    "k-step prediction": "向前预测 k 步，把自己的预测再作为输入",
    "Zipf's law": "第 i 个最常见的词的频率与 1/i^α 成正比",
    "stop words": "非常常见、几乎不带含义的词（the、i、and）",
    "n-gram": "给定前 n-1 个词元时下一个词元的模型",
    "unigram": "n = 1：只看词元频率",
    "bigram": "n = 2：给定前一个词元时的下一个词元",
    "trigram": "n = 3：给定前两个词元时的下一个词元",
    "Laplace smoothing": "给每个计数加 α，使没见过的 n 元组得到一个小概率",
    "random sampling (textbook)": "教材对“随机抽样”的说法",
    "sequential partitioning (textbook)": "教材对“顺序划分”的说法",
    "learning rate": "梯度下降的步长，lr",
    "overfitting": "对训练文本拟合得更好，对留出文本反而更差",
    "validation set": "用来衡量模型学到了什么的留出文本",
    "temperature": "采样前把 logits 除以 T：T 低更尖锐，T 高更平坦",
    "greedy decoding": "每次都选最可能的下一个词元",
}


def meaning(term: Term) -> str:
    """Lesson 00. ``term``'s meaning in the language of ``setup(lang=...)``."""
    return MEANINGS_ZH[term.english] if get_language() == "zh" else term.meaning


def lookup(query: str = "") -> list[Term]:
    """Terms whose English, Chinese or lesson contains ``query`` (case-insensitive); all if empty."""
    if not isinstance(query, str):
        raise TypeError(f"query must be a string, got {query!r}")
    q = query.strip().lower()
    return [t for t in TERMS if q in t.english.lower() or q in t.chinese or q == t.lesson]


def as_markdown(terms=None) -> str:
    """A markdown table of ``terms`` (all of them by default)."""
    terms = TERMS if terms is None else terms
    if not terms:
        return tr("glossary.no_match")
    rows = [tr("glossary.header"), "|---|---|---|---|"]
    rows += [f"| {t.english} | {t.chinese} | {t.lesson} | {meaning(t)} |" for t in terms]
    return "\n".join(rows)


def per_lesson() -> str:
    """Lesson 00. How many terms each lesson teaches, in one line (the glossary is too long for one slide)."""
    lessons = sorted({t.lesson for t in TERMS})
    counts = ", ".join(f"{n}: {sum(t.lesson == n for t in TERMS)}" for n in lessons)
    return tr("glossary.per_lesson", counts=counts)
