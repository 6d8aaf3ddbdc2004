"""Loaded at start-up by every Python process the test suite starts (kernels, JupyterLab).

When RNNLAB_BLOCK_NETWORK=1, any connection to an address outside the loopback
range fails, so the suite proves the course needs no network at run time.
tests/conftest.py puts this folder first on PYTHONPATH for the child processes and
loads this file into the suite's own process with tests/netblock/install.py.

Being first on the path, this file hides any other ``sitecustomize`` (Debian ships
one); when Python runs it at start-up it runs that one too, so nothing of the
machine's set-up is lost.
"""

import os
import sys

if os.environ.get("RNNLAB_BLOCK_NETWORK") == "1":
    import ipaddress
    import socket

    class NetworkBlocked(OSError):
        pass

    _connect = socket.socket.connect
    _connect_ex = socket.socket.connect_ex

    def _check(address):
        host = address[0] if isinstance(address, tuple) else address
        if not isinstance(host, str) or host in ("localhost", ""):
            return
        try:
            if ipaddress.ip_address(host.split("%")[0]).is_loopback:
                return
        except ValueError:
            pass  # a host name: only localhost is allowed
        raise NetworkBlocked(f"network access to {address!r} is blocked while testing rnnlab")

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _check(address)
        return _connect(self, address)

    def connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _check(address)
        return _connect_ex(self, address)

    connect.rnnlab_netblock = connect_ex.rnnlab_netblock = True
    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex


def _run_the_hidden_sitecustomize():
    """Run the next ``sitecustomize.py`` on sys.path after this one's folder, if any."""
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    for entry in sys.path:
        if not entry or os.path.abspath(entry) == here:
            continue
        candidate = os.path.join(entry, "sitecustomize.py")
        if os.path.isfile(candidate):
            spec = importlib.util.spec_from_file_location("_rnnlab_hidden_sitecustomize", candidate)
            module = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(module)
            except Exception as exc:  # as Python itself treats a failing sitecustomize
                print(f"Error in sitecustomize ({candidate}); set PYTHONVERBOSE for traceback: "
                      f"{exc!r}", file=sys.stderr)
            return


if __name__ == "sitecustomize":  # run by Python at start-up, not loaded by install.py
    _run_the_hidden_sitecustomize()
