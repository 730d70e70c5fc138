"""Which declared procedure should each history class use, and how wide should its intervals
be? Training rows only.

The candidates, the history classes and both rules are declared in code (``models.PROCEDURES``,
``HISTORY_CLASSES``, ``CLASS_WINDOWS``, ``CHOICE_RULE``; ``calibration.WIDTH_RULE``) and were
committed before this script was first run in this form (#25). The file's test rows are dropped
first. Three disjoint training-only blocks per series are forecast: A = its last 6 training
points, B = the 6 before them, C = the 6 before B. For each block the models see the points
before it (all of them, or only the last N for a window N; a series too short for that is left
out of that window and block), and the interval table is learned from the pseudo-origins
before it (``calibration.origin_errors``, as the shipped tables are).

"grid" is the window's winner of the 161-entry grid. The shipped winner was chosen on block A,
so on A "grid" is the winner chosen on block B instead (the same ranking, ``harness.rank_grid``,
on B's forecasts); on B and C it is the shipped winner. "mix" contains the grid and follows it.

Choice (models.CHOICE_RULE): per class and block, score = mean over the class's windows of
(sMAPE / sMAPE of naive + MASE / MASE of naive) / 2. The class keeps its #14 procedure
(models.RULE_CHOICE_14) unless a candidate has a lower mean over the blocks AND a lower score
than it on at least two of the three blocks; of those the lowest mean wins.

Width (calibration.WIDTH_RULE): per window and procedure, one factor for the 80 % and one for
the 95 % interval, fitted so that blocks B and C pooled are covered at the nominal rate; kept
if it brings block A closer to nominal on average than no factor, and then learned again on
A, B and C pooled.

The LAST line is a JSON object: per class the scores and the choice, per window the grid
winners and the width factors.

Example:  .venv/bin/python bench/procedures.py --data bench/data/m3_yearly_dev.csv
"""
from __future__ import annotations

import json
import sys
import time

import _common

BLOCKS = {"A": 1, "B": 2, "C": 3}    # block = the k-th last run of HORIZON training points
LEVELS = {"80": (0.1, 0.9), "95": (0.025, 0.975)}


def _label(window):
    return "full" if window is None else str(window)


def _families():
    from qzlib.forecast import models

    return set(models.GRID_MEMBERS) | {m for spec in models.PROCEDURES.values() if spec
                                       for m in spec[1] if m not in models.PROCEDURES}


def _job(args):
    """Block k of one series: the block's forecasts by every family the candidates and the
    grid need, and the pseudo-origin errors inside the history before the block."""
    import harness
    from qzlib.forecast import calibration

    sid, t, y, window, k = args
    cut = len(y) - (k - 1) * calibration.HORIZON       # block k ends here
    if cut <= 0:
        return None
    fams = _families()
    val = harness.block_forecasts(sid, t[:cut], y[:cut], window, families=fams)
    if val is None:
        return None
    pre_t, pre_y = t[:cut - calibration.HORIZON], y[:cut - calibration.HORIZON]
    pre = calibration.origin_errors(pre_t, pre_y, window=window, combos={}, families=fams).assign(series=sid)
    return val, pre


def shipped_grid(window) -> tuple:
    """(aggregate, members) of the shipped grid winner of ``window``."""
    from qzlib.forecast import calibration, models

    win = models.default_by_window()[calibration.window_key(window)]
    return win["aggregate"], tuple(win["members"])


def specs_for(grid) -> dict:
    """Every procedure as a (possibly nested) spec, with ``grid`` as the grid's choice."""
    from qzlib.forecast import models

    return {"grid": tuple(grid), **models.procedure_specs(grid)}


def grid_winner(val, window) -> str:
    """The grid entry (eligible at ``window`` points) ranked first on these block forecasts."""
    import harness
    from qzlib.forecast import models

    cands = models.grid_for_window(window)
    return harness.rank_grid({_label(window): harness.with_combos(val, cands)}, grid=cands).index[0]


