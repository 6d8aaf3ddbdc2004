"""Suite-wide set-up: no network for the suite or anything it starts, a headless plotting
backend, figures closed after every test, and a skip for tests that need ../shared/."""

import importlib.util
import os
import subprocess
from pathlib import Path

import matplotlib
import pytest
import torch

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

# The models under test are small: one thread is faster than two fighting over 2 cores
# (see rnnlab.notebook.setup), and it keeps timings in the tests' subprocesses sane.
torch.set_num_threads(1)

TESTS = Path(__file__).resolve().parent
NETBLOCK = TESTS / "netblock"
# The repository's sibling folder: the seed notes the course grew from (CI lays it beside
# the clone; a plain clone of the repository has none).
SHARED = TESTS.parents[1] / "shared"

# Child processes (notebook kernels, JupyterLab) pick the block up from sitecustomize;
# this process has started already, so the block is loaded here by its file path
# (an `import sitecustomize` would find whatever sitecustomize ran at start-up).
os.environ["RNNLAB_BLOCK_NETWORK"] = "1"
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(NETBLOCK)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
_spec = importlib.util.spec_from_file_location("rnnlab_netblock_install", NETBLOCK / "install.py")
_install = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_install)
_install.install()


def _under_shared(value) -> bool:
    return isinstance(value, Path) and (value == SHARED or SHARED in value.parents)


def _names(code) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _names(const)
    return names


def _reaches_shared(module, func, seen: set) -> bool:
    """Whether ``func`` uses a module-level path under ../shared/ (SEED = ...), itself or
    through a function of the same module it calls."""
    code = getattr(getattr(func, "__wrapped__", func), "__code__", None)
    if code is None or code in seen:
        return False
    seen.add(code)
    for name in _names(code):
        value = vars(module).get(name)
        if _under_shared(value):
            return True
        if callable(value) and getattr(value, "__module__", None) == module.__name__ \
                and _reaches_shared(module, value, seen):
            return True
    return False


def pytest_collection_modifyitems(config, items):
    """Mark the tests that read ../shared/ (directly, or through a helper or a fixture)."""
    for item in items:
        module, func = getattr(item, "module", None), getattr(item, "function", None)
        if module is None or func is None:
            continue
        fixtures = getattr(item, "_fixtureinfo", None)
        funcs = [func] + [defs[-1].func for defs in (fixtures.name2fixturedefs.values() if fixtures else [])
                          if defs and getattr(defs[-1].func, "__module__", None) == module.__name__]
        seen: set = set()
        if any(_reaches_shared(module, f, seen) for f in funcs):
            item.add_marker(pytest.mark.needs_shared)


def pytest_runtest_setup(item):
    if item.get_closest_marker("needs_shared") and not SHARED.is_dir():
        pytest.skip(f"needs {SHARED}/ (the seed notes), which is absent: CI lays the folder "
                    "shared/ beside the repository; a plain clone has none")


@pytest.fixture(autouse=True)
def _close_figures():
    """No figure outlives its test (matplotlib keeps every open one, and warns past 20)."""
    yield
    plt.close("all")


class _ProcessStarted(AssertionError):
    pass


@pytest.fixture(autouse=True)
def _only_slow_tests_start_processes(request, monkeypatch):
    """The `slow` marker means "starts another process": ./test.sh --fast leaves those out, so a
    test that starts one without the marker fails here, naming the command, instead of quietly
    making the inner loop slow again."""
    if request.node.get_closest_marker("slow") or request.node.get_closest_marker("browser"):
        return
    real = subprocess.Popen

    class Refused(real):
        def __init__(self, args, *rest, **kwargs):
            raise _ProcessStarted(f"{request.node.nodeid} starts a process ({args!r}) but is not "
                                  "marked @pytest.mark.slow (see the marker in pyproject.toml)")

    monkeypatch.setattr(subprocess, "Popen", Refused)
