"""A template sheet saved as CSV the way Excel saves it, in both of Excel's encodings, checked and imported.

The figures are the three real 2020 浙江省 ones of tests/fixtures/stats/zhejiang_2020.csv (an
unofficial copy of 浙政发〔2021〕20号, hence 非官方转载), read from that file, never typed here.
"""
from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from qzlib.cli import main
from qzlib.errors import InputError
from qzlib.paths import ROOT
from qzlib.stats.importer import check_file, import_file
from qzlib.stats.template import write_template

FIX = Path(__file__).parent / "fixtures" / "stats" / "zhejiang_2020.csv"
# Excel's two CSV formats: "CSV UTF-8（逗号分隔）" writes a BOM; "CSV（逗号分隔）" writes the system code page,
# GBK (936) on Chinese Windows. Both end lines with CR LF and quote only fields that need it.
EXCEL = {"CSV UTF-8": "utf-8-sig", "CSV (逗号分隔)": "gbk"}


def real_figures() -> list[dict]:
    with open(FIX, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def filled_template(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """The template with the fixture's figures typed into the 浙江省 sheet; code -> sheet row."""
    book = write_template(tmp_path / "衢州-录入.xlsx")
    wb = load_workbook(book)
    ws = wb["浙江省"]
    rows = {}
    for fig in real_figures():
        r = rows[fig["indicator"]] = next(r for r in range(2, ws.max_row + 1)
                                          if ws.cell(r, 1).value == fig["indicator"]
                                          and ws.cell(r, 3).value == int(fig["year"]))
        assert ws.cell(r, 5).value == fig["unit"]  # the template's unit is the fixture's
        for col, v in zip((4, 6, 7, 8, 10, 11), (float(fig["value"]), fig["source"], fig["url"], fig["quote"],
                                                 fig["caveat"], "非官方转载")):
            ws.cell(r, col).value = v
    wb.save(book)
    return book, rows


def _general(v) -> str:
    """A cell as Excel's General format writes it to CSV (136.0 -> 136, 2.8 -> 2.8)."""
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.15g}"
    return str(v)


def save_sheet_as_csv(book: Path, sheet: str, out: Path, encoding: str, drop_region: bool = False) -> Path:
    """Excel's 另存为 CSV of one sheet: every row of the used range, every column, CR LF, minimal quoting."""
    ws = load_workbook(book)[sheet]
    if drop_region:  # a sheet of a template made before the 地区 column
        ws.delete_cols(12)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column, values_only=True):
        writer.writerow([_general(v) for v in row])
    out.write_bytes(buf.getvalue().encode(encoding))
    return out


@pytest.fixture
def raw(tmp_path) -> Path:
    dest = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", dest)
    return dest


