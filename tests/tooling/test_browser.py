"""The widget lessons in a real JupyterLab and in its slideshow, in a real (headless) Chromium.

nbval proves each notebook's cells run in a kernel; it never loads the widgets'
JavaScript. These tests do what a student and an instructor do:

* ``test_panel_responds_in_jupyterlab``: open a lesson, Run → Run All Cells, check
  that no cell failed and the widgets drew, then move a slider of the first panel
  with one key press and wait until its figure changes.
* ``test_panel_responds_in_the_slideshow``: open a lesson, start the slideshow
  (jupyterlab-slideshow's "Deck" mode, as README's "Presenting" says), run the
  slides one cell at a time with Shift+Enter until the slide with a panel is on
  screen, move its slider, and wait until its figure changes, with no error in
  the browser console.
* ``test_speaker_notes_are_marked_and_the_presenter_view_follows_the_deck``: the
  notes cells carry a visible "Speaker notes" label in the notebook view; the
  command palette's "Open Presenter View" opens a second window that shows, slide
  after slide, exactly the notes of the slide on screen.

A slider is moved as a presenter moves it: a real mouse click on its handle, then
one arrow key (not a programmatic focus).

The lessons driven are the quick ones (seconds per run); the panel is found by the
widget in the page, never by cell index. Marked ``browser``: ``pytest -m browser``
runs only these, ``pytest -m "not browser"`` leaves them out. Screenshots land in
``tests/artifacts/`` (git-ignored). The notebooks are run from copies in a temporary
folder, never in place.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM = Path(os.environ.get("RNNLAB_CHROMIUM", "/usr/bin/chromium"))

# Lessons whose panels recompute in about a second: lesson 00's one-number recurrence
# and lesson 01's AR prediction (the whole lesson runs in about 5 s).
JUPYTERLAB_LESSONS = ["00_start_here", "01_sequence_models", "zh/00_start_here"]   # and one Chinese lesson
SLIDESHOW_LESSON = "00_start_here"

# Generous for a loaded 2-core machine; each wait ends as soon as its condition holds.
RUN_ALL_TIMEOUT_S = 300
PANEL_UPDATE_TIMEOUT_S = 120
SERVER_START_TIMEOUT_S = 120

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

# User settings for the temporary JupyterLab: render every cell (the default
# windowing leaves off-screen cells out of the page, so they could not be checked),
# and no news or update-check popups over the notebook.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False,
    },
}

pytestmark = pytest.mark.browser


# --------------------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (127.0.0.1 only)
        return json.loads(response.read().decode())


class LabServer:
    """A JupyterLab on 127.0.0.1 serving a temporary folder, with its own settings."""

    def __init__(self, tmp: Path):
        self.root = tmp / "notebooks"
        self.root.mkdir()
        home = tmp / "jupyter"
        settings = home / "lab-user-settings"
        for rel, values in LAB_SETTINGS.items():
            path = settings / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}"
        # Keep the developer's own Jupyter config and data out of the run.
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"),
                   JUPYTER_DATA_DIR=str(home / "data"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
                   JUPYTER_PLATFORM_DIRS="1", PYTHONUNBUFFERED="1")
        env.pop("JUPYTERLAB_SETTINGS_DIR", None)
        env.pop("JUPYTERLAB_WORKSPACES_DIR", None)
        self.log_path = tmp / "jupyter-lab.log"
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser",
             "--ip=127.0.0.1", f"--port={self.port}", "--port-retries=0",
             f"--IdentityProvider.token={self.token}",
             f"--ServerApp.root_dir={self.root}",
             f"--LabApp.user_settings_dir={settings}",
             f"--LabApp.workspaces_dir={home / 'workspaces'}",
             "--LabApp.expose_app_in_browser=True",
             "--LabApp.news_url=",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
             "--ServerApp.terminals_enabled=False",
             *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
            cwd=self.root, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the kernels go down with it
        )

    def api(self, path: str):
        return _get_json(f"{self.base}/{path.lstrip('/')}?token={self.token}")

    def wait_ready(self) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                self.api("/api/status")
                return
            except OSError:
                time.sleep(0.5)
        why = (f"exited with code {self.proc.returncode}" if self.proc.poll() is not None
               else f"did not answer within {SERVER_START_TIMEOUT_S} s")
        raise RuntimeError(f"jupyter lab {why}; its log:\n{self.log_tail()}")

    def log_tail(self, n: int = 60) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])

    def url(self, notebook_name: str) -> str:
        # A workspace per notebook, so the layout of an earlier test is not restored.
        workspace = notebook_name.removesuffix(".ipynb").replace("/", "-")
        return f"{self.base}/lab/workspaces/{workspace}/tree/{notebook_name}?token={self.token}"

    def shutdown_kernels(self) -> None:
        """Stop every kernel (they run in sessions of their own, apart from the server's)."""
        for kernel in self.api("/api/kernels"):
            request = urllib.request.Request(
                f"{self.base}/api/kernels/{kernel['id']}", method="DELETE",
                headers={"Authorization": f"token {self.token}"})
            urllib.request.urlopen(request, timeout=30).close()  # noqa: S310

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                self.shutdown_kernels()
            except OSError:
                pass  # the server is going down anyway; SIGINT below still stops kernels
            self.proc.send_signal(signal.SIGINT)  # jupyter stops its kernels on the way out
            self.proc.send_signal(signal.SIGINT)  # (the second one skips the y/n prompt)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        try:  # anything left in the group (a stuck kernel), by the group id we created
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait(timeout=10)
        self._log.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found; install Chromium (sudo apt-get install chromium) "
                    "to run the browser tests")
    server = LabServer(tmp_path_factory.mktemp("lab"))
    try:
        server.wait_ready()
        # The settings must have taken: with windowing on, off-screen cells are missing.
        tracker = server.api("/lab/api/settings/@jupyterlab/notebook-extension:tracker")
        assert tracker["settings"]["windowingMode"] == "none", tracker["settings"]
        news = server.api("/lab/api/settings/@jupyterlab/apputils-extension:notification")
        assert news["settings"]["fetchNews"] == "false", news["settings"]
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(lab):
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Console:
    """The browser console's errors (console.error and uncaught exceptions) of one page."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", self._on_message)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def _on_message(self, message) -> None:
        if message.type == "error":
            where = message.location or {}
            self.errors.append(f"{message.text} (at {where.get('url', '?')}:{where.get('lineNumber', '?')})")


@pytest.fixture
def page(browser, lab):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.console = Console(page)
    try:
        yield page
    finally:
        context.close()
        try:  # free the CPU (and memory) for the next test
            lab.shutdown_kernels()
        except OSError:
            pass


# --------------------------------------------------------------------------- notebook helpers


# The notebook in front.
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
# A panel: a box holding sliders and the output they drive.
PANEL = f"{NOTEBOOK} .widget-vbox:has(.widget-slider):has(.widget-output)"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def copy_lesson(lab: LabServer, lesson: str) -> dict:
    source = NOTEBOOKS / f"{lesson}.ipynb"
    if not source.exists():
        pytest.fail(f"{source.relative_to(ROOT)} is missing: the browser test needs it")
    (lab.root / lesson).parent.mkdir(parents=True, exist_ok=True)   # "zh/00_start_here" keeps its folder
    shutil.copy(source, lab.root / f"{lesson}.ipynb")
    return json.loads(source.read_text(encoding="utf-8"))


def open_notebook(page, lab: LabServer, name: str) -> None:
    """Open a copied notebook and wait until its kernel is up and every cell is drawn."""
    page.goto(lab.url(name))
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=120_000)
    page.locator(f"{NOTEBOOK} .jp-Cell").first.wait_for(timeout=120_000)
    page.wait_for_function(_KERNEL_STATUS + " === 'idle'", timeout=120_000)


# The status of the kernel behind the notebook in front.
_KERNEL_STATUS = ("(() => { const w = window.jupyterapp.shell.currentWidget;"
                  " const k = w && w.sessionContext && w.sessionContext.session"
                  " && w.sessionContext.session.kernel; return k ? k.status : 'none'; })()")


def wait_idle(page, timeout_s: float = PANEL_UPDATE_TIMEOUT_S) -> None:
    page.wait_for_function(_KERNEL_STATUS + " === 'idle'", timeout=timeout_s * 1000, polling=200)


def wait_until_no_cell_runs(page, timeout_s: float = PANEL_UPDATE_TIMEOUT_S) -> None:
    """Wait until no code cell is running or queued ("[*]:") and the kernel is idle."""
    page.wait_for_function(f"() => !{_PROMPTS}.some(p => p.includes('*')) && {_KERNEL_STATUS} === 'idle'",
                           timeout=timeout_s * 1000, polling=200)


def menu(page, menu_name: str, item: str) -> None:
    """Click a menu bar entry, then one of its items, as a reader would."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(f"^{menu_name}$")).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


