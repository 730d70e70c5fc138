"""Scenario arithmetic: yearly paths over the plan's years and attainment of its targets.

The years are the plan's own (:attr:`Prepared.years`): from its baseline year to three
years after its period ends (:func:`qzlib.plan.meta.last_year`, the rule the brief's years
follow), 2022–2030 for the shipped 2023–2027 plan.

The plan's points (baselines and targets) are read once into a :class:`Prepared` set of
numpy arrays; each scenario is then a handful of vectorised operations, so that the
interactive explorer can recompute all 16 indicators in well under 50 ms. pandas frames
are built only when asked for (``ScenarioResult.paths``, ``.attainment``, …).

Rules that keep the numbers honest:
- a path starts from the plan's own baseline; no level is invented;
- components (value added, land, …) are indices relative to the base year that move
  the ratio's baseline; a component not declared stays at its base-year level (said so
  in the assumptions table);
- an indicator with a missing baseline ("/") or only qualitative targets gets no path,
  and the reason is kept;
- after the last given year, a levels/index/plan path stops unless ``after`` says
  hold or continue.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from qzlib import catalogue
from qzlib import rules
from qzlib.plan.path import plan_path
from qzlib.errors import InputError
from qzlib.scenarios.schema import Scenario, check_years, load

BANDS = ("lo80", "hi80", "lo95", "hi95")
QUANTITATIVE = {"exact", "approx"}
MIN_LOCAL_POINTS = 2   # figures after the base year before the region's own pace is used (follow: observed)
# How attainment statuses read in Chinese (explorer, CLI and brief say the same words).
STATUS_ZH = {"met": "达成", "missed": "未达成", "no_path": "无路径"}
COMPONENT_ZH = {
    "value_added": "规上工业增加值",
    "land": "规上工业用地面积",
    "tax": "规上工业税收",
    "employment": "规上制造业从业人员",
    "rd_spending": "规上制造业研发费用",
    "revenue": "规上制造业营业收入",
}


# --------------------------------------------------------------------------- plan points
@dataclass
class PlanIndicator:
    code: str
    name_zh: str
    unit: str
    kind: str
    base_year: int | None
    base: float
    targets: list[tuple[int, float, str, str]]  # (year, value, comparator, qualifier)
    reason: str | None  # why the indicator can get no path; None when it can
    plan: np.ndarray  # plan path over Prepared.years (NaN outside baseline … last target)


def _geo(years: np.ndarray, anchors: list[tuple[int, float]], after: str = "stop") -> np.ndarray:
    """Steady growth through anchors: the same interpolation as the plan path."""
    return rules.interpolate(years, anchors, after)


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
        from qzlib.plan.meta import last_year

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
        last = last_year(period_end) if period_end is not None else int(points["year"].max())
        self.years = np.arange(first, max(first, last) + 1)   # the plan's years: baseline … period end + 3
        self.info: dict[str, PlanIndicator] = {c: self._one(c, g) for c, g in groups.items()}
        self.index = {c: i for i, c in enumerate(self.codes)}
        self.base = np.array([self.info[c].base for c in self.codes])
        self.plan = np.vstack([self.info[c].plan for c in self.codes])

    def _one(self, code: str, g: pd.DataFrame) -> PlanIndicator:
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
                qualitative.append(f"{int(row['year'])}年“{raw}”" if raw else f"{int(row['year'])}年")
        if not np.isfinite(base):
            raw = b.iloc[0].get("raw", "") if len(b) and "raw" in b else ""
            reason = f"{base_year or ''}年基期值缺失（规划表为“{raw or '/'}”），无从起算"
        elif not targets:
            reason = "目标为定性表述（" + "；".join(qualitative) + "），无可比较的数值" if qualitative \
                else "规划表中没有数值目标"
        plan = empty
        if reason is None:
            plan = plan_path(g, code).reindex(self.years).to_numpy(dtype=float)
        return PlanIndicator(code, name, unit, kind, base_year, base, targets, reason, plan)


# --------------------------------------------------------------------------- inputs
def plan_points(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """The plan's baselines and targets (long frame) from the processed plan tables."""
    from qzlib.paths import PROCESSED
    from qzlib.plan.tables import indicator_points, load_indicators

    return indicator_points(load_indicators(Path(processed_dir) if processed_dir else PROCESSED))


