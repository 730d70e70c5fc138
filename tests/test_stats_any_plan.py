"""The statistics layer follows the plan it is given: another county's plan (tests/county_plan.py:
龙游县, 龙政办发〔2024〕5号, baseline 2023, targets 2026 and 2028, one indicator outside the
catalogue; every number invented) runs through ingest, the template, check and import with
no code change. The imported file is SYNTHETIC (source type 测试) and lives in a tmp folder."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import county_plan
from qzlib import paths
from qzlib.catalogue import infer
from qzlib.pipeline import run_ingest
from qzlib.stats import load_observations, plan, schema
from qzlib.stats.cli import stats

EXTRA = infer(county_plan.EXTRA_NAME, "%")[0]
SOURCE = ("龙政办发〔2024〕5号《龙游县全面推进“415X”先进制造业集群培育工程实施方案（2024—2028年）》"
          "附件1 主要目标体系表")


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """A county workspace: its plan and the shared reference statistics under raw/, ingested."""
    root = tmp_path_factory.mktemp("county_stats")
    raw = root / "raw"
    (raw / "statistics").mkdir(parents=True)
    shutil.copy(paths.STATISTICS_DIR / "reference_statistics.csv", raw / "statistics")
    shutil.copy(paths.RAW / "README.md", raw / "README.md")       # the data log an import adds to
    plan_file = county_plan.write(raw)
    summary = run_ingest(plan=plan_file, out=root / "processed", statistics=raw / "statistics", quiet=True)
    return root, summary


def test_the_county_baselines_are_observations_of_the_county_sourced_to_its_plan(county):
    root, summary = county
    assert "龙游县: 15 of 238 plan indicator-years covered (2015–2028)" in summary
    obs = load_observations(root / "processed")
    mine = obs[obs["source_kind"] == "plan"].set_index("indicator")
    # 17 indicators, two baselines written '/' (high_tech_mfg_share, co2_intensity_decline)
    assert len(mine) == 15 and set(mine["region"]) == {"龙游县"} and set(mine["year"]) == {2023}
    assert set(mine["source"]) == {SOURCE} and set(mine["vintage"]) == {"2024-03-15"}
    assert set(mine["file"]) == {"plan/longyou-415x-plan-2024.txt"}
    assert mine.loc["per_mu_tax", "value"] == 15.2                      # the county's changed number
    x = mine.loc[EXTRA]
    assert (x["value"], x["unit"], x["indicator_name_zh"], x["comparability"]) == (40.0, "%", county_plan.EXTRA_NAME,
                                                                                  "comparable")
    assert "衢州市" not in set(mine["region"]) and not obs["source"].str.contains("衢政办发").any()
    assert obs.attrs["plan"].region == "龙游县"


def test_coverage_and_requests_list_exactly_the_plans_indicators(county):
    root, _ = county
    codes = pd.read_csv(root / "processed" / "indicators.csv")["code"].tolist()
    assert len(codes) == 17 and codes[-1] == EXTRA
    cov = pd.read_csv(root / "processed" / "coverage.csv")
    own = cov[cov["region"] == "龙游县"]
    assert own["indicator"].drop_duplicates().tolist() == codes
    assert (own["year"].min(), own["year"].max()) == (2015, 2028)
    assert own.set_index(["indicator", "year"]).loc[(EXTRA, 2023), "source_kind"] == "plan"
    req = pd.read_csv(root / "processed" / "data_requests.csv")
    assert set(req["region"]) == {"龙游县"} and set(req["indicator"]) <= set(codes) and EXTRA in set(req["indicator"])
    base = req[(req["indicator"] == "high_tech_mfg_share") & (req["priority"] == 1)].iloc[0]
    assert base["request"] == "the 2023 baseline"                      # the plan's baseline year, not 2022


def test_the_template_offers_the_county_sheet_with_the_plans_indicators_and_years(county, tmp_path):
    root, _ = county
    out = tmp_path / "template.xlsx"
    res = CliRunner().invoke(stats, ["template", "--out", str(out), "--processed-dir", str(root / "processed")])
    assert res.exit_code == 0, res.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["填写说明", "选项", "龙游县", "衢州市", "浙江省", "全国"]
    assert wb["填写说明"]["A1"].value == "龙游县“415X”方案指标统计数据填报表"
    rows = list(wb["龙游县"].iter_rows(min_row=2, values_only=True))
    years = list(range(2015, min(2028, schema.latest_year_begun()) + 1))          # the one year rule: never past this year
    codes = list(dict.fromkeys(r[0] for r in rows))
    assert len(codes) == 17 and codes[-1] == EXTRA and len(rows) == 17 * len(years)
    extra = [r for r in rows if r[0] == EXTRA]
    assert [r[2] for r in extra] == years and {(r[1], r[4]) for r in extra} == {(county_plan.EXTRA_NAME, "%")}
    assert [c.value for c in wb["选项"]["A"]][1:] == codes


def _synthetic(folder):
    """A small SYNTHETIC 龙游县 file (invented numbers, source type 测试): the extra indicator by
    its code and by the plan's exact name, and a catalogued one."""
    path = folder / "SYNTHETIC_longyou_test_figures.csv"
    pd.DataFrame([
        ["龙游县", EXTRA, 2024, "42.5", "%"],
        ["龙游县", f"{county_plan.EXTRA_NAME}（%）", 2025, "44", "%"],
        ["龙游县", "per_mu_tax", 2024, "16.1", "万元/亩"],
    ], columns=["地区", "指标代码", "年份", "数值", "单位"]).assign(
        来源="合成测试数据（SYNTHETIC，非统计数据）", 原文摘录="synthetic test row", 来源类型="测试",
    ).to_csv(path, index=False)
    return path


