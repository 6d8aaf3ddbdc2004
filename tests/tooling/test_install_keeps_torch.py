"""Installing rnnlab where a newer torch is already installed (a lab machine, Colab) keeps that torch.

pip resolves rnnlab's dependencies, exactly as pyproject.toml states them, against a
small throw-away environment that has torch 2.99.0 installed, with a torch 2.13.0 on
offer; ``pip install --dry-run --report`` tells what it would install. Nothing is
downloaded (``--no-index``, local stand-in wheels) and no configuration of this
machine is read. The same run with the old cap (``torch<=2.13.0``) shows the test can
fail: there pip would replace torch 2.99.0 with 2.13.0.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import tomllib

pytestmark = pytest.mark.slow  # runs pip in throw-away environments: left out of ./test.sh --fast

ROOT = Path(__file__).resolve().parents[2]
HOST_TORCH = "2.99.0"  # "newer than anything the course pins"
OFFERED_TORCH = "2.13.0"


def _metadata(name: str, version: str) -> str:
    return f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"


def _install_stub(site_packages: Path, name: str, version: str) -> None:
    """Register ``name==version`` as installed: a dist-info folder is all pip looks at."""
    info = site_packages / f"{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(_metadata(name, version))
    (info / "INSTALLER").write_text("rnnlab-test\n")
    (info / "RECORD").write_text("")


def _offer_wheel(folder: Path, name: str, version: str) -> None:
    """A wheel pip could install (for --find-links), holding nothing but its metadata."""
    info = f"{name}-{version}.dist-info"
    with zipfile.ZipFile(folder / f"{name}-{version}-py3-none-any.whl", "w") as whl:
        whl.writestr(f"{info}/METADATA", _metadata(name, version))
        whl.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: rnnlab-test\n"
                                      "Root-Is-Purelib: true\nTag: py3-none-any\n")
        whl.writestr(f"{info}/RECORD", "")


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower()


def rnnlab_requirements() -> list[str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    """A Python environment with torch 2.99.0 and a version of each other dependency installed."""
    tmp = tmp_path_factory.mktemp("host")
    env = tmp / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True, timeout=120)
    python = env / "bin" / "python"
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(subprocess.run([str(python), "-c", where], check=True, capture_output=True,
                               text=True).stdout.strip())
    versions = {"torch": HOST_TORCH, "numpy": "2.0.0", "matplotlib": "3.9.0", "ipywidgets": "8.1.5",
                "tqdm": "4.67.0"}
    assert {_name(r) for r in rnnlab_requirements()} <= set(versions), "a new dependency: add it here"
    for name, version in versions.items():
        _install_stub(site, name, version)
    wheels = tmp / "wheels"
    wheels.mkdir()
    _offer_wheel(wheels, "torch", OFFERED_TORCH)
    return python, wheels, tmp


def dry_run_install(host, requirements: list[str]) -> list[dict]:
    """What ``pip install`` would install: the report's ``install`` entries."""
    python, wheels, tmp = host
    report = tmp / "report.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull  # this machine's pip.conf (index, constraints) stays out
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--isolated",
         "--disable-pip-version-check", "--no-index", "--find-links", str(wheels),
         "--dry-run", "--quiet", "--report", str(report), *requirements],
        capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(report.read_text())["install"]


def torch_installs(entries: list[dict]) -> list[str]:
    return [e["metadata"]["version"] for e in entries if e["metadata"]["name"].lower() == "torch"]


def test_rnnlab_requirements_keep_the_installed_torch(host):
    assert torch_installs(dry_run_install(host, rnnlab_requirements())) == []


def test_a_capped_torch_requirement_would_replace_it(host):
    """The control: the cap pyproject.toml used to carry makes pip downgrade torch."""
    capped = [("torch>=2.2,<=2.13.0" if _name(r) == "torch" else r) for r in rnnlab_requirements()]
    assert torch_installs(dry_run_install(host, capped)) == [OFFERED_TORCH]
