"""`qz scenario list | check | run` through the real entry point."""
from __future__ import annotations

import pandas as pd
import pytest

from qzlib.cli import main
from qzlib.paths import SCENARIOS
from test_scenarios_fixtures import plan_points


def _qz(capsys, *args):
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_names_the_shipped_scenarios(capsys):
    code, out, _ = _qz(capsys, "scenario", "list")
    assert code == 0
    for name in ["plan_path", "recent_pace", "stress"]:
        assert name in out


def test_check_accepts_a_good_file_and_refuses_a_typo_with_exit_2(capsys, tmp_path):
    code, out, _ = _qz(capsys, "scenario", "check", str(SCENARIOS / "stress.yml"))
    assert code == 0 and out.startswith("ok:")
    bad = tmp_path / "typo.yml"
    bad.write_text((SCENARIOS / "stress.yml").read_text(encoding="utf-8").replace("  land:", "  lnad:"),
                   encoding="utf-8")
    code, _, err = _qz(capsys, "scenario", "check", str(bad))
    assert code == 2
    assert "typo.yml" in err and "components.lnad" in err and "did you mean 'land'" in err


def test_check_refuses_a_year_outside_the_plans_years(capsys, tmp_path, processed_dir):
    far = tmp_path / "far.yml"
    far.write_text("name: far\ndescription: 测试\nauthor: tests\nassumptions:\n"
                   "  per_mu_tax: {levels: {2031: 40}, source: 测试}\n", encoding="utf-8")
    code, _, err = _qz(capsys, "scenario", "check", str(far), "--processed-dir", str(processed_dir))
    assert code == 2
    assert "far.yml" in err and "assumptions.per_mu_tax.levels.2031" in err and "2022–2030" in err
    code, out, _ = _qz(capsys, "scenario", "check", str(SCENARIOS / "stress.yml"), "--processed-dir", str(processed_dir))
    assert code == 0 and "years within the plan's 2022–2030" in out


def test_run_writes_paths_attainment_assumptions_and_chart(capsys, tmp_path, monkeypatch):
    import qzlib.scenarios as scenarios

    monkeypatch.setattr(scenarios, "plan_points", lambda processed_dir=None: plan_points())
    before = {p.name: p.read_bytes() for p in SCENARIOS.glob("*.yml")}
    code, out, err = _qz(capsys, "scenario", "run", "stress", "--out", str(tmp_path / "stress"))
    assert code == 0, err
    assert "of 26 assessed targets met" in out
    files = sorted(p.name for p in (tmp_path / "stress").iterdir())
    assert files == ["assumptions.csv", "attainment.csv", "paths.csv", "paths.png", "scenario.yml"]
    a = pd.read_csv(tmp_path / "stress" / "attainment.csv")
    row = a[(a.code == "per_mu_value_added") & (a.target_year == 2025)].iloc[0]
    assert row.value == pytest.approx(119 * (1.05 / 1.01) ** 3) and row.status == "missed"
    assert {p.name: p.read_bytes() for p in SCENARIOS.glob("*.yml")} == before


def test_run_of_an_unknown_scenario_exits_2_naming_the_known_ones(capsys, monkeypatch):
    import qzlib.scenarios as scenarios

    monkeypatch.setattr(scenarios, "plan_points", lambda processed_dir=None: plan_points())
    code, _, err = _qz(capsys, "scenario", "run", "no_such_scenario")
    assert code == 2 and "plan_path" in err and "no_such_scenario" in err