def tree(path: Path) -> dict[str, str]:
    return {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("fmt", list(EXCEL))
def test_a_sheet_saved_as_csv_checks_and_imports_with_its_region(tmp_path, raw, fmt):
    book, rows = filled_template(tmp_path)
    path = save_sheet_as_csv(book, "浙江省", tmp_path / "衢州-录入.csv", EXCEL[fmt])  # Excel names it after the book
    data = path.read_bytes()
    if fmt == "CSV UTF-8":
        assert data.startswith(b"\xef\xbb\xbf")
    else:
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    lines = data.split(b"\r\n")
    assert len(lines) > 150  # the header, every template row (filled or not) and a last empty line

    obs, table = check_file(path)  # blank template rows skipped without a word
    assert table.encoding == ("UTF-8" if fmt == "CSV UTF-8" else "GBK/GB18030")
    by_code = obs.set_index("indicator")
    for fig in real_figures():
        got = by_code.loc[fig["indicator"]]
        assert (got["region"], got["year"], got["value_published"], got["unit_published"]) == (
            "浙江省", 2020, fig["value"], fig["unit"])
        assert (got["source"], got["quote"], got["source_kind"]) == (fig["source"], fig["quote"], "unofficial")
        assert got["row"] == rows[fig["indicator"]]  # the CSV's row is the sheet's row
    assert len(obs) == 3

    done = import_file(path, raw)
    stored = pd.read_csv(done.target, dtype=str, keep_default_na=False).set_index("indicator")
    assert sorted(stored.index) == sorted(f["indicator"] for f in real_figures())
    assert set(stored["region"]) == {"浙江省"} and set(stored["source_type"]) == {"unofficial"}
    assert stored.loc["rd_intensity", "origin"] == f"衢州-录入.csv row {rows['rd_intensity']}"
    log = (raw / "README.md").read_text(encoding="utf-8")
    assert ("decoded as GBK/GB18030" in log) == (fmt != "CSV UTF-8")


def test_the_cli_reads_both_encodings_and_says_which(tmp_path, capsys):
    book, _ = filled_template(tmp_path)
    for enc in EXCEL.values():
        path = save_sheet_as_csv(book, "浙江省", tmp_path / f"{enc}.csv", enc)
        main(["stats", "check", str(path), "--raw-dir", str(tmp_path / "no-raw")])
        out = capsys.readouterr().out
        assert "3 figures OK — 浙江省; 2020–2020; unofficial 3" in out
        assert ("(decoded as GBK/GB18030)" in out) == (enc == "gbk")


def test_a_csv_without_a_region_column_is_refused_naming_what_to_add(tmp_path, raw, capsys):
    book, _ = filled_template(tmp_path)
    path = save_sheet_as_csv(book, "浙江省", tmp_path / "旧模板.csv", "gbk", drop_region=True)
    before = tree(raw)
    with pytest.raises(SystemExit) as ex:
        main(["stats", "import", str(path), "--raw-dir", str(raw), "--lang", "zh"])
    assert ex.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: 旧模板.csv 第1行：填的是「指标代码, 指标名称, 年份, 数值, 单位, 来源, 网址, 原文摘录, 发布日期, 备注, "
                          "来源类型」，没有「地区」列，看不出数据属于哪个地区：请加一列「地区」并在每行填写地区名")
    assert "或在命令后加 --region 地区名（如 --region 衢州市）" in err
    assert tree(raw) == before  # nothing half-written
    e = pytest.raises(InputError, check_file, path).value
    assert e.render("en").startswith("旧模板.csv, row 1, field 'header'") and "--region" in e.render("en")
    # --region says it
    obs, _ = check_file(path, region="浙江省")
    assert list(obs["region"]) == ["浙江省"] * 3
    main(["stats", "import", str(path), "--raw-dir", str(raw), "--region", "浙江省"])
    assert "imported 3 figures" in capsys.readouterr().out


def test_region_option_never_overrides_a_region_the_file_states(tmp_path):
    book, rows = filled_template(tmp_path)
    path = save_sheet_as_csv(book, "浙江省", tmp_path / "z.csv", "utf-8-sig")
    err = pytest.raises(InputError, check_file, path, region="衢州市").value
    assert len(err.problems) == 3
    p = min(err.problems, key=lambda p: p.row)
    assert (p.row, p.column, p.header, p.value) == (min(rows.values()), "L", "地区", "浙江省")
    assert p.render("zh").endswith("填的是「浙江省」，应与--region 指明的地区（衢州市）一致，或留空")
    unknown = pytest.raises(InputError, check_file, path, region="浙江").value.problems
    assert len(unknown) == 1 and (unknown[0].field, unknown[0].value) == ("--region", "浙江")
    workbook = pytest.raises(InputError, check_file, book, region="浙江省").value.problems
    assert len(workbook) == 1 and "--region is for a CSV" in workbook[0].expected


def test_bad_input_in_a_saved_sheet_names_the_sheet_s_row_and_column(tmp_path):
    book, rows = filled_template(tmp_path)
    wb = load_workbook(book)
    wb["浙江省"].cell(rows["rd_intensity"], 4).value = "约2.8"
    wb.save(book)
    path = save_sheet_as_csv(book, "浙江省", tmp_path / "z.csv", "gbk")
    p, = pytest.raises(InputError, check_file, path).value.problems
    assert p.render("zh").startswith(f"z.csv 第{rows['rd_intensity']}行 D列「数值」：填的是「约2.8」，应为一个数字")


def test_a_saved_sheet_with_no_figure_says_so_once(tmp_path):
    path = save_sheet_as_csv(write_template(tmp_path / "t.xlsx"), "衢州市", tmp_path / "t.csv", "utf-8-sig")
    p, = pytest.raises(InputError, check_file, path).value.problems
    assert p.render("zh").startswith("t.csv 第2行：表头下面应至少有一行数据（") and "行都没有填「数值」）" in p.render("zh")
