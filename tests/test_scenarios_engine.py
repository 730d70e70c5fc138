"""Scenario arithmetic, checked by hand on the plan's own numbers (附件1)."""
from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from qzlib.errors import InputError
from qzlib.scenarios import compare, parse, run
from qzlib.scenarios import Engine, Prepared
from test_scenarios_fixtures import plan_points

HEAD = "name: t\ndescription: 测试\nauthor: tests\nbase_year: 2022\n"


@pytest.fixture(scope="module")
def points():
    return plan_points()


@pytest.fixture(scope="module")
def obs():
    from qzlib.stats.build import collect

    return collect(None)[0]  # the shipped statistics, read by the statistics layer


def scen(body: str):
    return parse(HEAD + body, "t.yml")


def test_value_added_plus_10_percent_with_flat_land_for_three_years(points):
    r = run(scen("assumptions: {}\ncomponents:\n  value_added: {growth: 0.10, rationale: r}\n"
                 "  land: {growth: 0.0, rationale: r}\n"), points)
    v = r.paths.loc["per_mu_value_added", 2025]
    assert v == pytest.approx(119 * 1.1 ** 3)  # 158.389
    assert round(v, 1) == 158.4
    a = r.attainment.set_index(["code", "target_year"]).loc[("per_mu_value_added", 2025)]
    assert a.status == "missed" and not a.met
    assert a.gap_abs == pytest.approx(158.389 - 160)
    assert a.gap_pct == pytest.approx((158.389 - 160) / 160 * 100)  # −1.0 %
    assert a.first_year_reached == 2026  # 119·1.1⁴ = 174.2 ≥ 160
    # value_added is shared: productivity moves too (employment undeclared: held at base)
    assert r.paths.loc["mfg_labour_productivity", 2025] == pytest.approx(32.17 * 1.1 ** 3)
    # tax undeclared and land flat: tax per mu stays at its baseline
    assert r.paths.loc["per_mu_tax", 2027] == pytest.approx(17.6)


def test_five_percent_smaller_land_base_lifts_every_per_mu_indicator(points):
    comps = ("  value_added: {growth: 0.07, rationale: r}\n  tax: {growth: 0.05, rationale: r}\n")
    flat = run(scen("assumptions: {}\ncomponents:\n" + comps + "  land: {growth: 0.0, rationale: r}\n"), points)
    small = run(scen("assumptions: {}\ncomponents:\n" + comps +
                     "  land: {index: {2023: 0.95}, after: hold, rationale: r}\n"), points)
    for code in ["per_mu_value_added", "per_mu_tax"]:
        ratio = small.paths.loc[code, 2023:2030] / flat.paths.loc[code, 2023:2030]
        assert np.allclose(ratio, 1 / 0.95), code
    # a ratio without land does not move
    assert np.allclose(small.paths.loc["mfg_labour_productivity"], flat.paths.loc["mfg_labour_productivity"])


def test_plan_path_follows_each_indicators_declared_shape(points):
    r = run(scen("assumptions:\n  per_mu_value_added: {follow: plan, source: s}\n"
                 "  rd_intensity: {follow: plan, source: s}\n"), points)
    p = r.paths.loc["per_mu_value_added"]
    assert p[2022] == 119 and p[2025] == pytest.approx(160) and p[2027] == pytest.approx(195)
    assert p[2023] == pytest.approx(119 * (160 / 119) ** (1 / 3))
    assert p[2026] == pytest.approx(math.sqrt(160 * 195))
    assert np.isnan(p[2028])  # the plan says nothing after 2027
    # 2.7 → 3.0 → 3.4: a share moves by points, back-loaded (+0.10 then +0.20 points a year)
    rd = r.paths.loc["rd_intensity"]
    assert rd[2024] == pytest.approx(2.9) and rd[2026] == pytest.approx(3.2)
    assert set(r.attainment.query("code in ['per_mu_value_added', 'rd_intensity']").status) == {"met"}
    assert np.allclose(r.plan_paths.loc["per_mu_value_added", 2022:2027], p.loc[2022:2027])


