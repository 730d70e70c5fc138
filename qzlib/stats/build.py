"""Rebuild ``data/processed/observations.csv`` (+ conflicts, coverage, data requests).

Inputs: every statistics file under ``data/raw/statistics/`` (the shipped CSV, any other
CSV placed there, and the researcher files ``qz stats import`` wrote to ``imported/``),
the user's pins, and the plan's own baseline (the ``indicators`` table of ``qz ingest``).
All four outputs are written together or not at all.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from qzlib import paths
from qzlib.atomic import staged_dir, write_csv
from qzlib.errors import InputError, Problem
from qzlib.stats import conflicts, coverage, mapping, plan, read, schema, sources
from qzlib.stats.files import PINS, statistics_files

OUTPUTS = ("observations.csv", "conflicts.csv", "coverage.csv", "data_requests.csv")
REVISION_KEY = ["region", "indicator", "year", "source"]


def drop_revised(obs: pd.DataFrame) -> pd.DataFrame:
    """Imported figures a later import revised (same region, indicator, year and source;
    ``qz stats import --revise`` records old -> new in the data log) leave the table: the
    latest import of a figure is the one held. Imports are read in date order."""
    imported = obs["file"].astype(str).str.startswith(sources.IMPORTED_PREFIX)
    revised = obs[imported].duplicated(REVISION_KEY, keep="last")
    return obs.drop(index=revised[revised].index).reset_index(drop=True)


def _rel(path: Path, statistics_dir: Path) -> str:
    return path.relative_to(statistics_dir.parent).as_posix()


def plan_observations(indicators: pd.DataFrame | None) -> pd.DataFrame:
    """The plan's baseline figures (附件1, its baseline year) as observations of the plan's
    region, sourced to the plan document (:func:`qzlib.stats.plan.active`: call inside
    ``plan.use`` for the plan whose ``indicators`` these are).

    Only numbers become observations: a baseline written '/' stays missing. ``row`` is the
    line of the plan text where the indicator's row starts (its 序号 if no line is given).
    """
    if indicators is None or len(indicators) == 0:
        return pd.DataFrame(columns=schema.OBS_COLUMNS)
    src = mapping.plan_source()
    codes = plan.active().codes()
    rows, problems = [], []
    for k, ind in indicators.reset_index(drop=True).iterrows():
        code = str(ind.get("code", "") or "")
        s = mapping.resolve(code)
        base = ind.get("baseline_year")
        if base is None or (isinstance(base, float) and math.isnan(base)):
            continue  # no baseline column: nothing to record
        base = int(base)
        value = ind.get(f"value_{base}")
        if value is None or pd.isna(value):
            continue
        where = f"indicator {ind.get('number', k + 1)}"
        if s is None or s.comparability != "comparable" or s.code != code:
            problems.append(Problem(file="indicators", where=where, field="code", value=code,
                                    expected="one of the plan's indicator codes (" + ", ".join(codes) + ")"))
            continue
        unit = mapping.clean_unit(ind.get("unit")) or s.unit
        if unit not in mapping.accepted_units(s):
            problems.append(Problem(file="indicators", where=where, field="unit", value=unit,
                                    expected=f"{s.unit} for {code}"))
            continue
        raw = str(ind.get(f"raw_{base}", "") or "").strip()
        number, _ = read.parse_plain_number(raw.removesuffix("%").strip()) if raw else (None, None)
        published = read.plain_number(number) if number is not None else repr(float(value))
        name = str(ind.get("name_zh", "") or s.name_zh)
        qualifier = ind.get(f"qualifier_{base}")
        qualifier = "" if qualifier is None or pd.isna(qualifier) else str(qualifier)
        caveat = "" if qualifier in {"", "exact"} else f"附件1 原文「{raw}」({qualifier})"
        line = ind.get("line")
        row = int(line) if line is not None and not pd.isna(line) else int(ind.get("number", k + 1))
        _, factor = mapping.units()[unit]
        rows.append({
            "region": src["region"], "indicator": code, "indicator_name_zh": name, "year": base,
            "value": float(value) * float(factor), "unit": s.unit, "source": src["title"], "url": src["url"],
            "quote": f"{name}（{unit}）{base}年：{raw or value}", "vintage": src["vintage"],
            "caveat": caveat, "source_kind": "plan", "plan_code": code, "comparability": "comparable",
            "comparability_note": s.note, "selected": False, "file": src["file"],
            "row": row, "value_published": published, "unit_published": unit,
            "source_code": code, "origin": "",
        })
    if problems:
        raise InputError(problems)
    return pd.DataFrame(rows, columns=schema.OBS_COLUMNS)


def collect(indicators: pd.DataFrame | None, statistics_dir: Path | None = None, the_plan: plan.Plan | None = None
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All observations (selected flag set) and the conflict table, read against ``the_plan``
    (default: the active plan; ``obs.attrs['plan']`` names it). Every bad row of every file is
    reported together."""
    statistics_dir = Path(statistics_dir or paths.STATISTICS_DIR)
    with plan.use(the_plan) as p:
        obs, groups = _collect(indicators, statistics_dir)
    obs.attrs["plan"] = p
    return obs, groups


