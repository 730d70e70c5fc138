"""One verdict per indicator and milestone, with the lenses that support it (``verdicts.csv``).

The verdict is :func:`qzlib.rules.judge`: the region's figures (up to the brief's year)
against the plan's own path to each milestone, in the indicator's declared shape. The four
lenses of :mod:`qzlib.forecast.progress` stand beside it; where one disagrees, the row says so
in words. The brief's summary, its progress page, ``qz trend progress`` and the explorer all
read this one table; nothing computes a verdict a second way.

The headline of an indicator in a brief for year Y is the verdict of its next milestone not
yet passed (the first target year ≥ Y; the last one once all have passed); the later
milestones are said beside it (what pace the plan asks between them, and what is still needed).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from qzlib import fmt, rules
from qzlib.catalogue import is_cumulative, natural_bounds
from qzlib.forecast import progress as P
from qzlib.i18n import N_, T, term
from qzlib.plan.path import anchors as plan_anchors
from qzlib.plan.path import shape as shape_of

# The columns every reader relies on come first; the lenses follow.
COLUMNS = ["code", "number", "name_zh", "name_en", "unit", "kind", "shape", "target_year", "target_value", "comparator",
           "target_raw", "verdict", "verdict_zh", "headline", "latest_year", "latest_value", "start_year",
           "start_value", "plan_path_value", "path_progress", "required_pace", "observed_pace", "plan_pace",
           "met_year", "reason", "basis", "support", "disagree", "later"]
LENS_COLUMNS = ["time_progress", "completion", "l1_label", "l1_colour", "r_growth", "l2_label", "l2_colour",
                "projected", "ratio_extrap", "l3_label", "l3_colour", "prob", "forecast_method", "l4_label",
                "l4_colour"]
PACE_MEASURE_ZH = {"growth": N_("年均增速"), "additions": N_("每年增加"), "points": N_("每年变动")}


def _figures(observations: pd.DataFrame, code: str, region: str, base_year: int | None) -> list[tuple[int, float]]:
    s = P.observed_series(observations, code, region)
    if base_year is not None:
        s = s[s.index > base_year]         # the plan's own baseline figure is the start, not a figure
    return [(int(y), float(v)) for y, v in s.items()]


SYMBOLS = {"l1": "①", "l2": "②", "l3": "③", "l4": "④"}


def disagreeing(row: dict, verdict: rules.Verdict) -> list[str]:
    """The supporting lenses (l1…l4) whose colour differs from the verdict's."""
    if verdict.code == "not_assessed":
        return []
    return [lens for lens in SYMBOLS if row.get(f"{lens}_colour") in (P.GREEN, P.AMBER, P.RED)
            and isinstance(row.get(f"{lens}_label"), str) and row[f"{lens}_label"]
            and row[f"{lens}_colour"] != verdict.colour]


def _support(row: dict, verdict: rules.Verdict) -> str:
    """Words for each supporting lens whose colour differs from the verdict's ('' when all agree)."""
    lenses = disagreeing(row, verdict)
    if not lenses:
        return ""
    said = T("；").join(T("{lens}判为“{label}”", lens=T(P.LENS_NAMES_ZH[lens]), label=T(row[f"{lens}_label"]))
                       for lens in lenses)
    return said + T("，与规划路径的判断（{verdict}）不同：以规划路径为准（规则见附录）", verdict=T(verdict.zh))


