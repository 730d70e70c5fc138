"""Read the tables `qz ingest` wrote, with the right types, for the rest of the suite.

Text columns stay text (an empty code is '', not NaN); value columns are floats with
NaN for missing, so a missing figure is never mistaken for zero.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from qzlib import paths
from qzlib.errors import InputError

NAMES = ("plan", "indicators", "tasks", "measures", "targets", "audit", "responsibility")
_NUMERIC = re.compile(r"^(value|value_\d{4}|number|baseline_year|item_number|line|period_start|period_end)$")

POINT_COLUMNS = ["code", "number", "name_zh", "name_en", "unit", "kind", "shape", "year", "role", "value", "raw",
                 "qualifier", "comparator"]


def load_table(name: str, processed_dir: str | Path | None = None) -> pd.DataFrame:
    """One of the six ingest tables (``indicators``, ``tasks``, … without ``.csv``)."""
    if name not in NAMES:
        raise ValueError(f"unknown table {name!r}; known: {', '.join(NAMES)}")
    path = Path(processed_dir or paths.PROCESSED) / f"{name}.csv"
    if not path.exists():
        raise InputError.one(file=path, expected="the file written by `qz ingest` (run it first)")
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for col in df.columns:
        if _NUMERIC.match(col):
            df[col] = pd.to_numeric(df[col].replace("", float("nan")))
    for col in ("number", "baseline_year", "item_number", "line", "period_start", "period_end"):
        if col in df.columns and df[col].notna().all():
            df[col] = df[col].astype(int)
    return df


def load_indicators(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """indicators.csv: one row per 附件1 indicator (value_/raw_/qualifier_/comparator_<year>)."""
    return load_table("indicators", processed_dir)


def indicator_points(indicators_df: pd.DataFrame) -> pd.DataFrame:
    """Long form: one row per indicator and year (baseline and targets).

    Columns: code, number, name_zh, name_en, unit, kind, shape (how its path moves between
    milestones, from the catalogue: growth, additions or points), year, role ('baseline'|'target'),
    value, raw, qualifier, comparator.
    """
    from qzlib.catalogue import shape_of

    years = sorted(int(c[6:]) for c in indicators_df.columns if re.fullmatch(r"value_\d{4}", c))
    rows = []
    for rec in indicators_df.to_dict("records"):
        shape = shape_of(rec["code"], rec["kind"], rec["unit"])
        for y in years:
            rows.append({"code": rec["code"], "number": rec["number"], "name_zh": rec["name_zh"],
                         "name_en": rec["name_en"], "unit": rec["unit"], "kind": rec["kind"], "shape": shape, "year": y,
                         "role": "baseline" if y == int(rec["baseline_year"]) else "target",
                         "value": rec[f"value_{y}"], "raw": rec[f"raw_{y}"],
                         "qualifier": rec[f"qualifier_{y}"], "comparator": rec[f"comparator_{y}"]})
    out = pd.DataFrame(rows, columns=POINT_COLUMNS)
    out["value"] = pd.to_numeric(out["value"])
    return out


def load_plan_meta(processed_dir: str | Path | None = None):
    """The plan's place, title, document number, date and period (plan.csv, one row)."""
    from qzlib.plan.meta import load

    return load(processed_dir or paths.PROCESSED)