# Every code cell's prompt: "[ ]:" not run, "[*]:" running or queued, "[3]:" done.
# A check cell shown collapsed (metadata.jupyter.source_hidden) has only its placeholder's empty
# prompt in the page: the real prompts are counted, against the cells that show their code.
_PROMPTS = ("[...document.querySelectorAll("
            f"'{NOTEBOOK} .jp-CodeCell .jp-InputPrompt:not(.jp-Placeholder-prompt)')]"
            ".map(p => p.textContent.trim())")


def clear_and_run_all(page) -> None:
    """Edit → Clear Outputs of All Cells (the committed counts would look like a finished
    run), then Run → Run All Cells."""
    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(f"() => {_PROMPTS}.every(p => !/\\d/.test(p))")
    menu(page, "Run", "Run All Cells")


def wait_until_run(page, n_code_cells: int, timeout_s: float) -> str:
    """Wait until every code cell shows an execution count ("done"), or until the run
    stopped early at a failing cell ("stopped"), with the kernel idle either way."""
    handle = page.wait_for_function(
        f"""([n]) => {{
            const prompts = {_PROMPTS};
            const done = prompts.filter(p => /^\\[\\d+\\]:$/.test(p)).length;
            const queued = prompts.filter(p => p.includes('*')).length;
            const idle = {_KERNEL_STATUS} === 'idle';
            if (prompts.length === n && done === n && idle) return 'done';
            if (done > 0 && queued === 0 && idle) return 'stopped';
            return false;
        }}""",
        arg=[n_code_cells], timeout=timeout_s * 1000, polling=500,
    )
    return handle.json_value()


