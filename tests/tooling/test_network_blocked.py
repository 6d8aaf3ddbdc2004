"""The suite runs with outbound network blocked (tests/conftest.py), so nothing in it may download.

The block must hold even where the interpreter ran a sitecustomize of its own at start-up
(Debian ships one): conftest.py loads tests/netblock/sitecustomize.py by its file path.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts other processes: left out of ./test.sh --fast

NETBLOCK = Path(__file__).resolve().parents[1] / "netblock"
TEST_NET = ("192.0.2.1", 80)  # TEST-NET-1: never reached, the block refuses first

CONNECT = ("import socket\n"
           "s = socket.socket()\n"
           "try:\n    s.connect(('192.0.2.1', 80))\nexcept OSError as e:\n    print('refused:', e)\n")


def test_outbound_connections_fail_in_this_process():
    assert getattr(socket.socket.connect, "rnnlab_netblock", False), "the block is not installed here"
    with socket.socket() as s, pytest.raises(OSError, match="blocked while testing rnnlab"):
        s.connect(TEST_NET)
    with socket.socket() as s, pytest.raises(OSError, match="blocked while testing rnnlab"):
        s.connect_ex(TEST_NET)


def test_outbound_connections_fail_in_child_processes_too():
    out = subprocess.run([sys.executable, "-c", CONNECT], capture_output=True, text=True, timeout=60)
    assert "blocked while testing rnnlab" in out.stdout


def test_loopback_stays_open():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5):
            pass


@pytest.fixture
def system_sitecustomize(tmp_path):
    """A folder holding a stand-in for a machine's own sitecustomize, which says it ran."""
    folder = tmp_path / "system"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text("import os\nos.environ['SYSTEM_SITECUSTOMIZE_RAN'] = '1'\n")
    return folder


def _child(code: str, pythonpath: list[Path]) -> str:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(map(str, pythonpath)), RNNLAB_BLOCK_NETWORK="1")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_the_block_loads_after_a_system_sitecustomize(system_sitecustomize):
    """What conftest.py does, in a process whose start-up ran another sitecustomize."""
    preamble = ("import os, sys\n"
                "assert os.environ.get('SYSTEM_SITECUSTOMIZE_RAN') == '1'\n"
                f"sys.path.insert(0, {str(NETBLOCK)!r})\n")
    # The old way, `import sitecustomize`, hands back the system's module: no block.
    old = _child(preamble + "import sitecustomize\n" + CONNECT, [system_sitecustomize])
    assert "blocked while testing rnnlab" not in old
    new = _child(preamble + "import install\ninstall.install()\n" + CONNECT, [system_sitecustomize])
    assert "refused:" in new and "blocked while testing rnnlab" in new


def test_child_processes_still_run_the_sitecustomize_the_block_hides(system_sitecustomize):
    code = "import os\nprint('system ran:', os.environ.get('SYSTEM_SITECUSTOMIZE_RAN'))\n" + CONNECT
    out = _child(code, [NETBLOCK, system_sitecustomize])
    assert "system ran: 1" in out and "blocked while testing rnnlab" in out
