"""Prediction intervals calibrated on pseudo-out-of-sample errors inside training histories.

Model-based intervals are too narrow on yearly data (statsmodels on M3 yearly: Theta's
80 % intervals covered ~57 %). Instead, every history is cut at a few earlier origins,
each method forecasts the years that follow *within the history*, and the errors, scaled
by the series' mean absolute yearly change (the MASE scale), are pooled across series.
Their quantiles by horizon give the interval: ``forecast + q(level, h) * scale``.
Only training values are ever used; the values to be forecast play no part.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from qzlib.forecast import models

HORIZON = 6          # horizons learned from the pseudo-origins (M3 yearly: 6)
N_ORIGINS = 3        # origins per history: the last three that leave HORIZON years to check
MIN_FIT = 6          # fewest points a pseudo-origin fit may use (full histories)
LEVELS = (0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.975)
SHIPPED = Path(__file__).with_name("calibration_m3_yearly.json")
# Windows (points the model sees) for which a table is shipped; None = whole history.
SHIPPED_WINDOWS = (4, 6, 8, 12, None)


# Interval widths follow the RECENT volatility: the mean absolute yearly change over the
# last SCALE_WINDOW points the model sees (None = the whole history, the MASE scale).
SCALE_WINDOW = 8


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


def all_methods(paths: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Family paths plus every combination that has a member."""
    out = dict(paths)
    for name in models.COMBOS:
        f = models.combine(paths, name)
        if f is not None:
            out[name] = f
    return out


def origin_errors(t, y, window: int | None = None, horizon: int = HORIZON,
                  n_origins: int = N_ORIGINS, min_fit: int = MIN_FIT) -> pd.DataFrame:
    """Scaled errors of every method at the last ``n_origins`` origins inside (t, y).

    An origin keeps ``horizon`` later points to compare with; the model sees the points
    before it (only the last ``window`` of them when a window is given). Columns:
    origin, method, h, actual, forecast, scale, error (scaled, actual - forecast).
    """
    t = np.asarray(t, float)
    y = np.asarray(y, float)
    n = len(y)
    rows = []
    # Every origin from the last point back to the n_origins-th that still sees the full
    # horizon: each horizon h is then checked at (at least) n_origins origins, the
    # short horizons at more, all as close to the end of the history as possible.
    for k, o in enumerate(range(n - 1, n - horizon - n_origins, -1)):
        lo = 0 if window is None else max(0, o - window)
        if o - lo < max(min_fit if window is None else window, models.MIN_POINTS_ANY):
            break
        tt, yy = t[lo:o], y[lo:o]
        tf, yf = t[o:o + horizon], y[o:o + horizon]
        s = scale_of(tt, yy)
        paths = all_methods(models.family_paths(tt, yy, tf))
        h = (tf - tt[-1]).astype(int)
        for m, f in paths.items():
            for hi, a, fc in zip(h, yf, f):
                rows.append((k, m, int(hi), a, fc, s, (a - fc) / s))
    return pd.DataFrame(rows, columns=["origin", "method", "h", "actual", "forecast", "scale", "error"])


@dataclass
class CalibrationTable:
    """Quantiles of scaled errors by method and horizon (levels = LEVELS)."""

    quantiles: dict[str, np.ndarray]          # method -> array (horizon, len(LEVELS))
    counts: dict[str, list[int]] = field(default_factory=dict)
    note: str = ""

    @classmethod
    def learn(cls, errors: pd.DataFrame, horizon: int = HORIZON, note: str = "") -> "CalibrationTable":
        q, c = {}, {}
        for m, g in errors.groupby("method"):
            arr, cnt = [], []
            for h in range(1, horizon + 1):
                e = g.loc[g["h"] == h, "error"].to_numpy()
                e = e[np.isfinite(e)]
                cnt.append(int(len(e)))
                arr.append(np.quantile(e, LEVELS) if len(e) >= 20 else np.full(len(LEVELS), np.nan))
            q[m] = np.asarray(arr)
            c[m] = cnt
        return cls(q, c, note)

    def offsets(self, method: str, h: np.ndarray) -> np.ndarray:
        """Scaled quantile offsets for horizons ``h`` (rows) and LEVELS (columns).

        Beyond the learned horizon the last row is stretched in proportion to h, since
        the scaled errors of trend forecasts grow roughly linearly with the horizon.
        """
        if method not in self.quantiles or np.isnan(self.quantiles[method]).all():
            method = "drift"
        tab = self.quantiles[method]
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
                "quantiles": {m: np.round(v, 6).tolist() for m, v in self.quantiles.items()}}

    @classmethod
    def from_json(cls, d: dict) -> "CalibrationTable":
        if tuple(d["levels"]) != LEVELS:
            raise ValueError("calibration table was learned at other quantile levels")
        return cls({m: np.asarray(v, float) for m, v in d["quantiles"].items()}, d.get("counts", {}),
                   d.get("note", ""))


def learn_from_long(df: pd.DataFrame, window: int | None, workers: int = 1, progress=None) -> CalibrationTable:
    """Learn a table from the training rows of a long bench table (series, year, split, value)."""
    errs = collect_errors(df, window, workers, progress)
    return CalibrationTable.learn(errs, note=f"window={window}")


def _one(args):
    t, y, window = args
    return origin_errors(t, y, window=window)


def collect_errors(df: pd.DataFrame, window: int | None, workers: int = 1, progress=None) -> pd.DataFrame:
    tr = df[df["split"] == "train"].sort_values(["series", "year"])
    jobs = [(g["year"].to_numpy(float), g["value"].to_numpy(float), window) for _, g in tr.groupby("series")]
    if workers > 1:
        from multiprocessing import Pool

        with Pool(min(workers, 2)) as pool:
            it = pool.imap(_one, jobs, chunksize=8)
            res = list(progress(it, total=len(jobs)) if progress else it)
    else:
        res = [_one(j) for j in (progress(jobs) if progress else jobs)]
    return pd.concat(res, ignore_index=True)


def build_shipped(csv: Path, out: Path = SHIPPED, workers: int = 2) -> dict:
    """Learn the tables ``fit`` uses by default from the TRAINING rows of a bench file."""
    df = pd.read_csv(csv)
    tables = {}
    for w in SHIPPED_WINDOWS:
        tables["full" if w is None else str(w)] = learn_from_long(df, w, workers).to_json()
    digest = hashlib.sha256(Path(csv).read_bytes()).hexdigest()
    payload = {
        "source": Path(csv).name,
        "sha256": digest,
        "rows_used": "split == 'train' only",
        "horizon": HORIZON,
        "origins_per_series": N_ORIGINS,
        "tables": tables,
    }
    from qzlib.atomic import atomic_file

    with atomic_file(out) as fh:
        fh.write(json.dumps(payload, ensure_ascii=False, indent=1))
    return payload


def shipped_table(n_points: int) -> CalibrationTable:
    """The shipped table whose window best matches a history of ``n_points`` points."""
    d = json.loads(SHIPPED.read_text(encoding="utf-8"))
    keys = [w for w in SHIPPED_WINDOWS if w is not None and w <= n_points]
    key = "full" if n_points > max(w for w in SHIPPED_WINDOWS if w) else str(max(keys) if keys else 4)
    return CalibrationTable.from_json(d["tables"][key])
