"""The explorer's callback logic, exercised without a browser."""
from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest

from qzlib.errors import InputError
from qzlib.paths import SCENARIOS
from qzlib.scenarios import load, run
from qzlib.scenarios.explorer import Explorer, ExplorerUI
from test_scenarios_fixtures import plan_points


@pytest.fixture()
def folder(tmp_path):
    for p in SCENARIOS.glob("*.yml"):
        shutil.copy(p, tmp_path / p.name)
    return tmp_path


@pytest.fixture()
def x(folder):
    from qzlib.stats.build import collect

    obs = collect(None)[0]
    return Explorer(plan_points(), obs, scenarios_dir=folder, region="衢州市")


def _status(x, code, year):
    return next(r for r in x.records() if r["code"] == code and r["target_year"] == year)


def test_starts_on_the_plan_path_with_every_target_met(x):
    assert x.base.name == "plan_path"
    assert {r["status"] for r in x.records() if r["target_year"] and r["code"] != "high_tech_mfg_share"} == {"met"}
    # the slider starts at the plan's implied pace: 119 → 195 over five years
    assert x.implied_rate("per_mu_value_added") == pytest.approx((195 / 119) ** (1 / 5) - 1)
    assert x.slider_kind("rd_intensity") == "points_per_year"
    assert x.slider_kind("digital_core_va") == "growth"


def test_indicator_slider_changes_attainment(x):
    x.set_indicator("per_mu_value_added", 0.07)
    r = _status(x, "per_mu_value_added", 2027)
    assert r["status"] == "missed"
    assert r["value"] == pytest.approx(119 * 1.07 ** 5)  # 166.9
    assert r["first_year_reached"] == 2030  # 119·1.07⁷ = 191.1 < 195 ≤ 119·1.07⁸ = 204.5
    x.set_indicator("per_mu_value_added", 0.11)
    r = _status(x, "per_mu_value_added", 2027)
    assert r["status"] == "met" and r["first_year_reached"] == 2027  # 119·1.11⁵ = 200.5


def test_component_slider_moves_every_ratio_that_contains_it(x):
    x.set_component("land", -0.05 / 5)  # land shrinks 1 % a year
    # land declared: both per-mu indicators are now computed from components
    assert x.driver("per_mu_value_added") == "components" and x.driver("per_mu_tax") == "components"
    with pytest.raises(InputError, match="由分项推算"):
        x.set_indicator("per_mu_tax", 0.05)
    x.set_component("value_added", 0.07)
    pmva = x.result.values[x.prepared.index["per_mu_value_added"]]
    assert pmva[3] == pytest.approx(119 * 1.07 ** 3 / 0.99 ** 3)
    # employment was started so that productivity kept its plan path (32.17 → 35 in 2025) while value
    # added followed per-mu value added's path with land at −1 %: (160/119)·0.99³ in 2025
    prod = x.result.values[x.prepared.index["mfg_labour_productivity"]]
    assert prod[3] == pytest.approx(32.17 * 1.07 ** 3 * (35 / 32.17) / (160 / 119 * 0.99 ** 3))


def test_first_component_keeps_every_ratio_on_its_current_path_and_says_so(x):
    plan = {c: x.result.values[x.prepared.index[c]].copy()
            for c in ("per_mu_value_added", "per_mu_tax", "mfg_labour_productivity")}
    x.set_component("land", 0.01)
    for code, before in plan.items():  # 119 → 160 → 195, 17.6 → 28 → 32, 32.17 → 35 → 38: unchanged
        np.testing.assert_allclose(x.result.values[x.prepared.index[code]][:6], before[:6], rtol=1e-7)
    # value added was started on the per-mu path times land: (195/119·1.01⁵)^(1/5) − 1 a year
    assert x.component_rate("value_added") == pytest.approx((195 / 119 * 1.01 ** 5) ** (1 / 5) - 1)
    assert x.component_overrides["tax"]["index"][2025] == pytest.approx(28 / 17.6 * 1.01 ** 3, rel=1e-6)
    assert "规上工业增加值按该路径推算" in x.note and "规上工业亩均增加值保持当前路径" in x.note
    assert x.component_rate("revenue") != x.component_rate("revenue")  # not declared: NaN, not 0 %


