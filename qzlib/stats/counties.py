"""The counties within the plan's place, side by side: their figures, how each stands against
the city's plan path, the counties' sums of the amounts that add up, and what is missing.

The counties are the regions the mapping places within the plan's region
(``resources/stats_mapping.yml``: 柯城区, 衢江区, 江山市, 常山县, 开化县 and 龙游县 within 衢州市).
A county's figures are the selected observations of the plan's own indicators
(comparability ``comparable``) for that county; nothing is filled in, and a county without a
figure stays without one.

How a county stands against the city's plan path depends on what the indicator measures:

* a ratio, share or decline (亩均增加值, 研发费用占比, 能耗降幅) means the same for a county as for
  the city: the county's figure is compared with the city's path value for that year;
* an amount or a count (营业收入, 增加值, 企业数) is a part of the city's: the county's growth on
  the year before is compared with the growth the city's path implies for that year.

Amounts the catalogue declares additive (:func:`qzlib.catalogue.is_additive`) are summed over
the counties and set beside the city's figure, for the years every county has one; ratios and
shares are never summed.

Everything here is data; the brief's county section (``qzlib.report.sections.counties``),
``qz stats coverage``, the notebooks and the explorer word it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from qzlib import catalogue, fmt, rules

WINDOW = 3   # the brief shows a county section when counties have figures for its year or the two before
EXTENSIVE_KINDS = frozenset({"level", "count"})   # a county's is a part of the city's: compared by growth

FIGURE_COLUMNS = ["county", "code", "name_zh", "year", "value", "unit", "source_kind", "source"]
TABLE_COLUMNS = ["code", "name_zh", "unit", "kind", "shape", "county", "latest_year", "latest_value", "change",
                 "compare", "path_value", "path_gap", "growth", "path_growth", "position",
                 "own_targets", "own_path_value"]
SUM_COLUMNS = ["code", "name_zh", "unit", "year", "n_counties", "missing", "counties_sum", "city_value",
               "difference", "difference_share"]


def counties(region: str) -> list[str]:
    """The regions the mapping places within ``region``, in its order.

    >>> counties("衢州市")
    ['柯城区', '衢江区', '江山市', '常山县', '开化县', '龙游县']
    >>> counties("龙游县")
    []
    """
    from qzlib.stats import mapping

    return mapping.within(region)


def is_extensive(kind: str) -> bool:
    """An amount or a count: a county's figure is a part of the city's, compared by its growth."""
    return kind in EXTENSIVE_KINDS


# ----------------------------------------------------------------------------- figures
def figures(obs: pd.DataFrame | None, region: str, year: int | None = None,
            codes=None) -> pd.DataFrame:
    """Every selected figure of a plan indicator (``codes``; default: every comparable series)
    held for the counties within ``region``, up to ``year``: columns ``FIGURE_COLUMNS``, sorted
    by indicator (in the order of ``codes``, else by code), county (in the mapping's order) and year."""
    within = counties(region)
    if obs is None or obs.empty or not within:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    o = obs[obs["selected"].astype(bool) & obs["region"].isin(within) & (obs["comparability"] == "comparable")
            & (obs["source_kind"] != "plan")]
    if codes is not None:
        o = o[o["indicator"].isin(list(codes))]
    if year is not None:
        o = o[pd.to_numeric(o["year"]) <= int(year)]
    out = pd.DataFrame({"county": o["region"], "code": o["indicator"], "name_zh": o["indicator_name_zh"],
                        "year": o["year"].astype(int), "value": o["value"].astype(float), "unit": o["unit"],
                        "source_kind": o["source_kind"], "source": o["source"]}, columns=FIGURE_COLUMNS)
    place = {c: i for i, c in enumerate(within)}
    rank = {c: i for i, c in enumerate(dict.fromkeys(codes))} if codes is not None else {}
    out = out.assign(_i=out["code"].map(rank).fillna(len(rank)), _o=out["county"].map(place))
    out = out.sort_values(["_i", "code", "_o", "year"], kind="stable")
    return out.drop(columns=["_i", "_o"]).reset_index(drop=True)


def window(year: int) -> tuple[int, int]:
    """(first, last) year of the figures a brief for ``year`` shows by county.

    >>> window(2024)
    (2022, 2024)
    """
    return int(year) - WINDOW + 1, int(year)


def section_codes(obs, points: pd.DataFrame, region: str, year: int) -> list[str]:
    """The plan's indicators (in plan order) with a county figure in the brief's window."""
    lo, hi = window(year)
    f = figures(obs, region, year, plan_codes(points))
    have = set(f.loc[f["year"] >= lo, "code"])
    return [c for c in plan_codes(points) if c in have]


def plan_codes(points: pd.DataFrame) -> list[str]:
    """The plan's indicator codes in its order."""
    p = points.drop_duplicates("code")
    return list(p.sort_values("number")["code"] if "number" in p else p["code"])


def _meta(points: pd.DataFrame, code: str) -> dict:
    from qzlib.plan.path import shape

    row = points[points["code"] == code].iloc[0]
    return {"name_zh": str(row["name_zh"]), "unit": str(row["unit"]), "kind": str(row["kind"]),
            "shape": shape(points, code)}


def _series(f: pd.DataFrame, county: str, code: str) -> pd.Series:
    g = f[(f["county"] == county) & (f["code"] == code)]
    return pd.Series(g["value"].to_numpy(float), index=g["year"].astype(int).to_numpy(), dtype=float).sort_index()


def _growth(v0, v1) -> float:
    return rules.per_year(v0, 0, v1, 1, "growth")


# ----------------------------------------------------------------------------- own plans
def own_plans(region: str, names=None) -> dict[str, pd.DataFrame]:
    """{county: its own plan's indicator points} for every plan workspace (``plans/<name>/``,
    :func:`qzlib.paths.plan_names`; or the workspace ``names`` given) whose plan's place is a
    county within ``region``. A workspace not yet ingested is read from its plan text."""
    from qzlib import paths
    from qzlib.errors import InputError

    within = set(counties(region))
    out: dict[str, pd.DataFrame] = {}
    for name in names if names is not None else paths.plan_names():
        if name == paths.DEFAULT_PLAN:
            continue
        try:
            ws = paths.workspace(name)
            place, pts = _plan_points(ws.processed, ws.plan_file)
        except (InputError, OSError, ValueError, KeyError):
            continue   # a workspace that cannot be read is not a county's plan we can show
        if place in within and place not in out:
            out[place] = pts
    return out


def _plan_points(processed: Path, plan_file: Path) -> tuple[str, pd.DataFrame]:
    from qzlib.plan.tables import indicator_points, load_indicators, load_plan_meta

    if (processed / "plan.csv").is_file() and (processed / "indicators.csv").is_file():
        return load_plan_meta(processed).region, indicator_points(load_indicators(processed))
    from qzlib.plan.ingest import build

    result = build(plan_file)
    return str(result.plan.iloc[0]["region"]), indicator_points(result.indicators)


def _own(points: pd.DataFrame | None, code: str, year: int, kind: str) -> tuple[str, float]:
    """(the county plan's targets as text, its path value in ``year``) for one indicator."""
    from qzlib.plan.path import plan_path

    if points is None or not (points["code"] == code).any():
        return "", math.nan
    g = points[(points["code"] == code) & (points["role"] == "target")].sort_values("year")
    digits = rules.value_digits(kind)
    text = "；".join(f"{int(y)}年 {fmt.num(v, digits) if q in ('exact', 'approx') and pd.notna(v) else raw}"
                    for y, v, q, raw in zip(g["year"], g["value"], g["qualifier"], g["raw"]))
    path = plan_path(points, code)
    return text, float(path.get(year, math.nan)) if len(path) else math.nan


# ----------------------------------------------------------------------------- the table
def county_table(obs, points: pd.DataFrame, region: str, year: int,
                 own: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """One row per section indicator and county (every county within ``region``, a county
    without a figure too, its figure missing): the latest figure of the window and its year,
    the change on the year before (in the indicator's shape), and how it stands against the
    city's plan path in that year (columns ``TABLE_COLUMNS``):

    ``compare`` is 'level' (ratios, shares: ``path_value``, ``path_gap`` = figure − path) or
    'growth' (amounts, counts: the county's ``growth`` on the year before against the city
    path's ``path_growth`` in that year); ``position`` is above / below / on (level) or
    faster / slower / same (growth) at the printed precision, '' when there is nothing to
    compare. ``own_targets`` / ``own_path_value``: the county's own plan (``own``), if it has one.
    """
    from qzlib.plan.path import plan_path

    own = own or {}
    lo, hi = window(year)
    codes = section_codes(obs, points, region, year)
    f = figures(obs, region, year, codes)
    rows = []
    for code in codes:
        m = _meta(points, code)
        path = plan_path(points, code)
        compare = "growth" if is_extensive(m["kind"]) else "level"
        digits = rules.value_digits(m["kind"])
        for county in counties(region):
            s = _series(f, county, code)
            s_in = s[s.index >= lo]
            row = {"code": code, **m, "county": county, "latest_year": None, "latest_value": math.nan,
                   "change": math.nan, "compare": compare, "path_value": math.nan, "path_gap": math.nan,
                   "growth": math.nan, "path_growth": math.nan, "position": "", "own_targets": "",
                   "own_path_value": math.nan}
            row["own_targets"], _ = _own(own.get(county), code, hi, m["kind"])
            if len(s_in):
                y, v = int(s_in.index[-1]), float(s_in.iloc[-1])
                prev = s.get(y - 1)
                row.update(latest_year=y, latest_value=v)
                row["own_path_value"] = _own(own.get(county), code, y, m["kind"])[1]
                if prev is not None:
                    row["change"] = rules.per_year(prev, y - 1, v, y, m["shape"])
                    row["growth"] = _growth(prev, v)
                p = float(path.get(y, math.nan)) if len(path) else math.nan
                if compare == "level" and not math.isnan(p):
                    row.update(path_value=p, path_gap=v - p)
                    d = rules.shown(v, digits) - rules.shown(p, digits)
                    row["position"] = "above" if d > 0 else "below" if d < 0 else "on"
                elif compare == "growth" and len(path) and (y - 1) in path.index and y in path.index:
                    row["path_growth"] = _growth(path[y - 1], path[y])
                    a, b = (rules.shown(x * 100, fmt.PACE_DIGITS) for x in (row["growth"], row["path_growth"]))
                    if a is not None and b is not None:
                        row["position"] = "faster" if a > b else "slower" if a < b else "same"
            rows.append(row)
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


# ----------------------------------------------------------------------------- sums
def sums(obs, points: pd.DataFrame, region: str, year: int) -> pd.DataFrame:
    """For each additive indicator with county figures in the window, one row per year in it
    that any county has: how many counties have a figure, which have none, the counties' sum
    (only when every county has a figure: a partial sum is not a sum), the city's own figure
    (the plan's baseline in its year) and the difference city − sum (columns ``SUM_COLUMNS``).
    Ratios and shares never appear."""
    lo, hi = window(year)
    within = counties(region)
    codes = [c for c in section_codes(obs, points, region, year) if catalogue.is_additive(c)]
    f = figures(obs, region, year, codes)
    f = f[f["year"] >= lo]
    rows = []
    for code in codes:
        m = _meta(points, code)
        for y in sorted(f.loc[f["code"] == code, "year"].unique()):
            g = f[(f["code"] == code) & (f["year"] == y)]
            missing = [c for c in within if c not in set(g["county"])]
            total = float(g["value"].sum()) if not missing else math.nan
            city = city_value(obs, points, region, code, int(y))
            diff = city - total if not (math.isnan(city) or math.isnan(total)) else math.nan
            rows.append({"code": code, "name_zh": m["name_zh"], "unit": m["unit"], "year": int(y),
                         "n_counties": len(g), "missing": "、".join(missing), "counties_sum": total,
                         "city_value": city, "difference": diff,
                         "difference_share": diff / city if city and not math.isnan(diff) else math.nan})
    return pd.DataFrame(rows, columns=SUM_COLUMNS)


def city_value(obs, points: pd.DataFrame, region: str, code: str, year: int) -> float:
    """The city's own figure of ``code`` in ``year``: its selected comparable figure, else the
    plan's baseline when ``year`` is the baseline year; NaN when there is none."""
    if obs is not None and len(obs):
        o = obs[(obs["region"] == region) & (obs["indicator"] == code) & (obs["year"] == year)
                & obs["selected"].astype(bool) & (obs["comparability"] == "comparable")]
        if len(o):
            return float(o["value"].iloc[0])
    b = points[(points["code"] == code) & (points["role"] == "baseline") & (points["year"] == year)]["value"]
    return float(b.iloc[0]) if len(b) and pd.notna(b.iloc[0]) else math.nan


# ----------------------------------------------------------------------------- facts for sentences
@dataclass(frozen=True)
class Spread:
    """What the sentences say about one indicator: in its latest year with county figures
    (``year``), the highest and lowest county, the spread, and the counties without a figure."""

    code: str
    name_zh: str
    unit: str
    kind: str
    year: int                       # the latest year any county has a figure in the window
    values: dict[str, float]        # county → figure of ``year``
    highest: tuple[str, float] | None
    lowest: tuple[str, float] | None
    spread: float                   # highest − lowest (NaN with fewer than two counties)
    ratio: float                    # highest ÷ lowest (NaN for shares and where undefined)
    older: dict[str, int] = field(default_factory=dict)   # county → its latest year, before ``year``
    without: tuple[str, ...] = ()   # counties with no figure in the window


def spreads(table: pd.DataFrame) -> list[Spread]:
    """One :class:`Spread` per indicator of a :func:`county_table`, in its order."""
    out = []
    for code, g in table.groupby("code", sort=False):
        held = g[g["latest_year"].notna()]
        year = int(held["latest_year"].max())
        last = held[held["latest_year"] == year]
        values = dict(zip(last["county"], last["latest_value"].astype(float)))
        kind, unit = str(g["kind"].iloc[0]), str(g["unit"].iloc[0])
        digits = rules.value_digits(kind)
        ranked = sorted(values.items(), key=lambda kv: (-float(rules.shown(kv[1], digits)), list(values).index(kv[0])))
        two = len(ranked) >= 2
        hi_, lo_ = (ranked[0], ranked[-1]) if two else (None, None)
        spread = hi_[1] - lo_[1] if two else math.nan
        ratio = (hi_[1] / lo_[1] if two and lo_[1] > 0 and not rules.uses_points(unit) else math.nan)
        out.append(Spread(code=code, name_zh=str(g["name_zh"].iloc[0]), unit=unit, kind=kind, year=year,
                          values=values, highest=hi_, lowest=lo_, spread=spread, ratio=ratio,
                          older={c: int(y) for c, y in zip(held["county"], held["latest_year"]) if int(y) < year},
                          without=tuple(g.loc[g["latest_year"].isna(), "county"])))
    return out


def counties_without(table: pd.DataFrame, region: str) -> list[str]:
    """Counties with no figure of any section indicator in the window (all of them when the table is empty)."""
    have = set(table.loc[table["latest_year"].notna(), "county"])
    return [c for c in counties(region) if c not in have]


# ----------------------------------------------------------------------------- requests
def requests(obs, points: pd.DataFrame, region: str, year: int, lang: str = "zh") -> pd.DataFrame:
    """The figures the county section misses, per county and indicator, in the columns of
    :func:`qzlib.stats.coverage.data_requests` (Chinese headers with ``lang="zh"``).

    The section shows each county's latest figure and its change on the year before, so it asks
    for the two latest years: the latest year any county has a figure of the indicator and the
    year before. When no county has a figure of any plan indicator in the window, it asks for
    every plan indicator for the brief's year and the year before.
    """
    from qzlib.stats.coverage import REQUEST_COLUMNS, REQUEST_COLUMNS_ZH

    zh = lang == "zh"
    within = counties(region)
    codes = section_codes(obs, points, region, year)
    f = figures(obs, region, year, plan_codes(points))
    lo, _ = window(year)
    latest = {c: int(f.loc[(f["code"] == c) & (f["year"] >= lo), "year"].max()) for c in codes}
    asked = codes or plan_codes(points)
    rows = []
    for county in within:
        for code in asked:
            last = latest.get(code, int(year))
            want = [last - 1, last]
            have = sorted(int(y) for y in f.loc[(f["county"] == county) & (f["code"] == code), "year"])
            need = [y for y in want if y not in have]
            if not need:
                continue
            m = _meta(points, code)
            unlocks = ("分县对照：最新值与较上年变化" if zh else "county comparison: latest figure and change")
            if catalogue.is_additive(code):
                unlocks += ("；各县合计与全市数核对" if zh else "; counties' sum against the city's figure")
            request = ("、" if zh else ", ").join(map(str, need)) + ("年" if zh else "")
            rows.append([county, code, m["name_zh"], ", ".join(str(y) for y in have if y >= lo),
                         ", ".join(map(str, need)), request, unlocks, 1 if last in need else 2])
    out = pd.DataFrame(rows, columns=REQUEST_COLUMNS)
    return out.rename(columns=REQUEST_COLUMNS_ZH) if zh else out


# ----------------------------------------------------------------------------- coverage and picks
def coverage(obs, region: str, codes=None, year: int | None = None) -> pd.DataFrame:
    """Indicator × county: the years with a figure (``'2023—2024'``, '' none), one row per
    indicator of ``codes`` (default: the indicators any county has), one column per county."""
    f = figures(obs, region, year, codes)
    order = list(codes) if codes is not None else list(dict.fromkeys(f["code"]))
    names = dict(zip(f["code"], f["name_zh"]))
    rows = []
    for code in order:
        row = {"code": code, "name_zh": names.get(code, code)}
        for county in counties(region):
            row[county] = years_text(f.loc[(f["county"] == county) & (f["code"] == code), "year"])
        rows.append(row)
    return pd.DataFrame(rows, columns=["code", "name_zh", *counties(region)])


def years_text(years) -> str:
    """Years as runs: 2019, 2020, 2021, 2023 → '2019—2021、2023'.

    >>> years_text([2023, 2021, 2020, 2019]), years_text([])
    ('2019—2021、2023', '')
    """
    ys = sorted({int(y) for y in years})
    runs: list[str] = []
    for y in ys:
        if runs and int(runs[-1].split("—")[-1]) == y - 1:
            runs[-1] = f"{runs[-1].split('—')[0]}—{y}"
        else:
            runs.append(str(y))
    return "、".join(runs)


def choices(obs, region: str, points: pd.DataFrame | None = None, year: int | None = None) -> dict[str, list[str]]:
    """{county: codes of the plan indicators it has figures of} — only counties that have any,
    in the mapping's order (what a county pick offers)."""
    f = figures(obs, region, year, plan_codes(points) if points is not None else None)
    order = plan_codes(points) if points is not None else list(dict.fromkeys(f["code"]))
    return {c: [k for k in order if ((f["county"] == c) & (f["code"] == k)).any()]
            for c in counties(region) if (f["county"] == c).any()}


@dataclass(frozen=True)
class CountyPick:
    """One county's series of one indicator against the city's plan path.

    ``pace`` is the county's yearly pace from its first to its latest figure and ``path_pace``
    the city path's pace over the same years, both in ``pace_shape``: growth for amounts and
    counts (a county's is a part of the city's), else the indicator's own shape (points for
    shares). ``gap`` is the latest figure − the path value in that year, for ratios and shares
    only (NaN for amounts and counts)."""

    county: str
    region: str
    code: str
    name_zh: str
    unit: str
    kind: str
    pace_shape: str
    series: pd.Series        # year → the county's figure
    path: pd.Series          # year → the city's plan path
    pace: float
    path_pace: float
    gap: float
    own_path: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))   # the county's own plan, if any

    @property
    def latest_year(self) -> int | None:
        return int(self.series.index[-1]) if len(self.series) else None

    def table(self) -> pd.DataFrame:
        """Year by year: the county's figure, the city's path (and the county's own path), NaN where none."""
        years = sorted(set(self.series.index) | set(self.path.index) | set(self.own_path.index))
        cols = {"年份": years, self.county: [self.series.get(y, np.nan) for y in years],
                f"{self.region}规划路径": [self.path.get(y, np.nan) for y in years]}
        if len(self.own_path):
            cols[f"{self.county}规划路径"] = [self.own_path.get(y, np.nan) for y in years]
        return pd.DataFrame(cols)

    def summary_zh(self) -> str:
        """One sentence: the figures held, the county's pace and the city path's over the same years."""
        if not len(self.series):
            return f"{self.county}没有{self.name_zh}的数据。"
        digits = rules.value_digits(self.kind)
        y0, y1 = int(self.series.index[0]), int(self.series.index[-1])
        head = (f"{self.county}{self.name_zh}：{y1}年 {fmt.num(self.series.iloc[-1], digits)}{self.unit}"
                f"（共 {len(self.series)} 个年度值）")
        if y1 == y0 or math.isnan(self.pace):
            pace = "；只有一个年度值，无法计算速度"
        else:
            pace = f"；{y0}—{y1}年每年 {fmt.rate(self.pace, self.pace_shape, self.unit)}"
            if not math.isnan(self.path_pace):
                pace += f"，{self.region}规划路径同期每年 {fmt.rate(self.path_pace, self.pace_shape, self.unit)}"
        gap = ""
        if not math.isnan(self.gap):
            gap = (f"；{y1}年比{self.region}规划路径值 {fmt.num(self.path[y1], digits)} "
                   f"{'高' if self.gap >= 0 else '低'} {fmt.num(abs(self.gap), digits)}")
        return head + pace + gap + "。"


