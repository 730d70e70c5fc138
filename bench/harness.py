"""Benchmark and model-selection harness: score the trend methods on held-out data in the
M3 long format, choose the default and build the tables ``qzlib.forecast`` ships.

Bench tooling, not part of ``qzlib`` (which holds only what a brief or notebook runs); the
bench scripts import it as ``harness`` (bench/ is their folder), tests add bench/ to the path.

Input columns: ``series, category, t, year, split, value`` with ``split`` in
{train, test}. Each series is forecast from its training part only; the interval
table is learned from pseudo-origins inside the training parts (see
:mod:`qzlib.forecast.calibration`), so the test values enter nothing but the scores.

The default's choices are made on a VALIDATION block that mirrors the test: the last
HORIZON training points of every series are held out and forecast from the points before
them (:func:`validate`). On it, the default combination is picked from ``models.GRID``
(:func:`rank_grid`) and the interval tables' coverage is checked (:func:`build_shipped`). Only
``split == 'train'`` rows are read for any of this.
"""
from __future__ import annotations

from dataclasses import dataclass

import hashlib
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from qzlib.errors import InputError
from qzlib.forecast import calibration, models
from qzlib.forecast.calibration import select_method

REQUIRED = ("series", "year", "split", "value")
DEFAULT = "auto"
# Histories the default combination is chosen on: the full history, and its last 8 points
# (the short case: `--last 8`, and Quzhou's own 5-15-point series).
CHOICE_SETTINGS = (None, 8)
# Per window (4, 6, 8, 12 points, full history): the same relative criterion on that
# window's validation blocks alone, among the grid entries whose members are all eligible
# by length on that many points (models.grid_for_window); fit uses models.auto_choice.
CRITERION_BY_WINDOW = ("(sMAPE / sMAPE of naive + MASE / MASE of naive) / 2 on the validation blocks "
                       "of the window, among grid entries whose members are all eligible at that "
                       "length; lowest wins, ties go to the earlier grid entry")
AUTO_RULE = ("a series takes the longest window at or below its length ('full' above 12 points) and, "
             "in that window's validation ranking, the best combination whose members can all be fitted "
             "to it (length, consecutive years, positive values): the winner unless it has gaps or values "
             "<= 0; 3 points or nothing else usable -> the 4-point winner, members it cannot use dropping out")
CRITERION = ("mean over the settings (full history, last 8 points) of (sMAPE / sMAPE of naive "
             "+ MASE / MASE of naive) / 2 on the validation blocks; lowest wins, ties go to the "
             "earlier grid entry")


def read_long(path) -> pd.DataFrame:
    """Read and check a long-format bench file; bad input raises InputError."""
    if not Path(path).is_file():
        raise InputError.one(file=path, field="file", value="not found", expected="a readable CSV file")
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
    scale: float               # mean |change|/yr over the last SCALE_WINDOW points the models saw (interval widths)
    paths: dict                # method -> point forecasts for test_years
    errors: pd.DataFrame       # pseudo-origin errors inside the training part
    last_year: float           # the forecast origin (last training year): horizons count from it


def _series_job(args) -> SeriesResult:
    sid, t, y, tf, yt, last = args
    mase_scale = float(np.mean(np.abs(np.diff(y)))) if len(y) > 1 else float("nan")
    errs = calibration.origin_errors(t, y, window=last)
    if last:
        t, y = t[-last:], y[-last:]
    paths = calibration.all_methods(models.family_paths(t, y, tf), auto=models.auto_choice(t, y)[2],
                                    grid=models.grid_choice(t, y)[2])
    return SeriesResult(sid, tf, yt, mase_scale, calibration.scale_of(t, y), paths, errs, float(t[-1]))


def auto_method(available) -> str:
    """The default of ``fit``: the combination chosen for the series' length
    (``models.auto_choice``; see bench/README.md for the evidence)."""
    for m in ("auto", "combo"):
        if m in available:
            return m
    return next(iter(available))


def pool_map(fn, jobs, workers, progress=None, chunksize=4):
    """``[fn(j) for j in jobs]`` on up to two processes, through ``progress`` (a bar) if given."""
    if workers > 1:
        from multiprocessing import Pool

        with Pool(min(workers, 2)) as pool:
            it = pool.imap(fn, jobs, chunksize=chunksize)
            return list(progress(it, total=len(jobs)) if progress else it)
    return [fn(j) for j in (progress(jobs) if progress else jobs)]