def verdict_table(points: pd.DataFrame, observations: pd.DataFrame | None, year: int, region: str) -> pd.DataFrame:
    """One row per indicator × milestone: the verdict, its reason, the paces and the lenses.

    ``points``: the long plan table (:func:`qzlib.plan.tables.indicator_points`);
    ``observations``: region, indicator, year, value, selected; only the figures of ``region``
    up to ``year`` count.
    """
    if observations is None:
        observations = pd.DataFrame(columns=["region", "indicator", "year", "value", "selected"])
    lenses = P.progress_table(points, observations, year, region).set_index(["code", "target_year"])
    rows = []
    for code, g in points.groupby("code", sort=False):
        g = g.sort_values("year")
        info = g.iloc[0]
        kind, unit, shape = str(info["kind"]), str(info["unit"]), shape_of(points, code)
        base = g[(g["role"] == "baseline") & g["value"].notna() & g["qualifier"].isin(["exact", "approx"])]
        start = (int(base["year"].iloc[0]), float(base["value"].iloc[0])) if len(base) else None
        figures = _figures(observations, code, region, start[0] if start else None)
        milestones = [(y, v) for y, v in plan_anchors(points, code) if start is None or y > start[0]]
        previous, first = start, len(rows)
        for _, t in g[g["role"] == "target"].iterrows():
            ty = int(t["year"])
            numeric = t["qualifier"] in ("exact", "approx") and pd.notna(t["value"])
            value = float(t["value"]) if numeric else None
            comparator = str(t.get("comparator") or "≥")
            v = rules.judge(figures, milestone=(ty, value), year=year, start=start, milestones=milestones, shape=shape,
                            comparator=comparator, qualitative="" if numeric else str(t.get("raw") or ""),
                            cumulative=is_cumulative(code), kind=kind, ceiling=natural_bounds(kind)[1])
            lens = lenses.loc[(code, ty)].to_dict() if (code, ty) in lenses.index else {}
            observed = rules.per_year(v.start_value, v.start_year, v.judged_value, v.judged_year, shape) \
                if v.judged_year is not None and v.start_year is not None and v.judged_year > v.start_year else np.nan
            needed = np.nan
            if numeric and v.code != "met" and v.judged_year is not None and ty > v.judged_year:
                needed = rules.per_year(v.judged_value, v.judged_year, value, ty, shape)
            since = previous or ((v.start_year, v.start_value) if v.start_year is not None else None)
            plan_pace = rules.per_year(since[1], since[0], value, ty, shape) if numeric and since else np.nan
            rows.append({
                "code": code, "number": info.get("number"), "name_zh": info.get("name_zh"),
                "name_en": info.get("name_en", ""), "unit": unit, "kind": kind,
                "shape": shape, "target_year": ty, "target_value": value if numeric else np.nan,
                "comparator": comparator, "target_raw": t.get("raw"), "verdict": v.code, "verdict_zh": v.zh,
                "headline": False, "latest_year": v.judged_year, "latest_value": v.judged_value,
                "start_year": v.start_year, "start_value": v.start_value, "plan_path_value": v.path_value,
                "path_progress": v.progress, "required_pace": needed, "observed_pace": observed,
                "plan_pace": plan_pace, "met_year": v.met_year, "reason": v.reason, "basis": v.basis,
                "support": _support(lens, v), "disagree": "".join(SYMBOLS[k] for k in disagreeing(lens, v)),
                "later": "",
                **{c: lens.get(c, np.nan) for c in LENS_COLUMNS},
            })
            if numeric:
                previous = (ty, value)
        # a row the rule judged without the path (met, not assessed) still shows the path at its figure's year
        mine = rows[first:]
        path = judged_path(pd.DataFrame(mine), code) if mine else None
        for r in mine:
            if np.isnan(r["plan_path_value"]) and r["latest_year"] is not None:
                r["plan_path_value"] = float(path.get(r["latest_year"], np.nan))
    out = pd.DataFrame(rows, columns=COLUMNS + LENS_COLUMNS)
    if out.empty:
        return out
    out["target_year"] = out["target_year"].astype(int)
    for c in ("latest_year", "start_year", "met_year"):
        out[c] = out[c].astype("Int64")
    _mark_headlines(out, year)
    return out


def judged_path(t: pd.DataFrame, code: str) -> pd.Series:
    """The plan path ``code``'s verdicts were judged on (:func:`qzlib.rules.judge`): from their
    start, the plan's baseline or else the first own figure, through the numeric targets after it;
    empty without a start or a target. A chart draws this line, so the dashed yardstick is the
    verdict's own, also for an indicator the plan gives no baseline.

    >>> t = pd.DataFrame({"code": ["x", "x"], "shape": ["points"] * 2, "start_year": [2023, 2023],
    ...                   "start_value": [15.2, 15.2], "target_year": [2025, 2027], "target_value": [19.0, 20.5]})
    >>> [round(float(v), 2) for v in judged_path(t, "x")]
    [15.2, 17.1, 19.0, 19.75, 20.5]
    """
    rows = t[t["code"] == code]
    start = rows[rows["start_year"].notna() & rows["start_value"].notna()]
    if start.empty:
        return pd.Series(dtype=float, name=code)
    y0, v0 = int(start["start_year"].iloc[0]), float(start["start_value"].iloc[0])
    anchors = [(y0, v0)] + [(int(y), float(v)) for y, v in zip(rows["target_year"], rows["target_value"])
                            if pd.notna(v) and int(y) > y0]
    if len(anchors) < 2:
        return pd.Series(dtype=float, name=code)
    years = list(range(y0, anchors[-1][0] + 1))
    return pd.Series(rules.interpolate(years, anchors, shape=str(rows["shape"].iloc[0])),
                     index=pd.Index(years, name="year"), name=code, dtype=float)


