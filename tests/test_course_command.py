"""README's first command, ./course.sh, serves lesson 00 in JupyterLab on localhost, as root too.

As root (a container, a JupyterHub image, CI) JupyterLab refuses to start without
--allow-root ("Running as root is not recommended"); course.sh adds it, and says so.
The test passes no --allow-root of its own. ``--lang zh`` opens the Chinese edition
(notebooks/zh/) with JupyterLab's interface locale set to zh_CN for that run only.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
AS_ROOT = "==> running as root (a container?): starting JupyterLab with --allow-root"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_course_sh_serves_lesson_00_on_localhost(tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path), "JUPYTER_CONFIG_DIR": str(tmp_path)}
    args = ["./course.sh", "--no-browser", f"--port={port}", f"--IdentityProvider.token={token}"]
    log_path = tmp_path / "course.log"  # a file, not a pipe: a full pipe would stall the server
    log = log_path.open("wb")
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    # course.sh serves the notebooks/ folder, with lesson 00 opened
    url = f"http://127.0.0.1:{port}/api/contents/00_start_here.ipynb?content=0&token={token}"
    try:
        deadline, last_error = time.monotonic() + 180, None
        while time.monotonic() < deadline:
            assert proc.poll() is None, log_path.read_text(errors="replace")[-3000:]
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    assert response.status == 200
                    assert b'"name": "00_start_here.ipynb"' in response.read().replace(b'":"', b'": "')
                    break
            except OSError as exc:  # not listening yet
                last_error = exc
                time.sleep(1)
        else:
            raise AssertionError(f"JupyterLab did not serve lesson 00 within 180 s: {last_error}")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
    said = AS_ROOT in log_path.read_text(errors="replace")
    assert said == (os.geteuid() == 0), "course.sh must say it starts with --allow-root exactly when root"


def _dry_run(*args):
    env = {**os.environ, "RNNLAB_COURSE_DRY_RUN": "1"}
    return subprocess.run(["./course.sh", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=900)


SETTINGS = "@jupyterlab/translation-extension/plugin.jupyterlab-settings"


def test_lang_zh_picks_the_chinese_lesson_and_the_zh_cn_locale():
    done = _dry_run("--lang", "zh", "--no-browser")
    assert done.returncode == 0, done.stderr[-2000:]
    command = done.stdout.strip().splitlines()[-1].split()
    assert "notebooks/zh/00_start_here.ipynb" in command and "--no-browser" in command
    assert "--ServerApp.root_dir=notebooks" in command  # both editions reachable from the file browser
    settings_dir = next(a for a in command if a.startswith("--LabApp.user_settings_dir=")).split("=", 1)[1]
    assert json.loads((Path(settings_dir) / SETTINGS).read_text()) == {"locale": "zh_CN"}
    same = _dry_run("--lang=zh")
    assert same.returncode == 0 and "notebooks/zh/00_start_here.ipynb" in same.stdout


def test_the_english_edition_keeps_the_users_own_settings():
    for args in ((), ("--lang", "en")):
        done = _dry_run(*args)
        assert done.returncode == 0, done.stderr[-2000:]
        command = done.stdout.strip().splitlines()[-1].split()
        assert "notebooks/00_start_here.ipynb" in command
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
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path), "JUPYTER_CONFIG_DIR": str(tmp_path)}
    args = ["./course.sh", "--lang", "zh", "--no-browser", f"--port={port}",
            f"--IdentityProvider.token={token}"]
    log_path = tmp_path / "course.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, last_error = time.monotonic() + 180, None
        while time.monotonic() < deadline:
            assert proc.poll() is None, log_path.read_text(errors="replace")[-3000:]
            try:
                url = f"{base}/api/contents/zh/00_start_here.ipynb?content=0&token={token}"
                with urllib.request.urlopen(url, timeout=5) as response:
                    assert response.status == 200
                break
            except OSError as exc:
                last_error = exc
                time.sleep(1)
        else:
            raise AssertionError(f"JupyterLab did not serve the Chinese lesson 00 within 180 s: {last_error}")
        url = f"{base}/lab/api/settings/@jupyterlab/translation-extension:plugin?token={token}"
        with urllib.request.urlopen(url, timeout=30) as response:
            settings = json.loads(response.read())
        assert '"zh_CN"' in settings["raw"], settings["raw"]
        with urllib.request.urlopen(f"{base}/lab/api/translations/?token={token}", timeout=30) as response:
            packs = json.loads(response.read())["data"]
        assert "zh_CN" in packs, f"the zh-CN language pack is not installed: {sorted(packs)}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
