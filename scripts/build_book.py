"""Build the course as a static website, the book: English at ``/``, Chinese at ``/zh/``.

    .venv/bin/python scripts/build_book.py [--out _build/book] [--repo OWNER/NAME]

(``./book.sh`` runs this after building ``.venv``.) Every page comes from a committed file and
nothing is executed: the lessons ``notebooks/NN_*.ipynb`` and their worked solutions
``notebooks/solutions/`` with the outputs they were committed with (nbconvert's HTML export),
the glossary (``rnnlab.course.glossary``), and the landing page from README's lesson table.
The Chinese edition comes from ``notebooks/zh/`` (same file names) and ``README.zh-CN.md``;
a page missing from it links to the Chinese landing page instead of its twin.

Nothing is fetched when the site is built or read: math is typeset by MathJax from the site's
own ``_static/mathjax/`` (copied from the ``jupyter-server-mathjax`` package that pip
installed), the notebook CSS is nbconvert's own, and a live panel (an ipywidgets view, which
needs a kernel) is replaced by the figure and text the notebook saved with it, plus a line
saying how to run it live. ``--repo`` (or ``$RNNLAB_BOOK_REPO``, or GitHub Actions'
``$GITHUB_REPOSITORY``) adds Binder and Colab launch links to every page (``--branch``, default
``main``, names the branch they open) and points links to repository files (``CONTRIBUTING.md``, …)
at GitHub; without it such links become plain text. Every lesson and solution page also offers its
notebook for download (the committed ``.ipynb``, copied beside the page).

For readers: a skip-to-content link, dark colours where the system asks for them
(``prefers-color-scheme``), a phone layout whose lesson list folds behind a button, print styles
(no navigation, code wrapped), alt text on every figure, the ``check`` cells (claim-checking asserts,
see ``scripts/tidy_notebooks.py``) behind a "checks" toggle, and offline full-text search in both
languages when Pagefind is installed (``pagefind[extended]``, in the ``book`` extra).

A malformed notebook (not JSON, no ``cells``, a cell without ``cell_type``, ``source`` or ``id``)
stops the build with a message naming the file and the cell; a failed build leaves nothing
behind (no ``_build/book.tmp``) and the previous site as it was.
"""

from __future__ import annotations

import argparse
import copy
import html
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent / "book"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
REPO_PATTERN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")

LABELS = {
    "en": {
        "html_lang": "en", "home": "rnnlab", "lessons": "Lessons", "solutions": "Worked solutions",
        "glossary": "Glossary (English–中文)", "other": "中文", "other_lang": "zh-CN",
        "prev": "← Previous", "next": "Next →", "lesson": "The lesson", "solutions_of": "Worked solutions",
        "solutions_intro": "The exercises of every lesson, worked, with the outputs they were run with.",
        "glossary_intro": "Every term the course teaches, with its Chinese name and the lesson that "
                          "teaches it (from <code>rnnlab.course.glossary</code>).",
        "panel_note": "A live panel: the book shows what it drew when the notebook was last run. "
                      "To move its controls, run the lesson yourself: {how}.",
        "panel_how_repo": "<code>git clone https://github.com/{repo}</code>, then <code>./course.sh</code> "
                          "in the clone, or <a href=\"{binder}\">open this lesson on Binder</a>",
        "panel_how": "in a clone of the repository, run <code>./course.sh</code> (README: the commands)",
        "notes": "For the instructor (speaker notes; hidden in the slideshow)",
        "skip": "Skip to content", "menu": "Lessons", "launch": "Run this lesson",
        "download": "Download the notebook (.ipynb)", "binder": "Open in Binder", "colab": "Open in Colab",
        "launch_course": "Run the course", "checks": "checks (the asserts that test this lesson's claims)",
        "figure_alt": "Figure {n} of “{title}”, section “{section}”: the plot this cell drew",
        "search": "Search",
    },
    "zh": {
        "html_lang": "zh-CN", "home": "rnnlab", "lessons": "课程", "solutions": "习题解答",
        "glossary": "术语表（英文–中文）", "other": "English", "other_lang": "en",
        "prev": "← 上一篇", "next": "下一篇 →", "lesson": "本课", "solutions_of": "习题解答",
        "solutions_intro": "每一课的习题，附完整解答和运行时保存的输出。",
        "glossary_intro": "课程中的每个术语、它的中文名称和讲授它的课（来自 "
                          "<code>rnnlab.course.glossary</code>）。",
        "panel_note": "交互面板：书中显示的是笔记本上次运行时它画出的结果。"
                      "要拖动滑块，请自己运行本课：{how}。",
        "panel_how_repo": "<code>git clone https://github.com/{repo}</code>，然后在克隆的目录中运行 "
                          "<code>./course.sh</code>，或<a href=\"{binder}\">在 Binder 上打开本课</a>",
        "panel_how": "在仓库的克隆中运行 <code>./course.sh</code>（见 README 中的命令）",
        "notes": "给讲课教师（讲者备注；幻灯片放映时不显示）",
        "skip": "跳到正文", "menu": "课程目录", "launch": "运行本课",
        "download": "下载笔记本（.ipynb）", "binder": "在 Binder 中打开", "colab": "在 Colab 中打开",
        "launch_course": "运行课程", "checks": "检查（验证本课结论的 assert 语句）",
        "figure_alt": "《{title}》的图 {n}，小节“{section}”：此单元格绘制的图",
        "search": "搜索",
    },
}


