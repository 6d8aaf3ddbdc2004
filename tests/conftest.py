"""Suite-wide set-up: no network for the suite or anything it starts, and a headless plotting backend."""

import os
import sys
from pathlib import Path

import matplotlib
import torch

matplotlib.use("Agg")
# The models under test are small: one thread is faster than two fighting over 2 cores
# (see rnnlab.notebook.setup), and it keeps timings in the tests' subprocesses sane.
torch.set_num_threads(1)

NETBLOCK = Path(__file__).resolve().parent / "netblock"

# Child processes (notebook kernels, JupyterLab) pick the block up from sitecustomize;
# this process installs it directly, since its own start-up has already happened.
os.environ["RNNLAB_BLOCK_NETWORK"] = "1"
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(NETBLOCK)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
sys.path.insert(0, str(NETBLOCK))
import sitecustomize  # noqa: E402,F401  (installs the block here too)

sys.path.remove(str(NETBLOCK))