def error_outputs(page) -> list[str]:
    """Texts of the outputs that show an error: tracebacks, exceptions, broken widgets."""
    return page.evaluate(r"""(notebook) => {
        const bad = [];
        for (const el of document.querySelectorAll(notebook + ' .jp-OutputArea-output')) {
            const text = el.innerText || '';
            const stderr = el.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr';
            if (/Traceback|Error displaying widget/.test(text)
                || (stderr && /^\s*\w*(Error|Exception)\b/m.test(text))) {
                bad.push(text.slice(0, 2000));
            }
        }
        return bad;
    }""", NOTEBOOK)


def show_first_error(page) -> None:
    """Scroll the first failing output into view, for the screenshot."""
    page.evaluate(r"""(notebook) => {
        for (const el of document.querySelectorAll(notebook + ' .jp-OutputArea-output')) {
            if (/Traceback|Error displaying widget/.test(el.innerText || '')) {
                el.scrollIntoView({block: 'center'});
                return;
            }
        }
    }""", NOTEBOOK)


def opened_widget_text(page) -> str | None:
    """The text shown where the committed notebook displayed its first widget (None: no widget).

    Committed notebooks carry no widget state, so before the reader runs the
    cells there is no model behind these outputs; this reports what shows instead.
    """
    where = page.evaluate("""(mime) => {
        const cells = window.jupyterapp.shell.currentWidget.content.widgets;
        for (let i = 0; i < cells.length; i++) {
            const outputs = cells[i].model.outputs;
            if (!outputs) continue;
            for (let j = 0; j < outputs.length; j++) {
                if (outputs.get(j).data[mime]) return [i, j];
            }
        }
        return null;
    }""", WIDGET_VIEW)
    if where is None:
        return None
    cell, output = where
    view = (page.locator(f"{NOTEBOOK} .jp-Cell").nth(cell)
            .locator(".jp-OutputArea-child").nth(output).locator(".jp-OutputArea-output"))
    view.scroll_into_view_if_needed()
    try:  # a widget renderer decides once the kernel has connected
        page.wait_for_function("(v) => !/^Loading widget/.test(v.innerText.trim())",
                               arg=view.element_handle(), timeout=30_000)
    except PlaywrightTimeout:
        pass
    return view.inner_text().strip()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name.replace('/', '-')}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# --------------------------------------------------------------------------- panel helpers


