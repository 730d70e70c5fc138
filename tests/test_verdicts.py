"""The verdict table (verdicts.csv) on the synthetic bureau file: one verdict per indicator and
milestone, by the plan's own path, the cases listed in tests/fixtures/bureau/README.md.

Plan values come from the ingested 附件1; the figures after 2022 are SYNTHETIC (tests only).
Every expected number below was worked out by hand from those values.
"""
from __future__ import annotations

import pandas as pd
import pytest

from qzlib import i18n
from qzlib.forecast.verdicts import verdict_table
from qzlib.plan.tables import indicator_points, load_indicators
from qzlib.report.sections import progress


@pytest.fixture(scope="module")
def tables(bureau_processed):
    from qzlib.stats import load_observations

    pts = indicator_points(load_indicators(bureau_processed))
    obs = load_observations(bureau_processed)
    return {y: verdict_table(pts, obs, y, "衢州市").set_index(["code", "target_year"]) for y in (2023, 2024, 2025)}


def test_the_columns_every_reader_relies_on(tables):
    t = tables[2024]
    for c in ("name_zh", "verdict", "verdict_zh", "latest_year", "latest_value", "target_value", "plan_path_value",
              "required_pace", "observed_pace", "reason"):
        assert c in t.columns, c
    assert len(t) == 32 and set(t["verdict"]) <= {"met", "on_track", "at_risk", "off_track", "not_assessed"}
    assert t["reason"].str.len().gt(0).all()        # always with its reason
    assert dict(zip(t["verdict"], t["verdict_zh"])) == {"met": "已达成", "on_track": "进度正常", "at_risk": "有风险",
                                                        "off_track": "偏离", "not_assessed": "无法评估"}


def test_on_the_plan_path_is_on_track_for_both_milestones(tables):
    rd = tables[2024].loc["rd_intensity"]
    # 2.7 → 2.9 in 2024; the plan's path (points) is 2.7 + 0.1 × 2 = 2.9: progress 100 %
    assert rd.loc[2025, "verdict"] == "on_track" and rd.loc[2025, "plan_path_value"] == pytest.approx(2.9)
    assert rd.loc[2025, "path_progress"] == pytest.approx(1.0)
    # the 2027 milestone is judged on the same path, which back-loads: +0.20 a year after 2025
    assert rd.loc[2027, "verdict"] == "on_track" and rd.loc[2027, "plan_pace"] == pytest.approx(0.2)
    assert rd.loc[2025, "headline"] and not rd.loc[2027, "headline"]
    assert "提速至每年变动 +0.20个百分点" in rd.loc[2025, "later"]
    assert rd.loc[2027, "required_pace"] == pytest.approx((3.4 - 2.9) / 3)     # still needed from 2024


def test_a_met_target_is_met_with_no_pace_still_needed(tables):
    firms = tables[2024].loc["pinzibiao_brand_firms"]
    m = firms.loc[2025]
    assert (m["verdict"], m["met_year"], m["latest_value"]) == ("met", 2024, 70)
    assert pd.isna(m["required_pace"]) and pd.isna(m["prob"])          # no pace, no probability
    assert m["l4_label"] == "已达成"
    # the 2027 milestone (86) is not met yet: the additions path (36 + 10 a year) was at 56 in 2024
    assert firms.loc[2027, "verdict"] == "on_track" and firms.loc[2027, "plan_path_value"] == pytest.approx(56)
    assert firms.loc[2027, "required_pace"] == pytest.approx((86 - 70) / 3)
    # a count of 2 platforms against the 2025 target of 2, from 2023 on
    assert tables[2024].loc[("innovation_platforms", 2025), "met_year"] == 2023


def test_a_target_met_and_lost_again_says_so(tables):
    lab = tables[2024].loc[("mfg_labour_productivity", 2025)]
    assert lab["verdict"] == "on_track" and lab["reason"].startswith("曾于2023年达到目标，2024年回落至 34.6")
    assert tables[2023].loc[("mfg_labour_productivity", 2025), "verdict"] == "met"
    # the summary's sentence for it says the fall too, in either language
    row = tables[2024].reset_index().set_index("code", drop=False).loc["mfg_labour_productivity"]
    head = row[row["target_year"] == 2025].iloc[0]
    assert progress.evidence(head) == ("规上制造业全员劳动生产率（34.6，2024年；曾达到目标，其后回落；"
                                       "规划路径值 34.03，2025年目标 ≥35）")
    with i18n.using("en"):
        assert progress.evidence(head) == ("Labour productivity of above-scale manufacturing (34.6 in 2024; met the "
                                           "target before, then fell back; plan path 34.03, 2025 target ≥35)")
    on_path = tables[2024].reset_index().set_index("code", drop=False).loc["rd_intensity"].iloc[0]
    assert "回落" not in progress.evidence(on_path)


def test_the_charts_path_is_the_one_the_verdicts_were_judged_on(tables, bureau_processed):
    from qzlib.forecast.verdicts import judged_path
    from qzlib.plan.path import plan_path

    t = tables[2024].reset_index()
    pts = indicator_points(load_indicators(bureau_processed))
    with_base = set(pts[(pts["role"] == "baseline") & pts["value"].notna()]["code"])
    for code in with_base:          # the plan's own path wherever the plan gives a baseline
        pd.testing.assert_series_equal(judged_path(t, code), plan_path(pts, code), check_names=False)
    # no baseline ("/"): from the first own figure, 15.2 (2023), by points to 19 (2025) and 20.5 (2027)
    h = judged_path(t, "high_tech_mfg_share")
    assert list(h.index) == [2023, 2024, 2025, 2026, 2027]
    assert list(plan_path(pts, "high_tech_mfg_share").index) == [2025, 2026, 2027]   # the plan's text alone
    assert h[2024] == pytest.approx(17.1) == t.set_index(["code", "target_year"]).loc[("high_tech_mfg_share", 2025),
                                                                                       "plan_path_value"]
    assert h[2026] == pytest.approx(19.75)


