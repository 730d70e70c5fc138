"""Template → fill → check → import → build, and imports that must change nothing."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from qzlib.cli import main
from qzlib.errors import InputError
from qzlib.paths import ROOT
from qzlib.stats import build_into, load_observations
from qzlib.stats.importer import LOG_HEADER, check_file, import_file
from qzlib.stats.schema import template_years
from qzlib.stats.template import write_template

FIX = Path(__file__).parent / "fixtures" / "stats"
RAW = ROOT / "data" / "raw"


@pytest.fixture
def raw(tmp_path) -> Path:
    """A copy of data/raw: tests never touch the real one."""
    dest = tmp_path / "raw"
    shutil.copytree(RAW, dest)
    return dest


def shipped(row: int) -> pd.Series:
    """A row of the shipped CSV, numbered as a spreadsheet shows it (header = row 1)."""
    df = pd.read_csv(RAW / "statistics" / "reference_statistics.csv", dtype=str, keep_default_na=False)
    return df.iloc[row - 2]


def tree(path: Path) -> dict[str, str]:
    return {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


def log_table(text: str) -> list[str]:
    """Rows of the data-log table (the first table of data/raw/README.md)."""
    lines = text.splitlines()
    start = lines.index(LOG_HEADER)
    end = start
    while end + 1 < len(lines) and lines[end + 1].startswith("|"):
        end += 1
    return lines[start:end + 1]


def fill_row(ws, code, year, value, src: pd.Series, kind="官方发布") -> int:
    r = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == code and ws.cell(r, 3).value == year)
    ws.cell(r, 4).value = value
    ws.cell(r, 6).value = src.source_title
    ws.cell(r, 7).value = src.source_url
    ws.cell(r, 8).value = src.quote
    ws.cell(r, 9).value = "2021-06-11"
    ws.cell(r, 11).value = kind
    return r


def filled_workbook(tmp_path) -> tuple[Path, dict]:
    path = write_template(tmp_path / "浙江省数据.xlsx")
    wb = load_workbook(path)
    ws = wb["浙江省"]
    mu, rd = shipped(32), shipped(33)  # 亩均增加值 136 万元/亩, R&D/营业收入 2.8 %
    assert (mu.value, mu.unit, rd.value, rd.unit) == ("136", "万元/亩", "2.8", "%")
    rows = {"mu": fill_row(ws, "per_mu_value_added", 2020, float(mu.value), mu),
            "rd": fill_row(ws, "rd_intensity", 2020, float(rd.value), rd)}
    wb.save(path)
    return path, rows


def test_template_has_region_sheets_instructions_and_validations(tmp_path):
    path = write_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[:3] == ["填写说明", "选项", "衢州市"] and "全国" in wb.sheetnames
    assert wb["选项"].sheet_state == "hidden"
    ws = wb["衢州市"]
    assert [c.value for c in ws[1]] == ["指标代码", "指标名称", "年份", "数值", "单位", "来源", "网址", "原文摘录",
                                         "发布日期", "备注", "来源类型", "地区"]
    assert {c.value for c in next(ws.iter_cols(min_col=12, max_col=12, min_row=2))} == {"衢州市"}
    years = template_years()
    last = 1 + 16 * len(years)
    assert ws.max_row == last
    assert (ws["A2"].value, ws["C2"].value, ws["E2"].value) == ("mfg_va_share_gdp", 2015, "%")
    assert (ws[f"A{last}"].value, ws[f"C{last}"].value) == ("co2_intensity_decline", years[-1])
    kinds = {(dv.type, dv.formula1) for dv in ws.data_validations.dataValidation}
    assert ("decimal", "0") in kinds and ("whole", "1978") in kinds
    assert any(t == "list" and "万亿元" in f for t, f in kinds)
    # a decline may be negative (the intensity rose) but cannot pass 100
    decline = [dv for dv in ws.data_validations.dataValidation if f"D{last}" in dv.sqref]
    assert [(dv.operator, dv.formula1) for dv in decline] == [("lessThanOrEqual", "100")]
    assert "填写规则：" in [r[0].value for r in wb["填写说明"].iter_rows()]


def test_template_refuses_an_unknown_region(tmp_path):
    with pytest.raises(InputError):
        write_template(tmp_path / "t.xlsx", ["衢州"])


def test_fill_check_import_build_happy_path(tmp_path, raw):
    book, rows = filled_workbook(tmp_path)
    obs, _ = check_file(book)
    assert list(obs.value) == [136.0, 2.8] and set(obs.source_kind) == {"official"}  # declared 官方发布

    target = import_file(book, raw).target
    assert target.parent == raw / "statistics" / "imported"
    stored = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert list(stored.value) == ["136", "2.8"] and list(stored.region) == ["浙江省", "浙江省"]
    digest = hashlib.sha256(book.read_bytes()).hexdigest()
    log = (raw / "README.md").read_text(encoding="utf-8")
    row = next(line for line in log.splitlines() if target.name in line)
    assert digest in row and "浙江省数据.xlsx" in row and "2 figures for 浙江省, 2020" in row
    assert "source types: 官方发布 2" in row
    # the log row ends the data-log table; the table's earlier rows and the rest are kept
    assert log_table(log) == log_table((RAW / "README.md").read_text(encoding="utf-8")) + [row]
    assert log.replace(row + "\n", "") == (RAW / "README.md").read_text(encoding="utf-8")

    out = tmp_path / "processed"
    build_into(out, None, raw / "statistics")
    got = load_observations(out)
    mine = got[got.file.str.startswith("statistics/imported/")].set_index("indicator")
    assert set(mine.source_kind) == {"official"}
    assert mine.loc["per_mu_value_added", "value"] == 136.0
    assert mine.loc["rd_intensity", "source"] == shipped(33).source_title
    assert mine.loc["rd_intensity", "quote"] == "规上制造业企业研究与试验发展经费占营业收入的比重达2.8%"
    assert mine.loc["rd_intensity", "origin"] == f"浙江省数据.xlsx sheet 浙江省 row {rows['rd']}"
    assert mine.loc["rd_intensity", "file"] == f"statistics/imported/{target.name}"
    assert mine.loc["rd_intensity", "vintage"] == "2021-06-11"
    # a figure declared 官方发布 beats the unofficial copy of the same figure
    assert mine.selected.all()
    assert not got[(got.file == "statistics/reference_statistics.csv") & (got.region == "浙江省")
                   & (got.year == 2020) & got.indicator.isin(["per_mu_value_added", "rd_intensity"])].selected.any()


def test_a_bad_import_changes_nothing(tmp_path, raw):
    book, rows = filled_workbook(tmp_path)
    wb = load_workbook(book)
    wb["浙江省"].cell(rows["rd"], 4).value = 128  # a share above 100
    wb.save(book)
    before = tree(raw)
    with pytest.raises(InputError) as err:
        import_file(book, raw)
    assert (err.value.problems[0].where, err.value.problems[0].field) == (f"sheet 浙江省 row {rows['rd']}", "value")
    assert tree(raw) == before


def test_the_same_file_is_not_imported_twice(tmp_path, raw):
    book, _ = filled_workbook(tmp_path)
    import_file(book, raw)
    before = tree(raw)
    with pytest.raises(InputError) as err:
        import_file(book, raw)
    assert str(err.value).startswith("浙江省数据.xlsx：文件中的 2 个数据都已导入过（statistics/imported/")
    assert "figures not held yet: all 2 figures of this file are already held by statistics/imported/" in str(err.value)
    assert tree(raw) == before


def test_a_csv_in_gbk_imports_and_the_log_says_so(tmp_path, raw):
    src = tmp_path / "浙江2020.csv"
    src.write_bytes((FIX / "zhejiang_2020.csv").read_text(encoding="utf-8").encode("gbk"))
    target = import_file(src, raw).target
    row = next(line for line in (raw / "README.md").read_text(encoding="utf-8").splitlines() if target.name in line)
    assert "decoded as GBK/GB18030" in row and "3 figures" in row


def test_cli_check_import_build_and_exit_codes(tmp_path, raw, capsys):
    book, rows = filled_workbook(tmp_path)
    main(["stats", "check", str(book)])
    assert "2 figures OK — 浙江省; 2020–2020; official 2" in capsys.readouterr().out

    bad = tmp_path / "bad.csv"
    bad.write_text("region,indicator,year,value,unit,source,quote\n浙江省,rd_intensity,2020,约2.8,%,x,y\n"
                   "衢州,rd_intensity,2021,2.9,%,x,y\n", encoding="utf-8")
    before = tree(raw)
    for cmd in (["stats", "check", str(bad)], ["stats", "import", str(bad), "--raw-dir", str(raw)]):
        with pytest.raises(SystemExit) as ex:
            main(cmd)
        assert ex.value.code == 2
        err = capsys.readouterr().err
        assert "共 2 处问题： / 2 problems:" in err
        assert "bad.csv 第2行 D列「value」：填的是「约2.8」，应为一个数字" in err
        assert "bad.csv 第3行 A列「region」：填的是「衢州」，应为已知的地区名" in err
        assert "bad.csv, row 2, column D (value), field 'value': got '约2.8'; expected a plain number" in err
    assert tree(raw) == before

    main(["stats", "import", str(book), "--raw-dir", str(raw)])
    out = tmp_path / "processed"
    main(["stats", "build", "--raw-dir", str(raw), "--processed-dir", str(out)])
    main(["stats", "coverage", "--processed-dir", str(out), "--region", "浙江省"])
    text = capsys.readouterr().out
    assert "230 observations" in text
    line = next(line for line in text.splitlines() if line.startswith("per_mu_value_added"))
    assert line.split()[1:8] == [".", ".", ".", ".", ".", "O", "."]  # 2015..2021: 2020 imported as 官方发布


def test_cli_template_writes_the_workbook(tmp_path, capsys):
    main(["stats", "template", "--out", str(tmp_path / "t.xlsx"), "--region", "衢州市", "--region", "常山县"])
    assert load_workbook(tmp_path / "t.xlsx").sheetnames == ["填写说明", "选项", "衢州市", "常山县"]