def run(df: pd.DataFrame, last: int | None = None, workers: int = 2, progress=None, factors=None):
    """Forecast every series; returns (scores by method, per-point forecasts, the table).

    The table is learned from this file's pseudo-origins; where the file is too small for a
    method or horizon (fewer than 20 errors), the shipped table of the window fills in and
    ``table.note`` says which. Series that cannot be forecast (fewer than
    ``models.MIN_POINTS_ANY`` training points the model sees, or no test rows) are left out
    and listed in ``scores.attrs["left_out"]``. The table carries the shipped width factors
    of the window (``calibration.width_factors``); ``factors`` (method -> per-horizon width
    factors, see ``calibration.learn_factors``; {} for none) replaces them when given.
    """
    results, left_out = forecast_series(df, last, workers, progress)
    table = learn_table(results, last)
    if factors is not None:
        table.factors = dict(factors)
    scores, fc = score_results(results, table)
    scores.attrs["left_out"] = left_out
    return scores, fc, table


def forecast_series(df: pd.DataFrame, last: int | None = None, workers: int = 2, progress=None):
    """(SeriesResult per series, ids left out): every method's forecast of each series' test
    years from its training part, and the pseudo-origin errors inside that part."""
    jobs, left_out = [], []
    for sid, g in df.sort_values(["series", "year"]).groupby("series", sort=False):
        tr, te = g[g["split"] == "train"], g[g["split"] == "test"]
        seen = len(tr) if last is None else min(len(tr), last)
        if seen < models.MIN_POINTS_ANY or te.empty:
            left_out.append(sid)
            continue
        jobs.append((sid, tr["year"].to_numpy(float), tr["value"].to_numpy(float),
                     te["year"].to_numpy(float), te["value"].to_numpy(float), last))
    if not jobs:
        raise InputError.one(file="(bench data)", field="series length", value=f"{len(left_out)} series",
                             expected=f"some series with at least {models.MIN_POINTS_ANY} training points "
                                      "and some test rows")
    return pool_map(_series_job, jobs, workers, progress), left_out


def learn_table(results: list[SeriesResult], last: int | None) -> calibration.CalibrationTable:
    """The interval table of these results' pseudo-origin errors; the shipped table of the
    window fills what the file is too small to learn (said in ``note``)."""
    errors = [r.errors for r in results if len(r.errors)]
    table = calibration.CalibrationTable.learn(
        pd.concat(errors, ignore_index=True) if errors else pd.DataFrame(columns=["method", "h", "error"]),
        note=f"window={last}")
    filled = table.fill_from(calibration.shipped_table(last))
    if filled:
        table.note += f"; from the shipped table (too few errors in this file): {', '.join(sorted(filled))}"
    table.factors = calibration.width_factors(calibration.window_key(last))
    return table


def score_results(results: list[SeriesResult], table: calibration.CalibrationTable):
    """(scores by method, per-point forecasts with intervals from ``table``). A method the
    table has no row for (a small file, and a shipped table without it) is left out of the
    scores and listed in ``scores.attrs["no_table"]``."""
    rows = []
    usable = {m for m, q in table.quantiles.items() if not np.isnan(q).all()}
    family_like = [m for m in list(models.FAMILIES) + list(models.combos()) if m in usable]
    no_table = set()
    for r in results:
        no_table |= set(r.paths) - usable
        chosen = {m: m for m in r.paths if m in usable}
        sel, _ = select_method(r.errors, [m for m in family_like if m in r.paths])
        usable_paths = dict(chosen)
        chosen["select"] = sel or auto_method(usable_paths)
        chosen[DEFAULT] = auto_method(usable_paths)
        h = (r.test_years - r.last_year).astype(int)
        for label, m in chosen.items():
            f = r.paths[m]
            off = table.offsets(m, h) * r.scale
            for i in range(len(h)):
                rows.append((r.series, label, int(h[i]), r.test_years[i], r.test_values[i], f[i],
                             f[i] + off[i, 2], f[i] + off[i, 10], f[i] + off[i, 0], f[i] + off[i, 12],
                             r.mase_scale))
    fc = pd.DataFrame(rows, columns=["series", "method", "h", "year", "actual", "mean", "lo80", "hi80",
                                     "lo95", "hi95", "mase_scale"])
    scores = score(fc)
    scores.attrs["no_table"] = sorted(no_table)
    return scores, fc


