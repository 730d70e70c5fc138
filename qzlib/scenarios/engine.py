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

from qzlib import catalogue, fmt, i18n, rules
from qzlib.errors import InputError
from qzlib.i18n import T
from qzlib.scenarios.paces import reference_rate, reference_series
from qzlib.scenarios.prepared import Prepared, components
from qzlib.scenarios.result import BANDS, ScenarioResult
from qzlib.scenarios.schema import Scenario, check_years, load
from qzlib.scenarios.wording import describe, say, source_of, value_text


class Engine:
    """Runs scenarios against one set of plan points (and observations), caching fits.

    The years are the plan's (:attr:`years`): when ``processed_dir`` is given, its period is
    read from that folder's ``plan.csv`` (the plan's header); otherwise from the points.
    ``as_of`` is the last year whose figures the paths may use (a brief's year): later
    figures are not read, and a reference window that ends after it is not yet known.
    Caches hold only what does not depend on the scenario (reference rates, trend fits), so
    one engine runs several scenarios without one's assumptions reaching another.
    """

    def __init__(self, points: pd.DataFrame | Prepared, observations: pd.DataFrame | None = None,
                 processed_dir: str | Path | None = None, region: str | None = None, as_of: int | None = None):
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
        self.as_of = None if as_of is None else int(as_of)
        self._rates: dict = {}
        self._trends: dict = {}

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
        """The statistics the paths may use: every figure up to :attr:`as_of`."""
        if self._obs is None:  # read only when a scenario refers to the statistics
            from qzlib.stats import load_observations

            self._obs = load_observations(self._processed_dir)
        if self.as_of is not None and "year" in self._obs.columns and not self._obs.attrs.get("as_of") == self.as_of:
            known = self._obs[pd.to_numeric(self._obs["year"], errors="coerce") <= self.as_of].copy()
            known.attrs = dict(self._obs.attrs) | {"as_of": self.as_of}
            self._obs = known
        return self._obs

    def not_yet_known(self, ref: dict) -> str:
        """Why a reference window cannot be used as of :attr:`as_of` ('' when it can)."""
        if self.as_of is not None and int(ref["to"]) > self.as_of:
            return T("参照序列 {region} {indicator} {y0}—{y1}年的数值在{year}年尚未取得，不生成路径",
                     region=i18n.place(ref["region"]), indicator=ref["indicator"], y0=ref["from"], y1=ref["to"],
                     year=self.as_of)
        return ""

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
            from qzlib.forecast import fit

            s = reference_series(self.observations, indicator, region)
            lower, upper = catalogue.natural_bounds(self.prepared.info[code].kind)
            self._trends[key] = fit(s, int(self.years[-1]), method, lower=lower, upper=upper)
        return self._trends[key]

    def component_index(self, name: str, spec: dict, base_year: int, file=None) -> np.ndarray | str:
        """The component's index (1 in the base year) over the plan's years, or why it has none."""
        t = self.since(base_year)
        if "growth" in spec:
            idx = rules.advance(1.0, spec["growth"], t)
        elif "index" in spec:
            anchors = [(base_year, 1.0)] + sorted((int(y), float(v)) for y, v in spec["index"].items())
            idx = rules.interpolate(self.years, anchors, spec.get("after", "stop"))
        else:  # follow: reference (a cagr or published rates: schema refuses points for a component)
            why = self.not_yet_known(spec["reference"])
            if why:
                return why
            idx = rules.advance(1.0, self.rate(spec["reference"], file, f"components.{name}.reference"), t)
        return np.where(t < 0, np.nan, idx)

    def indicator_path(self, code: str, spec: dict, base_year: int, file=None):
        """(values, bands or None, method label, reason or None, what was said or None) for one
        indicator; ``said`` is (assumption, source) when the path used figures the file does not name."""
        info = self.prepared.info[code]
        b = info.base
        t = self.since(base_year)
        bands = None
        method = spec.get("follow") or next(k for k in ("growth", "points_per_year", "levels") if k in spec)
        if "growth" in spec:
            v = rules.advance(b, spec["growth"], t)
        elif "points_per_year" in spec:
            v = rules.advance(b, spec["points_per_year"], t, "points")
        elif "levels" in spec:
            anchors = [(base_year, b)] + sorted((int(y), float(x)) for y, x in spec["levels"].items())
            v = rules.interpolate(self.years, anchors, spec.get("after", "stop"), shape=info.shape)
        elif spec.get("follow") == "plan":
            pace = spec.get("pace", 1.0)
            anchors = [(base_year, b)] + [(y, x) for y, x, _, _ in info.targets]
            plan = rules.interpolate(self.years, anchors, spec.get("after", "stop"), shape=info.shape)
            geometric = not rules.is_linear(info.shape) and b > 0 and np.all(plan[np.isfinite(plan)] > 0)
            v = b * (plan / b) ** pace if geometric else b + pace * (plan - b)
        elif spec.get("follow") == "reference":
            ref = spec["reference"]
            why = self.not_yet_known(ref)
            if why:
                return None, None, method, why, None
            r = self.rate(ref, file, f"assumptions.{code}.reference")
            v = rules.advance(b, r, t, "points" if ref.get("measure") == "points" else "growth")
        elif spec.get("follow") == "observed":
            v, why, said = self.observed_path(code, spec, base_year, file)
            if v is None:
                return None, None, method, why, None
            return v, None, method, None, said
        else:  # trend
            v, bands, why = self.trend_path(code, spec, base_year)
            if v is None:
                return None, None, method, why, None
        v = np.where(t < 0, np.nan, v)
        return v, bands, method, None, None

    def _local(self, code: str) -> pd.Series:
        """The region's own figures of one indicator, up to :attr:`as_of` (the plan's baseline year included)."""
        from qzlib.forecast.progress import observed_series

        return observed_series(self.observations, code, self.region)

    def trend_path(self, code: str, spec: dict, base_year: int):
        """(values, bands, None) or (None, None, reason): the model's path and fan.

        On the region's own series the path runs through its figures and on with the model. On
        another region's (or another indicator's) series only its pace is borrowed: the
        forecast, relative to that series' value in the year of the region's latest figure
        (ratio for growth, difference for additions and points), is carried from that figure,
        as ``follow: reference`` does; that region's level is never written into the indicator.
        """
        info = self.prepared.info[code]
        fc = self.trend(code, spec)
        if getattr(fc, "status", "ok") != "ok":
            return None, None, T("趋势模型未外推（insufficient）：{why}", why=getattr(fc, "reason", "") or T("数据不足"))
        series_spec = spec.get("series") or {}
        own = series_spec.get("indicator", code) == code and (series_spec.get("region") or self.region) == self.region
        years = self.years
        first = int(years[0])
        v = np.full(len(years), np.nan)
        bands = {k: np.full(len(years), np.nan) for k in BANDS}
        path = fc.path
        ref = pd.concat([pd.Series(fc.history, dtype=float),
                         path["mean"].astype(float)[~path.index.isin(pd.Series(fc.history).index)]]).sort_index()
        if own:
            anchor_y, anchor_v, move = base_year, info.base, None
            for y, x in ref.items():
                if first <= int(y) <= int(years[-1]):
                    v[int(y) - first] = x
        else:
            local = self._local(code)
            local = local[local.index >= base_year]
            anchor_y, anchor_v = (int(local.index[-1]), float(local.iloc[-1])) if len(local) else (base_year, info.base)
            if anchor_y not in ref.index:
                return None, None, T("参照序列 {region} {indicator} 缺少{year}年的数值，无法借用其速度",
                                     region=i18n.place(series_spec.get("region") or self.region),
                                     indicator=series_spec.get("indicator", code), year=anchor_y)
            base_ref = float(ref[anchor_y])
            linear = rules.is_linear(info.shape)
            if not linear and base_ref <= 0:
                return None, None, T("参照序列的数值不为正，无法按增速借用")

            def move(x):
                return anchor_v + (x - base_ref) if linear else anchor_v * x / base_ref
            for y, x in ref.items():
                if anchor_y <= int(y) <= int(years[-1]):
                    v[int(y) - first] = move(float(x))
            for y, x in local.items():
                v[int(y) - first] = float(x)
        last_hist = int(pd.Series(fc.history).index.max())
        for k in BANDS:
            if k in path:
                for y, x in path[k].items():
                    if first <= int(y) <= int(years[-1]) and int(y) > last_hist:
                        bands[k][int(y) - first] = float(x) if move is None else move(float(x))
        if not np.isfinite(v[base_year - first]):
            v[base_year - first] = info.base
        return v, bands, None

    def observed_path(self, code: str, spec: dict, base_year: int, file=None):
        """(values, None, said) or (None, reason, None): the region's figures, then its own pace.

        Own pace first: with the plan's baseline and at least one later figure, the region's
        own pace from the baseline to its latest figure, in the indicator's shape (growth,
        additions or points); without a baseline, the pace between its first and latest figures
        (two at least). Only when it has no later figure is the assumption's ``reference`` pace
        borrowed, from the baseline, and the assumptions table says which was used.
        """
        region = self.region
        info = self.prepared.info[code]
        b, shape = info.base, info.shape
        s = self._local(code)
        if info.no_baseline:
            if len(s) < 2:
                return None, T("规划未给基期值，{region}只有 {n} 个观测值，至少需要两个才能计算自身速度",
                               region=i18n.place(region), n=len(s)), None
            base_year, b = int(s.index[0]), float(s.iloc[0])
        after = s[s.index > base_year]
        used = s[s.index >= base_year] if info.no_baseline else after    # the first figure is the start then
        rows = T("、").join(T("{year}年 {value}", year=y, value=value_text(float(x))) for y, x in used.items())
        ref = spec.get("reference")
        start = T("基期") if not info.no_baseline else T("首个观测值")
        if len(after):
            y1, v1 = int(after.index[-1]), float(after.iloc[-1])
            rate = rules.per_year(b, base_year, v1, y1, shape)
            if not np.isfinite(rate):   # a growth pace that cannot be computed (zero or sign change)
                shape = "points"
                rate = rules.per_year(b, base_year, v1, y1, shape)
            said = T("{region}自身速度：{y0}年{start} {v0} 至 {y1}年 {v1}，{measure} {pace}", region=i18n.place(region),
                     y0=base_year, start=start, v0=value_text(b), y1=y1, v1=value_text(v1),
                     measure=T("年均增长") if shape == "growth" else T("每年"), pace=fmt.rate(rate, shape, info.unit))
            source = T("{region}统计数据：{rows}", region=i18n.place(region), rows=rows)
            anchor_y, anchor_v = y1, v1
        elif ref:
            why = self.not_yet_known(ref)
            if why:
                return None, T("{region}在{year}年基期后没有观测值；", region=i18n.place(region), year=base_year) + why, None
            rate = self.rate(ref, file, f"assumptions.{code}.reference")
            shape = "points" if ref.get("measure") == "points" else "growth"
            anchor_y, anchor_v = base_year, b
            said = (T("{region}基期后尚无观测值，借用参照速度：", region=i18n.place(region))
                    + say(self, {"follow": "reference", "reference": ref}, info.unit, f"assumptions.{code}.reference",
                          file) + T("，自 {year} 年的 {value} 起算", year=anchor_y, value=value_text(anchor_v)))
            source = source_of(spec)
        else:
            return None, T("{region}在{year}年基期后没有观测值，也未给参照序列，无从计算速度", region=i18n.place(region),
                           year=base_year), None
        t = self.since(anchor_y)
        v = np.where(t < 0, np.nan, rules.advance(anchor_v, rate, t, shape))
        hist = s[(s.index >= base_year) & (s.index <= anchor_y)]
        v[np.asarray(hist.index, int) - self.years[0]] = hist.to_numpy(float)
        v[base_year - self.years[0]] = b
        return v, None, (said, source)

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
        method, reasons, said = {}, {}, {}
        by = scenario.base_year
        file = scenario.file
        comp_idx = {name: self.component_index(name, spec, by, file) for name, spec in scenario.components.items()}
        for code in p.codes:
            i = p.index[code]
            info = p.info[code]
            spec = scenario.assumption(code)
            own_figures = info.no_baseline and spec is not None and spec.get("follow") == "observed"
            if info.reason and not own_figures:
                reasons[code] = info.reason
                continue
            if info.base_year != by:
                raise InputError.one(file=file, where="base_year", value=by,
                                     expected=f"the plan's baseline year {info.base_year} "
                                              f"(paths start from the plan's own baseline)")
            comps = components(code)
            if comps and any(c in comp_idx for c in comps.values()):
                missing = [comp_idx[c] for c in comps.values() if isinstance(comp_idx.get(c), str)]
                if missing:
                    reasons[code] = missing[0]
                    continue
                ones = np.ones(len(self.years))
                num = comp_idx.get(comps["numerator"], ones)
                den = comp_idx.get(comps["denominator"], ones)
                v = info.base * num / den
                method[code] = "components"
                bnd = None
            elif spec is not None:
                v, bnd, method[code], reason, what = self.indicator_path(code, spec, by, file)
                if reason:
                    reasons[code] = reason
                    continue
                if what:
                    said[code] = what
            else:
                reasons[code] = T("场景未设定该指标的假设")
                continue
            lower, upper = catalogue.natural_bounds(info.kind)
            values[i] = np.clip(v, -np.inf if lower is None else lower, np.inf if upper is None else upper)
            if bnd is not None:
                for k in BANDS:
                    bands[k][i] = bnd[k]
        return ScenarioResult(scenario, p, values, bands, method, reasons, said=said)

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
        region: str | None = None, as_of: int | None = None) -> ScenarioResult:
    """Run one scenario (object, name or file) against the plan's points.

    ``observations`` (from qzlib.stats.load_observations) is read from ``processed_dir``
    only if the scenario refers to the statistics (follow: reference, observed or trend);
    ``as_of``: the last year whose figures may be used (a brief's year).
    """
    return Engine(points, observations, processed_dir, region, as_of).run(scenario)
