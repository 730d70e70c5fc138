"""Which trend families earn a place in the grid? A comparison on validation blocks only.

Training rows only: each series' last 6 training points are held out and forecast from the
points before them (all of them, or the last 8, 6 or 4), as in ``harness.validate``. Besides
the shipped families, two candidates defined here are scored: a robust drift (slope = median
of the yearly changes, the idea behind M3's ROBUST-Trend) and ARIMA(0,1,1) with drift. For
each set of grid members it ranks every median and mean of 2-4 members that are all
eligible at the window's length, exactly as the shipped choice is ranked
(``harness.rank_grid``: (sMAPE / sMAPE of naive + MASE / MASE of naive) / 2, lower is
better), and prints the best score and combination, then each family alone on the series
it could be fitted to. The LAST line is a JSON object of the best scores.

Example:  .venv/bin/python bench/families.py --data bench/data/m3_yearly_dev.csv
"""
from __future__ import annotations

import json
import sys
import time
import warnings
from itertools import combinations

import numpy as np

import _common

WINDOWS = (None, 8, 6, 4)
SETS = {
    "first five": ("naive", "drift", "theta", "damped", "linear"),
    "+ ses + logdrift (shipped)": ("naive", "drift", "theta", "damped", "linear", "ses", "logdrift"),
    "+ robust drift + ARIMA": ("naive", "drift", "theta", "damped", "linear", "ses", "logdrift",
                               "rdrift", "arima011"),
}
EXTRA_MIN_POINTS = {"rdrift": 3, "arima011": 6}


def _rdrift(t, y, tf):
    return y[-1] + np.median(np.diff(y) / np.diff(t)) * (tf - t[-1])


def _arima(t, y, tf):
    from statsmodels.tsa.arima.model import ARIMA

    if len(y) < EXTRA_MIN_POINTS["arima011"] or not np.all(np.diff(t) == 1):
        raise ValueError("ARIMA needs 6 consecutive years")
    h = int(tf[-1] - t[-1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = np.asarray(ARIMA(np.asarray(y, float), order=(0, 1, 1), trend="t").fit().forecast(h))
    return f[(tf - t[-1] - 1).astype(int)]


EXTRA = {"rdrift": _rdrift, "arima011": _arima}


def _job(args):
    import harness

    sid, t, y, window = args
    return harness.block_forecasts(sid, t, y, window, extra=EXTRA)


def _grid(members, window):
    """Every median and mean of 2-4 of ``members`` all eligible on ``window`` points (as models.GRID)."""
    from qzlib.forecast import models

    least = {**models.MIN_POINTS, **EXTRA_MIN_POINTS}
    ok = [m for m in members if window is None or least[m] <= window]
    return {f"{agg}({'+'.join(ms)})": (agg, ms) for r in (2, 3, 4) for ms in combinations(ok, r)
            for agg in (("mean",) if r == 2 else ("median", "mean"))}


def main(argv=None) -> int:
    args = _common.parser(__doc__).parse_args(argv)

    import pandas as pd

    import harness
    from qzlib.forecast import models

    df = _common.read(args.data)
    if df is None:
        return 2
    start = time.time()
    arrays = harness.training_arrays(df)            # the test rows are dropped here
    families = list(models.FAMILIES) + list(EXTRA)
    best, alone = {}, {}
    for w in WINDOWS:
        label = "full" if w is None else str(w)
        jobs = [(sid, t, y, w) for sid, t, y in arrays]
        parts = [p for p in harness.pool_map(_job, jobs, _common.workers(args.workers), _common.bar(f"window {label}"))
                 if p is not None]
        if not parts:
            print(f"window {label}: no series long enough", file=sys.stderr)
            continue
        val = pd.concat(parts, ignore_index=True)
        for set_name, members in SETS.items():
            grid = _grid(members, w)
            rk = harness.rank_grid({label: harness.with_combos(val, grid, families=families)}, grid=grid)
            best.setdefault(set_name, {})[label] = (round(float(rk["score"].iloc[0]), 4), rk.index[0])
        alone[label] = {m: harness.validation_scores(val[val["method"] == m]).iloc[0] for m in val["method"].unique()}
    print(f"{args.data.name}: validation blocks (last 6 training points), {len(arrays)} series")
    print("best combination score per member set and window (lower is better):")
    for set_name, by in best.items():
        print(f"  {set_name}: " + "; ".join(f"{w} {s:.4f} {name}" for w, (s, name) in by.items()))
    print("each family alone, sMAPE / MASE (series it could be fitted to):")
    for w, d in alone.items():
        print(f"  {w}: " + "; ".join(f"{m} {r.smape:.2f}/{r.mase:.3f} ({int(r.series)})"
                                     for m, r in sorted(d.items(), key=lambda x: x[1].smape)))
    print(f"run time {time.time() - start:.1f} s")
    print(json.dumps({k: {w: s for w, (s, _) in v.items()} for k, v in best.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
