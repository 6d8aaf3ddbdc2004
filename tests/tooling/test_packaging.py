"""What rnnlab needs (pyproject.toml, ranges) and what the course is tested with (constraints.txt, pins).

Every install route names the same packages as pyproject.toml and takes their versions
from constraints.txt; the pins satisfy the ranges; the environment the suite runs in was
installed from the pins; JupyterLab lists no incompatible extension.
"""

import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import tomllib
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def requirements(*extras: str) -> list[Requirement]:
    project = PYPROJECT["project"]
    lines = list(project["dependencies"])
    for extra in extras:
        lines += project["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]


def course_names() -> set[str]:
    """What an instructor's install holds: rnnlab and JupyterLab with the slideshow."""
    return {_name(r.name) for r in requirements("lab")}


def constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not an exact pin (name==version)"
            pins[_name(name)] = version.strip()
    return pins


def requirement_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.strip().startswith(("#", "-"))]


def test_torch_has_a_floor_and_no_cap():
    torch = next(r for r in requirements() if r.name == "torch")
    assert str(torch.specifier) == ">=2.2", "rnnlab must not cap torch: a newer one on the host stays"
    assert not any(_name(r.name) in ("jupyterlab", "jupyterlab-rise", "notebook")
                   for r in requirements()), "JupyterLab is the 'lab' extra, not a need of rnnlab"


def test_constraints_pin_everything_the_course_installs_within_the_ranges():
    pins = constraints()
    assert pins["torch"] == "2.13.0"
    slides = tomllib.loads((ROOT / "slides-extension" / "pyproject.toml").read_text())
    slides_needs = [Requirement(r) for r in slides["project"]["dependencies"]]
    for req in requirements("lab", "test", "book") + slides_needs:
        name = _name(req.name)
        assert name in pins, f"{name} is not pinned in constraints.txt"
        assert req.specifier.contains(pins[name], prereleases=True), \
            f"constraints.txt pins {name}=={pins[name]}, outside {req}"
    assert "jupyterlab-rise" not in pins and "jupyterlab-mathjax3" not in pins


def test_this_environment_was_installed_from_the_constraints():
    pins = constraints()
    for req in requirements("lab", "test", "book"):
        name = _name(req.name)
        if name == "torch" and os.environ.get("TORCH_SPEC"):
            continue  # a torch of the user's choice, on purpose
        installed = Version(metadata.version(name))
        assert installed.public == Version(pins[name]).public, \
            f"{name} {installed} is installed but constraints.txt pins {pins[name]}: rerun ./test.sh"


def test_course_and_test_scripts_install_with_the_constraints():
    bootstrap = (ROOT / "scripts" / "bootstrap.sh").read_text()
    assert "constraints.txt" in bootstrap and '-c "$constraints"' in bootstrap
    assert '-e ".[$RNNLAB_EXTRAS]" ./slides-extension' in bootstrap
    for script in ("course.sh", "test.sh", "book.sh"):
        assert "source scripts/bootstrap.sh" in (ROOT / script).read_text()
    # who gets what (tests/tooling/test_bootstrap_plan.py runs each plan)
    assert "RNNLAB_EXTRAS=lab,test,book source scripts/bootstrap.sh" in (ROOT / "test.sh").read_text()
    assert "RNNLAB_EXTRAS=lab,book source scripts/bootstrap.sh" in (ROOT / "book.sh").read_text()


def test_environment_yml_names_the_same_packages_and_uses_the_constraints():
    text = (ROOT / "environment.yml").read_text()
    pip_block = text.split("- pip:", 1)[1]
    lines = [re.sub(r"^\s*-\s*", "", line) for line in pip_block.splitlines() if line.strip()]
    assert "-c constraints.txt" in lines
    assert "-e .[lab]" in lines and "./slides-extension" in lines
    names = {_name(line) for line in lines if not line.startswith(("-", "."))}
    assert names == course_names()


def test_binder_requirements_name_the_same_packages_and_use_the_constraints():
    text = (ROOT / "binder" / "requirements.txt").read_text()
    assert "-c ../constraints.txt" in text.splitlines()
    lines = requirement_lines(text)
    assert {_name(line) for line in lines} == course_names()
    torch = next(line for line in lines if _name(line) == "torch")
    assert torch == f"torch=={constraints()['torch']}+cpu", "Binder wants the pinned torch, CPU build"
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post_build
    assert "pip install --no-deps ./slides-extension" in post_build


@pytest.mark.slow  # starts other processes
def test_jupyterlab_lists_the_slideshow_and_no_incompatible_extension():
    result = subprocess.run([sys.executable, "-m", "jupyterlab.labextensions", "list"],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "NO_COLOR": "1"})
    listing = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    assert "incompatible" not in listing and "outdated" not in listing, listing
    for extension in ("jupyterlab-slideshow", "rnnlab-slides", "@jupyter-widgets/jupyterlab-manager"):
        assert re.search(rf"^\s*{re.escape(extension)} v\S+ enabled\s+OK", listing, re.M), listing
    assert "jupyterlab-rise" not in listing and "mathjax3" not in listing, listing


def test_corpus_ships_as_package_data():
    assert "timemachine.txt" in PYPROJECT["tool"]["setuptools"]["package-data"]["rnnlab.data"]
    assert (ROOT / "rnnlab" / "data" / "timemachine.txt").is_file()


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "./test.sh" in readme and "./test.sh" in ci
    assert "./course.sh" in readme


@pytest.mark.slow  # starts other processes
def test_presenting_is_documented_and_the_slideshow_is_installed():
    readme = (ROOT / "README.md").read_text()
    presenting = readme.split("## Presenting", 1)[1].split("\n## ", 1)[0]
    assert "jupyterlab-slideshow" in presenting and "Shift+Enter" in presenting
    rows = re.findall(r"^\| (0\d) \| .*′", readme, re.M)
    assert rows == [f"0{i}" for i in range(9)], "a 50-minute path for every lesson"
    assert "jupyterlab-slideshow" in course_names()
