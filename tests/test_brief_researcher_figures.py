"""A researcher's figure travels: template → check → import → ingest → the next brief, with its source."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pytest

from qzlib import paths
from qzlib.pipeline import run_ingest
from qzlib.report.runner import BriefRequest, run_brief
from qzlib.stats.importer import check_file, import_file
from qzlib.stats.template import write_template


@pytest.mark.slow
def test_imported_figure_appears_in_the_next_brief_with_its_source(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(paths.RAW, raw)
    # A real published figure (浙江 2020 亩均增加值 136 万元/亩) typed in as a researcher would.
    row = next(r for r in csv.DictReader(open(raw / "statistics" / "reference_statistics.csv", encoding="utf-8"))
               if r["indicator_code"] == "mu_va_10k_yuan_per_mu")
    book = write_template(tmp_path / "entry.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["浙江省"]
    for cells in ws.iter_rows(min_row=2):
        if cells[0].value == "per_mu_value_added" and cells[2].value == int(row["year"]):
            cells[3].value, cells[5].value, cells[7].value = float(row["value"]), row["source_title"], row["quote"]
            break
    wb.save(book)
    check_file(book)
    import_file(book, raw_dir=raw)
    processed = tmp_path / "processed"
    run_ingest(plan=raw / "plan" / paths.PLAN_FILE.name, out=processed, statistics=raw / "statistics", quiet=True)
    result = run_brief(BriefRequest(year=2025, processed_dir=processed, outputs_dir=tmp_path / "out"))
    assert result.ok, result.failed_cell
    table = (result.pdf.parent / "researcher_figures.csv").read_text(encoding="utf-8")
    assert "规上工业亩均增加值,2020,136,万元/亩" in table and "浙政发〔2021〕20号" in table
    assert "entry.xlsx sheet 浙江省" in table
    assert "浙政发〔2021〕20号" in (result.pdf.parent / "brief.html").read_text(encoding="utf-8")
