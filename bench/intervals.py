"""Do interval width factors fitted to one validation block carry to the next block?

Training rows only. The file's test rows are dropped and each series' last 6 TRAINING
points become the block to forecast ("next block"); the 6 points before them are the
validation block the factors are fitted to. The same steps as the shipped default are
then run on this shorter file (``harness.build_shipped`` to a temporary file: choice of
the combinations and the pseudo-origin tables), and the next block is forecast once and
scored twice: with the pseudo-origin table alone, and with the table resized by factors
fitted to the validation block (``calibration.learn_factors``). It prints the 80 %/95 %
coverage of the default (``auto``) both ways, for full histories and the last 8 points;
the LAST line is a JSON object with those figures.

Example:  .venv/bin/python bench/intervals.py --data bench/data/m3_yearly_dev.csv
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import _common


def main(argv=None) -> int:
    args = _common.parser(__doc__).parse_args(argv)

    import multiprocessing

    import pandas as pd

    from qzlib.errors import InputError
    import harness
    from qzlib.forecast import calibration, models

    df = _common.read(args.data)
    if df is None:
        return 2
    # the temporary shipped file reaches worker processes through the forked module state
    workers = _common.workers(args.workers) if multiprocessing.get_start_method() == "fork" else 1
    bar = _common.bar()
    start = time.time()
    V = calibration.HORIZON
    tr = df[df["split"] == "train"].sort_values(["series", "year"]).copy()
    n = tr.groupby("series")["year"].transform("size")
    tr.loc[tr.groupby("series").cumcount() >= n - V, "split"] = "test"      # the next block
    # a series must keep something to fit once its next block is set aside
    need = V + models.MIN_POINTS_ANY
    short = n < need
    if short.any():
        print(f"left out: {tr.loc[short, 'series'].nunique()} series with fewer than {need} training points",
              file=sys.stderr)
        tr = tr[~short]
    if tr.empty:
        print(f"{args.data}: no series has {need} or more training points", file=sys.stderr)
        return 2
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        csv, shipped = Path(tmp) / "shifted.csv", Path(tmp) / "shifted.json"
        tr.to_csv(csv, index=False)
        saved = calibration.SHIPPED, models.SHIPPED
        calibration.SHIPPED = models.SHIPPED = shipped
        models.clear_cache()
        try:
            try:
                harness.build_shipped(csv, out=shipped, workers=workers, progress=bar, log=lambda *_: None)
            except InputError as err:                     # e.g. no series long enough for a window
                print(f"{args.data}: {err}", file=sys.stderr)
                return 2
            shifted = tr[tr["split"] == "train"]
            for last in (None, 8):
                # factors fitted to the validation block, exactly as the earlier design did
                full, pre, val = harness.validate(shifted, last, workers=workers, progress=bar)
                # the default's spec on this window: the class's procedure, or the grid winner
                proc = models.CHOSEN[harness.class_of(last)]
                spec = models.default_by_window()[calibration.window_key(last)]
                grid = (spec["aggregate"], tuple(spec["members"]))
                specs = {"auto": models.resolve(models.PROCEDURES[proc], grid) if proc != "grid" else grid}
                before = calibration.CalibrationTable.learn(harness.with_combos(pre, specs))
                factors = calibration.learn_factors(before, harness.with_combos(val[val["method"].isin(
                    models.FAMILIES)], specs))
                label = "full" if last is None else f"last{last}"
                # the next block is forecast once; only the interval table differs between the two
                results, _ = harness.forecast_series(tr, last, workers, bar)
                table = harness.learn_table(results, last)
                for how, fac in (("table", None), ("table+factors", factors)):
                    table.factors = dict(fac or {})
                    sc, _ = harness.score_results(results, table)
                    out[f"{label}_{how}"] = {"coverage80": round(float(sc.loc["auto", "coverage80"]), 4),
                                             "coverage95": round(float(sc.loc["auto", "coverage95"]), 4)}
        finally:
            calibration.SHIPPED, models.SHIPPED = saved
            models.clear_cache()
    print(f"{args.data.name}: {tr['series'].nunique()} series; next block = last {V} training points")
    print(pd.DataFrame(out).T.to_string())
    print(f"run time {time.time() - start:.1f} s")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
