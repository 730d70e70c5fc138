"""One page: what the plan asks, where the data stand, who is off track, what to watch.

Every sentence is computed from the tables the other sections show (and save), through
the same functions, so the summary cannot say something the pages contradict.
"""
from __future__ import annotations

import html

from IPython.display import HTML

from qzlib.report.sections import audit, counties, facts, indicators, progress, scenario, title
from qzlib.report.sections.context import BriefContext


def plan_items(ctx: BriefContext) -> list[str]:
    pts = ctx.points
    qualitative = pts[(pts["role"] == "target") & (pts["qualifier"] == "qualitative")]["code"].nunique()
    no_base = pts[(pts["role"] == "baseline") & (pts["qualifier"] == "missing")]["code"].nunique()
    real = facts.audit_discrepancies(ctx)
    n_audit = 0 if ctx.audit is None else len(ctx.audit)
    return [
        f"规划设定 <b>{ctx.n_indicators}</b> 项主要目标指标（附件1），其中 {qualitative} 项目标为定性表述，"
        f"{no_base} 项无{ctx.base_year}年基期值；六大行动分解为 <b>{len(ctx.tasks)}</b> 项具体任务（附件2），"
        f"政策措施 <b>{len(ctx.measures)}</b> 条（附件3）。",
        f"全文可量化的目标共 <b>{len(ctx.targets)}</b> 条（正文与附件），已逐条登记其数值、单位、比较关系、期限与责任单位。",
        f"正文与附件的一致性核查有 <b>{len(real)}</b> 处差异（另有 {n_audit - len(real)} 条核查相符），详见第七部分。",
    ]


def data_item(ctx: BriefContext) -> str:
    codes = facts.indicators_with_data(ctx)
    if not codes:
        return (f"数据：截至{ctx.year}年，{html.escape(ctx.region)} {ctx.n_indicators} 项指标都没有{ctx.base_year}年基期以后的数据；"
                f"只能依据规划基期与目标作路径和情景分析。第四部分列出了向统计部门提出的数据需求清单。")
    order = ctx.points.drop_duplicates("code").sort_values("number")["code"]
    without = [c for c in order if c not in codes]
    rest = (f"其余 {len(without)} 项（{html.escape(facts.names(ctx, without))}）只能依据规划基期与目标作路径和情景分析"
            f"（数据需求见第四部分）。" if without else "")
    return (f"数据：{html.escape(ctx.region)} {ctx.n_indicators} 项指标中，<b>{len(codes)}</b> 项有{ctx.base_year}年以后的数据"
            f"（最新至 <b>{facts.latest_data_year(ctx)}</b> 年，逐年对照规划路径见第二部分）；" + rest)


def scenario_item(ctx: BriefContext) -> str:
    try:
        c = scenario.counts(ctx)
        label = html.escape(title.scenario_label(ctx))
    except Exception as exc:  # a brief without a usable scenario still gets its other sections
        return f"情景分析未能完成：{html.escape(str(exc)[:120])}"
    tail = (f"；{c['indicators_no_path']} 项指标因缺少基期值、目标为定性表述或无可引用的速度而无路径"
            if c["indicators_no_path"] else "")
    text = (f"情景：在“{label}”下，{c['indicators']} 项有数值目标的指标中 <b>{c['indicators_all_met']}</b> 项如期达到全部目标"
            f"（按指标年度目标计：{c['targets']} 个中 {c['targets_met']} 个达到）{tail}（第五部分）。")
    if ctx.scenario == "plan_path":
        text += "规划路径情景按目标如期实现设定，是对照基准，不是预测。"
    return text


def page(ctx: BriefContext) -> HTML:
    items = plan_items(ctx)
    warn = title.test_warning(ctx)
    if warn:
        items.insert(0, f'<span class="warn">{html.escape(warn)}。</span>')
    items.append(data_item(ctx))
    county = counties.summary_item(ctx)
    if county:
        items.append(county)
    items += progress.headline(ctx)
    if not facts.indicators_with_data(ctx):   # with figures, each indicator's later pace is said beside its verdict
        back = indicators.backloaded(ctx)
        if back:
            y = [ctx.base_year, *ctx.target_years]
            items.append(f"以下指标的目标“前低后高”，{y[-2]}—{y[-1]}年每年所需的速度明显高于{y[0]}—{y[-2]}年："
                         + "；".join(back) + "。")
    items.append(scenario_item(ctx))
    items += audit.number_findings(ctx)
    lis = "".join(f"<li>{t}</li>" for t in items)
    return HTML(f'<div class="box"><ul>{lis}</ul></div>')
