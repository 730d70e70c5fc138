"""The statsforecast families (ETS, CES, dynamic optimised Theta, ARIMA) on synthetic series
with known answers, their failures, the declared procedures and the short-history guards.
All series here are synthetic."""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from qzlib.forecast import calibration, fit, models

NEW = ("ets", "ces", "dotm", "arima")
T = np.arange(2000.0, 2012.0)
TF = np.arange(2012.0, 2016.0)


def _s(values, start=2020):
    return pd.Series(values, index=range(start, start + len(values)), dtype=float)


def test_a_straight_line_is_carried_on_by_ets_arima_and_theta():
    y = 10 + 2 * (T - 2000)
    paths = models.family_paths(T, y, TF, families=set(NEW))
    line = 10 + 2 * (TF - 2000)                                   # 34, 36, 38, 40
    np.testing.assert_allclose(paths["ets"], line, atol=1e-3)     # additive trend, no damping needed
    np.testing.assert_allclose(paths["arima"], line, atol=1e-3)   # a random walk with drift
    np.testing.assert_allclose(paths["dotm"], line, atol=0.1)
    assert np.all(np.diff(paths["ces"]) > 0)                      # CES keeps the rise
    assert paths["ces"][0] == pytest.approx(34, abs=1.5)


def test_noise_around_a_level_gives_a_flat_forecast_near_the_mean():
    y = 50 + np.random.default_rng(0).normal(0, 1, len(T))       # no trend: every family stays level
    paths = models.family_paths(T, y, TF, families=set(NEW))
    assert set(paths) == set(NEW)
    for fam in NEW:
        assert np.ptp(paths[fam]) < 0.2, fam
        assert paths[fam].mean() == pytest.approx(y.mean(), abs=0.3), fam


def test_only_the_years_asked_for_are_returned_and_gaps_rule_the_families_out():
    y = 10 + 2 * (T - 2000)
    later = np.array([2013.0, 2015.0])                            # not every year
    np.testing.assert_allclose(models.family_paths(T, y, later, families={"arima"})["arima"], [36, 40], atol=1e-3)
    gapped = np.delete(T, 4)
    assert not set(NEW) & set(models.eligible(gapped, np.delete(y, 4)))
    assert set(models.eligible(T[:4], y[:4])) & set(NEW) == {"dotm", "arima"}   # minimum lengths
    assert models.MIN_POINTS["ets"] == 7 and models.MIN_POINTS["ces"] == 5


def test_a_failing_family_is_logged_and_reported_and_drops_out(monkeypatch, caplog):
    def broken(t, y, tf):
        raise np.linalg.LinAlgError("singular matrix")
    monkeypatch.setitem(models._FUNCS, "theta", broken)
    failures = {}
    with caplog.at_level(logging.INFO, logger="qzlib.forecast.models"):
        paths = models.family_paths(T, 10 + 2 * (T - 2000), TF, failures=failures)
    assert "theta" not in paths and "arima" in paths and "drift" in paths
    assert failures == {"theta": "LinAlgError: singular matrix"}
    assert "trend family theta left out on 12 points: LinAlgError: singular matrix" in caplog.text
    # the user sees it in the forecast's reason
    s = _s(10 + 2 * np.arange(12.0), 2010)
    assert fit(s, 2027, "theta").status == "insufficient"
    fc = fit(s, 2027, "drift")
    assert fc.ok and "Theta 法拟合失败，未纳入（LinAlgError: singular matrix）" in fc.reason


def test_a_family_without_an_interval_row_is_not_offered_alone():
    s = _s(10 + 2 * np.arange(12.0) + np.tile([0.5, -0.5], 6), 2010)
    tab = calibration.shipped_table(12)
    for fam in NEW:
        fc = fit(s, 2027, fam)
        if fam in tab.quantiles:
            assert fc.ok and fc.method == fam
        else:
            assert fc.status == "insufficient" and "尚无该长度序列的区间校准表" in fc.reason


def test_a_programming_error_in_a_family_is_not_swallowed(monkeypatch):
    def buggy(t, y, tf):
        return undefined_name  # noqa: F821
    monkeypatch.setitem(models._FUNCS, "drift", buggy)
    with pytest.raises(NameError):
        models.family_paths(T, 10 + 2 * (T - 2000), TF)


