"""Issue 23: what a Chinese lesson shows a student is Chinese.

Every committed Chinese lesson and solution notebook is read as stored: its stream outputs and its
text/plain, text/markdown and text/html outputs (HTML tags stripped), and the description of any
widget whose state is stored. A line fails when it holds an *English sentence*:

  a run of at least ``MIN_RUN`` English words with no Chinese character between them, where an
  English word is a token of two or more ASCII letters, all lower case or capitalised
  (``word``, ``Word``), that is not code and not on the short allowance below.

Numbers, symbols and punctuation neither count nor break a run ("after 15 epochs" is a run of two);
a Chinese character ends one. Not English words, and so never counted:

- data shown in quotes: '...', "...", “...” (corpus text, generated samples, n-grams), and
  formulas between $...$;
- code: a token with ``_``, a digit, a dot or an inner capital (``num_steps``, ``W_xh``, ``rnnlab.train``,
  ``RNNScratch``), an all-capital acronym (``RNN``, ``MSE``, ``CPU``), and a name the cell's own source
  uses as an identifier (``tokenize`` finds them; Python keywords are not such names);
- printed Python source (an output that parses as Python): its code tokens and string literals are
  code; its comments and docstrings are read like any other text;
- the names in ``ALLOWED`` below, each with its reason.
"""

from __future__ import annotations

import ast
import builtins
import io
import json
import keyword
import re
import textwrap
import tokenize
from pathlib import Path

from rnnlab.course import glossary
from rnnlab.i18n import messages

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks" / "zh").glob("*.ipynb")) + sorted(
    (ROOT / "notebooks" / "zh" / "solutions").glob("*.ipynb"))

MIN_RUN = 2   # two English words in a row: "trained in", "same outputs" are already English to a reader

# The allowance: words a Chinese student is shown in Latin letters on purpose. Keep it short.
ALLOWED = {
    # proper names (people, places, products) keep their spelling in d2l-zh too
    "Zipf", "Laplace", "Markov", "Adam", "Jupyter", "JupyterLab", "Python", "PyTorch", "Binder",
    "Wells", "Noto", "Sans",
    # names of the libraries and functions a student types, printed as they are typed
    "torch", "rnnlab", "numpy", "matplotlib", "ipywidgets", "nbval", "tqdm", "softmax", "tanh",
    "sigmoid", "inf", "nan", "cpu", "cuda",
    # units written as in d2l-zh (KB, MB are acronyms already)
    "ms",
    # Python's values as Python prints them
    "True", "False", "None",
    # the optimizers and the torch method lesson 08 compares, named as a student passes them
    # (optimizer="sgd", .detach())
    "sgd", "adam", "detach",
}

# Python's own exception message after its class name ("TypeError: must be real number, not NoneType")
# stays as Python wrote it: rnnlab translates what it says around it (CONTRIBUTING: exception messages
# stay English).
PYTHON_ERROR = re.compile(r"\b[A-Z]\w*(Error|Exception|Warning): .*")
# a panel's saved line lists its controls by the names panel.set(name=...) takes: code
_PANEL = messages.CATALOGUES["zh"]["widget.panel_summary"]
PANEL_CONTROLS = re.compile(re.escape(_PANEL).replace(re.escape("{kind}"), r"\w+")
                            .replace(re.escape("{controls}"), r"[\w, ]+"))
# function notation is formula, not prose: P(time | the), count(a, b), Vocab(size=28, ...)
CALL = re.compile(r"(?<![\w.])[A-Za-z_][\w.]*\([^()]*\)")
# a shape in PyTorch's notation names its dimensions: (num_steps, batch, num_hiddens)
SHAPE = re.compile(r"[(（][^()（）]*\b[a-z]+_[a-z_]+\b[^()（）]*[)）]")

