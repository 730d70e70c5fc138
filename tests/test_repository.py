"""Promises the repository itself keeps: layout, dependency lists in step, clean notebooks."""
from __future__ import annotations

import json
import platform
import re
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_layout_has_every_top_level_piece():
    for item in ["notebooks", "data/raw", "data/processed", "qzlib", "outputs", "environment.yml",
                 "tests", "README.md", "pyproject.toml", "Makefile", ".ci/run", "bench"]:
        assert (ROOT / item).exists(), item


def test_environment_yml_and_pyproject_name_the_same_dependencies():
    py = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    conda = {_name(d) for d in env if isinstance(d, str)} - {"python", "pip"}
    pip = {_name(d) for sub in env if isinstance(sub, dict) for d in sub["pip"] if not d.startswith("-e")}
    assert {_name(d) for d in py} == conda | pip


# The oldest version whose API the project uses, and where. A floor in pyproject.toml
# below one of these promises an install that breaks; raise the entry when code starts
# using something newer. (Every other floor is checked against the tested install below.)
API_MINIMUMS = {
    "python": ("3.11", "tomllib in tests/test_repository.py"),
    "pandas": ("2.1", "DataFrame.map in qzlib/stats/coverage.py (applymap before 2.1)"),
    "pandera": ("0.24", "the pandera.pandas module in qzlib/stats/schema.py"),
}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _floor(spec: SpecifierSet) -> Version | None:
    lows = [Version(s.version) for s in spec if s.operator in (">=", "==", "~=")]
    return max(lows) if lows else None


def _floors() -> dict[str, Version | None]:
    project = _project()
    floors = {"python": _floor(SpecifierSet(project["requires-python"]))}
    for d in project["dependencies"]:
        req = Requirement(d)
        floors[_name(req.name)] = _floor(req.specifier)
    return floors


def test_floors_are_at_least_the_api_minimums():
    floors = _floors()
    low = {name: f"{floors.get(name)} < {minimum} ({why})" for name, (minimum, why) in API_MINIMUMS.items()
           if floors.get(name) is None or floors[name] < Version(minimum)}
    assert low == {}


def test_the_tested_install_satisfies_every_declared_range():
    # A floor above the version the suite runs with would be a promise nobody tested.
    project = _project()
    assert SpecifierSet(project["requires-python"]).contains(platform.python_version())
    outside = {}
    for d in project["dependencies"]:
        req = Requirement(d)
        have = version(req.name)
        if not req.specifier.contains(have, prereleases=True):
            outside[req.name] = f"installed {have}, declared {req.specifier}"
    assert outside == {}


def test_environment_yml_readme_and_pyproject_state_the_same_floors():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    specs = [d for d in env if isinstance(d, str) and d != "pip"]
    specs += [d for sub in env if isinstance(sub, dict) for d in sub["pip"] if not d.startswith("-e")]
    conda = {_name(d): _floor(SpecifierSet(d[len(_name(d)):].strip())) for d in specs}
    assert conda == _floors()
    readme = re.search(r"Python (\d+\.\d+)\+", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert readme and Version(readme.group(1)) == _floors()["python"]


def test_floor_check_catches_a_floor_below_an_api_minimum():
    assert _floor(SpecifierSet(">=2.0")) < Version(API_MINIMUMS["pandas"][0])
    assert _floor(SpecifierSet(">=0.24,<1")) == Version("0.24")
    assert _floor(SpecifierSet("<3")) is None


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in ci and "make test" in readme and "make brief" in readme


def _notebooks_with_outputs(paths):
    dirty = []
    for path in paths:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count")):
                dirty.append(str(path))
                break
    return dirty


def test_notebooks_are_committed_without_outputs():
    tracked = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True)
    paths = [ROOT / p for p in tracked.stdout.split()] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert _notebooks_with_outputs(paths) == []


def test_output_check_catches_a_notebook_with_outputs(tmp_path):
    nb = {"cells": [{"cell_type": "code", "source": "1", "metadata": {}, "execution_count": 1,
                     "outputs": [{"output_type": "execute_result", "data": {"text/plain": "1"},
                                  "metadata": {}, "execution_count": 1}]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "x.ipynb"
    path.write_text(json.dumps(nb))
    assert _notebooks_with_outputs([path]) == [str(path)]


def test_every_notebook_has_a_kernelspec_and_one_parameters_cell():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert nb["metadata"].get("kernelspec", {}).get("name") == "python3", path.name
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, path.name
        assert any("qzlib" in "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"), path.name


def test_the_readme_scenario_example_is_a_valid_scenario():
    from qzlib.scenarios import parse

    block = re.search(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S).group(1)
    sc = parse(block, file="README.md")
    assert sc.name == "my_case" and set(sc.components) == {"value_added", "land"}


@pytest.mark.slow
def test_plain_pytest_collects_the_docstring_examples_of_qzlib_and_nothing_else_there(request):
    """pyproject's options alone (testpaths, --doctest-modules in addopts) bring qzlib's docstring
    examples in. Read from this run's own collection (make test gives no option on the command
    line); a run that did not collect them all (other paths, -k) asks a plain
    `pytest --collect-only qzlib`."""
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert "--doctest-modules" in options["addopts"].split() and "qzlib" in options["testpaths"]
    some = {"qzlib/text.py", "qzlib/numbers.py", "qzlib/plan/responsibility.py"}
    items = [i.nodeid for i in request.session.items if i.nodeid.startswith("qzlib/")]
    if not some <= {item.split(":")[0] for item in items}:
        res = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "qzlib"],
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
        items = [line for line in res.stdout.splitlines() if line.startswith("qzlib/")]
    files = {item.split(":")[0] for item in items}
    assert some <= files, items
    assert all(f.endswith(".py") and "/resources/" not in f for f in files), files
