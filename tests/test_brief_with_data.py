"""Every brief page in both states: the shipped data (no figure of the region after the
baseline) and the day after the bureau's figures arrive (the SYNTHETIC bureau file from
tests/fixtures/bureau, imported as 测试 into a temporary copy of data/raw), for 2024 and, to
check that a brief knows nothing after its year, for 2023."""
from __future__ import annotations

import re

import pandas as pd
import pytest



def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def briefs(bureau_briefs):
    """{year: brief folder} of the recent_pace briefs for 2023 and 2024 on the synthetic file."""
    return {year: bureau_briefs[year] for year in (2024, 2023)}


@pytest.fixture(scope="module")
def shipped(shipped_brief):
    return shipped_brief


def _summary(folder) -> str:
    html = (folder / "brief.html").read_text(encoding="utf-8")
    box = html[html.index('<div class="box">'):]
    return _text(box[: box.index("</ul>")])


def _group(summary: str, word: str) -> str:
    """The sentence of one verdict group: '偏离（3 项指标）：…。'."""
    start = summary.index(f"{word}（")
    return summary[start: summary.index("。", start)]


@pytest.mark.slow
def test_summary_groups_each_indicator_by_its_next_milestone(briefs):
    s = _summary(briefs[2024])
    off, risk, ok, met = (_group(s, w) for w in ("偏离", "有风险", "进度正常", "已达成"))
    assert off.startswith("偏离（3 项指标）") and "规上工业亩均增加值（118，2024年；规划路径值 144.96，2025年目标 ≥160" in off
    assert "高技术制造业增加值占规上工业增加值比重" in off and "数字经济核心产业增加值" in off
    assert risk.startswith("有风险（3 项指标）") and "规上工业亩均税收（19.6，2023年" in risk
    # on the plan's path for 2025: on track, and the back-loaded 2027 pace said beside it
    assert ok.startswith("进度正常（5 项指标）") and "研发费用占营业收入的比重（2.9，2024年；规划路径值 2.9" in ok
    assert "2027年目标需提速至每年变动 +0.20个百分点" in ok
    # met in 2023 and fallen back in 2024, still on the path: the summary says the fall, once
    assert "规上制造业全员劳动生产率（34.6，2024年；曾达到目标，其后回落；规划路径值 34.03，2025年目标 ≥35" in ok
    assert ok.count("曾") == 1
    assert met.startswith("已达成（2 项指标）") and "累计培育“品字标浙江制造”品牌企业（70，2024年；2025年目标 ≥66，2024年已达到" in met
    assert "需要加快" not in s and "其余 3 项无法评估（只有基期值 1 项、目标为定性表述 2 项）" in s
    assert "14 项有2022年以后的数据（最新至 2024 年" in s and "本简报使用了标为“测试”的数据" in s
    # the two without figures: one has no baseline and a qualitative target, so no path either
    assert "二氧化碳排放降幅）只能依据规划文本分析（数据需求见第四部分）" in s


@pytest.mark.slow
def test_verdicts_csv_is_beside_the_brief_and_the_progress_page_reads_it(briefs):
    folder = briefs[2024]
    v = pd.read_csv(folder / "verdicts.csv").set_index(["code", "target_year"])
    assert v.loc[("pinzibiao_brand_firms", 2025), "verdict"] == "met"
    assert v.loc[("rd_intensity", 2025), "verdict"] == "on_track"
    assert v.loc[("energy_intensity_decline", 2025), "latest_value"] == 3.6
    html = (folder / "brief.html").read_text(encoding="utf-8")
    page = html[html.index("三、进展评估"):]
    page = page[: page.index("</table>")]
    # one row per milestone, the verdict chip with the path number it was judged on
    assert page.count("<tr") == 1 + len(v)
    assert re.search(r'<span class="chip rag-green">进度正常</span><br/?><span class="nums">路径2.9·进度100%</span>', page)
    assert re.search(r'<span class="chip rag-green">已达成</span><br/?><span class="nums">2024年起</span>', page)
    text = _text(page)
    assert "3.6 （2024）" in text                           # the qualitative target's latest figure is shown
    assert not re.search(r"[-−]\d+(\.\d+)?%", re.sub(r"进度-\d+%", "", text).split("说明")[0])
    assert not re.search(r"[-−]0(\.0+)?(?![\d.])", _text(html)), "a value printed as minus zero"
    assert "年均所需 -" not in _text(html)


