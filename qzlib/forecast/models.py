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

The four automatic families of the M4 literature (ETS with automatic selection, damped trend
allowed; complex exponential smoothing; dynamic optimised Theta; automatic ARIMA) come from
statsforecast, whose C++ core needs no JIT compilation (import about 1 s, fits 0.2-50 ms).
A family that fails on a series drops out of every combination; the failure is logged
(logger ``qzlib.forecast.models``) and reported through ``family_paths(failures=...)``;
programming errors are not caught.
"""
from __future__ import annotations

import json
import logging
import warnings
from functools import lru_cache
from typing import Callable

import numpy as np
import pandas as pd

from qzlib.paths import RESOURCES

log = logging.getLogger(__name__)

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
    # statsforecast families: ETS refuses fewer than 7 points ("tiny datasets"), CES fails
    # on 4; Theta and ARIMA (which falls back to a random walk) fit from 4.
    "ets": 7,
    "ces": 5,
    "dotm": 4,
    "arima": 4,
}
# Families that assume one value a year (state-space / ARIMA): consecutive years only.
CONSECUTIVE_ONLY = ("theta", "damped", "ets", "ces", "dotm", "arima")
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
    "ets": "自动 ETS 指数平滑（可含阻尼趋势）",
    "ces": "复指数平滑（CES）",
    "dotm": "动态优化 Theta 法",
    "arima": "自动 ARIMA",
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
    from statsmodels.regression.linear_model import OLS      # here: statsmodels only when a fit runs
    from statsmodels.tools.tools import add_constant

    X = add_constant(t - t[-1], has_constant="add")
    res = OLS(y, X).fit()
    Xf = add_constant(tf - t[-1], has_constant="add")
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


def _statsforecast(make: Callable) -> Callable:
    """A family from a statsforecast model factory: fit on the values, forecast to the
    last year asked for, keep the years asked for (consecutive years only)."""
    def run(t, y, tf):
        h = int(tf[-1] - t[-1])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f = np.asarray(make().forecast(y=np.asarray(y, float), h=h)["mean"], float)
        return f[(tf - t[-1] - 1).astype(int)]
    return run


def _ets():
    from statsforecast.models import AutoETS

    return AutoETS(season_length=1, model="ZZN")           # error, trend (damped allowed) by AICc


def _ces():
    from statsforecast.models import AutoCES

    return AutoCES(season_length=1, model="N")


def _dotm():
    from statsforecast.models import DynamicOptimizedTheta

    return DynamicOptimizedTheta(season_length=1)


def _arima():
    from statsforecast.models import AutoARIMA

    return AutoARIMA(season_length=1)


_FUNCS: dict[str, Callable] = {
    "naive": _naive,
    "drift": _drift,
    "linear": _linear,
    "loglinear": _loglinear,
    "logdrift": _logdrift,
    "ses": _ses,
    "theta": _theta,
    "damped": _damped,
    "ets": _statsforecast(_ets),
    "ces": _statsforecast(_ces),
    "dotm": _statsforecast(_dotm),
    "arima": _statsforecast(_arima),
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

# ---------------------------------------------------------------- the default's procedures (#14)
# Declared, with the classes and the rule, BEFORE any of them was scored. The default of
# ``fit`` is one of these per history class; bench/procedures.py makes the choice on
# training-only blocks (bench/README.md). "grid" is the default before #14: the winner of the
# 161-entry GRID for the series' window (``grid_choice``); the others are fixed combinations.
PROCEDURES: dict[str, tuple[str, tuple[str, ...]] | None] = {
    "grid": None,
    # the SCUM combination of the M4 literature: median of ETS, CES, dynamic optimised Theta
    # and ARIMA, each with automatic selection
    "scum": ("median", ("ets", "ces", "dotm", "arima")),
    # the same, with no-change as a fifth voice (pulls the median towards the last value)
    "scum_naive": ("median", ("ets", "ces", "dotm", "arima", "naive")),
    # damped-trend/naive blend for very short histories: the last value plus half the
    # first-to-last slope
    "blend": ("mean", ("naive", "drift")),
    # (#25, declared before it was scored) the mean of the window's grid winner and scum: two
    # procedures that #14's blocks found about equally good, from different members. A member
    # that names another procedure stands for that procedure's forecast (``resolve``).
    "mix": ("mean", ("grid", "scum")),
}
# History classes: (name, most points; None = any more). At most three.
HISTORY_CLASSES = (("short", 5), ("mid", 10), ("long", None))
# The windows (points the model sees; None = full history) each class is judged on.
CLASS_WINDOWS = {"short": (4,), "mid": (6, 8), "long": (12, None)}
# The rule of #25 (declared, with "mix", before its first run; #14's rule, blocks A and B with a
# confirmation on B, chose RULE_CHOICE_14).
CHOICE_RULE = (
    "three disjoint training-only blocks per series: A = its last 6 training points, B = the 6 before A, "
    "C = the 6 before B; the models see the points before the block (only the last N for a window N). "
    "'grid' (and grid inside 'mix') is on blocks B and C the shipped window winner (chosen on A) and on "
    "block A the window winner chosen on block B, so that no procedure is scored on the block it was "
    "chosen on. Per class and block: score = mean over the class's windows of (sMAPE / sMAPE of naive "
    "+ MASE / MASE of naive) / 2. The class keeps its current procedure (RULE_CHOICE_14) unless a "
    "candidate has a lower mean score over the three blocks AND a lower score than it on at least two "
    "of the three blocks; of such candidates the lowest mean wins")
# What #14's rule chose (bench/README.md): short: grid won block A and block B confirmed it; mid:
# grid won A (where it was tuned) but scored 4.8 % above scum on B, so the lowest mean of A and
# B: scum; long: grid won A, was not within 1 % on B, and has the lower mean: grid.
RULE_CHOICE_14 = {"short": "grid", "mid": "scum", "long": "grid"}
# What bench/procedures.py chose by CHOICE_RULE (#25) on training-only blocks (bench/README.md):
# short: no candidate beat grid on two blocks (mix won one, blend one); mid: scum_naive has a
# lower mean than scum (0.8617 vs 0.8626) but beat it on one block only, so scum stays; long: scum
# beat grid on all three blocks (mean 0.8292 vs 0.8923; mix also won all three, mean 0.8462).
RULE_CHOICE = {"short": "grid", "mid": "scum", "long": "scum"}
# The procedure each class uses: the rule's choice. A procedure needs its interval rows in the
# shipped tables (bench/harness.py extend_shipped built scum's for every window).
CHOSEN = dict(RULE_CHOICE)
# A fixed combination needs this many usable members on a series; else the grid's choice.
MIN_MEMBERS = 2
# Where the chosen default is stored: written by ``bench/forecast.py --write-calibration``
# from the TRAINING rows of the M3 yearly file (see bench/harness.py build_shipped).
SHIPPED = RESOURCES / "calibration_m3_yearly.json"   # package data, and in every brief's inputs hash


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


def history_class(n_points: int) -> str:
    """The class (HISTORY_CLASSES) of a series with ``n_points`` points."""
    for name, most in HISTORY_CLASSES:
        if most is None or n_points <= most:
            return name
    raise AssertionError("HISTORY_CLASSES must end with an open class")


def resolve(spec, grid=None):
    """``spec`` with every member that names a procedure replaced by that procedure's
    (aggregate, members); "grid" by ``grid`` (the series' or window's grid choice). None if
    it needs the grid and none is given."""
    agg, members = spec
    out = []
    for m in members:
        if m == "grid":
            if grid is None:
                return None
            out.append(tuple(grid))
        elif m in PROCEDURES:
            out.append(resolve(PROCEDURES[m], grid))
        else:
            out.append(m)
    return agg, tuple(out)


def spec_families(spec) -> tuple[str, ...]:
    """The families a (possibly nested) combination uses, each once, in order."""
    out: list[str] = []
    for m in spec[1]:
        for f in (spec_families(m) if isinstance(m, tuple) else (m,)):
            if f not in out:
                out.append(f)
    return tuple(out)


def procedure_specs(grid=None) -> dict[str, tuple[str, tuple]]:
    """The combination procedures (every PROCEDURES entry but "grid"), resolved with the grid
    choice ``grid``; without it, those that contain the grid ("mix") are left out."""
    out = {}
    for k, v in PROCEDURES.items():
        spec = None if v is None else resolve(v, grid)
        if spec is not None:
            out[k] = spec
    return out


def usable(proc: str, ok) -> bool:
    """Whether procedure ``proc`` can serve a series whose eligible families are ``ok``: each
    fixed combination in it needs at least MIN_MEMBERS usable members ("grid" always can)."""
    spec = PROCEDURES[proc]
    if spec is None:
        return True
    parts = [PROCEDURES[m] for m in spec[1] if PROCEDURES.get(m)] or [spec]
    return all(len(set(members) & set(ok)) >= MIN_MEMBERS for _, members in parts)


def auto_choice(t, y) -> tuple[str, str, tuple]:
    """(window key, name, (aggregate, members)) of the default for these points.

    The series' history class (``history_class``) names its procedure (``CHOSEN``). A fixed
    combination is used if at least MIN_MEMBERS of its members can be fitted to the series
    (``usable``); "grid", or a combination the series cannot use (gaps rule out the
    state-space families), gives :func:`grid_choice`. A procedure containing the grid ("mix")
    gets a nested spec (``resolve``). The window key names the shipped interval table.
    """
    key, name, spec = grid_choice(t, y)
    proc = CHOSEN[history_class(len(y))]
    if proc != "grid":
        ok = set(eligible(np.asarray(t, float), np.asarray(y, float)))
        if usable(proc, ok):
            return key, proc, resolve(PROCEDURES[proc], spec)
    return key, name, spec


def grid_choice(t, y) -> tuple[str, str, tuple[str, tuple[str, ...]]]:
    """(window key, grid name, (aggregate, members)) of the grid's default for these points.

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
        if fam in CONSECUTIVE_ONLY and not consecutive:
            continue
        if fam in ("loglinear", "logdrift") and not np.all(y > 0):
            continue
        out.append(fam)
    return out


