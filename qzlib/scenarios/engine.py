"""Scenario arithmetic: yearly paths over the plan's years and attainment of its targets.

The plan's points (baselines and targets) are read once into a :class:`Prepared` set of
numpy arrays (:mod:`qzlib.scenarios.prepared`); each scenario is then a handful of
vectorised operations, so that the interactive explorer can recompute all 16 indicators in
well under 50 ms. pandas frames are built only when asked for (``ScenarioResult.paths``,
``.attainment``, …; :mod:`qzlib.scenarios.result`), and the words in
:mod:`qzlib.scenarios.wording`.

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

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from qzlib import catalogue, rules
from qzlib.errors import InputError
from qzlib.scenarios.paces import reference_rate, reference_series
from qzlib.scenarios.prepared import Prepared, components
from qzlib.scenarios.result import BANDS, ScenarioResult
from qzlib.scenarios.schema import Scenario, check_years, load
from qzlib.scenarios.wording import MIN_LOCAL_POINTS, describe, say, source_of, value_text


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
        self.observed_said: dict[str, tuple[str, str]] = {}   # code -> (what was assumed, which rows)

    @property
    def years(self) -> np.ndarray:
        """The plan's years the paths run over: its baseline year … three years after its period."""
        return self.prepared.years

    def since(self, year: int) -> np.ndarray:
        """Years elapsed from ``year`` at each of the plan's years (negative before it), as floats."""
        return (self.years - int(year)).astype(float)

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
        t = self.since(base_year)
        if "growth" in spec:
            idx = (1 + spec["growth"]) ** t
        elif "index" in spec:
            anchors = [(base_year, 1.0)] + sorted((int(y), float(v)) for y, v in spec["index"].items())
            idx = rules.interpolate(self.years, anchors, spec.get("after", "stop"))
        else:  # follow: reference
            r = self.rate(spec["reference"], file, f"components.{name}.reference")
            idx = (1 + r) ** t
        idx = np.where(t < 0, np.nan, idx)
        return idx

    def indicator_path(self, code: str, spec: dict, base_year: int, file=None):
        """(values, bands or None, method label, reason or None) for one indicator."""
        info = self.prepared.info[code]
        b = info.base
        t = self.since(base_year)
        bands = None
        if "growth" in spec:
            v = b * (1 + spec["growth"]) ** t
        elif "points_per_year" in spec:
            v = b + spec["points_per_year"] * t
        elif "levels" in spec:
            anchors = [(base_year, b)] + sorted((int(y), float(x)) for y, x in spec["levels"].items())
            v = rules.interpolate(self.years, anchors, spec.get("after", "stop"))
        elif spec.get("follow") == "plan":
            pace = spec.get("pace", 1.0)
            anchors = [(base_year, b)] + [(y, x) for y, x, _, _ in info.targets]
            plan = rules.interpolate(self.years, anchors, spec.get("after", "stop"))
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
        rows = "、".join(f"{y}年 {value_text(float(x))}" for y, x in after.items())
        ref = spec.get("reference")
        if len(after) >= MIN_LOCAL_POINTS or (len(after) and not ref):
            y1, v1 = int(after.index[-1]), float(after.iloc[-1])
            pts, g = rules.pace(b, base_year, v1, y1)
            rate, measure = (pts, "points") if points or not np.isfinite(g) else (g, "cagr")
            few = "" if len(after) >= MIN_LOCAL_POINTS else f"（基期后仅 {len(after)} 个观测值，且无参照序列）"
            said = (f"{region}自身速度：{base_year}年基期 {value_text(b)} 至 {y1}年 {value_text(v1)}，"
                    + (f"每年 {rate:+.3f} 个百分点" if measure == "points" else f"年均增长 {rate * 100:.2f}%") + few)
            source = f"{region}统计数据：{rows}"
            anchor_y, anchor_v = y1, v1
        elif ref:
            rate = self.rate(ref, file, f"assumptions.{code}.reference")
            measure = "points" if ref.get("measure") == "points" else "cagr"
            anchor_y, anchor_v = (int(after.index[-1]), float(after.iloc[-1])) if len(after) else (base_year, b)
            said = (f"{region}基期后观测值不足 {MIN_LOCAL_POINTS} 个（{rows or '无'}），借用参照速度："
                    + say(self, {"follow": "reference", "reference": ref}, info.unit, f"assumptions.{code}.reference",
                                file) + f"，自 {anchor_y} 年的 {value_text(anchor_v)} 起算")
            source = source_of(spec)
        else:
            return None, f"{region}在{base_year}年基期后没有观测值，也未给参照序列，无从计算速度"
        t = self.since(anchor_y)
        v = anchor_v + rate * t if measure == "points" else anchor_v * (1 + rate) ** t
        v = np.where(t < 0, np.nan, v)
        hist = s[(s.index >= base_year) & (s.index <= anchor_y)]
        v[np.asarray(hist.index, int) - self.years[0]] = hist.to_numpy(float)
        v[base_year - self.years[0]] = b
        self.observed_said[code] = (said, source)
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
        res.described = describe(self, scenario, res)
        return res


def run(scenario: Scenario | str | Path, points: pd.DataFrame | Prepared,
        observations: pd.DataFrame | None = None, processed_dir: str | Path | None = None,
        region: str | None = None) -> ScenarioResult:
    """Run one scenario (object, name or file) against the plan's points.

    ``observations`` (from qzlib.stats.load_observations) is read from ``processed_dir``
    only if the scenario refers to the statistics (follow: reference or trend).
    """
    return Engine(points, observations, processed_dir, region).run(scenario)
