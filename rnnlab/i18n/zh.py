"""简体中文消息：与 ``en.py`` 的键和 {字段} 完全一致（tests/test_i18n.py 检查）。术语以笔记和词汇表为准。"""

MESSAGES = {
    # ------------------------------------------------------------------ rnnlab.notebook.setup
    "setup.ready": "rnnlab 已就绪：torch {torch}，设备 = {device}",
    "setup.no_cjk_font": ("rnnlab：未找到中文字体（{font}），图中的中文会显示为方框；请安装一个："
                          "sudo apt-get install fonts-noto-cjk（Debian/Ubuntu）"),
    # ------------------------------------------------------------------ exercises/feedback.py
    "feedback.correct": "✅ 正确。",
    "feedback.not_yet": "❌ 还不对。",
    "feedback.unchecked": ("无法检查这个答案：{error}: {detail}。请看看你的代码返回了什么（类型和形状），"
                           "再和练习的要求对照。"),
    "feedback.unchecked_short": "无法检查这个答案。",
    "feedback.give_one_number": "请给出一个数，收到的是 {answer}",
    "feedback.give_one_finite_number": "请给出一个有限的数，收到的是 {answer}",
    "feedback.give_a_number": "请给出一个数，收到的是 {answer}",
    "feedback.give_a_finite_number": "请给出一个有限的数，收到的是 {answer}",
    # ------------------------------------------------------------------ training/loop.py: the progress bar
    "progress.training": "训练",
    "progress.unit": "批",
    "progress.train_ppl": "训练困惑度",
    "progress.val_ppl": "验证困惑度",
    # ------------------------------------------------------------------ course/glossary.py
    "glossary.header": "| English | 中文 | 课 | 含义 |",
    "glossary.no_match": "_没有匹配的术语。_",
    # ------------------------------------------------------------------ course/report.py
    "report.after_epochs": "训练 {epochs} 轮后：训练困惑度 {train_ppl:.2f}",
    "report.validation": "，验证困惑度 {val_ppl:.2f}（最佳 {best:.2f}）",
    "report.trained_in": "训练用时 {seconds:.1f} s",
    "report.greedy_sample": "贪心采样：{sample!r}",
    "report.diverged": "训练发散：",
    # ------------------------------------------------------------------ exercises/nb00.py
    "nb00.translation_strings": ("请把中文术语和你的英文翻译作为两个字符串给出，例如 "
                                 "check_translation('循环神经网络', '...')；收到的是 {chinese} 和 {english}"),
    "nb00.not_a_term": "{chinese!r} 不是词汇表中的术语；用 rnnlab.glossary.lookup('') 列出全部术语。",
    "nb00.translation_correct": "{chinese} = {english}：{meaning}（第 {lesson} 课）。",
    "nb00.translation_wrong": "{english!r} 不对。提示：第 {lesson} 课讲 {chinese}，它的意思是“{meaning}”。",
    "nb00.give_w": "请给出一个有限的数 w，例如 0.5；收到的是 {answer}",
    "nb00.w_zero": "w = 0 会立刻遗忘，这太平凡了：请找一个不为零、遗忘得慢的 w。",
    "nb00.w_too_big": ("练习要求 0 < |w| < 1。（当 |w| = {abs_w:g} 时，状态在 ±1 附近饱和，那里 "
                       "tanh' ≈ 0，所以 |∂h_30/∂h_0| = {s:.1e}：饱和是另一种遗忘方式，第 07 课会再讲到。）"),
    "nb00.w_correct": ("当 w = {w:g} 时，|∂h_30/∂h_0| = {s:.1e}：每一步都把对 h_0 的记忆乘以至多 "
                       "|w| = {abs_w:g}，30 个这样的因子相乘就消失了。"),
    "nb00.w_not_small": "|∂h_30/∂h_0| = {s:.2g} 仍然 ≥ 1e-3；|w| 越小，遗忘越快。",
}
