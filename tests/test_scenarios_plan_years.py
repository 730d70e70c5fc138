"""Scenario years are the plan's: from its baseline year to three years after its period (the
brief's rule, qzlib.plan.meta.horizon_end), for the shipped plan, the county's (2024–2028) and a
later one (2028–2032); a scenario file naming a year outside them is refused."""
from __future__ import annotations

import county_plan
import numpy as np
import pandas as pd
import pytest

from qzlib.errors import InputError
from qzlib.plan.ingest import ingest
from qzlib.scenarios import Engine, Prepared, load, parse, plan_points
from qzlib.scenarios.explorer.view import attainment_html

GROWTH = """\
name: g
description: 测试：年均增长
author: tests
assumptions:
  per_mu_tax: {{growth: {growth}, source: 测试}}
"""
LEVELS = """\
name: far
description: 测试：水平路径
author: tests
assumptions:
  per_mu_tax: {{levels: {{{year}: 40}}, source: 测试}}
"""


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """The county's plan (2024–2028: baseline 2023, targets 2026 and 2028), ingested."""
    out = tmp_path_factory.mktemp("county") / "processed"
    ingest(county_plan.write(out.parent / "raw"), out)
    return out


@pytest.fixture(scope="module")
def later(tmp_path_factory):
    """The same plan moved to 2028–2032 (baseline 2027, targets 2030 and 2032), ingested."""
    out = tmp_path_factory.mktemp("later") / "processed"
    ingest(county_plan.write(out.parent / "raw", period_start=2028), out)
    return out


def test_the_shipped_plan_keeps_2022_to_2030(processed_dir):
    e = Engine(plan_points(processed_dir), processed_dir=processed_dir)
    assert list(e.years) == list(range(2022, 2031))
    assert list(Engine(plan_points(processed_dir)).years) == list(range(2022, 2031))   # from its points alone
    r = e.run(load("plan_path"))
    assert list(r.paths.columns) == list(range(2022, 2031)) and r.paths.loc["per_mu_tax", 2027] == 32


def test_the_county_plan_runs_from_its_baseline_to_2031(county):
    from qzlib.report.runner import BriefRequest, brief_years

    e = Engine(plan_points(county), processed_dir=county, region="龙游县")
    assert (e.years[0], e.years[-1]) == (2023, 2031) == (e.prepared.base_year, brief_years(
        BriefRequest(year=2026, processed_dir=county))[1])                 # the brief's last year: one rule
    r = e.run(load("plan_path"))
    assert list(r.paths.columns) == list(range(2023, 2032))
    tax = r.paths.loc["per_mu_tax"]
    assert tax[2023] == 15.2 and tax[2026] == pytest.approx(24) and tax[2028] == pytest.approx(30)
    assert np.isnan(tax[2031])     # plan_path stops after the last target …
    g = e.run(parse(GROWTH.format(growth=0.05), "g.yml"))
    assert g.paths.loc["per_mu_tax", 2031] == pytest.approx(15.2 * 1.05 ** 8)   # … a growth reaches 2031
    assert e.run(parse(LEVELS.format(year=2031), "far.yml")).paths.loc["per_mu_tax", 2031] == pytest.approx(40)


def test_a_later_plan_gets_paths_and_attainment_for_its_own_years(later):
    e = Engine(plan_points(later), processed_dir=later, region="龙游县")
    assert (e.years[0], e.years[-1]) == (2027, 2035)
    r = e.run(load("plan_path"))
    assert list(r.paths.columns) == list(range(2027, 2036))
    assert r.paths.loc["per_mu_tax", 2032] == pytest.approx(30)
    a = r.attainment.set_index(["code", "target_year"])
    assert sorted(r.attainment["target_year"].dropna().unique()) == [2030, 2032]
    assert a.loc[("per_mu_tax", 2030), "status"] == "met" and a.loc[("per_mu_tax", 2032), "value"] == pytest.approx(30)
    slow = e.run(parse(GROWTH.format(growth=0.05), "g.yml")).attainment.set_index(["code", "target_year"])
    assert slow.loc[("per_mu_tax", 2032), "status"] == "missed"        # 15.2·1.05⁵ < 30
    assert pd.isna(slow.loc[("per_mu_tax", 2032), "first_year_reached"])   # 15.2·1.05⁸ < 30 too
    fast = e.run(parse(GROWTH.format(growth=0.09), "g.yml")).attainment.set_index(["code", "target_year"])
    assert 15.2 * 1.09 ** 7 < 30 <= 15.2 * 1.09 ** 8                     # reached in 2035, after 2030
    assert fast.loc[("per_mu_tax", 2032), "first_year_reached"] == 2035


def test_the_header_decides_the_last_year_not_the_last_target(later):
    pts = plan_points(later)
    assert Prepared(pts).years[-1] == 2035                       # no header: the period ends with the last target
    assert Prepared(pts, period_end=2033).years[-1] == 2036      # the header's period end, plus three


def test_the_explorer_and_chart_follow_the_plans_years(later):
    from qzlib.scenarios.explorer import Explorer, export_overview
    from qzlib.scenarios.plot import PathsFigure

    x = Explorer(plan_points(later), processed_dir=later, region="龙游县")
    assert (x.years[0], x.years[-1]) == (2027, 2035)
    x.set_indicator("per_mu_tax", 0.01)
    assert "至2035年仍未达到" in attainment_html(x)
    fig = PathsFigure(x.result, ["per_mu_tax"])
    assert fig.axes["per_mu_tax"].get_xlim() == pytest.approx((2026.7, 2035.3))
    with pytest.raises(InputError) as exc:
        export_overview(x, [], "unused", 2036)
    assert "2027 to 2035" in str(exc.value) and "field 'year'" in str(exc.value)


def test_a_year_outside_the_plans_range_is_refused(tmp_path, county, processed_dir):
    path = tmp_path / "far.yml"
    path.write_text(LEVELS.format(year=2031), encoding="utf-8")
    assert load(path).assumptions["per_mu_tax"]["levels"] == {2031: 40}     # no plan at hand: not judged yet
    with pytest.raises(InputError) as exc:                                  # the shipped plan ends in 2030
        Engine(plan_points(processed_dir), processed_dir=processed_dir).run(path)
    msg = str(exc.value)
    assert "far.yml" in msg and "assumptions.per_mu_tax.levels.2031" in msg and "field 'levels'" in msg
    assert "got 2031" in msg and "within the plan's years 2022–2030" in msg
    Engine(plan_points(county), processed_dir=county, region="龙游县").run(path)   # the county's run to 2031
    path.write_text(LEVELS.format(year=2032), encoding="utf-8")
    with pytest.raises(InputError, match="2023–2031"):
        Engine(plan_points(county), processed_dir=county, region="龙游县").run(path)
    with pytest.raises(InputError, match="levels.2032.*within the plan's years 2022–2030"):
        load(path, years=range(2022, 2031))
    with pytest.raises(InputError, match="after the base year 2023"):      # the plan's baseline when none is given
        Engine(plan_points(county), processed_dir=county).run(parse(LEVELS.format(year=2023), "b.yml"))
