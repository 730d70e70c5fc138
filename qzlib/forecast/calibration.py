"""Prediction intervals calibrated on pseudo-out-of-sample errors inside training histories.

Model-based intervals are too narrow on yearly data (statsmodels on M3 yearly: Theta's
80 % intervals covered ~57 %). Instead, every history is cut at a few earlier origins,
each method forecasts the years that follow *within the history*, and the errors, scaled
by the mean absolute yearly change over the last SCALE_WINDOW points the model sees
(:func:`scale_of`), are pooled across series.
Their quantiles by horizon give the interval: ``forecast + q(level, h) * scale``.

Per-horizon width factors fitted to one validation block (the last HORIZON training points;
:func:`learn_factors`) bring coverage on THAT block to nominal, but on the M3 yearly training
rows they did not carry to the next block (bench/intervals.py and bench/README.md). Since #25
a declared rule (WIDTH_RULE) learns one factor per interval on two earlier blocks and keeps it
only where it brings a later block closer to nominal (WIDTH_FACTORS; ``width_factors``).
Only training values are ever used; the values to be forecast play no part.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from qzlib.forecast import models

HORIZON = 6          # horizons learned from the pseudo-origins (M3 yearly: 6)
N_ORIGINS = 3        # origins per history: the last three that leave HORIZON years to check
MIN_FIT = 6          # fewest points a pseudo-origin fit may use (full histories)
LEVELS = (0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.975)
SHIPPED = models.SHIPPED
# Central intervals a width factor may resize (only bench/intervals.py sets factors; the
# shipped tables carry none; the 0.5 offset is kept as is).
PAIRS = ((0.4, 0.6), (0.3, 0.7), (0.2, 0.8), (0.1, 0.9), (0.05, 0.95), (0.025, 0.975))
# Windows (points the model sees) for which a table is shipped; None = whole history.
SHIPPED_WINDOWS = (4, 6, 8, 12, None)


# Interval widths follow the RECENT volatility: the mean absolute yearly change over the
# last SCALE_WINDOW points the model sees (0 = the whole history, the MASE scale). 6 beat
# 4, 8, 12 and the whole history on the mean scaled interval score of two training-only
# blocks by the rule fixed in bench/interval_scale.py (6: 0.982 of 8's; bench/README.md).
SCALE_WINDOW = 6


# Width factors (#25): per shipped window and procedure, one factor for the 80 % and one for
# the 95 % interval, multiplying the table's offsets from its median (the inner intervals take
# the 80 % factor, the 90 % one the mean of both). Learned by WIDTH_RULE on training-only
# blocks (bench/procedures.py, bench/README.md); a window or procedure not listed keeps its
# table as learned.
WIDTH_RULE = (
    "per window and procedure, on blocks A, B, C (procedures.py), each forecast with the table learned "
    "from the pseudo-origins before that block: for the 80 % and the 95 % interval, the factor k that "
    "makes the pooled coverage of blocks B and C nominal (the nominal quantile of the factor each point "
    "needs, as learn_factors); it is adopted if on block A it brings the coverage of the two intervals, "
    "on average, closer to nominal than k = 1; an adopted factor is then learned again on A, B and C "
    "pooled and shipped")
# What the rule gave (bench/procedures.py, #25; (80 %, 95 %) factors, learned on blocks A, B and
# C): blocks B and C were covered less than nominal by every procedure in every window (k > 1),
# and block A less than nominal at 12 points; the factors were kept where they brought block A
# closer to nominal. For the chosen procedures (4: grid, 6 and 8: scum, full: scum) they did not,
# so those tables stay as learned; at 12 points (scum) they did.
WIDTH_FACTORS: dict[str, dict[str, tuple[float, float]]] = {
    "6": {"grid": (1.059, 1.0715)},
    "8": {"scum_naive": (1.1062, 1.0934)},
    "12": {"grid": (1.202, 1.239), "scum": (1.1659, 1.208), "scum_naive": (1.1447, 1.1981),
           "blend": (1.1112, 1.198), "mix": (1.1894, 1.2274)},
    "full": {"grid": (1.066, 1.1297)},
}


def width_factors(key: str) -> dict[str, np.ndarray]:
    """The shipped width factors of window ``key`` as CalibrationTable.factors: one array
    (HORIZON, len(PAIRS)) per procedure row with a factor, and ``auto`` = the row of the
    procedure chosen for the window's class (models.CHOSEN)."""
    got = WIDTH_FACTORS.get(key, {})
    out = {m: np.tile([k80] * 4 + [(k80 + k95) / 2, k95], (HORIZON, 1)) for m, (k80, k95) in got.items()}
    cls = models.HISTORY_CLASSES[-1][0] if key == "full" else models.history_class(int(key))
    if models.CHOSEN[cls] in out:
        out["auto"] = out[models.CHOSEN[cls]]
    return out


