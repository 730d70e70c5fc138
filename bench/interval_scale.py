"""Which volatility scale should the interval widths follow? Training rows only.

An interval is ``forecast + q(level, h) * scale`` (qzlib.forecast.calibration), where
``scale`` is the mean absolute yearly change over the last SCALE_WINDOW points the model
sees and ``q`` are pooled pseudo-origin errors divided by the same scale. Any scale keeps
coverage near nominal where the table is learned; what a better scale buys is sharper
intervals, because it tracks each series' volatility at the origin more closely.

Protocol (the file's test rows are dropped first). For every series, two training-only
blocks of 6 points are forecast with the shipped default (``auto``): A = the last 6
training points, B = the 6 before them. For each block, the table is learned from
pseudo-origins strictly before it, once per candidate scale window (4, 6, 8, 12 points and
the whole history the model sees), for full histories and for the last 8 points.

Rule, fixed before any figure was seen: the score of a candidate is the mean, over the
two settings x two blocks x the 80 % and 95 % intervals, of its mean scaled interval score
(MSIS, the M4 competition's interval measure: width plus 2/alpha times the miss, divided
by the series' mean absolute yearly change) relative to the REFERENCE window's (8, the
scale shipped when the rule was fixed). A candidate replaces 8 only if that mean is below
0.99 (at least 1 % better); the lowest wins. (Run in this form, the rule chose 6, now
``calibration.SCALE_WINDOW``.) Coverage on each block is printed beside it. The LAST line is a JSON object with
every candidate's relative score, coverage and MSIS.

Example:  .venv/bin/python bench/interval_scale.py --data bench/data/m3_yearly_dev.csv
"""
from __future__ import annotations

import json
import sys
import time

import _common

CANDIDATES = (4, 6, 8, 12, 0)        # 0 = the whole history the model sees
REFERENCE = 8                        # the scale shipped when the rule was fixed
LEVELS = {"80": (0.1, 0.9, 0.2), "95": (0.025, 0.975, 0.05)}   # lower, upper quantile, alpha
SETTINGS = (None, 8)
BLOCKS = {"A": 1, "B": 2}            # block = the k-th last run of HORIZON training points


def _job(args):
    """Raw pseudo-origin errors before each block and the block's forecasts, for one
    series, with every candidate scale at each origin."""
    import numpy as np

    from qzlib.forecast import calibration, models

    sid, t, y, window = args
    V = calibration.HORIZON
    spec_of = models.default_by_window()
    need = calibration.MIN_FIT if window is None else max(window, models.MIN_POINTS_ANY)
    origins, blocks = [], []
    for block, k in BLOCKS.items():
        cut = len(y) - k * V
        if cut < need:
            continue
        ht, hy = t[:cut], y[:cut]
        # the pseudo-origins the shipped tables are learned from, inside the history before the block
        for _, tt, yy, tf, yf in calibration.pseudo_origins(ht, hy, window):
            e = spec_of[calibration.window_key(window)]
            f = models.combine(models.family_paths(tt, yy, tf), "auto", (e["aggregate"], tuple(e["members"])))
            if f is None:
                continue
            scales = {c: calibration.scale_of(tt, yy, c) for c in CANDIDATES}
            for hi, a, fc in zip((tf - tt[-1]).astype(int), yf, f):
                origins.append((sid, block, int(hi), a - fc, scales))
        st, sy = (ht, hy) if window is None else (ht[-window:], hy[-window:])
        tf, yf = t[cut:cut + V], y[cut:cut + V]
        f = models.combine(models.family_paths(st, sy, tf), "auto", models.auto_choice(st, sy)[2])
        if f is None:
            continue
        scales = {c: calibration.scale_of(st, sy, c) for c in CANDIDATES}
        mase = float(np.mean(np.abs(np.diff(hy))))
        for hi, a, fc in zip((tf - st[-1]).astype(int), yf, f):
            blocks.append((sid, block, int(hi), a, fc, mase, scales))
    return origins, blocks


