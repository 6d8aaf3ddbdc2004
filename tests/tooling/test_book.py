"""The book (``./book.sh``, ``scripts/build_book.py``): built once, served on 127.0.0.1, read in Chromium.

The site is built from the committed notebooks into a temporary folder and served by a
plain static file server, as GitHub Pages would serve it. In headless Chromium the landing
page and lesson 04, in English and in Chinese, must show typeset math (no raw ``$$``, no
MathJax error), load every figure, switch language to their twin page, and log no console
error and no failed request; a crawl of the whole site (every ``href`` and ``src`` of
every page reached from the two landing pages) must find no missing file.

The Chinese pages come from ``notebooks/zh/`` (the built Chinese edition) and
``README.zh-CN.md``. Screenshots land in ``tests/artifacts/book_*.png`` (git-ignored).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
ZH_NOTEBOOKS = NOTEBOOKS / "zh"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM = Path(os.environ.get("RNNLAB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
LESSON = "04_rnn_from_scratch"
# (page, its twin in the other language)
PAGES = [("index.html", "zh/index.html"), (f"{LESSON}.html", f"zh/{LESSON}.html"),
         ("zh/index.html", "index.html"), (f"zh/{LESSON}.html", f"{LESSON}.html")]

pytestmark = pytest.mark.browser


class Site:
    """The built book, served from a thread; remembers every request that found nothing."""

    def __init__(self, folder: Path):
        self.folder, self.missing = folder, []
        site = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send_error(self, code, *args, **kwargs):
                site.missing.append(f"{code} {self.path}")
                super().send_error(code, *args, **kwargs)

        handler = functools.partial(Handler, directory=folder)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, page: str) -> str:
        return self.base + page

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("book")
    zh, zh_readme = ZH_NOTEBOOKS, ROOT / "README.zh-CN.md"
    out = tmp / "site"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_book.py"), "--out", str(out),
                             "--zh-notebooks", str(zh), "--zh-readme", str(zh_readme)],
                            capture_output=True, text=True, timeout=1800,
                            env={**os.environ, "RNNLAB_BOOK_REPO": "", "GITHUB_REPOSITORY": ""})
    assert result.returncode == 0, result.stdout + result.stderr
    return {"out": out, "zh": zh, "log": result.stdout}


@pytest.fixture(scope="module")
def site(book):
    served = Site(book["out"])
    yield served
    served.stop()


@pytest.fixture(scope="module")
def browser(site):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found; install Chromium (sudo apt-get install chromium) "
                    "to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.problems = []
    page.on("console", lambda m: page.problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: page.problems.append(f"failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: page.problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None)
    try:
        yield page
    finally:
        context.close()


def open_page(page, site: Site, path: str) -> None:
    page.goto(site.url(path))
    page.wait_for_function("document.documentElement.dataset.math === 'done'")
    page.wait_for_function("Array.from(document.images).every(img => img.complete)")


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"book_{name}.png"), full_page=False)


# --------------------------------------------------------------------------- the files


def test_every_lesson_solution_and_the_glossary_is_a_page_in_both_languages(book):
    out = book["out"]
    for lang_dir, notebooks in (("", NOTEBOOKS), ("zh/", book["zh"])):
        lessons = sorted(notebooks.glob("[0-9][0-9]_*.ipynb"))
        solutions = sorted((notebooks / "solutions").glob("[0-9][0-9]_*_solutions.ipynb"))
        assert lessons and solutions, notebooks
        for nb in lessons:
            assert (out / f"{lang_dir}{nb.stem}.html").is_file(), nb
        for nb in solutions:
            assert (out / f"{lang_dir}solutions/{nb.stem}.html").is_file(), nb
        for prose in ("index.html", "glossary.html", "solutions/index.html"):
            assert (out / f"{lang_dir}{prose}").is_file(), prose
    english = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    assert len(english) == 9 and english[0].stem == "00_start_here"


def test_every_widget_view_is_replaced_by_its_saved_figure_and_text(book):
    for lang_dir, notebooks in (("", NOTEBOOKS), ("zh/", book["zh"])):
        for nb_path in sorted(notebooks.glob("[0-9][0-9]_*.ipynb")):
            nb = json.loads(nb_path.read_text(encoding="utf-8"))
            views = [o["data"] for c in nb["cells"] for o in c.get("outputs", [])
                     if WIDGET_VIEW in o.get("data", {})]
            text = (book["out"] / f"{lang_dir}{nb_path.stem}.html").read_text(encoding="utf-8")
            assert WIDGET_VIEW not in text and "Error displaying widget" not in text, nb_path
            assert text.count('<div class="book-panel">') == len(views), nb_path
            assert text.count('class="book-panel-live"') == len(views), nb_path
            figures = sum("image/png" in data for data in views)
            panels = re.findall(r'<div class="book-panel">(.*?)</div>', text, flags=re.S)
            with_figure = [p for p in panels if re.search(r'<img [^>]*src="data:image/png;base64,', p)]
            assert len(with_figure) == figures


def test_no_page_loads_anything_from_the_network(book):
    for html_file in book["out"].rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        leaks = re.findall(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="(?:https?:)?//[^"]*"', text)
        assert not leaks, (html_file, leaks[:3])
        assert re.search(r'<script src="[./]*_static/mathjax/MathJax\.js', text), html_file


def test_the_chinese_pages_are_the_real_edition(book):
    lessons = sorted(ZH_NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    assert [p.name for p in lessons] == [p.name for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))]
    text = (book["out"] / f"zh/{LESSON}.html").read_text(encoding="utf-8")
    assert re.search(r"[\u4e00-\u9fff]{20}", text)


def test_every_internal_link_of_the_site_resolves(book, site):
    """Crawl from both landing pages: every page, figure, script and stylesheet it names is there."""
    seen, queue, broken = set(), [site.url("index.html"), site.url("zh/index.html")], []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                body = response.read()
                kind = response.headers.get_content_type()
        except urllib.error.HTTPError as error:
            broken.append(f"{error.code} {url}")
            continue
        if kind != "text/html":
            continue
        for ref in re.findall(r'\b(?:href|src)="([^"#][^"]*)"', body.decode("utf-8")):
            target = urllib.parse.urljoin(url, ref.replace("&amp;", "&")).split("#")[0].split("?")[0]
            if target.startswith(site.base):
                queue.append(target)
    pages = [u for u in seen if u.endswith(".html")]
    assert not broken, broken
    expected = len(list(book["out"].rglob("*.html")))
    assert len(pages) == expected, f"the crawl reached {len(pages)} of the {expected} pages"


# --------------------------------------------------------------------------- in the browser


@pytest.mark.parametrize("path, twin", PAGES, ids=[p for p, _ in PAGES])
def test_page_reads_right_in_chromium(page, site, path, twin):
    open_page(page, site, path)
    screenshot(page, path.replace("/", "_").removesuffix(".html"))
    prose = page.locator(".jp-MarkdownOutput, .book-prose").all_inner_texts()
    assert prose, "no text on the page"
    raw = [t for t in prose if "$$" in t or re.search(r"\$[^$\s][^$\n]*\$", t)]
    assert not raw, f"math left raw: {raw[0][:300]}"
    assert page.locator(".MathJax .merror, .MathJax_Error").count() == 0
    if LESSON in path:
        assert page.locator(".MathJax, .MathJax_Display").count() > 10
        widths = page.evaluate("Array.from(document.images).map(img => img.naturalWidth)")
        assert len(widths) >= 5 and all(w > 0 for w in widths), widths
        panel = page.locator(".book-panel").first
        assert panel.locator("img").evaluate("img => img.naturalWidth") > 0
        assert "./course.sh" in panel.locator(".book-panel-live").inner_text()
    assert "Error displaying widget" not in page.inner_text("body")
    lang = page.evaluate("document.documentElement.lang")
    assert lang == ("zh-CN" if path.startswith("zh/") else "en")
    assert page.problems == [], page.problems

    page.click("#book-lang")
    page.wait_for_url(site.url(twin))
    page.wait_for_function("document.documentElement.dataset.math === 'done'")
    assert page.evaluate("document.documentElement.lang") == ("zh-CN" if twin.startswith("zh/") else "en")
    assert page.problems == [], page.problems
    assert site.missing == [], site.missing


def test_the_static_site_needs_no_server_side_code(book):
    """GitHub Pages serves files only: every page is a plain file, and .nojekyll keeps _static/ as is."""
    out = book["out"]
    assert (out / ".nojekyll").is_file()
    assert (out / "_static" / "mathjax" / "MathJax.js").is_file()
    assert not [p for p in out.rglob("*") if p.suffix in (".ipynb", ".py", ".j2")]


def test_speaker_notes_read_as_an_aside_for_the_instructor(book):
    nb = json.loads((NOTEBOOKS / f"{LESSON}.ipynb").read_text(encoding="utf-8"))
    notes = [c for c in nb["cells"] if c["metadata"].get("slideshow", {}).get("slide_type") == "notes"]
    assert notes, "lesson 04 has speaker notes"
    text = (book["out"] / f"{LESSON}.html").read_text(encoding="utf-8")
    asides = re.findall(r"<blockquote>\s*<p><strong>For the instructor \(speaker notes", text)
    assert len(asides) == len(notes)
