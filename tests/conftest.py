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


@pytest.fixture(scope="session")
def shipped_brief(processed_dir, tmp_path_factory):
    """The 2025 plan_path brief built once from the shipped data (several test files read it)."""
    from qzlib.report.runner import BriefRequest, run_brief

    out = tmp_path_factory.mktemp("shipped_brief")
    result = run_brief(BriefRequest(year=2025, scenario="plan_path", processed_dir=processed_dir, outputs_dir=out))
    assert result.ok, result.failed_cell or result.error
    return result
