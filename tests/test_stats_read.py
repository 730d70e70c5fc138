"""Reading statistics files: every bad input is named by file, row, column, value and expectation."""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from qzlib.errors import InputError
from qzlib.stats.read import read_observations
from qzlib.stats.template import write_template

FIX = Path(__file__).parent / "fixtures" / "stats"
GOOD = FIX / "zhejiang_2020.csv"
HEADER = ["region", "indicator", "year", "value", "unit", "source", "url", "quote", "vintage", "caveat"]


def good_rows() -> list[list[str]]:
    with open(GOOD, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write(tmp_path: Path, rows, name="in.csv", encoding="utf-8", newline="\n") -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows(rows)
    path = tmp_path / name
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def edited(tmp_path, row: int, column: str, value, name="in.csv") -> Path:
    """The good fixture with one cell changed (row as a person counts it: header = row 1)."""
    rows = good_rows()
    rows[row - 1][rows[0].index(column)] = value
    return write(tmp_path, rows, name)


def problems(path) -> list:
    with pytest.raises(InputError) as err:
        read_observations(path)
    return err.value.problems


def only(path):
    ps = problems(path)
    assert len(ps) == 1, [str(p) for p in ps]
    return ps[0]


def test_good_fixture_reads_with_real_values():
    obs = read_observations(GOOD)
    assert list(obs["indicator"]) == ["per_mu_value_added", "rd_intensity", "mfg_labour_productivity"]
    assert list(obs["value"]) == [136.0, 2.8, 23.5]
    assert list(obs["row"]) == [2, 3, 4]
    assert set(obs["comparability"]) == {"comparable"}
    assert set(obs["source_kind"]) == {"unofficial"}  # a copy on a non-government site


# --- header --------------------------------------------------------------------------

def test_missing_header_is_named(tmp_path):
    p = only(write(tmp_path, good_rows()[1:]))
    assert p.where == "row 1" and p.field == "header"
    assert "missing: region, indicator, year, value, unit, source" in p.expected


def test_misspelt_header_column_is_named_with_its_position(tmp_path):
    rows = good_rows()
    rows[0][3] = "vaule"
    ps = problems(write(tmp_path, rows))
    assert [(p.where, p.value) for p in ps] == [("row 1, column 4", "vaule"), ("row 1", ps[1].value)]
    assert "missing: value" in ps[1].expected


def test_chinese_headers_are_accepted(tmp_path):
    rows = good_rows()
    rows[0] = ["地区", "指标代码", "年份", "数值", "单位", "来源", "网址", "原文摘录", "发布日期", "备注"]
    assert len(read_observations(write(tmp_path, rows))) == 3


# --- cells ---------------------------------------------------------------------------

def test_unknown_indicator(tmp_path):
    p = only(edited(tmp_path, 3, "indicator", "rd_intensty"))
    assert (p.where, p.field, p.value) == ("row 3", "indicator", "rd_intensty")
    assert "known indicator code" in p.expected


def test_plan_names_are_matched_exactly_never_by_key_words(tmp_path):
    rows = good_rows()
    rows[1][1] = "规上工业亩均增加值（万元/亩）"  # 附件1's wording
    rows[2][1] = "每万人口高价值发明专利拥有量"  # shares key words with the plan's 授权量, but is a stock
    p = only(write(tmp_path, rows))
    assert (p.where, p.field, p.value) == ("row 3", "indicator", "每万人口高价值发明专利拥有量")
    del rows[2]
    obs = read_observations(write(tmp_path, rows))
    assert obs["indicator"].iloc[0] == "per_mu_value_added"
    assert obs["source_code"].iloc[0] == "规上工业亩均增加值（万元/亩）"


def test_unknown_region(tmp_path):
    p = only(edited(tmp_path, 2, "region", "浙江"))
    assert (p.where, p.field, p.value) == ("row 2", "region", "浙江")
    assert "浙江省" in p.expected


@pytest.mark.parametrize("year", ["2099", "1899"])
def test_year_out_of_range(tmp_path, year):
    p = only(edited(tmp_path, 4, "year", year))
    assert (p.where, p.field, p.value) == ("row 4", "year", int(year))
    assert "a year from 1978" in p.expected


@pytest.mark.parametrize("year", ["2020.5", "二〇二〇", ""])
def test_year_not_an_integer(tmp_path, year):
    p = only(edited(tmp_path, 2, "year", year))
    assert (p.where, p.field, p.value) == ("row 2", "year", year)
    assert p.expected == "a whole year such as 2023"


@pytest.mark.parametrize("value", ["约3.5", "—", "3.5%", "1/3左右", "2.8.1"])
def test_value_not_a_number(tmp_path, value):
    p = only(edited(tmp_path, 3, "value", value))
    assert (p.where, p.field, p.value) == ("row 3", "value", value)
    assert p.expected.startswith("a plain number")


def test_full_width_digits_and_thousands_separators_are_accepted(tmp_path):
    rows = good_rows()
    rows[1][3] = "１３６"
    rows.append(["衢州市", "six_chains_revenue", "2022", "1,953", "亿元", "衢政办发〔2023〕22号 附件1", "",
                 "六大标志性产业链规上企业营业收入（亿元） 1953", "", ""])
    obs = read_observations(write(tmp_path, rows))
    assert list(obs["value"]) == [136.0, 2.8, 23.5, 1953.0]
    assert obs["value_published"].iloc[3] == "1953"


def test_percentage_above_100(tmp_path):
    p = only(edited(tmp_path, 3, "value", "128"))
    assert (p.where, p.field, p.value) == ("row 3", "value", "128")
    assert "between 0 and 100" in p.expected


def test_decline_above_100_is_refused_but_a_negative_decline_is_not(tmp_path):
    code = "industrial_energy_intensity_avg_decline_2016_2020_pct"
    row = ["衢州市", code, "2020", "120", "%", "某公报", "", "年均下降120%", "", ""]
    p = only(write(tmp_path, good_rows() + [row]))
    assert (p.where, p.field, p.value) == ("row 5", "value", "120")
    assert p.expected == f"a decline of at most 100 (%) for {code}"
    row[3] = "-1.5"                                   # the intensity rose: a legitimate figure
    obs = read_observations(write(tmp_path, good_rows() + [row]))
    assert obs["value"].iloc[-1] == -1.5


def test_negative_count(tmp_path):
    rows = good_rows() + [["衢州市", "firms_output_over_10bn", "2023", "-3", "家", "某公报", "", "百亿元企业-3家", "", ""]]
    p = only(write(tmp_path, rows))
    assert (p.where, p.field, p.value) == ("row 5", "value", "-3")
    assert "zero or more" in p.expected


def test_negative_growth_rate_is_fine(tmp_path):
    rows = good_rows() + [["浙江省", "gdp_growth_pct", "2020", "-1.5", "%", "某公报", "", "下降1.5%", "", ""]]
    assert read_observations(write(tmp_path, rows))["value"].iloc[3] == -1.5


def test_wrong_unit_for_the_indicator(tmp_path):
    p = only(edited(tmp_path, 3, "unit", "亿元"))
    assert (p.where, p.field, p.value) == ("row 3", "unit", "亿元")
    assert p.expected == "a unit for rd_intensity: %"


def test_unknown_unit(tmp_path):
    p = only(edited(tmp_path, 2, "unit", "亿美元"))
    assert (p.where, p.field, p.value) == ("row 2", "unit", "亿美元")


def test_units_are_normalised_and_full_width_percent_accepted(tmp_path):
    rows = good_rows()
    rows[2][4] = "％"
    rows.append(["常山县", "gdp", "2022", "2006008", "万元", "2022年常山县国民经济和社会发展统计公报", "",
                 "全县实现地区生产总值(GDP)2006008万元", "", ""])
    obs = read_observations(write(tmp_path, rows))
    assert obs["unit"].iloc[1] == "%"
    assert obs["value"].iloc[3] == pytest.approx(200.6008) and obs["unit"].iloc[3] == "亿元"
    assert (obs["value_published"].iloc[3], obs["unit_published"].iloc[3]) == ("2006008", "万元")


def test_missing_source_and_locator(tmp_path):
    rows = good_rows()
    rows[1][HEADER.index("source")] = ""
    rows[2][HEADER.index("url")] = ""
    rows[2][HEADER.index("quote")] = ""
    ps = problems(write(tmp_path, rows))
    assert [(p.where, p.field) for p in ps] == [("row 2", "source"), ("row 3", "quote")]


def test_bad_vintage(tmp_path):
    p = only(edited(tmp_path, 2, "vintage", "上个月"))
    assert (p.where, p.field, p.value) == ("row 2", "vintage", "上个月")


def test_duplicate_rows_name_both_places(tmp_path):
    rows = good_rows()
    rows.append(list(rows[2]))
    p = only(write(tmp_path, rows))
    assert (p.where, p.field) == ("row 5", "indicator") and "repeats row 3" in p.expected


def test_wrong_number_of_fields(tmp_path):
    rows = good_rows()
    rows[2] = rows[2][:5]
    p = only(write(tmp_path, rows))
    assert p.where == "row 3" and p.value is None and "like the header, not 5" in p.expected
    assert p.render("zh") == "in.csv 第3行：这一行有 5 个字段，应与表头一样有 10 个逗号分隔的字段（含逗号的文字请加引号）"


def test_every_problem_is_reported_at_once_in_file_order(tmp_path):
    rows = good_rows()
    rows[1][HEADER.index("value")] = "约136"
    rows[2][HEADER.index("year")] = "2099"
    rows[2][HEADER.index("unit")] = "亿元"
    rows[3][HEADER.index("region")] = "火星"
    err_rows = problems(write(tmp_path, rows))
    assert [(p.where, p.field) for p in err_rows] == [
        ("row 2", "value"), ("row 3", "year"), ("row 3", "unit"), ("row 4", "region")]
    text = str(InputError(err_rows))
    assert text.startswith("共 4 处问题： / 4 problems:")
    # as the researcher sees the file: row, column letter, the header written in it; Chinese, English beside
    assert "  - in.csv 第3行 C列「year」：填的是「2099」，应符合规则：年份须为 1978—" in text
    assert "in.csv, row 3, column C (year), field 'year': got 2099; expected a year from 1978 to" in text
    en = InputError(err_rows).render("en")
    assert en.startswith("4 problems:") and "第3行" not in en


# --- files ---------------------------------------------------------------------------

def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    p = only(path)
    assert "the file is empty" in p.expected


def test_header_only(tmp_path):
    p = only(write(tmp_path, good_rows()[:1]))
    assert p.where == "row 2" and "at least one data row" in p.expected


def test_windows_line_endings_are_accepted(tmp_path):
    path = write(tmp_path, good_rows(), newline="\r\n")
    assert b"\r\n" in path.read_bytes()
    obs = read_observations(path)
    assert list(obs["value"]) == [136.0, 2.8, 23.5] and list(obs["row"]) == [2, 3, 4]
    assert not any(obs["caveat"].str.contains("\r"))


def test_gbk_csv_is_decoded(tmp_path):
    path = write(tmp_path, good_rows(), encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    obs = read_observations(path)
    assert list(obs["region"]) == ["浙江省"] * 3 and obs["quote"].iloc[0] == "规上工业亩均增加值达136万元/亩"


def test_utf8_bom_is_accepted(tmp_path):
    assert len(read_observations(write(tmp_path, good_rows(), encoding="utf-8-sig"))) == 3


def test_undecodable_text_names_the_line(tmp_path):
    path = tmp_path / "bad.csv"
    broken = GOOD.read_bytes().split(b"\n")
    broken[2] = broken[2] + b"\xff\xfe\xfd"
    path.write_bytes(b"\n".join(broken))
    p = only(path)
    assert p.where.startswith("line 3") and "UTF-8" in p.expected and "GBK" in p.expected


def test_not_a_spreadsheet(tmp_path):
    path = tmp_path / "figures.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    assert "a spreadsheet" in only(path).expected
    fake = tmp_path / "figures.xlsx"
    fake.write_bytes(b"%PDF-1.7 not a workbook")
    assert "an .xlsx workbook" in only(fake).expected
    archive = tmp_path / "figures.zip.csv"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("notes.txt", "not a workbook")
    assert "an .xlsx workbook" in only(archive).expected


def test_old_binary_xls(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(100))
    assert "save as .xlsx" in only(path).expected


# --- workbooks -----------------------------------------------------------------------

def workbook(tmp_path, fill, regions=("衢州市",)) -> Path:
    from openpyxl import load_workbook

    path = write_template(tmp_path / "t.xlsx", list(regions))
    wb = load_workbook(path)
    fill(wb)
    wb.save(path)
    return path


def find_row(ws, code: str, year: int) -> int:
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == code and ws.cell(r, 3).value == year)


def test_wrong_sheet_name(tmp_path):
    def fill(wb):
        ws = wb["衢州市"]
        ws.title = "Sheet1"
        ws.delete_cols(12)  # no 地区 column either: nothing says the region
        ws.cell(find_row(ws, "rd_intensity", 2022), 4).value = 2.7

    p = only(workbook(tmp_path, fill))
    assert (p.where, p.field, p.value) == ("sheet Sheet1", "sheet name", "Sheet1")
    assert "a region name as the sheet name" in p.expected


def test_a_sheet_not_named_after_a_region_takes_the_region_column(tmp_path):
    rows = {}

    def fill(wb):
        ws = wb["衢州市"]
        ws.title = "Sheet1"  # a copy into a new workbook: the 地区 column still says 衢州市
        rows["a"] = r = find_row(ws, "rd_intensity", 2022)
        for col, v in zip((4, 6, 8), (2.7, "衢政办发〔2023〕22号 附件1", "2.7")):
            ws.cell(r, col).value = v
        rows["b"] = r = find_row(ws, "rd_intensity", 2021)
        for col, v in zip((4, 6, 8, 12), (2.5, "synthetic", "synthetic", None)):
            ws.cell(r, col).value = v

    p = only(workbook(tmp_path, fill))
    assert (p.sheet, p.row, p.column, p.header) == ("Sheet1", rows["b"], "L", "地区")
    assert p.render("zh").startswith(f"t.xlsx Sheet1 第{rows['b']}行 L列「地区」：未填，应为已知的地区名（衢州市、")
    ok = workbook(tmp_path, lambda wb: (fill(wb), wb["Sheet1"].cell(rows["b"], 12, "衢州市")))
    assert sorted(read_observations(ok)["region"]) == ["衢州市", "衢州市"]


def test_the_region_column_must_agree_with_the_sheet_name(tmp_path):
    def fill(wb):
        ws = wb["衢州市"]
        r = find_row(ws, "rd_intensity", 2022)
        for col, v in zip((4, 6, 8, 12), (2.7, "衢政办发〔2023〕22号 附件1", "2.7", "浙江省")):
            ws.cell(r, col).value = v

    p = only(workbook(tmp_path, fill))
    assert (p.field, p.value, p.column) == ("region", "浙江省", "L")
    assert p.render("zh").endswith("填的是「浙江省」，应与工作表名（衢州市）一致，或留空")


def test_formula_without_cached_value(tmp_path):
    def fill(wb):
        ws = wb["衢州市"]
        r = find_row(ws, "rd_intensity", 2022)
        ws.cell(r, 4).value = "=1.35*2"
        ws.cell(r, 6).value = "衢政办发〔2023〕22号"
        ws.cell(r, 8).value = "2.7"

    path = workbook(tmp_path, fill)
    p = only(path)
    assert p.field == "value" and p.where.startswith("sheet 衢州市 row ")
    assert "formula whose result was never saved" in p.expected


def test_workbook_problems_name_sheet_and_row(tmp_path):
    rows = {}

    def fill(wb):
        ws = wb["衢州市"]
        rows["a"] = r = find_row(ws, "rd_intensity", 2023)
        ws.cell(r, 4).value = "约3"
        ws.cell(r, 6).value = "某来源"
        ws.cell(r, 8).value = "约3%"
        rows["b"] = r = find_row(ws, "firms_output_over_10bn", 2023)
        ws.cell(r, 4).value = 5
        ws.cell(r, 8).value = "5家"

    ps = problems(workbook(tmp_path, fill))
    assert rows["b"] < rows["a"]  # template order: indicator 3 before indicator 7
    assert [(p.where, p.field) for p in ps] == [(f"sheet 衢州市 row {rows['b']}", "source"),
                                               (f"sheet 衢州市 row {rows['a']}", "value")]


def test_workbook_without_figures(tmp_path):
    p = only(workbook(tmp_path, lambda wb: None))
    assert "at least one filled 数值 cell" in p.expected


def test_workbook_with_no_region_sheet(tmp_path):
    path = tmp_path / "x.xlsx"
    wb = Workbook()
    wb.active.title = "填写说明"
    wb.save(path)
    assert "at least one sheet named after a region" in only(path).expected
