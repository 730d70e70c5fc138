"""Point forecasts of the trend families, on years that may have gaps.

Each family is a function ``(years, values, future_years) -> point forecasts``. Drift,
geometric drift, linear and log-linear use the years themselves, so a gap in the record is
simply a longer step; simple exponential smoothing only uses the order of the values; the
state-space families (damped ETS, Theta) assume one value a year and are only offered when
the years are consecutive. The log-scale families need positive values.

Minimum lengths are ours, not the library's: statsmodels happily fits a damped trend
(five parameters: alpha, beta, phi and two initial states) to five points and warns
about nothing. Few parameters win on short annual series (M3/M4 evidence), so the
richer families wait for more data.
"""
from __future__ import annotations

import json
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import statsmodels.api as sm

# Fewer points than this and no trend is fitted at all ("insufficient data").
MIN_POINTS_ANY = 3
# Minimum number of observations per family, chosen so that every family keeps at
# least ~2 observations per estimated parameter (drift/linear/log: 2; Theta: SES alpha,
# level and OLS slope; damped ETS: alpha, beta, phi, initial level and slope).
MIN_POINTS = {
    "naive": 3,
    "drift": 3,
    "linear": 3,
    "loglinear": 3,
    "logdrift": 3,
    "ses": 4,
    "theta": 6,
    "damped": 10,
}
FAMILIES = tuple(MIN_POINTS)
NAMES_ZH = {
    "naive": "不变（最新值外推）",
    "drift": "带漂移随机游走",
    "linear": "线性趋势",
    "loglinear": "对数线性趋势（恒定增速）",
    "logdrift": "几何漂移（首末年平均增速外推）",
    "ses": "简单指数平滑",
    "theta": "Theta 法",
    "damped": "阻尼趋势指数平滑",
    "combo": "组合预测",
}


def _naive(t, y, tf):
    return np.full(len(tf), y[-1])


def _drift(t, y, tf):
    slope = (y[-1] - y[0]) / (t[-1] - t[0])
    return y[-1] + slope * (tf - t[-1])


def _logdrift(t, y, tf):
    # drift on the log scale: the average growth rate from the first to the last point,
    # carried on from the last value (the plan's own "年均增长" arithmetic).
    rate = (np.log(y[-1]) - np.log(y[0])) / (t[-1] - t[0])
    return y[-1] * np.exp(rate * (tf - t[-1]))


def _ols(t, y, tf):
    X = sm.add_constant(t - t[-1], has_constant="add")
    res = sm.OLS(y, X).fit()
    Xf = sm.add_constant(tf - t[-1], has_constant="add")
    return res.predict(Xf)


def _linear(t, y, tf):
    return _ols(t, y, tf)


def _loglinear(t, y, tf):
    # exp of the fitted log line: the median path of constant-percentage growth.
    return np.exp(_ols(t, np.log(y), tf))


def _ses(t, y, tf):
    # simple exponential smoothing: a level that follows recent values, no trend. Unlike
    # the ETS/Theta families it uses the years only for their order, so gaps are allowed.
    from statsmodels.tsa.holtwinters import SimpleExpSmoothing

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = SimpleExpSmoothing(np.asarray(y, float), initialization_method="estimated").fit()
        level = float(res.forecast(1)[0])
    return np.full(len(tf), level)