# ---------------------------------------------------------------- validation (training rows only)

def training_arrays(df: pd.DataFrame) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(series, years, values) of the TRAINING rows; the test rows are dropped here, first."""
    tr = df[df["split"] == "train"].sort_values(["series", "year"])
    return [(sid, g["year"].to_numpy(float), g["value"].to_numpy(float)) for sid, g in tr.groupby("series")]


def _validation_job(args):
    """Pseudo-origin errors in the whole training part and in the part before the
    validation block, and the forecasts of the block itself, for one series; families
    only (combinations are formed afterwards by :func:`with_combos`)."""
    sid, t, y, window, families, pre_families = (*args, None, None)[:6]
    full = calibration.origin_errors(t, y, window=window, combos={}, families=families).assign(series=sid)
    val = block_forecasts(sid, t, y, window, families=families)
    if val is None:                       # too short to hold out a validation block
        return full, None, None
    pt, py = t[:len(y) - calibration.HORIZON], y[:len(y) - calibration.HORIZON]
    pre = calibration.origin_errors(pt, py, window=window, combos={},
                                    families=families if pre_families is None else pre_families).assign(series=sid)
    return full, pre, val


def block_forecasts(sid, t, y, window: int | None, extra=None, families=None) -> pd.DataFrame | None:
    """Forecasts of one series' validation block (its last HORIZON training points) by every
    family, from the points before it (only the last ``window`` of them if given); None if
    too short. ``extra`` (name -> function (years, values, future years) -> forecasts) adds
    candidate families that are not shipped (bench/families.py); ``families`` limits the
    shipped ones (default: all)."""
    V = calibration.HORIZON
    n = len(y)
    need = calibration.MIN_FIT if window is None else max(window, models.MIN_POINTS_ANY)
    if n - V < need:
        return None
    pt, py = t[:n - V], y[:n - V]
    st, sy = (pt, py) if window is None else (pt[-window:], py[-window:])
    tf, yf = t[n - V:], y[n - V:]
    paths = models.family_paths(st, sy, tf, families=families)
    for name, fn in (extra or {}).items():
        try:
            f = np.asarray(fn(st, sy, tf), float)
        except Exception:                 # a candidate that cannot be fitted is simply absent
            continue
        if np.all(np.isfinite(f)):
            paths[name] = f
    scale = calibration.scale_of(st, sy)
    mase_scale = float(np.mean(np.abs(np.diff(py))))     # whole pre-block history, as at test time
    h = (tf - st[-1]).astype(int)
    rows = [(sid, m, int(hi), a, fc, scale, mase_scale, (a - fc) / scale)
            for m, f in paths.items() for hi, a, fc in zip(h, yf, f)]
    return pd.DataFrame(rows, columns=["series", "method", "h", "actual", "forecast", "scale", "mase_scale",
                                       "error"])


def with_combos(frame: pd.DataFrame, specs: dict, families=None) -> pd.DataFrame:
    """``frame`` (family rows) plus the rows of every combination in ``specs`` (name ->
    (aggregate, members)), formed point by point from the family forecasts of the same
    series, origin and horizon. Members a point lacks drop out, and a member may itself be a
    spec (a nested combination), as in ``models.combine``.
    ``families``: the methods that are families (default: the shipped ones)."""
    keys = [c for c in ("series", "origin", "h") if c in frame.columns]
    fam = frame[frame["method"].isin(models.FAMILIES if families is None else families)]
    wide = fam.pivot_table(index=keys, columns="method", values="forecast", aggfunc="first")
    other = [c for c in frame.columns if c not in keys + ["method", "forecast", "error"]]
    base = fam.groupby(keys)[other].first().loc[wide.index]
    parts = [frame]
    for name, spec in specs.items():
        f = _combined(wide, spec)
        if f is None:
            continue
        ok = np.isfinite(f)
        part = base[ok].assign(method=name, forecast=f[ok])
        part["error"] = (part["actual"] - part["forecast"]) / part["scale"]
        parts.append(part.reset_index())
    return pd.concat(parts, ignore_index=True)[frame.columns]


def _combined(wide: pd.DataFrame, spec) -> np.ndarray | None:
    """The combination ``spec`` of the columns of ``wide`` (NaN where a row has no member)."""
    agg, members = spec
    cols = [_combined(wide, m) if isinstance(m, tuple) else
            (wide[m].to_numpy(float) if m in wide.columns else None) for m in members]
    cols = [c for c in cols if c is not None]
    if not cols:
        return None
    with warnings.catch_warnings():                # a point with no member: all-NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        v = np.column_stack(cols)
        return np.nanmedian(v, axis=1) if agg == "median" else np.nanmean(v, axis=1)


def validate(df: pd.DataFrame, window: int | None, combos=None, workers: int = 1, progress=None,
             families=None, pre_families=None):
    """Hold out the last HORIZON training points of every series (long enough) and forecast
    them from the points before (only the last ``window`` of them if given).

    Returns (errors_full, errors_pre, val): pseudo-origin errors of the families inside the
    whole training parts (for the shipped table) and inside the parts before the block (for
    the table the block is checked against), and the block's forecasts by every family and
    every combination in ``combos`` (default: the shipped ones). ``families`` limits the
    families fitted (default: all), ``pre_families`` those fitted before the block.
    """
    jobs = [(sid, t, y, window, families, pre_families) for sid, t, y in training_arrays(df)]
    res = pool_map(_validation_job, jobs, workers, progress)
    def cat(parts):
        parts = [p for p in parts if p is not None and len(p)]
        if not parts:
            raise InputError.one(file="(bench data)", where=f"window {_label(window)}", field="series length",
                                 value=f"{len(jobs)} series, none long enough",
                                 expected=f"some series with at least {calibration.HORIZON} training points "
                                          f"beyond the {_label(window)} window")
        out = pd.concat(parts, ignore_index=True)
        return out.astype({c: float for c in ("actual", "forecast", "scale", "error") if c in out.columns})
    val = with_combos(cat(r[2] for r in res), models.combos() if combos is None else combos)
    return cat(r[0] for r in res), cat(r[1] for r in res), val


def point_errors(actual: pd.Series, forecast: pd.Series, mase_scale: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(sMAPE term, MASE term) of each point, as M3/M4 score them: 200|y-f|/(|y|+|f|), with
    0 for an exact forecast of 0; |y-f| / scale, undefined (NaN, left out of the mean) for
    a series whose training values never changed (scale 0)."""
    diff = (actual - forecast).abs()
    denom = actual.abs() + forecast.abs()
    ape = (200 * diff / denom.where(denom > 0)).where(denom > 0, 0.0)
    ae = diff / mase_scale.where(mase_scale > 0)
    return ape, ae


