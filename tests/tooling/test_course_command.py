"""README's first command, ./course.sh, serves lesson 00 in JupyterLab on localhost, as root too.

The student works in a copy (``work/``, git-ignored; ``RNNLAB_WORK`` here points it into a
temporary folder): the committed notebooks never change under a run, a student's edits survive
the next run, and ``./course.sh --reset NN`` puts one lesson back (keeping the student's copy).
JupyterLab's root is the working copy, which mirrors the repository's layout, so README's
paths (``notebooks/04_rnn_from_scratch.ipynb``) open.

As root (a container, a JupyterHub image, CI) JupyterLab refuses to start without
--allow-root ("Running as root is not recommended"); course.sh adds it, and says so.
The test passes no --allow-root of its own. ``--lang zh`` opens the Chinese edition
(notebooks/zh/) with JupyterLab's interface locale set to zh_CN for that run only.
"""

import contextlib
import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts other processes: left out of ./test.sh --fast

ROOT = Path(__file__).resolve().parents[2]
AS_ROOT = "==> running as root (a container?): starting JupyterLab with --allow-root"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def course_server(tmp_path, *args):
    """`./course.sh *args` on a free port of 127.0.0.1; yields (base URL, token, process, log path)."""
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path), "JUPYTER_CONFIG_DIR": str(tmp_path),
           "RNNLAB_WORK": str(tmp_path / "work")}
    log_path = tmp_path / "course.log"  # a file, not a pipe: a full pipe would stall the server
    log = log_path.open("wb")
    proc = subprocess.Popen(["./course.sh", *args, "--no-browser", f"--port={port}",
                             f"--IdentityProvider.token={token}"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield f"http://127.0.0.1:{port}", token, proc, log_path
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def wait_until_served(base, token, proc, log_path, notebook: str) -> bytes:
    """The contents API's answer for ``notebook`` once the server answers (within 180 s)."""
    url = f"{base}/api/contents/{notebook}?content=0&token={token}"
    deadline, last_error = time.monotonic() + 180, None
    while time.monotonic() < deadline:
        assert proc.poll() is None, log_path.read_text(errors="replace")[-3000:]
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                assert response.status == 200
                return response.read()
        except OSError as exc:  # not listening yet
            last_error = exc
            time.sleep(1)
    raise AssertionError(f"JupyterLab did not serve {notebook} within 180 s: {last_error}")


def test_course_sh_serves_lesson_00_on_localhost(tmp_path):
    with course_server(tmp_path) as (base, token, proc, log_path):
        # course.sh serves the working copy, laid out as the repository is, with lesson 00 opened
        answer = wait_until_served(base, token, proc, log_path, "notebooks/00_start_here.ipynb")
        assert b'"name": "00_start_here.ipynb"' in answer.replace(b'":"', b'": "')
    said = AS_ROOT in log_path.read_text(errors="replace")
    assert said == (os.geteuid() == 0), "course.sh must say it starts with --allow-root exactly when root"


def _dry_run(*args, work=None):
    env = {**os.environ, "RNNLAB_COURSE_DRY_RUN": "1"}
    env["RNNLAB_WORK"] = str(work) if work is not None else tempfile.mkdtemp(prefix="rnnlab-work-")
    return subprocess.run(["./course.sh", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=900)


SETTINGS = "@jupyterlab/translation-extension/plugin.jupyterlab-settings"


def test_lang_zh_picks_the_chinese_lesson_and_the_zh_cn_locale():
    done = _dry_run("--lang", "zh", "--no-browser")
    assert done.returncode == 0, done.stderr[-2000:]
    command = done.stdout.strip().splitlines()[-1].split()
    work = next(a for a in command if a.startswith("--ServerApp.root_dir=")).split("=", 1)[1]
    assert f"{work}/notebooks/zh/00_start_here.ipynb" in command and "--no-browser" in command
    assert (Path(work) / "notebooks" / "00_start_here.ipynb").is_file()  # both editions in the root
    settings_dir = next(a for a in command if a.startswith("--LabApp.user_settings_dir=")).split("=", 1)[1]
    assert json.loads((Path(settings_dir) / SETTINGS).read_text()) == {"locale": "zh_CN"}
    same = _dry_run("--lang=zh")
    assert same.returncode == 0 and "/notebooks/zh/00_start_here.ipynb" in same.stdout


def test_the_english_edition_keeps_the_users_own_settings():
    for args in ((), ("--lang", "en")):
        done = _dry_run(*args)
        assert done.returncode == 0, done.stderr[-2000:]
        command = done.stdout.strip().splitlines()[-1].split()
        assert any(a.endswith("/notebooks/00_start_here.ipynb") for a in command), command
        assert not any(a.startswith("--LabApp.user_settings_dir") for a in command)


@pytest.mark.parametrize("args, said", [
    (("--lang", "fr"), "--lang must be en (English) or zh (简体中文); got 'fr'"),
    (("--lang=ZH",), "--lang must be en (English) or zh (简体中文); got 'ZH'"),
    (("--lang",), "--lang needs a value: en (English) or zh (简体中文)"),
])
def test_a_bad_lang_is_refused_clearly(args, said):
    done = _dry_run(*args)
    assert done.returncode == 2
    assert said in done.stderr
    assert done.stdout == ""  # refused before building or starting anything


ZH_LESSON = ROOT / "notebooks" / "zh" / "00_start_here.ipynb"


def test_course_sh_lang_zh_serves_the_chinese_lesson_with_the_zh_cn_locale(tmp_path):
    with course_server(tmp_path, "--lang", "zh") as (base, token, proc, log_path):
        wait_until_served(base, token, proc, log_path, "notebooks/zh/00_start_here.ipynb")
        url = f"{base}/lab/api/settings/@jupyterlab/translation-extension:plugin?token={token}"
        with urllib.request.urlopen(url, timeout=30) as response:
            settings = json.loads(response.read())
        assert '"zh_CN"' in settings["raw"], settings["raw"]
        with urllib.request.urlopen(f"{base}/lab/api/translations/?token={token}", timeout=30) as response:
            packs = json.loads(response.read())["data"]
        assert "zh_CN" in packs, f"the zh-CN language pack is not installed: {sorted(packs)}"


# --------------------------------------------------------------------------- the working copy


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*.ipynb"))}


def _command(done) -> list[str]:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip().splitlines()[-1].split()


def test_the_first_run_makes_a_working_copy_that_jupyterlab_opens_at_its_root(tmp_path):
    committed = _digests(ROOT / "notebooks")
    work = tmp_path / "work"
    command = _command(_dry_run("--no-browser", work=work))
    assert f"--ServerApp.root_dir={work}" in command
    assert f"{work}/notebooks/00_start_here.ipynb" in command
    copied = _digests(work / "notebooks")
    lessons = {k: v for k, v in committed.items() if not k.startswith("exercises/")}
    assert copied == lessons  # every lesson and solution, both editions, as committed
    assert "notebooks/04_rnn_from_scratch.ipynb" in {f"notebooks/{k}" for k in copied}  # README's paths
    assert _digests(ROOT / "notebooks") == committed


def test_the_default_working_copy_is_ignored_by_git():
    done = subprocess.run(["git", "check-ignore", "-q", "work/notebooks/04_rnn_from_scratch.ipynb"],
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, "work/ must be git-ignored: a student's runs are not changes"


def test_a_students_edits_survive_the_next_run_and_reset_puts_one_lesson_back(tmp_path):
    work = tmp_path / "work"
    _command(_dry_run(work=work))
    mine = work / "notebooks" / "04_rnn_from_scratch.ipynb"
    other = work / "notebooks" / "05_gradient_clipping.ipynb"
    mine.write_text('{"my": "run"}')
    other.write_text('{"my": "other run"}')
    _command(_dry_run(work=work))
    assert mine.read_text() == '{"my": "run"}'  # a second run overwrites nothing
    done = _dry_run("--reset", "04", work=work)
    command = _command(done)
    assert f"{work}/notebooks/04_rnn_from_scratch.ipynb" in command  # and it opens that lesson
    assert mine.read_bytes() == (ROOT / "notebooks" / "04_rnn_from_scratch.ipynb").read_bytes()
    assert other.read_text() == '{"my": "other run"}'  # the other lessons stay the student's
    kept = list((work / ".backup").rglob("04_rnn_from_scratch.ipynb"))
    assert [p.read_text() for p in kept] == ['{"my": "run"}']
    assert "is the committed lesson again" in done.stdout


def test_reset_with_lang_zh_resets_the_chinese_lesson(tmp_path):
    work = tmp_path / "work"
    _command(_dry_run(work=work))
    zh = work / "notebooks" / "zh" / "04_rnn_from_scratch.ipynb"
    en = work / "notebooks" / "04_rnn_from_scratch.ipynb"
    zh.write_text("{}")
    en.write_text("{}")
    _command(_dry_run("--lang", "zh", "--reset=04", work=work))
    assert zh.read_bytes() == (ROOT / "notebooks" / "zh" / "04_rnn_from_scratch.ipynb").read_bytes()
    assert en.read_text() == "{}"


@pytest.mark.parametrize("value", ["4", "99", "04_rnn", ""])
def test_a_bad_reset_is_refused_naming_the_lessons(tmp_path, value):
    done = _dry_run("--reset", value, work=tmp_path / "work")
    assert done.returncode == 2
    assert "--reset needs a lesson's two-digit number, one of: 00 01 02" in done.stderr
    assert f"got '{value}'" in done.stderr
    assert not (tmp_path / "work").exists()  # refused before copying anything