def test_plan_pace_scales_the_yearly_pace(points):
    r = run(scen("assumptions:\n  per_mu_value_added: {follow: plan, pace: 0.5, rationale: r}\n"), points)
    assert r.paths.loc["per_mu_value_added", 2025] == pytest.approx(119 * (160 / 119) ** 0.5)


def test_growth_on_rd_intensity_three_and_five_years(points):
    r = run(scen("assumptions:\n  rd_intensity: {growth: 0.04, rationale: r}\n"), points)
    a = r.attainment.set_index(["code", "target_year"])
    assert a.loc[("rd_intensity", 2025), "value"] == pytest.approx(2.7 * 1.04 ** 3)  # 3.037
    assert a.loc[("rd_intensity", 2025), "status"] == "met"
    assert a.loc[("rd_intensity", 2027), "value"] == pytest.approx(2.7 * 1.04 ** 5)  # 3.285
    assert a.loc[("rd_intensity", 2027), "status"] == "missed"
    assert a.loc[("rd_intensity", 2027), "first_year_reached"] == 2028  # 2.7·1.04⁶ = 3.416


def test_points_per_year_and_the_100_percent_ceiling(points):
    r = run(scen("assumptions:\n  high_new_tech_share: {points_per_year: 2.5, rationale: r}\n"
                 "  mfg_va_share_gdp: {points_per_year: 20, rationale: r}\n"), points)
    assert r.paths.loc["high_new_tech_share", 2025] == pytest.approx(56.16 + 7.5)
    assert r.paths.loc["mfg_va_share_gdp", 2030] == 100.0


def test_levels_interpolate_and_after_rules(points):
    base = "assumptions:\n  digital_core_va: {levels: {2025: 200, 2027: 400}, rationale: r%s}\n"
    stop = run(scen(base % ""), points).paths.loc["digital_core_va"]
    hold = run(scen(base % ", after: hold"), points).paths.loc["digital_core_va"]
    cont = run(scen(base % ", after: continue"), points).paths.loc["digital_core_va"]
    assert stop[2026] == pytest.approx(math.sqrt(200 * 400))
    assert stop[2023] == pytest.approx(81.6 * (200 / 81.6) ** (1 / 3))
    assert np.isnan(stop[2028]) and hold[2028] == 400
    assert cont[2028] == pytest.approx(400 * math.sqrt(2))


def test_missing_baseline_and_qualitative_targets_get_no_path_with_reason(points):
    body = "".join(f"  {c}: {{follow: plan, source: s}}\n" for c in
                   ["high_tech_mfg_share", "energy_intensity_decline", "co2_intensity_decline"])
    r = run(scen("assumptions:\n" + body), points)
    for code in ["high_tech_mfg_share", "energy_intensity_decline", "co2_intensity_decline"]:
        assert r.paths.loc[code].isna().all()
    reasons = r.attainment.set_index("code")["reason"]
    assert "“/”" in reasons["high_tech_mfg_share"].iloc[0]
    assert "完成省下达任务" in reasons["energy_intensity_decline"]
    assert set(r.attainment.query("code == 'high_tech_mfg_share'").status) == {"no_path"}
    assert r.attainment.query("code == 'per_mu_tax'").reason.str.contains("未设定").all()


def test_reference_pace_of_zhejiang_rd_intensity(points, obs):
    r = run(scen("assumptions:\n  rd_intensity: {follow: reference, reference: {indicator: rd_gdp_pct, "
                 "region: 浙江省, from: 2016, to: 2023}, source: s}\n"), points, obs)
    cagr = (3.20 / 2.43) ** (1 / 7) - 1  # reference_statistics.csv rows 浙江省 2016, 2023
    assert r.paths.loc["rd_intensity", 2025] == pytest.approx(2.7 * (1 + cagr) ** 3)
    table = r.assumptions_table()
    assert table.columns.tolist() == ["对象", "类别", "假设", "来源或理由"]
    assert "年均增长 4.01%" in table[table["对象"].str.startswith("规上制造业企业研发费用")]["假设"].item()