def _theta(t, y, tf):
    from statsmodels.tsa.forecasting.theta import ThetaModel

    h = int(tf[-1] - t[-1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ThetaModel(np.asarray(y, float), period=1, deseasonalize=False).fit()
        f = np.asarray(res.forecast(h))
    return f[(tf - t[-1] - 1).astype(int)]


def _damped(t, y, tf):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    h = int(tf[-1] - t[-1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ETSModel(np.asarray(y, float), error="add", trend="add", damped_trend=True).fit(
            disp=False, maxiter=200
        )
        f = np.asarray(res.forecast(h))
    if not np.all(np.isfinite(f)):
        raise FloatingPointError("damped ETS gave non-finite forecasts")
    return f[(tf - t[-1] - 1).astype(int)]


_FUNCS: dict[str, Callable] = {
    "naive": _naive,
    "drift": _drift,
    "linear": _linear,
    "loglinear": _loglinear,
    "logdrift": _logdrift,
    "ses": _ses,
    "theta": _theta,
    "damped": _damped,
}

# Combinations: (aggregate, members). Members that are not eligible for a series or fail
# to fit drop out; the median of two is their mean.
#
# The GRID the default is chosen from: every median and every mean of 2-4 members of
# GRID_MEMBERS (a median of two is a mean, so it is listed once): 21 pairs + 2 x 35 triples
# + 2 x 35 quadruples = 161 candidates. The first five members were declared before any
# validation result was seen; ses and logdrift joined after a comparison on the validation
# blocks (training rows only) of four further families, in which a robust (median-slope)
# drift added nothing and ARIMA(0,1,1) with drift too little for its cost (bench/README.md).
GRID_MEMBERS = ("naive", "drift", "theta", "damped", "linear", "ses", "logdrift")


def _grid() -> dict[str, tuple[str, tuple[str, ...]]]:
    from itertools import combinations

    out = {}
    for r in (2, 3, 4):
        for members in combinations(GRID_MEMBERS, r):
            for agg in (("mean",) if r == 2 else ("median", "mean")):
                out[f"{agg}({'+'.join(members)})"] = (agg, members)
    return out


GRID: dict[str, tuple[str, tuple[str, ...]]] = _grid()
# Where the chosen default is stored: written by ``bench/forecast.py --write-calibration``
# from the TRAINING rows of the M3 yearly file (see evaluate.build_shipped).
SHIPPED = Path(__file__).with_name("calibration_m3_yearly.json")


@lru_cache(maxsize=1)
def default_combo() -> tuple[str, tuple[str, ...]]:
    """(aggregate, members) of the default combination chosen on the validation blocks."""
    d = json.loads(SHIPPED.read_text(encoding="utf-8"))["default"]
    return d["aggregate"], tuple(d["members"])


# Windows (points a series has) for which a default is chosen, longest first; "full" =
# more points than the longest numeric window. Mirrors calibration.SHIPPED_WINDOWS.
BY_WINDOW_ORDER = ("full", "12", "8", "6", "4")


def grid_for_window(window: int | None) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Grid entries whose members are ALL eligible by length on ``window`` points
    (None = a full history: every entry)."""
    if window is None:
        return dict(GRID)
    return {k: v for k, v in GRID.items() if all(MIN_POINTS[m] <= window for m in v[1])}


@lru_cache(maxsize=1)
def default_by_window() -> dict[str, dict]:
    """Window key -> {name, aggregate, members, ...} chosen on that window's validation blocks."""
    d = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return d.get("default_by_window", {})


@lru_cache(maxsize=1)
def ranking_by_window() -> dict[str, list[str]]:
    """Window key -> grid names in validation order (best first), as shipped."""
    d = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return {k: [r["name"] for r in v] for k, v in d.get("selection", {}).get("ranking_by_window", {}).items()}


def clear_cache() -> None:
    """Forget the shipped choice (after the shipped file was rebuilt or swapped)."""
    for f in (default_combo, default_by_window, ranking_by_window):
        f.cache_clear()


def auto_choice(t, y) -> tuple[str, str, tuple[str, tuple[str, ...]]]:
    """(window key, grid name, (aggregate, members)) of the default for these points.

    Rule: take the longest shipped window at or below the series' length ("full" above 12
    points) and, in that window's validation ranking, the best combination whose members
    can ALL be fitted to this series (``eligible``: length, consecutive years, positive
    values) - the winner itself unless the series has gaps or values <= 0; a window with no
    such entry gives way to the next shorter one. 3 points, or nothing else usable, -> the
    4-point winner (members it cannot use, e.g. SES on 3 points or geometric drift on
    non-positive values, drop out). Falls back to the single ``default`` if the shipped
    file has no per-window choice.
    """
    byw = default_by_window()
    if not byw:
        agg, members = default_combo()
        return "full", f"{agg}({'+'.join(members)})", (agg, members)
    n = len(y)
    ok = set(eligible(np.asarray(t, float), np.asarray(y, float)))
    ranked = ranking_by_window()
    longest = max(int(k) for k in byw if k != "full")
    keys = [k for k in BY_WINDOW_ORDER if k in byw and (n > longest if k == "full" else int(k) <= n)]
    for k in keys:
        for name in [byw[k]["name"]] + [r for r in ranked.get(k, []) if r in GRID]:
            agg, members = (byw[k]["aggregate"], tuple(byw[k]["members"])) if name == byw[k]["name"] else GRID[name]
            if set(members) <= ok:
                return k, name, (agg, tuple(members))
    smallest = str(min(int(k) for k in byw if k != "full"))
    e = byw[smallest]
    return smallest, e["name"], (e["aggregate"], tuple(e["members"]))


def combos() -> dict[str, tuple[str, tuple[str, ...]]]:
    """The named combinations offered by ``fit`` (only the chosen default, as ``combo``)."""
    return {"combo": default_combo()}


def eligible(t: np.ndarray, y: np.ndarray) -> list[str]:
    """Families that may be fitted to these points (length, gaps, sign)."""
    n = len(y)
    if n < MIN_POINTS_ANY:
        return []
    consecutive = bool(np.all(np.diff(t) == 1))
    out = []
    for fam, m in MIN_POINTS.items():
        if n < m:
            continue
        if fam in ("theta", "damped") and not consecutive:
            continue
        if fam in ("loglinear", "logdrift") and not np.all(y > 0):
            continue
        out.append(fam)
    return out


def family_paths(t, y, tf, families=None) -> dict[str, np.ndarray]:
    """Point forecasts of every eligible family for the years ``tf`` (failures left out)."""
    t = np.asarray(t, float)
    y = np.asarray(y, float)
    tf = np.asarray(tf, float)
    out = {}
    flat = len(y) > 0 and np.ptp(y) == 0
    for fam in eligible(t, y):
        if families is not None and fam not in families:
            continue
        if flat:  # a constant series: statsmodels' Theta drifts off on it, so say "no change"
            out[fam] = np.full(len(tf), y[-1])
            continue
        try:
            f = np.asarray(_FUNCS[fam](t, y, tf), float)
        except Exception:  # non-convergence etc.: the family is simply not available
            continue
        if np.all(np.isfinite(f)):
            out[fam] = f
    return out


def combine(paths: dict[str, np.ndarray], name: str = "combo", spec=None) -> np.ndarray | None:
    """The combination ``name`` (or ``spec`` = (aggregate, members)) of the available
    family paths (None if no member)."""
    agg, members = spec or combos()[name]
    got = [paths[m] for m in members if m in paths]
    if not got:
        return None
    return (np.median if agg == "median" else np.mean)(got, axis=0)


def point_forecast(method: str, t, y, tf) -> np.ndarray:
    """Point forecasts of one family or combination for the years ``tf``."""
    if method in combos():
        paths = family_paths(t, y, tf, families=set(combos()[method][1]))
        f = combine(paths, method)
        if f is None:
            raise ValueError(f"no member of {method} could be fitted")
        return f
    paths = family_paths(t, y, tf, families={method})
    if method not in paths:
        raise ValueError(f"{method} is not available for this series")
    return paths[method]


def as_arrays(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Years and values of the non-missing points, sorted by year."""
    s = pd.to_numeric(series, errors="coerce").dropna()
    s = s[~s.index.duplicated(keep="last")].sort_index()
    return s.index.to_numpy(dtype=float), s.to_numpy(dtype=float)