def test_a_met_target_without_a_baseline_shows_the_path_it_beat(bureau_processed):
    # 15.2 (2023) then 19.5 (2024): the 2025 target of 19 is met in 2024; the path from the first
    # figure was at 17.1 that year, in the met row as in section 二 (SYNTHETIC figures)
    obs = pd.DataFrame({"region": "衢州市", "indicator": "high_tech_mfg_share", "year": [2023, 2024],
                        "value": [15.2, 19.5], "selected": True})
    t = verdict_table(indicator_points(load_indicators(bureau_processed)), obs, 2024, "衢州市")
    row = t.set_index(["code", "target_year"]).loc[("high_tech_mfg_share", 2025)]
    assert row["verdict"] == "met" and row["plan_path_value"] == pytest.approx(17.1)


def test_a_qualitative_target_shows_its_latest_figure(tables):
    e = tables[2024].loc[("energy_intensity_decline", 2025)]
    assert e["verdict"] == "not_assessed" and (e["latest_year"], e["latest_value"]) == (2024, 3.6)
    assert "完成省下达任务" in e["reason"] and "最新值 3.6" in e["reason"]


def test_without_a_baseline_the_first_own_figure_starts_the_path(tables):
    h = tables[2024].loc[("high_tech_mfg_share", 2025)]
    # 15.2 (2023) → 19 (2025) by points: 17.1 in 2024; 16.0 is 0.8 of the 1.9 expected (42 %)
    assert (h["start_year"], h["start_value"]) == (2023, 15.2) and h["plan_path_value"] == pytest.approx(17.1)
    assert h["verdict"] == "off_track" and h["path_progress"] == pytest.approx(0.8 / 1.9)
    one = tables[2023].loc[("high_tech_mfg_share", 2025)]
    assert one["verdict"] == "not_assessed" and "仅有2023年一个数值" in one["reason"]


def test_a_single_own_figure_is_judged_on_the_path(tables):
    tax = tables[2024].loc[("per_mu_tax", 2025)]
    path = 17.6 * (28 / 17.6) ** (1 / 3)                       # steady growth to 28 by 2025
    assert tax["latest_year"] == 2023 and tax["plan_path_value"] == pytest.approx(path)
    assert tax["verdict"] == "at_risk" and tax["path_progress"] == pytest.approx(2.0 / (path - 17.6))
    assert tax["observed_pace"] == pytest.approx(19.6 / 17.6 - 1)


def test_a_brief_knows_nothing_after_its_year(tables):
    share24 = tables[2024].loc[("mfg_va_share_gdp", 2025)]
    assert share24["latest_year"] == 2024 and share24["verdict"] == "at_risk"     # 2025's 30.2 unseen
    share25 = tables[2025].loc[("mfg_va_share_gdp", 2025)]
    assert share25["verdict"] == "met" and share25["latest_value"] == 30.2
    firms23 = tables[2023].loc[("pinzibiao_brand_firms", 2025)]
    assert firms23["verdict"] == "on_track" and firms23["latest_value"] == 50 and firms23["plan_path_value"] == 46
    assert (tables[2023]["latest_year"].dropna() <= 2023).all()


def test_a_passed_milestone_is_judged_by_its_own_year():
    from qzlib import rules

    rd = dict(milestone=(2025, 3.0), start=(2022, 2.7), milestones=[(2025, 3.0), (2027, 3.4)], shape="points")
    assert rules.judge([(2024, 2.9), (2025, 2.95), (2026, 3.2)], year=2026, **rd).code == "off_track"
    missed = rules.judge([(2024, 2.9), (2025, 2.95)], year=2026, **rd)
    assert missed.reason == "目标年2025年实际值 2.95，未达到目标 3"
    assert rules.judge([(2024, 3.0)], year=2026, **rd).code == "met"           # reached before its year
    pending = rules.judge([(2024, 2.9)], year=2026, **rd)
    assert pending.code == "not_assessed" and "尚未取得" in pending.reason
    # a cumulative count stays met even if a later figure dips (a data problem, not a lost target)
    firms = dict(milestone=(2025, 66.0), start=(2022, 36.0), shape="additions", cumulative=True, kind="count")
    assert rules.judge([(2023, 70), (2024, 68)], year=2024, **firms).code == "met"


def test_headline_is_the_next_milestone_not_yet_passed(tables):
    heads = {y: t[t["headline"].astype(bool)].reset_index() for y, t in tables.items()}
    assert set(heads[2024]["target_year"]) == {2025} and len(heads[2024]) == 16
    # in 2025 the 2025 milestone is still this year's; in 2026 the 2027 one leads
    assert set(heads[2025]["target_year"]) == {2025}


def test_qz_trend_progress_prints_the_same_verdicts(bureau_processed, tables, tmp_path, capsys):
    from qzlib.cli import main

    out = tmp_path / "v.csv"
    main(["trend", "progress", "--year", "2024", "--processed-dir", str(bureau_processed), "--out", str(out)])
    printed = capsys.readouterr().out
    line = next(x for x in printed.splitlines() if x.strip().startswith("pinzibiao_brand_firms") and " 2025 " in x)
    assert " met " in line and line.rstrip().endswith("*")
    written = pd.read_csv(out).set_index(["code", "target_year"])
    assert (written["verdict"] == tables[2024]["verdict"]).all()