def scale_of(t, y, window: int | None = None) -> float:
    """Mean absolute change per year over the last ``window`` points (default SCALE_WINDOW),
    floored so that a flat series keeps a width."""
    window = SCALE_WINDOW if window is None else window
    t = np.asarray(t, float)[-window:] if window else np.asarray(t, float)
    y = np.asarray(y, float)[-window:] if window else np.asarray(y, float)
    if len(y) < 2:
        return float("nan")
    s = float(np.mean(np.abs(np.diff(y)) / np.diff(t)))
    floor = 1e-3 * float(np.mean(np.abs(y))) or 1e-9
    return max(s, floor)


def all_methods(paths: dict[str, np.ndarray], combos=None, auto=None, grid=None) -> dict[str, np.ndarray]:
    """Family paths plus every combination (default: ``models.combos()`` and the
    procedures, ``models.procedure_specs(grid)``) that has a member, ``auto`` (the default,
    ``models.auto_choice``) and ``grid`` (the grid's choice, ``models.grid_choice``) if
    their specs are given."""
    out = dict(paths)
    if combos is None:
        combos = {**models.combos(), **models.procedure_specs(grid)}
    if grid is not None:
        combos = {**combos, "grid": grid}
    for name, spec in combos.items():
        f = models.combine(paths, name, spec)
        if f is not None:
            out[name] = f
    if auto is not None:
        f = models.combine(paths, "auto", auto)
        if f is not None:
            out["auto"] = f
    return out


def pseudo_origins(t, y, window: int | None = None, horizon: int = HORIZON, n_origins: int = N_ORIGINS,
                   min_fit: int = MIN_FIT):
    """Yield (k, seen years, seen values, later years, later values) for each pseudo-origin
    inside (t, y), k = 0 at the last one.

    Every origin from the last point back to the n_origins-th that still sees the full
    horizon: each horizon h is then checked at (at least) n_origins origins, the short
    horizons at more, all as close to the end of the history as possible. The model sees
    the points before the origin (only the last ``window`` of them when a window is given).
    """
    t = np.asarray(t, float)
    y = np.asarray(y, float)
    n = len(y)
    for k, o in enumerate(range(n - 1, n - horizon - n_origins, -1)):
        lo = 0 if window is None else max(0, o - window)
        if o - lo < max(min_fit if window is None else window, models.MIN_POINTS_ANY):
            return
        yield k, t[lo:o], y[lo:o], t[o:o + horizon], y[o:o + horizon]


def origin_errors(t, y, window: int | None = None, horizon: int = HORIZON,
                  n_origins: int = N_ORIGINS, min_fit: int = MIN_FIT, combos=None,
                  families=None) -> pd.DataFrame:
    """Scaled errors of every method at the last ``n_origins`` origins inside (t, y).

    The origins are those of :func:`pseudo_origins`. Columns: origin, method, h, actual,
    forecast, scale, error (scaled, actual - forecast). ``families`` limits the families
    fitted (default: all).
    """
    rows = []
    for k, tt, yy, tf, yf in pseudo_origins(t, y, window, horizon, n_origins, min_fit):
        s = scale_of(tt, yy)
        auto = models.auto_choice(tt, yy)[2] if combos is None else None
        grid = models.grid_choice(tt, yy)[2] if combos is None else None
        paths = all_methods(models.family_paths(tt, yy, tf, families=families), combos, auto, grid)
        h = (tf - tt[-1]).astype(int)
        for m, f in paths.items():
            for hi, a, fc in zip(h, yf, f):
                rows.append((k, m, int(hi), a, fc, s, (a - fc) / s))
    return pd.DataFrame(rows, columns=["origin", "method", "h", "actual", "forecast", "scale", "error"])


