"""The default of ``fit`` on short series: the procedure of the series' history class, and the
grid's window rule where that procedure is "grid"."""
from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from qzlib.forecast import calibration, fit, models  # noqa: E402

SHIPPED = json.loads(models.SHIPPED.read_text(encoding="utf-8"))
BYW = SHIPPED["default_by_window"]
INTERFACE = ("status", "method", "reason", "history", "path", "quantiles", "members", "bounds",
             "cdf", "ppf", "prob_at_least", "sample", "plot")


def _s(values, start=2020):
    return pd.Series(values, index=range(start, start + len(values)), dtype=float)


def _wiggly(n):
    i = np.arange(n)
    return 50 + 1.5 * i + np.where(i % 2, 1.2, -0.8)   # rising, not a straight line


def test_four_points_use_the_four_point_winner_and_say_so():
    fc = fit(_s(_wiggly(4), 2021), 2027)
    e = BYW["4"]
    assert fc.ok and fc.method == "combo"
    assert set(fc.members) == set(e["members"]) and len(fc.members) >= 2    # not drift alone
    assert fc.members != ("drift",)
    assert e["name"] in fc.reason and "4 个点的窗口" in fc.reason and "4 个点" in fc.reason
    # the point path is that combination of the members, computed by hand from the families
    years = np.arange(2025, 2028, dtype=float)
    fam = models.family_paths(np.arange(2021, 2025, dtype=float), _wiggly(4), years)
    agg = np.median if e["aggregate"] == "median" else np.mean
    expected = agg([fam[m] for m in e["members"]], axis=0)
    np.testing.assert_allclose(fc.path["mean"].to_numpy(), expected)


@pytest.mark.parametrize("n, key", [(3, "4"), (4, "4"), (5, "4"), (8, "8"), (15, "full")])
def test_fit_on_short_and_longer_series_keeps_the_interface(n, key):
    s = _s(_wiggly(n), 2025 - n)
    fc = fit(s, 2027)
    for attr in INTERFACE:
        assert hasattr(fc, attr), attr
    assert fc.ok and fc.method == "combo" and len(fc.history) == n
    t, y = s.index.to_numpy(float), s.to_numpy(float)
    got_key, name, spec = models.auto_choice(t, y)
    assert got_key == key
    proc = models.CHOSEN[models.history_class(n)]
    expected = BYW[key] if proc == "grid" else {
        "name": proc, "members": models.spec_families(models.resolve(models.PROCEDURES[proc], models.grid_choice(t, y)[2]))}
    assert name == expected["name"] and models.spec_families(spec) == tuple(expected["members"])
    assert set(fc.members) <= set(expected["members"]) and expected["name"] in fc.reason
    assert set(fc.members) <= set(models.eligible(s.index.to_numpy(float), s.to_numpy(float)))
    assert list(fc.path.index) == [2025, 2026, 2027]
    p = fc.path
    assert (p["lo95"] <= p["lo80"]).all() and (p["lo80"] <= p["mean"]).all()
    assert (p["mean"] <= p["hi80"]).all() and (p["hi80"] <= p["hi95"]).all()
    assert (np.diff(fc.quantiles.to_numpy(float), axis=1) >= 0).all()
    med = float(fc.ppf(2027, [0.5])[0])
    assert fc.cdf(2027, med) == pytest.approx(0.5, abs=1e-6)
    assert fc.prob_at_least(2027, p.loc[2027, "hi95"]) == pytest.approx(0.025, abs=1e-6)
    draws = fc.sample(200)
    assert draws.shape == (200, 3) and np.isfinite(draws.to_numpy()).all()
    ax = fc.plot()
    assert ax is not None
    import matplotlib.pyplot as plt
    plt.close("all")