def test_an_interval_table_refuses_a_method_it_has_no_row_for():
    tab = calibration.CalibrationTable({"drift": np.zeros((6, len(calibration.LEVELS)))}, note="window=4")
    with pytest.raises(ValueError, match=r"no interval table for method 'ets' \(window=4\); it has: drift"):
        tab.offsets("ets", np.array([1, 2]))


def test_at_most_five_procedures_and_three_classes_declared():
    assert 1 <= len(models.PROCEDURES) <= 5 and "grid" in models.PROCEDURES
    assert models.PROCEDURES["scum"] == ("median", ("ets", "ces", "dotm", "arima"))
    assert [c for c, _ in models.HISTORY_CLASSES] == list(models.CLASS_WINDOWS) == list(models.CHOSEN)
    assert [models.history_class(n) for n in (3, 5, 6, 10, 11, 40)] == ["short", "short", "mid", "mid",
                                                                          "long", "long"]
    assert set(models.CHOSEN.values()) <= set(models.PROCEDURES)


def test_three_points_give_a_forecast_with_wide_intervals_and_two_are_insufficient():
    three = fit(_s([50.0, 52.0, 53.0], 2022), 2027)
    assert three.ok and len(three.members) >= 2
    p = three.path
    # mean |change| is 1.5 a year; the 95 % interval one year ahead spans several of those,
    # and five years ahead far more
    assert p.loc[2025, "hi95"] - p.loc[2025, "lo95"] > 3 * 1.5
    assert p.loc[2027, "hi95"] - p.loc[2027, "lo95"] > 10 * 1.5
    assert p.loc[2027, "hi80"] - p.loc[2027, "lo80"] > p.loc[2025, "hi80"] - p.loc[2025, "lo80"]
    two = fit(_s([50.0, 52.0], 2023), 2027)
    assert two.status == "insufficient" and "数据不足" in two.reason and two.path.empty


def test_the_default_uses_the_procedure_of_the_series_class_and_its_own_interval_row():
    for n in (4, 8, 15):
        s = _s(50 + 1.5 * np.arange(n) + np.where(np.arange(n) % 2, 1.2, -0.8), 2025 - n)
        t, y = s.index.to_numpy(float), s.to_numpy(float)
        key, name, spec = models.auto_choice(t, y)
        proc = models.CHOSEN[models.history_class(n)]
        fc = fit(s, 2027)
        assert fc.ok and set(fc.members) <= set(models.spec_families(spec))
        if proc == "grid":
            assert name in models.GRID and "默认组合" in fc.reason
            row = "grid"
        else:
            assert spec == models.resolve(models.PROCEDURES[proc], models.grid_choice(t, y)[2])
            assert name == proc and f"默认程序 {proc}" in fc.reason
            row = proc
        tab = calibration.shipped_table(n, key)
        off = tab.offsets(row, np.array([1, 2, 3]))
        scale = calibration.scale_of(t, y)
        lv = list(calibration.LEVELS)
        np.testing.assert_allclose(fc.path["hi80"].to_numpy(),
                                   fc.path["mean"].to_numpy() + off[:, lv.index(0.9)] * scale)


def test_a_switched_on_procedure_gives_its_median_and_reads_its_own_interval_row(monkeypatch):
    """What 6-10 points get once scum is switched on (models.CHOSEN): the median of the four
    statsforecast families, with the interval row learned for scum."""
    monkeypatch.setitem(models.CHOSEN, "mid", "scum")
    s = _s(50 + 1.5 * np.arange(8) + np.where(np.arange(8) % 2, 1.2, -0.8), 2017)
    t, y = s.index.to_numpy(float), s.to_numpy(float)
    lv = len(calibration.LEVELS)
    rows = {"scum": np.tile(np.linspace(-2, 2, lv), (6, 1)), "grid": np.tile(np.linspace(-9, 9, lv), (6, 1))}
    fc = fit(s, 2027, table=calibration.CalibrationTable(rows))
    years = np.arange(2025.0, 2028.0)
    fam = models.family_paths(t, y, years, families={"ets", "ces", "dotm", "arima"})
    assert set(fam) == {"ets", "ces", "dotm", "arima"}            # 8 points: all four fit
    np.testing.assert_allclose(fc.path["mean"].to_numpy(), np.median(list(fam.values()), axis=0))
    assert fc.members == ("ets", "ces", "dotm", "arima") and "默认程序 scum" in fc.reason
    assert "「6–10 个点」" in fc.reason
    scale = calibration.scale_of(t, y)
    np.testing.assert_allclose(fc.path["hi95"].to_numpy() - fc.path["mean"].to_numpy(), 2 * scale)
    # a series with a gap cannot use the four: it gets the grid's choice and says so
    gapped = s.drop(2020)
    fc = fit(gapped, 2027, table=calibration.CalibrationTable(rows))
    assert fc.ok and "默认组合" in fc.reason and not {"ets", "ces", "dotm", "arima"} & set(fc.members)


