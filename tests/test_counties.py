"""The counties side by side (#23), on the section functions directly: the SYNTHETIC county file
(tests/fixtures/counties) with figures for some counties and not others, and the shipped data,
which has no county figure of a plan indicator."""
from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from qzlib.stats import counties as C

SIX = ["柯城区", "衢江区", "江山市", "常山县", "开化县", "龙游县"]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def ctx(counties_processed, tmp_path_factory):
    """The 2024 brief's context on the synthetic county file (figures of 2025 held, not shown)."""
    from qzlib.report.sections.context import load_context

    return load_context(year=2024, processed_dir=str(counties_processed),
                        output_dir=str(tmp_path_factory.mktemp("county_section")))


@pytest.fixture(scope="module")
def empty_ctx(processed_dir, tmp_path_factory):
    """The 2024 brief's context on the shipped data: no county figure of a plan indicator."""
    from qzlib.report.sections.context import load_context

    return load_context(year=2024, processed_dir=str(processed_dir),
                        output_dir=str(tmp_path_factory.mktemp("county_section_empty")))


@pytest.fixture(scope="module")
def table(ctx):
    from qzlib.report.sections import counties

    return counties.county_table(ctx)


def test_the_counties_are_the_six_within_the_city():
    assert C.counties("衢州市") == SIX
    assert C.counties("龙游县") == [] and C.counties("浙江省")[:1] == ["衢州市"]


def test_the_table_lists_all_six_counties_per_indicator_and_leaves_missing_missing(table):
    assert list(dict.fromkeys(table["code"])) == ["six_chains_revenue", "per_mu_value_added", "rd_intensity",
                                                  "digital_core_va", "pinzibiao_brand_firms"]   # plan order
    for _, g in table.groupby("code"):
        assert list(g["county"]) == SIX
    row = table.set_index(["code", "county"])
    kaihua = row.loc[("per_mu_value_added", "开化县")]
    assert pd.isna(kaihua["latest_value"]) and pd.isna(kaihua["latest_year"]) and kaihua["position"] == ""
    assert not (table["latest_value"] == 0).any()
    kecheng = row.loc[("per_mu_value_added", "柯城区")]     # its 2025 figure is held but after the brief's year
    assert (kecheng["latest_year"], kecheng["latest_value"]) == (2024, 158.0)
    assert round(kecheng["change"], 4) == round(158 / 150 - 1, 4)
    assert (kecheng["compare"], round(kecheng["path_value"], 2), kecheng["position"]) == ("level", 144.96, "above")
    changshan = row.loc[("per_mu_value_added", "常山县")]   # one figure: no change, still against the path
    assert pd.isna(changshan["change"]) and changshan["position"] == "below"
    rd = row.loc[("rd_intensity", "柯城区")]                 # a share moves by points
    assert round(rd["change"], 2) == 0.2 and rd["shape"] == "points"
    longyou = row.loc[("rd_intensity", "龙游县")]            # its latest is older, compared with that year's path
    assert (longyou["latest_year"], round(longyou["path_value"], 2)) == (2022, 2.7)
    # an amount is a part of the city's: its growth against the growth the city's path implies that year
    rev = row.loc[("six_chains_revenue", "龙游县")]
    assert rev["compare"] == "growth" and pd.isna(rev["path_value"]) and rev["position"] == "faster"
    assert round(rev["path_growth"], 4) == round((3500 / 1953) ** (1 / 3) - 1, 4)
    firms = row.loc[("pinzibiao_brand_firms", "柯城区")]     # a count: changes in firms, compared by growth
    assert (firms["change"], firms["compare"]) == (3.0, "growth")


