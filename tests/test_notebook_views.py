"""What notebooks 03 and 04 show a reader, on the real statistics."""
import pytest

from qzlib import notebook_views as V
from qzlib.stats import coverage_table, data_requests, load_conflicts, load_observations, load_plan_indicators


@pytest.fixture(scope="module")
def obs(processed_dir):
    return load_observations(processed_dir)


def test_year_spans_read_as_ranges():
    assert V._span([2015, 2016, 2017, 2020, 2022, 2023]) == "2015—2017、2020、2022—2023"
    assert V._span([]) == ""


def test_coverage_summary_has_one_line_per_indicator(obs):
    s = V.coverage_summary(coverage_table(obs, regions=["衢州市"])).set_index("指标")
    assert len(s) == 16
    assert s.loc["六大标志性产业链规上企业营业收入", "仅有相关口径的年份"] == "2021、2024"
    assert s.loc["高技术制造业增加值占规上工业增加值比重", "有本指标数据的年份"] == "—"  # “/” in the annex
    assert s.loc["规上工业亩均增加值", "缺失年数"] == 12


def test_conflicts_named_in_words_with_every_value_and_the_rule(obs, processed_dir):
    t = V.conflicts_table(load_conflicts(processed_dir), obs)
    gdp = t[(t["地区"] == "浙江省") & (t["年份"] == 2023)].iloc[0]
    assert gdp["指标"] == "地区生产总值" and gdp["选用值"] == 82553 and gdp["选用规则"] == "官方来源优先于非官方"
    assert "82553" in gdp["各来源数值"] and "85620" in gdp["各来源数值"]


def test_requests_summary_keeps_the_first_priority(obs, processed_dir):
    full = data_requests(obs, load_plan_indicators(processed_dir), 2025, region="衢州市", lang="zh")
    short = V.requests_summary(full)
    assert len(short) == (full["优先级"] == 1).sum() < len(full)
    assert list(short.columns) == ["指标", "已有年份", "请求", "可支持的分析"]


def test_trend_title_names_the_series_its_unit_and_that_it_is_only_related(obs):
    assert V.trend_title("rd_gdp_pct", "浙江省", obs) == "浙江省：R&D经费投入强度（与GDP之比）（%），相关口径"