def test_an_indicator_override_is_carried_by_the_components_not_dropped(x):
    x.set_indicator("per_mu_value_added", 0.30)
    x.set_component("land", 0.01)
    pmva = x.result.values[x.prepared.index["per_mu_value_added"]]
    assert pmva[5] == pytest.approx(119 * 1.3 ** 5) and pmva[8] == pytest.approx(119 * 1.3 ** 8)
    assert "per_mu_value_added" not in x.indicator_overrides
    assert "规上工业亩均增加值原设定（年均增长 30.00%）改由分项承接" in x.note


def test_slider_range_is_fixed_and_comes_from_the_plan(x):
    first = x.slider_spec("digital_core_va")  # plan: 81.6 → 500 in 2027, 43.7 %/年 → top 0.70
    assert first["max"] == pytest.approx(0.70) and first["min"] == -0.10
    x.set_indicator("digital_core_va", 0.70)
    assert x.slider_spec("digital_core_va")["max"] == first["max"]
    assert x.slider_spec("per_mu_value_added")["max"] == pytest.approx(0.30)


def test_switching_scenario_clears_overrides(x):
    x.set_indicator("rd_intensity", 0.05)
    x.select_scenario("stress")
    assert x.indicator_overrides == {} and x.base.name == "stress"
    assert _status(x, "per_mu_value_added", 2025)["value"] == pytest.approx(119 * (1.05 / 1.01) ** 3)
    assert x.component_rate("land") == 0.01


def test_save_as_writes_a_scenario_that_loads_back_to_the_same_result(x, folder):
    x.select_scenario("recent_pace")
    x.set_indicator("rd_intensity", 0.12)  # points per year for a share
    x.set_component("value_added", 0.07)
    x.set_component("land", 0.0)
    path = x.save_as("va7_land_flat")
    assert path == folder / "va7_land_flat.yml"
    saved = load(path)
    assert saved.components["value_added"]["growth"] == 0.07
    assert "per_mu_value_added" not in saved.assumptions  # components win, no contradiction
    again = run(saved, x.prepared, x.engine.observations, region=x.engine.region)
    np.testing.assert_array_equal(again.values, x.result.values)
    assert "va7_land_flat" in x.names
    with pytest.raises(InputError, match="exists"):
        x.save_as("va7_land_flat")
    with pytest.raises(InputError, match="小写英文字母"):
        x.save_as("Bad Name")
    with pytest.raises(InputError, match="小写英文字母"):
        x.save_as("用地不变")
    assert not (folder / "Bad Name.yml").exists()


def test_saved_component_index_runs_in_the_batch_to_the_same_paths(x, folder):
    x.set_component("land", 0.01)
    x.set_component("value_added", 0.08)
    path = x.save_as("land_up", title="用地微增")
    saved = load(path)
    assert "index" in saved.components["tax"] and saved.description.startswith("用地微增：")
    again = run(saved, x.prepared, x.engine.observations)
    np.testing.assert_allclose(again.values, x.result.values, rtol=1e-6)
    assert ("用地微增（land_up）", "land_up") in x.options()


def test_indicator_without_path_cannot_be_set(x):
    with pytest.raises(InputError, match="“/”"):
        x.set_indicator("high_tech_mfg_share", 0.5)


def test_table_html_lists_every_numeric_target(x):
    html = x.table_html()
    assert html.count("<tr>") == 1 + 28
    assert "规上工业亩均增加值" in html and "达成" in html
    assert "<td>万元/亩</td>" in html and "padding:3px 8px" in html
    x.select_scenario("stress")
    html = x.table_html()
    assert not re.search(r"\de[+-]\d", html)  # no -1.57e+03
    assert "<th>单位</th>" in html


def test_dropdown_shows_chinese_names(x):
    assert ("规划路径情景（plan_path）", "plan_path") in x.options()
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label, _ in x.options())