def test_check_and_import_accept_the_countys_figures_by_code_and_by_name(county, tmp_path):
    root, _ = county
    raw, processed = root / "raw", root / "processed"
    path = _synthetic(tmp_path)
    runner = CliRunner()
    res = runner.invoke(stats, ["check", str(path), "--raw-dir", str(raw), "--processed-dir", str(processed)])
    assert res.exit_code == 0, res.output
    assert "3 figures OK — 龙游县; 2024–2025; test 3" in res.output
    res = runner.invoke(stats, ["import", str(path), "--raw-dir", str(raw), "--processed-dir", str(processed)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(stats, ["build", "--raw-dir", str(raw), "--processed-dir", str(processed)])
    assert res.exit_code == 0, res.output
    assert "龙游县: 18 of 238 plan indicator-years covered" in res.output
    obs = load_observations(processed)
    test = obs[obs["source_kind"] == "test"].set_index(["indicator", "year"])["value"]
    assert test.to_dict() == {(EXTRA, 2024): 42.5, (EXTRA, 2025): 44.0, ("per_mu_tax", 2024): 16.1}
    res = runner.invoke(stats, ["coverage", "--processed-dir", str(processed)])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("龙游县: ")
    line = next(x for x in res.output.splitlines() if x.startswith(EXTRA))
    assert line.split()[-6:] == ["P", "T", "T", ".", ".", "."]            # 2023 plan, 2024–25 test, 2026–28 none


def test_the_county_indicator_is_unknown_to_another_plan(county):
    """The extra code is a series because the county's plan has it, not because it is hard-wired."""
    from qzlib.stats.mapping import regions, resolve, template_regions

    root, _ = county
    longyou = plan.load(root / "processed")
    with plan.use(longyou):
        assert resolve(EXTRA).name_zh == county_plan.EXTRA_NAME and resolve(EXTRA).kind == "share"
        assert resolve(f"{county_plan.EXTRA_NAME}（%）").code == EXTRA
        assert "龙游县" in regions() and template_regions() == ["龙游县", "衢州市", "浙江省", "全国"]
    other = plan.Plan("某某县", longyou.title, longyou.doc_number, longyou.issued, 2023, 2027,
                      tuple(i for i in longyou.indicators if i.code != EXTRA))
    with plan.use(other):
        assert resolve(EXTRA) is None and "某某县" in regions()
        assert template_regions() == ["某某县", "浙江省", "全国"]        # an unlisted place lies in the province


def test_the_coverage_chart_shows_the_countys_indicators_and_years(county):
    """The brief draws the chart from the loaded observations alone: they carry their plan."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from qzlib.stats import plot_coverage

    root, _ = county
    fig = plot_coverage(load_observations(root / "processed"))
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "龙游县：方案指标数据覆盖情况"
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(y) for y in range(2015, 2029)]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 17 and labels[-1] == county_plan.EXTRA_NAME
    plt.close(fig)


@pytest.fixture(scope="module")
def county_brief(tmp_path_factory):
    """The county's 2026 brief (its own ingest: the import test above must not leak into it)."""
    import re

    from qzlib.report.runner import BriefRequest, run_brief

    root = tmp_path_factory.mktemp("county_brief")
    plan_file = county_plan.write(root / "raw")
    (root / "raw" / "statistics").mkdir()
    shutil.copy(paths.STATISTICS_DIR / "reference_statistics.csv", root / "raw" / "statistics")
    run_ingest(plan=plan_file, out=root / "processed", statistics=root / "raw" / "statistics", quiet=True)
    res = run_brief(BriefRequest(year=2026, processed_dir=root / "processed", outputs_dir=root / "out"))
    assert res.ok, (res.failed_cell, res.error)
    html = (res.pdf.parent / "brief.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.slow
def test_the_countys_brief_names_the_county_and_its_years(county_brief):
    text = county_brief
    assert "龙游县全面推进“415X”先进制造业集群培育工程实施方案（2024—2028年）（龙政办发〔2024〕5号）" in text
    assert "规划设定17项主要目标指标" in text and "龙游县各项规划指标在" in text
    assert "龙游县尚无2023年基期以后的规划指标数据" in text and "2022年" not in text
    assert "衢政办发" not in text


# Sentences a county brief once took from the shipped plan: the page header, the coverage years
# (the active plan's, not the brief's), the method note's example with 衢州's years.
LEFTOVERS = ("衢州市“415X”先进制造业集群培育工程监测简报", "龙游县各项规划指标在2015—2027年", "3.4（2027）")


@pytest.mark.slow
def test_no_brief_sentence_speaks_of_quzhou_or_its_years(county_brief):
    assert [s for s in LEFTOVERS if s in county_brief] == []


def test_stats_commands_take_a_plan_workspace(tmp_path, monkeypatch):
    """`--plan NAME` reads a workspace's plan: its text before `qz ingest --plan NAME`, its tables after."""
    from qzlib.pipeline import add_plan

    monkeypatch.setattr(paths, "PLANS", tmp_path / "plans")
    ws = add_plan("longyou", county_plan.write(tmp_path / "text"))
    runner = CliRunner()
    res = runner.invoke(stats, ["template", "--plan", "longyou"])            # not ingested yet: the plan text
    assert res.exit_code == 0, res.output
    wb = load_workbook(ws.outputs / "statistics_template.xlsx")
    years = range(2015, min(2028, schema.latest_year_begun()) + 1)
    assert wb.sheetnames[2] == "龙游县" and wb["龙游县"].max_row - 1 == 17 * len(years)
    run_ingest(ws.plan_file, ws.processed, ws.statistics, quiet=True)
    res = runner.invoke(stats, ["coverage", "--plan", "longyou"])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("龙游县: ") and EXTRA in res.output
    res = runner.invoke(stats, ["coverage", "--plan", "nosuch"])
    assert res.exit_code != 0 and "nosuch" in str(res.exception)
