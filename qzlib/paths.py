"""Where things live. Every default path in the suite comes from here.

The project root is found from this file's location (an editable install), and can be
overridden with the ``QZ_HOME`` environment variable, so that tests and batch runs can
point the whole suite at a copy.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path


def project_root() -> Path:
    env = os.environ.get("QZ_HOME")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parent.parent


ROOT = project_root()
RAW = ROOT / "data" / "raw"
PROCESSED = ROOT / "data" / "processed"
OUTPUTS = ROOT / "outputs"
NOTEBOOKS = ROOT / "notebooks"
SCENARIOS = ROOT / "scenarios"
PLAN_FILE = RAW / "plan" / "quzhou-415x-plan-2023.txt"
STATISTICS_DIR = RAW / "statistics"
RESOURCES = Path(__file__).resolve().parent / "resources"
BRIEF_NOTEBOOK = "01_brief.ipynb"   # the notebook `qz brief` executes, in NOTEBOOKS


def output_path(value: str | Path) -> Path:
    """Where a notebook writes its results: absolute paths as given, relative ones under the
    project root (so a notebook opened in JupyterLab, whose working folder is notebooks/,
    writes to outputs/… like the batch does)."""
    p = Path(value).expanduser()
    return p if p.is_absolute() else ROOT / p


# --------------------------------------------------------------------------- plan workspaces
PLANS = ROOT / "plans"
DEFAULT_PLAN = "default"


@dataclass(frozen=True)
class Workspace:
    """One plan's folders: ``root/data/raw/plan/*.txt``, ``root/data/raw/statistics``,
    ``root/data/processed`` and ``root/outputs``.

    The project's own plan (``default``) is the project root itself, so the README commands
    and data/raw, data/processed, outputs/ stay as they are; any other plan lives in
    ``plans/<name>/`` with the same layout (``qz plan add`` creates one).
    """

    name: str
    root: Path

    @property
    def is_default(self) -> bool:
        return self.name == DEFAULT_PLAN

    @property
    def raw(self) -> Path:
        return RAW if self.is_default else self.root / "data" / "raw"

    @property
    def processed(self) -> Path:
        return PROCESSED if self.is_default else self.root / "data" / "processed"

    @property
    def outputs(self) -> Path:
        return OUTPUTS if self.is_default else self.root / "outputs"

    @property
    def statistics(self) -> Path:
        return self.raw / "statistics"

    @property
    def plan_file(self) -> Path:
        """The plan text: the shipped one for ``default``, else the one .txt in data/raw/plan."""
        if self.is_default:
            return PLAN_FILE
        from qzlib.errors import InputError

        found = sorted((self.raw / "plan").glob("*.txt"))
        if len(found) != 1:
            raise InputError.one(file=self.raw / "plan", field="plan text", value=f"{len(found)} .txt files",
                                 expected="exactly one plan text file (qz plan add NAME FILE puts it there)")
        return found[0]


def plan_names() -> list[str]:
    """'default' and every folder under plans/ that holds data/raw/plan."""
    found = sorted(p.name for p in PLANS.glob("*") if (p / "data" / "raw" / "plan").is_dir()) if PLANS.is_dir() else []
    return [DEFAULT_PLAN] + [n for n in found if n != DEFAULT_PLAN]


def workspace(name: str | None = None) -> Workspace:
    """The workspace of plan ``name`` ('' or None or 'default': the project's own plan)."""
    from qzlib.errors import InputError

    name = (name or DEFAULT_PLAN).strip()
    if name == DEFAULT_PLAN:
        return Workspace(DEFAULT_PLAN, ROOT)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name) or name not in plan_names():
        raise InputError.one(where="--plan", value=name,
                             expected=f"a plan workspace: one of {', '.join(plan_names())} "
                                      f"(plans/<name>/data/raw/plan/*.txt; create one with `qz plan add NAME FILE`)")
    return Workspace(name, PLANS / name)
