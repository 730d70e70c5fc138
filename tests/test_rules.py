"""One rule for every verdict (qzlib.rules), pinned at its edges: the lenses, the scenario
engine and the brief all decide met / on schedule / ladder step with it, on the numbers
as printed."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qzlib import rules
from qzlib.forecast import progress as P


def test_completion_equal_to_time_reads_on_schedule_despite_floating_point():
    # 研发 2.7 → 2.9 (2024) of 3.0 (2025): completion 2/3 at time 2/3; float gives 0.6666666666666662
    comp = (2.9 - 2.7) / (3.0 - 2.7)
    assert comp < 2 / 3                      # the trap
    r = P.lens_completion(2022, 2.7, 2025, 3.0, 2024, 2.9)
    assert r["l1_label"] == "同步" and r["l1_colour"] == P.GREEN
    # one printed point short of time reads behind, and prints so
    r = P.lens_completion(2022, 2.7, 2025, 3.0, 2024, 2.89)
    assert rules.text(r["completion"], 2, percent=True) == "63%" and r["l1_label"] == "滞后"


def test_ratio_graded_as_printed():
    steps = [(P.R_ON_TRACK, "进度正常", "green"), (P.R_ACCELERATE, "需加快", "amber")]
    assert rules.text(0.9497, rules.RATIO_DIGITS) == "0.95"
    assert rules.ladder(0.9497, steps, ("x", "red"), rules.RATIO_DIGITS)[0] == "进度正常"
    assert rules.text(0.9449, rules.RATIO_DIGITS) == "0.94"
    assert rules.ladder(0.9449, steps, ("x", "red"), rules.RATIO_DIGITS)[0] == "需加快"
    # half-up at the printed digit, not banker's rounding of the binary value
    assert rules.text(0.945, 2) == "0.95" and rules.text(0.125, 2) == "0.13"


@pytest.mark.parametrize("value,target,comp,expected", [
    (30.0, 30.0, "≥", True), (29.996, 30.0, "≥", True),      # prints 30 → met
    (29.994, 30.0, "≥", False),                                 # prints 29.99 → not met
    (30.0, 30.0, ">", False), (30.01, 30.0, ">", True),         # strict, at the printed precision
    (30.0, 30.0, "", True), (30.0, 30.0, "=", True),
    (32.67, 100 / 3, "≈", True), (32.66, 100 / 3, "≈", False),  # 1/3左右: within 2 % below
    (7.0, 8.0, "≤", True), (8.0, 8.0, "≤", True), (8.01, 8.0, "≤", False), (8.0, 8.0, "<", False),
    (float("nan"), 3.0, "≥", False), (3.0, None, "≥", False),
])
def test_is_met_edges(value, target, comp, expected):
    assert rules.is_met(value, target, comp) is expected


def test_decline_and_floor_targets():
    # a 降幅 indicator states the fall: a larger fall meets a ≥ target
    assert rules.direction("≥") == 1 and rules.is_met(3.5, 3.2, "≥")
    assert rules.direction("≤") == -1 and rules.direction("不高于") == -1
    # a floor below the baseline (10 → target 8): 8 meets it, 7.99 does not, and lens 1 says so in red
    assert rules.is_met(8.0, 8.0, "≥") and not rules.is_met(7.99, 8.0, "≥")
    r = P.lens_completion(2022, 10.0, 2025, 8.0, 2024, 7.0)
    assert r["l1_colour"] == P.RED


def test_scenario_engine_uses_the_same_rule(processed_dir):
    """A scenario path that lands on a target at the printed precision meets it, as the lenses say."""
    from qzlib.plan.tables import indicator_points, load_indicators
    from qzlib.scenarios import Scenario, run

    points = indicator_points(load_indicators(processed_dir))
    # 研发 2.7 growing so that 2025 is 2.9999999 (floating point short of 3.0)
    g = (2.9999999 / 2.7) ** (1 / 3) - 1
    sc = Scenario(name="edge", description="edge", author="test", base_year=2022,
                  assumptions={"rd_intensity": {"growth": g}})
    a = run(sc, points).attainment
    row = a[(a["code"] == "rd_intensity") & (a["target_year"] == 2025)].iloc[0]
    assert row["status"] == "met" and rules.is_met(row["value"], 3.0, "≥")
    assert int(row["first_year_reached"]) == 2025


def test_interpolate_is_the_plan_path():
    from qzlib.plan.path import plan_path

    pts = pd.DataFrame({"code": ["rd"] * 3, "year": [2022, 2025, 2027], "value": [2.7, 3.0, 3.4],
                        "qualifier": ["exact"] * 3})
    s = plan_path(pts, "rd")
    ours = rules.interpolate(np.arange(2022, 2028), [(2022, 2.7), (2025, 3.0), (2027, 3.4)])
    assert np.allclose(s.to_numpy(), ours) and s[2025] == 3.0 and s[2027] == 3.4
    assert s[2024] == pytest.approx(2.7 * (3.0 / 2.7) ** (2 / 3))
