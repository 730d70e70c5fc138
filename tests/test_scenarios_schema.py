"""Scenario files: each schema error names the file and the key path; shipped files validate."""
from __future__ import annotations

import pandas as pd
import pytest

from qzlib.errors import InputError
from qzlib.paths import SCENARIOS
from qzlib.scenarios.files import list_files
from qzlib.scenarios.schema import load, parse

GOOD = """\
name: t
description: 测试情景
author: tests
base_year: 2022
assumptions:
  rd_intensity: {growth: 0.04, source: 测试}
"""


def _error(tmp_path, text, name="x.yml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load(path)
    return str(exc.value)


def test_a_good_file_loads():
    s = parse(GOOD, "t.yml")
    assert s.name == "t" and s.base_year == 2022
    assert s.assumptions == {"rd_intensity": {"growth": 0.04, "source": "测试"}}


def test_typo_in_indicator_code_names_file_key_and_suggestion(tmp_path):
    msg = _error(tmp_path, GOOD.replace("rd_intensity:", "rd_intensty:"))
    assert "x.yml" in msg
    assert "assumptions.rd_intensty" in msg
    assert "did you mean 'rd_intensity'" in msg
    assert "per_mu_value_added" in msg  # the list of known codes


def test_growth_of_700_percent_is_refused_with_key_path(tmp_path):
    msg = _error(tmp_path, GOOD.replace("0.04", "7.0"))
    assert "x.yml" in msg and "assumptions.rd_intensity.growth" in msg and "7.0" in msg
    assert "between -0.5 and 1.0" in msg


def test_base_year_is_optional_and_defaults_to_the_plans_baseline(tmp_path, processed_dir):
    from qzlib.plan.tables import indicator_points, load_indicators
    from qzlib.scenarios import run

    path = tmp_path / "x.yml"
    path.write_text(GOOD.replace("base_year: 2022\n", ""), encoding="utf-8")
    s = load(path)
    assert s.base_year is None and "base_year" not in s.to_dict()
    r = run(s, indicator_points(load_indicators(processed_dir)), region="衢州市")
    assert r.scenario.base_year == 2022 and r.paths.loc["rd_intensity", 2022] == 2.7


def test_bad_yaml_syntax_names_file_and_line(tmp_path):
    msg = _error(tmp_path, GOOD + "  digital_core_va: growth: 0.1\n")
    assert "x.yml" in msg and "line 7" in msg and "valid YAML" in msg


def test_unknown_component_and_unknown_key(tmp_path):
    text = GOOD + "components:\n  lnad: {growth: 0.0, rationale: r}\n"
    msg = _error(tmp_path, text.replace("source: 测试", "sauce: 测试"))
    assert "components.lnad" in msg and "did you mean 'land'" in msg
    assert "assumptions.rd_intensity.sauce" in msg


def test_two_modes_and_no_source_are_refused(tmp_path):
    msg = _error(tmp_path, GOOD.replace("{growth: 0.04, source: 测试}", "{growth: 0.04, points_per_year: 0.1}"))
    assert "exactly one of growth, points_per_year, levels, follow" in msg
    assert "'source' or 'rationale'" in msg


def test_indicator_and_its_components_together_are_refused(tmp_path):
    text = """\
name: t
description: 矛盾
author: tests
base_year: 2022
assumptions:
  per_mu_value_added: {growth: 0.05, source: s}
components:
  value_added: {growth: 0.07, rationale: r}
  land: {growth: 0.0, rationale: r}
"""
    msg = _error(tmp_path, text)
    assert "assumptions.per_mu_value_added" in msg
    assert "components.value_added, components.land" in msg
    assert "not both" in msg


def test_level_years_must_follow_the_base_year(tmp_path):
    msg = _error(tmp_path, GOOD.replace("{growth: 0.04, source: 测试}", "{levels: {2021: 3.0}, source: s}"))
    assert "assumptions.rd_intensity.levels.2021" in msg


def test_reference_window_must_be_complete(tmp_path):
    spec = "{follow: reference, reference: {indicator: rd_gdp_pct, region: 浙江省, from: 2016}, source: s}"
    msg = _error(tmp_path, GOOD.replace("{growth: 0.04, source: 测试}", spec))
    assert "assumptions.rd_intensity.reference.to" in msg and "missing" in msg


def test_all_problems_are_reported_at_once(tmp_path):
    text = GOOD.replace("base_year: 2022\n", "base_year: 1800\n").replace("rd_intensity:", "rd_intensty:")
    err = None
    path = tmp_path / "x.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load(path)
    err = exc.value
    assert len(err.problems) == 2


def test_the_shipped_scenarios_validate():
    names = {p.stem for p in list_files(SCENARIOS)}
    assert {"plan_path", "recent_pace", "stress"} <= names
    for path in list_files(SCENARIOS):
        s = load(path)
        assert s.name == path.stem
        assert s.description.strip()
        for section in (s.assumptions, s.components):
            for spec in section.values():
                assert spec.get("source") or spec.get("rationale")


def test_recent_pace_cites_a_row_of_the_statistics_for_every_assumption():
    import pandas as pd

    from qzlib.paths import STATISTICS_DIR

    obs = pd.read_csv(STATISTICS_DIR / "reference_statistics.csv")
    s = load("recent_pace")
    for code, spec in s.assumptions.items():
        ref = spec.get("reference")
        if ref is None:        # follow: observed without a fallback says why it has none
            assert spec["follow"] == "observed" and "无可引用的参照速度" in spec["rationale"], code
            continue
        rows = obs[(obs.indicator_code == ref["indicator"]) & (obs.region == ref["region"])]
        assert {ref["from"], ref["to"]} <= set(rows.year), code
        assert ref["indicator"] in spec["source"] and ref["region"] in spec["source"], code


def test_unknown_trend_method_names_file_key_value_and_the_methods_fit_offers(tmp_path):
    # a method fit() does not have (the schema once suggested 'ets' before fit had it): check must refuse it
    from qzlib.forecast.trend import METHODS, fit

    bad = GOOD.replace("rd_intensity: {growth: 0.04, source: 测试}",
                       "rd_intensity: {follow: trend, method: prophet, source: 测试}")
    msg = _error(tmp_path, bad)
    assert "x.yml, assumptions.rd_intensity.method: got 'prophet'" in msg
    assert "expected a trend method of qz trend fit (趋势外推方法): one of auto, select, combo, " in msg
    assert "prophet" not in METHODS
    assert msg.rstrip().endswith("one of " + ", ".join(METHODS))  # the list is fit()'s own
    with pytest.raises(ValueError):  # what run() did with it before: a traceback
        fit(pd.Series([1.0, 2.0, 3.0, 4.0], index=[2019, 2020, 2021, 2022]), 2025, "prophet")


@pytest.mark.parametrize("method", ["auto", "combo", "damped", "theta"])
def test_every_method_fit_offers_is_accepted(method):
    s = parse(GOOD.replace("rd_intensity: {growth: 0.04, source: 测试}",
                           f"rd_intensity: {{follow: trend, method: {method}, source: 测试}}"), "t.yml")
    assert s.assumptions["rd_intensity"]["method"] == method


def test_scenario_check_and_run_with_unknown_method_exit_2_without_traceback(tmp_path, capsys):
    from qzlib.cli import main

    path = tmp_path / "badm.yml"
    path.write_text(GOOD.replace("name: t", "name: badm").replace(
        "rd_intensity: {growth: 0.04, source: 测试}", "rd_intensity: {follow: trend, method: prophet, source: 测试}"),
        encoding="utf-8")
    for cmd in (["scenario", "check", str(path)], ["scenario", "run", str(path), "--out", str(tmp_path / "o")]):
        with pytest.raises(SystemExit) as exc:  # a ValueError from fit() would escape here instead
            main(cmd)
        err = capsys.readouterr().err
        assert exc.value.code == 2, cmd
        assert f"error: {path}, assumptions.rd_intensity.method: got 'prophet'" in err, err
    assert not (tmp_path / "o").exists()


def test_importing_the_scenario_schema_skips_jsonschemas_slow_iri_grammars():
    """jsonschema's IRI checks (rfc3987_syntax: ~1 s of parser building per process) are not
    loaded by the scenario schema; shipped files still validate, a bad one is still refused,
    and rfc3987_syntax stays importable afterwards."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from qzlib.scenarios import schema\n"
            "assert 'rfc3987_syntax' not in sys.modules, 'loaded'\n"
            "for f in schema.list_files(schema.SCENARIOS): schema.load(f)\n"
            f"try:\n    schema.parse({GOOD.replace('0.04', '7.0')!r}, 'x.yml')\n"       # a jsonschema range
            "except schema.InputError as e:\n    assert 'assumptions.rd_intensity.growth' in str(e), e\n"
            "else:\n    raise SystemExit('bad file accepted')\n"
            "import rfc3987_syntax\nprint('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
