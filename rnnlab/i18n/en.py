"""English messages: what the English lessons store, word for word. Keys as in ``zh.py``."""

MESSAGES = {
    # ------------------------------------------------------------------ rnnlab.notebook.setup
    "setup.ready": "rnnlab ready: torch {torch}, device = {device}",
    "setup.no_cjk_font": ("rnnlab: no CJK font found ({font}), so Chinese text in figures would show "
                          "as boxes; install one: sudo apt-get install fonts-noto-cjk (Debian/Ubuntu)"),
    # ------------------------------------------------------------------ exercises/feedback.py
    "feedback.correct": "✅ Correct. ",
    "feedback.not_yet": "❌ Not yet. ",
    "feedback.unchecked": ("this answer could not be checked: {error}: {detail}. Look at what your code "
                           "returns (its type and shape) and compare with what the exercise asks for."),
    "feedback.unchecked_short": "this answer could not be checked.",
    "feedback.give_one_number": "give one number, got {answer}",
    "feedback.give_one_finite_number": "give one finite number, got {answer}",
    "feedback.give_a_number": "give a number, got {answer}",
    "feedback.give_a_finite_number": "give a finite number, got {answer}",
    # ------------------------------------------------------------------ training/loop.py: the progress bar
    "progress.training": "training",
    "progress.unit": "batch",
    "progress.train_ppl": "train_ppl",
    "progress.val_ppl": "val_ppl",
    # ------------------------------------------------------------------ course/glossary.py
    "glossary.header": "| English | 中文 | lesson | meaning |",
    "glossary.no_match": "_No term matches._",
    # ------------------------------------------------------------------ course/report.py
    "report.after_epochs": "after {epochs} epochs: training perplexity {train_ppl:.2f}",
    "report.validation": ", validation perplexity {val_ppl:.2f} (best {best:.2f})",
    "report.trained_in": "trained in {seconds:.1f} s",
    "report.greedy_sample": "greedy sample: {sample!r}",
    "report.diverged": "training diverged:",
    # ------------------------------------------------------------------ exercises/nb00.py
    "nb00.translation_strings": ("give the Chinese term and your English translation as two strings, e.g. "
                                 "check_translation('循环神经网络', '...'); got {chinese} and {english}"),
    "nb00.not_a_term": "{chinese!r} is not a glossary term; try rnnlab.glossary.lookup('') to list them.",
    "nb00.translation_correct": "{chinese} = {english}: {meaning} (lesson {lesson}).",
    "nb00.translation_wrong": "{english!r} is not it. Hint: lesson {lesson} teaches {chinese}; it means “{meaning}”.",
    "nb00.give_w": "give one finite number w, e.g. 0.5; got {answer}",
    "nb00.w_zero": "w = 0 forgets at once, trivially: find a non-zero w that forgets slowly.",
    "nb00.w_too_big": ("the exercise asks for 0 < |w| < 1. (With |w| = {abs_w:g} the state saturates "
                       "near ±1, where tanh' ≈ 0, so |∂h_30/∂h_0| = {s:.1e}: saturation is a second "
                       "way to forget — lesson 07 comes back to it.)"),
    "nb00.w_correct": ("with w = {w:g}, |∂h_30/∂h_0| = {s:.1e}: each step multiplies the memory of "
                       "h_0 by at most |w| = {abs_w:g}, and 30 such factors vanish."),
    "nb00.w_not_small": "|∂h_30/∂h_0| = {s:.2g} is still ≥ 1e-3; a smaller |w| forgets faster.",
}