def validation_scores(val: pd.DataFrame) -> pd.DataFrame:
    """sMAPE and MASE by method on the validation blocks, over the series every method has."""
    ape, ae = point_errors(val["actual"], val["forecast"], val["mase_scale"])
    val = val.assign(ape=ape, ae=ae)
    per = val.groupby(["method", "series"]).agg(smape=("ape", "mean"), mase=("ae", "mean"))
    have = per.reset_index().groupby("series")["method"].nunique()
    common = have[have == have.max()].index
    per = per[per.index.get_level_values("series").isin(common)]
    return per.groupby("method").agg(smape=("smape", "mean"), mase=("mase", "mean"), series=("smape", "size"))


def rank_grid(vals: dict, grid=None) -> pd.DataFrame:
    """Rank the grid by CRITERION; ``vals`` maps a setting label to its validation forecasts."""
    grid = models.GRID if grid is None else grid
    order = {name: i for i, name in enumerate(grid)}
    parts = []
    for label, val in vals.items():
        sc = validation_scores(val[val["method"].isin(list(grid) + ["naive"])])
        rel = ((sc["smape"] / sc.loc["naive", "smape"] + sc["mase"] / sc.loc["naive", "mase"]) / 2)
        parts.append(sc[["smape", "mase"]].add_prefix(f"{label}_").assign(**{f"{label}_owa": rel}))
    out = pd.concat(parts, axis=1).loc[list(grid)]
    out["score"] = out[[c for c in out.columns if c.endswith("_owa")]].mean(axis=1)
    out["order"] = out.index.map(order)
    return out.sort_values(["score", "order"]).drop(columns="order")


