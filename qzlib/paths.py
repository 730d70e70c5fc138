"""Where things live. Every default path in the suite comes from here.

The project root is found from this file's location (an editable install), and can be
overridden with the ``QZ_HOME`` environment variable, so that tests and batch runs can
point the whole suite at a copy.
"""
from __future__ import annotations

import os
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


def output_path(value: str | Path) -> Path:
    """Where a notebook writes its results: absolute paths as given, relative ones under the
    project root (so a notebook opened in JupyterLab, whose working folder is notebooks/,
    writes to outputs/… like the batch does)."""
    p = Path(value).expanduser()
    return p if p.is_absolute() else ROOT / p
