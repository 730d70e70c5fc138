"""A tiny stand-in project for the brief runner's tests (synthetic): a brief notebook made of
the given code cells, scenario files and placeholder tables, so publishing, batching and
faults can be tested without the real notebook's 15 s."""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from qzlib.atomic import versions_dir
from qzlib.report.runner import REQUIRED_TABLES

PARAMETERS = ('year = 2025\nscenario = "a"\nlang = "zh"\nprocessed_dir = ""\n'
              'scenarios_dir = ""\noutput_dir = "."\ncompare = ""')


def make(tmp_path: Path, cells: list[str], scenarios=("a", "b"), title: str = "# 测试简报（合成数据）",
         tail: list[str] = ()) -> dict:
    """BriefRequest keyword arguments for a project whose brief runs ``cells`` after the parameters."""
    nbdir, scdir, processed, out = (tmp_path / d for d in ("nb", "sc", "processed", "out"))
    for d in (nbdir, scdir, processed, out):
        d.mkdir(exist_ok=True)
    params = new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[new_markdown_cell(title), params, *map(new_code_cell, cells),
                             *map(new_markdown_cell, tail)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, nbdir / "01_brief.ipynb")
    for name in scenarios:
        (scdir / f"{name}.yml").write_text(f"name: {name}\n", encoding="utf-8")
    for t in REQUIRED_TABLES:
        (processed / t).write_text("x\n", encoding="utf-8")
    return dict(notebooks_dir=nbdir, scenarios_dir=scdir, processed_dir=processed, outputs_dir=out)


def leftovers(target: Path) -> list[str]:
    """Staging folders and unswapped links of ``target`` (there must be none after a run)."""
    vdir = versions_dir(target)
    found = [p.name for p in vdir.iterdir() if p.name.startswith((".staging-", ".link-"))] if vdir.is_dir() else []
    if target.parent.is_dir():
        found += [p.name for p in target.parent.iterdir() if ".staging." in p.name]
    return found