class BookError(Exception):
    """Malformed input, named: the file and, where it is one cell's fault, the cell."""


def load_notebook(path: Path) -> dict:
    """The notebook at ``path``, checked for what the book reads; a BookError naming file and cell."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise BookError(f"{path}: not UTF-8 text ({exc})") from None
    except json.JSONDecodeError as exc:
        raise BookError(f"{path}: not a notebook: invalid JSON at line {exc.lineno}, column {exc.colno} "
                        f"({exc.msg}); a truncated or half-written file?") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise BookError(f"{path}: not a notebook: no 'cells' list at the top level")
    if not isinstance(nb.get("metadata", {}), dict):
        raise BookError(f"{path}: 'metadata' must be an object")
    for i, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict):
            raise BookError(f"{path}: cell {i} is not an object")
        for key in ("cell_type", "source", "id"):
            if key not in cell:
                raise BookError(f"{path}: cell {i} (id {cell.get('id', '?')}) has no '{key}'")
        if not isinstance(cell["source"], (str, list)):
            raise BookError(f"{path}: cell {i} (id {cell['id']}): 'source' must be a string or a list "
                            "of lines")
        cell.setdefault("metadata", {})
    return nb


@dataclass
class Page:
    lang: str
    key: str            # the same for a page and its other-language twin
    out: str            # path in the site, e.g. "zh/04_rnn_from_scratch.html"
    title: str
    source: Path | None = None   # the notebook (or README) it is made from
    kind: str = "prose"          # "lesson", "solution" or "prose"
    body: str = ""               # for prose pages: the HTML inside <main>
    extra: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- sources


def repo_path(path: Path) -> str:
    """``path`` as a path in the repository (what Binder and Colab open); its name if outside it."""
    resolved = path.resolve()
    return resolved.relative_to(ROOT).as_posix() if resolved.is_relative_to(ROOT) else path.name


def notebook_title(path: Path) -> str:
    nb = load_notebook(path)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip().replace("`", "")
    return path.stem


def edition_pages(lang: str, notebooks: Path) -> list[Page]:
    prefix = "" if lang == "en" else f"{lang}/"
    pages = []
    for nb in sorted(notebooks.glob("[0-9][0-9]_*.ipynb")):
        pages.append(Page(lang, f"lesson/{nb.stem}", f"{prefix}{nb.stem}.html", notebook_title(nb), nb,
                          "lesson"))
    for nb in sorted((notebooks / "solutions").glob("[0-9][0-9]_*_solutions.ipynb")):
        pages.append(Page(lang, f"solution/{nb.stem}", f"{prefix}solutions/{nb.stem}.html",
                          notebook_title(nb), nb, "solution"))
    return pages


def readme_parts(text: str) -> tuple[str, str, str]:
    """The README's title, everything before its first section, and the section with the lesson table."""
    lines = text.splitlines()
    title = next((line.lstrip("#").strip() for line in lines if line.startswith("# ")), "rnnlab")
    starts = [i for i, line in enumerate(lines) if line.startswith("## ")] + [len(lines)]
    first_h1 = next((i for i, line in enumerate(lines) if line.startswith("# ")), -1)
    preamble = "\n".join(lines[first_h1 + 1:starts[0]])
    lessons = ""
    for a, b in zip(starts, starts[1:]):
        section = "\n".join(lines[a:b])
        if re.search(r"^\|.*\]\([^)]*\.ipynb\)", section, re.M):
            lessons = section
            break
    return title, preamble, lessons