def select_method(errors: pd.DataFrame, candidates) -> tuple[str | None, str]:
    """Method with the lowest mean absolute scaled error over the series' own origins."""
    e = errors[errors["method"].isin(candidates)]
    if e.empty:
        return None, "too few points for rolling-origin errors"
    score = e.groupby("method")["error"].apply(lambda x: float(np.mean(np.abs(x))))
    best = score.idxmin()
    return best, f"lowest rolling-origin error ({score[best]:.2f} scaled) of {len(score)} methods"


def window_key(n_points: int | None) -> str:
    """Key of the shipped table for a history of ``n_points`` points (None = full)."""
    longest = max(w for w in SHIPPED_WINDOWS if w)
    if n_points is None or n_points > longest:
        return "full"
    keys = [w for w in SHIPPED_WINDOWS if w is not None and w <= n_points]
    return str(max(keys) if keys else min(w for w in SHIPPED_WINDOWS if w))


@dataclass
class CalibrationTable:
    """Quantiles of scaled errors by method and horizon (levels = LEVELS). ``factors``
    (method -> array (horizon, len(PAIRS))) resize them when set, which only the
    block-transfer check bench/intervals.py does; shipped tables carry none."""

    quantiles: dict[str, np.ndarray]          # method -> array (horizon, len(LEVELS))
    counts: dict[str, list[int]] = field(default_factory=dict)
    note: str = ""
    factors: dict[str, np.ndarray] = field(default_factory=dict)
    validation: dict = field(default_factory=dict)   # scores and coverage on the validation block

    @classmethod
    def learn(cls, errors: pd.DataFrame, horizon: int = HORIZON, note: str = "") -> "CalibrationTable":
        q, c = {}, {}
        for m, g in errors.groupby("method"):
            arr, cnt = [], []
            for h in range(1, horizon + 1):
                e = g.loc[g["h"] == h, "error"].to_numpy(float)
                e = e[np.isfinite(e)]
                cnt.append(int(len(e)))
                arr.append(np.quantile(e, LEVELS) if len(e) >= 20 else np.full(len(LEVELS), np.nan))
            q[m] = np.asarray(arr)
            c[m] = cnt
        return cls(q, c, note)

    def fill_from(self, other: "CalibrationTable") -> list[str]:
        """Take ``other``'s rows where this table has none (a method or horizon with fewer
        than 20 pseudo-origin errors, as on a small file); returns the methods filled."""
        filled = []
        for m, q in other.quantiles.items():
            mine = self.quantiles.get(m)
            if mine is None:
                self.quantiles[m] = np.array(q, float)
                filled.append(m)
                continue
            gap = np.isnan(mine).any(axis=1) & ~np.isnan(q).any(axis=1)
            if gap.any():
                mine[gap] = q[gap]
                filled.append(m)
        return filled

    def scaled(self, method: str, use_factors: bool = True) -> np.ndarray:
        """The (horizon, LEVELS) table of ``method`` with its validation factors applied."""
        tab = np.array(self.quantiles[method], float)
        k = self.factors.get(method) if use_factors else None
        if k is None:
            return tab
        mid = LEVELS.index(0.5)
        m = tab[:, [mid]]
        out = tab.copy()
        for j, (lo, hi) in enumerate(PAIRS):
            for lv in (lo, hi):
                i = LEVELS.index(lv)
                out[:, i] = m[:, 0] + k[:, j] * (tab[:, i] - m[:, 0])
        return out

    def offsets(self, method: str, h: np.ndarray, use_factors: bool = True) -> np.ndarray:
        """Scaled quantile offsets for horizons ``h`` (rows) and LEVELS (columns).

        Beyond the learned horizon the last row is stretched in proportion to h, since
        the scaled errors of trend forecasts grow roughly linearly with the horizon.
        """
        if method not in self.quantiles or np.isnan(self.quantiles[method]).all():
            raise ValueError(f"no interval table for method {method!r} ({self.note or 'this table'}); "
                             f"it has: {', '.join(sorted(m for m, q in self.quantiles.items() if not np.isnan(q).all()))}"
                             " - rebuild it with bench/forecast.py --data bench/data/m3_yearly_dev.csv "
                             "--write-calibration")
        tab = self.scaled(method, use_factors)
        H = tab.shape[0]
        out = []
        for hi in np.asarray(h, int):
            if hi <= H:
                out.append(tab[max(hi, 1) - 1])
            else:
                out.append(tab[H - 1] * hi / H)
        return np.asarray(out)

    def to_json(self) -> dict:
        return {"levels": list(LEVELS), "note": self.note, "counts": self.counts,
                "quantiles": {m: np.round(v, 6).tolist() for m, v in self.quantiles.items()},
                "pairs": [list(p) for p in PAIRS],
                "factors": {m: np.round(v, 6).tolist() for m, v in self.factors.items()},
                "validation": self.validation}

    @classmethod
    def from_json(cls, d: dict) -> "CalibrationTable":
        if tuple(d["levels"]) != LEVELS:
            raise ValueError("calibration table was learned at other quantile levels")
        if d.get("factors") and [tuple(p) for p in d["pairs"]] != list(PAIRS):
            raise ValueError("calibration factors were learned for other intervals")
        return cls({m: np.asarray(v, float) for m, v in d["quantiles"].items()}, d.get("counts", {}),
                   d.get("note", ""), {m: np.asarray(v, float) for m, v in d.get("factors", {}).items()},
                   d.get("validation", {}))