def reference_series(obs: pd.DataFrame, indicator: str, region: str) -> pd.Series:
    """Yearly selected values (index year) of one statistics series (aliases allowed)."""
    from qzlib.stats import series

    return series(obs, indicator, region)


def reference_rate(obs: pd.DataFrame, ref: dict, file=None, where: str = "") -> float:
    """The yearly pace a reference window implies: a fraction (cagr, rate) or points."""
    s = reference_series(obs, ref["indicator"], ref["region"])
    y0, y1, measure = int(ref["from"]), int(ref["to"]), ref.get("measure", "cagr")
    if measure == "rate":
        window = s[(s.index >= y0) & (s.index <= y1)]
        if window.empty:
            raise InputError.one(file=file, where=where, value=f"{ref['indicator']} {ref['region']} {y0}–{y1}",
                                 expected="at least one observation in the window")
        return float(np.exp(np.log1p(window.to_numpy() / 100).mean()) - 1)
    missing = [y for y in (y0, y1) if y not in s.index]
    if missing:
        raise InputError.one(file=file, where=where, value=f"{ref['indicator']} {ref['region']}",
                             expected=f"observations for {', '.join(map(str, missing))} "
                                      f"(have {', '.join(map(str, s.index)) or 'none'})")
    v0, v1 = s[y0], s[y1]
    if measure == "points":
        return float((v1 - v0) / (y1 - y0))
    if v0 <= 0 or v1 <= 0:
        raise InputError.one(file=file, where=where, value=(v0, v1), expected="positive values for a CAGR")
    return rules.cagr(v0, v1, y1 - y0)


# --------------------------------------------------------------------------- results
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
        return pd.DataFrame(self.described, columns=["对象", "类别", "假设", "来源或理由"])

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
                   "reason": reasons.get(code) or info.reason or ""}
            if year is not None and not rec["reason"]:
                j = year - int(years[0])
                v = row[j] if 0 <= j < len(years) else np.nan
                if np.isfinite(v):
                    met = rules.is_met(v, target, comp)   # the one rule, at the printed precision
                    reached = [k for k in range(len(years)) if np.isfinite(row[k]) and rules.is_met(row[k], target, comp)]
                    rec.update(value=float(v), lo80=float(bands["lo80"][i, j]), hi80=float(bands["hi80"][i, j]),
                               status="met" if met else "missed", met=bool(met),
                               gap_abs=float(v - target),
                               gap_pct=float((v - target) / target * 100) if target else np.nan,
                               first_year_reached=int(years[reached[0]]) if reached else None)
                else:
                    rec["reason"] = f"路径未覆盖{year}年"
            recs.append(rec)
    return recs


# --------------------------------------------------------------------------- engine
def _fmt(v: float) -> str:
    return f"{v:,.4g}" if abs(v) < 1000 else f"{v:,.0f}"


