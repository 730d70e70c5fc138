"""Intake of researchers' files (issue #12): wrong names, held figures, revisions, messages as the
researcher sees the file, the declared source type, the CSV origin and imports run at the same time.

Figures are the real 2020 浙江省 ones of tests/fixtures/stats/zhejiang_2020.csv; the few changed
values (a "revision" 2.9, a 测试 row) are synthetic and say so where they are made.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from qzlib.cli import main
from qzlib.errors import InputError, Problem
from qzlib.paths import ROOT
from qzlib.stats import build_into, imported_figures, load_observations, schema, test_figures
from qzlib.stats import importer
from qzlib.stats.importer import check_file, import_file
from qzlib.stats.template import write_template

FIX = Path(__file__).parent / "fixtures" / "stats"
RAW = ROOT / "data" / "raw"
SOURCE = "浙江省全球先进制造业基地建设“十四五”规划（浙政发〔2021〕20号）发展基础"
URL = "https://kelionline.com/industries/detail/15806/172"
# code -> (value, quote) as published (fixture rows 2-4)
FIGURES = {"per_mu_value_added": (136, "规上工业亩均增加值达136万元/亩"),
           "rd_intensity": (2.8, "规上制造业企业研究与试验发展经费占营业收入的比重达2.8%"),
           "mfg_labour_productivity": (23.5, "规上制造业劳动生产率达23.5万元/人")}


@pytest.fixture
def raw(tmp_path) -> Path:
    """A copy of data/raw: tests never touch the real one."""
    dest = tmp_path / "raw"
    shutil.copytree(RAW, dest)
    return dest


def tree(path: Path) -> dict[str, str]:
    return {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


def row_of(ws, code: str, year: int) -> int:
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == code and ws.cell(r, 3).value == year)


def workbook(tmp_path, name="浙江省数据.xlsx", codes=("per_mu_value_added", "rd_intensity"), kind="官方发布",
             sheet="浙江省", edit=None) -> tuple[Path, dict[str, int]]:
    """The template with the real 2020 figures of ``codes`` filled in on ``sheet``."""
    path = write_template(tmp_path / name)
    wb = load_workbook(path)
    ws = wb[sheet]
    rows = {}
    for code in codes:
        r = rows[code] = row_of(ws, code, 2020)
        value, quote = FIGURES[code]
        for col, v in zip((4, 6, 7, 8, 11), (value, SOURCE, URL, quote, kind)):
            ws.cell(r, col).value = v
    if edit:
        edit(ws, rows)
    wb.save(path)
    return path, rows


def csv_file(tmp_path, name, codes, extra_header="", extra="") -> Path:
    lines = [f"region,indicator,year,value,unit,source,url,quote{extra_header}"]
    units = {"per_mu_value_added": "万元/亩", "rd_intensity": "%", "mfg_labour_productivity": "万元/人"}
    for code in codes:
        value, quote = FIGURES[code]
        lines.append(f"浙江省,{code},2020,{value},{units[code]},{SOURCE},{URL},{quote}{extra}")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def log_rows(raw: Path) -> list[str]:
    return [line for line in (raw / "README.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("| `statistics/imported/2")]  # stored names start with the date


def problems_of(fn, *args, **kw) -> InputError:
    with pytest.raises(InputError) as err:
        fn(*args, **kw)
    return err.value


# ----------------------------------------------------------------------------- 1. code and name

def test_a_code_and_a_name_that_disagree_are_refused_naming_both(tmp_path):
    def wrong_name(ws, rows):
        r = row_of(ws, "per_mu_tax", 2020)
        ws.cell(r, 2).value = "规上工业亩均增加值"  # the name of another indicator
        for col, v in zip((4, 6, 8, 11), (7.5, SOURCE, "synthetic test value", "测试")):
            ws.cell(r, col).value = v
        rows["tax"] = r

    book, rows = workbook(tmp_path, codes=(), sheet="衢州市", edit=wrong_name)
    err = problems_of(check_file, book)
    assert len(err.problems) == 1
    p = err.problems[0]
    assert (p.sheet, p.row, p.column, p.header) == ("衢州市", rows["tax"], "A", "指标代码")
    assert p.render("zh") == (
        f"浙江省数据.xlsx 衢州市 第{rows['tax']}行 A列「指标代码」：填的是「per_mu_tax」，应与B列「指标名称」一致："
        "代码 per_mu_tax（规上工业亩均税收），名称「规上工业亩均增加值」却是 per_mu_value_added 的名称；请改正其中一个")
    assert p.render("en") == (
        f"浙江省数据.xlsx, sheet 衢州市 row {rows['tax']}, column A (指标代码), field 'indicator': got 'per_mu_tax'; "
        "expected an indicator code and name that agree: code per_mu_tax is 规上工业亩均税收 (per_mu_tax), but the "
        "name 规上工业亩均增加值 is per_mu_value_added; correct one of them")


def test_the_same_check_applies_to_a_csv(tmp_path):
    path = tmp_path / "tax.csv"
    path.write_text("region,indicator,indicator_name_zh,year,value,unit,source,quote\n"
                    "衢州市,per_mu_tax,规上工业亩均增加值,2020,7.5,万元/亩,synthetic,synthetic\n", encoding="utf-8")
    p = problems_of(check_file, path).problems[0]
    assert p.render("zh").startswith("tax.csv 第2行 B列「indicator」：填的是「per_mu_tax」，应与C列「indicator_name_zh」一致")
    # a name the series does not have in the plan (the template's 占全省… wording) is not a disagreement
    ok = tmp_path / "ok.csv"
    ok.write_text("region,indicator,indicator_name_zh,year,value,unit,source,quote\n"
                  "浙江省,mfg_va_share_gdp,制造业增加值占全省生产总值比重,2020,33.2,%,synthetic,synthetic\n",
                  encoding="utf-8")
    assert check_file(ok)[0]["indicator_name_zh"].tolist() == ["制造业增加值占全省生产总值比重"]


# ----------------------------------------------------------------------------- 2. held figures

def test_a_resaved_copy_is_refused_naming_the_import_that_holds_its_figures(tmp_path, raw):
    book, _ = workbook(tmp_path)
    first = import_file(book, raw)
    copy = tmp_path / "copy" / "浙江省数据（另存）.xlsx"
    copy.parent.mkdir()
    load_workbook(book).save(copy)  # re-saved: same figures, other bytes
    assert copy.read_bytes() != book.read_bytes()
    before = tree(raw)
    err = problems_of(import_file, copy, raw)
    rel = f"statistics/imported/{first.target.name}"
    when = first.target.name[:16]
    when = f"{when[:4]}-{when[4:6]}-{when[6:8]} {when[9:11]}:{when[11:13]}:{when[13:15]} UTC"
    assert err.render("zh") == (f"浙江省数据（另存）.xlsx：文件中的 2 个数据都已导入过（{rel}（原文件 "
                                f"浙江省数据.xlsx，{when} 导入）），没有新数据可导入")
    assert err.render("en") == (f"浙江省数据（另存）.xlsx; expected figures not held yet: all 2 figures of this file "
                                f"are already held by {rel} (from 浙江省数据.xlsx, imported {when}); "
                                "nothing to import")
    assert tree(raw) == before


def test_a_revision_is_refused_without_revise_and_logged_old_to_new_with_it(tmp_path, raw):
    book, rows = workbook(tmp_path)
    first = import_file(book, raw)
    revised = tmp_path / "rev"
    revised.mkdir()

    def bump(ws, rows):
        ws.cell(rows["rd_intensity"], 4).value = 2.9  # synthetic revision of the real 2.8

    book2, _ = workbook(revised, edit=bump)
    before = tree(raw)
    err = problems_of(import_file, book2, raw)
    rel = f"statistics/imported/{first.target.name}"
    r = rows["rd_intensity"]
    assert err.render("zh") == (f"浙江省数据.xlsx 浙江省 第{r}行 D列「数值」：填的是「2.9」，已导入的数值是 2.8 %（{rel} "
                                f"第3行，原文件 浙江省数据.xlsx）；这是对已有数据的修订：核对无误后用 qz stats import "
                                "--revise 导入")
    assert err.render("en").endswith(f"got '2.9'; expected the held figure 2.8 % ({rel} row 3, from 浙江省数据.xlsx): "
                                     "this file revises it; import with --revise to record the revision")
    assert tree(raw) == before  # refused: nothing written

    done = import_file(book2, raw, revise=True)
    assert (done.imported, len(done.repeats), len(done.revisions)) == (1, 1, 0 + 1)
    stored = pd.read_csv(done.target, dtype=str, keep_default_na=False)
    assert list(zip(stored.indicator, stored.value)) == [("rd_intensity", "2.9")]  # the repeat is not stored again
    row = next(line for line in log_rows(raw) if done.target.name in line)
    assert f"revises 浙江省 rd_intensity 2020: 2.8 → 2.9 % (was {rel} row 3)" in row
    assert f"1 figure already held skipped ({rel} (from 浙江省数据.xlsx" in row

    out = tmp_path / "processed"
    build_into(out, None, raw / "statistics")
    mine = imported_figures(load_observations(out))
    assert sorted(zip(mine.indicator, mine.value)) == [("per_mu_value_added", 136.0), ("rd_intensity", 2.9)]
    assert mine.set_index("indicator").loc["rd_intensity", "file"] == f"statistics/imported/{done.target.name}"


def test_a_file_mixing_new_figures_and_repeats_imports_the_new_ones_and_says_how_many_were_skipped(tmp_path, raw,
                                                                                                       capsys):
    first = csv_file(tmp_path, "two.csv", ["per_mu_value_added", "rd_intensity"])
    import_file(first, raw)
    three = csv_file(tmp_path, "three.csv", list(FIGURES))
    main(["stats", "check", str(three), "--raw-dir", str(raw)])
    out = capsys.readouterr().out
    assert "3 figures OK — 浙江省; 2020–2020; researcher 3\n1 new, 2 already held (skipped on import), 0 revisions" in out
    assert "注意：3 个数据没有填「来源类型」，将按“未声明”导入，不视为官方发布。" in out
    main(["stats", "import", str(three), "--raw-dir", str(raw)])
    out = capsys.readouterr().out
    assert "imported 1 figure from" in out and "skipped 2 figures already held / 跳过已导入的数据 2 个" in out
    stored = sorted((raw / "statistics" / "imported").glob("*three.csv"))
    assert len(stored) == 1
    got = pd.read_csv(stored[0], dtype=str, keep_default_na=False)
    assert list(got.indicator) == ["mfg_labour_productivity"] and list(got.origin) == ["three.csv row 4"]
    assert len(log_rows(raw)) == 2
    # a changed source type of a held figure is a revision too
    kinds = csv_file(tmp_path, "kinds.csv", ["rd_intensity"], ",source_type", ",测试")
    err = problems_of(import_file, kinds, raw)
    assert "来源类型由「未声明」改为「测试」" in err.render("zh")


# ----------------------------------------------------------------------------- 3. messages

def test_messages_name_sheet_row_column_and_header_in_chinese_with_english(tmp_path, capsys):
    def bad(ws, rows):
        ws.cell(rows["per_mu_value_added"], 4).value = "约136"
        ws.cell(rows["rd_intensity"], 8).value = None
        ws.cell(rows["rd_intensity"], 7).value = None
        ws.cell(rows["rd_intensity"], 11).value = "官方"

    book, rows = workbook(tmp_path, edit=bad)
    a, b = rows["per_mu_value_added"], rows["rd_intensity"]
    for lang in ("zh+en", "zh", "en"):
        with pytest.raises(SystemExit) as ex:
            main(["stats", "check", str(book), "--lang", lang])
        assert ex.value.code == 2
        err = capsys.readouterr().err
        zh = [f"浙江省数据.xlsx 浙江省 第{a}行 D列「数值」：填的是「约136」，应为一个数字，如 1953、1,953 或 2.7（不写“约”"
              "“左右”“—”“%”；说明写在「备注」列，单位写在「单位」列）",
              f"浙江省数据.xlsx 浙江省 第{b}行 H列「原文摘录」：未填，「原文摘录」或「网址」至少填一项（摘录写出数字所在的原句或表格位置）",
              f"浙江省数据.xlsx 浙江省 第{b}行 K列「来源类型」：填的是「官方」，应为来源类型：官方发布、非官方转载 或 测试（从下拉列表选择）"]
        en = [f"浙江省数据.xlsx, sheet 浙江省 row {a}, column D (数值), field 'value': got '约136'; expected a plain number",
              f"浙江省数据.xlsx, sheet 浙江省 row {b}, column H (原文摘录), field 'quote': got ''; expected a quote",
              f"浙江省数据.xlsx, sheet 浙江省 row {b}, column K (来源类型), field 'source_type': got '官方'; expected a "
              "source type: 官方发布 (official release), 非官方转载 (unofficial copy) or 测试 (test)"]
        assert all((z in err) == (lang != "en") for z in zh), err
        assert all((e in err) == (lang != "zh") for e in en), err
        assert ("共 3 处问题" in err) == (lang != "en") and ("3 problems:" in err) == (lang != "zh")


def test_problems_without_chinese_text_keep_their_plain_form():
    """Other modules' messages (plan, scenarios) are unchanged."""
    p = Problem(file="s.yaml", where="key assumptions.rd", field="growth", value=7, expected="a rate below 0.5")
    assert str(p) == "s.yaml, key assumptions.rd, field 'growth': got 7; expected a rate below 0.5"
    assert str(InputError([p, p])) == ("2 problems:\n  - s.yaml, key assumptions.rd, field 'growth': got 7; expected "
                                       "a rate below 0.5\n  - s.yaml, key assumptions.rd, field 'growth': got 7; "
                                       "expected a rate below 0.5")
    assert str(Problem(expected="a plan file", file=None)) == "a plan file"


