"""Revisions read back from the data log: indicator, region, year, old → new, when, from which file.

The first import holds the real 2020 浙江省 figures of tests/fixtures/stats/zhejiang_2020.csv; every
revised value below (2.9, 24, the 测试 type, the 衢州市 test rows) is SYNTHETIC and says so.
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from qzlib.errors import InputError
from qzlib.paths import ROOT
from qzlib.stats import revisions
from qzlib.stats.datalog import COLUMNS
from qzlib.stats.importer import import_file

FIX = Path(__file__).parent / "fixtures" / "stats" / "zhejiang_2020.csv"
T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def raw(tmp_path) -> Path:
    dest = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", dest)
    return dest


def changed(tmp_path: Path, name: str, edits: dict[str, dict]) -> Path:
    """The fixture with some cells changed (indicator -> {column: value})."""
    df = pd.read_csv(FIX, dtype=str, keep_default_na=False)
    for code, cells in edits.items():
        for col, v in cells.items():
            df.loc[df.indicator == code, col] = v
    path = tmp_path / name
    df.to_csv(path, index=False)
    return path


def _only(tmp_path: Path, name: str, row: dict) -> Path:
    path = tmp_path / name
    pd.DataFrame([row]).to_csv(path, index=False)
    return path


def test_revisions_lists_each_changed_figure_with_when_and_where_from(tmp_path, raw):
    first = import_file(FIX, raw, now=T0)
    assert revisions(raw).empty and list(revisions(raw).columns) == COLUMNS  # nothing revised yet
    # synthetic revisions: 2.8 -> 2.9, and 23.5 declared 测试 (source type only)
    second = import_file(changed(tmp_path, "浙江2020（更正）.csv", {
        "rd_intensity": {"value": "2.9"}, "mfg_labour_productivity": {"source_type": "测试"}}),
        raw, now=T0 + dt.timedelta(days=1), revise=True)
    # a synthetic figure of 衢州市, then its synthetic revision given in another unit (亿元 -> 万元)
    test_row = {"region": "衢州市", "indicator": "six_chains_revenue", "year": "2023", "value": "2100", "unit": "亿元",
                "source": "synthetic test figure", "quote": "synthetic", "source_type": "测试"}
    third = import_file(_only(tmp_path, "衢州.csv", test_row), raw, now=T0 + dt.timedelta(days=2))
    fourth = import_file(_only(tmp_path, "衢州（万元）.csv", {**test_row, "value": "21050000", "unit": "万元"}), raw,
                         now=T0 + dt.timedelta(days=3), revise=True)

    got = revisions(raw)
    assert list(got.columns) == COLUMNS

    def rel(done):
        return f"statistics/imported/{done.target.name}"

    assert got.drop(columns="revised_at").to_dict("records") == [
        {"region": "浙江省", "indicator": "rd_intensity", "year": 2020, "old_value": "2.8", "old_unit": "%",
         "new_value": "2.9", "new_unit": "%", "old_source_kind": "", "new_source_kind": "", "file": rel(second),
         "original_file": "浙江2020（更正）.csv", "replaces": f"{rel(first)} row 3"},
        {"region": "浙江省", "indicator": "mfg_labour_productivity", "year": 2020, "old_value": "23.5",
         "old_unit": "万元/人", "new_value": "23.5", "new_unit": "万元/人", "old_source_kind": "researcher",
         "new_source_kind": "test", "file": rel(second), "original_file": "浙江2020（更正）.csv",
         "replaces": f"{rel(first)} row 4"},
        {"region": "衢州市", "indicator": "six_chains_revenue", "year": 2023, "old_value": "2100", "old_unit": "亿元",
         "new_value": "21050000", "new_unit": "万元", "old_source_kind": "", "new_source_kind": "",
         "file": rel(fourth), "original_file": "衢州（万元）.csv", "replaces": f"{rel(third)} row 2"},
    ]
    assert list(got["revised_at"]) == [pd.Timestamp(T0 + dt.timedelta(days=1))] * 2 + [
        pd.Timestamp(T0 + dt.timedelta(days=3))]


def test_an_unreadable_revision_entry_names_the_log_line(tmp_path, raw):
    import_file(FIX, raw, now=T0)
    import_file(changed(tmp_path, "b.csv", {"rd_intensity": {"value": "2.9"}}), raw, now=T0 + dt.timedelta(days=1),
                revise=True)  # synthetic 2.9
    log = raw / "README.md"
    lines = log.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if "; revises " in line)
    lines[n] = lines[n].replace("2.8 → 2.9", "2.8 to 2.9")  # a hand edit the reader cannot follow
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    p, = pytest.raises(InputError, revisions, raw).value.problems
    assert (p.where, p.field) == (f"line {n + 1}", "revises") and "2.8 to 2.9" in str(p.value)
