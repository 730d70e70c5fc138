"""Benchmark the trend methods of qzlib.forecast on yearly series in the M3 long format.

Prints sMAPE, MASE and 80 %/95 % interval coverage per method and for the default
(``auto``), then the run time; the LAST line is a JSON object for the default method.
``auto`` uses the combination chosen for each series' length (window 4, 6, 8, 12 or full; see
``qzlib.forecast.models.auto_choice``); ``combo`` is the single full/last-8 default.
Intervals are calibrated only on pseudo-origins inside each training part. ``--write-calibration`` first re-chooses the default and
rebuilds the shipped table from the file's TRAINING rows (validation blocks = the last 6
training points), then benchmarks with the result.

Example:  .venv/bin/python bench/forecast.py --data bench/data/m3_yearly_dev.csv --last 8
"""
from __future__ import annotations

import json
import sys
import time

import _common


def main(argv=None) -> int:
    ap = _common.parser(__doc__)
    ap.epilog = ("sMAPE and MASE are averaged over series (MASE scaled by the full training history); "
                 "coverage is the share of test values inside the interval.")
    ap.add_argument("--last", type=int, default=None, metavar="N",
                    help="models see only each series' last N training points")
    ap.add_argument("--write-calibration", action="store_true",
                    help="first re-choose the default and rebuild qzlib's shipped interval table from this "
                         "file's TRAINING rows (takes several minutes)")
    args = ap.parse_args(argv)

    import pandas as pd

    from qzlib.errors import InputError
    from qzlib.forecast import calibration, evaluate, models

    df = _common.read(args.data)
    if df is None:
        return 2
    bar = _common.bar("series")
    workers = _common.workers(args.workers)
    if args.write_calibration:
        t0 = time.time()
        evaluate.build_shipped(args.data, workers=workers, progress=bar)
        print(f"wrote {calibration.SHIPPED} from training rows only in {time.time() - t0:.1f} s")
    start = time.time()
    agg, members = models.default_combo()
    try:
        scores, _, table = evaluate.run(df, last=args.last, workers=workers, progress=bar)
    except InputError as err:                     # e.g. no series long enough
        print(f"{args.data}: {err}", file=sys.stderr)
        return 2
    seconds = time.time() - start
    left_out = scores.attrs.get("left_out", [])
    if left_out:
        print(f"left out: {len(left_out)} series with fewer than {models.MIN_POINTS_ANY} training points "
              f"seen or no test rows ({', '.join(map(str, left_out[:5]))}{' …' if len(left_out) > 5 else ''})",
              file=sys.stderr)
    if "shipped table" in table.note:
        print(f"intervals: {table.note}", file=sys.stderr)

    pd.set_option("display.width", 120)
    mode = f"last {args.last} training points" if args.last else "full training histories"
    print(f"{args.data.name}: {scores['series'].max()} series, {mode}, horizon "
          f"{int(df[df.split == 'test'].groupby('series').size().max())}")
    print(scores.sort_values("smape").round({"smape": 2, "mase": 3, "coverage80": 3, "coverage95": 3})
          .to_string())
    unscaled = int(scores.loc[evaluate.DEFAULT, "series"] - scores.loc[evaluate.DEFAULT, "mase_series"])
    if unscaled:
        print(f"MASE left out for {unscaled} series whose training values never change (scale 0)")
    byw = models.default_by_window()
    per = "; ".join(f"{k}: {v['name']}" for k, v in byw.items()) or f"{agg} of {', '.join(members)}"
    print(f"default method: {evaluate.DEFAULT} = the combination chosen for the series' length ({per}); "
          f"combo = {agg} of {', '.join(members)}; run time {seconds:.1f} s")
    d = scores.loc[evaluate.DEFAULT]
    print(json.dumps({"smape": round(float(d.smape), 3), "mase": round(float(d.mase), 4),
                      "coverage80": round(float(d.coverage80), 4), "coverage95": round(float(d.coverage95), 4),
                      "series": int(d.series), "seconds": round(seconds, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