# ----------------------------------------------------------------------------- 4. source type

def test_the_declared_source_type_is_carried_to_observations_and_conflicts(tmp_path, raw):
    def kinds(ws, rows):
        ws.cell(rows["rd_intensity"], 11).value = "非官方转载"
        ws.cell(rows["mfg_labour_productivity"], 11).value = None  # not declared
        r = row_of(ws, "per_mu_value_added", 2019)  # synthetic test figure
        for col, v in zip((4, 6, 8, 11), (120, "synthetic test figure", "synthetic", "测试")):
            ws.cell(r, col).value = v

    book, _ = workbook(tmp_path, codes=tuple(FIGURES), edit=kinds)
    done = import_file(book, raw)
    stored = pd.read_csv(done.target, dtype=str, keep_default_na=False).set_index(["indicator", "year"])
    assert stored["source_type"].to_dict() == {
        ("per_mu_value_added", "2019"): "test", ("per_mu_value_added", "2020"): "official",
        ("rd_intensity", "2020"): "unofficial", ("mfg_labour_productivity", "2020"): ""}
    out = tmp_path / "processed"
    build_into(out, None, raw / "statistics")
    obs = load_observations(out)
    mine = imported_figures(obs).set_index(["indicator", "year"])
    assert mine["source_kind"].to_dict() == {
        ("mfg_labour_productivity", 2020): "researcher", ("per_mu_value_added", 2019): "test",
        ("per_mu_value_added", 2020): "official", ("rd_intensity", 2020): "unofficial"}
    assert list(test_figures(obs)[["indicator", "year", "value"]].itertuples(index=False, name=None)) == [
        ("per_mu_value_added", 2019, 120.0)]
    conflicts = pd.read_csv(out / "conflicts.csv", dtype=str, keep_default_na=False).set_index(["region", "indicator",
                                                                                                "year"])
    # declared 官方发布 beats the shipped unofficial copy; an undeclared import is not official: the
    # rank of kinds then decides (imported > unofficial copy), not "official over unofficial"
    assert conflicts.loc[("浙江省", "per_mu_value_added", "2020"), ["selected_source_kind", "rule"]].tolist() == [
        "official", "official over unofficial"]
    assert conflicts.loc[("浙江省", "mfg_labour_productivity", "2020"), ["selected_source_kind", "rule"]].tolist() == [
        "researcher", "source kind"]
    # declared 非官方转载, the same value as the shipped unofficial copy: nothing tells them apart but file order
    assert conflicts.loc[("浙江省", "rd_intensity", "2020"), ["selected_source_kind", "selected_file", "rule"]].tolist() \
        == ["unofficial", "statistics/reference_statistics.csv", "file order"]