def panel_state(panel) -> dict:
    """What a reader sees of a panel's output: its images and its text."""
    return panel.evaluate("""(p) => {
        const out = p.querySelector('.widget-output');
        return {images: [...out.querySelectorAll('img')].map(i => i.src),
                text: out.innerText.trim()};
    }""")


def wait_for_figure(page, panel) -> dict:
    page.wait_for_function("(p) => p.querySelector('.widget-output img')",
                           arg=panel.element_handle(), timeout=PANEL_UPDATE_TIMEOUT_S * 1000)
    return panel_state(panel)


def on_screen(locator) -> bool:
    """Whether a reader can see and click the element: the page's topmost element at its
    centre is the element itself or inside it (hidden, covered or off-screen: False)."""
    return locator.evaluate("""(el) => {
        const r = el.getBoundingClientRect();
        if (!r.width || !r.height) return false;
        const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        return !!hit && el.contains(hit);
    }""")


def press_slider_once(page, panel) -> tuple[str, str, str]:
    """Click the panel's first slider handle with the mouse, as a presenter does, and press
    one arrow key, towards the side of its range that has room (ArrowRight unless the value
    is at the top). Returns (key, readout before, readout after)."""
    slider = panel.locator(".widget-slider").first
    handle = slider.locator(".noUi-handle").first
    readout = slider.locator(".widget-readout")
    now, top = (float(handle.get_attribute(a)) for a in ("aria-valuenow", "aria-valuemax"))
    key = "ArrowRight" if now < top else "ArrowLeft"
    before = readout.inner_text()
    handle.click()  # a real click (mouse down and up at the handle), not handle.focus()
    page.keyboard.press(key)
    page.wait_for_function("([r, v]) => r.innerText !== v",
                           arg=[readout.element_handle(), before], timeout=10_000)
    return key, before, readout.inner_text()


def wait_for_new_figure(page, panel, before: dict) -> dict:
    """Wait (polling, no fixed sleep) until the panel shows a figure other than ``before``'s
    and the kernel is idle again, then return what it shows."""
    page.wait_for_function(
        """([p, before]) => {
            const images = [...p.querySelectorAll('.widget-output img')].map(i => i.src);
            return images.length > 0 && JSON.stringify(images) !== JSON.stringify(before);
        }""",
        arg=[panel.element_handle(), before["images"]], timeout=PANEL_UPDATE_TIMEOUT_S * 1000,
        polling=200,
    )
    wait_idle(page)
    return panel_state(panel)


# --------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("lesson", JUPYTERLAB_LESSONS)
def test_panel_responds_in_jupyterlab(lesson, lab, page):
    nb = copy_lesson(lab, lesson)
    n_code = sum(cell["cell_type"] == "code"
                 and not cell["metadata"].get("jupyter", {}).get("source_hidden", False)
                 for cell in nb["cells"])   # the collapsed check cells run too, unseen
    open_notebook(page, lab, f"{lesson}.ipynb")
    assert page.locator(f"{NOTEBOOK} .jp-Cell").count() == len(nb["cells"]), \
        "not every cell is in the page (is the notebook windowing still on?)"
    # What a reader sees on opening the committed notebook, before running anything.
    print(f"{lesson}: on opening, the first widget output reads {opened_widget_text(page)!r}")

    started = time.monotonic()
    clear_and_run_all(page)
    try:
        outcome = wait_until_run(page, n_code, RUN_ALL_TIMEOUT_S)
    except PlaywrightTimeout:
        screenshot(page, f"{lesson}-run-timed-out")
        raise
    print(f"{lesson}: Run All Cells took {time.monotonic() - started:.0f} s ({outcome})")
    if outcome != "done" or error_outputs(page):
        show_first_error(page)
        screenshot(page, f"{lesson}-run-failed")
    assert error_outputs(page) == []
    assert outcome == "done", "Run All Cells stopped before the last cell"

    panels = page.locator(PANEL)
    assert panels.count() > 0, "no panel with a slider and an output was drawn"
    panel = panels.first
    panel.scroll_into_view_if_needed()
    before = wait_for_figure(page, panel)
    key, value_before, value_after = press_slider_once(page, panel)
    after = wait_for_new_figure(page, panel, before)
    screenshot(page, f"{lesson}-after-slider")
    print(f"{lesson}: {key}: slider {value_before} -> {value_after}, new figure")
    assert error_outputs(page) == [], f"moving the slider {value_before} -> {value_after} failed"
    assert after["images"] != before["images"]
    assert page.console.errors == [], "errors in the browser console:\n" + "\n".join(page.console.errors)


