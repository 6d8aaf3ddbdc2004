"""Loaded at start-up by every Python process the test suite starts (kernels, JupyterLab).

When RNNLAB_BLOCK_NETWORK=1, any connection to an address outside the loopback
range fails, so the suite proves the course needs no network at run time.
"""

import os

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

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