def test_a_test_figure_is_chosen_only_where_nothing_else_exists(tmp_path, raw):
    # the shipped file holds 浙江省 per_mu_value_added 2020 = 136 (an unofficial copy)
    path = tmp_path / "t.csv"
    path.write_text("region,indicator,year,value,unit,source,quote,source_type\n"
                    "浙江省,per_mu_value_added,2020,150,万元/亩,synthetic,synthetic,测试\n", encoding="utf-8")
    import_file(path, raw)
    out = tmp_path / "processed"
    build_into(out, None, raw / "statistics")
    obs = load_observations(out)
    hit = obs[(obs.region == "浙江省") & (obs.indicator == "per_mu_value_added") & (obs.year == 2020)]
    assert hit.loc[hit.selected, ["value", "source_kind"]].values.tolist() == [[136.0, "unofficial"]]
    conflicts = pd.read_csv(out / "conflicts.csv", dtype=str, keep_default_na=False)
    row = conflicts[(conflicts.region == "浙江省") & (conflicts.indicator == "per_mu_value_added")
                    & (conflicts.year == "2020")]
    assert row.rule.tolist() == ["real over test"]
    assert len(test_figures(obs)) == 1 and not test_figures(obs).selected.any()
    assert test_figures(obs.iloc[:0]).empty


