"""Another county's plan of the family reads, and the shipped scenarios run on it, with no
code change: place, document, years and an indicator outside the catalogue come from its
text (tests/county_plan.py generates it from the shipped plan; its numbers are invented)."""
from __future__ import annotations

import pytest

import county_plan
from qzlib.catalogue import infer
from qzlib.plan.ingest import build
from qzlib.plan.tables import indicator_points
from qzlib.scenarios import load, run


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    return build(county_plan.write(tmp_path_factory.mktemp("county")))


def test_the_plan_says_where_and_when(county):
    m = county.plan.iloc[0]
    assert (m["region"], m["doc_number"], m["issued"]) == ("龙游县", "龙政办发〔2024〕5号", "2024年3月15日")
    assert (m["period_start"], m["period_end"]) == (2024, 2028) and m["title"].startswith("龙游县全面推进")
    pts = indicator_points(county.indicators)
    assert sorted(pts.loc[pts.role == "baseline", "year"].unique()) == [2023]
    assert sorted(pts.loc[pts.role == "target", "year"].unique()) == [2026, 2028]


def test_an_indicator_outside_the_catalogue_flows_like_a_catalogued_one(county):
    ind = county.indicators.set_index("number")
    code = infer(county_plan.EXTRA_NAME, "%")[0]
    assert ind.loc[17, "code"] == code and ind.loc[17, "kind"] == "share"
    from qzlib.stats.build import collect

    pts = indicator_points(county.indicators)
    obs = collect(None)[0]                      # the shipped reference statistics (浙江省, 全国)
    for name in ("plan_path", "recent_pace", "stress"):
        r = run(load(name), pts, obs, region="龙游县")
        assert r.scenario.base_year == 2023, name                      # the plan's baseline, not 2022
        assert code in r.paths.index, name
        if name == "recent_pace":   # no local figure and no reference: no path, and the reason names the county
            assert r.reasons[code] == "龙游县在2023年基期后没有观测值，也未给参照序列，无从计算速度"
        else:
            assert r.paths.loc[code, 2026] > 40, name
    path = run(load("plan_path"), pts, region="龙游县").paths.loc[code]
    assert path[2023] == 40 and path[2026] == 45 and path[2028] == 50        # through its own targets
    a = run(load("plan_path"), pts, region="龙游县").attainment.set_index(["code", "target_year"])
    assert a.loc[(code, 2028), "status"] == "met" and a.loc[("per_mu_tax", 2026), "target"] == 24


def test_plans_side_by_side_for_the_indicators_they_share(county, processed_dir):
    from qzlib.plan.tables import load_indicators
    from qzlib.report.sections.plans import side_by_side

    t = side_by_side({"衢州市": indicator_points(load_indicators(processed_dir)),
                      "龙游县": indicator_points(county.indicators)}).set_index("code")
    assert len(t) == 16 and infer(county_plan.EXTRA_NAME, "%")[0] not in t.index     # only the shared ones
    tax = t.loc["per_mu_tax"]
    assert (tax["衢州市 基期"], tax["衢州市 目标"]) == ("2022年 17.6", "2025年 28；2027年 32")
    assert (tax["龙游县 基期"], tax["龙游县 目标"]) == ("2023年 15.2", "2026年 24；2028年 30")
    assert tax["龙游县 年均所需"] == f"+{((24 / 15.2) ** (1 / 3) - 1) * 100:.2f}%；+{((30 / 24) ** 0.5 - 1) * 100:.2f}%"
    assert t.loc["rd_intensity", "衢州市 年均所需"] == "+0.10个百分点；+0.20个百分点"
    assert t.loc["energy_intensity_decline", "龙游县 目标"] == "2026年 完成省下达任务；2028年 完成省下达任务"


def test_brief_years_follow_the_plans_period(tmp_path, processed_dir):
    from qzlib.pipeline import run_ingest
    from qzlib.report.runner import BriefRequest, brief_years

    assert brief_years(BriefRequest(year=2025, processed_dir=processed_dir))[:2] == (2023, 2030)
    out = tmp_path / "processed"
    from qzlib import paths

    run_ingest(county_plan.write(tmp_path / "raw"), out, paths.STATISTICS_DIR, quiet=True)
    assert brief_years(BriefRequest(year=2026, processed_dir=out)) == (2024, 2031, "2024–2028")
