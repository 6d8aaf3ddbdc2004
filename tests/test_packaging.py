"""pyproject.toml is the single source of the dependency list; the other install routes follow it."""

import re
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower()


def pyproject_names() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return {_name(r) for r in data["project"]["dependencies"]}


def requirement_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.strip().startswith(("#", "-"))]


def test_environment_yml_names_the_same_dependencies():
    text = (ROOT / "environment.yml").read_text()
    pip_block = text.split("- pip:", 1)[1]
    lines = [re.sub(r"^\s*-\s*", "", line) for line in pip_block.splitlines() if line.strip()]
    names = {_name(line) for line in lines if not line.startswith("-e")}
    assert names == pyproject_names()
    assert "-e ." in pip_block, "environment.yml must install the package from the repository"


def test_binder_requirements_name_the_same_dependencies():
    lines = requirement_lines((ROOT / "binder" / "requirements.txt").read_text())
    assert {_name(line) for line in lines} == pyproject_names()
    assert any(line.startswith("torch==") and "+cpu" in line for line in lines), "Binder wants CPU torch"
    assert "pip install --no-deps -e ." in (ROOT / "binder" / "postBuild").read_text()


def test_torch_pin_agrees_everywhere():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    torch_req = next(r for r in data["project"]["dependencies"] if _name(r) == "torch")
    assert "2.13.0" in torch_req
    assert "torch==2.13.0" in (ROOT / "scripts" / "bootstrap.sh").read_text()
    assert "torch==2.13.0" in (ROOT / "environment.yml").read_text()


def test_corpus_ships_as_package_data():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "timemachine.txt" in data["tool"]["setuptools"]["package-data"]["rnnlab.data"]
    assert (ROOT / "rnnlab" / "data" / "timemachine.txt").is_file()


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "./test.sh" in readme and "./test.sh" in ci
    assert "./course.sh" in readme


def test_presenting_is_documented_and_rise_is_a_dependency():
    readme = (ROOT / "README.md").read_text()
    assert "## Presenting" in readme and "Alt+R" in readme
    rows = re.findall(r"^\| (0\d) \| .*′", readme, re.M)
    assert rows == [f"0{i}" for i in range(9)], "a 50-minute path for every lesson"
    assert "jupyterlab-rise" in pyproject_names()