def test_widgets_build_and_callbacks_redraw(x):
    ui = ExplorerUI(x)
    before = ui.figure.lines["per_mu_value_added"].get_ydata().copy()
    ui.sliders["per_mu_value_added"].value = 5.0  # percent a year
    after = ui.figure.lines["per_mu_value_added"].get_ydata()
    assert after[3] == pytest.approx(119 * 1.05 ** 3) and before[3] != after[3]
    assert "未达成" in ui.table.value
    assert ui.comp_boxes["land"].value == "—" and "未设定" in ui.comp_notes["land"].value
    ui.comp_sliders["land"].value = 1.0
    assert ui.sliders["per_mu_value_added"].disabled and not ui.sliders["rd_intensity"].disabled
    assert "由分项推算" in ui.notes["per_mu_value_added"].value
    ui.scenario.value = "stress"
    assert x.base.name == "stress" and ui.comp_sliders["land"].value == pytest.approx(1.0)
    ui.pick.value = ("rd_intensity",)
    assert ui.figure.codes == ["rd_intensity"]


def test_typed_value_outside_the_range_is_refused_with_a_message(x):
    ui = ExplorerUI(x)
    ui.boxes["digital_core_va"].value = "80"  # the slider goes to 70 %/年
    assert "超出范围" in ui.status.value and "digital_core_va" not in x.indicator_overrides
    assert ui.sliders["digital_core_va"].max == pytest.approx(70)
    ui.boxes["digital_core_va"].value = "12.5"
    assert x.indicator_overrides["digital_core_va"] == {"growth": 0.125}
    assert ui.sliders["digital_core_va"].value == pytest.approx(12.5)


def test_save_keeps_the_scenario_the_sliders_and_the_message(x):
    ui = ExplorerUI(x)
    ui.scenario.value = "stress"
    ui.sliders["digital_core_va"].value = 20.0
    chart = ui.chart.value
    ui.name_box.value = "from_ui"
    ui.title_box.value = "压力加数字经济"
    ui._on_save(None)
    assert (x.scenarios_dir / "from_ui.yml").exists() and "from_ui" in [v for _, v in ui.scenario.options]
    assert ui.scenario.value == "stress" and x.base.name == "stress"
    assert x.indicator_overrides == {"digital_core_va": {"growth": 0.2}}
    assert ui.sliders["digital_core_va"].value == pytest.approx(20.0) and ui.chart.value == chart
    assert "已保存为情景“压力加数字经济”" in ui.status.value
    ui.name_box.value = "用地不变"
    ui._on_save(None)
    assert "文件名只能用小写英文字母" in ui.status.value and "用地不变" in ui.status.value


def test_export_overview_writes_comparison_and_one_set_per_scenario(x, tmp_path):
    from qzlib.scenarios.explorer import export_overview

    out = export_overview(x, ["plan_path", "stress"], tmp_path / "nb", 2025, ["per_mu_value_added"])
    names = set(out["files"])
    assert {"scenario_comparison.csv", "scenario_values_2025.csv", "scenario_stress_paths.png",
            "scenario_plan_path_assumptions.csv", "scenario_stress_attainment.csv"} <= names
    values = pd.read_csv(tmp_path / "nb" / "scenario_values_2025.csv").set_index("code")
    assert values.loc["per_mu_value_added", "plan_path"] == pytest.approx(160)
    assert values.loc["per_mu_value_added", "stress"] == pytest.approx(119 * (1.05 / 1.01) ** 3)


def test_export_overview_refuses_a_year_outside_the_paths(x, tmp_path):
    from qzlib.scenarios.explorer import export_overview

    with pytest.raises(InputError, match="parameter year.*2035"):
        export_overview(x, ["plan_path"], tmp_path / "nb", 2035)
    assert not (tmp_path / "nb").exists()


def test_comparison_view_names_scenarios_in_chinese_and_says_met_or_missed(x, tmp_path):
    from qzlib.scenarios.explorer import comparison_view, export_overview, values_view

    out = export_overview(x, ["stress"], tmp_path / "nb", 2025, ["per_mu_value_added"])
    view = comparison_view(out["comparison"], x)
    assert list(view.columns) == ["指标", "单位", "目标年", "目标值", "规划路径情景", "压力情景"]
    row = view[(view["指标"] == "规上工业亩均增加值") & (view["目标年"] == 2025)].iloc[0]
    # stress: 119·(1.05/1.01)³ = 133.71, 16.4 % short of 160
    assert row["规划路径情景"] == "达成：160（0.0%）" and row["压力情景"] == "未达成：133.71（-16.4%）"
    values = values_view(out["values"], x).set_index("指标")
    assert values.loc["高技术制造业增加值占规上工业增加值比重", "压力情景"] == "—"