def _label(window):
    return "full" if window is None else str(window)


def class_of(window) -> str:
    """The history class of a window (None = a full history: the open class)."""
    return models.history_class(window) if window is not None else models.HISTORY_CLASSES[-1][0]


def build_shipped(csv: Path, out: Path | None = None, workers: int = 2, progress=None, log=print) -> dict:
    """Choose the default and learn the interval tables ``fit`` ships, from the TRAINING
    rows of a bench file only (the test rows are dropped before anything is fitted).

    1. validation blocks for the CHOICE_SETTINGS with every grid combination; the default
       is the top of :func:`rank_grid`;
    2. for every shipped window: the table from pseudo-origins inside the whole training
       parts, and the coverage on the block of the table learned before it (an honest
       out-of-sample check). No width factor is fitted to the block: factors fitted to one
       block did not carry to the next (bench/intervals.py), the table alone did.
    """
    from qzlib.atomic import atomic_file

    out = out or calibration.SHIPPED
    df = read_long(csv)
    df = df[df["split"] == "train"]
    runs = {}
    for w in CHOICE_SETTINGS:
        runs[w] = validate(df, w, combos=models.GRID, workers=workers, progress=progress)
    ranking = rank_grid({_label(w): runs[w][2] for w in CHOICE_SETTINGS})
    best = ranking.index[0]
    spec = models.GRID[best]
    log(f"validation ranking of the {len(models.GRID)} grid combinations (best first):")
    log(ranking.head(12).round(4).to_string())
    log(f"chosen default: {best}")

    keep = list(models.FAMILIES)

    def pick(d, win, w):
        """Families, the single default as 'combo', the window's grid winner as 'grid', every
        fixed procedure under its name, and the procedure chosen for the window's history
        class (models.CHOSEN) as 'auto'."""
        proc = models.CHOSEN[class_of(w)]
        procs = models.procedure_specs(models.GRID[win])
        auto = models.GRID[win] if proc == "grid" else procs[proc]
        return with_combos(d[d["method"].isin(keep)], {"combo": spec, "grid": models.GRID[win],
                                                       **procs, "auto": auto})

    def summary(vs, m):
        return {"smape": round(float(vs.loc[m, "smape"]), 3), "mase": round(float(vs.loc[m, "mase"]), 4)}

    tables, by_window, by_window_ranking = {}, {}, {}
    for w in calibration.SHIPPED_WINDOWS:
        cands = models.grid_for_window(w)
        if w not in runs:
            runs[w] = validate(df, w, combos={**cands, best: spec}, workers=workers, progress=progress)
        full, pre, val = runs[w]
        rk = rank_grid({_label(w): val}, grid=cands)
        win = rk.index[0]
        log(f"window {_label(w)}: {len(cands)} eligible grid entries, best first:")
        log(rk.head(6).round(4).to_string())
        by_window[_label(w)] = {"name": win, "aggregate": models.GRID[win][0],
                                "members": list(models.GRID[win][1]), "candidates": len(cands),
                                "score": round(float(rk.loc[win, "score"]), 4)}
        by_window_ranking[_label(w)] = [{"name": k, **{c: round(float(v), 4) for c, v in r.items()}}
                                        for k, r in rk.iterrows()]
        full, pre, val = pick(full, win, w), pick(pre, win, w), pick(val, win, w)
        table = calibration.CalibrationTable.learn(full, note=f"window={w}")
        before = calibration.CalibrationTable.learn(pre, note=f"window={w}, before the validation block")
        vs = validation_scores(val[val["method"].isin(["combo", "auto", "naive"])])
        table.validation = {
            "series": int(val["series"].nunique()),
            "auto_name": win if models.CHOSEN[class_of(w)] == "grid" else models.CHOSEN[class_of(w)],
            "combo": summary(vs, "combo"), "auto": summary(vs, "auto"), "naive": summary(vs, "naive"),
            "coverage": calibration.coverage(before, val, "combo", False),
            "auto_coverage": calibration.coverage(before, val, "auto", False),
        }
        by_window[_label(w)].update(series=table.validation["series"], validation=table.validation["auto"],
                                    naive=table.validation["naive"])
        log(f"window {_label(w)}: {json.dumps(table.validation)}")
        tables[_label(w)] = table.to_json()
    payload = {
        "source": Path(csv).name,
        "sha256": hashlib.sha256(Path(csv).read_bytes()).hexdigest(),
        "rows_used": "split == 'train' only",
        "horizon": calibration.HORIZON,
        "scale_window": calibration.SCALE_WINDOW,
        "validation_block": f"last {calibration.HORIZON} training points of each series",
        "origins_per_series": calibration.N_ORIGINS,
        "default": {"name": best, "aggregate": spec[0], "members": list(spec[1])},
        "default_by_window": by_window,
        "auto_rule": AUTO_RULE,
        "procedures": _procedure_payload(),
        "selection": {
            "grid": list(models.GRID),
            "criterion": CRITERION,
            "settings": [_label(w) for w in CHOICE_SETTINGS],
            "ranking": [{"name": k, **{c: round(float(v), 4) for c, v in r.items()}}
                        for k, r in ranking.iterrows()],
            "criterion_by_window": CRITERION_BY_WINDOW,
            "ranking_by_window": by_window_ranking,
        },
        "tables": tables,
    }
    with atomic_file(out) as fh:
        fh.write(json.dumps(payload, ensure_ascii=False, indent=1))
    models.clear_cache()
    return payload