def _collect(indicators: pd.DataFrame | None, statistics_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    frames, problems = [plan_observations(indicators)], []
    for path, kind in statistics_files(statistics_dir):
        rel = _rel(path, statistics_dir)
        try:
            frames.append(read.read_observations(path, label=rel, file=rel, source_kind=kind))
        except InputError as err:
            problems += err.problems
    if problems:
        raise InputError(problems)
    obs = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) \
        else pd.DataFrame(columns=schema.OBS_COLUMNS)
    obs = drop_revised(obs)
    pins_path = statistics_dir / PINS
    obs, groups = conflicts.select(obs, conflicts.load_pins(pins_path), _rel(pins_path, statistics_dir))
    obs = obs.sort_values(["region", "indicator", "year", "selected"], ascending=[True, True, True, False],
                          kind="stable").reset_index(drop=True)
    obs["year"] = obs["year"].astype(int)
    obs["row"] = obs["row"].astype(int)
    schema.observations_schema().validate(obs)
    return obs[schema.OBS_COLUMNS], groups


def plan_for(out_dir: Path, indicators: pd.DataFrame | None, statistics_dir: Path | None = None,
             plan_file: Path | None = None) -> plan.Plan | None:
    """The plan whose ``indicators`` these are: its header from ``out_dir/plan.csv`` (written by
    the plan step of `qz ingest` just before), its text found by document number under the
    statistics' data/raw (or ``plan_file``). None when ``out_dir`` holds no plan.csv."""
    if indicators is None or not (Path(out_dir) / "plan.csv").is_file():
        return None
    from qzlib.plan.tables import load_plan_meta

    raw_dir = Path(statistics_dir or paths.STATISTICS_DIR).parent
    return plan.from_tables(load_plan_meta(out_dir), indicators, raw_dir, plan_file)


def build_into(out_dir: Path, indicators: pd.DataFrame | None, statistics_dir: Path | None = None,
               plan_file: Path | None = None) -> str:
    """Write observations, conflicts, coverage and data requests into ``out_dir``; short summary.

    The statistics follow the plan of ``out_dir/plan.csv`` and ``indicators`` (its region, its
    source, its indicators). Nothing in ``out_dir`` changes unless every file was read and checked.
    """
    with plan.use(plan_for(out_dir, indicators, statistics_dir, plan_file)) as p:
        return _build_into(out_dir, indicators, statistics_dir, p)


def _build_into(out_dir: Path, indicators: pd.DataFrame | None, statistics_dir: Path | None, p: plan.Plan) -> str:
    obs, groups = collect(indicators, statistics_dir)
    # Requests run to the latest year any figure describes (deterministic, data-driven).
    year = int(obs["year"].max()) if len(obs) else p.period_end
    cov = coverage.coverage_table(obs)
    req = coverage.data_requests(obs, indicators, year, region=p.region)
    with staged_dir(out_dir) as stage:
        write_csv(obs, stage / "observations.csv")
        write_csv(groups, stage / "conflicts.csv")
        write_csv(cov, stage / "coverage.csv")
        write_csv(req, stage / "data_requests.csv")
    n_conf = int((groups["status"] == "conflict").sum()) if len(groups) else 0
    n_plan = int((obs["source_kind"] == "plan").sum())
    q = cov[cov["region"] == p.region]
    have = int((q["status"] == "present").sum())
    lines = [
        f"statistics: {len(obs)} observations from {obs['file'].nunique()} files "
        f"({n_plan} plan baseline figures{'' if indicators is not None else '; plan baseline not included'})",
        f"  {len(groups)} region/indicator/years with several figures, {n_conf} with different values "
        f"(see conflicts.csv)",
        f"  {p.region}: {have} of {len(q)} plan indicator-years covered "
        f"({q['year'].min()}–{q['year'].max()}); {len(req)} data requests for the bureau",
    ]
    return "\n".join(lines)


def load_observations(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """``observations.csv`` with proper types (year int, value float, selected bool); ``attrs['plan']``
    is the plan `qz ingest` wrote beside it (its region and indicators for coverage and requests)."""
    path = Path(processed_dir or paths.PROCESSED) / "observations.csv"
    if not path.is_file():
        raise InputError.one(file=path, expected="observations.csv: run `qz stats build` (or `qz ingest`) first")
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    df["year"] = df["year"].astype(int)
    df["value"] = df["value"].astype(float)
    df["row"] = df["row"].astype(int)
    df["selected"] = df["selected"].map({"True": True, "False": False}).astype(bool)
    the_plan = plan.load(path.parent)
    if the_plan is not None:
        df.attrs["plan"] = the_plan
    return df


def load_conflicts(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """``conflicts.csv``: every region/indicator/year with several figures and the rule that chose."""
    path = Path(processed_dir or paths.PROCESSED) / "conflicts.csv"
    if not path.is_file():
        raise InputError.one(file=path, expected="conflicts.csv: run `qz stats build` (or `qz ingest`) first")
    return pd.read_csv(path, dtype={"values": str, "rule": str}, keep_default_na=False, encoding="utf-8")


def load_plan_indicators(processed_dir: str | Path | None = None) -> pd.DataFrame | None:
    """The plan table written by `qz ingest`, or None when it has not been written yet."""
    processed_dir = Path(processed_dir or paths.PROCESSED)
    if not (processed_dir / "indicators.csv").is_file():
        return None
    from qzlib.plan.tables import load_indicators

    return load_indicators(processed_dir)


def series(obs: pd.DataFrame, indicator: str, region: str) -> pd.Series:
    """Year-indexed selected values of one series in one region (only years that have one).

    ``indicator`` may be an alias (``mu_va_10k_yuan_per_mu`` means ``per_mu_value_added``).
    """
    s = mapping.resolve(indicator)
    code = s.code if s else indicator
    hit = obs[(obs["indicator"] == code) & (obs["region"] == region) & obs["selected"].astype(bool)]
    out = pd.Series(hit["value"].astype(float).to_numpy(), index=hit["year"].astype(int).to_numpy(),
                    name=f"{region} {code}", dtype=float).sort_index()
    out.index.name = "year"
    return out
