"""What scripts/bootstrap.sh would install, in each case, without downloading anything.

``RNNLAB_BOOTSTRAP_DRY_RUN=1`` makes the bootstrap print its pip commands ("+ " first) and
run none. The cases: PyTorch's CPU index reachable (a local stand-in index served on
127.0.0.1) or not (a closed port), ``TORCH_SPEC`` set, and who asked: ``./course.sh``
(a student: the ``lab`` extra only), ``./book.sh`` and ``./test.sh`` (the test tooling).
The torch command printed for the reachable case is then given to pip itself
(``--dry-run --report``, no configuration of this machine read): pip asks the CPU index
and picks its ``+cpu`` build.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shlex
import socket
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TORCH = "2.13.0+cpu"


def plan(*command: str, **env: str) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("TORCH_SPEC", "RNNLAB_EXTRAS", "RNNLAB_TORCH_INDEX")}
    full_env.update(RNNLAB_BOOTSTRAP_DRY_RUN="1", **env)
    command = command or ("bash", "-c", "source scripts/bootstrap.sh")
    return subprocess.run(command, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120)


def pip_commands(done: subprocess.CompletedProcess) -> list[list[str]]:
    assert done.returncode == 0, done.stdout + done.stderr
    return [shlex.split(line[2:]) for line in done.stdout.splitlines()
            if line.startswith("+ ") and " -m pip install " in line]


def torch_and_rest(done) -> tuple[list[str], list[str]]:
    commands = [c for c in pip_commands(done) if "--upgrade" not in c]
    assert len(commands) == 2, commands  # torch on its own first, then rnnlab and the rest
    return commands[0], commands[1]


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/whl/cpu"


@pytest.fixture(scope="module")
def cpu_index(tmp_path_factory):
    """A PEP 503 index on 127.0.0.1 with one wheel, torch 2.13.0+cpu (metadata only)."""
    root = tmp_path_factory.mktemp("index")
    (root / "torch").mkdir()
    wheel = f"torch-{TORCH}-py3-none-any.whl"
    info = f"torch-{TORCH}.dist-info"
    with zipfile.ZipFile(root / "torch" / wheel, "w") as whl:
        whl.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: torch\nVersion: {TORCH}\n")
        whl.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: true\n"
                                      "Tag: py3-none-any\n")
        whl.writestr(f"{info}/RECORD", "")
    (root / "torch" / "index.html").write_text(f'<html><body><a href="{wheel}">{wheel}</a></body></html>')
    asked = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            asked.append(self.path)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(Handler, directory=root))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()
    server.server_close()


@pytest.mark.slow  # starts a process
@pytest.mark.skipif(sys.platform != "linux", reason="the CPU index is asked on Linux only")
def test_the_cpu_index_is_asked_first_when_it_answers(cpu_index, tmp_path):
    url, asked = cpu_index
    done = plan(RNNLAB_TORCH_INDEX=url)
    torch, rest = torch_and_rest(done)
    assert torch[torch.index("--index-url") + 1] == url and torch[-1] == "torch"
    assert "-c" in torch and torch[torch.index("-c") + 1] == "constraints.txt"
    assert "--index-url" not in rest  # only torch comes from the CPU index
    assert f"the CPU build, from PyTorch's CPU wheel index {url}" in done.stdout
    # pip itself, given that command: it asks the CPU index and takes its +cpu build.
    report = tmp_path / "report.json"
    args = torch[torch.index("install") + 1:]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    asked.clear()
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--isolated", "--dry-run",
                             "--ignore-installed", "--report", str(report), *args],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    installs = json.loads(report.read_text())["install"]
    assert [(e["metadata"]["name"], e["metadata"]["version"]) for e in installs] == [("torch", TORCH)]
    assert installs[0]["download_info"]["url"].startswith(url)
    assert "/torch/" in asked, asked  # the CPU index was asked for torch


@pytest.mark.slow  # starts a process
@pytest.mark.skipif(sys.platform != "linux", reason="the CPU index is asked on Linux only")
def test_an_unreachable_cpu_index_falls_back_to_the_configured_one_saying_so():
    url = closed_port()
    done = plan(RNNLAB_TORCH_INDEX=url)
    torch, rest = torch_and_rest(done)
    assert torch[-1] == "torch" and "--index-url" not in torch and "--index-url" not in rest
    assert f"PyTorch's CPU wheel index {url} cannot be reached" in done.stdout
    assert "pip's configured index instead" in done.stdout


@pytest.mark.slow  # starts a process
def test_torch_spec_replaces_the_torch_install_and_its_pin():
    spec = "torch==2.13.0 --index-url https://download.pytorch.org/whl/cu124"
    done = plan(TORCH_SPEC=spec, RNNLAB_TORCH_INDEX=closed_port())
    torch, rest = torch_and_rest(done)
    assert torch[torch.index("-c") + 2:] == shlex.split(spec)
    for command in (torch, rest):
        assert command[command.index("-c") + 1] == ".venv/constraints-without-torch.txt"
    assert "cannot be reached" not in done.stdout  # no probe: the user chose


@pytest.mark.parametrize("script, extras", [("./course.sh", "lab"), ("./book.sh", "lab,book"),
                                            ("./test.sh", "lab,test,book")])
@pytest.mark.slow  # starts a process
def test_students_get_the_lessons_needs_and_only_test_sh_the_test_tools(script, extras):
    done = plan(script, RNNLAB_TORCH_INDEX=closed_port())
    _, rest = torch_and_rest(done)
    assert f".[{extras}]" in " ".join(rest) and "./slides-extension" in rest
    assert "==> ruff" not in done.stdout and "jupyter" not in " ".join(rest[-1:])  # stopped after the plan


def test_the_lab_extra_holds_no_test_tooling():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    lab = " ".join(extras["lab"])
    for tool in ("pytest", "nbval", "playwright", "hypothesis", "ruff"):
        assert tool not in lab
        assert any(r.startswith(tool) for r in extras["test"]), tool


@pytest.mark.slow  # starts a process
def test_unknown_extras_are_refused():
    done = plan(RNNLAB_EXTRAS="lab,gpu")
    assert done.returncode == 2
    assert "RNNLAB_EXTRAS must be lab, lab,book or lab,test,book; got 'lab,gpu'" in done.stderr