def test_reference_points_and_published_rate(points, obs):
    r = run(scen("assumptions:\n"
                 "  high_new_tech_share: {follow: reference, reference: {indicator: hightech_industry_va_share_pct,"
                 " region: 浙江省, from: 2020, to: 2023, measure: points}, source: s}\n"
                 "  per_mu_tax: {follow: reference, reference: {indicator: mu_tax_growth_pct, region: 浙江省,"
                 " from: 2023, to: 2023, measure: rate}, source: s}\n"), points, obs)
    assert r.paths.loc["high_new_tech_share", 2025] == pytest.approx(56.16 + 3 * (67.1 - 59.6) / 3)
    assert r.paths.loc["per_mu_tax", 2025] == pytest.approx(17.6 * 1.094 ** 3)


def test_reference_with_a_missing_year_names_the_series(points, obs):
    s = scen("assumptions:\n  rd_intensity: {follow: reference, reference: {indicator: rd_gdp_pct, "
             "region: 浙江省, from: 2001, to: 2023}, source: s}\n")
    with pytest.raises(InputError, match="rd_gdp_pct 浙江省.*2001"):
        run(s, points, obs)


def test_base_year_other_than_the_plan_baseline_is_refused(points):
    s = parse(HEAD.replace("2022", "2023") + "assumptions:\n  rd_intensity: {growth: 0.04, rationale: r}\n", "t.yml")
    with pytest.raises(InputError, match="baseline year 2022"):
        run(s, points)


def test_shipped_scenarios_run_and_compare(points, obs):
    e = Engine(points, obs, region="衢州市")
    results = [e.run(n) for n in ["plan_path", "recent_pace", "stress"]]
    table = compare(results)
    assert {"plan_path", "recent_pace", "stress", "stress_value", "stress_gap_pct"} <= set(table.columns)
    assert len(table) == 28  # 14 indicators with numeric targets (not the two declines) × 2 years
    plan = table.set_index(["code", "target_year"])["plan_path"]
    assert set(plan.drop(index="high_tech_mfg_share", level=0)) == {"met"}
    assert set(plan.loc["high_tech_mfg_share"]) == {"no_path"}
    # recent pace: R&D intensity at Zhejiang's 4.0 %/year meets 3.0 in 2025 but not 3.4 in 2027
    rp = table.set_index(["code", "target_year"])["recent_pace"]
    assert rp[("rd_intensity", 2025)] == "met" and rp[("rd_intensity", 2027)] == "missed"
    # stress: land +1 %/yr and value added +5 %/yr → 119·(1.05/1.01)³
    st = results[2].paths.loc["per_mu_value_added", 2025]
    assert st == pytest.approx(119 * (1.05 / 1.01) ** 3)
    for r in results:
        assert len(r.assumptions_table()) >= 16
        assert r.long().shape[0] == 16 * 9


def test_result_write_is_complete(points, tmp_path):
    r = run("plan_path", points)
    files = r.write(tmp_path / "out")
    assert sorted(p.name for p in files) == ["assumptions.csv", "attainment.csv", "paths.csv", "scenario.yml"]
    back = pd.read_csv(tmp_path / "out" / "paths.csv")
    assert back.query("code == 'per_mu_value_added' and year == 2027").value.item() == pytest.approx(195)


def test_prepared_refuses_a_frame_without_the_needed_columns():
    with pytest.raises(InputError, match="qualifier"):
        Prepared(pd.DataFrame({"code": [], "year": [], "role": [], "value": []}))