@pytest.mark.slow
def test_recent_pace_takes_the_regions_own_pace_and_adds_counts(briefs):
    folder = briefs[2024]
    a = pd.read_csv(folder / "scenario_assumptions.csv").set_index("对象")
    tax = a.loc["规上工业亩均税收（万元/亩）"]
    assert tax["假设"] == "衢州市自身速度：2022年基期 17.6 至 2023年 19.6，年均增长 +11.36%"
    assert "借用" not in tax["假设"] and tax["来源或理由"] == "衢州市统计数据：2023年 19.6"
    firms = a.loc["累计培育“品字标浙江制造”品牌企业（家）", "假设"]
    assert firms == "衢州市自身速度：2022年基期 36 至 2024年 70，每年 +17家"
    att = pd.read_csv(folder / "scenario_attainment.csv")
    row = att[(att["指标"] == "累计培育“品字标浙江制造”品牌企业") & (att["目标年"] == 2027)].iloc[0]
    assert row["情景值"] == 70 + 17 * 3 and row["结果"] == "达成"      # 121 firms by 2027, not compounded


@pytest.mark.slow
def test_the_2023_brief_says_what_could_be_said_in_2023(briefs):
    folder = briefs[2023]
    figures = pd.read_csv(folder / "figures_衢州市.csv")
    assert figures["年份"].max() == 2023 and (figures["来源类型"] == "测试数据").sum() == 14
    assert pd.read_csv(folder / "researcher_figures.csv")["年份"].max() <= 2023
    v = pd.read_csv(folder / "verdicts.csv")
    assert v["latest_year"].max() == 2023
    firms = v[(v["code"] == "pinzibiao_brand_firms") & (v["target_year"] == 2025)].iloc[0]
    assert firms["verdict"] == "on_track" and firms["latest_value"] == 50        # 70 (2024) not yet known
    a = pd.read_csv(folder / "actual_vs_plan.csv")
    assert a["年份"].max() == 2023
    s = _summary(folder)
    assert "最新至 2023 年" in s and "2024年" not in s
    assumptions = pd.read_csv(folder / "scenario_assumptions.csv").set_index("对象")["假设"]
    assert assumptions["累计培育“品字标浙江制造”品牌企业（家）"] == "衢州市自身速度：2022年基期 36 至 2023年 50，每年 +14家"


