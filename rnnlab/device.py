"""Where tensors live (CPU by default, CUDA automatically when a GPU is present) and how many
CPU threads torch uses: the course's one thread policy."""

from __future__ import annotations

import contextlib
import os

import torch

from .checks import require_int


def default_device() -> torch.device:
    """``cuda`` when a GPU is available, else ``cpu``."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def resolve_device(device=None) -> torch.device:
    """Turn ``None`` (automatic), a string or a ``torch.device`` into a ``torch.device``."""
    if device is None:
        return default_device()
    try:
        device = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"device must be None, 'cpu', 'cuda' or 'cuda:N', got {device!r}") from exc
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={str(device)!r} was asked for but no CUDA GPU is available; "
                         "use device='cpu' or leave device=None")
    return device


def try_gpu(i: int = 0) -> torch.device:
    """GPU ``i`` if it exists, else the CPU (the name the d2l notes use)."""
    i = require_int("i", i, minimum=0)
    if torch.cuda.device_count() >= i + 1:
        return torch.device(f"cuda:{i}")
    return torch.device("cpu")


# --------------------------------------------------------------------------- CPU threads
#: Below this hidden size one torch thread; from it on, two when two cores are idle.
TWO_THREADS_FROM_HIDDEN = 256
#: Two threads need this many idle cores (cores minus the 1-minute load average).
IDLE_CORES_FOR_TWO = 2.0


def available_cores() -> int:
    """CPU cores this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def _load() -> float:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):  # pragma: no cover - Windows
        return 0.0


def default_threads(num_hiddens: int, cores: int | None = None, load: float | None = None) -> int:
    """The course's one CPU thread policy: torch threads for training a model of ``num_hiddens``.

    Measured on a 2-core CPU (``benchmarks/run.py``, "Threads"): two threads
    gained up to 1.4× from hidden 256 on when the machine was otherwise idle,
    and lost 2–15× (a thread waiting for a busy core) whenever other jobs ran;
    below hidden 256 they never paid. So: one thread below
    :data:`TWO_THREADS_FROM_HIDDEN`, and from there two only if ``cores`` minus
    ``load`` (default: this process's cores and the 1-minute load average)
    leaves :data:`IDLE_CORES_FOR_TWO` idle cores. :func:`rnnlab.notebook.setup`
    starts every lesson at one thread (the answer for the course's models on a
    shared machine); :func:`threads_for` applies the policy to one block.
    """
    num_hiddens = require_int("num_hiddens", num_hiddens, minimum=1)
    cores = available_cores() if cores is None else require_int("cores", cores, minimum=1)
    load = _load() if load is None else float(load)
    if num_hiddens < TWO_THREADS_FROM_HIDDEN or cores - load < IDLE_CORES_FOR_TWO:
        return 1
    return 2


@contextlib.contextmanager
def threads_for(num_hiddens: int):
    """Run the block with :func:`default_threads` torch threads, then restore the old number."""
    before = torch.get_num_threads()
    torch.set_num_threads(default_threads(num_hiddens))
    try:
        yield torch.get_num_threads()
    finally:
        torch.set_num_threads(before)