def deck_cells(page) -> dict:
    """The slideshow's state: whether it is on, the active cell, the cells on screen."""
    return page.evaluate("""(notebook) => {
        const panel = document.querySelector(notebook);
        const cells = [...panel.querySelectorAll('.jp-Cell')];
        return {on: panel.classList.contains('jp-Deck'),
                active: window.jupyterapp.shell.currentWidget.content.activeCellIndex,
                onScreen: cells.flatMap((c, i) => c.classList.contains('jp-deck-mod-onscreen') ? [i] : [])};
    }""", NOTEBOOK)


def wait_for_slide(page, condition, message: str, timeout_s: float = 10) -> list[int]:
    """Poll the cells on screen until ``condition(cells)`` holds."""
    deadline = time.monotonic() + timeout_s
    while True:
        cells = deck_cells(page)["onScreen"]
        if condition(cells):
            return cells
        assert time.monotonic() < deadline, f"{message}: the slide shows cells {cells}"
        page.wait_for_timeout(100)


def test_panel_responds_in_the_slideshow(lab, page):
    """An instructor's class: the lesson as slides, run live, a slider moved on the slide."""
    lesson = SLIDESHOW_LESSON
    nb = copy_lesson(lab, lesson)
    open_notebook(page, lab, f"{lesson}.ipynb")
    # Start the slideshow the way README says: the notebook toolbar's deck button.
    page.locator(f"{NOTEBOOK} .jp-Toolbar [data-command='deck:toggle']").click()
    page.wait_for_function(f"() => document.querySelector('{NOTEBOOK}').classList.contains('jp-Deck')")
    page.locator(f"{NOTEBOOK} .jp-Cell.jp-deck-mod-onscreen").first.click()  # focus the slide
    screenshot(page, f"{lesson}-slides-0-title")
    state = deck_cells(page)
    assert state["on"] and state["active"] == 0 and state["onScreen"], state
    first_slide = state["onScreen"]

    # Shift+Enter runs the cell in front and moves on, slide by slide, as in class.
    panel, shown = None, []
    for _ in range(len(nb["cells"])):
        page.keyboard.press("Shift+Enter")
        wait_until_no_cell_runs(page)
        state = deck_cells(page)
        shown.append(state["onScreen"])
        panels = page.locator(PANEL)
        visible = [panels.nth(i) for i in range(panels.count())
                   if on_screen(panels.nth(i).locator(".noUi-handle").first)]
        if visible:
            panel = visible[0]
            break
    screenshot(page, f"{lesson}-slides-1-panel")
    assert panel is not None, f"no slide showed a panel; the slides went {shown}"
    before = wait_for_figure(page, panel)
    assert any(s != first_slide for s in shown), "the slideshow never left its first slide"
    assert state["on"], "the slideshow stopped"
    assert error_outputs(page) == []

    key, value_before, value_after = press_slider_once(page, panel)
    after = wait_for_new_figure(page, panel, before)
    screenshot(page, f"{lesson}-slides-2-after-slider")
    print(f"{lesson} as slides: {key}: slider {value_before} -> {value_after}, new figure")
    assert after["images"] != before["images"]
    assert deck_cells(page)["onScreen"] == state["onScreen"], "the key press changed the slide"
    assert on_screen(panel.locator(".noUi-handle").first), "the panel left the screen"
    assert error_outputs(page) == []

    # Clicking the slide's text gives the keys back to the slides: Space steps through the
    # slide's cells, then on to the next slide; Shift+Space steps back; Escape stops.
    page.locator(f"{NOTEBOOK} .jp-MarkdownCell.jp-deck-mod-onscreen").first.click()
    panel_slide = state["onScreen"]
    for _ in panel_slide:
        page.keyboard.press("Space")
    wait_for_slide(page, lambda cells: cells and cells != panel_slide, "Space did not reach the next slide")
    page.keyboard.press("Shift+Space")
    wait_for_slide(page, lambda cells: cells == panel_slide, "Shift+Space did not go back")
    page.keyboard.press("Escape")
    page.wait_for_function(f"() => !document.querySelector('{NOTEBOOK}').classList.contains('jp-Deck')",
                           timeout=10_000)
    assert page.console.errors == [], "errors in the browser console:\n" + "\n".join(page.console.errors)


