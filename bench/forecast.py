"""Benchmark the trend methods of qzlib.forecast on yearly series in the M3 long format.

Prints sMAPE, MASE and 80 %/95 % interval coverage per method and for the default
(``auto``), then the run time; the LAST line is a JSON object for the default method.
``auto`` uses the procedure chosen for each series' history class (``models.CHOSEN``; see
``qzlib.forecast.models.auto_choice``); the rows ``grid``, ``scum``, ``scum_naive``, ``blend``
and ``mix`` are every declared procedure, ``combo`` the single full/last-8 grid default.
Interval tables carry the declared width factors (``calibration.WIDTH_FACTORS``).
Intervals are calibrated only on pseudo-origins inside each training part.
``--write-calibration`` first rebuilds the shipped tables (and the grid's choice) from the
file's TRAINING rows (validation blocks = the last 6 training points), then benchmarks with
the result; ``--extend-calibration`` only adds the rows of the statsforecast families and the
declared procedures to it. ``--last`` may be given several times (``--last 0`` = full histories): each
setting prints its table, and the JSON line holds the first setting's figures plus
``by_last``, one object per value.

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
    ap.add_argument("--last", type=int, action="append", default=None, metavar="N",
                    help="models see only each series' last N training points; give it several times for "
                         "several settings in one run (0 = full histories)")
    ap.add_argument("--write-calibration", action="store_true",
                    help="first re-choose the default and rebuild qzlib's shipped interval table from this "
                         "file's TRAINING rows (takes several minutes)")
    ap.add_argument("--extend-calibration", action="store_true",
                    help="first add to qzlib's shipped interval table the rows of the statsforecast families "
                         "and of every declared procedure, from this file's TRAINING rows, keeping the other "
                         "rows (harness.extend_shipped; about 12 min on this file)")
    args = ap.parse_args(argv)

    import pandas as pd

    import harness
    from qzlib.errors import InputError
    from qzlib.forecast import calibration, models

    df = _common.read(args.data)
    if df is None:
        return 2
    bar = _common.bar("series")
    workers = _common.workers(args.workers)
    if args.write_calibration:
        t0 = time.time()
        harness.build_shipped(args.data, workers=workers, progress=bar)
        print(f"wrote {calibration.SHIPPED} from training rows only in {time.time() - t0:.1f} s")
    if args.extend_calibration:
        t0 = time.time()
        try:                                  # e.g. a file the shipped table was not learned from
            harness.extend_shipped(args.data, workers=workers, progress=bar)
        except InputError as err:
            print(f"{args.data}: {err}", file=sys.stderr)
            return 2
        print(f"extended {calibration.SHIPPED} from training rows only in {time.time() - t0:.1f} s")
    settings = [n or None for n in (args.last or [None])]
    pd.set_option("display.width", 120)
    results = []
    for last in settings:
        start = time.time()
        try:
            scores, _, table = harness.run(df, last=last, workers=workers, progress=bar)
        except InputError as err:                     # e.g. no series long enough
            print(f"{args.data}: {err}", file=sys.stderr)
            return 2
        seconds = time.time() - start
        _report(args, df, scores, table, last, seconds, harness, models)
        d = scores.loc[harness.DEFAULT]
        results.append({"smape": round(float(d.smape), 3), "mase": round(float(d.mase), 4),
                        "coverage80": round(float(d.coverage80), 4),
                        "coverage95": round(float(d.coverage95), 4),
                        "series": int(d.series), "seconds": round(seconds, 1)})
    out = dict(results[0])
    if len(settings) > 1:                # one object per --last value (key "full" for 0)
        out["by_last"] = {("full" if last is None else str(last)): r for last, r in zip(settings, results)}
    print(json.dumps(out))
    return 0


def _report(args, df, scores, table, last, seconds, harness, models) -> None:
    """The header, the table by method and the notes of one setting."""
    left_out = scores.attrs.get("left_out", [])
    if left_out:
        print(f"left out: {len(left_out)} series with fewer than {models.MIN_POINTS_ANY} training points "
              f"seen or no test rows ({', '.join(map(str, left_out[:5]))}{' …' if len(left_out) > 5 else ''})",
              file=sys.stderr)
    if "shipped table" in table.note:
        print(f"intervals: {table.note}", file=sys.stderr)
    if scores.attrs.get("no_table"):
        print(f"not scored (no interval table for them in this file or the shipped one): "
              f"{', '.join(scores.attrs['no_table'])}", file=sys.stderr)
    mode = f"last {last} training points" if last else "full training histories"
    print(f"{args.data.name}: {scores['series'].max()} series, {mode}, horizon "
          f"{int(df[df.split == 'test'].groupby('series').size().max())}")
    print(scores.sort_values("smape").round({"smape": 2, "mase": 3, "coverage80": 3, "coverage95": 3})
          .to_string())
    unscaled = int(scores.loc[harness.DEFAULT, "series"] - scores.loc[harness.DEFAULT, "mase_series"])
    if unscaled:
        print(f"MASE left out for {unscaled} series whose training values never change (scale 0)")
    agg, members = models.default_combo()
    print(f"default method: {harness.DEFAULT} = the procedure chosen for the series' history class "
          f"({'; '.join(f'{k}: {v}' for k, v in models.CHOSEN.items())}; grid = the 161-entry grid's window "
          f"winner); combo = {agg} of {', '.join(members)}; run time {seconds:.1f} s")


if __name__ == "__main__":
    sys.exit(main())