def test_the_interval_table_is_the_one_learned_for_the_window_winner():
    s = _s(_wiggly(5), 2020)
    fc = fit(s, 2027)
    tab = calibration.shipped_table(None, "4")
    scale = calibration.scale_of(s.index.to_numpy(float), s.to_numpy(float))
    assert models.CHOSEN["short"] == "grid"                 # 5 points: the grid's 4-point winner
    off = tab.offsets("grid", np.array([1, 2, 3]))
    lv = list(calibration.LEVELS)
    np.testing.assert_allclose(fc.path["hi80"].to_numpy(),
                               fc.path["mean"].to_numpy() + off[:, lv.index(0.9)] * scale)


def test_window_rule_longest_usable_window_at_or_below_the_length(monkeypatch):
    fake = {"4": {"name": "mean(naive+drift)", "aggregate": "mean", "members": ["naive", "drift"]},
            "6": {"name": "mean(drift+theta)", "aggregate": "mean", "members": ["drift", "theta"]},
            "8": {"name": "mean(naive+theta)", "aggregate": "mean", "members": ["naive", "theta"]},
            "12": {"name": "mean(theta+damped)", "aggregate": "mean", "members": ["theta", "damped"]},
            "full": {"name": "mean(drift+damped)", "aggregate": "mean", "members": ["drift", "damped"]}}
    monkeypatch.setattr(models, "default_by_window", lambda: fake)
    monkeypatch.setattr(models, "ranking_by_window", lambda: {})          # winners only
    key = lambda t, y=None: models.auto_choice(np.asarray(t, float), np.ones(len(t)) if y is None else y)[0]  # noqa
    assert [key(np.arange(n)) for n in (3, 4, 5, 6, 7, 8, 11, 12, 13, 30)] == \
        ["4", "4", "4", "6", "6", "8", "8", "12", "full", "full"]
    gaps = np.r_[0, 1, 2, 4, 5, 6, 7, 8]                 # 8 points with a gap: no Theta
    assert key(gaps) == "4"
    y = np.r_[1.0, 2, 3, 4, 5, 6, 7]
    assert models.grid_choice(np.arange(7.0), y)[1:] == ("mean(drift+theta)", ("mean", ("drift", "theta")))


def test_a_long_series_the_winner_cannot_serve_gets_the_best_usable_entry_of_its_window(monkeypatch):
    """Values <= 0 rule out geometric drift and gaps rule out Theta/damped; the series keeps
    its window and takes the best-ranked combination it can use there (with the grid as the
    long histories' procedure, as before #25)."""
    monkeypatch.setitem(models.CHOSEN, "long", "grid")
    ranked = models.ranking_by_window()
    rng = np.random.default_rng(3)
    t = np.arange(1995.0, 2025.0)
    neg = -2 + 0.5 * np.arange(30) + rng.normal(0, 0.3, 30)                # crosses zero
    key, name, (_, members) = models.auto_choice(t, neg)
    assert key == "full" and "logdrift" not in members
    usable = set(models.eligible(t, neg))
    assert name == next(r for r in ranked["full"] if set(models.GRID[r][1]) <= usable)
    gapped = np.delete(t, [5, 17])
    gkey, _, (_, gmembers) = models.auto_choice(gapped, 10 + 0.5 * np.arange(28))
    assert gkey == "full" and not {"theta", "damped"} & set(gmembers)
    fc = fit(pd.Series(neg, index=t.astype(int)), 2027)
    assert fc.ok and set(fc.members) == set(models.GRID[name][1]) and name in fc.reason
    assert "不能全部用于本序列" in fc.reason                                   # says why not the winner
    assert fc.path["mean"].iloc[-1] > neg[-1]                              # the rise is carried on


def test_three_points_use_only_members_eligible_on_three_points():
    fc = fit(_s([2.7, 2.9, 2.95], 2022), 2027)
    three = {m for m, k in models.MIN_POINTS.items() if k <= 3}
    assert fc.ok and set(fc.members) <= three and len(fc.members) >= 2 and "ses" not in fc.members
