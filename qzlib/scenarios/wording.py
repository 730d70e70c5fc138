"""The Chinese wording of scenarios: statuses, components and every assumption with its source."""
from __future__ import annotations

from qzlib import fmt, i18n, rules
from qzlib.i18n import N_, T
from qzlib.scenarios.prepared import components, dependants_of
from qzlib.scenarios.result import ASSUMPTION_COLUMNS as COLUMNS
from qzlib.scenarios.result import ScenarioResult
from qzlib.scenarios.schema import Scenario

# How attainment statuses read (explorer, CLI and brief say the same words, each in its language).
STATUS_ZH = {"met": N_("达成"), "missed": N_("未达成"), "no_path": N_("无路径")}
COMPONENT_ZH = {
    "value_added": N_("规上工业增加值"),
    "land": N_("规上工业用地面积"),
    "tax": N_("规上工业税收"),
    "employment": N_("规上制造业从业人员"),
    "rd_spending": N_("规上制造业研发费用"),
    "revenue": N_("规上制造业营业收入"),
}
AFTER_ZH = {"stop": N_("此后不外推"), "hold": N_("此后保持"), "continue": N_("此后按最后一段增速延续")}
# The assumptions table's columns (Chinese keys; headers are said in the brief's language).
INDICATOR, COMPONENT = N_("指标"), N_("分项指数")


def value_text(v: float) -> str:
    return f"{v:,.4g}" if abs(v) < 1000 else f"{v:,.0f}"


def say(engine, spec: dict, unit: str, where: str, file, code: str | None = None) -> str:
    """One assumption in words (the rate a reference implies is computed by ``engine``)."""
    def points(p) -> str:
        return fmt.rate(p, "points") if unit == "%" else fmt.rate(p, "additions", unit)

    if "growth" in spec:
        return T("年均增长 {rate}", rate=fmt.pct(spec["growth"], signed=False))
    if "points_per_year" in spec:
        return T("每年 {change}", change=points(spec["points_per_year"]))
    if "levels" in spec or "index" in spec:
        key = "levels" if "levels" in spec else "index"
        word = T("水平路径") if key == "levels" else T("相对基年指数")
        pts = T("，").join(T("{year}年 {value}", year=y, value=value_text(float(v))) for y, v in sorted(spec[key].items()))
        how = T("几何插值") if key == "index" or code not in engine.prepared.info else \
            T(rules.SHAPE_ZH[engine.prepared.info[code].shape])
        return T("{word}：{points}（{how}；{after}）", word=word, points=pts, how=how,
                 after=T(AFTER_ZH[spec.get("after", "stop")]))
    follow = spec.get("follow")
    if follow == "plan":
        pace = spec.get("pace", 1.0)
        how = T(rules.SHAPE_ZH[engine.prepared.info[code].shape]) if code in engine.prepared.info else T("几何插值")
        head = (T("按规划路径（基期与各目标之间{how}）", how=how) if pace == 1
                else T("按规划年均进度的 {share}%", share=f"{pace * 100:.0f}"))
        if spec.get("after", "stop") == "stop":
            return head
        targets = engine.prepared.info[code].targets if code in engine.prepared.info else []
        last = targets[-1][0] if targets else engine.prepared.period_end   # the path's last anchor
        return head + (T("，{year}年后延续", year=last) if last is not None else T("，最后目标年后延续"))
    if follow == "reference":
        ref = spec["reference"]
        r = engine.rate(ref, file, where)
        m = ref.get("measure", "cagr")
        single = ref["from"] == ref["to"]
        what = {"cagr": T("年均增长 {rate}", rate=fmt.pct(r, signed=False)), "points": T("每年 {change}", change=points(r)),
                "rate": T("年均增长 {rate}", rate=fmt.pct(r, signed=False))
                + (T("（公布增速）") if single else T("（公布增速的几何平均）"))}[m]
        window = T("{year}年", year=ref["from"]) if single else T("{y0}—{y1}年", y0=ref["from"], y1=ref["to"])
        return T("参照 {region} {indicator} {window}：{what}", region=i18n.place(ref["region"]),
                 indicator=ref["indicator"], window=window, what=what)
    if follow == "observed":
        return T("按本地统计数据的自身速度（基期后尚无观测值时借用参照速度）")
    if follow == "trend":
        s = spec.get("series") or {}
        return T("趋势模型外推（{region} {indicator}，方法 {method}）", region=i18n.place(s.get("region") or engine.region),
                 indicator=s.get("indicator", code), method=spec.get("method", "auto"))
    return str(spec)


def describe(engine, scenario: Scenario, res: ScenarioResult) -> list[dict]:
    """The assumptions table: every component and indicator, what was assumed, and its source."""
    rows = []
    p = engine.prepared

    def row(what, kind, said, source):
        rows.append(dict(zip(COLUMNS, (what, T(kind), said, source))))

    for name, spec in scenario.components.items():
        deps = T("、").join(p.info[c].name for c in dependants_of(name) if c in p.info) or T("本规划无相关指标")
        unknown = engine.not_yet_known(spec["reference"]) if "reference" in spec else ""
        row(T("{component}（影响：{indicators}）", component=T(COMPONENT_ZH.get(name, name)), indicators=deps), COMPONENT,
            unknown or say(engine, spec, T("指数"), f"components.{name}.reference", scenario.file), source_of(spec))
    used = set()
    for code in p.codes:
        comps = components(code)
        if res.method.get(code) == "components":
            for c in comps.values():
                if c not in scenario.components and c not in used:
                    used.add(c)
                    row(T(COMPONENT_ZH.get(c, c)), COMPONENT, T("按基年水平不变（未设定）"), T("场景未设定该分项；按基年水平计"))
    for code in scenario.assumptions:
        if code not in p.info:   # the scenario was written for a plan that has this indicator
            row(code, INDICATOR, T("未使用：本规划没有该指标"), T("情景文件中的该项假设对本规划不适用，已跳过"))
    for code in p.codes:
        info = p.info[code]
        name = T("{name}（{unit}）", name=info.name, unit=i18n.term("unit", info.unit))
        spec = scenario.assumption(code)
        if spec is not None and res.method.get(code) != "components" and code in res.said:
            said, source = res.said[code]
            row(name, INDICATOR, said, source)
        elif spec is not None and res.method.get(code) != "components" and code not in res.reasons:
            row(name, INDICATOR, say(engine, spec, info.unit, f"assumptions.{code}.reference", scenario.file, code),
                source_of(spec))
        elif res.method.get(code) == "components":
            c = components(code)
            row(name, INDICATOR, T("由分项推算：基期值 × {numerator}指数 ÷ {denominator}指数",
                                   numerator=T(COMPONENT_ZH[c["numerator"]]), denominator=T(COMPONENT_ZH[c["denominator"]])),
                T("基期值取自规划附件1"))
        else:
            row(name, INDICATOR, T("无路径"), res.reasons.get(code, ""))
    return rows


def source_of(spec: dict) -> str:
    """The assumption's source and rationale as written (their English twins in English)."""
    parts = [i18n.column_value(spec, k) for k in ("source", "rationale") if spec.get(k)]
    return T("；").join(p for p in parts if p)
