"""Every brief page in both states: the shipped data (no figure of the region after the
baseline) and the day after the bureau's figures arrive (a SYNTHETIC bureau file from
tests/fixtures/bureau, imported as 测试 into a temporary copy of data/raw)."""
from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from qzlib import paths, rules
from qzlib.plan.path import plan_path
from qzlib.plan.tables import indicator_points, load_indicators
from qzlib.report.runner import BriefRequest, run_brief

FIXTURE = paths.ROOT / "tests" / "fixtures" / "bureau" / "synthetic_bureau_quzhou_2023_2024.csv"


def _zhejiang_workbook(tmp, raw):
    """A real published figure (浙江 2020 亩均增加值 136 万元/亩) typed into the template as a researcher would."""
    import csv

    import openpyxl

    from qzlib.stats.template import write_template

    row = next(r for r in csv.DictReader(open(raw / "statistics" / "reference_statistics.csv", encoding="utf-8"))
               if r["indicator_code"] == "mu_va_10k_yuan_per_mu")
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


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def with_data(tmp_path_factory):
    """(brief folder, processed folder) of the 2025 recent_pace brief after importing the synthetic file."""
    from qzlib.pipeline import run_ingest
    from qzlib.stats.importer import import_file

    tmp = tmp_path_factory.mktemp("bureau")
    raw = tmp / "raw"
    shutil.copytree(paths.RAW, raw)
    import_file(FIXTURE, raw_dir=raw)
    import_file(_zhejiang_workbook(tmp, raw), raw_dir=raw)
    processed = tmp / "processed"
    run_ingest(plan=raw / "plan" / paths.PLAN_FILE.name, out=processed, statistics=raw / "statistics", quiet=True)
    res = run_brief(BriefRequest(year=2025, scenario="recent_pace", processed_dir=processed, outputs_dir=tmp / "out"))
    assert res.ok, res.failed_cell or res.error
    return res.pdf.parent, processed


@pytest.fixture(scope="module")
def shipped(shipped_brief):
    return shipped_brief.pdf.parent


def _summary(folder) -> str:
    html = (folder / "brief.html").read_text(encoding="utf-8")
    box = html[html.index('<div class="box">'):]
    return _text(box[: box.index("</ul>")])


@pytest.mark.slow
def test_summary_names_the_off_track_indicator_with_its_numbers(with_data):
    folder, _ = with_data
    s = _summary(folder)
    red = s[s.index("偏离目标或进展有限"):]
    red = red[: red.index("。")]
    # 亩均增加值 119 (2022) → 118 (2024) of 160 (2025): moving away
    assert "规上工业亩均增加值（118，2024年；2025年目标 ≥160" in red and "背离目标" in red
    # counts are of indicators (12 in the file), the latest plan-indicator year is 2024, not a reference year
    assert "16 项指标中， 12 项有2022年以后的数据（最新至 2024 年）" in s
    assert "本简报使用了标为“测试”的数据" in s


@pytest.mark.slow
def test_the_completion_equals_time_edge_reads_on_schedule(with_data):
    folder, _ = with_data
    t = pd.read_csv(folder / "progress.csv").set_index(["code", "target_year"])
    for code in ("rd_intensity", "firms_output_over_10bn"):   # 2/3 complete at 2/3 of the time
        assert t.loc[(code, 2025), "l1_label"] == "同步", code
        assert rules.text(t.loc[(code, 2025), "completion"], 2, percent=True) == "67%"
    assert t.loc[("per_mu_value_added", 2025), "headline_colour"] == "red"
    # the decline indicator has figures but qualitative targets: shown, not judged
    assert t.loc[("energy_intensity_decline", 2025), "headline_colour"] == "grey"
    html = (folder / "brief.html").read_text(encoding="utf-8")
    assert re.search(r'<span class="chip rag-green">同步</span><br/?><span class="nums">完成67%·时间67%</span>', html)


