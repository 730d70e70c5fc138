"""The explorer's callback logic, exercised without a browser: its state, its dashboard in both
languages and the attainment table's two judgements (the scenario's, and the current verdict)."""
from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest
from test_scenarios_fixtures import plan_points

from qzlib import i18n
from qzlib.errors import InputError
from qzlib.paths import SCENARIOS
from qzlib.scenarios import load, run
from qzlib.scenarios.explorer import (
    Explorer,
    ExplorerUI,
    NameTaken,
    check_name,
    error_text,
    error_zh,
)
from qzlib.scenarios.explorer.view import attainment_html

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


@pytest.fixture()
def folder(tmp_path):
    for p in SCENARIOS.glob("*.yml"):
        shutil.copy(p, tmp_path / p.name)
    return tmp_path


@pytest.fixture(scope="module")
def shipped_obs():
    """The shipped statistics as the statistics layer reads them (read once for the module; each
    test gets its own copy)."""
    from qzlib.stats.build import collect

    return collect(None)[0]


@pytest.fixture()
def x(folder, shipped_obs):
    return Explorer(plan_points(), shipped_obs.copy(), scenarios_dir=folder, region="衢州市")


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
    assert saved.name == "va7_land_flat" and saved.description.startswith("va7_land_flat：基于情景“近期速度情景”")
    assert saved.components["value_added"]["growth"] == 0.07
    assert "per_mu_value_added" not in saved.assumptions  # components win, no contradiction
    again = run(saved, x.prepared, x.engine.observations, region=x.engine.region)
    np.testing.assert_array_equal(again.values, x.result.values)
    assert "va7_land_flat" in x.names and x.note == "已保存为情景“va7_land_flat”，简报和批处理都可以选用它。"


def test_a_chinese_name_is_the_file_and_the_name_readers_see(x, folder):
    x.set_component("land", 0.01)
    x.set_component("value_added", 0.08)
    path = x.save_as("用地微增-2")
    assert path == folder / "用地微增-2.yml"
    saved = load("用地微增-2", folder)                    # `qz brief --scenario 用地微增-2` finds it by its file
    assert saved.description.startswith("用地微增-2：") and saved.name == "用地微增-2"   # its brief folder too
    assert "index" in saved.components["tax"]
    np.testing.assert_allclose(run(saved, x.prepared, x.engine.observations).values, x.result.values, rtol=1e-6)
    assert ("用地微增-2", "用地微增-2") in x.options() and x.title_of(saved.name) == "用地微增-2"


@pytest.mark.parametrize("name, says", [
    ("", "请填写名称"),
    ("x" * 41, "最多 40 个字符"),
    ("../etc/passwd", "名称中不能有“.”“/”"),
    ("a/b", "名称中不能有“/”"),
    (".hidden", "名称中不能有“.”"),
    ("用地 不变", "名称中不能有“空格”"),
    ("-x", "开头的“-”"),
    ("用地不变？", "名称中不能有“？”"),
])
def test_a_name_outside_the_rule_gets_a_chinese_message_naming_the_rule(x, folder, name, says):
    before = sorted(p.name for p in folder.iterdir())
    with pytest.raises(InputError) as exc:
        x.save_as(name)
    message = error_zh(exc.value)
    assert says in message and "1—40 个字符" in message and "中文、英文字母、数字、下划线" in message
    assert not re.search(r"[A-Za-z]{4,}", re.sub(r"（输入：.*）$", "", message)), message   # Chinese, not English
    assert sorted(p.name for p in folder.iterdir()) == before


def test_names_of_1_and_40_characters_of_every_allowed_kind_are_saved(x, folder):
    longest = "衢州" * 10 + "Ab3_-" * 4
    assert len(longest) == 40
    for name in ("A", longest, "情景_v2-高"):
        assert x.save_as(name) == folder / f"{name}.yml" and load(name, folder).description.startswith(name)


