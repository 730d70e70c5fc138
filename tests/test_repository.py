"""Promises the repository itself keeps: layout, dependency lists in step, clean notebooks."""
from __future__ import annotations

import json
import re
import subprocess
import tomllib
from pathlib import Path

import yaml

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
