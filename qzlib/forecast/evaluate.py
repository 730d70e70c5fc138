"""Score the trend methods on held-out data in the M3 long format.

Input columns: ``series, category, t, year, split, value`` with ``split`` in
{train, test}. Each series is forecast from its training part only; the interval
table is learned from pseudo-origins inside the training parts (see
:mod:`qzlib.forecast.calibration`), so the test values enter nothing but the scores.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from qzlib.errors import InputError
from qzlib.forecast import calibration, models

REQUIRED = ("series", "year", "split", "value")
DEFAULT = "auto"


def read_long(path) -> pd.DataFrame:
    """Read and check a long-format bench file; bad input raises InputError."""
    df = pd.read_csv(path)
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise InputError.one(file=path, field=",".join(missing), value=list(df.columns),
                             expected="columns series,category,t,year,split,value")
    bad = ~df["split"].isin(["train", "test"])
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError.one(file=path, where=f"row {i + 2}", field="split", value=df["split"].iloc[i],
                             expected="'train' or 'test'")
    vals = pd.to_numeric(df["value"], errors="coerce")
    if vals.isna().any():
        i = int(np.flatnonzero(vals.isna().to_numpy())[0])
        raise InputError.one(file=path, where=f"row {i + 2}", field="value", value=df["value"].iloc[i],
                             expected="a number")
    df["value"] = vals.astype(float)
    return df


@dataclass
class SeriesResult:
    series: str
    test_years: np.ndarray
    test_values: np.ndarray
    mase_scale: float          # full training history, as the M3/M4 scoring does
    scale: float               # of the points the models saw (drives interval widths)
    paths: dict                # method -> point forecasts for test_years
    errors: pd.DataFrame       # pseudo-origin errors inside the training part


def _series_job(args) -> SeriesResult:
    sid, t, y, tf, yt, last = args
    mase_scale = float(np.mean(np.abs(np.diff(y)))) if len(y) > 1 else float("nan")
    errs = calibration.origin_errors(t, y, window=last)
    if last:
        t, y = t[-last:], y[-last:]
    paths = calibration.all_methods(models.family_paths(t, y, tf))
    return SeriesResult(sid, tf, yt, mase_scale, calibration.scale_of(t, y), paths, errs)


def select_method(errors: pd.DataFrame, candidates) -> tuple[str | None, str]:
    """Method with the lowest mean absolute scaled error over the series' own origins."""
    e = errors[errors["method"].isin(candidates)]
    if e.empty:
        return None, "too few points for rolling-origin errors"
    score = e.groupby("method")["error"].apply(lambda x: float(np.mean(np.abs(x))))
    best = score.idxmin()
    return best, f"lowest rolling-origin error ({score[best]:.2f} scaled) of {len(score)} methods"


def auto_method(available) -> str:
    """The default: the fixed combination (see bench/README.md for the evidence)."""
    return "combo" if "combo" in available else next(iter(available))


def run(df: pd.DataFrame, last: int | None = None, workers: int = 2, progress=None):
    """Forecast every series; returns (scores by method, per-point forecasts, the table)."""
    jobs = []
    for sid, g in df.sort_values(["series", "year"]).groupby("series", sort=False):
        tr, te = g[g["split"] == "train"], g[g["split"] == "test"]
        jobs.append((sid, tr["year"].to_numpy(float), tr["value"].to_numpy(float),
                     te["year"].to_numpy(float), te["value"].to_numpy(float), last))
    if workers > 1:
        from multiprocessing import Pool

        with Pool(min(workers, 2)) as pool:
            it = pool.imap(_series_job, jobs, chunksize=4)
            results = list(progress(it, total=len(jobs)) if progress else it)
    else:
        results = [_series_job(j) for j in (progress(jobs) if progress else jobs)]

    table = calibration.CalibrationTable.learn(pd.concat([r.errors for r in results], ignore_index=True),
                                               note=f"window={last}")
    rows = []
    family_like = list(models.FAMILIES) + list(models.COMBOS)
    for r in results:
        chosen = {m: m for m in r.paths}
        sel, _ = select_method(r.errors, [m for m in family_like if m in r.paths])
        chosen["select"] = sel or auto_method(r.paths)
        chosen[DEFAULT] = auto_method(r.paths)
        h = (r.test_years - (r.test_years[0] - 1)).astype(int)
        for label, m in chosen.items():
            f = r.paths[m]
            off = table.offsets(m, h) * r.scale
            for i in range(len(h)):
                rows.append((r.series, label, int(h[i]), r.test_years[i], r.test_values[i], f[i],
                             f[i] + off[i, 2], f[i] + off[i, 10], f[i] + off[i, 0], f[i] + off[i, 12],
                             r.mase_scale))
    fc = pd.DataFrame(rows, columns=["series", "method", "h", "year", "actual", "mean", "lo80", "hi80",
                                     "lo95", "hi95", "mase_scale"])
    return score(fc), fc, table


def score(fc: pd.DataFrame) -> pd.DataFrame:
    """sMAPE, MASE (per series, then averaged) and pooled interval coverage by method."""
    fc = fc.assign(
        ape=200 * (fc["actual"] - fc["mean"]).abs() / (fc["actual"].abs() + fc["mean"].abs()),
        ae=(fc["actual"] - fc["mean"]).abs() / fc["mase_scale"],
        in80=(fc["actual"] >= fc["lo80"]) & (fc["actual"] <= fc["hi80"]),
        in95=(fc["actual"] >= fc["lo95"]) & (fc["actual"] <= fc["hi95"]),
    )
    per = fc.groupby(["method", "series"]).agg(smape=("ape", "mean"), mase=("ae", "mean"))
    out = per.groupby("method").agg(smape=("smape", "mean"), mase=("mase", "mean"),
                                    series=("smape", "size"))
    cov = fc.groupby("method").agg(coverage80=("in80", "mean"), coverage95=("in95", "mean"))
    return out.join(cov)[["smape", "mase", "coverage80", "coverage95", "series"]]
