"""The Chinese wording of scenarios: statuses, components and every assumption with its source."""
from __future__ import annotations

from qzlib import fmt, rules
from qzlib.scenarios.prepared import components, dependants_of
from qzlib.scenarios.result import ScenarioResult
from qzlib.scenarios.schema import Scenario

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


def value_text(v: float) -> str:
    return f"{v:,.4g}" if abs(v) < 1000 else f"{v:,.0f}"


def say(engine, spec: dict, unit: str, where: str, file, code: str | None = None) -> str:
    """One assumption in Chinese words (the rate a reference implies is computed by ``engine``)."""
    def points(p) -> str:
        return fmt.rate(p, "points") if unit == "%" else fmt.rate(p, "additions", unit)

    if "growth" in spec:
        return f"年均增长 {fmt.pct(spec['growth'], signed=False)}"
    if "points_per_year" in spec:
        return f"每年 {points(spec['points_per_year'])}"
    if "levels" in spec or "index" in spec:
        key = "levels" if "levels" in spec else "index"
        word = "水平路径" if key == "levels" else "相对基年指数"
        after = {"stop": "此后不外推", "hold": "此后保持", "continue": "此后按最后一段增速延续"}[spec.get("after", "stop")]
        pts = "，".join(f"{y}年 {value_text(float(v))}" for y, v in sorted(spec[key].items()))
        how = "几何插值" if key == "index" or code not in engine.prepared.info else \
            rules.SHAPE_ZH[engine.prepared.info[code].shape]
        return f"{word}：{pts}（{how}；{after}）"
    follow = spec.get("follow")
    if follow == "plan":
        pace = spec.get("pace", 1.0)
        how = rules.SHAPE_ZH[engine.prepared.info[code].shape] if code in engine.prepared.info else "几何插值"
        head = f"按规划路径（基期与各目标之间{how}）" if pace == 1 else f"按规划年均进度的 {pace * 100:.0f}%"
        if spec.get("after", "stop") == "stop":
            return head
        targets = engine.prepared.info[code].targets if code in engine.prepared.info else []
        last = targets[-1][0] if targets else engine.prepared.period_end   # the path's last anchor
        return head + (f"，{last}年后延续" if last is not None else "，最后目标年后延续")
    if follow == "reference":
        ref = spec["reference"]
        r = engine.rate(ref, file, where)
        m = ref.get("measure", "cagr")
        single = ref["from"] == ref["to"]
        what = {"cagr": f"年均增长 {fmt.pct(r, signed=False)}", "points": f"每年 {points(r)}",
                "rate": f"年均增长 {fmt.pct(r, signed=False)}" + ("（公布增速）" if single else "（公布增速的几何平均）")}[m]
        window = f"{ref['from']}年" if single else f"{ref['from']}—{ref['to']}年"
        return f"参照 {ref['region']} {ref['indicator']} {window}：{what}"
    if follow == "observed":
        return "按本地统计数据的自身速度（基期后尚无观测值时借用参照速度）"
    if follow == "trend":
        s = spec.get("series") or {}
        return (f"趋势模型外推（{s.get('region') or engine.region} {s.get('indicator', code)}，"
                f"方法 {spec.get('method', 'auto')}）")
    return str(spec)

def describe(engine, scenario: Scenario, res: ScenarioResult) -> list[dict]:
    """The assumptions table: every component and indicator, what was assumed, and its source."""
    rows = []
    p = engine.prepared
    for name, spec in scenario.components.items():
        deps = "、".join(p.info[c].name_zh for c in dependants_of(name) if c in p.info) or "本规划无相关指标"
        unknown = engine.not_yet_known(spec["reference"]) if "reference" in spec else ""
        rows.append({"对象": f"{COMPONENT_ZH.get(name, name)}（影响：{deps}）", "类别": "分项指数",
                     "假设": unknown or say(engine, spec, "指数", f"components.{name}.reference", scenario.file),
                     "来源或理由": source_of(spec)})
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
        if spec is not None and res.method.get(code) != "components" and code in res.said:
            said, source = res.said[code]
            rows.append({"对象": name, "类别": "指标", "假设": said, "来源或理由": source})
        elif spec is not None and res.method.get(code) != "components" and code not in res.reasons:
            rows.append({"对象": name, "类别": "指标",
                         "假设": say(engine, spec, info.unit, f"assumptions.{code}.reference", scenario.file, code),
                         "来源或理由": source_of(spec)})
        elif res.method.get(code) == "components":
            c = components(code)
            rows.append({"对象": name, "类别": "指标",
                         "假设": f"由分项推算：基期值 × {COMPONENT_ZH[c['numerator']]}指数 ÷ "
                               f"{COMPONENT_ZH[c['denominator']]}指数", "来源或理由": "基期值取自规划附件1"})
        else:
            rows.append({"对象": name, "类别": "指标", "假设": "无路径",
                         "来源或理由": res.reasons.get(code, "")})
    return rows


def source_of(spec: dict) -> str:
    parts = [spec[k] for k in ("source", "rationale") if spec.get(k)]
    return "；".join(parts)
