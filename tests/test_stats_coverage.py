"""Coverage view and data requests, on the shipped statistics and a slice of the plan table."""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from qzlib.paths import ROOT
from qzlib.stats import coverage_table, data_requests, plot_coverage
from qzlib.stats.build import collect

FIX = Path(__file__).parent / "fixtures" / "stats"


@pytest.fixture(scope="module")
def indicators():
    return pd.read_csv(FIX / "indicators.csv", dtype={"raw_2022": str, "qualifier_2022": str})


@pytest.fixture(scope="module")
def obs(indicators):
    return collect(indicators, ROOT / "data" / "raw" / "statistics")[0]


def cell(cov, region, indicator, year):
    return cov[(cov.region == region) & (cov.indicator == indicator) & (cov.year == year)].iloc[0]


def test_coverage_is_region_by_indicator_by_year(obs):
    cov = coverage_table(obs)
    assert list(cov.region.unique()) == ["衢州市", "浙江省", "全国", "湖州市"]
    assert len(cov) == 4 * 16 * 13
    c = cell(cov, "衢州市", "rd_intensity", 2022)
    assert (c.status, c.source_kind, c.value) == ("present", "plan", 2.7)
    assert cell(cov, "衢州市", "high_tech_mfg_share", 2022).status == "missing"  # "/" in 附件1
    # 六大产业链产值 2024 speaks to the revenue indicator but never fills it
    c = cell(cov, "衢州市", "six_chains_revenue", 2024)
    assert (c.status, c.related) == ("related", "six_chains_output, six_chains_share_above_scale_industry_pct")
    assert pd.isna(c.value)
    c = cell(cov, "浙江省", "high_new_tech_share", 2023)
    assert (c.status, c.source_kind, c.value) == ("present", "unofficial", 67.1)
    c = cell(cov, "全国", "high_tech_mfg_share", 2020)  # row 139
    assert (c.status, c.value) == ("present", 15.1)


def test_data_requests_name_the_figures_and_the_lenses_they_unlock(obs, indicators):
    req = data_requests(obs, indicators, 2024)
    by = {(r.indicator, r.priority): r for r in req.itertuples()}
    rd_first = by[("rd_intensity", 1)]
    assert (rd_first.have_years, rd_first.request) == ("2022", "any one year of 2023–2024")
    assert "completion-vs-time" in rd_first.unlocks
    rd_trend = by[("rd_intensity", 2)]
    assert rd_trend.request_years == "2023, 2024"
    assert "3-point series → trend" in rd_trend.unlocks
    base = by[("high_tech_mfg_share", 1)]
    assert base.request_years == "2022, 2023, 2024" and "starting point" in base.unlocks
    # 能耗降幅's targets are "完成省下达任务": no completion lens is promised
    assert "no numeric target" in by[("energy_intensity_decline", 1)].unlocks
    # indicators without any figure for 衢州市 ask for the baseline first
    assert by[("digital_core_va", 1)].request == "the 2022 baseline"


def test_without_a_baseline_two_figures_already_measure_progress_from_the_first(obs, indicators):
    # SYNTHETIC 衢州 figures for 高技术制造业 share (its 2022 value is "/" in 附件1): 15.2 (2023), 16.0 (2024)
    row = obs[(obs["region"] == "衢州市") & obs["selected"].astype(bool)
              & (obs["comparability"] == "comparable")].iloc[0]
    extra = pd.DataFrame([{**row.to_dict(), "indicator": "high_tech_mfg_share", "year": y, "value": v}
                          for y, v in ((2023, 15.2), (2024, 16.0))])
    req = data_requests(pd.concat([obs, extra], ignore_index=True), indicators, 2024, lang="zh")
    base = req[(req["指标代码"] == "high_tech_mfg_share") & (req["优先级"] == 1)].iloc[0]
    assert (base["已有年份"], base["请求"]) == ("2023, 2024", "2022年基期值")
    assert base["可支持的分析"] == "从2022年基期起算的进展（目前自2023年的第一个实际值起算）"
    one = data_requests(pd.concat([obs, extra.iloc[:1]], ignore_index=True), indicators, 2024, lang="zh")
    assert "没有起点" in one[(one["指标代码"] == "high_tech_mfg_share")].iloc[0]["可支持的分析"]


def test_data_requests_in_chinese(obs, indicators):
    req = data_requests(obs, indicators, 2025, lang="zh")
    assert list(req.columns) == ["地区", "指标代码", "指标", "已有年份", "需要的年份", "请求", "可支持的分析", "优先级"]
    row = req[(req["指标代码"] == "rd_intensity") & (req["优先级"] == 1)].iloc[0]
    assert row["请求"] == "2023—2025年任意一年" and "时间过半、任务过半" in row["可支持的分析"]


def test_a_related_series_never_counts_as_coverage(obs, indicators):
    # 浙江 has R&D/GDP for 2011–2023 (related) and R&D/revenue only for 2020 (comparable)
    req = data_requests(obs, indicators, 2023, region="浙江省")
    rd = req[req.indicator == "rd_intensity"]
    assert set(rd.have_years) == {"2020"}


def test_plot_coverage_draws_chinese_without_missing_glyphs(obs):
    import matplotlib

    matplotlib.use("Agg")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plot_coverage(obs, regions=["衢州市", "浙江省"])
        fig.canvas.draw()
    ax = fig.axes[0]
    assert ax.get_title(loc="left").startswith("衢州市") and len(ax.get_yticklabels()) == 16
    assert ax.get_yticklabels()[6].get_text() == "规上制造业企业研发费用占营业收入的比重"
    assert [t.get_text() for t in fig.legends[0].get_texts()][:2] == ["方案基期值", "官方发布"]
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_plot_coverage_in_english_names_the_place_and_every_indicator_in_english(obs):
    import matplotlib.pyplot as plt

    fig = plot_coverage(obs, regions=["衢州市"], lang="en")
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Quzhou: data coverage of the plan indicators"
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert labels[6] == "R&D spending of above-scale manufacturers as share of revenue"
    assert not any("_" in label or re.search(r"[\u4e00-\u9fff]", label) for label in labels)   # no codes, no Chinese
    plt.close(fig)


def test_plot_coverage_leaves_the_style_of_later_charts_alone(obs):
    """The brief draws the scenario and responsibility charts after this one: they must look the
    same whichever chart came first (a global theme set here used to restyle them)."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    from qzlib.fonts import use_cjk

    use_cjk()
    before = {k: v for k, v in mpl.rcParams.items() if not k.startswith("font.")}
    fig = plot_coverage(obs, regions=["衢州市"])
    after = {k: v for k, v in mpl.rcParams.items() if not k.startswith("font.")}
    plt.close(fig)
    assert {k for k in before if before[k] != after[k]} == set()