# ----------------------------------------------------------------------------- 5. template

def test_template_unit_messages_years_and_regional_wording(tmp_path):
    path = write_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    ws = wb["衢州市"]
    tax = row_of(ws, "per_mu_tax", 2020)
    unit = [dv for dv in ws.data_validations.dataValidation if f"E{tax}" in dv.sqref]
    assert [dv.error for dv in unit] == ["规上工业亩均税收（per_mu_tax）的单位只能是：万元/亩"]
    # one year rule: rows up to the plan's last year but never past the year check accepts
    years = sorted({c.value for c in next(ws.iter_cols(min_col=3, max_col=3, min_row=2))})
    assert years == list(schema.template_years())
    assert years[-1] == min(schema.plan_period()[1], schema.latest_year_begun()) and schema.plan_period() == (2023, 2027)
    year_dv = next(dv for dv in ws.data_validations.dataValidation if dv.type == "whole")
    assert (year_dv.formula1, year_dv.formula2) == (str(schema.FIRST_YEAR), str(schema.latest_year_begun()))
    assert year_dv.error == schema.year_rule_zh()
    notes = [r[0].value for r in wb["填写说明"].iter_rows()]
    assert any(schema.year_rule_zh() in str(n) for n in notes)
    assert any(str(n).startswith("10. “来源类型”必选其一：官方发布、非官方转载、测试") for n in notes)
    # the share of GDP names the sheet's own region
    assert {wb[s].cell(2, 2).value for s in ("衢州市", "浙江省", "全国", "常山县")} == {
        "制造业增加值占全市生产总值比重", "制造业增加值占全省生产总值比重", "制造业增加值占全国生产总值比重",
        "制造业增加值占全县生产总值比重"}
    kinds = next(dv for dv in ws.data_validations.dataValidation if "K2" in dv.sqref)
    assert kinds.formula1 == '"官方发布,非官方转载,测试"'