@pytest.mark.slow
def test_test_figures_are_flagged_and_said_for_what_they_are(briefs):
    from pypdf import PdfReader

    folder = briefs[2024]
    pages = PdfReader(folder / "brief.pdf").pages
    first = pages[0].extract_text()
    assert "本简报使用了标为“测试”的数据" in first and "规划指标数据最新至 2024 年（均为测试数据，不是统计）" in first.replace("\n", "")
    for i in (1, len(pages) // 2, len(pages) - 1):
        assert "含测试数据，不得引用" in pages[i].extract_text(), i
    html = _text((folder / "brief.html").read_text(encoding="utf-8"))
    assert "从统计部门表格录入" not in html
    assert "其中标为“测试”的 25 个是检验用的测试数据，不是统计数据，不得引用" in html


@pytest.mark.slow
def test_actual_vs_plan_rows_are_in_each_indicators_shape(briefs):
    a = pd.read_csv(briefs[2024] / "actual_vs_plan.csv")
    row = a[(a["code"] == "per_mu_value_added") & (a["年份"] == 2024)].iloc[0]
    assert row["实际值"] == 118 and row["较上年"] == pytest.approx(-3)
    assert row["规划路径值"] == pytest.approx(119 * (160 / 119) ** (2 / 3), abs=0.01)
    assert row["仍需速度"] == pytest.approx(160 / 118 - 1, abs=1e-4)
    firms = a[(a["code"] == "firms_output_over_10bn")].set_index("年份")
    assert firms.loc[2024, "规划路径值"] == 6 and firms.loc[2024, "仍需速度"] == 1     # one more firm a year
    rd = a[a["code"] == "rd_intensity"].set_index("年份")["实际值"]
    assert rd.to_dict() == {2022: 2.7, 2023: 2.8, 2024: 2.9}
    met = a[(a["code"] == "pinzibiao_brand_firms") & (a["年份"] == 2024)].iloc[0]
    assert bool(met["已达到下一目标"]) and pd.isna(met["仍需速度"])
    # no plan baseline ("/"): the path the verdict used, from the first figure (15.2 in 2023, by points to 19 in 2025)
    high = a[a["code"] == "high_tech_mfg_share"].set_index("年份")["规划路径值"]
    assert high[2023] == 15.2 and high[2024] == pytest.approx(17.1)
    html = _text((briefs[2024] / "brief.html").read_text(encoding="utf-8"))
    assert "规划未给基期值的高技术制造业增加值占规上工业增加值比重，路径自其第一个实际值起算。" in html
    assert "高技术制造业增加值占规上工业增加值比重（2024年 16，路径值 17.1）" in html


@pytest.mark.slow
def test_the_shipped_brief_reads_true_without_local_figures(shipped):
    s = _summary(shipped)
    assert "16 项指标都没有2022年基期以后的数据" in s and "各项目标均为“无法评估”" in s
    assert "测试" not in s
    html = _text((shipped / "brief.html").read_text(encoding="utf-8"))
    assert "衢州市规划指标尚无2022年基期以后的数据" in html          # title page, not a reference year
    assert "本节暂无内容" in html and "衢州市自身的年度数据尚不足以拟合趋势" in html
    assert "16 项指标目前都只有规划文本给出的2022年基期值" in html
    assert "不得引用" not in html
    v = pd.read_csv(shipped / "verdicts.csv")
    assert set(v["verdict"]) == {"not_assessed"} and len(v) == 32
    audit = pd.read_csv(shipped / "audit_findings.csv")
    n_real = int((~audit["类型"].str.endswith("（相符）")).sum())
    assert f"一致性核查有 {n_real} 处差异" in s


@pytest.mark.slow
def test_a_typed_in_figure_appears_in_the_brief_with_its_source_and_entry_place(briefs):
    folder = briefs[2024]
    table = pd.read_csv(folder / "researcher_figures.csv")
    row = table[(table["地区"] == "浙江省") & (table["年份"] == 2020)].iloc[0]
    assert (row["指标"], row["数值"], row["来源类型"]) == ("规上工业亩均增加值", 136, "非官方转载")
    assert "浙政发〔2021〕20号" in row["来源"] and "entry.xlsx sheet 浙江省" in row["录入文件"]
    assert "浙政发〔2021〕20号" in (folder / "brief.html").read_text(encoding="utf-8")


def _page_of(pdf, text: str):
    from pypdf import PdfReader

    for i, page in enumerate(PdfReader(pdf).pages):
        if text in page.extract_text():
            return i, page
    raise AssertionError(f"{text!r} is on no page of {pdf}")


@pytest.mark.slow
def test_section_two_takes_a_page_only_when_it_has_figures(shipped, briefs):
    heading = "二、实际值与规划路径"
    # without figures the section has no chart: its one sentence shares the page of section 一's chart
    i, page = _page_of(shipped / "brief.pdf", heading)
    assert len(page.images) >= 1 and "本节暂无内容" in page.extract_text()
    assert _page_of(shipped / "brief.pdf", "三、进展评估")[0] == i + 1
    # with figures it opens a page of its own
    html = (briefs[2024] / "brief.html").read_text(encoding="utf-8")
    assert f'<div class="page-break"></div><h2>{heading}</h2>' in html
    _, page = _page_of(briefs[2024] / "brief.pdf", heading)
    assert page.extract_text().lstrip().startswith(heading)


@pytest.mark.slow
def test_no_blank_page_after_the_title(briefs, shipped):
    from pypdf import PdfReader

    for folder in (briefs[2024], shipped):
        pages = PdfReader(folder / "brief.pdf").pages
        assert "摘要" in pages[1].extract_text(), folder
