"""README's first command, ./course.sh, serves lesson 00 in JupyterLab on localhost, as root too.

As root (a container, a JupyterHub image, CI) JupyterLab refuses to start without
--allow-root ("Running as root is not recommended"); course.sh adds it, and says so.
The test passes no --allow-root of its own.
"""

import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

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
