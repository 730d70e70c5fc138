"""Trend families and the Forecast object on synthetic series with known answers (tests only)."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from qzlib.forecast import fit, models


def _s(values, start=2010, years=None):
    return pd.Series(values, index=years if years is not None else range(start, start + len(values)), dtype=float)


def test_pure_exponential_recovers_its_growth_rate():
    s = _s([100 * 1.08 ** i for i in range(13)])          # 2010..2022
    fc = fit(s, 2027, "loglinear")
    assert fc.status == "ok" and fc.method == "loglinear"
    m = fc.path["mean"]
    assert m[2027] == pytest.approx(100 * 1.08 ** 17, rel=1e-9)
    assert (m / m.shift()).dropna().to_numpy() == pytest.approx(1.08, rel=1e-9)


def test_geometric_drift_carries_the_first_to_last_growth_rate_over_real_years():
    years = [2010, 2011, 2014, 2016]                        # gaps: the rate is per year, not per step
    s = _s([100 * 1.1 ** (y - 2010) for y in years], years=years)
    fc = fit(s, 2020, "logdrift")
    assert fc.ok and fc.method == "logdrift"
    assert fc.path["mean"][2020] == pytest.approx(100 * 1.1 ** 10, rel=1e-9)


def test_simple_exponential_smoothing_gives_a_level_without_trend():
    s = _s([10.0, 10.4, 9.8, 10.1, 10.3, 9.9, 10.2, 10.0])
    fc = fit(s, 2025, "ses")
    m = fc.path["mean"].to_numpy()
    assert fc.ok and np.ptp(m) == pytest.approx(0, abs=1e-12)  # flat path
    assert 9.8 <= m[0] <= 10.4                                 # a level inside the data's range


def test_flat_series_gives_a_flat_forecast_for_every_family():
    s = _s([5.0] * 12)
    for method in ["naive", "drift", "linear", "loglinear", "logdrift", "ses", "theta", "damped", "auto"]:
        fc = fit(s, 2027, method)
        assert fc.ok, method
        assert fc.path["mean"].to_numpy() == pytest.approx(5.0, abs=1e-6), method


def test_linear_series_gives_a_linear_path():
    s = _s([2 + 0.5 * i for i in range(10)])              # 2010..2019
    for method in ["linear", "drift"]:
        fc = fit(s, 2025, method)
        expected = [2 + 0.5 * (y - 2010) for y in range(2020, 2026)]
        assert fc.path["mean"].to_numpy() == pytest.approx(expected, rel=1e-9), method


def test_fewer_than_three_points_is_insufficient_and_says_so():
    for vals in ([], [3.0], [3.0, 3.2]):
        fc = fit(_s(vals, 2021), 2027)
        assert fc.status == "insufficient" and fc.path.empty
        assert "数据不足" in fc.reason and f"{len(vals)} 个" in fc.reason


def test_short_series_use_only_the_simplest_models():
    s = _s([2.7, 2.8, 2.95, 3.0], 2021)
    fc = fit(s, 2027)
    simple = {m for m, k in models.MIN_POINTS.items() if k <= 4}
    assert simple == {"naive", "drift", "linear", "loglinear", "logdrift", "ses", "dotm", "arima"}
    assert fc.ok and set(fc.members) <= simple
    assert "theta" not in fc.members and "damped" not in fc.members
    damped = fit(_s([1, 2, 3, 4, 5.5], 2018), 2027, "damped")   # five points: refused, not fitted
    assert damped.status == "insufficient" and "10" in damped.reason
    assert models.MIN_POINTS["damped"] >= 2 * 5 and models.MIN_POINTS["theta"] > 4


def test_gaps_are_kept_and_only_year_based_families_are_used():
    years = [2012, 2013, 2015, 2016, 2019, 2020]
    s = _s([1 + 0.3 * (y - 2012) for y in years], years=years)
    fc = fit(s, 2024, "auto")
    assert list(fc.history.index) == years                 # not filled
    assert "theta" not in fc.members and "damped" not in fc.members
    lin = fit(s, 2024, "linear")
    assert lin.path["mean"][2024] == pytest.approx(1 + 0.3 * 12)
    assert "缺口" in fc.reason
    assert fit(s, 2024, "theta").status == "insufficient"


def test_negative_values_and_zeros_never_reach_the_log_model():
    neg = _s([-3.0, -2.0, -1.5, 0.5, 1.0, 2.0, 2.5, 3.5])
    zero = _s([0.0, 1.0, 2.0, 2.5, 3.0, 4.0])
    for s in (neg, zero):
        assert not {"loglinear", "logdrift"} & set(models.eligible(*models.as_arrays(s)))
        assert fit(s, 2020, "loglinear").status == "insufficient"
        fc = fit(s, 2020)
        assert fc.ok and np.isfinite(fc.path.to_numpy()).all()


def test_intervals_are_ordered_widen_with_horizon_and_respect_bounds():
    rng = np.random.default_rng(1)
    s = _s(60 + np.cumsum(rng.normal(2, 1.5, 14)))
    fc = fit(s, 2030)
    p = fc.path
    assert (p["lo95"] <= p["lo80"]).all() and (p["lo80"] <= p["hi80"]).all() and (p["hi80"] <= p["hi95"]).all()
    width = (p["hi80"] - p["lo80"]).to_numpy()
    assert width[-1] > width[0] > 0
    share = fit(_s([90, 93, 95, 97, 98.5, 99.5]), 2030, upper=100.0, lower=0.0)
    assert share.path.to_numpy().max() <= 100.0
    assert share.prob_at_least(2030, 100.5) == 0.0


def test_probability_at_a_natural_bound_is_the_mass_at_or_beyond_it():
    # a share closing in on 100 %: the forecast quantiles above ~0.3 are clipped to 100 in the
    # path, but "reaching 100" must keep the trend's mass there, not drop to the clipped tail
    vals = [96, 97.5, 98.6, 99.4, 99.8]
    bounded = fit(_s(vals), 2027, upper=100.0, lower=0.0)
    free = fit(_s(vals), 2027)
    assert bounded.path["hi80"].max() == 100.0                        # the path is clipped
    p100 = bounded.prob_at_least(2027, 100.0)
    assert p100 == pytest.approx(free.prob_at_least(2027, 100.0), abs=1e-12)
    assert p100 > 0.5                                                  # the trend is above 100 by 2027
    assert bounded.prob_at_least(2027, 99.99) >= p100                  # monotone through the bound
    assert bounded.prob_at_least(2027, 100.01) == 0.0
    assert bounded.cdf(2027, 100.0) == 1.0 and bounded.cdf(2027, -1.0) == 0.0
    assert bounded.sample(500).to_numpy().max() <= 100.0


def test_probability_and_samples_follow_the_quantiles():
    s = _s([10 + i for i in range(12)])
    fc = fit(s, 2027)
    mid = float(fc.path.loc[2027, "mean"])
    lo, hi = fc.path.loc[2027, ["lo80", "hi80"]]
    assert fc.prob_at_least(2027, lo) == pytest.approx(0.9, abs=1e-9)
    assert fc.prob_at_least(2027, hi) == pytest.approx(0.1, abs=1e-9)
    assert fc.prob_at_least(2027, mid - 100) > 0.99 and fc.prob_at_least(2027, mid + 100) < 0.01
    draws = fc.sample(4000, seed=3)
    assert list(draws.columns) == list(range(2022, 2028)) and len(draws) == 4000
    assert ((draws[2027] >= lo) & (draws[2027] <= hi)).mean() == pytest.approx(0.8, abs=0.03)
    assert fc.prob_at_least(2027, float(fc.ppf(2027, 0.01)[0])) == pytest.approx(0.99, abs=1e-6)


def test_fan_chart_draws_chinese_without_missing_glyphs():
    import matplotlib

    matplotlib.use("Agg")
    s = _s([2.2, 2.35, 2.5, 2.7, 2.8, 2.95], 2019)
    fc = fit(s, 2027, upper=100.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = fc.plot(plan_path=pd.Series({2022: 2.7, 2025: 3.0, 2027: 3.4}), targets={2025: 3.0, 2027: 3.4},
                      title="研发费用占比（%）")
        fig.canvas.draw()
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "实际值" in texts and "规划目标" in texts and "80% 区间" in texts


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method must be one of"):
        fit(_s([1, 2, 3]), 2027, "sarimax")


def test_the_cli_offers_every_method_fit_accepts():
    import click

    from qzlib.forecast import cli, trend

    opt = next(p for p in cli.fit_cmd.params if p.name == "method")
    assert isinstance(opt.type, click.Choice) and set(opt.type.choices) == set(trend.METHODS)


def test_families_fit_with_one_blas_thread_and_the_setting_is_restored(monkeypatch):
    """Tiny optimisations run far slower on a threaded BLAS; the families run on one thread,
    with the same forecasts, and the process's setting comes back afterwards."""
    from threadpoolctl import threadpool_info

    def blas_threads():
        return {d["filepath"]: d["num_threads"] for d in threadpool_info() if d["user_api"] == "blas"}

    before = blas_threads()
    seen = []
    damped = models._FUNCS["damped"]

    def spy(t, y, tf):
        seen.append(blas_threads())
        return damped(t, y, tf)

    monkeypatch.setitem(models._FUNCS, "damped", spy)
    t = np.arange(2000.0, 2014.0)
    y = 100 + 5 * np.arange(14.0) + np.sin(np.arange(14.0))
    paths = models.family_paths(t, y, np.arange(2014.0, 2020.0), families={"damped"})
    assert seen and all(n == 1 for n in seen[0].values())
    assert blas_threads() == before
    np.testing.assert_array_equal(paths["damped"], damped(t, y, np.arange(2014.0, 2020.0)))
