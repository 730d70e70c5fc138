"""recent_pace's `follow: observed`: the region's own pace whenever it has the baseline and one
figure after it, the reference pace only when it has none, and the assumptions table says which,
with the rows.
Observed values here are synthetic (tests only); baselines come from the ingested plan."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qzlib.scenarios import load, run
from qzlib.scenarios.engine import Engine


@pytest.fixture(scope="module")
def points(processed_dir):
    from qzlib.plan.tables import indicator_points, load_indicators

    return indicator_points(load_indicators(processed_dir))


def _obs(processed_dir, extra: list[tuple[str, int, float]]) -> pd.DataFrame:
    from qzlib.stats import load_observations

    o = load_observations(processed_dir)
    rows = [dict(o.iloc[0]) | {"region": "衢州市", "indicator": c, "year": y, "value": v, "selected": True,
                               "source_kind": "test", "plan_code": c} for c, y, v in extra]
    return pd.concat([o, pd.DataFrame(rows)], ignore_index=True)


def test_own_pace_through_the_observed_figures(points, processed_dir):
    obs = _obs(processed_dir, [("mfg_va_share_gdp", 2023, 27.5), ("mfg_va_share_gdp", 2024, 28.3),
                               ("mfg_labour_productivity", 2023, 33.0), ("mfg_labour_productivity", 2024, 33.9)])
    e = Engine(points, obs, region="衢州市")
    res = e.run(load("recent_pace"))
    share = res.paths.loc["mfg_va_share_gdp"]
    # through 26.7 (plan baseline), 27.5, 28.3, then +0.8 points a year (26.7 → 28.3 over 2 years)
    assert share[2022] == 26.7 and share[2023] == 27.5 and share[2024] == 28.3
    assert share[2025] == pytest.approx(28.3 + 0.8) and share[2027] == pytest.approx(28.3 + 3 * 0.8)
    lab = res.paths.loc["mfg_labour_productivity"]          # no reference at all: still a path
    g = (33.9 / 32.17) ** 0.5 - 1
    assert lab[2025] == pytest.approx(33.9 * (1 + g))
    table = res.assumptions_table().set_index("对象")
    said = table.loc["制造业增加值占全市生产总值比重（%）"]
    assert "衢州市自身速度" in said["假设"] and "每年 +0.80个百分点" in said["假设"]
    assert said["来源或理由"] == "衢州市统计数据：2023年 27.5、2024年 28.3"


def test_own_pace_from_a_single_figure_comes_before_the_reference(points, processed_dir):
    obs = _obs(processed_dir, [("per_mu_tax", 2023, 19.6)])
    res = Engine(points, obs, region="衢州市").run(load("recent_pace"))
    tax = res.paths.loc["per_mu_tax"]
    # its own pace 17.6 (2022 baseline) → 19.6 (2023), not 浙江's 9.4 %
    assert tax[2023] == 19.6 and tax[2025] == pytest.approx(19.6 * (19.6 / 17.6) ** 2)
    said = res.assumptions_table().set_index("对象").loc["规上工业亩均税收（万元/亩）"]
    assert "衢州市自身速度：2022年基期 17.6 至 2023年 19.6，年均增长 +11.36%" == said["假设"]
    assert said["来源或理由"] == "衢州市统计数据：2023年 19.6"


def test_reference_pace_only_without_a_figure_after_the_baseline(points, processed_dir):
    res = Engine(points, _obs(processed_dir, []), region="衢州市").run(load("recent_pace"))
    tax = res.paths.loc["per_mu_tax"]
    # 浙江省 2023 亩均税收增速 9.4 % carried from the 2022 baseline, and the table says it was borrowed
    assert tax[2022] == 17.6 and tax[2025] == pytest.approx(17.6 * 1.094 ** 3)
    said = res.assumptions_table().set_index("对象").loc["规上工业亩均税收（万元/亩）"]
    assert "基期后尚无观测值，借用参照速度" in said["假设"] and "mu_tax_growth_pct" in said["来源或理由"]


def test_cumulative_counts_add_instead_of_compounding(points, processed_dir):
    obs = _obs(processed_dir, [("pinzibiao_brand_firms", 2023, 50), ("pinzibiao_brand_firms", 2024, 70)])
    firms = Engine(points, obs, region="衢州市").run(load("recent_pace")).paths.loc["pinzibiao_brand_firms"]
    # 36 (2022) → 70 (2024): 17 more firms a year, so 172 by 2030 (compounding would give about 515)
    assert firms[2024] == 70 and firms[2025] == pytest.approx(87) and firms[2030] == pytest.approx(172)


def test_no_figures_and_no_reference_gives_no_path_with_the_reason(points, processed_dir):
    res = run(load("recent_pace"), points, _obs(processed_dir, []), processed_dir)
    row = res.attainment.set_index(["code", "target_year"]).loc[("firms_output_over_10bn", 2025)]
    assert row["status"] == "no_path" and "没有观测值，也未给参照序列" in row["reason"]
    assert np.isnan(res.paths.loc["firms_output_over_10bn"]).all()


def test_without_a_baseline_two_own_figures_give_a_path_that_is_judged_and_drawn(points, processed_dir):
    from qzlib.scenarios.plot import PathsFigure

    # 附件1 gives 高技术制造业 share no 2022 value ("/"); 15.2 (2023) and 16.0 (2024) give +0.8 points a year
    obs = _obs(processed_dir, [("high_tech_mfg_share", 2023, 15.2), ("high_tech_mfg_share", 2024, 16.0)])
    res = Engine(points, obs, region="衢州市", as_of=2024).run(load("recent_pace"))
    share = res.paths.loc["high_tech_mfg_share"]
    assert np.isnan(share[2022]) and share[2024] == 16.0 and share[2025] == pytest.approx(16.8)
    said = res.assumptions_table().set_index("对象").loc["高技术制造业增加值占规上工业增加值比重（%）"]
    assert said["假设"] == "衢州市自身速度：2023年首个观测值 15.2 至 2024年 16，每年 +0.80个百分点"
    assert said["来源或理由"] == "衢州市统计数据：2023年 15.2、2024年 16"          # both figures it used
    a = res.attainment.set_index(["code", "target_year"])
    # 19 (2025) and 20.5 (2027) are missed on that path, and no reason says there is none
    assert a.loc[("high_tech_mfg_share", 2025), "status"] == "missed" and a.loc[("high_tech_mfg_share", 2025), "reason"] == ""
    assert a.loc[("high_tech_mfg_share", 2027), "value"] == pytest.approx(18.4)
    assert "high_tech_mfg_share" in PathsFigure(res).codes
    # the plan_path scenario cannot start it (no baseline): no panel, the reason kept
    plan = Engine(points, obs, region="衢州市", as_of=2024).run(load("plan_path"))
    assert "high_tech_mfg_share" not in PathsFigure(plan).codes
    assert "“/”" in plan.attainment.set_index(["code", "target_year"]).loc[("high_tech_mfg_share", 2025), "reason"]
