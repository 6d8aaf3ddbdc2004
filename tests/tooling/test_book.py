"""The book (``./book.sh``, ``scripts/build_book.py``): built once, served on 127.0.0.1, read in Chromium.

The site is built from the committed notebooks into a temporary folder and served by a
plain static file server, as GitHub Pages would serve it. In headless Chromium the landing
page and lesson 04, in English and in Chinese, must show typeset math (no raw ``$$``, no
MathJax error), load every figure, switch language to their twin page, and log no console
error and no failed request; a crawl of the whole site (every ``href`` and ``src`` of
every page reached from the two landing pages) must find no missing file.

The Chinese pages come from ``notebooks/zh/`` (the built Chinese edition) and
``README.zh-CN.md``. Screenshots land in ``tests/artifacts/book_*.png`` (git-ignored).

What readers expect, each checked in Chromium: full-text search in both languages (Pagefind),
a download link and Binder/Colab launch links on every page, dark colours when the system asks
for them, a phone layout whose lesson list folds behind a button, print styles (no navigation,
code wrapped), alt text on every figure, a skip-to-content link, and the ``check`` cells behind a
toggle. Chromium runs headless with ``--no-sandbox --disable-gpu --disable-dev-shm-usage``
(CHROMIUM_ARGS), from /usr/bin/chromium or ``$RNNLAB_CHROMIUM``.

Malformed input (a truncated notebook, one without ``cells``, a cell without ``id``) stops the
build with the file and the cell named, and leaves the previous site and no ``.tmp`` folder.
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
REPO = "rnnlab-course/rnnlab"  # the launch links' repository (nothing is fetched from it)
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
                             "--zh-notebooks", str(zh), "--zh-readme", str(zh_readme), "--repo", REPO],
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
    assert not [p for p in out.rglob("*") if p.suffix in (".py", ".j2")]
    # the only notebooks are the download copies, each beside its page and equal to its source
    for copy in out.rglob("*.ipynb"):
        assert copy.with_suffix(".html").is_file(), copy
        rel = copy.relative_to(out)
        lang_root = NOTEBOOKS / "zh" if rel.parts[0] == "zh" else NOTEBOOKS
        source = lang_root.joinpath(*rel.parts[1 if rel.parts[0] == "zh" else 0:])
        assert copy.read_bytes() == source.read_bytes(), copy


def test_speaker_notes_read_as_an_aside_for_the_instructor(book):
    nb = json.loads((NOTEBOOKS / f"{LESSON}.ipynb").read_text(encoding="utf-8"))
    notes = [c for c in nb["cells"] if c["metadata"].get("slideshow", {}).get("slide_type") == "notes"]
    assert notes, "lesson 04 has speaker notes"
    text = (book["out"] / f"{LESSON}.html").read_text(encoding="utf-8")
    asides = re.findall(r"<blockquote>\s*<p><strong>For the instructor \(speaker notes", text)
    assert len(asides) == len(notes)


# --------------------------------------------------------------------------- what readers expect


def _notebook_pages(out: Path):
    for lang_dir, notebooks in (("", NOTEBOOKS), ("zh/", ZH_NOTEBOOKS)):
        for nb in sorted(notebooks.glob("[0-9][0-9]_*.ipynb")):
            yield nb, out / f"{lang_dir}{nb.stem}.html"
        for nb in sorted((notebooks / "solutions").glob("[0-9][0-9]_*_solutions.ipynb")):
            yield nb, out / f"{lang_dir}solutions/{nb.stem}.html"


def test_every_notebook_page_offers_its_notebook_and_binder_and_colab(book):
    pages = list(_notebook_pages(book["out"]))
    assert len(pages) >= 36
    for nb, page in pages:
        text = page.read_text(encoding="utf-8")
        rel = nb.relative_to(ROOT).as_posix()
        download = re.search(r'<a class="book-download" download="([^"]+)" href="([^"]+)"', text)
        assert download and download.group(1) == nb.name, page
        assert (page.parent / download.group(2)).read_bytes() == nb.read_bytes()
        assert f'href="https://mybinder.org/v2/gh/{REPO}/main?urlpath=lab/tree/{rel}"' in text, page
        assert f'href="https://colab.research.google.com/github/{REPO}/blob/main/{rel}"' in text, page
    for prose in ("index.html", "glossary.html", "zh/index.html", "zh/solutions/index.html"):
        text = (book["out"] / prose).read_text(encoding="utf-8")
        lesson = ("notebooks/zh/00_start_here.ipynb" if prose.startswith("zh/")
                  else "notebooks/00_start_here.ipynb")
        assert f"urlpath=lab/tree/{lesson}" in text and f"blob/main/{lesson}" in text, prose


def test_every_figure_has_alt_text(book):
    images = 0
    for page in book["out"].rglob("*.html"):
        for tag in re.findall(r"<img\b[^>]*>", page.read_text(encoding="utf-8")):
            images += 1
            alt = re.search(r'\balt="([^"]*)"', tag)
            assert alt and len(alt.group(1).strip()) > 10, (page, tag[:200])
    assert images > 50


def test_check_cells_fold_behind_a_toggle(book):
    for nb_path, page in _notebook_pages(book["out"]):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        checks = [c for c in nb["cells"] if "check" in c["metadata"].get("tags", [])]
        text = page.read_text(encoding="utf-8")
        assert text.count('<details class="book-checks">') == len(checks), page


def test_the_search_index_covers_both_languages(book):
    entry = book["out"] / "pagefind" / "pagefind-entry.json"
    assert entry.is_file(), "no search index: pagefind[extended] (the book extra) is not installed\n" + \
        book["log"]
    languages = json.loads(entry.read_text())["languages"]
    assert set(languages) == {"en", "zh-cn"}, languages
    assert languages["en"]["page_count"] == languages["zh-cn"]["page_count"] >= 20, languages


def _tiny_notebook(cells) -> dict:
    return {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                        "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def _build_small(tmp_path, broken: str | None):
    folder = tmp_path / "nb"
    (folder / "solutions").mkdir(parents=True)
    good = _tiny_notebook([
        {"cell_type": "markdown", "id": "m", "metadata": {}, "source": "# 00 · Tiny"},
        {"cell_type": "code", "id": "c", "metadata": {}, "execution_count": 1, "outputs": [],
         "source": "x = 1"},
        {"cell_type": "code", "id": "c-check", "execution_count": 2, "outputs": [],
         "metadata": {"tags": ["check"], "jupyter": {"source_hidden": True}}, "source": "assert x == 1"}])
    (folder / "00_tiny.ipynb").write_text(json.dumps(good))
    if broken is not None:
        (folder / "01_broken.ipynb").write_text(broken)
    out = tmp_path / "site"
    return out, subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_book.py"), "--out", str(out),
         "--notebooks", str(folder), "--zh-notebooks", str(tmp_path / "none"),
         "--readme", str(tmp_path / "none.md"), "--no-search"],
        capture_output=True, text=True, timeout=600, env={**os.environ, "RNNLAB_BOOK_REPO": ""})


def test_a_small_book_folds_check_cells(tmp_path):
    out, done = _build_small(tmp_path, None)
    assert done.returncode == 0, done.stdout + done.stderr
    text = (out / "00_tiny.html").read_text(encoding="utf-8")
    folded = re.search(r'<details class="book-checks"><summary>checks[^<]*</summary>(.*?)</details>',
                       text, re.S)
    assert folded and "assert" in folded.group(1) and "x = 1" not in folded.group(1)


_cell = '{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1, "source": "x"'


@pytest.mark.parametrize("broken, said", [
    ('{"cells": [{"cell_type": "markdown", "id": "a", "meta',
     "01_broken.ipynb: not a notebook: invalid JSON"),
    ('{"metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
     "01_broken.ipynb: not a notebook: no 'cells' list"),
    ('{"cells": [' + _cell + ', "id": "ok"}, ' + _cell + '}], '
     '"metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
     "01_broken.ipynb: cell 1 (id ?) has no 'id'"),
], ids=["truncated", "no-cells", "no-cell-id"])
def test_malformed_input_is_named_and_leaves_nothing_half_written(tmp_path, broken, said):
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("the previous site")
    out2, done = _build_small(tmp_path, broken)
    assert out2 == out
    assert done.returncode == 1, done.stdout + done.stderr
    assert said in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert (out / "index.html").read_text() == "the previous site"
    assert not (tmp_path / "site.tmp").exists()


def test_readers_basics_in_chromium(browser, site):
    """Skip link, dark mode, phone menu, print styles and search, as a reader meets them."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        open_page(page, site, f"{LESSON}.html")
        # the skip link is the first thing Tab reaches, and it leads to the content
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "book-skip"
        assert page.locator(".book-skip").is_visible()
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#book-content"
        # print: no navigation, long code lines wrap
        page.emulate_media(media="print")
        assert not page.locator(".book-toc").is_visible() and not page.locator(".book-bar").is_visible()
        white = page.evaluate("getComputedStyle(document.querySelector('.jp-InputArea pre')).whiteSpace")
        assert white == "pre-wrap"
        page.emulate_media(media="screen")
        assert page.locator(".book-toc").is_visible()
        # dark colours when the system asks for them, light otherwise
        background = "getComputedStyle(document.body).backgroundColor"
        light = page.evaluate(background)
        page.emulate_media(color_scheme="dark")
        dark = page.evaluate(background)
        assert light == "rgb(255, 255, 255)" and dark == "rgb(13, 17, 23)", (light, dark)
        screenshot(page, "dark")
        page.emulate_media(color_scheme="light")
        # search, English
        page.fill("#book-search input", "gradient clipping")
        page.wait_for_selector(".pagefind-ui__result-link")
        assert page.locator(".pagefind-ui__result-link").count() > 0
    finally:
        context.close()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.set_default_timeout(60_000)
    try:
        open_page(page, site, f"zh/{LESSON}.html")
        assert not page.locator(".book-toc").is_visible()  # the lesson list folds on a phone
        assert page.locator("#book-content").bounding_box()["y"] < 400  # the lesson starts on screen 1
        screenshot(page, "phone")
        page.click(".book-menu")
        assert page.locator(".book-toc").is_visible()
        assert page.get_attribute(".book-menu", "aria-expanded") == "true"
        # search, Chinese
        page.fill("#book-search input", "梯度")
        page.wait_for_selector(".pagefind-ui__result-link")
        links = page.locator(".pagefind-ui__result-link").evaluate_all("a => a.map(x => x.href)")
        assert links and all("/zh/" in link for link in links), links
    finally:
        phone.close()
