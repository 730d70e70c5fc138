"""The plan's points, prepared once as arrays over the plan's years: what every scenario starts from.

The years are the plan's own (:attr:`Prepared.years`): from its baseline year to three
years after its period ends (:func:`qzlib.plan.meta.horizon_end`, the rule the brief's years
follow), 2022–2030 for the shipped 2023–2027 plan. An indicator with a missing baseline
("/") or only qualitative targets gets no path, and the reason is kept.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from qzlib import catalogue, i18n
from qzlib.errors import InputError
from qzlib.i18n import T
from qzlib.plan.path import plan_path
from qzlib.plan.path import shape as path_shape

QUANTITATIVE = {"exact", "approx"}


@dataclass
class PreparedIndicator:
    code: str
    name_zh: str
    unit: str
    kind: str
    base_year: int | None
    base: float
    targets: list[tuple[int, float, str, str]]  # (year, value, comparator, qualifier)
    reason: str | None  # why the indicator can get no path; None when it can
    plan: np.ndarray  # plan path over Prepared.years (NaN outside baseline … last target)
    shape: str = "growth"  # how its paths move (catalogue: growth, additions or points)
    name_en: str = ""      # the catalogue's English name (the plan's Chinese name is name_zh)
    no_baseline: bool = False  # the plan gives no baseline ("/"): only its own figures can start a path

    @property
    def name(self) -> str:
        """Its name in the language in use (qzlib.i18n)."""
        from qzlib import i18n

        return i18n.column_value({"name_zh": self.name_zh, "name_en": self.name_en}, "name")


def _num(x) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return float("nan")
    return v


def _baseline_year(g: pd.DataFrame) -> int | None:
    b = g[g["role"] == "baseline"]
    return int(b.iloc[0]["year"]) if len(b) else None


class Prepared:
    """The plan's points as arrays over the plan's years, computed once per points frame.

    ``period_end`` is the last year of the plan's period, from its header (``PlanMeta``;
    :class:`Engine` reads it from the processed ``plan.csv`` when it is given the folder).
    Without it the plan's period is taken to end with its last target year, as every plan
    of the family does (2027 for 2023–2027).
    """

    def __init__(self, points: pd.DataFrame, period_end: int | None = None):
        from qzlib.plan.meta import horizon_end

        needed = {"code", "year", "role", "value", "qualifier"}
        missing = needed - set(points.columns)
        if missing:
            raise InputError.one(where="indicator points", field=", ".join(sorted(missing)),
                                 expected="columns code, year, role, value, qualifier (from indicator_points)")
        # The plan's own indicators, in its order: catalogued ones and any it adds (inferred kind)
        groups = {c: g for c, g in points.groupby("code", sort=False) if c}
        self.codes = list(groups)
        years = [y for y in (_baseline_year(g) for g in groups.values()) if y is not None]
        self.base_year = max(set(years), key=years.count) if years else None   # the plan's baseline year
        if period_end is None:
            targets = points.loc[points["role"] == "target", "year"]
            period_end = int(targets.max()) if len(targets) else None
        self.period_end = period_end
        first = self.base_year if self.base_year is not None else int(points["year"].min())
        last = horizon_end(period_end) if period_end is not None else int(points["year"].max())
        self.years = np.arange(first, max(first, last) + 1)   # the plan's years: baseline … period end + 3
        self.info: dict[str, PreparedIndicator] = {c: self._one(c, g) for c, g in groups.items()}
        self.index = {c: i for i, c in enumerate(self.codes)}
        self.base = np.array([self.info[c].base for c in self.codes])
        self.plan = np.vstack([self.info[c].plan for c in self.codes])

    def _one(self, code: str, g: pd.DataFrame) -> PreparedIndicator:
        empty = np.full(len(self.years), np.nan)
        first = g.iloc[0]
        known = catalogue.by_code().get(code)
        name = str(first.get("name_zh", code)) if "name_zh" in g else code
        unit = str(first.get("unit", "")) if "unit" in g else (known.unit if known else "")
        kind = str(first.get("kind", "") or "") if "kind" in g else ""
        kind = kind or (known.kind if known else "level")
        b = g[g["role"] == "baseline"]
        base_year, base, reason = None, np.nan, None
        if len(b):
            base_year = int(b.iloc[0]["year"])
            if b.iloc[0]["qualifier"] in QUANTITATIVE:
                base = _num(b.iloc[0]["value"])
        t = g[g["role"] == "target"].sort_values("year")
        targets = []
        qualitative = []
        for _, row in t.iterrows():
            v = _num(row["value"])
            if row["qualifier"] in QUANTITATIVE and np.isfinite(v):
                comp = row.get("comparator", "") if "comparator" in t else ""
                comp = "" if comp is None or (isinstance(comp, float) and np.isnan(comp)) else str(comp)
                targets.append((int(row["year"]), v, comp, str(row["qualifier"])))
            else:
                raw = row.get("raw", "") if "raw" in t else ""
                qualitative.append(T("{year}年“{raw}”", year=int(row["year"]), raw=i18n.term("phrase", raw)) if raw
                                   else T("{year}年", year=int(row["year"])))
        if not np.isfinite(base):
            raw = b.iloc[0].get("raw", "") if len(b) and "raw" in b else ""
            reason = T("{year}年基期值缺失（规划表为“{raw}”），无从起算", year=base_year or "", raw=raw or "/")
        elif not targets:
            reason = T("目标为定性表述（{targets}），无可比较的数值", targets=T("；").join(qualitative)) if qualitative \
                else T("规划表中没有数值目标")
        plan = empty
        if reason is None:
            plan = plan_path(g, code).reindex(self.years).to_numpy(dtype=float)
        name_en = str(first.get("name_en", "") or "") if "name_en" in g else (known.name_en if known else "")
        return PreparedIndicator(code, name, unit, kind, base_year, base, targets, reason, plan,
                                 shape=path_shape(g, code), no_baseline=not np.isfinite(base) and bool(targets),
                                 name_en=name_en if name_en != "nan" else "")


def plan_points(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """The plan's baselines and targets (long frame) from the processed plan tables."""
    from qzlib.paths import PROCESSED
    from qzlib.plan.tables import indicator_points, load_indicators

    return indicator_points(load_indicators(Path(processed_dir) if processed_dir else PROCESSED))


def components(code: str) -> dict:
    """numerator/denominator of a catalogued ratio indicator ({} for others and for
    indicators outside the catalogue)."""
    known = catalogue.by_code().get(code)
    return dict(known.components) if known else {}


def dependants_of(component: str) -> list[str]:
    """Codes of the catalogued ratio indicators a component moves."""
    return [i.code for i in catalogue.indicators() if component in i.components.values()]