@pytest.mark.parametrize("name", ["plan_path", "recent_pace", "stress", "Plan_Path", "STRESS", "规划路径情景", "压力情景"])
def test_the_shipped_scenarios_are_never_overwritten(x, folder, name):
    shipped = {p.name: p.read_bytes() for p in folder.iterdir()}
    for overwrite in (False, True):
        with pytest.raises(InputError, match="项目自带的情景，不能覆盖"):
            x.save_as(name, overwrite=overwrite)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == shipped


def test_an_existing_name_is_overwritten_only_when_confirmed(x, folder):
    x.save_as("我的情景")
    first = (folder / "我的情景.yml").read_text(encoding="utf-8")
    x.set_indicator("rd_intensity", 0.3)
    with pytest.raises(NameTaken, match="再点一次“确认覆盖”"):
        x.save_as("我的情景")
    assert (folder / "我的情景.yml").read_text(encoding="utf-8") == first
    x.save_as("我的情景", overwrite=True)
    assert load("我的情景", folder).assumptions["rd_intensity"]["points_per_year"] == 0.3
    x.save_as("Mine")
    with pytest.raises(NameTaken):   # another case of the same letters is the same name
        x.save_as("mine")
    x.save_as("mine", overwrite=True)
    assert [p.name for p in folder.glob("*ine.yml")] == ["mine.yml"]


def test_a_name_another_scenario_is_known_by_is_refused(x, folder):
    (folder / "other.yml").write_text((folder / "stress.yml").read_text(encoding="utf-8")
                                      .replace("name: stress", "name: other").replace("  压力情景：", "  我的压力："),
                                      encoding="utf-8")
    x._refresh_names()
    with pytest.raises(InputError, match="已有情景叫“我的压力”"):
        x.save_as("我的压力")


def test_check_name_strips_and_keeps_the_name():
    assert check_name("  情景A  ") == "情景A"


def test_indicator_without_path_cannot_be_set(x):
    with pytest.raises(InputError, match="“/”"):
        x.set_indicator("high_tech_mfg_share", 0.5)


def test_table_html_lists_every_numeric_target(x):
    html = attainment_html(x)
    assert html.count("<tr>") == 1 + 28
    assert "规上工业亩均增加值" in html and "达成" in html
    assert "<td>万元/亩</td>" in html and "padding:3px 8px" in html
    x.select_scenario("stress")
    html = attainment_html(x)
    assert not re.search(r"\de[+-]\d", html)  # no -1.57e+03
    assert "<th>单位</th>" in html


def test_the_attainment_table_takes_one_more_column_by_one_more_entry(x, monkeypatch):
    from qzlib.scenarios.explorer import view

    columns = len(view.ATTAINMENT_COLUMNS)
    monkeypatch.setattr(view, "ATTAINMENT_COLUMNS",
                        [*view.ATTAINMENT_COLUMNS, ("进度结论", lambda r, x: f"{r['code'][:3]}…", False, False)])
    html = attainment_html(x)
    assert len(re.findall(r"<th[ >]", html)) == columns + 1 and "<th>进度结论</th>" in html
    assert html.count("<td>per…</td>") == 4


def test_dropdown_shows_chinese_names_only(x):
    assert x.options() == [("规划路径情景", "plan_path"), ("近期速度情景", "recent_pace"), ("压力情景", "stress")]


