"""Which files an ingest reads from data/raw/statistics, and in what order: light enough for
``qz brief`` to check data/processed against data/raw before any kernel starts (no pandas).
"""
from __future__ import annotations

from pathlib import Path

from qzlib.stats import sources

PINS = "pins.csv"
IMPORTED = "imported"


def statistics_files(statistics_dir: Path) -> list[tuple[Path, str | None]]:
    """(file, kind of its rows that declare no source type) in reading order: shipped files
    (kind from the source's address), then imports by date (undeclared: 'researcher')."""
    top = sorted(p for p in statistics_dir.glob("*.csv") if p.name != PINS)
    top.sort(key=lambda p: p.name != "reference_statistics.csv")
    imported = sorted((statistics_dir / IMPORTED).glob("*.csv"))
    return [(p, None) for p in top] + [(p, sources.UNDECLARED) for p in imported]