# Errors that mean a bug in our code, not a model that cannot be fitted: never swallowed.
PROGRAMMING_ERRORS = (TypeError, NameError, AttributeError, ImportError, AssertionError)


def family_paths(t, y, tf, families=None, failures: dict | None = None) -> dict[str, np.ndarray]:
    """Point forecasts of every eligible family for the years ``tf``.

    A family that fails to fit (non-convergence, a library refusing the data) or gives
    non-finite values is left out; the failure is logged and, if ``failures`` is given,
    recorded there as family -> reason. Programming errors propagate."""
    t = np.asarray(t, float)
    y = np.asarray(y, float)
    tf = np.asarray(tf, float)
    with one_blas_thread():
        return _family_paths(t, y, tf, families, failures)


@lru_cache(maxsize=1)
def _blas_controller():
    import scipy.linalg  # noqa: F401 - its BLAS (statsmodels' optimiser) loaded, so that the limit covers it
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_blas_thread():
    """A context in which BLAS runs on one thread. The fits here are optimisations of a
    handful of parameters; a threaded BLAS spends more on waking its threads than on the
    sums (scipy's L-BFGS-B, which statsmodels' ETS uses, runs about 6x slower with two
    OpenBLAS threads on this kind of problem). The results are the same."""
    return _blas_controller().limit(limits=1, user_api="blas")


def _family_paths(t, y, tf, families, failures) -> dict[str, np.ndarray]:
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
        except PROGRAMMING_ERRORS:
            raise
        except Exception as err:  # noqa: BLE001 - numerical failure: the family drops out, with a trace
            why = f"{type(err).__name__}: {err}"
        else:
            if np.all(np.isfinite(f)):
                out[fam] = f
                continue
            why = "non-finite forecasts"
        log.info("trend family %s left out on %d points: %s", fam, len(y), why)
        if failures is not None:
            failures[fam] = why
    return out


def combine(paths: dict[str, np.ndarray], name: str = "combo", spec=None) -> np.ndarray | None:
    """The combination ``name`` (or ``spec`` = (aggregate, members)) of the available
    family paths (None if no member). A member may itself be a spec (a nested combination,
    see ``resolve``); one with no available member drops out like a missing family."""
    agg, members = spec or combos()[name]
    got = [combine(paths, spec=m) if isinstance(m, tuple) else paths.get(m) for m in members]
    got = [g for g in got if g is not None]
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