def test_widgets_build_and_callbacks_redraw_the_browser_chart(x):
    ui = ExplorerUI(x)
    line = ui.chart.marks["per_mu_value_added"]["line"]
    before = line.y.copy()
    ui.sliders["per_mu_value_added"].value = 5.0  # percent a year
    assert line.y[3] == pytest.approx(119 * 1.05 ** 3) and before[3] != line.y[3]
    assert list(line.x) == list(range(2022, 2031))
    assert ui.chart.marks["per_mu_value_added"]["axis"].tick_values[0] <= 119    # round ticks around the path
    assert "未达成" in ui.table.value and "情景：规划路径情景（已调整）" in ui.chart.heading.value
    assert ui.comp_boxes["land"].value == "—" and "未设定" in ui.comp_notes["land"].value
    ui.comp_sliders["land"].value = 1.0
    assert ui.sliders["per_mu_value_added"].disabled and not ui.sliders["rd_intensity"].disabled
    assert "由分项推算" in ui.notes["per_mu_value_added"].value
    ui.scenario.value = "stress"
    assert x.base.name == "stress" and ui.comp_sliders["land"].value == pytest.approx(1.0)
    ui.pick.value = ("rd_intensity", "innovation_platforms")
    assert ui.chart.codes == ["rd_intensity", "innovation_platforms"] and ui.right.children[0] is ui.chart.widget
    ui.scenario.value = "recent_pace"
    no_path = ui.chart.marks["innovation_platforms"]["line"]
    assert len(no_path.y) == 0 and "无路径：衢州市在2022年基期后没有观测值" in ui.chart.captions["innovation_platforms"][2].value


def test_counts_are_whole_numbers_in_the_table_and_the_comparison(x, tmp_path):
    from qzlib.scenarios.explorer import comparison_view, export_overview

    x.set_indicator("firms_output_over_10bn", 0.07)        # 4 × 1.07³ = 4.9 firms in 2025
    row = next(r for r in attainment_html(x).split("<tr>") if "累计百亿元企业" in r and ">2025<" in r)
    assert ">5<" in row and "4.9" not in row and ">-2<" in row     # 5 of 7: two short
    out = export_overview(x, ["stress"], tmp_path / "nb", 2025, ["per_mu_value_added"])
    view = comparison_view(out["comparison"], x).set_index(["指标", "目标年"])
    assert view.loc[("累计百亿元企业", 2025), "目标值"] == "7"


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
    lines = {c: ui.chart.marks[c]["line"].y.copy() for c in ui.codes}
    ui.name_box.value = "压力加数字经济"
    ui._on_save(None)
    assert (x.scenarios_dir / "压力加数字经济.yml").exists() and "压力加数字经济" in [v for _, v in ui.scenario.options]
    assert ui.scenario.value == "stress" and x.base.name == "stress"
    assert x.indicator_overrides == {"digital_core_va": {"growth": 0.2}}
    assert ui.sliders["digital_core_va"].value == pytest.approx(20.0)
    assert all(np.array_equal(ui.chart.marks[c]["line"].y, lines[c]) for c in ui.codes)
    assert "已保存为情景“压力加数字经济”" in ui.status.value
    ui.name_box.value = "用地/不变"
    ui._on_save(None)
    assert "名称中不能有“/”" in ui.status.value and "1—40 个字符" in ui.status.value


def test_overwriting_from_the_page_takes_a_second_click_on_the_same_name(x):
    ui = ExplorerUI(x)
    ui.name_box.value = "我的情景"
    ui._on_save(None)
    saved = (x.scenarios_dir / "我的情景.yml").read_text(encoding="utf-8")
    ui.sliders["digital_core_va"].value = 20.0
    ui._on_save(None)
    assert ui.save_btn.description == "确认覆盖" and "再点一次“确认覆盖”" in ui.status.value
    assert (x.scenarios_dir / "我的情景.yml").read_text(encoding="utf-8") == saved
    ui.name_box.value = "我的情景2"              # a changed name cancels the confirmation
    assert ui.save_btn.description == "另存为情景"
    ui.name_box.value = "我的情景"
    ui._on_save(None)
    ui._on_save(None)
    assert ui.save_btn.description == "另存为情景" and "已保存为情景“我的情景”" in ui.status.value
    assert load("我的情景", x.scenarios_dir).assumptions["digital_core_va"]["growth"] == 0.2


