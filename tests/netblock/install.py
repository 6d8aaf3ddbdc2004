"""Install the network block (``sitecustomize.py`` beside this file) in the running process.

Loaded by file path under a name of its own, so it works even where the interpreter
already imported another ``sitecustomize`` at start-up (Debian's, a conda one, a
JupyterHub image's): a plain ``import sitecustomize`` would hand back that module and
install nothing.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

BLOCK = Path(__file__).resolve().with_name("sitecustomize.py")
MODULE = "rnnlab_netblock"


def install():
    """Block outbound connections here; returns the loaded block module."""
    if MODULE in sys.modules:
        return sys.modules[MODULE]
    os.environ["RNNLAB_BLOCK_NETWORK"] = "1"
    spec = importlib.util.spec_from_file_location(MODULE, BLOCK)
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE] = module
    spec.loader.exec_module(module)
    return module
