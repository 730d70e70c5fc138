"""The four progress lenses on the plan's own numbers (read from the document), checked by hand.

Observed values after 2022 below are synthetic (tests only); baselines and targets come
from the ingested plan table.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qzlib import rules
from qzlib.catalogue import natural_bounds
from qzlib.forecast import progress as P


@pytest.fixture(scope="module")
def points(processed_dir):
    from qzlib.plan.tables import indicator_points, load_indicators

    return indicator_points(load_indicators(processed_dir))


def _obs(code, values: dict, region="衢州市"):
    return pd.DataFrame({"region": region, "indicator": code, "year": list(values), "value": list(values.values()),
                         "selected": True})


def test_per_mu_value_added_needs_ten_point_four_percent_a_year(points):
    seg = P.segment_paces(points, "per_mu_value_added").set_index("to_year")
    assert seg.loc[2025, "from_value"] == 119 and seg.loc[2025, "to_value"] == 160
    assert seg.loc[2025, "cagr"] == pytest.approx((160 / 119) ** (1 / 3) - 1) and round(seg.loc[2025, "cagr"], 3) == 0.104
    path = P.plan_path(points, "per_mu_value_added")
    assert path[2023] == pytest.approx(119 * (160 / 119) ** (1 / 3))
    assert path[2025] == pytest.approx(160) and path[2027] == pytest.approx(195)


def test_rd_intensity_back_loads_the_effort(points):
    seg = P.segment_paces(points, "rd_intensity").set_index("to_year")
    assert seg.loc[2025, "pts_per_year"] == pytest.approx(0.10)
    assert seg.loc[2027, "pts_per_year"] == pytest.approx(0.20)
    assert seg.loc[2025, "cagr"] == pytest.approx((3.0 / 2.7) ** (1 / 3) - 1)
    assert seg.loc[2027, "cagr"] == pytest.approx((3.4 / 3.0) ** (1 / 2) - 1)


def test_four_lenses_on_per_mu_value_added(points):
    obs = _obs("per_mu_value_added", {2023: 130.0, 2024: 140.0})
    t = P.progress_table(points, obs, 2024, "衢州市").set_index(["code", "target_year"])
    r = t.loc[("per_mu_value_added", 2025)]
    # lens 1: completion (140-119)/(160-119) = 0.512 vs time (2024-2022)/3 = 0.667 → behind
    assert r["completion"] == pytest.approx(21 / 41) and r["time_progress"] == pytest.approx(2 / 3)
    assert r["l1_label"] == "滞后" and r["l1_colour"] == "amber"
    # lens 2: CAGR_obs = (140/119)^(1/2)-1 = 8.47 %, required 10.38 % → R = 0.816 → acceleration needed
    g_obs, g_req = (140 / 119) ** 0.5 - 1, (160 / 119) ** (1 / 3) - 1
    assert r["r_growth"] == pytest.approx(g_obs / g_req) and r["l2_label"] == "需加快"
    # lens 3: 140 × 1.0847 = 151.9 in 2025 → ratio (151.9-119)/41 = 0.80
    proj = 140 * (1 + g_obs)
    assert r["projected"] == pytest.approx(proj) and r["ratio_extrap"] == pytest.approx((proj - 119) / 41)
    assert r["l3_label"] == "需加快" and r["l3_colour"] == "amber"
    # lens 4: 2022 (plan baseline) + two observations = 3 points → a probability
    assert 0 <= r["prob"] <= 1 and r["l4_colour"] in {"green", "amber", "red"}
    assert r["required_pts_per_year"] == pytest.approx(20.0)            # 140 → 160 in one year
    assert r["required_pace"] == pytest.approx(160 / 140 - 1)              # in its shape: growth
    assert r["plan_path_value"] == pytest.approx(119 * (160 / 119) ** (2 / 3))
    # the verdict is the plan path's: 140 of the path's 145.1 (progress 21/26.1 = 0.80) → at risk
    from qzlib.forecast.verdicts import verdict_table

    v = verdict_table(points, obs, 2024, "衢州市").set_index(["code", "target_year"]).loc[("per_mu_value_added", 2025)]
    assert v["verdict"] == "at_risk" and v["path_progress"] == pytest.approx(21 / (r["plan_path_value"] - 119))


def test_only_a_baseline_reports_required_pace_and_no_trend(points):
    t = P.progress_table(points, _obs("rd_intensity", {2022: 2.7}), 2025, "衢州市").set_index(["code", "target_year"])
    r = t.loc[("rd_intensity", 2025)]
    assert "只有起点值" in r["l1_label"] and np.isnan(r["prob"]) and r["l4_colour"] == "grey"
    assert r["required_pts_per_year"] == pytest.approx(0.10)
    assert r["segment_pts_per_year"] == pytest.approx(0.10)
    assert t.loc[("rd_intensity", 2027), "segment_pts_per_year"] == pytest.approx(0.20)


def test_qualitative_and_missing_targets_are_not_assessed(points):
    t = P.progress_table(points, pd.DataFrame(columns=["region", "indicator", "year", "value", "selected"]), 2025,
                         "衢州市")
    t = t.set_index(["code", "target_year"])
    e = t.loc[("energy_intensity_decline", 2025)]
    assert "定性目标" in e["l1_label"] and e["l1_colour"] == "grey"
    # high-tech share has no 2022 baseline ('/') and no figure yet: nothing to start from
    h = t.loc[("high_tech_mfg_share", 2025)]
    assert "未给基期值" in h["l1_label"] and h["l1_colour"] == "grey"


def test_a_qualitative_target_still_shows_its_latest_figure(points):
    t = P.progress_table(points, _obs("energy_intensity_decline", {2023: 3.4, 2024: 4.1}), 2024, "衢州市")
    e = t.set_index(["code", "target_year"]).loc[("energy_intensity_decline", 2025)]
    assert (e["latest_year"], e["latest_value"]) == (2024, 4.1) and e["l1_colour"] == "grey"


def test_without_a_baseline_the_first_own_figure_starts_the_lenses(points):
    t = P.progress_table(points, _obs("high_tech_mfg_share", {2023: 15.2, 2024: 16.0}), 2024, "衢州市")
    h = t.set_index(["code", "target_year"]).loc[("high_tech_mfg_share", 2025)]
    # from 15.2 (2023) to 19 (2025): 0.8 of 3.8 points done at half the time → behind
    assert (h["base_year"], h["base_value"]) == (2023, 15.2) and h["completion"] == pytest.approx(0.8 / 3.8)
    assert h["l1_label"] == "滞后" and h["r_growth"] == pytest.approx(0.8 / 1.9)     # points a year, its shape


def test_approx_target_counts_within_tolerance(points):
    # mfg share 2027 target is "1/3左右": within 2 % of 33.33 (≥ 32.67) counts as met
    t = P.progress_table(points, _obs("mfg_va_share_gdp", {2024: 32.8}), 2024, "衢州市").set_index(["code", "target_year"])
    r = t.loc[("mfg_va_share_gdp", 2027)]
    assert r["comparator"] == "≈" and r["l1_label"] == "已完成" and r["l2_label"] == "已达成"
    assert rules.threshold(100 / 3, "≈") == pytest.approx(100 / 3 * (1 - rules.APPROX_TOLERANCE))
    assert not rules.is_met(32.5, 100 / 3, "≈") and rules.is_met(32.5, 32.0, ">") and not rules.is_met(32.0, 32.0, ">")


def test_target_already_met_is_achieved_in_every_lens():
    r = P.assess(2022, 119.0, 2025, 160.0, pd.Series({2023: 150.0, 2024: 165.0}), 2024)
    assert (r["l1_label"], r["l2_label"], r["l3_label"]) == ("已完成", "已达成", "已达成")
    assert "已达到目标" in r["note"]


def test_share_at_its_natural_limit():
    r = P.assess(2022, 96.0, 2027, 100.0, pd.Series({2023: 98.0, 2024: 100.0}), 2024, kind="share")
    assert r["l2_label"] == "已达成"
    # projection never passes 100 %
    r2 = P.assess(2022, 90.0, 2027, 100.0, pd.Series({2024: 99.0}), 2024, kind="share")
    assert r2["projected"] <= 100.0
    bad = P.assess(2022, 90.0, 2027, 120.0, pd.Series({2024: 99.0}), 2024, kind="share")
    assert "自然上限" in bad["note"]


def test_zero_base_and_sign_changes_are_not_forced_into_a_growth_rate():
    z = P.assess(2022, 0.0, 2025, 5.0, pd.Series({2023: 1.0, 2024: 2.0}), 2024, kind="level")
    assert z["l2_colour"] == "grey" and math.isnan(z["r_growth"]) and z["l3_colour"] == "grey"
    assert z["completion"] == pytest.approx(0.4) and z["l1_label"] == "滞后"   # lens 1 still works
    # a count adds: from zero, 1 a year against 5/3 needed is a ratio, R = 0.6
    c = P.assess(2022, 0.0, 2025, 5.0, pd.Series({2023: 1.0, 2024: 2.0}), 2024, kind="count")
    assert c["r_growth"] == pytest.approx(0.6) and c["l2_label"] == "需加快" and c["projected"] == pytest.approx(3.0)
    neg = P.assess(2022, -2.0, 2025, 3.0, pd.Series({2023: -1.0, 2024: 1.0}), 2024)
    assert neg["l2_colour"] == "grey" and "符号" in neg["l2_label"]
    assert neg["completion"] == pytest.approx(3 / 5)


def test_moving_away_and_gaps_in_years():
    r = P.assess(2022, 119.0, 2025, 160.0, pd.Series({2024: 110.0}), 2025)    # 2023 missing
    assert r["latest_year"] == 2024 and r["l1_label"] == "倒退" and r["l2_label"] == "背离目标"
    assert r["l3_label"] == "停滞或倒退" and r["l1_colour"] == r["l2_colour"] == "red"
    later = P.assess(2022, 119.0, 2025, 160.0, pd.Series({2023: 125.0, 2026: 170.0}), 2024)
    assert later["latest_year"] == 2023                                     # nothing after `year` counts


def test_a_past_target_is_judged_on_its_own_year_not_on_later_data():
    # R&D intensity (附件1): 2.7 in 2022 -> 3.0 by 2025; the 2026 brief must not grade the
    # 2025 target on the 2026 value, nor forecast "backwards" to 2025
    obs = pd.Series({2023: 2.8, 2024: 2.9, 2025: 3.05, 2026: 2.95})
    met = P.assess(2022, 2.7, 2025, 3.0, obs, 2026)
    assert met["latest_year"] == 2025 and met["latest_value"] == 3.05
    assert {met[f"l{i}_label"] for i in range(1, 5)} == {"目标年实际值已达到目标"}
    assert {met[f"l{i}_colour"] for i in range(1, 5)} == {"green"}
    missed = P.assess(2022, 2.7, 2025, 3.0, pd.Series({2023: 2.8, 2025: 2.95, 2026: 3.2}), 2026)
    assert missed["l1_label"] == "目标年实际值未达到目标" and missed["l4_colour"] == "red"
    assert "2025 年实际值 2.95" in missed["note"]
    # the target year itself not yet published: judged on the path up to it, and said so
    lag = P.assess(2022, 2.7, 2025, 3.0, pd.Series({2023: 2.8, 2024: 2.9, 2026: 3.2}), 2026)
    assert lag["latest_year"] == 2024 and lag["l2_label"] in ("进度正常", "需加快")
    assert "目标年 2025 无观测值" in lag["note"] and "2026 年起的数据不用于此目标" in lag["note"]
    # the 2027 target of the same series still sees everything up to the report year
    later = P.assess(2022, 2.7, 2027, 3.4, obs, 2026)
    assert later["latest_year"] == 2026 and later["l4_label"] not in ("", None)


def test_a_floor_below_the_baseline_that_is_missed_is_not_graded_green():
    # "不低于 8" with a baseline of 10: falling to 7 misses the floor, although
    # (7 - 10) / (8 - 10) = 1.5 would read as "ahead" on the completion ratio
    r = P.assess(2022, 10.0, 2027, 8.0, pd.Series({2023: 7.0}), 2023)
    assert (r["l1_label"], r["l1_colour"]) == (P.FLOOR_MISSED, "red")
    assert r["l3_colour"] == "red" and r["l2_colour"] == "red"
    kept = P.assess(2022, 10.0, 2027, 8.0, pd.Series({2023: 9.0}), 2023)
    assert kept["l1_label"] == "已完成" and kept["l3_label"] == "已达成"


def test_approx_tolerance_falls_on_the_short_side_for_lower_is_better():
    assert rules.threshold(100.0, "≈", d=-1) == pytest.approx(102.0)
    assert rules.is_met(101.5, 100.0, "≈", d=-1) and not rules.is_met(102.5, 100.0, "≈", d=-1)
    # lens 4 asks for P(X <= 102), the same edge is_met uses
    hist = pd.Series({2020: 110.0, 2021: 108.0, 2022: 106.5, 2023: 104.0})
    r = P.lens_probability(hist, 2025, 100.0, "≈", d=-1)
    from qzlib.forecast.trend import fit
    assert r["prob"] == pytest.approx(fit(hist, horizon_to=2025).cdf(2025, 102.0))


def test_the_brief_shows_a_verdict_without_a_number_it_does_not_have():
    from qzlib.report.sections.progress import numbers, short_label

    verdict = P.assess(2022, 2.7, 2025, 3.0, pd.Series({2023: 2.8, 2025: 2.95}), 2026)
    assert short_label(verdict, "l2") == "未达到" and numbers(verdict, "l2") == ""     # no "R=nan"
    assert short_label(verdict, "l1") == "未达到" and numbers(verdict, "l1") == "完成83%·时间100%"
    running = P.assess(2022, 119.0, 2025, 160.0, pd.Series({2024: 110.0}), 2025)
    assert short_label(running, "l3") == "停滞或倒退" and numbers(running, "l3").startswith("比值-")


def test_observations_after_the_target_year_are_said_to_be_set_aside_without_a_baseline_too():
    r = P.assess(None, None, 2025, 3.0, pd.Series({2023: 2.8, 2024: 2.9, 2026: 3.2}), 2026)
    assert r["latest_year"] == 2024 and "2026 年起的数据不用于此目标" in r["note"]


def test_a_history_flat_over_the_scale_window_gets_no_probability():
    # moved early on, then flat for the last SCALE_WINDOW values: the interval would have no width
    w = P.calibration.SCALE_WINDOW
    h = pd.Series([3.0, 3.5, 4.0] + [5.0] * w, index=range(2025 - w - 2, 2026))
    r = P.lens_probability(h, 2027, 5.05)
    assert r["l4_colour"] == "grey" and "没有变化" in r["l4_label"]
    h.iloc[-2] = 5.1                                             # one change inside the window: judged
    assert P.lens_probability(h, 2027, 5.05)["l4_colour"] != "grey"


def test_a_flat_history_gets_no_probability():
    r = P.assess(2022, 5.0, 2027, 8.0, pd.Series({2023: 5.0, 2024: 5.0, 2025: 5.0}), 2025, kind="count")
    assert r["l4_colour"] == "grey" and "没有变化" in r["l4_label"] and math.isnan(r["prob"])
    assert r["l1_label"] == "滞后"                                            # the other lenses still judge


def test_a_decline_indicator_may_forecast_below_zero():
    assert natural_bounds("decline") == (None, 100.0) and natural_bounds("share") == (0.0, 100.0)
    assert natural_bounds("count") == (0.0, None)
    # a fall that turns into a rise: the forecast path is not held at zero
    r = P.assess(2022, 3.0, 2027, 4.0, pd.Series({2023: 1.0, 2024: -0.5, 2025: -1.5}), 2025, kind="decline")
    assert r["forecast_mean"] < 0


def test_decline_indicator_larger_number_is_the_achievement():
    r = P.assess(2022, 3.2, 2025, 4.0, pd.Series({2024: 4.1}), 2024, kind="decline")
    assert r["l1_label"] == "已完成"


def test_method_notes_are_read_from_the_thresholds_that_decide(monkeypatch):
    from qzlib.forecast import verdicts

    notes = verdicts.method_notes()
    for v in ("95%", "60%", "0.95", "0.6", "0.1", "2/3", "时间过半", "欧盟统计局", "联合国统计司", "+0.10 个百分点", "±2%",
              "累计数量每年等量增加", "占比类每年等量变动百分点"):
        assert v in notes, v
    # the appendix states the thresholds the rule uses, not a copy of them
    monkeypatch.setattr(rules, "PATH_ON_TRACK", 0.9)
    monkeypatch.setattr(P, "R_ACCELERATE", 0.55)
    changed = verdicts.method_notes()
    assert "进度 ≥ 90%" in changed and "0.55 ≤ R" in changed and "进度 ≥ 95%" not in changed


def test_fan_charts_only_where_a_trend_exists(points):
    obs = _obs("rd_intensity", {2019: 2.2, 2020: 2.35, 2021: 2.5, 2023: 2.8, 2024: 2.95})
    figs = P.fan_charts(points, obs, "衢州市", codes=["rd_intensity", "per_mu_value_added"])
    assert list(figs) == ["rd_intensity"]