# The families added in #14 (statsforecast); see extend_shipped.
NEW_FAMILIES = ("ets", "ces", "dotm", "arima")


def _procedure_payload() -> dict:
    return {"declared": {k: (list(v) if v else None) for k, v in models.PROCEDURES.items()},
            "classes": [list(c) for c in models.HISTORY_CLASSES],
            "chosen": dict(models.CHOSEN), "rule_choice": dict(models.RULE_CHOICE), "rule": models.CHOICE_RULE,
            "chosen_by": "bench/procedures.py on training-only blocks A, B and C (#25; #14 used A and B)"}


def extend_shipped(csv: Path, base: Path | None = None, out: Path | None = None, workers: int = 2,
                   progress=None, log=print, windows=None) -> dict:
    """Add to a shipped file learned before #14 the interval rows of the new families
    (NEW_FAMILIES) and of every procedure, from the TRAINING rows of the same bench file,
    fitting only those families and the procedures' other members (naive, drift and, for
    "mix" and the default, the window's grid winner's).

    Everything else is kept as it is: the grid's choice and rankings, and the rows of the
    other families and combinations, whose code did not change (a full :func:`build_shipped`
    gives them again, at about three times the cost). The old ``auto`` row (the window's
    grid winner) becomes ``grid``; ``auto`` becomes the procedure chosen for the window's
    class, with its coverage on the validation block checked as in build_shipped. Refuses
    a base learned from another file or scale window. ``windows`` (default: the classes that
    use a fixed procedure first, then the rest) sets the order; the file is written after
    each window, so an interrupted run leaves a usable file (windows not reached keep their
    rows, their ``auto`` is then the grid winner, which is right for a class using grid).
    """
    from qzlib.atomic import atomic_file

    base = base or calibration.SHIPPED
    out = out or calibration.SHIPPED
    old = json.loads(Path(base).read_text(encoding="utf-8"))
    sha = hashlib.sha256(Path(csv).read_bytes()).hexdigest()
    if old.get("sha256") != sha or old.get("scale_window") != calibration.SCALE_WINDOW:
        raise InputError.one(file=base, field="sha256 / scale_window",
                             value=f"{old.get('sha256', '')[:12]} / {old.get('scale_window')}",
                             expected=f"learned from {Path(csv).name} ({sha[:12]}) with scale window "
                                      f"{calibration.SCALE_WINDOW}: run build_shipped instead")
    df = read_long(csv)
    df = df[df["split"] == "train"]
    payload = dict(old)
    payload["procedures"] = _procedure_payload()
    tables = {}
    for key, tab in old["tables"].items():           # the old default (grid winner) as 'grid'
        tab = dict(tab)
        # an already extended file keeps its grid rows (its auto may be another procedure)
        tab["quantiles"] = {"grid": tab["quantiles"]["auto"], **tab["quantiles"]}
        tab["counts"] = {"grid": tab["counts"]["auto"], **tab["counts"]}
        tables[key] = tab
    payload["tables"] = tables
    payload["extended"] = {"windows": [], "how": "the old auto rows (grid winners) copied as grid"}
    with atomic_file(out) as fh:                     # a usable file before any window is fitted
        fh.write(json.dumps(payload, ensure_ascii=False, indent=1))
    models.clear_cache()
    done = []
    if windows is None:
        windows = sorted(calibration.SHIPPED_WINDOWS, key=lambda w: models.CHOSEN[class_of(w)] == "grid")
    for w in windows:
        key = _label(w)
        proc = models.CHOSEN[class_of(w)]
        win = old["default_by_window"][key]
        grid = (win["aggregate"], tuple(win["members"]))
        rows = models.procedure_specs(grid)          # "mix" needs the window's grid winner
        rows["auto"] = grid if proc == "grid" else rows[proc]     # (for grid: checked below, row copied)
        # the new families, naive and drift (the fixed procedures' members) and, for a
        # procedure containing the grid and for the default, the grid winner's members
        fams = set(NEW_FAMILIES) | {"naive", "drift"} | set(models.spec_families(grid))
        full, pre, val = validate(df, w, combos={}, workers=workers, progress=progress, families=fams,
                                  pre_families=fams)
        learned = calibration.CalibrationTable.learn(with_combos(full, rows), note=f"window={w}")
        tab = tables[key]
        q, cnt = dict(tab["quantiles"]), dict(tab["counts"])
        for m in learned.quantiles:
            if m in NEW_FAMILIES or m in rows:
                q[m] = np.round(learned.quantiles[m], 6).tolist()
                cnt[m] = learned.counts[m]
        if proc == "grid":                           # the grid winner's row as build_shipped learned it
            q["auto"], cnt["auto"] = q["grid"], cnt["grid"]
        tab["quantiles"], tab["counts"] = q, cnt
        validation = dict(tab.get("validation", {}))
        before = calibration.CalibrationTable.learn(with_combos(pre, {"auto": rows["auto"]}))
        vc = with_combos(val, {"auto": rows["auto"]})
        vs = validation_scores(vc[vc["method"].isin(["auto", "naive"])])
        validation.update(auto_name=win["name"] if proc == "grid" else proc,
                          auto={"smape": round(float(vs.loc["auto", "smape"]), 3),
                                "mase": round(float(vs.loc["auto", "mase"]), 4)},
                          auto_coverage=calibration.coverage(before, vc, "auto", False))
        tab["validation"] = validation
        log(f"window {key}: auto = {proc}; {json.dumps(validation.get('auto_coverage', {}))}")
        tables[key] = tab
        done.append(key)
        payload["extended"] = {
            "windows": list(done),
            "how": ("rows of " + ", ".join(NEW_FAMILIES) + " and of the procedures added by bench/harness.py "
                    "extend_shipped from the training rows; the other rows as built by build_shipped")}
        with atomic_file(out) as fh:
            fh.write(json.dumps(payload, ensure_ascii=False, indent=1))
        models.clear_cache()
    return payload


def score(fc: pd.DataFrame) -> pd.DataFrame:
    """sMAPE, MASE (per series, then averaged) and pooled interval coverage by method;
    ``mase_series`` counts the series MASE is defined for (see :func:`point_errors`)."""
    ape, ae = point_errors(fc["actual"], fc["mean"], fc["mase_scale"])
    fc = fc.assign(
        ape=ape, ae=ae,
        in80=(fc["actual"] >= fc["lo80"]) & (fc["actual"] <= fc["hi80"]),
        in95=(fc["actual"] >= fc["lo95"]) & (fc["actual"] <= fc["hi95"]),
    )
    per = fc.groupby(["method", "series"]).agg(smape=("ape", "mean"), mase=("ae", "mean"))
    out = per.groupby("method").agg(smape=("smape", "mean"), mase=("mase", "mean"),
                                    series=("smape", "size"), mase_series=("mase", "count"))
    cov = fc.groupby("method").agg(coverage80=("in80", "mean"), coverage95=("in95", "mean"))
    return out.join(cov)[["smape", "mase", "coverage80", "coverage95", "series", "mase_series"]]