class Engine:
    """Runs scenarios against one set of plan points (and observations), caching fits.

    The years are the plan's (:attr:`years`): when ``processed_dir`` is given, its period is
    read from that folder's ``plan.csv`` (the plan's header); otherwise from the points.
    """

    def __init__(self, points: pd.DataFrame | Prepared, observations: pd.DataFrame | None = None,
                 processed_dir: str | Path | None = None, region: str | None = None):
        if isinstance(points, Prepared):
            self.prepared = points
        else:
            period_end = None
            if processed_dir is not None and (Path(processed_dir) / "plan.csv").is_file():
                from qzlib.plan.tables import load_plan_meta

                period_end = load_plan_meta(processed_dir).period_end
            self.prepared = Prepared(points, period_end)
        self._obs = observations
        self._processed_dir = processed_dir
        self._region = region
        self._rates: dict = {}
        self._trends: dict = {}
        self._observed: dict[str, tuple[str, str]] = {}   # code -> (what was assumed, which rows)
        self.t = self.years.astype(float)

    @property
    def years(self) -> np.ndarray:
        """The plan's years the paths run over: its baseline year … three years after its period."""
        return self.prepared.years

    @property
    def region(self) -> str:
        """The plan's own place (whose figures `follow: observed` and trends read): given, or
        the processed plan's (qzlib.plan.meta)."""
        if self._region is None:
            from qzlib.plan.tables import load_plan_meta

            self._region = load_plan_meta(self._processed_dir).region
        return self._region

    @property
    def observations(self) -> pd.DataFrame:
        if self._obs is None:  # read only when a scenario refers to the statistics
            from qzlib.stats import load_observations

            self._obs = load_observations(self._processed_dir)
        return self._obs

    # -- single pieces ------------------------------------------------------------------
    def rate(self, ref: dict, file=None, where="") -> float:
        key = tuple(sorted((k, str(v)) for k, v in ref.items()))
        if key not in self._rates:
            self._rates[key] = reference_rate(self.observations, ref, file, where)
        return self._rates[key]

    def trend(self, code: str, spec: dict):
        """The trend model's forecast of the series named in ``spec`` (cached per series)."""
        series_spec = spec.get("series") or {}
        indicator = series_spec.get("indicator", code)
        region = series_spec.get("region") or self.region
        method = spec.get("method", "auto")
        key = (code, indicator, region, method)
        if key not in self._trends:
            try:
                from qzlib.forecast import fit
            except ImportError:  # the package may not re-export it
                from qzlib.forecast.trend import fit

            s = reference_series(self.observations, indicator, region)
            lower, upper = catalogue.natural_bounds(self.prepared.info[code].kind)
            self._trends[key] = fit(s, int(self.years[-1]), method, lower=lower, upper=upper)
        return self._trends[key]

    def component_index(self, name: str, spec: dict, base_year: int, file=None) -> np.ndarray:
        t = self.t - base_year
        if "growth" in spec:
            idx = (1 + spec["growth"]) ** t
        elif "index" in spec:
            anchors = [(base_year, 1.0)] + sorted((int(y), float(v)) for y, v in spec["index"].items())
            idx = _geo(self.years, anchors, spec.get("after", "stop"))
        else:  # follow: reference
            r = self.rate(spec["reference"], file, f"components.{name}.reference")
            idx = (1 + r) ** t
        idx = np.where(t < 0, np.nan, idx)
        return idx

    def indicator_path(self, code: str, spec: dict, base_year: int, file=None):
        """(values, bands or None, method label, reason or None) for one indicator."""
        info = self.prepared.info[code]
        b = info.base
        t = self.t - base_year
        bands = None
        if "growth" in spec:
            v = b * (1 + spec["growth"]) ** t
        elif "points_per_year" in spec:
            v = b + spec["points_per_year"] * t
        elif "levels" in spec:
            anchors = [(base_year, b)] + sorted((int(y), float(x)) for y, x in spec["levels"].items())
            v = _geo(self.years, anchors, spec.get("after", "stop"))
        elif spec.get("follow") == "plan":
            pace = spec.get("pace", 1.0)
            anchors = [(base_year, b)] + [(y, x) for y, x, _, _ in info.targets]
            plan = _geo(self.years, anchors, spec.get("after", "stop"))
            v = b * (plan / b) ** pace if (b > 0 and np.all(plan[np.isfinite(plan)] > 0)) else b + pace * (plan - b)
        elif spec.get("follow") == "reference":
            ref = spec["reference"]
            r = self.rate(ref, file, f"assumptions.{code}.reference")
            v = b + r * t if ref.get("measure") == "points" else b * (1 + r) ** t
        elif spec.get("follow") == "observed":
            v, why = self.observed_path(code, spec, base_year, file)
            if v is None:
                return None, None, "observed", why
        else:  # trend: observed history up to its last year, then the model's path and fan
            fc = self.trend(code, spec)
            if getattr(fc, "status", "ok") != "ok":
                why = getattr(fc, "reason", "") or "数据不足"
                return None, None, "trend", f"趋势模型未外推（insufficient）：{why}"
            path = fc.path
            years = self.years
            v = np.full(len(years), np.nan)
            hist = getattr(fc, "history", None)
            if hist is not None and len(hist):
                hy = np.asarray(hist.index, int)
                keep = (hy >= years[0]) & (hy <= years[-1])
                v[hy[keep] - years[0]] = np.asarray(hist, float)[keep]
            bands = {k: np.full(len(years), np.nan) for k in BANDS}
            yrs = np.asarray(path.index, int)
            sel = (yrs >= years[0]) & (yrs <= years[-1])
            pos = yrs[sel] - years[0]
            v[pos] = path["mean"].to_numpy(float)[sel]
            for k in BANDS:
                if k in path:
                    bands[k][pos] = path[k].to_numpy(float)[sel]
            if not np.isfinite(v[base_year - years[0]]):
                v[base_year - years[0]] = b
        v = np.where(t < 0, np.nan, v)
        return v, bands, spec.get("follow") or next(k for k in ("growth", "points_per_year", "levels") if k in spec), None

    def observed_path(self, code: str, spec: dict, base_year: int, file=None):
        """(values, None) or (None, reason): the region's figures, then its own pace.

        The pace is the region's own from the baseline to its latest figure when it has at
        least MIN_LOCAL_POINTS figures after the base year; otherwise the assumption's
        ``reference`` pace carried on from the latest figure; otherwise the pace of its
        single figure after the baseline. What was used is kept for the assumptions table.
        """
        from qzlib.forecast.progress import observed_series

        region = self.region
        info = self.prepared.info[code]
        b, points = info.base, rules.uses_points(info.unit)
        s = observed_series(self.observations, code, region)
        after = s[(s.index > base_year) & (s.index <= self.years[-1])]
        rows = "、".join(f"{y}年 {_fmt(float(x))}" for y, x in after.items())
        ref = spec.get("reference")
        if len(after) >= MIN_LOCAL_POINTS or (len(after) and not ref):
            y1, v1 = int(after.index[-1]), float(after.iloc[-1])
            pts, g = rules.pace(b, base_year, v1, y1)
            rate, measure = (pts, "points") if points or not np.isfinite(g) else (g, "cagr")
            few = "" if len(after) >= MIN_LOCAL_POINTS else f"（基期后仅 {len(after)} 个观测值，且无参照序列）"
            said = (f"{region}自身速度：{base_year}年基期 {_fmt(b)} 至 {y1}年 {_fmt(v1)}，"
                    + (f"每年 {rate:+.3f} 个百分点" if measure == "points" else f"年均增长 {rate * 100:.2f}%") + few)
            source = f"{region}统计数据：{rows}"
            anchor_y, anchor_v = y1, v1
        elif ref:
            rate = self.rate(ref, file, f"assumptions.{code}.reference")
            measure = "points" if ref.get("measure") == "points" else "cagr"
            anchor_y, anchor_v = (int(after.index[-1]), float(after.iloc[-1])) if len(after) else (base_year, b)
            said = (f"{region}基期后观测值不足 {MIN_LOCAL_POINTS} 个（{rows or '无'}），借用参照速度："
                    + self._say({"follow": "reference", "reference": ref}, info.unit, f"assumptions.{code}.reference",
                                file) + f"，自 {anchor_y} 年的 {_fmt(anchor_v)} 起算")
            source = _source(spec)
        else:
            return None, f"{region}在{base_year}年基期后没有观测值，也未给参照序列，无从计算速度"
        t = self.t - anchor_y
        v = anchor_v + rate * t if measure == "points" else anchor_v * (1 + rate) ** t
        v = np.where(self.t < anchor_y, np.nan, v)
        hist = s[(s.index >= base_year) & (s.index <= anchor_y)]
        v[np.asarray(hist.index, int) - self.years[0]] = hist.to_numpy(float)
        v[base_year - self.years[0]] = b
        self._observed[code] = (said, source)
        return v, None

    # -- whole scenario -------------------------------------------------------------------
    def resolved(self, scenario: Scenario) -> Scenario:
        """The scenario, checked against the plan's years, with its base year set: a file that
        leaves it out starts from the baseline year of the plan it runs on."""
        check_years(scenario, self.years)   # file, key, year and the plan's range when outside
        if scenario.base_year is not None or self.prepared.base_year is None:
            return scenario
        return replace(scenario, base_year=self.prepared.base_year)

    def compute(self, scenario: Scenario) -> ScenarioResult:
        scenario = self.resolved(scenario)
        p = self.prepared
        n = len(p.codes)
        values = np.full((n, len(self.years)), np.nan)
        bands = {k: np.full((n, len(self.years)), np.nan) for k in BANDS}
        method, reasons = {}, {}
        by = scenario.base_year
        file = scenario.file
        comp_idx = {name: self.component_index(name, spec, by, file) for name, spec in scenario.components.items()}
        for code in p.codes:
            i = p.index[code]
            info = p.info[code]
            if info.reason:
                reasons[code] = info.reason
                continue
            if info.base_year != by:
                raise InputError.one(file=file, where="base_year", value=by,
                                     expected=f"the plan's baseline year {info.base_year} "
                                              f"(paths start from the plan's own baseline)")
            comps = components(code)
            if comps and any(c in comp_idx for c in comps.values()):
                ones = np.ones(len(self.years))
                num = comp_idx.get(comps["numerator"], ones)
                den = comp_idx.get(comps["denominator"], ones)
                v = info.base * num / den
                method[code] = "components"
                bnd = None
            elif scenario.assumption(code) is not None:
                v, bnd, method[code], reason = self.indicator_path(code, scenario.assumption(code), by, file)
                if reason:
                    reasons[code] = reason
                    continue
            else:
                reasons[code] = "场景未设定该指标的假设"
                continue
            lower, upper = catalogue.natural_bounds(info.kind)
            values[i] = np.clip(v, -np.inf if lower is None else lower, np.inf if upper is None else upper)
            if bnd is not None:
                for k in BANDS:
                    bands[k][i] = bnd[k]
        res = ScenarioResult(scenario, p, values, bands, method, reasons)
        return res

    def run(self, scenario: Scenario | str | Path) -> ScenarioResult:
        """Compute a scenario and describe its assumptions (Chinese, with sources)."""
        if not isinstance(scenario, Scenario):
            scenario = load(scenario)
        scenario = self.resolved(scenario)
        res = self.compute(scenario)
        res.described = self.describe(scenario, res)
        return res

    # -- words ----------------------------------------------------------------------------
    def _say(self, spec: dict, unit: str, where: str, file, code: str | None = None) -> str:
        pts_unit = "个百分点" if unit == "%" else unit
        if "growth" in spec:
            return f"年均增长 {spec['growth'] * 100:.1f}%"
        if "points_per_year" in spec:
            return f"每年 {spec['points_per_year']:+.2f} {pts_unit}"
        if "levels" in spec or "index" in spec:
            key = "levels" if "levels" in spec else "index"
            word = "水平路径" if key == "levels" else "相对基年指数"
            after = {"stop": "此后不外推", "hold": "此后保持", "continue": "此后按最后一段增速延续"}[spec.get("after", "stop")]
            pts = "，".join(f"{y}年 {_fmt(float(v))}" for y, v in sorted(spec[key].items()))
            return f"{word}：{pts}（几何插值；{after}）"
        follow = spec.get("follow")
        if follow == "plan":
            pace = spec.get("pace", 1.0)
            head = "按规划路径（基期与各目标之间几何插值）" if pace == 1 else f"按规划年均进度的 {pace * 100:.0f}%"
            if spec.get("after", "stop") == "stop":
                return head
            targets = self.prepared.info[code].targets if code in self.prepared.info else []
            last = targets[-1][0] if targets else self.prepared.period_end   # the path's last anchor
            return head + (f"，{last}年后延续" if last is not None else "，最后目标年后延续")
        if follow == "reference":
            ref = spec["reference"]
            r = self.rate(ref, file, where)
            m = ref.get("measure", "cagr")
            single = ref["from"] == ref["to"]
            what = {"cagr": f"年均增长 {r * 100:.2f}%", "points": f"每年 {r:+.3f} {pts_unit}",
                    "rate": f"年均增长 {r * 100:.2f}%" + ("（公布增速）" if single else "（公布增速的几何平均）")}[m]
            window = f"{ref['from']}年" if single else f"{ref['from']}—{ref['to']}年"
            return f"参照 {ref['region']} {ref['indicator']} {window}：{what}"
        if follow == "observed":
            return f"按本地统计数据的自身速度（基期后不足 {MIN_LOCAL_POINTS} 个观测值时借用参照速度）"
        if follow == "trend":
            s = spec.get("series") or {}
            return (f"趋势模型外推（{s.get('region') or self.region} {s.get('indicator', code)}，"
                    f"方法 {spec.get('method', 'auto')}）")
        return str(spec)

    def describe(self, scenario: Scenario, res: ScenarioResult) -> list[dict]:
        rows = []
        p = self.prepared
        for name, spec in scenario.components.items():
            deps = "、".join(p.info[c].name_zh for c in _deps(name) if c in p.info) or "本规划无相关指标"
            rows.append({"对象": f"{COMPONENT_ZH.get(name, name)}（影响：{deps}）", "类别": "分项指数",
                         "假设": self._say(spec, "指数", f"components.{name}.reference", scenario.file),
                         "来源或理由": _source(spec)})
        used = set()
        for code in p.codes:
            comps = components(code)
            if res.method.get(code) == "components":
                for c in comps.values():
                    if c not in scenario.components and c not in used:
                        used.add(c)
                        rows.append({"对象": COMPONENT_ZH.get(c, c), "类别": "分项指数",
                                     "假设": "按基年水平不变（未设定）",
                                     "来源或理由": "场景未设定该分项；按基年水平计"})
        for code in scenario.assumptions:
            if code not in p.info:   # the scenario was written for a plan that has this indicator
                rows.append({"对象": code, "类别": "指标", "假设": "未使用：本规划没有该指标",
                             "来源或理由": "情景文件中的该项假设对本规划不适用，已跳过"})
        for code in p.codes:
            info = p.info[code]
            name = f"{info.name_zh}（{info.unit}）"
            spec = scenario.assumption(code)
            if spec is not None and res.method.get(code) != "components" and code in self._observed:
                said, source = self._observed[code]
                rows.append({"对象": name, "类别": "指标", "假设": said, "来源或理由": source})
            elif spec is not None and res.method.get(code) != "components" and code not in res.reasons:
                rows.append({"对象": name, "类别": "指标",
                             "假设": self._say(spec, info.unit, f"assumptions.{code}.reference", scenario.file, code),
                             "来源或理由": _source(spec)})
            elif res.method.get(code) == "components":
                c = components(code)
                rows.append({"对象": name, "类别": "指标",
                             "假设": f"由分项推算：基期值 × {COMPONENT_ZH[c['numerator']]}指数 ÷ "
                                   f"{COMPONENT_ZH[c['denominator']]}指数", "来源或理由": "基期值取自规划附件1"})
            else:
                rows.append({"对象": name, "类别": "指标", "假设": "无路径",
                             "来源或理由": res.reasons.get(code, "")})
        return rows


def components(code: str) -> dict:
    """numerator/denominator of a catalogued ratio indicator ({} for others and for
    indicators outside the catalogue)."""
    known = catalogue.by_code().get(code)
    return dict(known.components) if known else {}


def _deps(component: str) -> list[str]:
    return [i.code for i in catalogue.indicators() if component in i.components.values()]


def _source(spec: dict) -> str:
    parts = [spec[k] for k in ("source", "rationale") if spec.get(k)]
    return "；".join(parts)


# --------------------------------------------------------------------------- public helpers
def run(scenario: Scenario | str | Path, points: pd.DataFrame | Prepared,
        observations: pd.DataFrame | None = None, processed_dir: str | Path | None = None,
        region: str | None = None) -> ScenarioResult:
    """Run one scenario (object, name or file) against the plan's points.

    ``observations`` (from qzlib.stats.load_observations) is read from ``processed_dir``
    only if the scenario refers to the statistics (follow: reference or trend).
    """
    return Engine(points, observations, processed_dir, region).run(scenario)


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