def learn_factors(table: CalibrationTable, val: pd.DataFrame, horizon: int = HORIZON) -> dict[str, np.ndarray]:
    """Per-horizon factors for each central interval in PAIRS, from validation errors
    (used by bench/intervals.py to test whether such factors carry to the next block).

    ``table`` must have been learned WITHOUT the validation block (pseudo-origins before
    it); ``val`` holds the scaled errors on the block (columns method, h, error). For each
    point the smallest factor that puts it inside the resized interval is found; the
    factor is the nominal-coverage quantile of those, so coverage on the block is as
    close to nominal as the data allow. Horizons with fewer than 20 points keep 1.
    """
    mid = LEVELS.index(0.5)
    out = {}
    for m, g in val.groupby("method"):
        if m not in table.quantiles:
            continue
        k = np.ones((horizon, len(PAIRS)))
        for h in range(1, horizon + 1):
            e = g.loc[g["h"] == h, "error"].to_numpy(float)
            e = e[np.isfinite(e)]
            q = table.quantiles[m][h - 1]
            if len(e) < 20 or np.isnan(q).any():
                continue
            d = e - q[mid]
            for j, (lo, hi) in enumerate(PAIRS):
                below, above = q[LEVELS.index(lo)] - q[mid], q[LEVELS.index(hi)] - q[mid]
                if below >= 0 or above <= 0:
                    continue
                need = np.where(d >= 0, d / above, d / below)
                k[h - 1, j] = float(np.quantile(need, hi - lo))
        out[m] = k
    return out


def coverage(table: CalibrationTable, val: pd.DataFrame, method: str, use_factors: bool) -> dict:
    """Share of validation points of ``method`` inside its 80 % and 95 % intervals."""
    g = val[val["method"] == method]
    if g.empty or method not in table.quantiles or np.isnan(table.quantiles[method]).any():
        return {}
    off = table.offsets(method, g["h"].to_numpy(int), use_factors)
    e = g["error"].to_numpy(float)
    lv = list(LEVELS)
    c80 = (e >= off[:, lv.index(0.1)]) & (e <= off[:, lv.index(0.9)])
    c95 = (e >= off[:, lv.index(0.025)]) & (e <= off[:, lv.index(0.975)])
    return {"coverage80": round(float(c80.mean()), 4), "coverage95": round(float(c95.mean()), 4),
            "points": int(len(e))}


def shipped_table(n_points: int | None, key: str | None = None) -> CalibrationTable:
    """The shipped table whose window best matches ``n_points`` points
    (or the one named ``key``), with the window's width factors (``width_factors``). Its
    ``combo`` is the single default, its ``auto`` the default chosen for that window."""
    d = json.loads(SHIPPED.read_text(encoding="utf-8"))
    if d.get("scale_window") != SCALE_WINDOW:
        raise ValueError(f"{SHIPPED.name} was learned with scale window {d.get('scale_window')}, "
                         f"but SCALE_WINDOW is {SCALE_WINDOW}: rebuild it with "
                         "bench/forecast.py --data bench/data/m3_yearly_dev.csv --write-calibration")
    key = key or window_key(n_points)
    table = CalibrationTable.from_json(d["tables"][key])
    table.factors = {**width_factors(key), **table.factors}
    return table
