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


BUREAU_FIXTURE = ROOT / "tests" / "fixtures" / "bureau" / "synthetic_bureau_quzhou_2023_2025.csv"


def zhejiang_workbook(tmp: Path, raw: Path) -> Path:
    """A real published figure (浙江 2020 亩均增加值 136 万元/亩, from reference_statistics.csv) typed
    into the data-entry template as a researcher would."""
    import csv

    import openpyxl

    from qzlib.stats.template import write_template

    with open(raw / "statistics" / "reference_statistics.csv", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["indicator_code"] == "mu_va_10k_yuan_per_mu")
    book = write_template(tmp / "entry.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["浙江省"]
    for cells in ws.iter_rows(min_row=2):
        if cells[0].value == "per_mu_value_added" and cells[2].value == int(row["year"]):
            cells[3].value, cells[5].value, cells[7].value = float(row["value"]), row["source_title"], row["quote"]
            cells[10].value = "非官方转载"
            break
    wb.save(book)
    return book


@pytest.fixture(scope="session")
def bureau_processed(tmp_path_factory) -> Path:
    """data/processed after importing the SYNTHETIC bureau file (tests/fixtures/bureau) as 测试
    into a temporary copy of data/raw: the verdict cases of issue #20, figures 2023–2025; and
    one real 浙江 figure typed into the template."""
    import shutil

    from qzlib import paths
    from qzlib.pipeline import run_ingest
    from qzlib.stats.importer import import_file

    tmp = tmp_path_factory.mktemp("bureau")
    raw = tmp / "raw"
    shutil.copytree(paths.RAW, raw)
    import_file(BUREAU_FIXTURE, raw_dir=raw)
    import_file(zhejiang_workbook(tmp, raw), raw_dir=raw)
    processed = tmp / "processed"
    run_ingest(plan=raw / "plan" / paths.PLAN_FILE.name, out=processed, statistics=raw / "statistics", quiet=True)
    return processed


COUNTIES_FIXTURE = ROOT / "tests" / "fixtures" / "counties" / "synthetic_counties_quzhou_2022_2025.csv"


@pytest.fixture(scope="session")
def counties_processed(tmp_path_factory) -> Path:
    """data/processed after importing, as 测试, the SYNTHETIC bureau file (the city's figures) and
    the SYNTHETIC county file (tests/fixtures/counties: figures for some counties and not
    others) into a temporary copy of data/raw."""
    import shutil

    from qzlib import paths
    from qzlib.pipeline import run_ingest
    from qzlib.stats.importer import import_file

    tmp = tmp_path_factory.mktemp("counties")
    raw = tmp / "raw"
    shutil.copytree(paths.RAW, raw)
    import_file(BUREAU_FIXTURE, raw_dir=raw)
    import_file(COUNTIES_FIXTURE, raw_dir=raw)
    processed = tmp / "processed"
    run_ingest(plan=raw / "plan" / paths.PLAN_FILE.name, out=processed, statistics=raw / "statistics", quiet=True)
    return processed
