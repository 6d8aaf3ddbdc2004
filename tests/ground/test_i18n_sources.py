"""Issue 23: the rnnlab code a Chinese lesson prints has Chinese docstrings and comments, and the
same code (rnnlab/i18n/sources_zh.py, shown by ``rnnlab.getsource``)."""

from __future__ import annotations

import importlib
import inspect
import io
import json
import pkgutil
import re
import sys
import textwrap
import tokenize
from pathlib import Path

import pytest

import rnnlab
from rnnlab.course import source
from rnnlab.i18n import get_language, set_language
from rnnlab.i18n.sources_zh import SOURCES

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "notebooks"))
import test_zh_shows_no_english as shows  # noqa: E402


def _object(name: str):
    module, _, rest = name.partition(".")
    obj, parts = importlib.import_module(module), rest.split(".")
    while parts:   # the longest importable module, then attributes
        try:
            obj = importlib.import_module(f"{obj.__name__}.{parts[0]}")
        except (ModuleNotFoundError, AttributeError):
            break
        parts.pop(0)
    for part in parts:
        obj = getattr(obj, part)
    return obj


def code_tokens(text: str) -> list[tuple[int, str]]:
    """Every token but comments, blank lines and docstrings (a string that is a statement by itself)."""
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(textwrap.dedent(text)).readline)
              if t.type not in (tokenize.COMMENT, tokenize.NL)]
    keep = []
    for i, tok in enumerate(tokens):
        before = tokens[i - 1].type if i else tokenize.NEWLINE
        after = tokens[i + 1].type if i + 1 < len(tokens) else tokenize.NEWLINE
        if tok.type == tokenize.STRING and before in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT) \
                and after == tokenize.NEWLINE:
            continue
        keep.append((tok.type, tok.string))
    return keep


def _zh_source(obj) -> str:
    before = get_language()
    try:
        set_language("zh")
        return rnnlab.getsource(obj)
    finally:
        set_language(before)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_a_translated_source_is_the_english_code_with_chinese_docstrings_and_comments(name):
    obj = _object(name)
    english, text = inspect.getsource(obj), _zh_source(obj)
    assert code_tokens(text) == code_tokens(english)
    prose = shows.prose_of_python(text)
    assert [run for line in prose.splitlines() for run in shows.english_runs(line)] == []
    assert (prose.strip() != "") == (shows.prose_of_python(english).strip() != "")
    # no leftover entry: each one translates a docstring or comment the source has now
    said = {t.string for t in source.prose_tokens(english)}
    assert [k for k in SOURCES[name] if k not in said and f'"""{k}"""' not in said] == []


def test_the_token_check_sees_a_changed_line_of_code_but_not_a_changed_comment():
    english = 'def f(x):\n    """Doc."""\n    return x + 1  # one more\n'
    assert code_tokens(english) == code_tokens('def f(x):\n    """文档。"""\n    return x + 1  # 加一\n')
    assert code_tokens(english) != code_tokens('def f(x):\n    """文档。"""\n    return x + 2  # 加一\n')
    assert code_tokens(english) != code_tokens('def f(x):\n    """文档。"""\n    return "x + 1"\n')


def test_every_function_a_lesson_prints_has_a_translation():
    printed = set()
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        for cell in json.loads(path.read_text("utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                printed |= set(re.findall(r"getsource\(([\w.]+)\)", "".join(cell["source"])))
    assert len(printed) >= 9, printed
    # the names a lesson uses: rnnlab's own, and its modules by their short names (clipping, models, …)
    names = {info.name.rsplit(".", 1)[1]: importlib.import_module(info.name)
             for info in pkgutil.walk_packages(rnnlab.__path__, "rnnlab.")}
    names.update(vars(rnnlab), rnnlab=rnnlab)
    for expr in sorted(printed):
        obj = eval(expr, {}, names)   # a dotted name, e.g. models.RNNModel.forward
        assert f"{obj.__module__}.{obj.__qualname__}" in SOURCES, f"no translation of {expr}"


def test_getsource_speaks_the_readers_language_and_never_falls_back_to_english(monkeypatch):
    before = get_language()
    try:
        set_language("en")
        assert rnnlab.getsource(rnnlab.grad_clipping) == inspect.getsource(rnnlab.grad_clipping)
        set_language("zh")
        assert "第 05 课" in rnnlab.getsource(rnnlab.grad_clipping)
        with pytest.raises(KeyError, match=r"rnnlab\.metrics\.perplexity"):
            rnnlab.getsource(rnnlab.perplexity)
        # a docstring edited in English since it was translated: its old entry no longer matches
        name = "rnnlab.gradients.clipping.grad_clipping"
        stale = {**SOURCES, name: {k[:-1] + "!": v for k, v in SOURCES[name].items()}}
        monkeypatch.setitem(source.TRANSLATED, "zh", stale)
        with pytest.raises(ValueError, match="grad_clipping's source is stale: it has no entry for"):
            rnnlab.getsource(rnnlab.grad_clipping)
    finally:
        set_language(before)