def test_the_dropdown_shows_full_names_on_hover_and_readers_see_no_code_names(x, folder):
    (folder / "long.yml").write_text((folder / "stress.yml").read_text(encoding="utf-8")
                                     .replace("name: stress", "name: long").replace("  压力情景：", "  " + "很" * 60 + "长的情景："),
                                     encoding="utf-8")
    x._refresh_names()
    ui = ExplorerUI(x)
    ui.scenario.value = "long"
    assert ui.scenario.tooltip == "很" * 60 + "长的情景" and ui.chart.heading.value.count("很") == 60
    labels = [label for label, _ in ui.scenario.options]
    assert labels == ["很" * 60 + "长的情景", "规划路径情景", "近期速度情景", "压力情景"]
    shown = " ".join([*labels, ui.status.value, ui.table.value, ui.chart.heading.value,
                      *(c[2].value for c in ui.chart.captions.values())])
    for code in ("plan_path", "recent_pace", "stress", "long", "per_mu", "digital_core"):
        assert code not in shown, code


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


# ----------------------------------------------------------------------------- two languages
def _headers(html: str) -> list[str]:
    return re.findall(r"<th[^>]*>([^<]*)</th>", html)


def _shown(ui) -> list[str]:
    """Every text the dashboard shows (markup stripped of its style sheets), with where it is."""
    texts = {"status": ui.status.value, "table": ui.table.value, "title": ui.chart.heading.value,
             "legend": ui.chart.legend.value, "heading": ui.heading.value if ui.heading else "",
             "reset": ui.reset_btn.description + ui.reset_btn.tooltip, "save": ui.save_btn.description,
             "name": ui.name_box.placeholder, "hint": ui.hint.value, "pick": ui.pick_label.value,
             "stopped": ui.stopped.value, "scenario": ui.scenario.tooltip,
             **{f"head{i}": h.value for i, h in enumerate(ui.heads)},
             **{f"ind {c}": n.value for c, n in ui.notes.items()},
             **{f"comp {c}": n.value for c, n in ui.comp_notes.items()},
             **{f"panel {c}": v[2].value for c, v in ui.chart.captions.items()},
             **{f"option {v}": label for label, v in ui.scenario.options},
             **{f"pick {v}": label for label, v in ui.pick.options}}
    return [f"{where}: {re.sub(r'<style>.*?</style>', '', text)}" for where, text in texts.items()]


def test_the_dashboard_switches_to_english_and_back_for_this_page_only(x):
    ui = ExplorerUI(x, title=True)
    ui.sliders["per_mu_value_added"].value = 5.0
    zh = _shown(ui)
    assert ui.language.options == (("中文", "zh"), ("English", "en")) and ui.language.value == "zh"
    assert _headers(ui.table.value)[-2:] == ["情景下是否达成", "当前判断"] and "衢州市“415X”情景探索器" in ui.heading.value
    ui.language.value = "en"
    assert x.lang == "en" and i18n.current() == "zh"          # this explorer's language, not the process's
    en = _shown(ui)
    assert [t for t in en if CJK.search(t.split(": ", 1)[1])] == []   # shipped scenarios, places: all English
    assert _headers(ui.table.value) == ["indicator", "unit", "target year", "target value", "scenario value", "gap",
                                        "gap (%)", "first reached", "met in the scenario", "current verdict"]
    assert "Value added per mu of above-scale industry" in ui.table.value and "10,000 yuan/mu" in ui.table.value
    assert ">missed<" in ui.table.value and ">not assessed<" in ui.table.value
    assert "Quzhou" in ui.heading.value and ui.reset_btn.description == "Reset"
    assert ui.status.value.count("Value added per mu of above-scale industry: yearly growth 5.00%.") == 1
    assert "Scenario: Plan path (adjusted)" in ui.chart.heading.value and "plan path" in ui.chart.legend.value
    assert "Value added per mu of above-scale industry" in ui.chart.captions["per_mu_value_added"][2].value
    assert ui.scenario.value == "plan_path" and [v for _, v in ui.scenario.options] == x.names
    assert "qz-lang-en" in ui.widget._dom_classes and "stopped" in ui.stopped.value
    ui.comp_sliders["land"].value = 1.0                         # a change made in English is said in English
    assert ui.status.value.count("Land of above-scale industry: yearly growth 1.00%. ") == 1
    assert "Follows from its components" in ui.notes["per_mu_value_added"].value
    ui.name_box.value = "a/b"
    ui._on_save(None)
    assert "A name cannot contain" in ui.status.value and not CJK.search(ui.status.value)
    ui.language.value = "zh"                                    # the same error, said again in Chinese
    assert "名称中不能有“/”" in ui.status.value and "1—40 个字符" in ui.status.value
    ui.comp_sliders["land"].value = 0.0
    x.select_scenario("plan_path")
    ui._after(x.result)
    ui.sliders["per_mu_value_added"].value = 5.0
    assert _shown(ui) == zh                                     # back to Chinese: every text as before


