"""Which trend families earn a place in the grid? A comparison on validation blocks only.

Training rows only: each series' last 6 training points are held out and forecast from the
points before them (all of them, or the last 8, 6 or 4), as in ``evaluate.validate``. Besides
the shipped families, two candidates defined here are scored: a robust drift (slope = median
of the yearly changes, the idea behind M3's ROBUST-Trend) and ARIMA(0,1,1) with drift. For
each set of grid members it prints the best score of any median or mean of 2-4 members
((sMAPE / sMAPE of naive + MASE / MASE of naive) / 2, lower is better) and that combination,
then each family alone. The LAST line is a JSON object of the best scores.

Example:  .venv/bin/python bench/families.py --data bench/data/m3_yearly_dev.csv
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from itertools import combinations
from pathlib import Path

import numpy as np

V = 6                                   # validation block: the last 6 training points
WINDOWS = (None, 8, 6, 4)
SETS = {
    "first five": ("naive", "drift", "theta", "damped", "linear"),
    "+ ses + logdrift (shipped)": ("naive", "drift", "theta", "damped", "linear", "ses", "logdrift"),
    "+ robust drift + ARIMA": ("naive", "drift", "theta", "damped", "linear", "ses", "logdrift",
                               "rdrift", "arima"),
}
EXTRA_MIN_POINTS = {"rdrift": 3, "arima": 6}


def _rdrift(t, y, tf):
    return y[-1] + np.median(np.diff(y) / np.diff(t)) * (tf - t[-1])


def _arima(t, y, tf):
    from statsmodels.tsa.arima.model import ARIMA

    if not np.all(np.diff(t) == 1):
        raise ValueError("ARIMA needs consecutive years")
    h = int(tf[-1] - t[-1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = np.asarray(ARIMA(np.asarray(y, float), order=(0, 1, 1), trend="t").fit().forecast(h))
    return f[(tf - t[-1] - 1).astype(int)]


def _job(args):
    from qzlib.forecast import models

    sid, t, y, window = args
    n = len(y)
    if n <= V:                                      # no room for a block and a history before it
        return None
    pt, py = t[:n - V], y[:n - V]
    if len(py) < (6 if window is None else window):
        return None
    mase_scale = float(np.mean(np.abs(np.diff(py))))
    if window:
        pt, py = pt[-window:], py[-window:]
    tf, yf = t[n - V:], y[n - V:]
    paths = models.family_paths(pt, py, tf)
    for name, fn in (("rdrift", _rdrift), ("arima", _arima)):
        if len(py) >= EXTRA_MIN_POINTS[name]:
            try:
                f = np.asarray(fn(pt, py, tf), float)
            except Exception:
                continue
            if np.all(np.isfinite(f)):
                paths[name] = f
    return yf, paths, mase_scale


def _scores(results, agg, members):
    sm, ma = [], []
    for yf, paths, ms in results:
        got = [paths[m] for m in members if m in paths] or [paths["naive"]]
        f = (np.median if agg == "median" else np.mean)(got, axis=0)
        sm.append(np.mean(200 * np.abs(yf - f) / (np.abs(yf) + np.abs(f))))
        ma.append(np.mean(np.abs(yf - f)) / ms)
    return float(np.mean(sm)), float(np.mean(ma))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, type=Path, help="long-format CSV (series,category,t,year,split,value)")
    ap.add_argument("--workers", type=int, default=2, help="processes (at most 2)")
    args = ap.parse_args(argv)

    from multiprocessing import Pool

    from tqdm import tqdm

    from qzlib.errors import InputError
    from qzlib.forecast import evaluate

    try:
        df = evaluate.read_long(args.data)
    except InputError as err:
        print(err, file=sys.stderr)
        return 2
    start = time.time()
    arrays = evaluate.training_arrays(df)            # the test rows are dropped here
    best, alone = {}, {}
    for w in WINDOWS:
        jobs = [(sid, t, y, w) for sid, t, y in arrays]
        with Pool(max(1, min(args.workers, 2))) as pool:
            res = [r for r in tqdm(pool.imap(_job, jobs, chunksize=4), total=len(jobs), file=sys.stderr,
                                   leave=False, desc=f"window {w or 'full'}") if r is not None]
        label = "full" if w is None else str(w)
        naive = _scores(res, "mean", ("naive",))
        rel = lambda s: (s[0] / naive[0] + s[1] / naive[1]) / 2  # noqa: E731
        for set_name, members in SETS.items():
            cands = {}
            for r in (2, 3, 4):
                for ms in combinations(members, r):
                    for agg in (("mean",) if r == 2 else ("median", "mean")):
                        cands[f"{agg}({'+'.join(ms)})"] = rel(_scores(res, agg, ms))
            top = min(cands, key=cands.get)
            best.setdefault(set_name, {})[label] = (round(cands[top], 4), top)
        fams = sorted({m for _, p, _ in res for m in p})
        # each family alone on the series it could be fitted to (no stand-in), with their count
        alone[label] = {m: (*(round(v, 3) for v in _scores([r for r in res if m in r[1]], "mean", (m,))),
                            sum(m in r[1] for r in res)) for m in fams}
    print(f"{args.data.name}: validation blocks (last {V} training points), {len(arrays)} series")
    print("best combination score per member set and window (lower is better):")
    for set_name, by in best.items():
        print(f"  {set_name}: " + "; ".join(f"{w} {s:.4f} {name}" for w, (s, name) in by.items()))
    print("each family alone, sMAPE / MASE (series it could be fitted to):")
    for w, d in alone.items():
        print(f"  {w}: " + "; ".join(f"{m} {a:.2f}/{b:.3f} ({k})" for m, (a, b, k) in sorted(d.items(), key=lambda x: x[1])))
    print(f"run time {time.time() - start:.1f} s")
    print(json.dumps({k: {w: s for w, (s, _) in v.items()} for k, v in best.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