def test_mix_is_the_mean_of_the_grid_choice_and_scum_and_reads_its_own_row(monkeypatch):
    """What a class gets with "mix" switched on: the mean of the series' grid combination and
    the median of the four statsforecast families; without two of those four, the grid alone."""
    monkeypatch.setitem(models.CHOSEN, "long", "mix")
    s = _s(50 + 1.5 * np.arange(15) + np.where(np.arange(15) % 2, 1.2, -0.8), 2010)
    t, y = s.index.to_numpy(float), s.to_numpy(float)
    key, name, spec = models.auto_choice(t, y)
    grid = models.grid_choice(t, y)[2]
    assert name == "mix" and spec == ("mean", (grid, models.PROCEDURES["scum"]))
    lv = len(calibration.LEVELS)
    rows = {"mix": np.tile(np.linspace(-2, 2, lv), (6, 1)), "grid": np.tile(np.linspace(-9, 9, lv), (6, 1))}
    fc = fit(s, 2027, table=calibration.CalibrationTable(rows))
    fam = models.family_paths(t, y, np.arange(2025.0, 2028.0))
    g = models.combine(fam, spec=grid)
    scum = np.median([fam[m] for m in NEW], axis=0)
    np.testing.assert_allclose(fc.path["mean"].to_numpy(), (g + scum) / 2)
    assert set(fc.members) == set(grid[1]) | set(NEW) and "默认程序 mix" in fc.reason and "］" in fc.reason
    np.testing.assert_allclose(fc.path["hi95"].to_numpy() - fc.path["mean"].to_numpy(),
                               2 * calibration.scale_of(t, y))
    gapped = s.drop(2015)                                   # no state-space family: the grid's choice
    fc = fit(gapped, 2027, table=calibration.CalibrationTable(rows))
    assert fc.ok and "默认组合" in fc.reason and not set(NEW) & set(fc.members)


def test_width_factors_resize_the_procedure_row_and_auto_around_the_median(monkeypatch):
    monkeypatch.setattr(calibration, "WIDTH_FACTORS", {"8": {"scum": (0.9, 1.2)}})
    monkeypatch.setitem(models.CHOSEN, "mid", "scum")
    k = calibration.width_factors("8")
    assert set(k) == {"scum", "auto"} and k["auto"].shape == (calibration.HORIZON, len(calibration.PAIRS))
    assert k["scum"][0].tolist() == pytest.approx([0.9] * 4 + [1.05, 1.2])
    assert calibration.width_factors("full") == {}
    tab = calibration.shipped_table(8)
    plain = calibration.CalibrationTable(tab.quantiles)
    h = np.arange(1, 7)
    lv = list(calibration.LEVELS)
    mid = lv.index(0.5)
    for row in ("scum", "auto"):
        off, off0 = tab.offsets(row, h), plain.offsets(row, h)
        np.testing.assert_allclose(off[:, mid], off0[:, mid])
        for level, factor in ((0.1, 0.9), (0.9, 0.9), (0.025, 1.2), (0.975, 1.2)):
            i = lv.index(level)
            np.testing.assert_allclose(off[:, i] - off[:, mid], factor * (off0[:, i] - off0[:, mid]))
    np.testing.assert_allclose(tab.offsets("grid", h), plain.offsets("grid", h))   # other rows as learned