def block_data(df, workers: int = 1, progress=None) -> dict:
    """{window label: {block: (block forecasts, pre-block errors)}} of every family the
    candidates use, from the TRAINING rows of ``df`` (the test rows are dropped first)."""
    import pandas as pd

    import harness
    from qzlib.forecast import models

    arrays = harness.training_arrays(df)
    windows = sorted({w for ws in models.CLASS_WINDOWS.values() for w in ws}, key=lambda w: (w is None, w))
    out = {}
    for w in windows:
        jobs = [(sid, t, y, w, k) for k in BLOCKS.values() for sid, t, y in arrays]
        res = harness.pool_map(_job, jobs, workers, progress)
        for block, k in BLOCKS.items():
            got = [r for (_, _, _, _, kk), r in zip(jobs, res) if kk == k and r is not None and len(r[0])]
            if got:
                pre = [g[1] for g in got if len(g[1])]
                out.setdefault(_label(w), {})[block] = (pd.concat([g[0] for g in got], ignore_index=True),
                                                        pd.concat(pre, ignore_index=True) if pre else got[0][1])
    return out


def block_scores(data: dict) -> tuple[dict, dict, dict]:
    """(scores, grids, needs) from ``block_data``: scores = {block: {window: DataFrame of sMAPE,
    MASE, relative score (owa) and series by procedure}}; grids = {window: {block: grid entry
    used}}; needs = {window: {procedure: {block: {level: factors each block point needs}}}}."""
    import harness
    from qzlib.forecast import calibration, models

    scores, grids, needs = {}, {}, {}
    for label, blocks in data.items():
        w = None if label == "full" else int(label)
        shipped = shipped_grid(w)
        name_of = {v: k for k, v in models.GRID.items()}
        for block, (val, pre) in blocks.items():
            if block == "A" and "B" in blocks:
                win = grid_winner(blocks["B"][0], w)     # chosen on B, scored on A
                grid = models.GRID[win]
            else:
                grid, win = shipped, name_of.get(tuple(shipped), str(shipped))
            grids.setdefault(label, {})[block] = win
            specs = specs_for(grid)
            vc = harness.with_combos(val, specs)
            rk = harness.rank_grid({label: vc}, grid=specs)
            rk.columns = [c.split("_", 1)[1] if c.startswith(f"{label}_") else c for c in rk.columns]
            rk["series"] = int(val["series"].nunique())
            scores.setdefault(block, {})[label] = rk.loc[list(specs)]
            table = calibration.CalibrationTable.learn(harness.with_combos(pre, specs))
            for proc in specs:
                needs.setdefault(label, {}).setdefault(proc, {})[block] = needed_factors(table, vc, proc)
    return scores, grids, needs