def evaluate_block(origins, blocks, c):
    """Coverage and MSIS of the block's intervals for scale window ``c``; horizons with fewer
    than 20 pseudo-origin errors have no quantiles (as in CalibrationTable.learn) and their
    block points are left out; None if no point is left."""
    import numpy as np
    import pandas as pd

    err = pd.DataFrame({"h": [r[2] for r in origins], "e": [r[3] / r[4][c] for r in origins]})
    err = err[np.isfinite(err["e"])]
    n = err.groupby("h").size()
    err = err[err["h"].isin(n[n >= 20].index)]
    h = np.array([r[2] for r in blocks])
    keep = np.isin(h, err["h"].unique())
    if not keep.any():
        return None
    a = np.array([r[3] for r in blocks])[keep]
    f = np.array([r[4] for r in blocks])[keep]
    mase = np.array([r[5] for r in blocks])[keep]
    s = np.array([r[6][c] for r in blocks])[keep]
    h = h[keep]
    out = {}
    for lv, (ql, qh, alpha) in LEVELS.items():
        q = err.groupby("h")["e"].quantile([ql, qh]).unstack()
        lo = f + q.loc[h, ql].to_numpy() * s
        hi = f + q.loc[h, qh].to_numpy() * s
        miss = (lo - a) * (a < lo) + (a - hi) * (a > hi)
        ok = mase > 0                                   # MSIS is undefined for a flat history
        out[lv] = {"coverage": float(np.mean((a >= lo) & (a <= hi))),
                   "msis": float(np.mean(((hi - lo) + 2 / alpha * miss)[ok] / mase[ok])) if ok.any() else float("nan"),
                   "points": int(keep.sum())}
    return out


def main(argv=None) -> int:
    args = _common.parser(__doc__).parse_args(argv)

    import pandas as pd

    import harness

    df = _common.read(args.data)
    if df is None:
        return 2
    start = time.time()
    arrays = harness.training_arrays(df)
    bar = _common.bar()
    results, rows = {}, []
    for window in SETTINGS:
        label = "full" if window is None else f"last{window}"
        jobs = [(sid, t, y, window) for sid, t, y in arrays]
        res = harness.pool_map(_job, jobs, _common.workers(args.workers), bar)
        for block in BLOCKS:
            origins = [r for o, _ in res for r in o if r[1] == block]
            blocks = [r for _, b in res for r in b if r[1] == block]
            if not blocks:
                continue
            for c in CANDIDATES:
                scored = evaluate_block(origins, blocks, c)
                if scored is None:
                    print(f"{label} block {block}: too few pseudo-origin errors for any horizon; left out",
                          file=sys.stderr)
                    break
                for lv, v in scored.items():
                    rows.append({"setting": label, "block": block, "series": len({r[0] for r in blocks}),
                                 "scale": c or "all", "level": lv, **v})
    tab = pd.DataFrame(rows)
    if tab.empty:
        print(f"{args.data}: no block could be scored (series too short for pseudo-origins before it)",
              file=sys.stderr)
        return 2
    cur = tab[tab["scale"] == REFERENCE].set_index(["setting", "block", "level"])["msis"]
    tab["relative"] = tab.apply(lambda r: r["msis"] / cur[(r["setting"], r["block"], r["level"])], axis=1)
    print(f"{args.data.name}: training rows only; blocks A = last 6, B = the 6 before; default 'auto'")
    print(tab.round(4).to_string(index=False))
    summary = tab.groupby("scale", sort=False).agg(relative=("relative", "mean"))
    print(summary.round(4).to_string())
    best = summary["relative"].idxmin()
    chosen = best if summary.loc[best, "relative"] < 0.99 else REFERENCE
    print(f"lowest: {best} ({summary.loc[best, 'relative']:.4f}); rule (< 0.99 to replace {REFERENCE}) -> {chosen}")
    print(f"run time {time.time() - start:.1f} s")
    for c in CANDIDATES:
        results[str(c or "all")] = {
            "relative": round(float(summary.loc[c or "all", "relative"]), 4),
            **{f"{r.setting}_{r.block}_{r.level}": {"coverage": round(r.coverage, 4), "msis": round(r.msis, 3)}
               for r in tab[tab["scale"] == (c or "all")].itertuples()}}
    print(json.dumps({"chosen": str(chosen), "candidates": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