def test_the_table_page_shows_six_rows_a_dash_where_missing_and_never_zero(ctx):
    from qzlib.report.sections import counties

    html = counties.table(ctx).data
    tables = re.findall(r"<table.*?</table>", html, flags=re.S)
    assert len(tables) == 5
    for t in tables:
        assert t.count("<tr") == 1 + 6
    per_mu = _text(tables[1])
    assert "开化县 — — — — —" in per_mu and "柯城区 2024 158 +5.33% 144.96 高于路径 13.04 万元/亩" in per_mu
    assert "常山县 2024 98 — 144.96 低于路径 46.96 万元/亩" in per_mu
    assert "柯城区 2024 3.3 +0.20个百分点 2.9 高于路径 0.4 个百分点" in _text(tables[2])
    assert "柯城区 2024 15 +3家 +21.74% 快于路径（本县 +25.00%）" in _text(tables[4])   # counts whole
    assert not re.search(r">0<", html)
    saved = pd.read_csv(ctx.output_dir / "county_table.csv", encoding="utf-8-sig")
    assert len(saved) == 5 * 6 and saved["最新值"].isna().sum() == saved["年份"].isna().sum() == 1 + 3 + 2 + 3


def test_sums_only_for_additive_indicators_and_only_when_every_county_has_a_figure(ctx):
    s = C.sums(ctx.observations, ctx.points, ctx.region, ctx.year)
    assert set(s["code"]) == {"six_chains_revenue", "digital_core_va"}     # never a ratio, a share or a count
    rev = s[s["code"] == "six_chains_revenue"].set_index("year")
    assert list(rev.index) == [2023, 2024] and list(rev["n_counties"]) == [6, 6]
    assert (rev.loc[2024, "counties_sum"], rev.loc[2024, "city_value"], rev.loc[2024, "difference"]) == (2570, 2650, 80)
    assert rev.loc[2023, "difference"] == 100
    dig = s[s["code"] == "digital_core_va"].set_index("year")
    assert dig.loc[2024, "missing"] == "常山县、开化县" and math.isnan(dig.loc[2024, "counties_sum"])
    assert math.isnan(dig.loc[2024, "difference"]) and dig.loc[2024, "city_value"] == 118


def test_the_sums_paragraph_says_what_is_summed_and_what_never_is(ctx):
    from qzlib.report.sections import counties

    text = _text(counties.sums(ctx).data)
    assert "六大标志性产业链规上企业营业收入2024年各县合计 2570 亿元，全市 2650 亿元，全市比各县合计多 80 亿元（全市数的 3.0%）" in text
    assert "数字经济核心产业增加值2024年缺常山县、开化县的数据，不作合计" in text
    assert "规上工业亩均增加值、规上制造业企业研发费用占营业收入的比重、累计培育“品字标浙江制造”品牌企业不是可以各县相加的总量" in text
    sums = pd.read_csv(ctx.output_dir / "county_sums.csv", encoding="utf-8-sig")
    assert set(sums["指标"]) == {"六大标志性产业链规上企业营业收入", "数字经济核心产业增加值"}


def test_the_sentences_name_highest_lowest_spread_and_counties_without_figures(ctx):
    from qzlib.report.sections import counties

    text = _text(counties.intro(ctx).data)
    assert "衢州市下辖 6 个县（市、区）中，6 个有2022—2024年的规划指标数据，涉及 5 项指标" in text
    assert ("规上工业亩均增加值（2024年，5 个县（市、区）有数据）：最高为柯城区 158 万元/亩，最低为常山县 98 万元/亩，"
            "相差 60 万元/亩（最高为最低的 1.61 倍）；低于衢州市规划路径的有 3 个（衢江区、江山市、常山县），"
            "其余 2 个不低于路径；开化县没有数据。") in text
    assert ("研发费用占营业收入的比重（2024年，2 个县（市、区）有数据）：最高为柯城区 3.3%，最低为江山市 2.4%，相差 0.9 个百分点"
            in text)   # a share's spread in points, and no ratio of shares
    assert "龙游县仅有2022年数据；衢江区、常山县、开化县没有数据。" in text
    assert "有对照的 2 个增速均不慢于衢州市规划路径" in text
    spreads = {s.code: s for s in C.spreads(C.county_table(ctx.observations, ctx.points, ctx.region, ctx.year))}
    rd = spreads["rd_intensity"]
    assert rd.highest == ("柯城区", 3.3) and math.isnan(rd.ratio) and rd.without == ("衢江区", "常山县", "开化县")