def slide_type(cell: dict) -> str | None:
    return cell["metadata"].get("slideshow", {}).get("slide_type")


def notes_of_slide(nb: dict, at: int) -> list[str]:
    """The speaker notes of the (sub)slide holding cell ``at``, as the presenter view reads them."""
    cells = nb["cells"]

    def starts(i: int) -> bool:
        return i == 0 or slide_type(cells[i]) in ("slide", "subslide")

    start = next(i for i in range(at, -1, -1) if starts(i))
    end = next((i for i in range(at + 1, len(cells)) if starts(i)), len(cells))
    return ["".join(c["source"]).strip() for c in cells[start:end] if slide_type(c) == "notes"]


def test_speaker_notes_are_marked_and_the_presenter_view_follows_the_deck(lab, page):
    lesson = SLIDESHOW_LESSON
    nb = copy_lesson(lab, lesson)
    open_notebook(page, lab, f"{lesson}.ipynb")
    notes = [i for i, c in enumerate(nb["cells"]) if slide_type(c) == "notes"]
    assert notes, f"{lesson} has speaker notes"
    page.wait_for_function(f"(n) => document.querySelectorAll('{NOTEBOOK} .rnnlab-notes-cell').length === n",
                           arg=len(notes), timeout=10_000)
    marked = page.evaluate(f"""() => [...document.querySelectorAll('{NOTEBOOK} .jp-Cell')]
        .flatMap((c, i) => c.classList.contains('rnnlab-notes-cell') ? [i] : [])""")
    assert marked == notes
    label = page.evaluate(f"""() => getComputedStyle(
        document.querySelector('{NOTEBOOK} .rnnlab-notes-cell'), '::before').content""")
    assert label == '"Speaker notes"'

    # The presenter opens the view from the command palette, then starts the deck.
    with page.context.expect_page() as opened:
        page.keyboard.press("Control+Shift+C")
        page.keyboard.type("Open Presenter View")
        page.keyboard.press("Enter")
    presenter = opened.value
    presenter.wait_for_selector("#slide:not(:empty)")
    page.locator(f"{NOTEBOOK} .jp-Toolbar [data-command='deck:toggle']").click()
    page.wait_for_function(f"() => document.querySelector('{NOTEBOOK}').classList.contains('jp-Deck')")
    page.locator(f"{NOTEBOOK} .jp-Cell.jp-deck-mod-onscreen").first.click()
    seen_slides, with_notes = set(), 0
    for _ in range(len(nb["cells"])):
        first = deck_cells(page)["onScreen"][0]
        expected = notes_of_slide(nb, first)
        presenter.wait_for_function(
            """(expected) => {
                const shown = [...document.querySelectorAll('.note')].map(n => n.textContent.trim());
                return JSON.stringify(shown) === JSON.stringify(expected);
            }""", arg=expected, timeout=10_000)
        seen_slides.add(first)
        with_notes += bool(expected)
        if len(seen_slides) >= 4 and with_notes and len(seen_slides) > with_notes:
            break  # slides with notes and slides without: the view followed both ways
        page.keyboard.press("Space")
        page.wait_for_timeout(300)
    screenshot(presenter, f"{lesson}-presenter-view")
    assert len(seen_slides) >= 4, f"the deck showed only the slides starting at {sorted(seen_slides)}"
    assert with_notes >= 1, "the presenter view never showed a slide's notes"
    assert page.console.errors == [], "errors in the browser console:\n" + "\n".join(page.console.errors)
