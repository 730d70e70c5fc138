"""A scenario's result: paths (code × year), bands, attainment of each target, and the CSVs."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from qzlib import rules
from qzlib.i18n import N_, T
from qzlib.scenarios.prepared import Prepared
from qzlib.scenarios.schema import Scenario

BANDS = ("lo80", "hi80", "lo95", "hi95")


@dataclass
class ScenarioResult:
    """Paths (rows = the plan's codes, columns = the plan's years) and attainment of one scenario."""

    scenario: Scenario
    prepared: Prepared
    values: np.ndarray
    bands: dict[str, np.ndarray]
    method: dict[str, str]
    reasons: dict[str, str]
    described: list[dict] = field(default_factory=list)
    said: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (assumption, source) from figures

    @property
    def name(self) -> str:
        return self.scenario.name

    def _frame(self, arr: np.ndarray) -> pd.DataFrame:
        df = pd.DataFrame(arr, index=pd.Index(self.prepared.codes, name="code"), columns=self.prepared.years)
        df.columns.name = "year"
        return df

    @cached_property
    def paths(self) -> pd.DataFrame:
        """Scenario values, code × year (NaN where there is no path)."""
        return self._frame(self.values)

    @cached_property
    def plan_paths(self) -> pd.DataFrame:
        return self._frame(self.prepared.plan)

    def band(self, name: str) -> pd.DataFrame:
        """lo80/hi80/lo95/hi95, code × year; NaN unless a trend model drives the path."""
        return self._frame(self.bands[name])

    def records(self) -> list[dict]:
        """Attainment as plain dicts (fast; the explorer renders these)."""
        return attainment_records(self.prepared, self.values, self.bands, self.reasons)

    @cached_property
    def attainment(self) -> pd.DataFrame:
        """One row per (indicator, target year): met / missed by how much, first year reached."""
        df = pd.DataFrame(self.records(), columns=ATTAINMENT_COLUMNS)
        df["first_year_reached"] = df["first_year_reached"].astype("Int64")
        df["target_year"] = df["target_year"].astype("Int64")
        return df

    def long(self) -> pd.DataFrame:
        """Tidy paths: code, name_zh, unit, year, value, plan, lo80, hi80, lo95, hi95, method."""
        p = self.prepared
        n, m = len(p.codes), len(p.years)
        df = pd.DataFrame({
            "code": np.repeat(p.codes, m),
            "name_zh": np.repeat([p.info[c].name_zh for c in p.codes], m),
            "unit": np.repeat([p.info[c].unit for c in p.codes], m),
            "year": np.tile(p.years, n),
            "value": self.values.ravel(),
            "plan": p.plan.ravel(),
            **{b: self.bands[b].ravel() for b in BANDS},
            "method": np.repeat([self.method.get(c, "") for c in p.codes], m),
        })
        return df

    def assumptions_table(self) -> pd.DataFrame:
        """The scenario's assumptions in Chinese, with their sources (for the brief)."""
        return pd.DataFrame(self.described, columns=ASSUMPTION_COLUMNS)

    def write(self, out_dir: str | Path) -> list[Path]:
        """paths.csv, attainment.csv, assumptions.csv and the scenario YAML, written atomically."""
        from qzlib.atomic import atomic_file, staged_dir, write_csv

        out_dir = Path(out_dir)
        names = []
        with staged_dir(out_dir) as stage:
            write_csv(self.long(), stage / "paths.csv")
            write_csv(self.attainment, stage / "attainment.csv")
            write_csv(self.assumptions_table(), stage / "assumptions.csv")
            with atomic_file(stage / "scenario.yml") as fh:
                fh.write(self.scenario.to_yaml())
            names = [p.name for p in stage.iterdir()]
        return [out_dir / n for n in sorted(names)]


ASSUMPTION_COLUMNS = [N_("对象"), N_("类别"), N_("假设"), N_("来源或理由")]   # said in the brief's language
ATTAINMENT_COLUMNS = ["code", "name_zh", "unit", "target_year", "target", "comparator", "qualifier",
                      "value", "lo80", "hi80", "status", "met", "gap_abs", "gap_pct",
                      "first_year_reached", "reason"]


def attainment_records(p: Prepared, values: np.ndarray, bands: dict, reasons: dict) -> list[dict]:
    years = p.years
    recs = []
    for i, code in enumerate(p.codes):
        info = p.info[code]
        row = values[i]
        targets = info.targets or [(None, np.nan, "", "")]
        for year, target, comp, qual in targets:
            rec = {"code": code, "name_zh": info.name_zh, "unit": info.unit, "target_year": year,
                   "target": target, "comparator": comp, "qualifier": qual, "value": np.nan,
                   "lo80": np.nan, "hi80": np.nan, "status": "no_path", "met": None,
                   "gap_abs": np.nan, "gap_pct": np.nan, "first_year_reached": None,
                   "reason": reasons.get(code) or ("" if np.isfinite(row).any() else info.reason or "")}
            if year is not None and not rec["reason"]:
                j = year - int(years[0])
                v = row[j] if 0 <= j < len(years) else np.nan
                if np.isfinite(v):
                    digits = rules.value_digits(info.kind)   # the one rule, at the printed precision
                    met = rules.is_met(v, target, comp, digits=digits)
                    reached = [k for k in range(len(years))
                               if np.isfinite(row[k]) and rules.is_met(row[k], target, comp, digits=digits)]
                    rec.update(value=float(v), lo80=float(bands["lo80"][i, j]), hi80=float(bands["hi80"][i, j]),
                               status="met" if met else "missed", met=bool(met),
                               gap_abs=float(v - target),
                               gap_pct=float((v - target) / target * 100) if target else np.nan,
                               first_year_reached=int(years[reached[0]]) if reached else None)
                else:
                    rec["reason"] = T("路径未覆盖{year}年", year=year)
            recs.append(rec)
    return recs


def compare(results: list[ScenarioResult]) -> pd.DataFrame:
    """Which targets each scenario meets: one row per (indicator, target year).

    Columns: code, name_zh, unit, target_year, target, then per scenario ``<name>``
    (met / missed / no_path), ``<name>_value`` and ``<name>_gap_pct``.
    """
    if not results:
        return pd.DataFrame(columns=["code", "name_zh", "unit", "target_year", "target"])
    keys = ["code", "name_zh", "unit", "target_year", "target"]
    out = results[0].attainment[keys].copy()
    for r in results:
        a = r.attainment
        out[r.name] = a["status"].to_numpy()
        out[f"{r.name}_value"] = a["value"].to_numpy()
        out[f"{r.name}_gap_pct"] = a["gap_pct"].to_numpy()
    return out[out["target_year"].notna()].reset_index(drop=True)
