"""Which declared procedure should each history class use? Training rows only.

The candidates, the history classes and the rule are declared in ``qzlib.forecast.models``
(PROCEDURES, HISTORY_CLASSES, CLASS_WINDOWS, CHOICE_RULE) and were committed before this
script was first run. The file's test rows are dropped first. Two disjoint training-only
blocks per series are forecast: A = its last 6 training points, B = the 6 before them. For
each block the models see the points before it (all of them, or only the last N for a window
N; a series too short for that is left out of that window and block). "grid" is the default
before #14: the shipped winner of the 161-entry grid for the window (chosen on block A, which
favours it there; block B is new to it).

Rule (models.CHOICE_RULE): per class, score = mean over the class's windows of
(sMAPE / sMAPE of naive + MASE / MASE of naive) / 2 on block A; lowest wins. Confirmation:
the winner's block-B score must be at most 1.01 x the best block-B score; if not, the class
takes the procedure with the lowest mean of its A and B scores. The LAST line is a JSON
object: per class the scores, the choice and whether block B confirmed it.

Example:  .venv/bin/python bench/procedures.py --data bench/data/m3_yearly_dev.csv
"""
from __future__ import annotations

import json
import sys
import time

import _common

BLOCKS = {"A": 1, "B": 2}            # block = the k-th last run of HORIZON training points
CONFIRM_TOLERANCE = 1.01


def _label(window):
    return "full" if window is None else str(window)


def _job(args):
    """The block forecasts of one series by the families the procedures need."""
    import harness
    from qzlib.forecast import calibration

    sid, t, y, window, k, families = args
    cut = len(y) - (k - 1) * calibration.HORIZON       # block k ends here
    if cut <= 0:
        return None
    return harness.block_forecasts(sid, t[:cut], y[:cut], window, families=families)


def specs_for(window) -> dict:
    """Every procedure as (aggregate, members) on ``window`` points: "grid" = the shipped grid
    winner of that window."""
    from qzlib.forecast import calibration, models

    win = models.default_by_window()[calibration.window_key(window)]
    return {name: (win["aggregate"], tuple(win["members"])) if spec is None else spec
            for name, spec in models.PROCEDURES.items()}


def block_scores(df, workers: int = 1, progress=None) -> dict:
    """{block: {window label: DataFrame of sMAPE, MASE, relative score by procedure}} from
    the TRAINING rows of ``df`` (the test rows are dropped before anything is fitted)."""
    import pandas as pd

    import harness
    from qzlib.forecast import models

    arrays = harness.training_arrays(df)
    windows = sorted({w for ws in models.CLASS_WINDOWS.values() for w in ws}, key=lambda w: (w is None, w))
    out = {}
    for block, k in BLOCKS.items():
        for w in windows:
            specs = specs_for(w)
            families = {m for _, members in specs.values() for m in members} | {"naive"}
            jobs = [(sid, t, y, w, k, families) for sid, t, y in arrays]
            parts = [p for p in harness.pool_map(_job, jobs, workers, progress) if p is not None and len(p)]
            if not parts:
                continue
            val = harness.with_combos(pd.concat(parts, ignore_index=True), specs)
            rk = harness.rank_grid({_label(w): val}, grid=specs)
            rk.columns = [c.split("_", 1)[1] if c.startswith(f"{_label(w)}_") else c for c in rk.columns]
            rk["series"] = int(val["series"].nunique())
            out.setdefault(block, {})[_label(w)] = rk.loc[list(specs)]
    return out


def choose(scores: dict) -> dict:
    """Apply models.CHOICE_RULE to ``block_scores``' result: per class the A and B scores
    (mean over the class's windows), the choice and whether block B confirmed it."""
    from qzlib.forecast import models

    names = list(models.PROCEDURES)
    result = {}
    for cls, windows in models.CLASS_WINDOWS.items():
        by = {}
        for block in BLOCKS:
            have = [scores.get(block, {}).get(_label(w)) for w in windows]
            have = [h for h in have if h is not None]
            by[block] = {n: sum(float(h.loc[n, "owa"]) for h in have) / len(have) for n in names} if have else {}
        a, b = by["A"], by["B"]
        winner = min(names, key=lambda n: (a[n], names.index(n)))
        confirmed = not b or b[winner] <= CONFIRM_TOLERANCE * min(b.values())
        chosen = winner if confirmed else min(names, key=lambda n: ((a[n] + b[n]) / 2, names.index(n)))
        result[cls] = {"A": {n: round(v, 4) for n, v in a.items()}, "B": {n: round(v, 4) for n, v in b.items()},
                       "winner_A": winner, "confirmed_B": bool(confirmed), "chosen": chosen}
    return result


def main(argv=None) -> int:
    args = _common.parser(__doc__).parse_args(argv)
    import pandas as pd

    from qzlib.forecast import models

    df = _common.read(args.data)
    if df is None:
        return 2
    start = time.time()
    scores = block_scores(df, _common.workers(args.workers), _common.bar("series"))
    result = choose(scores)
    pd.set_option("display.width", 140)
    print(f"{args.data.name}: training-only blocks A (last 6 training points) and B (the 6 before)")
    for block, by in scores.items():
        for w, rk in by.items():
            print(f"block {block}, window {w} ({int(rk['series'].iloc[0])} series):")
            print(rk[["smape", "mase", "owa"]].round(4).to_string())
    print(f"rule: {models.CHOICE_RULE}")
    for cls, r in result.items():
        print(f"{cls}: A {r['A']}; B {r['B']}; winner on A {r['winner_A']}, "
              f"{'confirmed' if r['confirmed_B'] else 'NOT confirmed'} on B -> {r['chosen']}")
    print(f"run time {time.time() - start:.1f} s")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
