"""The suite runs with outbound network blocked (tests/conftest.py), so nothing in it may download."""

import socket
import subprocess
import sys

import pytest


def test_outbound_connections_fail_in_this_process():
    with socket.socket() as s, pytest.raises(OSError, match="blocked while testing rnnlab"):
        s.connect(("192.0.2.1", 80))  # TEST-NET-1: never reached, the block refuses first


def test_outbound_connections_fail_in_child_processes_too():
    code = ("import socket\n"
            "s = socket.socket()\n"
            "try:\n    s.connect(('192.0.2.1', 80))\nexcept OSError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "blocked while testing rnnlab" in out.stdout


def test_loopback_stays_open():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5):
            pass