def markdown_html(text: str) -> str:
    import mistune

    return mistune.html(text)


# --------------------------------------------------------------------------- pages


class Book:
    def __init__(self, out: Path, repo: str | None, editions: dict[str, tuple[Path, Path | None]],
                 branch: str = "main", search: bool = True):
        self.out, self.repo, self.branch, self.search = out, repo, branch, search
        self.editions = editions          # lang -> (notebooks folder, README)
        self.pages: list[Page] = []
        self.by_out: dict[str, Page] = {}
        self.by_source: dict[Path, Page] = {}

    # ---- what the site holds
    def plan(self) -> None:
        for lang, (notebooks, readme) in self.editions.items():
            labels = LABELS[lang]
            prefix = "" if lang == "en" else f"{lang}/"
            pages = edition_pages(lang, notebooks)
            index = Page(lang, "index", f"{prefix}index.html", labels["home"], readme)
            glossary = Page(lang, "glossary", f"{prefix}glossary.html", labels["glossary"])
            solutions = Page(lang, "solutions", f"{prefix}solutions/index.html", labels["solutions"])
            self.pages += [index] + pages + [solutions, glossary]
            if readme is not None:
                self.by_source[readme.resolve()] = index
            self.by_source[(notebooks / "solutions").resolve()] = solutions
            self.by_source[notebooks.resolve()] = index
        for page in self.pages:
            self.by_out[page.out] = page
            if page.source is not None and page.kind != "prose":
                self.by_source[page.source.resolve()] = page

    def lang_pages(self, lang: str, kind: str) -> list[Page]:
        return [p for p in self.pages if p.lang == lang and p.kind == kind]

    def twin(self, page: Page) -> Page | None:
        """The same page in the other language (its landing page where the twin is missing)."""
        others = [lang for lang in self.editions if lang != page.lang]
        if not others:
            return None
        same = [p for p in self.pages if p.lang == others[0] and p.key == page.key]
        return same[0] if same else self.by_out[self.index_of(others[0])]

    @staticmethod
    def index_of(lang: str) -> str:
        return "index.html" if lang == "en" else f"{lang}/index.html"

    # ---- links
    def href(self, page: Page, target: Page | str) -> str:
        out = target.out if isinstance(target, Page) else target
        return posixpath.relpath(out, posixpath.dirname(page.out) or ".")

    def rewrite_link(self, page: Page, href: str) -> str | None:
        """Where ``href`` (as written in the page's source) points in the site; None: nowhere."""
        if not href or href.startswith(("#", "http://", "https://", "mailto:", "data:")):
            if href.startswith("#") and page.source is not None and page.source.suffix == ".md":
                return self.repo_url(page.source, href)  # an anchor of README, not of this page
            return href
        path, _, fragment = href.partition("#")
        in_site = posixpath.normpath(posixpath.join(posixpath.dirname(page.out), path))
        if in_site in self.by_out or in_site.startswith("_static/"):
            return href  # the book's own navigation, already a link in the site
        base = page.source.parent if page.source is not None else ROOT
        target = (base / path).resolve()
        if target in self.by_source:
            return self.href(page, self.by_source[target]) + (f"#{fragment}" if fragment else "")
        return self.repo_url(target, f"#{fragment}" if fragment else "")

    def repo_url(self, target: Path, fragment: str = "") -> str | None:
        if self.repo is None:
            return None
        try:
            rel = target.resolve().relative_to(ROOT).as_posix()
        except ValueError:
            return None
        kind = "tree" if target.is_dir() else "blob"
        return f"https://github.com/{self.repo}/{kind}/HEAD/{rel}{fragment}"

    def fix_links(self, page: Page, text: str) -> str:
        def one(match: re.Match) -> str:
            attrs, inner = match.group(1), match.group(2)
            m = re.search(r'href="([^"]*)"', attrs)
            if m is None or re.search(r"\sdownload=", attrs):  # no link, or the book's own download
                return match.group(0)
            new = self.rewrite_link(page, html.unescape(m.group(1)))
            if new is None:  # a repository file the site does not hold, and no repository to link to
                return f'<span class="book-repo-path">{inner}</span>'
            return "<a" + attrs.replace(m.group(0), f'href="{html.escape(new)}"') + ">" + inner + "</a>"

        return re.sub(r"<a(\s[^>]*)>(.*?)</a>", one, text, flags=re.S)

    # ---- frame
    def header(self, page: Page) -> str:
        labels = LABELS[page.lang]
        home = self.by_out[self.index_of(page.lang)]
        parts = [f'<a class="book-skip" href="#book-content">{labels["skip"]}</a>',
                 '<script>document.documentElement.classList.add("book-js")</script>',
                 '<header class="book-bar">',
                 f'<button class="book-menu" type="button" aria-controls="book-toc" aria-expanded="false" '
                 f'onclick="var t=document.getElementById(\'book-toc\');'
                 f'this.setAttribute(\'aria-expanded\', t.classList.toggle(\'book-toc-open\'))">'
                 f'☰ {labels["menu"]}</button>',
                 f'<a class="book-title" href="{self.href(page, home)}">rnnlab</a>',
                 f'<span class="book-page-title">{html.escape(page.title)}</span>']
        if self.search:
            parts.append(f'<div class="book-search" id="book-search" role="search" '
                         f'aria-label="{labels["search"]}"></div>')
        twin = self.twin(page)
        if twin is not None:
            other = labels["other_lang"]
            parts.append(f'<a class="book-lang" id="book-lang" hreflang="{other}" lang="{other}" '
                         f'href="{self.href(page, twin)}">{labels["other"]}</a>')
        parts.append("</header>")
        parts.append(self.toc(page))
        return "\n".join(parts)

    # ---- ways in: download, Binder, Colab
    def notebook_download(self, page: Page) -> str:
        """Where the page's notebook is copied in the site, beside the page."""
        return page.out.removesuffix(".html") + ".ipynb"

    def launch_urls(self, rel: str) -> dict[str, str]:
        """Binder and Colab links that open ``rel`` (a path in the repository); none without --repo."""
        if self.repo is None:
            return {}
        return {"binder": f"https://mybinder.org/v2/gh/{self.repo}/{self.branch}?urlpath=lab/tree/{rel}",
                "colab": f"https://colab.research.google.com/github/{self.repo}/blob/{self.branch}/{rel}"}

    def launch(self, page: Page) -> str:
        labels = LABELS[page.lang]
        links = []
        if page.kind in ("lesson", "solution"):
            rel = repo_path(page.source)
            name = page.source.name
            links.append(f'<a class="book-download" href="{self.href(page, self.notebook_download(page))}" '
                         f'download="{html.escape(name)}">{labels["download"]}</a>')
            heading = labels["launch"]
        else:
            rel = repo_path(self.lang_pages(page.lang, "lesson")[0].source)
            heading = labels["launch_course"]
        for kind, url in self.launch_urls(rel).items():
            links.append(f'<a class="book-{kind}" href="{html.escape(url)}">{labels[kind]}</a>')
        if not links:
            return ""
        return (f'<nav class="book-launch" aria-label="{heading}">'
                f'<span class="book-launch-label">{heading}:</span> ' + " · ".join(links) + "</nav>")

    def toc(self, page: Page) -> str:
        labels = LABELS[page.lang]

        def link(target: Page, text: str | None = None) -> str:
            current = ' aria-current="page"' if target is page else ""
            return f'<a href="{self.href(page, target)}"{current}>{html.escape(text or target.title)}</a>'

        solutions = {p.source.stem.removesuffix("_solutions"): p
                     for p in self.lang_pages(page.lang, "solution")}
        items = []
        for lesson in self.lang_pages(page.lang, "lesson"):
            sub = ""
            if lesson.source.stem in solutions:
                sub = f"<ul><li>{link(solutions[lesson.source.stem], labels['solutions_of'])}</li></ul>"
            items.append(f"<li>{link(lesson)}{sub}</li>")
        prose = {p.key: p for p in self.pages if p.lang == page.lang and p.kind == "prose"}
        return (f'<nav class="book-toc" id="book-toc" aria-label="{labels["lessons"]}"><ul>'
                f'<li>{link(prose["index"])}</li>'
                f'<li class="book-toc-heading">{labels["lessons"]}</li>{"".join(items)}'
                f'<li class="book-toc-heading">{link(prose["solutions"])}</li>'
                f'<li class="book-toc-heading">{link(prose["glossary"])}</li></ul></nav>')

    def footer(self, page: Page) -> str:
        labels = LABELS[page.lang]
        links = []
        if page.kind == "lesson":
            lessons = self.lang_pages(page.lang, "lesson")
            i = lessons.index(page)
            if i > 0:
                links.append(f'<a rel="prev" href="{self.href(page, lessons[i - 1])}">{labels["prev"]}: '
                             f'{html.escape(lessons[i - 1].title)}</a>')
            sol = [p for p in self.lang_pages(page.lang, "solution")
                   if p.source.stem == page.source.stem + "_solutions"]
            if sol:
                links.append(f'<a href="{self.href(page, sol[0])}">{labels["solutions_of"]}</a>')
            if i + 1 < len(lessons):
                links.append(f'<a rel="next" href="{self.href(page, lessons[i + 1])}">{labels["next"]}: '
                             f'{html.escape(lessons[i + 1].title)}</a>')
        elif page.kind == "solution":
            stem = page.source.stem.removesuffix("_solutions")
            lesson = [p for p in self.lang_pages(page.lang, "lesson") if p.source.stem == stem]
            if lesson:
                links.append(f'<a href="{self.href(page, lesson[0])}">{labels["lesson"]}: '
                             f'{html.escape(lesson[0].title)}</a>')
        return f'<nav class="book-pager">{"".join(links)}</nav>' if links else ""

    def mathjax(self, page: Page) -> str:
        src = self.href(page, "_static/mathjax/MathJax.js") + "?config=TeX-AMS-MML_HTMLorMML-full,Safe"
        return (
            '<link rel="icon" href="data:,">\n'
            '<script type="text/x-mathjax-config">\n'
            "MathJax.Hub.Config({\n"
            "  tex2jax: {inlineMath: [['$','$'], ['\\\\(','\\\\)']],\n"
            "            displayMath: [['$$','$$'], ['\\\\[','\\\\]']],\n"
            "            processEscapes: true, processEnvironments: true},\n"
            "  TeX: {equationNumbers: {autoNumber: 'AMS', useLabelIds: true}},\n"
            # The web font the package ships (no local-font probing, no image fonts), and the
            # font-loading test's blank font looked up locally instead of at about:blank, which
            # Chromium reports as a blocked request.
            "  'HTML-CSS': {availableFonts: [], preferredFont: null, webFont: 'STIX-Web', imageFont: null,\n"
            "               styles: {'@font-face': {'font-family': 'MathJax_Blank',\n"
            "                                       src: \"local('MathJax_Blank')\"}}},\n"
            # HTML-CSS output in every browser (not Chromium's native MathML, whose MathJax
            # styles ask for TeX fonts the package does not ship), and no fast preview.
            "  MMLorHTML: {prefer: 'HTML'}, 'fast-preview': {disabled: true},\n"
            "  menuSettings: {CHTMLpreview: false},\n"
            "  displayAlign: 'center', messageStyle: 'none', showMathMenu: false\n"
            "});\n"
            "MathJax.Hub.Register.StartupHook('End', function () {\n"
            "  document.documentElement.setAttribute('data-math', 'done');\n"
            "});\n"
            "</script>\n"
            f'<script src="{src}"></script>\n')

    def search_head(self, page: Page) -> str:
        """Pagefind's search box (its files are made after the pages, in pagefind/)."""
        if not self.search:
            return ""
        root = self.root(page)
        return (f'<link rel="stylesheet" href="{root}pagefind/pagefind-ui.css">\n'
                f'<script src="{root}pagefind/pagefind-ui.js"></script>\n'
                "<script>window.addEventListener('DOMContentLoaded', function () {\n"
                "  new PagefindUI({element: '#book-search', showImages: false, resetStyles: false});\n"
                "});</script>\n")

    # ---- notebooks
    def static_panel(self, page: Page, data: dict) -> str:
        labels = LABELS[page.lang]
        if self.repo is not None:
            binder = self.launch_urls(repo_path(page.source))["binder"]
            how = labels["panel_how_repo"].format(repo=self.repo, binder=html.escape(binder))
        else:
            how = labels["panel_how"]
        text = data.get("text/plain", "")
        text = "".join(text) if isinstance(text, list) else text
        parts = ['<div class="book-panel">']
        if "image/png" in data:
            png = "".join(data["image/png"]) if isinstance(data["image/png"], list) else data["image/png"]
            alt = html.escape(text.splitlines()[0])
            parts.append(f'<img src="data:image/png;base64,{png.strip()}" alt="{alt}">')
        parts.append(f'<pre class="book-panel-text">{html.escape(text)}</pre>')
        parts.append(f'<p class="book-panel-live">{labels["panel_note"].format(how=how)}</p></div>')
        return "\n".join(parts)

    def without_widgets(self, page: Page, nb: dict) -> tuple[dict, int]:
        nb = copy.deepcopy(nb)
        nb["metadata"].pop("widgets", None)
        panels, figures, section = 0, 0, page.title
        # The lesson's own launch cells (scripts/launch_links.py): the page header has the links.
        nb["cells"] = [c for c in nb["cells"] if "launch" not in c["metadata"].get("tags", [])]
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                headings = re.findall(r"^#{1,4}\s+(.+)$", source, re.M)
                section = re.sub(r"[`*_$\\]", "", headings[-1]).strip() if headings else section
            if cell["metadata"].get("slideshow", {}).get("slide_type") == "notes":
                # A speaker note reads as an aside for the instructor, not as lesson text.
                source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                lines = [f"**{LABELS[page.lang]['notes']}**", ""] + source.splitlines()
                cell["source"] = "\n".join("> " + line if line else ">" for line in lines)
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if WIDGET_VIEW in data:
                    output["data"] = {"text/html": self.static_panel(page, data)}
                    panels += 1
                elif "image/png" in data or "image/jpeg" in data:
                    figures += 1  # the template writes metadata.alt as the image's alt text
                    output.setdefault("metadata", {})["alt"] = LABELS[page.lang]["figure_alt"].format(
                        n=figures, title=page.title, section=section)
        return nb, panels

    def render_notebook(self, exporter, page: Page) -> str:
        import nbformat

        raw = load_notebook(page.source)
        nb_dict, panels = self.without_widgets(page, raw)
        page.extra["panels"] = panels
        try:
            nb = nbformat.reads(json.dumps(nb_dict), as_version=4)
            resources = {"metadata": {"name": page.title},
                         "book": {"root": self.root(page), "header": self.header(page),
                                  "footer": self.footer(page),
                                  "mathjax": self.mathjax(page) + self.search_head(page),
                                  "launch": self.launch(page), "checks": LABELS[page.lang]["checks"]}}
            body, _ = exporter.from_notebook_node(nb, resources=resources)
        except Exception as exc:  # nbformat's validation or the export: name the file
            raise BookError(f"{page.source}: {type(exc).__name__}: {str(exc)[:500]}") from exc
        # nbconvert takes ISO 639-1 codes only ("zh", not "zh-CN"): set the page's language here.
        lang = LABELS[page.lang]["html_lang"]
        return re.sub(r'<html lang="[^"]*">', f'<html lang="{lang}">', body, count=1)

    # ---- prose pages
    def root(self, page: Page) -> str:
        """The site's root, relative to the page: "" or "../" or "../../"."""
        return "../" * page.out.count("/")

    def prose_shell(self, page: Page, body: str) -> str:
        root = self.root(page)
        return (f'<!DOCTYPE html>\n<html lang="{LABELS[page.lang]["html_lang"]}">\n'
                '<head>\n<meta charset="utf-8">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
                f"<title>{html.escape(page.title)} · rnnlab</title>\n"
                f'<link rel="stylesheet" href="{root}_static/jupyterlab.css">\n'
                f'<link rel="stylesheet" href="{root}_static/book.css">\n'
                f"{self.mathjax(page)}{self.search_head(page)}</head>\n"
                '<body class="book-page">\n'
                f"{self.header(page)}\n<main class=\"book-main\" id=\"book-content\" tabindex=\"-1\" "
                f"data-pagefind-body>{self.launch(page)}<article class=\"book-prose\">\n{body}\n"
                f"</article>{self.footer(page)}</main>\n</body>\n</html>\n")

    def landing(self, page: Page) -> str:
        labels = LABELS[page.lang]
        readme = page.source
        if readme is not None and readme.exists():
            title, preamble, lessons = readme_parts(readme.read_text(encoding="utf-8"))
        else:
            title, preamble, lessons = "rnnlab", "", ""
        page.title = title
        if not lessons:  # no README (or no lesson table in it): a table of the lessons' own titles
            rows = [f"| [{p.title}]({p.source.resolve()}) |" for p in self.lang_pages(page.lang, "lesson")]
            lessons = f"## {labels['lessons']}\n\n| |\n|---|\n" + "\n".join(rows)
        return f"<h1>{html.escape(title)}</h1>\n" + markdown_html(preamble) + markdown_html(lessons)

    def glossary(self, page: Page) -> str:
        from rnnlab.course import glossary

        return (f"<h1>{html.escape(page.title)}</h1>\n<p>{LABELS[page.lang]['glossary_intro']}</p>\n"
                + markdown_html(glossary.as_markdown()))

    def solutions_index(self, page: Page) -> str:
        items = "".join(f'<li><a href="{self.href(page, p)}">{html.escape(p.title)}</a></li>'
                        for p in self.lang_pages(page.lang, "solution"))
        return (f"<h1>{html.escape(page.title)}</h1>\n<p>{LABELS[page.lang]['solutions_intro']}</p>\n"
                f"<ul>{items}</ul>")

    # ---- the whole site
    def build(self) -> dict:
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(template_name="rnnlab_book",
                                extra_template_basedirs=[str(HERE / "templates")])
        tmp = self.out.with_name(self.out.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        try:
            counts = self._build_into(tmp, exporter)
        except BaseException:  # an error or a Ctrl-C: nothing half-written stays, the old site stays
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if self.out.exists():
            shutil.rmtree(self.out)
        tmp.rename(self.out)
        return counts

    def _build_into(self, tmp: Path, exporter) -> dict:
        self.static(tmp / "_static")
        self.plan()
        # Landing pages first: they set their titles, which other pages' headers show.
        for page in sorted(self.pages, key=lambda p: p.key != "index"):
            if page.kind in ("lesson", "solution"):
                text = self.render_notebook(exporter, page)
            else:
                body = {"index": self.landing, "glossary": self.glossary,
                        "solutions": self.solutions_index}[page.key](page)
                text = self.prose_shell(page, body)
            text = self.fix_links(page, text)
            leaks = re.findall(r'<(?:script|link|img)\b[^>]*\b(?:src|href)="(?:https?:)?//[^"]*"', text)
            if leaks:
                raise SystemExit(f"build_book: {page.out} would load from the network: {leaks[:3]}")
            target = tmp / page.out
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            if page.kind in ("lesson", "solution"):  # the download link's file
                shutil.copyfile(page.source, tmp / self.notebook_download(page))
        (tmp / ".nojekyll").write_text("")  # GitHub Pages: serve _static/ as it is
        if self.search:
            self.index_for_search(tmp)
        return {lang: sum(p.lang == lang for p in self.pages) for lang in self.editions}

    @staticmethod
    def index_for_search(site: Path) -> None:
        """Pagefind's index of every page, one per language (from <html lang>), in site/pagefind/."""
        done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site)],
                              capture_output=True, text=True, timeout=1800)
        if done.returncode != 0 or not (site / "pagefind" / "pagefind-ui.js").is_file():
            raise BookError(f"Pagefind could not index {site}:\n{(done.stdout + done.stderr)[-2000:]}")

    def static(self, folder: Path) -> None:
        import jupyter_server_mathjax
        from jupyter_core.paths import jupyter_path

        folder.mkdir()
        mathjax = Path(jupyter_server_mathjax.__file__).parent / "static"
        shutil.copytree(mathjax, folder / "mathjax")
        lab = next(Path(p) / "lab" / "static" for p in jupyter_path("nbconvert", "templates")
                   if (Path(p) / "lab" / "static" / "index.css").exists())
        # JupyterLab's light theme, and its dark one where the reader's system asks for dark colours.
        def read(name: str) -> str:
            return (lab / name).read_text(encoding="utf-8")

        css = (read("index.css") + "\n" + read("theme-light.css")
               + "\n@media (prefers-color-scheme: dark) {\n" + read("theme-dark.css") + "\n}\n")
        (folder / "jupyterlab.css").write_text(css, encoding="utf-8")
        shutil.copy(HERE / "book.css", folder / "book.css")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "book", help="where the site goes")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks", help="the English lessons")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    parser.add_argument("--zh-notebooks", type=Path, default=ROOT / "notebooks" / "zh",
                        help="the Chinese lessons (same file names); no Chinese edition if missing")
    parser.add_argument("--zh-readme", type=Path, default=ROOT / "README.zh-CN.md")
    repo = os.environ.get("RNNLAB_BOOK_REPO") or os.environ.get("GITHUB_REPOSITORY") or None
    parser.add_argument("--repo", default=repo,
                        help="OWNER/NAME on GitHub, for the Binder link and links to repository files")
    parser.add_argument("--branch", default="main", help="the branch the Binder and Colab links open")
    parser.add_argument("--no-search", action="store_true",
                        help="no search box (the default without Pagefind: pip install 'pagefind[extended]')")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[A-Za-z0-9_./-]+", args.branch):
        parser.error(f"--branch must be a branch name, got {args.branch!r}")
    if args.repo is not None and not REPO_PATTERN.match(args.repo):
        parser.error(f"--repo must look like OWNER/NAME, got {args.repo!r}")
    if not any(args.notebooks.glob("[0-9][0-9]_*.ipynb")):
        parser.error(f"--notebooks {args.notebooks} holds no lesson (NN_name.ipynb)")
    editions = {"en": (args.notebooks, args.readme)}
    if any(args.zh_notebooks.glob("[0-9][0-9]_*.ipynb")):
        editions["zh"] = (args.zh_notebooks, args.zh_readme if args.zh_readme.exists() else None)
    else:
        print(f"==> no Chinese edition: {args.zh_notebooks} holds no lesson; building English only")
    import importlib.util

    search = not args.no_search and importlib.util.find_spec("pagefind") is not None
    if not args.no_search and not search:
        print("==> no search box: Pagefind is not installed (pip install 'pagefind[extended]', "
              "the book extra has it)")
    start = time.perf_counter()
    try:
        counts = Book(args.out.resolve(), args.repo, editions, args.branch, search).build()
    except BookError as exc:
        print(f"build_book: {exc}", file=sys.stderr)
        return 1
    print(f"==> book: {', '.join(f'{n} {lang} pages' for lang, n in counts.items())} in {args.out} "
          f"({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
