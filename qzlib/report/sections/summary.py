"""One page: what the plan asks, where the data stand, who is off track, what to watch.

Every sentence is computed from the tables the other sections show (and save), through
the same functions, so the summary cannot say something the pages contradict.
"""
from __future__ import annotations

import html

from IPython.display import HTML

from qzlib.i18n import T
from qzlib.report.sections import (
    audit,
    counties,
    facts,
    indicators,
    progress,
    scenario,
    title,
)
from qzlib.report.sections.context import BriefContext


def plan_items(ctx: BriefContext) -> list[str]:
    pts = ctx.points
    qualitative = pts[(pts["role"] == "target") & (pts["qualifier"] == "qualitative")]["code"].nunique()
    no_base = pts[(pts["role"] == "baseline") & (pts["qualifier"] == "missing")]["code"].nunique()
    real = facts.audit_discrepancies(ctx)
    n_audit = 0 if ctx.audit is None else len(ctx.audit)
    return [
        T("规划设定 <b>{n}</b> 项主要目标指标（附件1），其中 {qualitative} 项目标为定性表述，{no_base} 项无{base}年基期值；"
          "六大行动分解为 <b>{tasks}</b> 项具体任务（附件2），政策措施 <b>{measures}</b> 条（附件3）。",
          n=ctx.n_indicators, qualitative=qualitative, no_base=no_base, base=ctx.base_year, tasks=len(ctx.tasks),
          measures=len(ctx.measures)),
        T("全文可量化的目标共 <b>{n}</b> 条（正文与附件），已逐条登记其数值、单位、比较关系、期限与责任单位。",
          n=len(ctx.targets)),
        T("正文与附件的一致性核查有 <b>{n}</b> 处差异（另有 {same} 条核查相符），详见第七部分。",
          n=len(real), same=n_audit - len(real)),
    ]


def data_item(ctx: BriefContext) -> str:
    codes = facts.indicators_with_data(ctx)
    region = html.escape(ctx.place(ctx.region))
    if not codes:
        return T("数据：截至{year}年，{region} {n} 项指标都没有{base}年基期以后的数据；只能依据规划文本分析。"
                 "第四部分列出了向统计部门提出的数据需求清单。", year=ctx.year, region=region, n=ctx.n_indicators,
                 base=ctx.base_year)
    order = ctx.points.drop_duplicates("code").sort_values("number")["code"]
    without = [c for c in order if c not in codes]
    rest = (T("其余 {n} 项（{names}）只能依据规划文本分析（数据需求见第四部分）。",
              n=len(without), names=html.escape(facts.names(ctx, without))) if without else "")
    return T("数据：{region} {n} 项指标中，<b>{with_data}</b> 项有{base}年以后的数据（最新至 <b>{latest}</b> 年，"
             "逐年对照规划路径见第二部分）；", region=region, n=ctx.n_indicators, with_data=len(codes), base=ctx.base_year,
             latest=facts.latest_data_year(ctx)) + rest


def scenario_item(ctx: BriefContext) -> str:
    try:
        c = scenario.counts(ctx)
        label = html.escape(title.scenario_label(ctx))
    except Exception as exc:  # a brief without a usable scenario still gets its other sections
        return T("情景分析未能完成：{error}", error=html.escape(str(exc)[:120]))
    tail = (T("；{n} 项指标因缺少基期值、目标为定性表述或无可引用的速度而无路径", n=c["indicators_no_path"])
            if c["indicators_no_path"] else "")
    text = T("情景：在“{label}”下，{n} 项有数值目标的指标中 <b>{all_met}</b> 项如期达到全部目标"
             "（按指标年度目标计：{targets} 个中 {met} 个达到）{tail}（第五部分）。", label=label, n=c["indicators"],
             all_met=c["indicators_all_met"], targets=c["targets"], met=c["targets_met"], tail=tail)
    if ctx.scenario == "plan_path":
        text += T("规划路径情景按目标如期实现设定，是对照基准，不是预测。")
    return text


def page(ctx: BriefContext) -> HTML:
    items = plan_items(ctx)
    warn = ctx.test_warning
    if warn:
        items.insert(0, f'<span class="warn">{html.escape(warn)}{T("。")}</span>')
    items.append(data_item(ctx))
    county = counties.summary_item(ctx)
    if county:
        items.append(county)
    items += progress.headline(ctx)
    if not facts.indicators_with_data(ctx):   # with figures, each indicator's later pace is said beside its verdict
        back = indicators.backloaded(ctx)
        if back:
            y = [ctx.base_year, *ctx.target_years]
            items.append(T("以下指标的目标“前低后高”，{y1}—{y2}年每年所需的速度明显高于{y0}—{y1}年：",
                           y0=y[0], y1=y[-2], y2=y[-1]) + T("；").join(back) + T("。"))
    items.append(scenario_item(ctx))
    items += audit.number_findings(ctx)
    lis = "".join(f"<li>{t}</li>" for t in items)
    return HTML(f'<div class="box"><ul>{lis}</ul></div>')