def test_check_applies_the_template_year_rule(tmp_path):
    last = schema.latest_year_begun()
    path = tmp_path / "y.csv"
    path.write_text("region,indicator,year,value,unit,source,quote\n"
                    f"浙江省,rd_intensity,{last},2.8,%,synthetic,synthetic\n"
                    f"浙江省,rd_intensity,{last + 1},2.8,%,synthetic,synthetic\n", encoding="utf-8")
    p = problems_of(check_file, path).problems
    assert len(p) == 1 and p[0].row == 3
    assert p[0].render("zh") == f"y.csv 第3行 C列「year」：填的是「{last + 1}」，应符合规则：{schema.year_rule_zh()}"


# ----------------------------------------------------------------------------- 6. CSV origin

def test_a_csv_import_records_file_and_row_as_origin(tmp_path, raw):
    path = csv_file(tmp_path, "浙江2020.csv", ["rd_intensity", "per_mu_value_added"])
    done = import_file(path, raw)
    stored = pd.read_csv(done.target, dtype=str, keep_default_na=False)
    assert list(stored.origin) == ["浙江2020.csv row 2", "浙江2020.csv row 3"]
    out = tmp_path / "processed"
    build_into(out, None, raw / "statistics")
    mine = imported_figures(load_observations(out)).set_index("indicator")
    assert mine.loc["rd_intensity", "origin"] == "浙江2020.csv row 2"


# ----------------------------------------------------------------------------- 7. lock

def _import_in_child(path: str, raw: str, queue) -> None:
    try:
        queue.put(import_file(path, raw).target.name)
    except Exception as err:  # noqa: BLE001 - reported to the parent
        queue.put(f"failed: {err}")


@pytest.mark.slow
def test_two_imports_at_once_keep_both_data_log_rows(tmp_path, raw, monkeypatch):
    a = csv_file(tmp_path, "a.csv", ["per_mu_value_added"])
    b = csv_file(tmp_path, "b.csv", ["rd_intensity"])
    original = importer._add_log_row

    def slow_add(text, row):  # widen the read-modify-write window of the data log
        import time

        out = original(text, row)
        time.sleep(1.0)
        return out

    monkeypatch.setattr(importer, "_add_log_row", slow_add)
    ctx = multiprocessing.get_context("fork")  # the children inherit the patched module
    queue = ctx.Queue()
    procs = [ctx.Process(target=_import_in_child, args=(str(p), str(raw), queue)) for p in (a, b)]
    for p in procs:
        p.start()
    names = sorted(queue.get(timeout=60) for _ in procs)
    for p in procs:
        p.join(timeout=60)
    assert not [n for n in names if n.startswith("failed")], names
    rows = log_rows(raw)
    assert len(rows) == 2 and all(any(n in r for r in rows) for n in names)
    assert sorted(p.name for p in (raw / "statistics" / "imported").glob("*.csv")) == names