def test_the_language_is_the_explorers_own(folder, shipped_obs):
    obs = shipped_obs.copy()
    zh = Explorer(plan_points(), obs, scenarios_dir=folder, region="衢州市")
    en = Explorer(plan_points(), obs, scenarios_dir=folder, region="衢州市", lang="en")
    zh.set_indicator("rd_intensity", 0.2)
    en.set_indicator("rd_intensity", 0.2)
    assert zh.note == f"{zh.prepared.info['rd_intensity'].name_zh}：每年 +0.20。"
    assert en.note == "R&D spending of above-scale manufacturers as share of revenue: each year +0.20."
    assert zh.options()[0] == ("规划路径情景", "plan_path") and en.options()[0] == ("Plan path", "plan_path")
    assert attainment_html(en) != attainment_html(zh) and not CJK.search(re.sub(r"<style>.*?</style>", "", attainment_html(en)))
    assert en.slider_spec("rd_intensity")["unit"] == "points/yr" and zh.slider_spec("rd_intensity")["unit"] == "百分点/年"
    with pytest.raises(ValueError, match="expected one of zh, en"):
        Explorer(plan_points(), obs, scenarios_dir=folder, region="衢州市", lang="fr")


@pytest.mark.parametrize("name, zh, en", [
    ("", "请填写名称", "Please enter a name"),
    ("x" * 41, "名称最多 40 个字符", "A name has at most 40 characters"),
    ("用地 不变", "名称中不能有“空格”", 'A name cannot contain "space"'),
    ("-x", "开头的“-”", 'a leading "-"'),
])
def test_the_save_rule_is_said_in_the_page_language(name, zh, en):
    with pytest.raises(InputError) as exc:
        check_name(name)
    assert zh in error_text(exc.value) and zh in str(exc.value)      # the error itself stays Chinese (logs)
    with i18n.using("en"):
        said = error_text(exc.value)
    assert en in said and "1 to 40 characters" in said and not CJK.search(said.replace("用地 不变", "")), said


def test_a_saved_scenario_carries_its_texts_in_both_languages(x, folder):
    x.lang = "en"
    x.set_indicator("rd_intensity", 0.12)
    x.save_as("双语")
    saved = load("双语", folder)
    assert saved.description.startswith("双语：基于情景“规划路径情景”，在交互式探索器中调整：")   # Chinese, as ever
    assert saved.texts["description_en"].startswith('双语: based on the scenario "Plan path", adjusted in the interactive')
    assert saved.texts["label_en"] == "双语" and "each year +0.12" in saved.texts["description_en"]
    assert saved.assumptions["rd_intensity"]["rationale"] == "交互式探索器中设定（基于情景“规划路径情景”）"
    assert saved.assumptions["rd_intensity"]["rationale_en"].startswith("set in the interactive explorer")
    assert x.note == 'Saved as the scenario "双语"; briefs and batch runs can use it.'


