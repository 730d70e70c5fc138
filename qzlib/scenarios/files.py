"""Which files are scenarios: the one listing rule, light enough for ``qz brief`` to check a
scenario's name before any kernel starts (no YAML parsing, no engine).

>>> SUFFIXES
('.yml', '.yaml')
"""
from __future__ import annotations

from pathlib import Path

from qzlib.paths import SCENARIOS

SUFFIXES = (".yml", ".yaml")  # what counts as a scenario file, everywhere


def list_files(scenarios_dir: Path | None = None) -> list[Path]:
    """Every scenario file in a folder (.yml and .yaml), sorted: the one listing rule that
    ``qz scenario list``, the brief's scenario check and the explorer use."""
    folder = Path(scenarios_dir) if scenarios_dir else SCENARIOS
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file()) if folder.is_dir() else []
