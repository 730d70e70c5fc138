"""Shared fixtures: the real plan and statistics ingested once into a temporary folder."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def processed_dir(tmp_path_factory) -> Path:
    """data/raw → a temporary data/processed, exactly as `qz ingest` builds it."""
    from qzlib.pipeline import run_ingest

    out = tmp_path_factory.mktemp("processed")
    run_ingest(plan=None, out=out, quiet=True)
    return out