# ----------------------------------------------------------------------------- the current verdict
def _current_verdicts(html: str) -> list[tuple[str, str, str]]:
    """(verdict code, word, reason) of every row's 当前判断 cell."""
    return re.findall(r"<span class='qz-verdict qz-verdict-(\w+)' title='([^']*)'[^>]*>([^<]*)</span>", html)


def test_the_current_verdict_is_the_verdict_tables_in_both_languages(bureau_processed, folder):
    """On the synthetic bureau figures the verdicts vary; the column says exactly what verdict_table
    says for the same year, the scenario's own judgement stays beside it, renamed."""
    import html as markup

    from qzlib.forecast.verdicts import verdict_table
    from qzlib.plan.tables import indicator_points, load_indicators
    from qzlib.rules import VERDICT_ZH
    from qzlib.scenarios.explorer import open_explorer
    from qzlib.stats import load_observations
    from qzlib.stats.schema import latest_year_begun

    x = open_explorer(bureau_processed, scenarios_dir=folder)
    assert x.verdict_year == min(latest_year_begun(), 2027)
    table = verdict_table(indicator_points(load_indicators(bureau_processed)), load_observations(bureau_processed),
                          x.verdict_year, "衢州市").set_index(["code", "target_year"])
    records = [r for r in x.records() if r["target_year"] is not None]
    cells = _current_verdicts(attainment_html(x))
    assert len(cells) == len(records) == 28
    expected = [table.loc[(r["code"], r["target_year"])] for r in records]
    assert [(c, w) for c, _, w in cells] == [(t["verdict"], VERDICT_ZH[t["verdict"]]) for t in expected]
    assert [markup.unescape(why) for _, why, _ in cells] == [t["reason"] for t in expected]
    assert len({c for c, _, _ in cells}) >= 3                     # the fixture's cases: several verdicts
    head = attainment_html(x).split("</thead>")[0]
    assert "<th title='按所选情景的路径" in head and ">情景下是否达成</th>" in head and ">当前判断</th>" in head
    assert f"按{x.verdict_year}年及以前的统计数据" in head
    x.set_language("en")
    english = _current_verdicts(attainment_html(x))
    assert [c for c, _, _ in english] == [c for c, _, _ in cells]
    with i18n.using("en"):
        assert [w for _, _, w in english] == [i18n.T(VERDICT_ZH[c]) for c, _, _ in cells]
    assert not any(CJK.search(markup.unescape(why)) for _, why, _ in english), english


def test_the_current_verdict_on_the_shipped_data_and_without_statistics(x, folder):
    """The shipped statistics hold no figure after the plan's baseline: every current verdict is
    无法评估 with its reason; an explorer with no statistics at all says the same."""
    cells = _current_verdicts(attainment_html(x))
    assert len(cells) == 28 and {w for _, _, w in cells} == {"无法评估"}
    assert any("只有2022年基期值" in why for _, why, _ in cells)
    bare = Explorer(plan_points(), None, scenarios_dir=folder, region="衢州市", processed_dir=folder)
    assert bare.verdict_observations() is None and {w for _, _, w in _current_verdicts(attainment_html(bare))} == {"无法评估"}
    assert x.verdicts() is x.verdicts()                           # computed once per language


def test_a_served_page_never_loads_matplotlibs_figure_machinery():
    """Every visitor's kernel runs the page's notebook: the browser draws the chart, so the kernel
    skips matplotlib's figure, axes and text modules (about 0.3 s of each kernel's start)."""
    import json
    import os
    import subprocess
    import sys

    from qzlib.scenarios.serve import APP

    cells = json.loads(APP.read_text(encoding="utf-8"))["cells"]
    page = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    code = page + ("\nimport sys\nprint(sorted(m for m in ('matplotlib.figure', 'matplotlib.pyplot', 'matplotlib.axes')"
                   " if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "QZ_LANG": "zh"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
