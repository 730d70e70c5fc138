"""The explorer's callback logic, exercised without a browser."""
from __future__ import annotations

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
    return Explorer(plan_points(), obs, scenarios_dir=folder)


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
    assert x.result.values[x.prepared.index["per_mu_tax"]][3] == pytest.approx(17.6 / 0.99 ** 3)
    with pytest.raises(InputError, match="components"):
        x.set_indicator("per_mu_tax", 0.05)
    x.set_component("value_added", 0.07)
    pmva = x.result.values[x.prepared.index["per_mu_value_added"]]
    assert pmva[3] == pytest.approx(119 * 1.07 ** 3 / 0.99 ** 3)
    prod = x.result.values[x.prepared.index["mfg_labour_productivity"]]
    assert prod[3] == pytest.approx(32.17 * 1.07 ** 3)


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
    again = run(saved, x.prepared, x.engine.observations)
    np.testing.assert_array_equal(again.values, x.result.values)
    assert "va7_land_flat" in x.names
    with pytest.raises(InputError, match="exists"):
        x.save_as("va7_land_flat")
    with pytest.raises(InputError, match="name"):
        x.save_as("Bad Name")
    assert not (folder / "Bad Name.yml").exists()


def test_indicator_without_path_cannot_be_set(x):
    with pytest.raises(InputError, match="“/”"):
        x.set_indicator("high_tech_mfg_share", 0.5)


def test_table_html_lists_every_numeric_target(x):
    html = x.table_html()
    assert html.count("<tr>") == 1 + 28
    assert "规上工业亩均增加值" in html and "达成" in html


def test_widgets_build_and_callbacks_redraw(x):
    ui = ExplorerUI(x)
    before = ui.figure.lines["per_mu_value_added"].get_ydata().copy()
    ui.sliders["per_mu_value_added"].value = 5.0  # percent a year
    after = ui.figure.lines["per_mu_value_added"].get_ydata()
    assert after[3] == pytest.approx(119 * 1.05 ** 3) and before[3] != after[3]
    assert "未达成" in ui.table.value
    ui.comp_sliders["land"].value = 1.0
    assert ui.sliders["per_mu_value_added"].disabled and not ui.sliders["rd_intensity"].disabled
    ui.scenario.value = "stress"
    assert x.base.name == "stress" and ui.comp_sliders["land"].value == pytest.approx(1.0)
    ui.pick.value = ("rd_intensity",)
    assert ui.figure.codes == ["rd_intensity"]
    ui.name_box.value = "from_ui"
    ui._on_save(None)
    assert (x.scenarios_dir / "from_ui.yml").exists() and "from_ui" in ui.scenario.options


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