def needed_factors(table, val, method) -> dict:
    """{level: array}: for each block point of ``method``, the smallest factor on the table's
    offsets from its median that puts the point inside the 80 % / 95 % interval (a point is
    covered with factor k exactly when its need is <= k). Horizons without a table row are
    left out."""
    import numpy as np

    from qzlib.forecast import calibration

    g = val[val["method"] == method]
    q = table.quantiles.get(method)
    out = {lv: np.array([]) for lv in LEVELS}
    if g.empty or q is None:
        return out
    h = g["h"].to_numpy(int)
    rows = q[np.clip(h, 1, len(q)) - 1]
    ok = np.isfinite(rows).all(axis=1) & np.isfinite(g["error"].to_numpy(float))
    lv = list(calibration.LEVELS)
    mid = rows[:, lv.index(0.5)]
    d = g["error"].to_numpy(float) - mid
    for name, (lo, hi) in LEVELS.items():
        below, above = rows[:, lv.index(lo)] - mid, rows[:, lv.index(hi)] - mid
        good = ok & (below < 0) & (above > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            need = np.where(d >= 0, d / above, d / below)
        out[name] = need[good]
    return out


def choose(scores: dict) -> dict:
    """Apply models.CHOICE_RULE: per class the score on each block (mean over the class's
    windows), the mean over the blocks, the blocks won against the #14 procedure and the choice."""
    from qzlib.forecast import models

    names = list(models.PROCEDURES)
    result = {}
    for cls, windows in models.CLASS_WINDOWS.items():
        by = {}
        for block in BLOCKS:
            have = [scores.get(block, {}).get(_label(w)) for w in windows]
            have = [h for h in have if h is not None]
            if have:
                by[block] = {n: sum(float(h.loc[n, "owa"]) for h in have) / len(have) for n in names}
        mean = {n: sum(b[n] for b in by.values()) / len(by) for n in names}
        current = models.RULE_CHOICE_14[cls]
        wins = {n: sum(b[n] < b[current] for b in by.values()) for n in names}
        challengers = [n for n in names if n != current and mean[n] < mean[current] and wins[n] >= 2]
        chosen = min(challengers, key=lambda n: (mean[n], names.index(n))) if challengers else current
        result[cls] = {**{blk: {n: round(v, 4) for n, v in b.items()} for blk, b in by.items()},
                       "mean": {n: round(v, 4) for n, v in mean.items()}, "current": current,
                       "blocks_won": wins, "chosen": chosen}
    return result


def widths(needs: dict) -> dict:
    """Apply calibration.WIDTH_RULE: {window: {procedure: factors fitted on B and C, coverage on A
    without and with them, whether they are adopted, and the factors learned on A, B and C}}."""
    import numpy as np

    nominal = {"80": 0.8, "95": 0.95}
    out = {}
    for label, by_proc in needs.items():
        for proc, by_block in by_proc.items():
            early = {lv: np.concatenate([by_block[b][lv] for b in ("B", "C") if b in by_block] or [np.array([])])
                     for lv in LEVELS}
            a = by_block.get("A")
            if a is None or any(len(early[lv]) < 20 or len(a[lv]) < 20 for lv in LEVELS):
                continue
            k = {lv: float(np.quantile(early[lv], nominal[lv])) for lv in LEVELS}
            without = {lv: float(np.mean(a[lv] <= 1)) for lv in LEVELS}
            withk = {lv: float(np.mean(a[lv] <= k[lv])) for lv in LEVELS}
            miss0 = np.mean([abs(without[lv] - nominal[lv]) for lv in LEVELS])
            miss1 = np.mean([abs(withk[lv] - nominal[lv]) for lv in LEVELS])
            adopted = bool(miss1 < miss0)
            every = {lv: np.concatenate([early[lv], a[lv]]) for lv in LEVELS}
            shipped = {lv: round(float(np.quantile(every[lv], nominal[lv])), 4) for lv in LEVELS} if adopted else None
            early_cov = {lv: float(np.mean(early[lv] <= 1)) for lv in LEVELS}
            out.setdefault(label, {})[proc] = {
                "k_BC": {lv: round(v, 4) for lv, v in k.items()},
                "coverage_BC": {lv: round(v, 4) for lv, v in early_cov.items()},
                "coverage_A": {lv: round(v, 4) for lv, v in without.items()},
                "coverage_A_with_k": {lv: round(v, 4) for lv, v in withk.items()},
                "points_A": int(len(a["80"])), "points_BC": int(len(early["80"])),
                "adopted": adopted, "shipped": shipped}
    return out


def main(argv=None) -> int:
    args = _common.parser(__doc__).parse_args(argv)
    import pandas as pd

    from qzlib.forecast import calibration, models

    df = _common.read(args.data)
    if df is None:
        return 2
    start = time.time()
    data = block_data(df, _common.workers(args.workers), _common.bar("series x block"))
    scores, grids, needs = block_scores(data)
    result = choose(scores)
    width = widths(needs)
    pd.set_option("display.width", 140)
    print(f"{args.data.name}: training-only blocks A (last 6 training points), B (the 6 before), C (the 6 before B)")
    for block, by in scores.items():
        for w, rk in by.items():
            print(f"block {block}, window {w} ({int(rk['series'].iloc[0])} series; grid = {grids[w][block]}):")
            print(rk[["smape", "mase", "owa"]].round(4).to_string())
    print(f"rule: {models.CHOICE_RULE}")
    for cls, r in result.items():
        print(f"{cls}: {json.dumps({k: v for k, v in r.items()})}")
    print(f"width rule: {calibration.WIDTH_RULE}")
    for w, by in width.items():
        for proc, r in by.items():
            print(f"window {w}, {proc}: {json.dumps(r)}")
    print(f"run time {time.time() - start:.1f} s")
    print(json.dumps({"choice": result, "grids": grids, "widths": width}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