def test_counties_csv_holds_every_county_figure_up_to_the_brief_year(ctx):
    from qzlib.report.sections import counties

    counties.intro(ctx)
    raw = (ctx.output_dir / "counties.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(ctx.output_dir / "counties.csv", encoding="utf-8-sig")
    assert list(df.columns) == ["县（市、区）", "code", "指标", "年份", "数值", "单位", "来源类型", "来源"]
    assert len(df) == 38 and df["年份"].max() == 2024            # the fixture's 39 rows less the 2025 one
    assert set(df["来源类型"]) == {"测试数据"} and df["来源"].str.contains("SYNTHETIC").all()
    assert set(df["县（市、区）"]) == set(SIX)
    kaihua = df[df["县（市、区）"] == "开化县"]
    assert set(kaihua["code"]) == {"six_chains_revenue"}
    assert "counties" in ctx.tables and ctx.tables["counties"].title == "各县（市、区）数据"   # a workbook sheet


def test_the_request_list_names_per_county_the_missing_figures(ctx):
    from qzlib.report.sections import counties

    req = C.requests(ctx.observations, ctx.points, ctx.region, ctx.year)
    by = {(r.地区, r.指标代码): r for r in req.itertuples()}
    assert not [k for k in by if k[0] == "柯城区"]                       # it has every figure the section needs
    assert by[("开化县", "per_mu_value_added")].请求 == "2023、2024年"
    assert by[("常山县", "per_mu_value_added")].请求 == "2023年" and by[("常山县", "per_mu_value_added")].优先级 == 2
    assert by[("龙游县", "rd_intensity")].已有年份 == "2022"
    assert ("开化县", "six_chains_revenue") not in by
    text = _text(counties.requests(ctx).data)
    assert "柯城区 无（本节所需数据已齐备）" in text
    assert "开化县 规上工业亩均增加值（2023、2024年）；规上制造业企业研发费用占营业收入的比重（2023、2024年）" in text
    assert (ctx.output_dir / "county_requests.csv").is_file()


def test_without_county_figures_the_section_is_one_sentence_and_the_request_list(empty_ctx):
    from qzlib.report.sections import counties

    assert counties.heading(empty_ctx).data == "<h3>各县（市、区）对照</h3>"     # no page of its own
    intro = _text(counties.intro(empty_ctx).data).strip()
    assert intro.count("。") == 1 and "都还没有2022—2024年的规划指标数据" in intro
    assert counties.table(empty_ctx).data == "" and counties.sums(empty_ctx).data == ""
    assert counties.chart(empty_ctx) is None and counties.tile_map(empty_ctx) is None
    text = _text(counties.requests(empty_ctx).data)
    assert (f"96 项（县 × 指标，清单见 county_requests.csv），{'、'.join(SIX)}各缺全部 16 项规划指标"
            "（2023、2024年）的数据，可支持分县对照：最新值与较上年变化；各县合计与全市数核对。") in text   # one sentence
    assert len(pd.read_csv(empty_ctx.output_dir / "counties.csv", encoding="utf-8-sig")) == 0


def test_small_multiples_and_the_schematic_tile_map(ctx):
    import matplotlib.pyplot as plt

    from qzlib.report.sections import counties

    fig = counties.chart(ctx)
    assert fig.get_label() == "分县_各指标与规划路径"
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert len(panels) == 5
    rd = next(ax for ax in panels if ax.get_title().startswith("规上制造业企业研发"))
    assert {ln.get_label() for ln in rd.get_lines()} >= {"柯城区", "江山市", "龙游县", "衢州市规划路径"}
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == [*SIX, "衢州市规划路径（总量、个数类指标为右轴，橙色刻度）"]
    plt.close(fig)
    fig = counties.tile_map(ctx)
    assert fig.get_label() == "分县_示意图" and fig._suptitle.get_text().startswith("示意图")
    per_mu = next(ax for ax in fig.axes if ax.get_title().startswith("规上工业亩均"))
    assert len(per_mu.patches) == 6                                   # six equal tiles
    texts = [t.get_text() for t in per_mu.texts]
    assert texts[texts.index("开化县") + 1] == "—" and texts[texts.index("柯城区") + 1] == "158"
    white = [p for p in per_mu.patches if p.get_facecolor()[:3] == (1.0, 1.0, 1.0)]
    assert len(white) == 1                                            # only 开化县 has no figure
    plt.close(fig)


def test_a_county_with_its_own_plan_shows_its_own_targets(ctx, tmp_path, monkeypatch):
    from qzlib import paths
    from qzlib.report.sections import counties
    from tests import county_plan

    monkeypatch.setattr(paths, "PLANS", tmp_path / "plans")
    county_plan.write(tmp_path / "plans" / "longyou" / "data" / "raw")     # 龙游县's plan, not ingested
    own = C.own_plans("衢州市")
    assert list(own) == ["龙游县"]
    t = C.county_table(ctx.observations, ctx.points, ctx.region, ctx.year, own).set_index(["code", "county"])
    ly = t.loc[("per_mu_value_added", "龙游县")]
    assert ly["own_targets"] == "2026年 160；2028年 195"              # the county plan: baseline 2023
    assert round(ly["own_path_value"], 2) == round(119 * (160 / 119) ** (1 / 3), 2)
    assert t.loc[("per_mu_value_added", "柯城区"), "own_targets"] == ""
    ctx.cache.pop("counties:own", None), ctx.cache.pop("counties:table", None)
    try:
        text = _text(counties.table(ctx).data)
    finally:
        ctx.cache.pop("counties:own", None), ctx.cache.pop("counties:table", None)
    assert "本县规划目标 本县规划路径值" in text and "2026年 160；2028年 195" in text


def test_a_county_pick_gives_its_series_and_pace_against_the_city_path(ctx):
    assert C.choices(ctx.observations, ctx.region, ctx.points, ctx.year)["开化县"] == ["six_chains_revenue"]
    p = C.pick(ctx.observations, ctx.points, ctx.region, "柯城区", "per_mu_value_added", ctx.year)
    assert list(p.series.index) == [2023, 2024] and p.latest_year == 2024           # 2025 is after the year
    assert (round(p.pace, 4), round(p.path_pace, 4), round(p.gap, 2)) == (0.0533, 0.1037, 13.04)
    assert p.summary_zh() == ("柯城区规上工业亩均增加值：2024年 158万元/亩（共 2 个年度值）；2023—2024年每年 +5.33%，"
                              "衢州市规划路径同期每年 +10.37%；2024年比衢州市规划路径值 144.96 高 13.04。")
    t = p.table()
    assert list(t.columns) == ["年份", "柯城区", "衢州市规划路径"] and t["柯城区"].isna().sum() == len(t) - 2
    rev = C.pick(ctx.observations, ctx.points, ctx.region, "龙游县", "six_chains_revenue", ctx.year)
    assert rev.pace_shape == "growth" and math.isnan(rev.gap)                   # a part of the city: no level gap
    firms = C.pick(ctx.observations, ctx.points, ctx.region, "柯城区", "pinzibiao_brand_firms", ctx.year)
    assert firms.pace_shape == "growth" and round(firms.pace, 2) == 0.25          # a count's pace by growth here
    none = C.pick(ctx.observations, ctx.points, ctx.region, "开化县", "rd_intensity", ctx.year)
    assert none.series.empty and none.summary_zh() == "开化县没有规上制造业企业研发费用占营业收入的比重的数据。"


def test_coverage_by_county(ctx, counties_processed):
    from click.testing import CliRunner

    from qzlib.stats.cli import coverage

    cov = C.coverage(ctx.observations, ctx.region, list(ctx.points["code"].unique()))
    assert list(cov.columns) == ["code", "name_zh", *SIX] and len(cov) == 16
    per_mu = cov.set_index("code").loc["per_mu_value_added"]
    assert (per_mu["柯城区"], per_mu["常山县"], per_mu["开化县"]) == ("2023—2024", "2024", "")
    out = CliRunner().invoke(coverage, ["--processed-dir", str(counties_processed), "--year", "2024"])
    assert out.exit_code == 0, out.output
    block = out.output[out.output.index("regions within 衢州市"):]
    assert re.search(r"per_mu_value_added\s+23-25\s+23-24\s+23-24\s+24\s+\.\s+23-24", block)
    assert "开化县: per_mu_value_added 2023, 2024" in block


def test_what_notebooks_03_and_04_show_of_the_counties(ctx, empty_ctx):
    import matplotlib.pyplot as plt

    from qzlib import notebook_views as V
    from qzlib.stats.counties import coverage_by_county

    cov = coverage_by_county(ctx.observations, ctx.region, year=ctx.year)
    shown = V.county_coverage(cov).set_index("指标")
    assert len(shown) == 5 and shown.loc["规上工业亩均增加值", "开化县"] == "—"
    assert shown.loc["规上工业亩均增加值", "柯城区"] == "2023—2024"                     # up to the year asked
    assert V.county_coverage_note(cov, "衢州市") == \
        "16 项规划指标中有 5 项有分县数据（下表为各县有数据的年份）；每个县（市、区）至少有一项。"
    empty = coverage_by_county(empty_ctx.observations, empty_ctx.region)
    assert V.county_coverage(empty).empty
    assert V.county_coverage_note(empty, "衢州市") == "衢州市下辖的 6 个县（市、区）都还没有规划指标的数据。"
    req = V.county_requests_summary(C.requests(ctx.observations, ctx.points, ctx.region, ctx.year), SIX, 16)
    assert list(req["县（市、区）"]) == SIX and req.iloc[0]["需要的数据"] == "无（已齐备）"
    none = V.county_requests_summary(C.requests(empty_ctx.observations, empty_ctx.points, "衢州市", 2024, "en"), SIX, 16)
    assert set(none["figures needed"]) == {"all 16 plan indicators (2023, 2024)"}
    names = dict(zip(ctx.points["code"], ctx.points["name_zh"]))
    offer = V.county_choices_text(C.choices(ctx.observations, ctx.region, ctx.points, ctx.year), "衢州市", names)
    assert "- **开化县**：六大标志性产业链规上企业营业收入\n" in offer
    assert V.county_choices_text({}, "衢州市", names) == "衢州市下辖的县（市、区）都还没有规划指标的数据，暂无可选的县。"
    fig = V.county_pick_figure(C.pick(ctx.observations, ctx.points, ctx.region, "龙游县", "six_chains_revenue", 2024))
    assert len(fig.axes) == 2 and fig.axes[0].get_title(loc="left") == "龙游县：六大标志性产业链规上企业营业收入（亿元）"
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["龙游县", "衢州市规划路径（右轴）"]
    plt.close(fig)


def test_the_summary_has_one_line_on_the_counties(ctx, empty_ctx, table):
    from qzlib.report.sections import counties

    none = C.counties_without(table, "衢州市")
    line = counties.summary_item(ctx)
    assert line.startswith(f"分县：6 个县（市、区）中 {6 - len(none)} 个有2022—2024年的数据，涉及 5 项指标")
    assert line.endswith("（见“各县（市、区）对照”）。") and all(n in line for n in none)
    assert counties.summary_item(empty_ctx) == ("分县：衢州市下辖的 6 个县（市、区）都还没有2022—2024年的规划指标数据"
                                                "（分县数据需求见“各县（市、区）对照”）。")


def test_a_countys_own_plan_is_an_input_of_the_citys_brief(processed_dir, tmp_path, monkeypatch):
    import county_plan

    from qzlib import paths
    from qzlib.pipeline import add_plan
    from qzlib.report.inputs import brief_inputs
    from qzlib.report.runner import BriefRequest

    monkeypatch.setattr(paths, "PLANS", tmp_path / "plans")
    req = BriefRequest(year=2025, processed_dir=processed_dir, outputs_dir=tmp_path / "out")
    assert brief_inputs(req, code="x")["other_plans"] == {}
    ws = add_plan("longyou", county_plan.write(tmp_path / "text"))
    before = brief_inputs(req, code="x")
    assert set(before["other_plans"]) == {"longyou"}
    ws.plan_file.write_text(ws.plan_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert brief_inputs(req, code="x") != before             # a changed county plan rebuilds the city's brief
