"""Bugs a code review found in the scenario engine and around it (issue #20), one test each; every
test failed on the code before the fix. Observed values here are synthetic (tests only);
baselines and targets come from the ingested plan."""
from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import click
import numpy as np
import pandas as pd
import pytest

from qzlib import paths
from qzlib.errors import InputError
from qzlib.scenarios import Engine, load, parse


@pytest.fixture(scope="module")
def points(processed_dir):
    from qzlib.plan.tables import indicator_points, load_indicators

    return indicator_points(load_indicators(processed_dir))


def _obs(processed_dir, extra):
    from qzlib.stats import load_observations

    o = load_observations(processed_dir)
    rows = [dict(o.iloc[0]) | {"region": "衢州市", "indicator": c, "year": y, "value": v, "selected": True,
                               "source_kind": "test", "plan_code": c} for c, y, v in extra]
    return pd.concat([o, pd.DataFrame(rows)], ignore_index=True)


def test_one_engine_runs_several_scenarios_without_one_leaking_into_another(points, processed_dir):
    obs = _obs(processed_dir, [("mfg_va_share_gdp", 2023, 27.5), ("mfg_va_share_gdp", 2024, 28.3)])
    shared = Engine(points, obs, region="衢州市")
    shared.run(load("recent_pace"))                  # fills whatever the engine keeps
    for name in ("plan_path", "stress"):
        alone = Engine(points, obs, region="衢州市").run(load(name)).assumptions_table()
        after = shared.run(load(name)).assumptions_table()
        pd.testing.assert_frame_equal(after, alone)
        assert not after["假设"].str.contains("自身速度").any(), name


def test_a_component_measured_in_points_is_refused_naming_file_and_key():
    text = ("name: t\ndescription: d\nauthor: a\nbase_year: 2022\nassumptions:\n  rd_intensity: {growth: 0.01, rationale: r}\n"
            "components:\n  land:\n    follow: reference\n"
            "    reference: {indicator: hightech_industry_va_share_pct, region: 浙江省, from: 2020, to: 2023, "
            "measure: points}\n    source: s\n")
    with pytest.raises(InputError) as err:
        parse(text, "t.yml")
    assert "t.yml" in str(err.value) and "components.land.reference.measure" in str(err.value)


def test_paths_use_figures_up_to_the_briefs_year_only(points, processed_dir):
    obs = _obs(processed_dir, [("mfg_va_share_gdp", 2023, 27.5), ("mfg_va_share_gdp", 2024, 28.3)])
    share = Engine(points, obs, region="衢州市", as_of=2023).run(load("recent_pace")).paths.loc["mfg_va_share_gdp"]
    # 26.7 (2022) → 27.5 (2023): +0.8 a year from 2023; 2024's 28.3 is not known in 2023
    assert share[2023] == 27.5 and share[2024] == pytest.approx(28.3) and share[2026] == pytest.approx(29.9)
    later = Engine(points, obs, region="衢州市", as_of=2023)
    s = parse("name: t\ndescription: d\nauthor: a\nassumptions:\n  high_value_patents_per_10k:\n"
              "    follow: reference\n    reference: {indicator: high_value_invention_patents_per_10k, region: 全国, "
              "from: 2022, to: 2025, measure: cagr}\n    source: s\n", "t.yml")
    res = later.run(s)
    assert res.paths.loc["high_value_patents_per_10k"].isna().all()
    assert "2022—2025年的数值在2023年尚未取得" in res.reasons["high_value_patents_per_10k"]


def test_growth_is_printed_at_the_precision_it_was_given(points):
    s = parse("name: t\ndescription: d\nauthor: a\nassumptions:\n  digital_core_va: {growth: 0.0025, rationale: r}\n"
              "  rd_intensity: {points_per_year: 0.05, rationale: r}\n", "t.yml")
    table = Engine(points).run(s).assumptions_table().set_index("对象")["假设"]
    assert table["数字经济核心产业增加值（亿元）"] == "年均增长 0.25%"        # not 0.2 % or 0.3 %
    assert table["规上制造业企业研发费用占营业收入的比重（%）"] == "每年 +0.05个百分点"


def test_batch_takes_brief_locks_in_one_sorted_order(processed_dir, tmp_path, monkeypatch):
    from qzlib.report import batch
    from qzlib.report.runner import BriefRequest

    taken = []

    @contextlib.contextmanager
    def record(dest, on_wait=None):
        taken.append(Path(dest))
        yield

    monkeypatch.setattr(batch, "locked", record)
    monkeypatch.setattr(batch, "is_up_to_date", lambda req, inputs: True)    # nothing to build
    asked = [BriefRequest(year=y, scenario=s, processed_dir=processed_dir, outputs_dir=tmp_path)
             for y, s in [(2026, "stress"), (2024, "plan_path"), (2025, "recent_pace"), (2024, "stress")]]
    batch.run_batch(asked, jobs=1, progress=False)
    assert taken == sorted(taken, key=str) and len(taken) == 4
    taken.clear()
    batch.run_batch(list(reversed(asked)), jobs=1, progress=False)
    assert taken == sorted(taken, key=str)                   # the same order whatever the request order


def test_the_calibration_table_is_package_data_and_in_every_briefs_inputs(tmp_path, monkeypatch):
    import tomllib

    from qzlib.forecast import models
    from qzlib.report import inputs

    assert models.SHIPPED.parent == paths.RESOURCES and models.SHIPPED.is_file()
    data = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "resources/**/*" in data["tool"]["setuptools"]["package-data"]["qzlib"]
    copy = tmp_path / "qzlib"
    shutil.copytree(inputs.QZLIB, copy, ignore=shutil.ignore_patterns("__pycache__"))
    table = copy / models.SHIPPED.relative_to(inputs.QZLIB)
    monkeypatch.setattr(inputs, "QZLIB", copy)
    before = inputs.code_hash()
    table.write_bytes(table.read_bytes() + b"\n")
    assert inputs.code_hash() != before                      # a changed table rebuilds the briefs


def test_a_scenario_file_publishes_under_its_own_name(tmp_path):
    from qzlib.report.cli import _scenario_place

    mine = tmp_path / "my_case.yml"
    mine.write_text((paths.SCENARIOS / "stress.yml").read_text(encoding="utf-8").replace("name: stress", "name: my_case"),
                    encoding="utf-8")
    assert _scenario_place(str(mine)) == ("my_case", tmp_path)
    copy = tmp_path / "x.yml"                                 # a copy that still calls itself plan_path
    copy.write_text((paths.SCENARIOS / "plan_path.yml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(click.BadParameter, match="plan_path"):
        _scenario_place(str(copy))
    home = Path.home() / f".qz-test-{np.random.default_rng().integers(1e9)}.yml"
    try:
        home.write_text(mine.read_text(encoding="utf-8").replace("my_case", home.stem), encoding="utf-8")
        assert _scenario_place(f"~/{home.name}") == (home.stem, home.parent)     # ~ is the user's home
    finally:
        home.unlink()