@pytest.mark.slow
def test_actual_vs_plan_table_holds_the_imported_and_the_path_values(with_data):
    folder, processed = with_data
    a = pd.read_csv(folder / "actual_vs_plan.csv")
    pts = indicator_points(load_indicators(processed))
    row = a[(a["code"] == "per_mu_value_added") & (a["年份"] == 2024)].iloc[0]
    assert row["实际值"] == 118 and row["较上年"] == pytest.approx(-3)
    assert row["规划路径值"] == pytest.approx(plan_path(pts, "per_mu_value_added")[2024])
    assert row["与路径差距"] == pytest.approx(118 - 119 * (160 / 119) ** (2 / 3))
    assert row["下一目标"] == 160 and row["仍需年均增速"] == pytest.approx((160 / 118) - 1)
    rd = a[a["code"] == "rd_intensity"].set_index("年份")["实际值"]
    assert rd.to_dict() == {2022: 2.7, 2023: 2.8, 2024: 2.9}
    assert set(a["code"]) >= {"mfg_va_share_gdp", "pinzibiao_brand_firms", "energy_intensity_decline"}
    html = _text((folder / "brief.html").read_text(encoding="utf-8"))
    assert "衢州市自身序列的趋势见第二部分" in html and "尚不足以拟合趋势" not in html


@pytest.mark.slow
def test_recent_pace_follows_the_region_and_says_so(with_data):
    folder, _ = with_data
    a = pd.read_csv(folder / "scenario_assumptions.csv").set_index("对象")
    share = a.loc["制造业增加值占全市生产总值比重（%）"]
    assert "衢州市自身速度" in share["假设"] and "2023年 27.5、2024年 28.3" in share["来源或理由"]
    assert "衢州市自身速度" in a.loc["规上制造业全员劳动生产率（万元/人）", "假设"]
    one = a.loc["累计培育“品字标浙江制造”品牌企业（家）", "假设"]        # one figure, no reference
    assert "仅 1 个观测值" in one


@pytest.mark.slow
def test_test_figures_are_flagged_on_the_title_page_and_every_footer(with_data):
    from pypdf import PdfReader

    folder, _ = with_data
    pages = PdfReader(folder / "brief.pdf").pages
    assert "本简报使用了标为“测试”的数据" in pages[0].extract_text()
    for i in (1, len(pages) // 2, len(pages) - 1):
        assert "含测试数据，不得引用" in pages[i].extract_text(), i


@pytest.mark.slow
def test_the_shipped_brief_reads_true_without_local_figures(shipped):
    s = _summary(shipped)
    assert "16 项指标都没有2022年基期以后的数据" in s and "四种进展视角均无法给出判断" in s
    assert "测试" not in s
    html = _text((shipped / "brief.html").read_text(encoding="utf-8"))
    assert "衢州市规划指标尚无2022年基期以后的数据" in html          # title page, not a reference year
    assert "本节暂无内容" in html and "衢州市自身的年度数据尚不足以拟合趋势" in html
    assert "16 项指标目前都只有规划文本给出的2022年基期值" in html
    assert "不得引用" not in html
    a = pd.read_csv(shipped / "actual_vs_plan.csv")
    assert a.empty
    audit = pd.read_csv(shipped / "audit_findings.csv")
    n_real = int((~audit["类型"].str.endswith("（相符）")).sum())
    assert f"一致性核查有 {n_real} 处差异" in s


@pytest.mark.slow
def test_a_typed_in_figure_appears_in_the_brief_with_its_source_and_entry_place(with_data):
    folder, _ = with_data
    table = (folder / "researcher_figures.csv").read_text(encoding="utf-8")
    assert "规上工业亩均增加值,2020,136,万元/亩,非官方转载" in table and "浙政发〔2021〕20号" in table
    assert "entry.xlsx sheet 浙江省" in table
    assert "浙政发〔2021〕20号" in (folder / "brief.html").read_text(encoding="utf-8")


def _page_of(pdf, text: str):
    from pypdf import PdfReader

    for i, page in enumerate(PdfReader(pdf).pages):
        if text in page.extract_text():
            return i, page
    raise AssertionError(f"{text!r} is on no page of {pdf}")


@pytest.mark.slow
def test_section_two_takes_a_page_only_when_it_has_figures(shipped, with_data):
    heading = "二、实际值与规划路径"
    # without figures the section has no chart: its one sentence shares the page of section 一's chart
    i, page = _page_of(shipped / "brief.pdf", heading)
    assert len(page.images) >= 1 and "本节暂无内容" in page.extract_text()
    assert _page_of(shipped / "brief.pdf", "三、进展评估")[0] == i + 1
    # with figures it opens a page of its own
    html = (with_data[0] / "brief.html").read_text(encoding="utf-8")
    assert f'<div class="page-break"></div><h2>{heading}</h2>' in html
    _, page = _page_of(with_data[0] / "brief.pdf", heading)
    assert page.extract_text().lstrip().startswith(heading)