def test_trend_on_another_regions_series_borrows_its_pace_not_its_level(points, monkeypatch):
    """The engine reads Forecast.status, .history and .path (mean, lo80, hi80, lo95, hi95 by year);
    浙江's R&D/GDP forecast moves 衢州's R&D intensity by its change since the local anchor (the
    2022 baseline here), never by writing 浙江's level (3.x %) into 衢州's path."""
    import qzlib.forecast as forecast

    years = list(range(2024, 2031))
    path = pd.DataFrame({"mean": [3.3 + 0.1 * i for i in range(7)]}, index=years)
    for k, d in [("lo80", -0.1), ("hi80", 0.1), ("lo95", -0.2), ("hi95", 0.2)]:
        path[k] = path["mean"] + d
    calls = []

    def fake_fit(series, horizon_to, method, **bounds):
        calls.append((list(series.index), horizon_to, method, bounds))
        return SimpleNamespace(status="ok", path=path, history=series)

    monkeypatch.setattr(forecast, "fit", fake_fit, raising=False)
    obs = pd.DataFrame({"indicator": ["rd_gdp_pct"] * 3, "region": ["浙江省"] * 3,
                        "year": [2021, 2022, 2023], "value": [2.94, 3.11, 3.20], "selected": True})
    r = run(scen("assumptions:\n  rd_intensity: {follow: trend, series: {indicator: rd_gdp_pct, region: 浙江省},"
                 " method: drift, rationale: r}\n"), points, obs, region="衢州市")
    assert calls == [([2021, 2022, 2023], 2030, "drift", {"lower": 0.0, "upper": 100.0})]
    row = r.paths.loc["rd_intensity"]
    assert row[2022] == 2.7                                   # the plan baseline anchors the path
    assert row[2023] == pytest.approx(2.7 + (3.20 - 3.11))    # 浙江's change in points since 2022
    assert row[2025] == pytest.approx(2.7 + (3.4 - 3.11))     # not 浙江's level 3.4
    assert r.band("lo95").loc["rd_intensity", 2025] == pytest.approx(2.7 + (3.2 - 3.11))
    assert r.attainment.set_index(["code", "target_year"]).loc[("rd_intensity", 2025), "lo80"] == \
        pytest.approx(2.7 + (3.3 - 3.11))

    monkeypatch.setattr(forecast, "fit", lambda *a, **k: SimpleNamespace(status="insufficient", path=None,
                                                                         reason="数据不足：仅有 1 个"),
                        raising=False)
    r2 = run(scen("assumptions:\n  rd_intensity: {follow: trend, rationale: r}\n"), points, obs, region="衢州市")
    assert r2.paths.loc["rd_intensity"].isna().all()
    assert "insufficient" in r2.reasons["rd_intensity"] and "仅有 1 个" in r2.reasons["rd_intensity"]


def test_trend_with_the_real_model_on_a_synthetic_quzhou_series(points):
    # synthetic 衢州 history ending at the plan's 2022 baseline (tests only)
    obs = pd.DataFrame({"indicator": ["rd_intensity"] * 6, "region": ["衢州市"] * 6,
                        "year": list(range(2019, 2025)), "value": [2.2, 2.35, 2.5, 2.7, 2.8, 2.95],
                        "selected": True})
    r = run(scen("assumptions:\n  rd_intensity: {follow: trend, method: linear, rationale: r}\n"), points, obs, region="衢州市")
    row = r.paths.loc["rd_intensity"]
    assert row[2022] == 2.7 and row[2023] == 2.8 and row[2024] == 2.95  # observed years kept as observed
    assert row.loc[2025:2030].notna().all() and row[2030] > row[2025] > 2.95
    lo95, lo80, hi80, hi95 = (r.band(b).loc["rd_intensity", 2027] for b in ("lo95", "lo80", "hi80", "hi95"))
    assert lo95 <= lo80 <= row[2027] <= hi80 <= hi95 and hi95 > lo95
    assert np.isnan(r.band("lo80").loc["rd_intensity", 2023])  # no fan over observed years
    assert "趋势模型外推" in r.assumptions_table()["假设"].str.cat()


def test_trend_on_the_shipped_statistics_says_why_there_is_no_path(points, obs):
    r = run(scen("assumptions:\n  per_mu_value_added: {follow: trend, rationale: r}\n"), points, obs, region="衢州市")
    assert r.paths.loc["per_mu_value_added"].isna().all()
    assert "数据不足" in r.reasons["per_mu_value_added"]