# lesson 00's English–中文 glossary shows each English term on purpose: in its own table column, or
# as "中文 = English — meaning"
GLOSSARY_ENGLISH = {term.english for term in glossary.TERMS}
GLOSSARY_ENTRY = re.compile(r"(?<== )([^=—|]+?)(?= — )")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|“[^”\n]*”|‘[^’\n]*’|\$[^$\n]*\$|`[^`\n]*`")
TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|" + CJK.pattern)
WORD = re.compile(r"[A-Za-z][a-z]+")   # ``word`` or ``Word``; anything else is code or an acronym


def cell_identifiers(source: str) -> set[str]:
    """The names a cell's code uses (not its strings, comments or keywords)."""
    names = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.NAME and not keyword.iskeyword(tok.string):
                names.add(tok.string)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        names.update(re.findall(r"(?<![\"'#])\b[A-Za-z_]\w*\s*(?==|\()", source))
    return names - set(dir(builtins))


def english_runs(line: str, identifiers=frozenset(), min_run: int = MIN_RUN) -> list[str]:
    """The English sentences of one line of output: runs of ``min_run`` or more English words."""
    line = PYTHON_ERROR.sub(" ", PANEL_CONTROLS.sub(" ", QUOTED.sub(" ", line)))
    while CALL.search(line) or SHAPE.search(line):
        line = SHAPE.sub(" ", CALL.sub(" ", line))
    if line.count("|") >= 2:   # a row of the glossary table
        line = "|".join(" " if cell.strip() in GLOSSARY_ENGLISH else cell for cell in line.split("|"))
    line = GLOSSARY_ENTRY.sub(lambda m: " " if m[1] in GLOSSARY_ENGLISH else m[0], line)
    runs, run = [], []
    for tok in TOKEN.findall(line):
        if CJK.match(tok):
            runs.append(run)
            run = []
        elif WORD.fullmatch(tok) and tok not in ALLOWED and tok not in identifiers:
            run.append(tok)
    runs.append(run)
    return [" ".join(r) for r in runs if len(r) >= min_run]


def prose_of_python(text: str) -> str:
    """Printed Python source, as prose: only its comments and docstrings, one per line. A fragment
    that does not parse (some lines of a function) gives its comments and its triple-quoted lines."""
    body = textwrap.dedent(text)
    try:
        tree = ast.parse(body)
    except SyntaxError:
        return _prose_of_fragment(text)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef, ast.Module)):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                out += doc.splitlines()
    for tok in tokenize.generate_tokens(io.StringIO(body).readline):
        if tok.type == tokenize.COMMENT:
            out.append(tok.string.lstrip("#").strip())
    return "\n".join(out)


def _prose_of_fragment(text: str) -> str:
    """An indented line is code (its comment is prose); an unindented one is what the cell printed."""
    out, in_doc = [], False
    for line in text.splitlines():
        quotes = line.count('"""') + line.count("'''")
        if in_doc or quotes:
            out.append(line.replace('"""', " "))
            in_doc = in_doc != (quotes % 2 == 1)
        elif line[:1].isspace():
            out.append(line.split("#", 1)[1] if "#" in line else "")
        else:
            out.append(line)
    return "\n".join(out)


def shown_texts(cell) -> list[str]:
    """What a student sees of one code cell's outputs, as text."""
    texts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            texts.append("".join(out["text"]))
        data = out.get("data", {})
        # Jupyter shows the richest form: a picture hides a figure's text/plain stand-in
        # ("<Figure size ...>"); a panel's text/plain is its controls and report, read as well
        if "text/html" in data:
            html = re.sub(r"<(script|style)\b.*?</\1>", " ", "".join(data["text/html"]), flags=re.S)
            texts.append(re.sub(r"<[^>]+>", " ", html))
        elif "text/markdown" in data:
            texts.append("".join(data["text/markdown"]))
        if "text/plain" in data and ("text/html" not in data and "text/markdown" not in data) and (
                not any(m.startswith("image/") for m in data) or any("widget" in m for m in data)):
            texts.append("".join(data["text/plain"]))
    for state in (cell.get("metadata", {}).get("widgets", {}) or {}).values():
        for model in state.get("state", {}).values():
            texts.append(str(model.get("state", {}).get("description", "")))
    return texts


def english_in_notebook(path: Path, root: Path = ROOT) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    hits = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        cell_source = "".join(cell["source"])
        names = cell_identifiers(cell_source)
        for text in shown_texts(cell):
            prose = prose_of_python(text) if "getsource" in cell_source else None
            for line in (text if prose is None else prose).splitlines():
                for run in english_runs(line, names):
                    hits.append(f"{path.relative_to(root)} [{index}] {line.strip()[:160]!r}  ← {run!r}")
    return hits


# ------------------------------------------------------------------------------ the detector
def test_the_detector_finds_an_english_sentence_and_passes_chinese_with_code():
    assert english_runs("trained in 1.2 s") == ["trained in"]
    assert english_runs("n = 1: a full table holds |V|^n = 4580^1 numbers") == ["full table holds numbers"]
    assert english_runs("训练 2 轮后：… / 84,508 parameters, 65,174 tokens/s") == ["parameters tokens"]
    # Chinese with identifiers, acronyms, quoted data, formulas and allowed names passes
    assert english_runs("W_xh  (28, 512)  与 rnnlab.RNNScratch 的相同") == []
    assert english_runs("贪心采样：'time traveller the'，困惑度 $\\exp(\\ell)$ = 8.5（MSE，CPU）") == []
    assert english_runs("Zipf 定律：softmax 之后的 tanh") == []
    assert english_runs("X：(num_steps, batch, input_size)，P(time | the)") == []
    assert english_runs("| sequence model | 序列模型 | 01 |") == []
    assert english_runs("预热期 = warm-up period — 预测") == []
    assert english_runs("sequence model") == ["sequence model"]    # a term alone is English
    assert english_runs("交互面板 Panel，控件 theta, lr, optimizer, scheme：运行本笔记本后即可操作。") == []
    # a word the cell's code uses as a name is code
    assert english_runs("model 的 state：model state", {"model", "state"}) == []
    assert cell_identifiers("for model in models:  # the comment words\n    print('said words')") >= {
        "model", "models"}
    assert not cell_identifiers("x = 'said words'  # comment words") & {"said", "words", "comment"}


def test_printed_python_source_is_read_for_its_comments_and_docstrings_only(tmp_path):
    source = ('def f(x):\n    """Lesson 05. Scale the gradients."""\n'
              '    if not x:  # nothing to do\n        raise ValueError("a message")\n    return x\n')
    assert prose_of_python(source).splitlines() == ["Lesson 05. Scale the gradients.", "nothing to do"]
    fragment = ('        x = f(y)  # the future path\n        return x\n    """Lesson 07. By hand."""\n'
                "printed after it\n")
    assert prose_of_python(fragment).split() == ["the", "future", "path", "Lesson", "07.", "By", "hand.",
                                                 "printed", "after", "it"]
    path = tmp_path / "sample.ipynb"
    cell = {"cell_type": "code", "source": "print(inspect.getsource(f))", "metadata": {},
            "outputs": [{"output_type": "stream", "name": "stdout", "text": source}]}
    path.write_text(json.dumps({"cells": [cell]}), encoding="utf-8")
    hits = english_in_notebook(path, root=path.parent)
    assert [h.split(" ← ")[1] for h in hits] == ["'Lesson Scale the gradients'", "'nothing to do'"]


def test_the_detector_reads_html_without_its_tags_and_stored_widget_descriptions():
    cell = {"cell_type": "code", "source": "", "metadata": {
        "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {
            "m": {"state": {"description": "sampling temperature"}}}}}},
            "outputs": [{"output_type": "display_data", "data": {
                "text/html": "<table><tr><td class='x'>训练困惑度</td><td>best run</td></tr></table>",
                "text/plain": "<Figure size 640x480 with 1 Axes>"}}]}
    texts = shown_texts(cell)
    assert not any("class" in t for t in texts)
    assert [r for t in texts for r in english_runs(t)] == ["best run", "sampling temperature"]


# ------------------------------------------------------------------------------ the edition
def test_the_chinese_notebooks_show_no_english_sentence():
    assert len(NOTEBOOKS) == 18, NOTEBOOKS
    hits = [hit for path in NOTEBOOKS for hit in english_in_notebook(path)]
    assert hits == [], f"{len(hits)} English lines in what the Chinese edition shows:\n" + "\n".join(hits)