def _mark_headlines(t: pd.DataFrame, year: int) -> None:
    """Flag each indicator's headline milestone and say its later milestones beside it."""
    for code, g in t.groupby("code", sort=False):
        upcoming = g[g["target_year"] >= year]
        head = upcoming.index[0] if len(upcoming) else g.index[-1]
        t.loc[head, "headline"] = True
        t.loc[head, "later"] = T("；").join(later_text(t.loc[i], t.loc[head]) for i in g.index if i > head)


def later_text(r: pd.Series, head: pd.Series) -> str:
    """'2027年目标 3.4（进度正常）：规划要求2025—2027年提速至每年变动 +0.20个百分点（此前 +0.10个百分点）；
    按最新值仍需每年变动 +0.17个百分点'."""
    digits = rules.value_digits(r["kind"])
    if r["verdict"] == "not_assessed" and pd.isna(r["target_value"]):
        return T("{year}年目标：{raw}（不作量化评估）", year=r["target_year"], raw=term("phrase", r["target_raw"]))
    text = T("{year}年目标 {target}（{verdict}）", year=r["target_year"], target=rules.plain(r["target_value"], digits),
             verdict=T(r["verdict_zh"]))
    if r["verdict"] == "met":
        return text
    asks = fmt.rate(r["plan_pace"], r["shape"], r["unit"])
    faster = (rules.shown(r["plan_pace"], 4) or 0) > (rules.shown(head["plan_pace"], 4) or 0)
    ask = (T("：规划要求{y0}—{y1}年提速至{measure} {pace}", y0=head["target_year"], y1=r["target_year"],
             measure=pace_measure(r["shape"]), pace=asks) if faster else
           T("：规划要求{y0}—{y1}年{measure} {pace}", y0=head["target_year"], y1=r["target_year"],
             measure=pace_measure(r["shape"]), pace=asks))
    text += ask
    if pd.notna(head["plan_pace"]):
        text += T("（此前 {pace}）", pace=fmt.rate(head["plan_pace"], head["shape"], head["unit"]))
    if pd.notna(r["required_pace"]):
        text += T("；按最新值仍需{measure} {pace}", measure=pace_measure(r["shape"]),
                  pace=fmt.rate(r["required_pace"], r["shape"], r["unit"]))
    return text


def pace_measure(shape: str) -> str:
    """How a pace of this shape is named: 年均增速, 每年增加, 每年变动."""
    return T(PACE_MEASURE_ZH[shape])


def headlines(t: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator: its headline milestone's row."""
    return t[t["headline"].astype(bool)] if len(t) else t


def method_notes() -> str:
    """The verdict rule (which lens decides, its thresholds, the path shapes) and the supporting
    lenses, in the language in use: the appendix prints it; read from the constants at call time."""
    rule = T("**判断规则（决定结论的视角）。** 每项指标的每个目标年（里程碑）各有一个结论：已达成、进度正常、有风险、偏离或无法评估（总附理由）。"
             "结论以规划本身的路径为准绳：从基期值（规划未给基期值时为第一个实际值）出发，经过各目标年目标值，按该指标声明的路径形态"
             "（水平值与比率按不变增速增长；累计数量每年等量增加；占比类每年等量变动百分点）逐年推算。"
             "以最新实际值与其年份的规划路径值比较：进度 =（实际值 − 起点值）/（规划路径值 − 起点值），"
             "进度 ≥ {on}（或不低于规划路径值）为“进度正常”，{risk} ≤ 进度 < {on} 为“有风险”，低于 {risk} 或反向变动为“偏离”。"
             "任一实际值达到目标即“已达成”（自达到之年起；累计数不再回退，其他指标如回落则重新判断并注明）；"
             "目标年已过的里程碑按该年实际值判断已达成或偏离，该年数值尚未取得时为“无法评估”。定性目标不作量化评估，但列出最新值与趋势。"
             "某年度简报只使用该年及以前的数据。摘要中每项指标的结论取其下一个尚未过去的目标年，其后的目标年列在旁边，"
             "注明规划要求的速度与仍需的速度。下表四个视角为辅助视角；与结论不一致时，表中以文字注明。",
             on=f"{rules.PATH_ON_TRACK:.0%}", risk=f"{rules.PATH_AT_RISK:.0%}")
    return rule + "\n\n" + P.method_notes()