def pick(obs, points: pd.DataFrame, region: str, county: str, code: str, year: int | None = None,
         own: pd.DataFrame | None = None) -> CountyPick:
    """What a county pick shows: ``county``'s figures of ``code`` (up to ``year``), its pace and
    the city's plan path's over the same years (:class:`CountyPick`); ``own``: the county's own
    plan points (:func:`own_plans`), whose path is shown beside the city's."""
    from qzlib.plan.path import plan_path

    m = _meta(points, code)
    s = _series(figures(obs, region, year, [code]), county, code)
    path = plan_path(points, code)
    how = "growth" if is_extensive(m["kind"]) else m["shape"]
    pace = path_pace = gap = math.nan
    if len(s) >= 2:
        y0, y1 = int(s.index[0]), int(s.index[-1])
        pace = rules.per_year(s.iloc[0], y0, s.iloc[-1], y1, how)
        if y0 in path.index and y1 in path.index:
            path_pace = rules.per_year(path[y0], y0, path[y1], y1, how)
    if len(s) and not is_extensive(m["kind"]) and int(s.index[-1]) in path.index:
        gap = float(s.iloc[-1]) - float(path[int(s.index[-1])])
    own_path = plan_path(own, code) if own is not None and (own["code"] == code).any() else pd.Series(dtype=float)
    return CountyPick(county=county, region=region, code=code, name_zh=m["name_zh"], unit=m["unit"], kind=m["kind"],
                      pace_shape=how, series=s, path=path, pace=pace, path_pace=path_pace, gap=gap, own_path=own_path)


def coverage_by_county(obs: pd.DataFrame, region: str | None = None, year: int | None = None,
                       indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """Plan indicator × county within ``region`` (default: the plan's): the years each county has
    a figure of the indicator ('2023—2024', '' none), up to ``year``; one row per plan indicator
    (:func:`coverage` for the plan's indicators and region)."""
    from qzlib.stats import plan

    p = plan.of(obs, indicators)
    cov = coverage(obs, region or p.region, p.codes(), year)
    names = p.names()
    return cov.assign(name_zh=cov["code"].map(names).fillna(cov["name_zh"]))
